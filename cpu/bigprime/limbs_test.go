package bigprime

import (
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestTestLimbs checks that TestLimbs gives Test's verdicts on the same
// numbers as limbs, in a mixed batch of every size class, primes among
// them, numbers of one limb and zero, on one and on several workers, and
// that it leaves the limbs as they were.
func TestTestLimbs(t *testing.T) {
	r := rand.New(rand.NewPCG(16, 4096))
	var ns []*big.Int
	for _, bits := range sizesToTry() {
		ns = append(ns, randomOdd(r, bits))
		if bits <= 512 {
			ns = append(ns, randomPrime(r, bits))
		}
	}
	ns = append(ns, big.NewInt(0), big.NewInt(1), big.NewInt(2), big.NewInt(97), big.NewInt(91),
		new(big.Int).SetUint64(18446744073709551557)) // the largest prime below 2^64
	r.Shuffle(len(ns), func(i, j int) { ns[i], ns[j] = ns[j], ns[i] })
	want := make([]bool, len(ns))
	Test(ns, want, 1)
	limbs := make([][]uint64, len(ns))
	for i, n := range ns {
		limbs[i] = toLimbs(nil, n)
	}
	saved := make([][]uint64, len(ns))
	for i := range limbs {
		saved[i] = slices.Clone(limbs[i])
	}
	primes := 0
	for _, workers := range []int{1, 3} {
		got := make([]bool, len(ns))
		TestLimbs(limbs, got, workers)
		for i := range ns {
			if got[i] != want[i] {
				t.Errorf("%d workers: TestLimbs says %v for %#x, Test says %v", workers, got[i], ns[i], want[i])
			}
			if got[i] {
				primes++
			}
			if !slices.Equal(limbs[i], saved[i]) {
				t.Fatalf("TestLimbs changed the limbs of %#x", ns[i])
			}
		}
	}
	if primes == 0 {
		t.Fatal("no primes in the batch: the test shows nothing")
	}
}
