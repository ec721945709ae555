package primecases

import (
	"fmt"
	"math/big"
	"math/rand/v2"
)

// Arnault returns a composite n = p1·p2·p3 that is a strong pseudoprime to
// every prime base up to bound, and its three prime factors, built as in
// F. Arnault, "Constructing Carmichael numbers which are strong
// pseudoprimes to several bases", J. Symbolic Computation 20 (1995): p_i =
// k_i(p1−1)+1 with k1 = 1, all three prime and ≡ 3 mod 4. Different r give
// different numbers; about 2·log2(primorial(bound))+… bits (216 bits for
// bound 31, 345 for 61, 500 for 101).
//
// Why it works: the k_i are odd and ≡ 1 mod 4, so n ≡ 3 mod 4 and d =
// (n−1)/2 is odd. With p1 ≡ −k3⁻¹ mod k2 and p1 ≡ −k2⁻¹ mod k3 each p_i − 1
// divides n − 1 (n is a Carmichael number), so d is an odd multiple of
// (p_i − 1)/2 and a^d ≡ (a/p_i) mod p_i by Euler's criterion. When the
// Legendre symbol (a/p_i) is −1 for every i, a^d ≡ −1 mod n: n passes the
// strong test to base a. By reciprocity, (a/p) for p ≡ 3 mod 4 depends only
// on p mod a (on p mod 8 for a = 2), so each base allows a set of residues
// of p1 mod a; one residue per base, joined by the Chinese remainder
// theorem, gives an arithmetic progression in which to look for p1.
//
// The result is checked with math/big before it is returned.
func Arnault(r *rand.Rand, bound int64) (*big.Int, [3]*big.Int, error) {
	var bases []int64
	for a := int64(2); a <= bound; a++ {
		if big.NewInt(a).ProbablyPrime(0) {
			bases = append(bases, a)
		}
	}
	// k2 and k3: primes ≡ 1 mod 4 above every base, so that their
	// congruences are independent of the bases'.
	var ks []int64
	for k := bound + 1; len(ks) < 40; k++ {
		if k%4 == 1 && big.NewInt(k).ProbablyPrime(0) {
			ks = append(ks, k)
		}
	}
	for i := range ks {
		for _, k3 := range ks[i+1:] {
			k2 := ks[i]
			allowed, ok := allowedResidues(bases, []int64{1, k2, k3})
			if !ok {
				continue
			}
			n, f, found := searchArnault(r, bases, allowed, k2, k3)
			if !found {
				continue
			}
			if err := checkStrongPseudoprime(n, f, bases); err != nil {
				return nil, f, err
			}
			return n, f, nil
		}
	}
	return nil, [3]*big.Int{}, fmt.Errorf("primecases: no Arnault number for the bases to %d", bound)
}

// allowedResidues returns, for each odd base a, the residues res of p1 mod
// a for which every p_i = k_i(res−1)+1 has (a/p_i) = −1, given p_i ≡ 3 mod 4.
func allowedResidues(bases, ks []int64) (map[int64][]int64, bool) {
	allowed := map[int64][]int64{}
	for _, a := range bases {
		if a == 2 {
			continue // p1 ≡ 3 mod 8, in searchArnault
		}
		// (a/p) = (p/a)·(−1)^((a−1)/2) for p ≡ 3 mod 4, so (a/p) = −1
		// asks (p/a) = −(−1)^((a−1)/2).
		want := -big.Jacobi(big.NewInt(-1), big.NewInt(a))
		for res := range a {
			good := true
			for _, k := range ks {
				q := ((k*(res-1)+1)%a + a) % a
				if q == 0 || big.Jacobi(big.NewInt(q), big.NewInt(a)) != want {
					good = false
					break
				}
			}
			if good {
				allowed[a] = append(allowed[a], res)
			}
		}
		if len(allowed[a]) == 0 {
			return nil, false
		}
	}
	return allowed, true
}

// searchArnault joins a random allowed residue per base with p1 ≡ 3 mod 8
// (which makes (2/p_i) = −1, the k_i being ≡ 1 mod 4) and the two
// Carmichael congruences, and walks the progression until p1, p2 and p3
// are all prime.
func searchArnault(r *rand.Rand, bases []int64, allowed map[int64][]int64, k2, k3 int64) (*big.Int, [3]*big.Int, bool) {
	res, mod := big.NewInt(3), big.NewInt(8)
	join := func(x, m int64) bool {
		// res ≡ x mod m as well: res += mod·((x − res)·mod⁻¹ mod m).
		bm := big.NewInt(m)
		inv := new(big.Int).ModInverse(new(big.Int).Mod(mod, bm), bm)
		if inv == nil {
			return false
		}
		step := new(big.Int).Sub(big.NewInt(x), res)
		step.Mul(step, inv).Mod(step, bm)
		res.Add(res, step.Mul(step, mod))
		mod.Mul(mod, bm)
		return true
	}
	for _, a := range bases {
		if a != 2 && !join(allowed[a][r.IntN(len(allowed[a]))], a) {
			return nil, [3]*big.Int{}, false
		}
	}
	negInverse := func(k, m int64) int64 {
		inv := new(big.Int).ModInverse(big.NewInt(k%m), big.NewInt(m)).Int64()
		return (m - inv) % m
	}
	if !join(negInverse(k3, k2), k2) || !join(negInverse(k2, k3), k3) {
		return nil, [3]*big.Int{}, false
	}
	one := big.NewInt(1)
	p1 := new(big.Int).Add(res, new(big.Int).Mul(mod, big.NewInt(r.Int64N(1<<20))))
	for range 2_000_000 {
		p1.Add(p1, mod)
		if !p1.ProbablyPrime(0) {
			continue
		}
		pm1 := new(big.Int).Sub(p1, one)
		p2 := new(big.Int).Add(new(big.Int).Mul(pm1, big.NewInt(k2)), one)
		if !p2.ProbablyPrime(0) {
			continue
		}
		p3 := new(big.Int).Add(new(big.Int).Mul(pm1, big.NewInt(k3)), one)
		if !p3.ProbablyPrime(0) {
			continue
		}
		n := new(big.Int).Mul(p1, p2)
		return n.Mul(n, p3), [3]*big.Int{new(big.Int).Set(p1), p2, p3}, true
	}
	return nil, [3]*big.Int{}, false
}

// checkStrongPseudoprime checks what Arnault promises, independently of
// how it was built: n = f0·f1·f2 with the f_i prime, n above 2^64, and n
// passes the strong test to every base.
func checkStrongPseudoprime(n *big.Int, f [3]*big.Int, bases []int64) error {
	if n.BitLen() <= 64 {
		return fmt.Errorf("primecases: Arnault number %v below 2^64", n)
	}
	prod := new(big.Int).Mul(f[0], f[1])
	if prod.Mul(prod, f[2]).Cmp(n) != 0 {
		return fmt.Errorf("primecases: %v is not %v·%v·%v", n, f[0], f[1], f[2])
	}
	for _, p := range f {
		if !p.ProbablyPrime(20) {
			return fmt.Errorf("primecases: Arnault factor %v of %v not prime", p, n)
		}
	}
	nm1 := new(big.Int).Sub(n, big.NewInt(1))
	if nm1.Bit(0) != 0 || nm1.Bit(1) != 1 {
		return fmt.Errorf("primecases: Arnault number %v not ≡ 3 mod 4", n)
	}
	d := new(big.Int).Rsh(nm1, 1)
	for _, a := range bases {
		if new(big.Int).Exp(big.NewInt(a), d, n).Cmp(nm1) != 0 {
			return fmt.Errorf("primecases: %v = %v·%v·%v is not a strong pseudoprime to base %d", n, f[0], f[1], f[2], a)
		}
	}
	return nil
}
