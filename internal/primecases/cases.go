package primecases

import (
	"fmt"
	"math/big"
	"math/rand/v2"
)

// Case is a number and what makes it hard.
type Case struct {
	What string
	N    *big.Int
}

// Pow2 returns 2^e.
func Pow2(e int) *big.Int { return new(big.Int).Lsh(big.NewInt(1), uint(e)) }

// RandomOdd returns a uniform odd number of exactly bits bits.
func RandomOdd(r *rand.Rand, bits int) *big.Int {
	words := make([]big.Word, (bits+63)/64)
	for i := range words {
		words[i] = big.Word(r.Uint64())
	}
	n := new(big.Int).SetBits(words)
	for i := bits; i < 64*len(words); i++ {
		n.SetBit(n, i, 0)
	}
	n.SetBit(n, bits-1, 1)
	return n.SetBit(n, 0, 1)
}

// RandomPrime returns a random prime of exactly bits bits (math/big's
// ProbablyPrime(20)).
func RandomPrime(r *rand.Rand, bits int) *big.Int {
	for {
		if p := RandomOdd(r, bits); p.ProbablyPrime(20) {
			return p
		}
	}
}

// Hard returns the hard cases of 65 to maxBits bits. ends are the sizes
// in bits at which the engine under test changes its arithmetic (its size
// classes or limb counts): the odd numbers just above and below 2^e for
// each are included.
//   - Mersenne numbers 2^p−1 of prime p: each composite one is a strong
//     pseudoprime to base 2 (2^p ≡ 1 and p divides (n−1)/2), so only a
//     Lucas test can reject it; and the Mersenne primes to 4423 bits;
//   - Fermat numbers 2^(2^m)+1 and other 2^e+1, base-2 pseudoprimes too;
//   - k·2^m ± 1 for small odd k, on both sides of 64-bit limb boundaries;
//   - Chernick's Carmichael numbers (6k+1)(12k+1)(18k+1), all three
//     factors prime;
//   - ψ12 and ψ13, the least strong pseudoprimes to the first 12 and 13
//     prime bases (Sorenson and Webster);
//   - Arnault's strong pseudoprimes to every prime base up to 31, 61 and
//     101 (Arnault);
//   - products of two primes of equal size, and squares of primes (a
//     square has no Lucas parameter at all).
func Hard(maxBits int, ends []int) []Case {
	var cs []Case
	add := func(what string, n *big.Int) {
		if n.BitLen() > 64 && n.BitLen() <= maxBits {
			cs = append(cs, Case{what, n})
		}
	}
	one := big.NewInt(1)
	for p := 65; p <= 620; p++ {
		if big.NewInt(int64(p)).ProbablyPrime(0) {
			add(fmt.Sprintf("2^%d-1", p), new(big.Int).Sub(Pow2(p), one))
		}
	}
	for _, p := range []int{1277, 1279, 2203, 2207, 2281, 3203, 3217, 4093, 4253, 4423} {
		add(fmt.Sprintf("2^%d-1", p), new(big.Int).Sub(Pow2(p), one))
	}
	for m := 7; m <= 12; m++ {
		add(fmt.Sprintf("F%d", m), new(big.Int).Add(Pow2(1<<m), one))
	}
	for _, e := range []int{65, 66, 96, 127, 129, 160, 192, 255, 257, 320, 384, 511, 513, 768} {
		add(fmt.Sprintf("2^%d+1", e), new(big.Int).Add(Pow2(e), one))
	}
	for _, m := range []int{64, 65, 100, 126, 127, 128, 190, 191, 192, 255, 256, 383, 384, 511, 512, 1023, 1024, 2047} {
		// More k where numbers are cheap to test, fewer where not.
		maxK := 120
		if m > 256 {
			maxK = 64
		}
		for k := 1; k < maxK; k += 2 {
			km := new(big.Int).Mul(big.NewInt(int64(k)), Pow2(m))
			add(fmt.Sprintf("%d*2^%d+1", k, m), new(big.Int).Add(km, one))
			add(fmt.Sprintf("%d*2^%d-1", k, m), new(big.Int).Sub(km, one))
		}
	}
	for _, kbits := range []int{19, 24, 32, 48, 64, 100} {
		for _, c := range Chernick(kbits, 3) {
			add(c.What, c.N)
		}
	}
	for _, c := range []struct{ what, n string }{
		{"ψ12", "318665857834031151167461"},
		{"ψ13", "3317044064679887385961981"},
	} {
		n, _ := new(big.Int).SetString(c.n, 10)
		add(c.what+", a strong pseudoprime to the first 12 or 13 prime bases", n)
	}
	r := rand.New(rand.NewPCG(1995, 20))
	for _, bound := range []int64{31, 61, 101} {
		for range 2 {
			n, f, err := Arnault(r, bound)
			if err != nil {
				panic(err) // the seeds are fixed: a failure is a bug here
			}
			add(fmt.Sprintf("Arnault, a strong pseudoprime to the primes to %d: %v·%v·%v", bound, f[0], f[1], f[2]), n)
		}
	}
	r = rand.New(rand.NewPCG(6, 12))
	for _, bits := range []int{66, 128, 130, 192, 256, 384, 512, 640, 1024, 2048} {
		if bits > maxBits {
			continue
		}
		for range 2 {
			p := RandomPrime(r, bits/2)
			add(fmt.Sprintf("p*q, %d bits", bits), new(big.Int).Mul(p, RandomPrime(r, bits/2)))
			add(fmt.Sprintf("p^2, %d bits", bits), new(big.Int).Mul(p, p))
		}
	}
	for _, e := range ends {
		for j := int64(1); j < 60; j += 2 {
			add(fmt.Sprintf("2^%d+%d", e, j), new(big.Int).Add(Pow2(e), big.NewInt(j)))
			add(fmt.Sprintf("2^%d-%d", e, j), new(big.Int).Sub(Pow2(e), big.NewInt(j)))
		}
	}
	return cs
}

// Chernick returns the first count Carmichael numbers (6k+1)(12k+1)(18k+1)
// with all three factors prime (math/big's ProbablyPrime(10)), for k from
// 2^(kbits−1)+1 up.
func Chernick(kbits, count int) []Case {
	var cs []Case
	one := big.NewInt(1)
	k := Pow2(kbits - 1)
	for len(cs) < count {
		k.Add(k, one)
		f := func(c int64) *big.Int { return new(big.Int).Add(new(big.Int).Mul(k, big.NewInt(c)), one) }
		f1, f2, f3 := f(6), f(12), f(18)
		if !f1.ProbablyPrime(10) || !f2.ProbablyPrime(10) || !f3.ProbablyPrime(10) {
			continue
		}
		n := new(big.Int).Mul(f1, f2)
		cs = append(cs, Case{fmt.Sprintf("Chernick k=%d", k), n.Mul(n, f3)})
	}
	return cs
}
