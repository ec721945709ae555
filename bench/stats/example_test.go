package stats_test

import (
	"fmt"

	"github.com/corescale/corescale/bench/stats"
)

// Five timed runs, in seconds.
func ExampleSummarize() {
	s, err := stats.Summarize([]float64{1.02, 0.98, 1.10, 1.00, 0.95})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("n=%d median=%.2f min=%.2f max=%.2f\n", s.N, s.Median, s.Min, s.Max)
	fmt.Printf("mean=%.3f sd=%.3f\n", s.Mean, s.SD)
	fmt.Printf("95%% CI [%.3f, %.3f] ±%.3f\n", s.CILow, s.CIHigh, s.HalfWidth)

	_, err = stats.Summarize(nil)
	fmt.Println(err)
	// Output:
	// n=5 median=1.00 min=0.95 max=1.10
	// mean=1.010 sd=0.057
	// 95% CI [0.940, 1.080] ±0.070
	// stats: empty sample
}

// Speedups measured at 1, 2, 4 and 8 workers; a tenth of the work is
// serial, so no number of workers gets past 10×.
func ExampleFitAmdahl() {
	var pts []stats.Point
	for _, p := range []int{1, 2, 4, 8} {
		pts = append(pts, stats.Point{P: p, Speedup: stats.Amdahl(0.1, float64(p))})
	}
	fit, err := stats.FitAmdahl(pts)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("serial fraction %.3f, at most %.1f×, from %d points (%d informative)\n",
		fit.F, fit.MaxSpeedup(), fit.Points, fit.Informative)
	// Output:
	// serial fraction 0.100, at most 10.0×, from 4 points (3 informative)
}

// One run on 4 workers took 3.2 s where the serial engine took 10 s.
func ExampleKarpFlatt() {
	s := stats.Speedup(10, 3.2)
	fmt.Printf("speedup %.3f\n", s)
	fmt.Printf("efficiency %.3f\n", stats.Efficiency(s, 4))
	fmt.Printf("Karp–Flatt serial fraction %.4f\n", stats.KarpFlatt(s, 4))
	// Output:
	// speedup 3.125
	// efficiency 0.781
	// Karp–Flatt serial fraction 0.0933
}
