package chart

import (
	"math"
	"strconv"
)

// Axis maps values from [Min, Max] onto pixel coordinates from From (where
// Min goes) to To (where Max goes). A vertical axis has To above From, a
// smaller pixel row, since rows grow downwards.
type Axis struct {
	Min, Max float64
	From, To float64
}

// Pixel is where v falls; values outside [Min, Max] fall outside [From, To]
// on the same line, for the caller to clip.
func (a Axis) Pixel(v float64) float64 {
	return a.From + (v-a.Min)*(a.To-a.From)/(a.Max-a.Min)
}

// Ticks returns the multiples of a round step (1, 2 or 5 × 10^k) from lo to
// hi, both included when they are multiples, choosing the smallest such step
// that makes at most n intervals over [lo, hi]. It is nil unless n ≥ 1 and
// Tickable(lo, hi).
func Ticks(lo, hi float64, n int) []float64 {
	return ticks(lo, hi, n, 0)
}

// ticks is Ticks with a step of at least least, itself a round number or 0.
func ticks(lo, hi float64, n int, least float64) []float64 {
	step, exp := tickStep(lo, hi, n, least)
	if step == 0 {
		return nil
	}
	// A tick is k × m × 10^exp; built from integers with a single rounding
	// at the end, 3 × 0.1 comes out as 0.3, not 0.30000000000000004.
	scale := math.Pow(10, math.Abs(float64(exp)))
	value := func(k float64) float64 {
		if exp < 0 {
			return k * step / scale
		}
		return k * step * scale
	}
	unit := value(1)
	first, last := math.Ceil(lo/unit-1e-9), math.Floor(hi/unit+1e-9)
	// n intervals have n+1 ends, one more for rounding at either; the bound
	// keeps the loop finite should k ever grow past 2^53, where k++ is k.
	var ticks []float64
	for k := first; k <= last && len(ticks) < n+2; k++ {
		v := value(k)
		if v == 0 {
			v = 0 // not −0, which would print as "-0"
		}
		ticks = append(ticks, v)
	}
	return ticks
}

// tickStep is the step of ticks as its mantissa (1, 2 or 5, as a float)
// and decimal exponent; 0 when there is none.
func tickStep(lo, hi float64, n int, least float64) (float64, int) {
	if !Tickable(lo, hi) || n < 1 {
		return 0, 0
	}
	raw := max((hi-lo)/float64(n), least)
	exp := int(math.Floor(math.Log10(raw)))
	mag := math.Pow10(exp)
	for _, m := range []float64{1, 2, 5} {
		// The tolerance keeps a span of exactly n steps (0 to 10 in 5)
		// from going up a step for a rounding error in raw.
		if m*mag >= raw*(1-1e-9) {
			return m, exp
		}
	}
	return 1, exp + 1
}

// Tickable reports whether float64 ticks can divide [lo, hi]: lo < hi, and
// hi − lo is finite (not the span of ±1e308), at least a billionth of the
// larger bound's size (from 1e17 to 1e17+16, the ticks' multipliers would
// pass 2^53, where floats no longer count in ones) and at least 1e-300
// (below, the step's power of ten leaves float64's range).
func Tickable(lo, hi float64) bool {
	span := hi - lo
	return lo < hi && !math.IsInf(span, 0) &&
		span >= 1e-9*max(math.Abs(lo), math.Abs(hi)) && span >= 1e-300
}

// TickLabel writes tick v with as many decimals as the step of the ticks
// of [lo, hi] in n has: 0.5 steps give "1.5" and "2.0", not "2".
func TickLabel(v, lo, hi float64, n int) string {
	return tickLabel(v, lo, hi, n, 0)
}

func tickLabel(v, lo, hi float64, n int, least float64) string {
	_, exp := tickStep(lo, hi, n, least)
	return strconv.FormatFloat(v, 'f', max(0, -exp), 64)
}
