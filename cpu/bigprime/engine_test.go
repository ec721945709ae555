package bigprime

import (
	"math/big"
	"math/rand/v2"
	"runtime"
	"testing"
)

// randomOdd returns a uniform odd number of exactly bits bits.
func randomOdd(r *rand.Rand, bits int) *big.Int {
	words := make([]big.Word, (bits+63)/64)
	for i := range words {
		words[i] = big.Word(r.Uint64())
	}
	n := new(big.Int).SetBits(words)
	n.SetBit(n, bits-1, 1)
	for i := bits; i < 64*len(words); i++ {
		n.SetBit(n, i, 0)
	}
	return n.SetBit(n, 0, 1)
}

// randomPrime returns the first probable prime (math/big's verdict) at or
// after a random odd number of bits bits, skipping multiples of the
// primes below 100 before asking math/big.
func randomPrime(r *rand.Rand, bits int) *big.Int {
	n := randomOdd(r, bits)
	two := big.NewInt(2)
	for {
		if new(big.Int).GCD(nil, nil, n, smallPrimorial).Cmp(big.NewInt(1)) == 0 && n.ProbablyPrime(0) {
			return n
		}
		n.Add(n, two)
	}
}

// smallPrimorial is the product of the odd primes below 100.
var smallPrimorial = func() *big.Int {
	z := big.NewInt(1)
	for p := int64(3); p < 100; p += 2 {
		if big.NewInt(p).ProbablyPrime(0) {
			z.Mul(z, big.NewInt(p))
		}
	}
	return z
}()

// sizesToTry are the sizes of every class: each end of each limb count,
// and one between. Above 1024 bits math/big's test, the oracle, takes
// milliseconds, and only every fourth class is tried.
func sizesToTry() []int {
	var s []int
	for k := 2; k <= maxLimbs; k++ {
		if k > 16 && k%4 != 0 {
			continue
		}
		s = append(s, 64*(k-1)+1, 64*(k-1)+2, 64*k-31, 64*k-1, 64*k)
	}
	return s
}

func checkAgainstBig(t *testing.T, n *big.Int, what string) {
	t.Helper()
	var tt Tester
	if got, want := tt.ProbablyPrime(n), n.ProbablyPrime(0); got != want {
		t.Errorf("%s: %d bits: ProbablyPrime(%#x) = %v, math/big says %v", what, n.BitLen(), n, got, want)
	}
}

// TestAgreesWithMathBig compares the verdicts with math/big's
// ProbablyPrime(0), the same test written otherwise, at both ends and in
// the middle of every size class: random odd numbers (mostly caught by
// trial division, some by the base-2 test), primes (which run the whole
// test) and products of two primes of equal size (which pass trial
// division).
func TestAgreesWithMathBig(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, bits := range sizesToTry() {
		odd, primes := 60, 2
		if bits > 1024 {
			odd, primes = 6, 0
		}
		if testing.Short() {
			odd, primes = odd/6, min(primes, 1)
		}
		for range odd {
			checkAgainstBig(t, randomOdd(r, bits), "random odd")
		}
		for range primes {
			p := randomPrime(r, bits)
			checkAgainstBig(t, p, "prime")
			q := randomPrime(r, bits/2+1)
			checkAgainstBig(t, q.Mul(q, randomPrime(r, bits/2)), "product of two primes")
		}
	}
}

// TestStrongBase2Paths holds the two base-2 tests to each other: modG's
// Montgomery loops and math/big's Exp, which the sizes above maxFixed use,
// on random odd numbers, primes and base-2 pseudoprimes (composite
// Mersenne numbers, whose n−1 = 2·odd, and Fermat numbers, with s large).
func TestStrongBase2Paths(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var ns []*big.Int
	for _, bits := range []int{577, 1024, 1500, 2048, 4096} {
		for range 20 {
			ns = append(ns, randomOdd(r, bits))
		}
		ns = append(ns, randomPrime(r, bits))
	}
	for _, e := range []int{607, 1279, 613, 1277, 2203, 2207} {
		ns = append(ns, new(big.Int).Sub(pow2(e), big.NewInt(1)))
	}
	for _, e := range []int{1024, 2048} {
		ns = append(ns, new(big.Int).Add(pow2(e), big.NewInt(1)))
	}
	var tt Tester
	passed := 0
	for _, n := range ns {
		limbs := toLimbs(nil, n)
		var m modG
		m.init(limbs)
		got, want := m.strongBase2(limbs), tt.strongBase2Big(limbs)
		if got != want {
			t.Errorf("%d bits: %#x: modG says %v, math/big's Exp %v", n.BitLen(), n, got, want)
		}
		if got {
			passed++
		}
	}
	if passed < 10 {
		t.Errorf("only %d numbers passed: the primes and pseudoprimes should", passed)
	}
}

// TestBatchAgreesWithMathBig runs Test, which orders the numbers by size
// and spreads them over workers, on a shuffled mix of sizes up to 1024 bits: random odd numbers, primes,
// base-2 pseudoprimes and even numbers, on 1 and 2 workers.
func TestBatchAgreesWithMathBig(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	var ns []*big.Int
	for range 3000 {
		ns = append(ns, randomOdd(r, 65+r.IntN(960)))
	}
	for range 40 {
		ns = append(ns, randomPrime(r, 65+r.IntN(448)))
	}
	for _, e := range []int{67, 71, 101, 103, 107, 127, 257, 521} {
		ns = append(ns, new(big.Int).Sub(pow2(e), big.NewInt(1)))
	}
	ns = append(ns, pow2(100), big.NewInt(97), big.NewInt(1), big.NewInt(0))
	r.Shuffle(len(ns), func(i, j int) { ns[i], ns[j] = ns[j], ns[i] })
	for _, workers := range []int{1, 2} {
		got := make([]bool, len(ns))
		Test(ns, got, workers)
		for i, n := range ns {
			if want := n.ProbablyPrime(0); got[i] != want {
				t.Errorf("workers=%d: %d bits: %#x: Test says %v, math/big %v", workers, n.BitLen(), n, got[i], want)
			}
		}
	}
}

// A batch reuses the last one's memory: a caller that tests a file in
// batches of a few thousand numbers made 35 KB of garbage a batch (the
// order, a Tester and its lanes' state), 13 bytes per 128-bit number, and
// the collections it caused took a core from the caller's workers.
func TestLimbsBatchesReuseMemory(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items under the race detector")
	}
	r := rand.New(rand.NewPCG(16, 128))
	ns := make([][]uint64, 3000)
	for i := range ns {
		ns[i] = []uint64{r.Uint64() | 1, r.Uint64() | 1<<63}
	}
	out := make([]bool, len(ns))
	TestLimbs(ns, out, 1)
	const runs = 20
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range runs {
		TestLimbs(ns, out, 1)
	}
	runtime.ReadMemStats(&after)
	// A collection during the runs empties the pools once: 35 KB over
	// the runs is under 2 KB a run.
	if perRun := (after.TotalAlloc - before.TotalAlloc) / runs; perRun > 4<<10 {
		t.Errorf("TestLimbs of %d 128-bit numbers allocated %d bytes a batch, want at most 4 KiB", len(ns), perRun)
	}
}
