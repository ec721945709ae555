package sieve

import (
	"fmt"
	"math"
	"testing"
)

// The workloads, shortened to run in about a second each.
func BenchmarkCount(b *testing.B) {
	cases := []struct {
		name string
		a, n uint64
		m    Method
	}{
		{"1e12+1e8/sieve", 1e12, 1e8, Sieve},
		{"1e18+1e7/hybrid", 1e18, 1e7, Hybrid},
		{"2^64-1e7/hybrid", math.MaxUint64 - 1e7 + 1, 1e7, Hybrid},
		{"2^64-1e8/sieve", math.MaxUint64 - 1e8 + 1, 1e8, Sieve}, // the 203 M primes below 2^32, generated and started
		{"2^64-1e9/sieve", math.MaxUint64 - 1e9 + 1, 1e9, Sieve},
		{"1e18+1e8/sieve", 1e18, 1e8, Sieve},
	}
	for _, c := range cases {
		for _, w := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/workers=%d", c.name, w), func(b *testing.B) {
				for b.Loop() {
					Count(c.a, c.a+c.n-1, Options{Method: c.m, Workers: w})
				}
				b.ReportMetric(float64(c.n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "Gnum/s")
			})
		}
	}
}
