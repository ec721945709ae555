package prime

import "math/bits"

// The four-lane tests do what strongBase2 and extraStrongLucas do for k = 4,
// with their exponent loops in base2Loop4 and lucasLoop4: assembly on amd64,
// where Go's code generator spends three times the instructions on array
// traffic and shift checks; Go elsewhere and with the purego build tag. The
// exponent bits are consumed from the top of a word pre-shifted so that all
// four lanes take the same number of steps (leading zero bits are harmless:
// they keep x = 1, and V_0, V_1 as they are).

// alignExponents shifts every exponent of es left so that the longest has
// its top bit at bit 63, and returns its length: the number of steps that
// takes all lanes through their bits together.
func alignExponents(es []uint64) (steps int) {
	var all uint64
	for _, e := range es {
		all |= e
	}
	steps = bits.Len64(all)
	for i := range es {
		es[i] <<= 64 - steps
	}
	return steps
}

// ladderOrder turns aligned exponents of the Lucas ladder into its order
// bits (see extraStrongLucasx4).
func ladderOrder(es []uint64) {
	for i, e := range es {
		es[i] = e ^ e>>1
	}
}

// strongBase2x4 is strongBase2 for exactly four numbers.
func strongBase2x4(ns *[maxLanes]uint64, pass *[maxLanes]bool) {
	var x, e, n, inv, one [4]uint64
	var s [4]int
	for l := range 4 {
		n[l] = ns[l]
		inv[l] = inverse(n[l])
		one[l] = rModN(n[l])
		s[l] = bits.TrailingZeros64(n[l] - 1)
		e[l] = (n[l] - 1) >> s[l]
		x[l] = one[l]
	}
	steps := alignExponents(e[:])
	x = base2Loop4(x, e, n, inv, steps)
	for l := range 4 {
		pass[l] = strongTail(x[l], n[l], inv[l], one[l], s[l])
	}
}

// strongTail finishes the strong test from x = 2^d in Montgomery form.
func strongTail(x, n, inv, one uint64, s int) bool {
	minusOne := n - one
	if x == one || x == minusOne {
		return true
	}
	for range s - 1 {
		x = mul(x, x, n, inv)
		if x == minusOne {
			return true
		}
		if x == one {
			return false // a square root of 1 other than ±1
		}
	}
	return false
}

// extraStrongLucasx4 is extraStrongLucas for exactly four numbers.
//
// The ladder keeps (V_k, V_(k+1)) in an order set by the previous bit rather
// than restoring it every step: the element to square is always a, and a
// swap happens only when a bit differs from the one before it, so the swap
// bits are e xor e>>1.
func extraStrongLucasx4(ns, ps *[maxLanes]uint64, pass *[maxLanes]bool) {
	var a, b, g, n, inv, two, p [4]uint64
	var s [4]int
	for l := range 4 {
		n[l] = ns[l]
		m := newMontgomery(n[l])
		inv[l] = m.inv
		two[l] = add(m.one, m.one, n[l])
		p[l] = m.toMontgomery(ps[l])
		s[l] = bits.TrailingZeros64(n[l] + 1)
		g[l] = (n[l] + 1) >> s[l]
		a[l], b[l] = two[l], p[l] // V_0 = 2, V_1 = P
	}
	steps := alignExponents(g[:])
	ladderOrder(g[:])
	a, b = lucasLoop4(a, b, g, n, inv, two, p, steps)
	// d is odd: its last bit took the ladder to (V_d, V_(d+1)), with the
	// squared element, V_(d+1), in a.
	for l := range 4 {
		pass[l] = lucasVerdict(b[l], a[l], n[l], inv[l], two[l], p[l], s[l])
	}
}

// lucasVerdict applies the extra strong conditions to V_d and V_(d+1) in
// Montgomery form, with P in Montgomery form as mp.
func lucasVerdict(vd, vd1, n, inv, two, mp uint64, s int) bool {
	if add(vd1, vd1, n) == mul(vd, mp, n, inv) && (vd == two || vd == n-two) {
		return true
	}
	for range s - 1 {
		if vd == 0 {
			return true
		}
		vd = sub(mul(vd, vd, n, inv), two, n)
	}
	return false
}
