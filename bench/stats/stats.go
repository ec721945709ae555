package stats

import (
	"errors"
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Confidence is the level of the interval Summarize reports.
const Confidence = 0.95

// Summary describes a sample.
type Summary struct {
	N                int
	Median, Min, Max float64
	Mean, SD         float64
	CILow, CIHigh    float64 // Confidence interval of the mean
	HalfWidth        float64 // (CIHigh − CILow)/2
}

// ErrEmpty is returned for a sample with no values.
var ErrEmpty = errors.New("stats: empty sample")

// Summarize summarises xs, which it does not modify. With one value the
// standard deviation is 0 and the interval is that value alone (no spread can
// be estimated from one value).
func Summarize(xs []float64) (Summary, error) {
	if len(xs) == 0 {
		return Summary{}, ErrEmpty
	}
	for i, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return Summary{}, fmt.Errorf("stats: value %d is %v", i, x)
		}
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	n := len(s)
	sum := Summary{N: n, Min: s[0], Max: s[n-1], Median: median(s)}
	sum.Mean = stat.Mean(s, nil)
	sum.CILow, sum.CIHigh = sum.Mean, sum.Mean
	if n > 1 {
		sum.SD = stat.StdDev(s, nil)
		t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(n - 1)}.Quantile(1 - (1-Confidence)/2)
		sum.HalfWidth = t * sum.SD / math.Sqrt(float64(n))
		sum.CILow, sum.CIHigh = sum.Mean-sum.HalfWidth, sum.Mean+sum.HalfWidth
	}
	return sum, nil
}

// Speedup is the serial time over the parallel time.
func Speedup(serial, parallel float64) float64 { return serial / parallel }

// Efficiency is the speedup per worker, S/p: 1 is perfect scaling.
func Efficiency(speedup float64, p int) float64 { return speedup / float64(p) }

// KarpFlatt is the experimentally determined serial fraction at p workers,
// (1/S − 1/p)/(1 − 1/p). It is undefined at p = 1, where it returns NaN.
func KarpFlatt(speedup float64, p int) float64 {
	if p <= 1 || speedup <= 0 {
		return math.NaN()
	}
	ip := 1 / float64(p)
	return (1/speedup - ip) / (1 - ip)
}

// Amdahl is the speedup Amdahl's law predicts at p workers for serial
// fraction f.
func Amdahl(f float64, p float64) float64 { return 1 / (f + (1-f)/p) }

// Point is one measured speedup at P workers.
type Point struct {
	P       int
	Speedup float64
}

// Fit is a fitted serial fraction.
type Fit struct {
	// F is the serial fraction; it is not clamped, so a negative value
	// says the measured scaling was better than linear (caches), and a
	// value near 1 that more workers bought nothing.
	F float64
	// Residual is the root mean square of y − f·x over all points, in
	// units of 1/S: how far the law is from the measurements.
	Residual float64
	// Points is the number of points used, Informative those with p > 1.
	Points, Informative int
}

// MaxSpeedup is the limit of the fitted law as p grows, 1/f (+Inf when f ≤ 0).
func (f Fit) MaxSpeedup() float64 {
	if f.F <= 0 {
		return math.Inf(1)
	}
	return 1 / f.F
}

// FitAmdahl fits Amdahl's serial fraction to pts by least squares on the
// linearised law (see the package documentation). It needs at least one
// point with p > 1 and every speedup positive.
func FitAmdahl(pts []Point) (Fit, error) {
	var sxy, sxx float64
	fit := Fit{Points: len(pts)}
	for _, pt := range pts {
		if pt.P < 1 {
			return Fit{}, fmt.Errorf("stats: amdahl fit: %d workers", pt.P)
		}
		if !(pt.Speedup > 0) || math.IsInf(pt.Speedup, 0) {
			return Fit{}, fmt.Errorf("stats: amdahl fit: speedup %v at %d workers", pt.Speedup, pt.P)
		}
		x, y := xy(pt)
		sxy += x * y
		sxx += x * x
		if pt.P > 1 {
			fit.Informative++
		}
	}
	if sxx == 0 {
		return Fit{}, errors.New("stats: amdahl fit: needs a point with more than one worker")
	}
	fit.F = sxy / sxx
	var ss float64
	for _, pt := range pts {
		x, y := xy(pt)
		r := y - fit.F*x
		ss += r * r
	}
	fit.Residual = math.Sqrt(ss / float64(len(pts)))
	return fit, nil
}

func xy(pt Point) (x, y float64) {
	ip := 1 / float64(pt.P)
	return 1 - ip, 1/pt.Speedup - ip
}

// median of sorted s: the middle value, or the mean of the two middle ones.
func median(s []float64) float64 {
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
