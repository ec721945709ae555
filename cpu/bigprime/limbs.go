package bigprime

import (
	"runtime"
	"slices"

	"github.com/corescale/corescale/cpu/prime"
	"github.com/corescale/corescale/internal/chunk"
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
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	order := make([]int32, len(ns))
	for i := range order {
		order[i] = int32(i)
	}
	// By size, as Test orders them: each chunk runs one size's code.
	slices.SortStableFunc(order, func(a, b int32) int { return len(ns[a]) - len(ns[b]) })
	var limbs int
	for _, n := range ns {
		limbs += len(n)
	}
	size := 1
	if len(ns) > 0 {
		avg := max(limbs/len(ns), 1)
		size = laneChunk(max(1, 1024/(avg*avg)), avg)
	}
	chunk.Run(len(ns), size, workers, func(lo, hi int) {
		var t Tester
		t.testBatchLimbs(ns, order[lo:hi], isPrime)
	})
}
