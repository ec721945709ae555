package prime

import (
	"fmt"
	"testing"

	"github.com/corescale/corescale/bench/workload"
)

const benchBatch = 1 << 16

// benchWorkloads are the three shapes of batch the closing figures use.
func benchWorkloads() []struct {
	name string
	ns   []uint64
} {
	return []struct {
		name string
		ns   []uint64
	}{
		{"odd64", workload.Odd64(benchBatch, 1)},
		{"primes64", workload.Primes64(benchBatch, 2, IsPrime)},
		{"uniform32", workload.Uniform(benchBatch, 32, 3)},
	}
}

func reportRate(b *testing.B, perOp int) {
	b.ReportMetric(float64(b.N)*float64(perOp)/b.Elapsed().Seconds(), "numbers/s")
}

// BenchmarkLanes measures the interleaving: how many numbers one
// exponentiation loop carries at once. Width 1 is one dependency chain at a
// time.
func BenchmarkLanes(b *testing.B) {
	for _, w := range benchWorkloads()[:2] {
		out := make([]bool, len(w.ns))
		for _, width := range []int{1, 2, 3, 4, 6, 8} {
			b.Run(fmt.Sprintf("%s/width=%d", w.name, width), func(b *testing.B) {
				for b.Loop() {
					testBatch(w.ns, out, width)
				}
				reportRate(b, len(w.ns))
			})
		}
	}
}

func BenchmarkX4(b *testing.B) {
	w := benchWorkloads()[1].ns
	var ns [maxLanes]uint64
	var pass [maxLanes]bool
	var ps [maxLanes]uint64
	for l := range 4 {
		ps[l], _ = lucasParameter(w[l])
	}
	copy(ns[:], w)
	b.Run("sprp/generic", func(b *testing.B) {
		for b.Loop() {
			strongBase2(&ns, &pass, 4)
		}
	})
	b.Run("sprp/x4", func(b *testing.B) {
		for b.Loop() {
			strongBase2x4(&ns, &pass)
		}
	})
	b.Run("lucas/generic", func(b *testing.B) {
		for b.Loop() {
			extraStrongLucas(&ns, &ps, &pass, 4)
		}
	})
	b.Run("lucas/x4", func(b *testing.B) {
		for b.Loop() {
			extraStrongLucasx4(&ns, &ps, &pass)
		}
	})
}
