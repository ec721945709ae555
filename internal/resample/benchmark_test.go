package resample

import (
	"fmt"
	"testing"

	"github.com/corescale/corescale"
)

// BenchmarkNewTable times the tables of the sizes the engines meet: a large
// photo's width reduced tenfold, a thumbnail, an enlargement, and an axis
// kept at its length. A batch of same-size images computes them once, so
// this is a per-size cost, not a per-image one.
func BenchmarkNewTable(b *testing.B) {
	sizes := []struct{ in, out int }{
		{6000, 600},
		{4000, 256},
		{600, 6000},
		{1920, 1920},
	}
	for _, f := range []corescale.Filter{corescale.Linear, corescale.Lanczos3} {
		k, err := KernelOf(f)
		if err != nil {
			b.Fatal(err)
		}
		for _, s := range sizes {
			b.Run(fmt.Sprintf("%s/%dto%d", f, s.in, s.out), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					NewTable(s.in, 0, float64(s.in), s.out, k)
				}
			})
		}
	}
}

var indicesSink []int

// BenchmarkNearestIndices is the nearest filter's table.
func BenchmarkNearestIndices(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		indicesSink = NearestIndices(0, 6000, 600, 6000)
	}
}
