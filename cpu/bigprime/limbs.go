package bigprime

import (
	"github.com/corescale/corescale/cpu/prime"
)

// MaxLimbs is the most 64-bit limbs a number given to TestLimbs may have.
const MaxLimbs = maxLimbs

// ProbablyPrimeLimbs is ProbablyPrime on n given as 64-bit limbs, least
// significant first, with no zero limb at the top (none at all for 0),
// of at most MaxLimbs limbs. It does not change n.
func (t *Tester) ProbablyPrimeLimbs(n []uint64) bool {
	switch len(n) {
	case 0:
		return false
	case 1:
		return prime.IsPrime(n[0])
	}
	return t.probablyPrimeLimbs(n)
}

// TestLimbs is Test on numbers given as limbs (as ProbablyPrimeLimbs
// takes them): a caller that reads numbers from text parses them straight
// into limbs, where a *big.Int per number costs an allocation and, at 128
// bits, about as much CPU as the test itself in parsing, copying and
// garbage collection.
func TestLimbs(ns [][]uint64, isPrime []bool, workers int) {
	inSizeOrder(len(ns), func(i int32) int { return len(ns[i]) }, workers, func(t *Tester, idx []int32) {
		t.testBatchLimbs(ns, idx, isPrime)
	})
}
