package chart

import (
	"math"
	"slices"
	"testing"
)

func TestTicks(t *testing.T) {
	for _, tc := range []struct {
		lo, hi float64
		n      int
		want   []float64
	}{
		{0, 8.5, 6, []float64{0, 2, 4, 6, 8}},
		{0, 10, 5, []float64{0, 2, 4, 6, 8, 10}}, // exactly n steps of 2, not 5
		{0, 10, 10, []float64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}},
		{0, 208, 6, []float64{0, 50, 100, 150, 200}},
		{0, 2.5, 6, []float64{0, 0.5, 1, 1.5, 2, 2.5}},
		{0, 0.3, 3, []float64{0, 0.1, 0.2, 0.3}}, // 0.3 itself, not 3 × 0.1
		{0.1, 0.35, 5, []float64{0.1, 0.15, 0.2, 0.25, 0.3, 0.35}},
		{-3, 7, 5, []float64{-2, 0, 2, 4, 6}},
		{1e6, 1e6 + 10, 4, []float64{1e6, 1e6 + 5, 1e6 + 10}},
		{0, 7e9, 6, []float64{0, 2e9, 4e9, 6e9}},
		{0, 0.00095, 4, []float64{0, 0.0005}},
		{0, 9, 1, []float64{0}}, // one interval of 10 covers it
		{5, 5, 6, nil},
		{6, 5, 6, nil},
		{0, 1, 0, nil},
		{math.NaN(), 1, 6, nil},
		{0, math.Inf(1), 6, nil},
		{-1e308, 1e308, 6, nil},                             // a span of +Inf: the step was 0, the loop endless
		{1e17, 1e17 + 16, 6, nil},                           // multipliers past 2^53: k++ stood still
		{0, 1e-310, 6, nil},                                 // a step of 10^-311, beyond float64's powers of ten
		{1e9, 1e9 + 2, 2, []float64{1e9, 1e9 + 1, 1e9 + 2}}, // two billionths of the bound: still ticked
	} {
		got := Ticks(tc.lo, tc.hi, tc.n)
		if !slices.Equal(got, tc.want) {
			t.Errorf("Ticks(%v, %v, %d) = %v, want %v", tc.lo, tc.hi, tc.n, got, tc.want)
		}
		for _, v := range got {
			if math.Signbit(v) && v == 0 {
				t.Errorf("Ticks(%v, %v, %d) holds −0", tc.lo, tc.hi, tc.n)
			}
		}
	}
}

// TestTicksLeast: a least step holds ticks apart on a short span (workers
// from 0 to 2.5 are ticked at 0, 1, 2, never 0.5), and leaves a long one be.
func TestTicksLeast(t *testing.T) {
	for _, tc := range []struct {
		lo, hi, least float64
		want          []float64
		label         string // of the last tick
	}{
		{0, 2.5, 1, []float64{0, 1, 2}, "2"},
		{0, 2.5, 0, []float64{0, 0.5, 1, 1.5, 2, 2.5}, "2.5"},
		{0, 16.5, 1, []float64{0, 5, 10, 15}, "15"},
		{0, 0.4, 1, []float64{0}, "0"},
	} {
		got := ticks(tc.lo, tc.hi, 6, tc.least)
		if !slices.Equal(got, tc.want) {
			t.Errorf("ticks(%v, %v, 6, %v) = %v, want %v", tc.lo, tc.hi, tc.least, got, tc.want)
			continue
		}
		if l := tickLabel(got[len(got)-1], tc.lo, tc.hi, 6, tc.least); l != tc.label {
			t.Errorf("ticks(%v, %v, 6, %v): last labelled %q, want %q", tc.lo, tc.hi, tc.least, l, tc.label)
		}
	}
}

func TestTickLabel(t *testing.T) {
	for _, tc := range []struct {
		v, lo, hi float64
		n         int
		want      string
	}{
		{2, 0, 2.5, 6, "2.0"},
		{1.5, 0, 2.5, 6, "1.5"},
		{200, 0, 208, 6, "200"},
		{0.15, 0.1, 0.35, 5, "0.15"},
		{0.3, 0, 0.3, 3, "0.3"},
		{6e9, 0, 7e9, 6, "6000000000"},
		{-2, -3, 7, 5, "-2"},
		{0, -3, 7, 5, "0"},
	} {
		if got := TickLabel(tc.v, tc.lo, tc.hi, tc.n); got != tc.want {
			t.Errorf("TickLabel(%v, %v, %v, %d) = %q, want %q", tc.v, tc.lo, tc.hi, tc.n, got, tc.want)
		}
	}
}

func TestAxisPixel(t *testing.T) {
	for _, tc := range []struct {
		a    Axis
		v    float64
		want float64
	}{
		{Axis{Min: 0, Max: 10, From: 100, To: 200}, 0, 100},
		{Axis{Min: 0, Max: 10, From: 100, To: 200}, 10, 200},
		{Axis{Min: 0, Max: 10, From: 100, To: 200}, 2.5, 125},
		{Axis{Min: 0, Max: 10, From: 100, To: 200}, -1, 90}, // outside: the caller clips
		{Axis{Min: 0, Max: 8, From: 400, To: 0}, 2, 300},    // vertical: up is fewer rows
		{Axis{Min: 0, Max: 8, From: 400, To: 0}, 8, 0},
		{Axis{Min: -5, Max: 5, From: 0, To: 100}, 0, 50},
		{Axis{Min: 1e6, Max: 1e6 + 4, From: 10, To: 50}, 1e6 + 1, 20},
	} {
		if got := tc.a.Pixel(tc.v); math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("%+v.Pixel(%v) = %v, want %v", tc.a, tc.v, got, tc.want)
		}
	}
}
