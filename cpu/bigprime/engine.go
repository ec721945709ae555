package bigprime

import (
	"math/big"
	"math/bits"
	"runtime"
	"slices"
	"sync"

	"github.com/corescale/corescale/cpu/prime"
	"github.com/corescale/corescale/internal/chunk"
)

// MaxBits is the largest size the engine tests; larger numbers go to
// math/big.
const MaxBits = 64 * maxLimbs

// Tester tests numbers one after another on one goroutine; its zero value
// is ready. It keeps scratch, so it is not safe for concurrent use.
type Tester struct {
	limbs [maxLimbs]uint64
	lp    lucasSearch
	// Scratch of strongBase2Big.
	words        []big.Word
	n, d, x, nm1 big.Int
	// lanes is testLanes' state, kept with the Tester (see testers).
	lanes *laneTester
	// laneGroups counts the groups of eight numbers the IFMA lanes
	// tested, by test (base 2, Lucas), and the passes of the paired
	// base-2 kernel: the tests' evidence that the lanes are used.
	laneGroups [3]int
}

// ProbablyPrime reports whether n passes the Baillie–PSW test: exact
// below 2^64 (cpu/prime), probable above, math/big's test above MaxBits.
// Numbers below 2 are not prime.
func (t *Tester) ProbablyPrime(n *big.Int) bool {
	switch {
	case n.Sign() <= 0:
		return false
	case n.IsUint64():
		return prime.IsPrime(n.Uint64())
	case n.BitLen() > MaxBits:
		return n.ProbablyPrime(0)
	}
	return t.probablyPrimeLimbs(toLimbs(t.limbs[:0], n))
}

// ProbablyPrime is Tester.ProbablyPrime on a Tester of its own.
func ProbablyPrime(n *big.Int) bool {
	var t Tester
	return t.ProbablyPrime(n)
}

func (t *Tester) probablyPrimeLimbs(n []uint64) bool {
	if n[0]&1 == 0 || tablesFor(len(n)).hasSmallFactor(n) {
		return false
	}
	if len(n) <= maxFixed {
		return testFixed(n, &t.lp)
	}
	if !t.strongBase2Big(n) {
		return false
	}
	p, ok := t.lp.parameter(n)
	if !ok {
		return false
	}
	var m modG
	m.init(n)
	return m.extraStrongLucas(n, p)
}

var bigOne, bigTwo = big.NewInt(1), big.NewInt(2)

// strongBase2Big is modG's strongBase2 through math/big's Exp, for the
// sizes above maxFixed: its assembly inner loops and windowed
// exponentiation take a 2048-bit number in about a third of the time of
// modG's loops in Go, and most numbers that pass trial division stop here.
// The Lucas test, for the few that pass, stays on modG.
func (t *Tester) strongBase2Big(n []uint64) bool {
	t.words = appendWords(t.words[:0], n)
	t.n.SetBits(t.words)
	t.nm1.Sub(&t.n, bigOne)
	s := t.nm1.TrailingZeroBits()
	t.d.Rsh(&t.nm1, s)
	t.x.Exp(bigTwo, &t.d, &t.n)
	if t.x.Cmp(bigOne) == 0 || t.x.Cmp(&t.nm1) == 0 {
		return true
	}
	for range s - 1 {
		t.x.Mul(&t.x, &t.x)
		t.x.Mod(&t.x, &t.n)
		if t.x.Cmp(bigOne) == 0 {
			return false // 1 without −1 before it: a nontrivial root of 1
		}
		if t.x.Cmp(&t.nm1) == 0 {
			return true
		}
	}
	return false
}

// toLimbs appends the 64-bit limbs of n ≥ 0 to buf, least significant
// first, without leading zero limbs.
func toLimbs(buf []uint64, n *big.Int) []uint64 {
	ws := n.Bits()
	if bits.UintSize == 64 {
		for _, w := range ws {
			buf = append(buf, uint64(w))
		}
		return buf
	}
	for i := 0; i < len(ws); i += 2 {
		w := uint64(ws[i])
		if i+1 < len(ws) {
			w |= uint64(ws[i+1]) << 32
		}
		buf = append(buf, w)
	}
	return buf
}

// Test sets prime[i] to the verdict of ProbablyPrime on ns[i], on up to
// workers goroutines (all cores when 0). The numbers are taken in order of
// size, so that each worker's chunks run one size's code and a chunk holds
// about the same work whatever the sizes.
func Test(ns []*big.Int, isPrime []bool, workers int) {
	inSizeOrder(len(ns), func(i int32) int { return len(ns[i].Bits()) }, workers, func(t *Tester, idx []int32) {
		t.testBatch(ns, idx, isPrime)
	})
}

// inSizeOrder hands the indices of count numbers, sorted by their size
// in words (size), to test in chunks on up to workers goroutines (all
// cores when 0), each with a Tester of its own. Chunks hold about a
// millisecond of work: a 2048-bit number takes about a third of one, a
// 128-bit one a microsecond.
func inSizeOrder(count int, size func(i int32) int, workers int, test func(t *Tester, idx []int32)) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	op := orders.Get().(*[]int32)
	order := slices.Grow((*op)[:0], count)[:count]
	if count <= maxPooledOrder {
		*op = order
		defer orders.Put(op)
	}
	words := 0
	for i := range order {
		order[i] = int32(i)
		words += size(int32(i))
	}
	slices.SortStableFunc(order, func(a, b int32) int { return size(a) - size(b) })
	chunkSize := 1
	if count > 0 {
		avg := max(words/count, 1)
		chunkSize = laneChunk(max(1, 1024/(avg*avg)), avg)
	}
	chunk.Run(count, chunkSize, workers, func(lo, hi int) {
		t := testers.Get().(*Tester)
		test(t, order[lo:hi])
		testers.Put(t)
	})
}

// orders and testers keep inSizeOrder's order and Testers (with their
// lanes' state, 24 KB) from one batch to the next. A caller that tests a
// file in batches of a few thousand numbers, as the CLI's pipeline does,
// left 13 bytes of garbage per 128-bit number, a collection every 3 MB,
// and with every core testing, the collector's mark took its time from
// the workers: on 10^6 such numbers 2 workers were 1.75 times as fast as
// one, 1.81 without (corescale prime --print count, paired runs).
var (
	orders  = sync.Pool{New: func() any { return new([]int32) }}
	testers = sync.Pool{New: func() any { return new(Tester) }}
)

// maxPooledOrder is the largest batch whose order is kept: one of
// millions of numbers (a GPU's fallback) leaves no megabytes behind.
const maxPooledOrder = 1 << 16
