package bigprime

import "math/bits"

// maxLimbs is the largest size the engine takes: 4096 bits. Larger
// numbers stay with math/big, whose Karatsuba multiplication wins there.
const maxLimbs = 64

// natG holds a number of up to maxLimbs limbs, least significant first;
// the limbs at and above the modulus's k stay zero, so that == compares
// values.
type natG [maxLimbs]uint64

// modG is the arithmetic of modG's fixed-size siblings in mont_gen.go, in
// loops over k limbs, for the sizes above maxFixed.
type modG struct {
	k    int
	n    natG
	ninv uint64 // −n⁻¹ mod 2^64
	one  natG   // R mod n, R = 2^(64k)
}

func (m *modG) setK(k int) { m.k = k }

// base2Ladder reports false: modG has no assembly loop.
func (m *modG) base2Ladder(*natG, int, int) bool { return false }

// mulAddWord adds x·y to t (len(t) ≥ len(x)) and returns the carry out of
// t[len(x)−1].
func mulAddWord(t, x []uint64, y uint64) uint64 {
	t = t[:len(x)]
	var c uint64
	for j, xj := range x {
		hi, lo := bits.Mul64(xj, y)
		var cc uint64
		lo, cc = bits.Add64(lo, t[j], 0)
		hi += cc
		lo, cc = bits.Add64(lo, c, 0)
		hi += cc
		t[j] = lo
		c = hi
	}
	return c
}

// mulAddShift adds q·n to t, which the choice of q makes divisible by 2^64,
// and shifts the sum down one word: t[j−1] = word j of the sum for
// j = 1…len(n)−1. It returns the carry into word len(n) of the sum.
func mulAddShift(t, n []uint64, q uint64) uint64 {
	t = t[:len(n)]
	hi, lo := bits.Mul64(q, n[0])
	_, cc := bits.Add64(lo, t[0], 0)
	c := hi + cc
	for j := 1; j < len(n); j++ {
		hi, lo := bits.Mul64(q, n[j])
		lo, cc = bits.Add64(lo, t[j], 0)
		hi += cc
		lo, cc = bits.Add64(lo, c, 0)
		hi += cc
		t[j-1] = lo
		c = hi
	}
	return c
}

// mul sets z = x·y·R⁻¹ mod n (CIOS).
func (m *modG) mul(z, x, y *natG) {
	k := m.k
	var t [maxLimbs + 2]uint64
	xs, ns := x[:k], m.n[:k]
	for i := range k {
		c := mulAddWord(t[:], xs, y[i])
		var cc uint64
		t[k], cc = bits.Add64(t[k], c, 0)
		t[k+1] = cc
		c = mulAddShift(t[:], ns, t[0]*m.ninv)
		t[k-1], cc = bits.Add64(t[k], c, 0)
		t[k] = t[k+1] + cc
	}
	m.finalSub(z, t[:k], t[k])
}

// sqr sets z = x²·R⁻¹ mod n: the cross products once, doubled, plus the
// squares, then the reduction, word by word.
func (m *modG) sqr(z, x *natG) {
	k := m.k
	var t [2 * maxLimbs]uint64
	xs := x[:k]
	for i := 0; i < k-1; i++ {
		t[i+k] = mulAddWord(t[2*i+1:], xs[i+1:], xs[i])
	}
	t[2*k-1] = t[2*k-2] >> 63
	for j := 2*k - 2; j >= 2; j-- {
		t[j] = t[j]<<1 | t[j-1]>>63
	}
	t[1] <<= 1
	var cc uint64
	for i, xi := range xs {
		hi, lo := bits.Mul64(xi, xi)
		t[2*i], cc = bits.Add64(t[2*i], lo, cc)
		t[2*i+1], cc = bits.Add64(t[2*i+1], hi, cc)
	}
	var top uint64
	ns := m.n[:k]
	for i := range k {
		c := mulAddWord(t[i:], ns, t[i]*m.ninv)
		t[i+k], top = bits.Add64(t[i+k], c, top)
	}
	m.finalSub(z, t[k:2*k], top)
}

// finalSub sets z = t − n when t (with carry the word above it) is at
// least n, else z = t.
func (m *modG) finalSub(z *natG, t []uint64, carry uint64) {
	var s natG
	var b uint64
	for j := range t {
		s[j], b = bits.Sub64(t[j], m.n[j], b)
	}
	_, b = bits.Sub64(carry, 0, b)
	keep := -b
	for j := range t {
		z[j] = s[j] ^ (s[j]^t[j])&keep
	}
}

// add sets z = x+y mod n.
func (m *modG) add(z, x, y *natG) {
	var t natG
	var c uint64
	for j := range m.k {
		t[j], c = bits.Add64(x[j], y[j], c)
	}
	m.finalSub(z, t[:m.k], c)
}

// sub sets z = x−y mod n.
func (m *modG) sub(z, x, y *natG) {
	var t natG
	var b, c uint64
	for j := range m.k {
		t[j], b = bits.Sub64(x[j], y[j], b)
	}
	mask := -b
	for j := range m.k {
		z[j], c = bits.Add64(t[j], m.n[j]&mask, c)
	}
}
