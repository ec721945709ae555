//go:build amd64 && !purego

package bigprime

import (
	"math/big"
	"math/rand/v2"
	"testing"
)

// montOperands returns moduli of k limbs and operands below each, the
// cases where carries run through every limb first: n = 2^(64k)−1 (all-ones
// limbs), n just above 2^(64(k−1)) and just above 2^(64(k−1))·3, n with
// its top bit set and x, y = n−1, 0, 1 and all-ones low limbs; then random
// ones.
func montOperands(r *rand.Rand, k int) (mods []*big.Int, ops func(n *big.Int) []*big.Int) {
	word := new(big.Int).Lsh(big.NewInt(1), 64)
	rk := new(big.Int).Lsh(big.NewInt(1), uint(64*k))
	below := new(big.Int).Lsh(big.NewInt(1), uint(64*(k-1)))
	mods = []*big.Int{
		new(big.Int).Sub(rk, big.NewInt(1)),
		new(big.Int).Add(below, big.NewInt(1)),
		new(big.Int).Add(new(big.Int).Mul(below, big.NewInt(3)), big.NewInt(1)),
		new(big.Int).Sub(rk, new(big.Int).Lsh(word, 1)).SetBit(new(big.Int).Sub(rk, new(big.Int).Lsh(word, 1)), 0, 1),
		new(big.Int).Add(new(big.Int).Rsh(rk, 1), big.NewInt(1)),
	}
	for range 200 {
		n := randBelow(r, rk, k)
		mods = append(mods, n.SetBit(n, 0, 1).SetBit(n, 64*(k-1), 1))
	}
	ops = func(n *big.Int) []*big.Int {
		nm1 := new(big.Int).Sub(n, big.NewInt(1))
		xs := []*big.Int{big.NewInt(0), big.NewInt(1), big.NewInt(2), nm1, new(big.Int).Sub(n, big.NewInt(2)), new(big.Int).Rsh(n, 1)}
		for j := 1; j < k; j++ {
			ones := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), uint(64*j)), big.NewInt(1))
			if ones.Cmp(n) < 0 {
				xs = append(xs, ones)
			}
		}
		for range 8 {
			xs = append(xs, randBelow(r, n, k))
		}
		return xs
	}
	return mods, ops
}

// randBelow returns a random number below bound, of k limbs or fewer.
func randBelow(r *rand.Rand, bound *big.Int, k int) *big.Int {
	words := make([]big.Word, k)
	for i := range words {
		words[i] = big.Word(r.Uint64())
	}
	z := new(big.Int).SetBits(words)
	return z.Mod(z, bound)
}

// montWant is x·y·R⁻¹ mod n, R = 2^(64k), by math/big.
func montWant(x, y, n *big.Int, k int) *big.Int {
	rk := new(big.Int).Lsh(big.NewInt(1), uint(64*k))
	rInv := new(big.Int).ModInverse(rk, n)
	z := new(big.Int).Mul(x, y)
	z.Mul(z, rInv)
	return z.Mod(z, n)
}

func limbsOf(x *big.Int, k int) []uint64 {
	out := make([]uint64, k)
	for i, w := range x.Bits() {
		out[i] = uint64(w)
	}
	return out
}

// TestMontAsmAgainstGo holds the MULX/ADX multiplication and squaring to
// math/big and to the Go code they replace, on edge and random operands.
func TestMontAsmAgainstGo(t *testing.T) {
	if !haveMULX {
		t.Skip("the CPU lacks BMI2 or ADX: the assembly cannot run")
	}
	r := rand.New(rand.NewPCG(16, 2))
	for _, k := range []int{2, 4} {
		mods, ops := montOperands(r, k)
		for _, n := range mods {
			if n.Bit(0) == 0 || n.BitLen() <= 64*(k-1) {
				t.Fatalf("bad test modulus %x", n)
			}
			xs := ops(n)
			for _, x := range xs {
				for _, y := range xs {
					want := limbsOf(montWant(x, y, n, k), k)
					wantSq := limbsOf(montWant(x, x, n, k), k)
					var gotMul, goMul, gotSqr, goSqr []uint64
					switch k {
					case 2:
						var m mod2
						m.init(limbsOf(n, 2))
						var xa, ya, z1, z2, z3, z4 nat2
						copy(xa[:], limbsOf(x, 2))
						copy(ya[:], limbsOf(y, 2))
						montMul2(&z1, &xa, &ya, &m)
						m.mulGo(&z2, &xa, &ya)
						montSqr2(&z3, &xa, &m)
						m.sqrGo(&z4, &xa)
						gotMul, goMul, gotSqr, goSqr = z1[:], z2[:], z3[:], z4[:]
					case 4:
						var m mod4
						m.init(limbsOf(n, 4))
						var xa, ya, z1, z2, z3, z4 nat4
						copy(xa[:], limbsOf(x, 4))
						copy(ya[:], limbsOf(y, 4))
						montMul4(&z1, &xa, &ya, &m)
						m.mulGo(&z2, &xa, &ya)
						montSqr4(&z3, &xa, &m)
						m.sqrGo(&z4, &xa)
						gotMul, goMul, gotSqr, goSqr = z1[:], z2[:], z3[:], z4[:]
					}
					if !equalLimbs(gotMul, want) || !equalLimbs(goMul, want) {
						t.Fatalf("k=%d n=%x x=%x y=%x: mul asm %x, Go %x, want %x", k, n, x, y, gotMul, goMul, want)
					}
					if !equalLimbs(gotSqr, wantSq) || !equalLimbs(goSqr, wantSq) {
						t.Fatalf("k=%d n=%x x=%x: sqr asm %x, Go %x, want %x", k, n, x, gotSqr, goSqr, wantSq)
					}
				}
			}
		}
	}
}

func equalLimbs(a, b []uint64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestBase2LadderAgainstGo holds the assembly exponentiation loop to the
// Go loop it replaces, on the moduli of TestMontAsmAgainstGo and on
// ranges of bits that start and end anywhere, including empty ones.
func TestBase2LadderAgainstGo(t *testing.T) {
	if !haveMULX {
		t.Skip("the CPU lacks BMI2 or ADX: the assembly cannot run")
	}
	r := rand.New(rand.NewPCG(16, 3))
	for _, k := range []int{2, 4} {
		mods, _ := montOperands(r, k)
		for _, n := range mods {
			nl := limbsOf(n, k)
			top := n.BitLen() - 1
			for _, s := range []int{0, 1, r.IntN(top + 1), top, top + 1} {
				var got, want []uint64
				switch k {
				case 2:
					var m mod2
					m.init(nl)
					x, y := m.one, m.one
					base2Ladder2(&x, &m, top, s)
					for i := top; i >= s; i-- {
						m.sqrGo(&y, &y)
						if bit(nl, i) {
							m.add(&y, &y, &y)
						}
					}
					got, want = x[:], y[:]
				case 4:
					var m mod4
					m.init(nl)
					x, y := m.one, m.one
					base2Ladder4(&x, &m, top, s)
					for i := top; i >= s; i-- {
						m.sqrGo(&y, &y)
						if bit(nl, i) {
							m.add(&y, &y, &y)
						}
					}
					got, want = x[:], y[:]
				}
				if !equalLimbs(got, want) {
					t.Fatalf("k=%d n=%x bits %d..%d: asm %x, Go %x", k, n, top, s, got, want)
				}
			}
		}
	}
}
