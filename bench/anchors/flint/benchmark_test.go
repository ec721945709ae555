//go:build flint

package flint

import (
	"testing"

	"github.com/corescale/corescale"
	"github.com/corescale/corescale/cpu/prime"
)

// BenchmarkPrime times FLINT and the serial engine on one core, side by side
// in one run; the numbers/s metric is per core.
func BenchmarkPrime(b *testing.B) {
	engines := []struct {
		name string
		t    corescale.PrimeTester
	}{{"flint", Tester{}}, {"serial", prime.Serial{}}}
	for _, w := range workloads() {
		out := make([]bool, len(w.ns))
		for _, e := range engines {
			b.Run(w.name+"/"+e.name, func(b *testing.B) {
				for b.Loop() {
					e.t.TestPrimes(w.ns, out)
				}
				b.ReportMetric(float64(b.N)*float64(len(w.ns))/b.Elapsed().Seconds(), "numbers/s")
			})
		}
	}
}
