//go:build flint

package flint

import (
	"testing"

	"github.com/corescale/corescale/cpu/prime"
	"github.com/corescale/corescale/internal/numbers"
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
		{"odd64", numbers.Odd64(batch, 1)},
		{"primes64", numbers.Primes64(batch, 2, prime.IsPrime)},
		{"uniform32", numbers.Uniform(batch, 32, 3)},
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
