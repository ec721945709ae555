package primecases

import (
	"math/big"
	"math/rand/v2"
	"testing"
)

// TestArnaultIsStrongPseudoprime checks the construction from outside:
// Miller–Rabin with every prime base up to the bound (math/big's Exp)
// calls n prime, and n is composite.
func TestArnaultIsStrongPseudoprime(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, bound := range []int64{13, 31, 61} {
		n, f, err := Arnault(r, bound)
		if err != nil {
			t.Fatal(err)
		}
		if f[0].Cmp(big.NewInt(bound)) <= 0 || n.ProbablyPrime(0) {
			t.Fatalf("bound %d: %v = %v·%v·%v: factors not above the bases, or n prime to math/big", bound, n, f[0], f[1], f[2])
		}
		nm1 := new(big.Int).Sub(n, big.NewInt(1))
		d, s := new(big.Int).Set(nm1), 0
		for d.Bit(0) == 0 {
			d.Rsh(d, 1)
			s++
		}
		for a := int64(2); a <= bound; a++ {
			if !big.NewInt(a).ProbablyPrime(0) {
				continue
			}
			x := new(big.Int).Exp(big.NewInt(a), d, n)
			ok := x.Cmp(big.NewInt(1)) == 0 || x.Cmp(nm1) == 0
			for i := 1; i < s && !ok; i++ {
				x.Mul(x, x).Mod(x, n)
				ok = x.Cmp(nm1) == 0
			}
			if !ok {
				t.Errorf("bound %d: %v fails the strong test to base %d", bound, n, a)
			}
		}
		t.Logf("bound %d: %d bits", bound, n.BitLen())
	}
}

// TestHard: every case lies in 65..maxBits bits, the list is the same on
// every call, and it holds the kinds it promises.
func TestHard(t *testing.T) {
	a, b := Hard(512, []int{128, 256}), Hard(512, []int{128, 256})
	if len(a) != len(b) {
		t.Fatalf("%d cases, then %d", len(a), len(b))
	}
	kinds := map[string]bool{}
	for i, c := range a {
		if c.N.Cmp(b[i].N) != 0 {
			t.Fatalf("case %d (%s) differs between calls", i, c.What)
		}
		if bits := c.N.BitLen(); bits <= 64 || bits > 512 {
			t.Errorf("%s: %d bits", c.What, bits)
		}
		for _, k := range []string{"Arnault", "Chernick", "ψ12", "F7", "2^127-1", "p^2", "2^128+1", "2^256-59"} {
			if len(c.What) >= len(k) && c.What[:len(k)] == k {
				kinds[k] = true
			}
		}
	}
	for _, k := range []string{"Arnault", "Chernick", "ψ12", "F7", "2^127-1", "p^2", "2^128+1", "2^256-59"} {
		if !kinds[k] {
			t.Errorf("no %s case", k)
		}
	}
}
