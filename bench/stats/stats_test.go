package stats

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

func TestSummarize(t *testing.T) {
	tests := []struct {
		name             string
		xs               []float64
		median, min, max float64
		mean, sd, halfCI float64
	}{
		{"one", []float64{3}, 3, 3, 3, 3, 0, 0},
		{"two", []float64{1, 3}, 2, 1, 3, 2, math.Sqrt2, 12.706204736174698 * math.Sqrt2 / math.Sqrt2},
		{"odd", []float64{5, 1, 3}, 3, 1, 5, 3, 2, 4.302652729749464 * 2 / math.Sqrt(3)},
		{"equal", []float64{7, 7, 7, 7}, 7, 7, 7, 7, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Summarize(tt.xs)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				what      string
				got, want float64
			}{{"median", s.Median, tt.median}, {"min", s.Min, tt.min}, {"max", s.Max, tt.max},
				{"mean", s.Mean, tt.mean}, {"sd", s.SD, tt.sd}, {"half CI", s.HalfWidth, tt.halfCI},
				{"CI low", s.CILow, tt.mean - tt.halfCI}, {"CI high", s.CIHigh, tt.mean + tt.halfCI}} {
				if math.Abs(c.got-c.want) > 1e-9*math.Max(1, math.Abs(c.want)) {
					t.Errorf("%s = %v, want %v", c.what, c.got, c.want)
				}
			}
			if s.N != len(tt.xs) {
				t.Errorf("N = %d", s.N)
			}
		})
	}
}

func TestSummarizeErrors(t *testing.T) {
	if _, err := Summarize(nil); !errors.Is(err, ErrEmpty) {
		t.Errorf("empty: %v", err)
	}
	if _, err := Summarize([]float64{1, math.NaN()}); err == nil {
		t.Error("NaN accepted")
	}
}

// The 95% interval must cover the true mean in about 95% of samples.
func TestConfidenceIntervalCovers(t *testing.T) {
	const trials, mu, sigma = 1000, 10.0, 2.0
	for _, n := range []int{3, 5, 20} {
		r := rand.New(rand.NewPCG(1, uint64(n)))
		covered := 0
		for range trials {
			xs := make([]float64, n)
			for i := range xs {
				xs[i] = mu + sigma*r.NormFloat64()
			}
			s, err := Summarize(xs)
			if err != nil {
				t.Fatal(err)
			}
			if s.CILow <= mu && mu <= s.CIHigh {
				covered++
			}
		}
		if covered < 920 || covered > 980 {
			t.Errorf("n=%d: the interval covered the mean in %d of %d trials, want about 950", n, covered, trials)
		}
	}
}

func TestFitAmdahl(t *testing.T) {
	workers := []int{1, 2, 4, 8, 16, 32}
	tests := []struct {
		name  string
		f     float64
		noise float64 // relative noise on each speedup
		tol   float64
	}{
		{"serial-free", 0, 0, 1e-12},
		{"f=0.05", 0.05, 0, 1e-12},
		{"f=0.3", 0.3, 0, 1e-12},
		{"all-serial", 1, 0, 1e-12},
		{"f=0.1 noisy", 0.1, 0.02, 0.01},
		{"f=0.02 noisy", 0.02, 0.01, 0.005},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(7, 11))
			var pts []Point
			for _, p := range workers {
				s := Amdahl(tt.f, float64(p)) * (1 + tt.noise*r.NormFloat64())
				pts = append(pts, Point{p, s})
			}
			fit, err := FitAmdahl(pts)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(fit.F-tt.f) > tt.tol {
				t.Errorf("f = %v, want %v ± %v", fit.F, tt.f, tt.tol)
			}
			if tt.noise == 0 && fit.Residual > 1e-12 {
				t.Errorf("residual %v on exact data", fit.Residual)
			}
			if tt.noise > 0 && fit.Residual == 0 {
				t.Error("zero residual on noisy data")
			}
			if fit.Points != len(workers) || fit.Informative != len(workers)-1 {
				t.Errorf("points %d, informative %d", fit.Points, fit.Informative)
			}
		})
	}
}

func TestFitAmdahlErrors(t *testing.T) {
	for name, pts := range map[string][]Point{
		"none":        nil,
		"only p=1":    {{1, 1}},
		"zero p":      {{0, 1}, {2, 1.5}},
		"bad speedup": {{2, 0}},
		"inf speedup": {{2, math.Inf(1)}},
	} {
		if _, err := FitAmdahl(pts); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestKarpFlatt(t *testing.T) {
	tests := []struct {
		s    float64
		p    int
		want float64
	}{
		{2, 2, 0},
		{1, 2, 1},
		{Amdahl(0.1, 8), 8, 0.1},
		{Amdahl(0.25, 3), 3, 0.25},
		{4, 4, 0},
	}
	for _, tt := range tests {
		if got := KarpFlatt(tt.s, tt.p); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("KarpFlatt(%v, %d) = %v, want %v", tt.s, tt.p, got, tt.want)
		}
	}
	if !math.IsNaN(KarpFlatt(1, 1)) {
		t.Error("p=1 is defined")
	}
}

func TestSpeedupEfficiency(t *testing.T) {
	if s := Speedup(10, 4); s != 2.5 {
		t.Errorf("speedup %v", s)
	}
	if e := Efficiency(3, 4); e != 0.75 {
		t.Errorf("efficiency %v", e)
	}
	if m := (Fit{F: 0.25}).MaxSpeedup(); m != 4 {
		t.Errorf("max speedup %v", m)
	}
	if m := (Fit{F: 0}).MaxSpeedup(); !math.IsInf(m, 1) {
		t.Errorf("max speedup %v", m)
	}
}
