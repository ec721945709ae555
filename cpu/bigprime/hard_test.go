package bigprime

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"testing"
)

type hardCase struct {
	what string
	n    *big.Int
}

func pow2(e int) *big.Int { return new(big.Int).Lsh(big.NewInt(1), uint(e)) }

func isSmallPrime(p int) bool { return big.NewInt(int64(p)).ProbablyPrime(0) }

// hardCases returns numbers above 2^64 that get through the early steps of
// Baillie–PSW, or sit where the arithmetic changes size:
//   - Mersenne numbers 2^p−1: for prime p each composite one is a strong
//     pseudoprime to base 2 (2^p ≡ 1 and p divides (n−1)/2), so only the
//     Lucas half can reject it; the Mersenne primes up to 4096 bits;
//   - Fermat numbers 2^(2^m)+1 and others 2^e+1, also base-2 pseudoprimes;
//   - k·2^m ± 1 for small odd k, primes among them, on both sides of the
//     limb boundaries;
//   - Carmichael numbers by Chernick's (6k+1)(12k+1)(18k+1) with all
//     three factors prime;
//   - products of two primes of equal size, and squares of primes (a
//     square has no Lucas parameter at all);
//   - both ends of each size class: 2^(64k) ± j and 2^(64k−1) + j.
func hardCases(t *testing.T) []hardCase {
	t.Helper()
	var cs []hardCase
	add := func(what string, n *big.Int) { cs = append(cs, hardCase{what, n}) }
	one := big.NewInt(1)
	// Mersenne numbers: every prime exponent to 520, the Mersenne primes
	// and some composite neighbours above.
	for p := 65; p <= 520; p++ {
		if isSmallPrime(p) {
			add(fmt.Sprintf("2^%d-1", p), new(big.Int).Sub(pow2(p), one))
		}
	}
	for _, p := range []int{1279, 2203, 2281, 3217, 1277, 2207, 3203, 4093} {
		add(fmt.Sprintf("2^%d-1", p), new(big.Int).Sub(pow2(p), one))
	}
	// Fermat numbers and other 2^e+1.
	for m := 7; m <= 12; m++ {
		add(fmt.Sprintf("F%d", m), new(big.Int).Add(pow2(1<<m), one))
	}
	for _, e := range []int{65, 66, 96, 127, 129, 160, 192, 255, 257, 320, 384, 511, 513, 768} {
		add(fmt.Sprintf("2^%d+1", e), new(big.Int).Add(pow2(e), one))
	}
	// k·2^m ± 1.
	for _, m := range []int{64, 65, 100, 126, 127, 128, 190, 191, 192, 255, 256, 383, 384, 511, 512, 1023, 1024, 2047} {
		for k := 1; k < 120; k += 2 {
			km := new(big.Int).Mul(big.NewInt(int64(k)), pow2(m))
			add(fmt.Sprintf("%d*2^%d+1", k, m), new(big.Int).Add(km, one))
			add(fmt.Sprintf("%d*2^%d-1", k, m), new(big.Int).Sub(km, one))
		}
	}
	// Chernick's Carmichael numbers, from k of several sizes.
	for _, kbits := range []int{19, 24, 32, 48, 64, 100} {
		k := pow2(kbits - 1)
		found := 0
		for found < 4 {
			k.Add(k, one)
			f1 := new(big.Int).Add(new(big.Int).Mul(k, big.NewInt(6)), one)
			if !f1.ProbablyPrime(10) {
				continue
			}
			f2 := new(big.Int).Add(new(big.Int).Mul(k, big.NewInt(12)), one)
			if !f2.ProbablyPrime(10) {
				continue
			}
			f3 := new(big.Int).Add(new(big.Int).Mul(k, big.NewInt(18)), one)
			if !f3.ProbablyPrime(10) {
				continue
			}
			n := new(big.Int).Mul(f1, f2)
			add(fmt.Sprintf("Chernick k=%d", k), n.Mul(n, f3))
			found++
		}
	}
	// Products of two primes of equal size, and squares of primes.
	r := rand.New(rand.NewPCG(6, 12))
	for _, bits := range []int{66, 128, 130, 192, 256, 384, 512, 640, 1024, 2048} {
		for range 3 {
			p := randomPrime(r, bits/2)
			add(fmt.Sprintf("p*q, %d bits", bits), new(big.Int).Mul(p, randomPrime(r, bits/2)))
			add(fmt.Sprintf("p^2, %d bits", bits), new(big.Int).Mul(p, p))
		}
	}
	// Both ends of each size class.
	for k := 2; k <= maxLimbs; k++ {
		if k > 16 && k%8 != 0 {
			continue
		}
		lo, hi := pow2(64*(k-1)), pow2(64*k)
		for j := int64(1); j < 200; j += 2 {
			add(fmt.Sprintf("2^%d+%d", 64*(k-1), j), new(big.Int).Add(lo, big.NewInt(j)))
			add(fmt.Sprintf("2^%d-%d", 64*k, j), new(big.Int).Sub(hi, big.NewInt(j)))
		}
	}
	return cs
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
		got, want := tt.ProbablyPrime(c.n), c.n.ProbablyPrime(0)
		if got != want {
			t.Errorf("%s: %d bits: engine says %v, math/big says %v", c.what, c.n.BitLen(), got, want)
		}
		if got {
			primes++
		}
	}
	t.Logf("%d primes among the hard cases", primes)
}
