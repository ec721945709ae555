//go:build flint

package flint

import (
	"testing"

	"github.com/corescale/corescale"
	"github.com/corescale/corescale/bench/workload"
	"github.com/corescale/corescale/cpu/prime"
)

const batch = 1 << 16

func workloads() []struct {
	name string
	ns   []uint64
} {
	return []struct {
		name string
		ns   []uint64
	}{
		{"odd64", workload.Odd64(batch, 1)},
		{"primes64", workload.Primes64(batch, 2, prime.IsPrime)},
		{"uniform32", workload.Uniform(batch, 32, 3)},
	}
}

// TestAgree checks FLINT and the serial engine against each other: a third
// opinion beside GNU factor and math/big.
func TestAgree(t *testing.T) {
	for _, w := range workloads() {
		got := make([]bool, len(w.ns))
		want := make([]bool, len(w.ns))
		prime.Serial{}.TestPrimes(w.ns, got)
		Tester{}.TestPrimes(w.ns, want)
		for i, n := range w.ns {
			if got[i] != want[i] {
				t.Fatalf("%s: %d: corescale says %v, FLINT says %v", w.name, n, got[i], want[i])
			}
		}
	}
}

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
