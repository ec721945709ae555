package bigprime

import (
	"math/big"
	"testing"

	"github.com/corescale/corescale/internal/primecases"
)

type hardCase = primecases.Case

func pow2(e int) *big.Int { return primecases.Pow2(e) }

// hardCases returns primecases.Hard to 4096 bits, with the numbers around
// each multiple of 64 bits, where the engine's limb count changes.
func hardCases(t *testing.T) []hardCase {
	t.Helper()
	var ends []int
	for k := 1; k <= maxLimbs; k++ {
		if k <= 16 || k%8 == 0 {
			ends = append(ends, 64*k)
		}
	}
	return primecases.Hard(64*maxLimbs, ends)
}

// TestHardCasesAgreeWithMathBig holds the engine to math/big's verdicts on
// hardCases where GMP is not installed; TestAgreesWithGMPHardCases holds
// it to both where it is.
func TestHardCasesAgreeWithMathBig(t *testing.T) {
	if testing.Short() {
		t.Skip("math/big takes seconds on the large hard cases")
	}
	var tt Tester
	primes := 0
	for _, c := range hardCases(t) {
		got, want := tt.ProbablyPrime(c.N), c.N.ProbablyPrime(0)
		if got != want {
			t.Errorf("%s: %d bits: engine says %v, math/big says %v", c.What, c.N.BitLen(), got, want)
		}
		if got {
			primes++
		}
	}
	t.Logf("%d primes among the hard cases", primes)
}
