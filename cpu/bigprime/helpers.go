package bigprime

import "math/bits"

// inverse returns n⁻¹ mod 2^64 for odd n by Newton's iteration: each step
// doubles the correct low bits, from the 3 that n·n ≡ 1 (mod 8) gives.
func inverse(n uint64) uint64 {
	x := n
	for range 5 {
		x *= 2 - n*x
	}
	return x
}

// rModN sets one = R mod n, R = 2^(64·len(n)), for n with its top limb
// nonzero: from 2^(bitLen(n)−1), below n, by doublings modulo n. There
// are 64·len(n) − bitLen(n) + 1 of them, a few for the usual number whose
// top limb is full.
func rModN(one, n []uint64) {
	clear(one)
	top := bitLen(n) - 1
	one[top/64] = 1 << (top % 64)
	for range 64*len(n) - top {
		var c uint64
		for j := range one {
			next := one[j] >> 63
			one[j] = one[j]<<1 | c
			c = next
		}
		// Subtract n when the doubling carried out or reached n.
		var b uint64
		var s [maxLimbs]uint64
		for j := range one {
			s[j], b = bits.Sub64(one[j], n[j], b)
		}
		if c == 1 || b == 0 {
			copy(one, s[:len(one)])
		}
	}
}

// bitLen returns the length of n in bits; its top limb is nonzero.
func bitLen(n []uint64) int {
	return 64*(len(n)-1) + bits.Len64(n[len(n)-1])
}

// bit reports whether bit i of n is set.
func bit(n []uint64, i int) bool {
	return n[i/64]>>(i%64)&1 != 0
}

// trailingZerosMinusOne returns s of n−1 = d·2^s for odd n > 1.
func trailingZerosMinusOne(n []uint64) int {
	if w := n[0] &^ 1; w != 0 {
		return bits.TrailingZeros64(w)
	}
	for j := 1; ; j++ {
		if n[j] != 0 {
			return 64*j + bits.TrailingZeros64(n[j])
		}
	}
}

// trailingZerosPlusOne returns s of n+1 = d·2^s for odd n: the count of
// n's trailing ones.
func trailingZerosPlusOne(n []uint64) int {
	for j, w := range n {
		if w != ^uint64(0) {
			return 64*j + bits.TrailingZeros64(^w)
		}
	}
	return 64 * len(n)
}

// bitLenPlusOne returns the length of n+1 in bits.
func bitLenPlusOne(n []uint64) int {
	return max(bitLen(n), trailingZerosPlusOne(n)+1)
}

// bitPlusOne reports whether bit i of n+1 is set, for i at or above its
// trailing zeros s (from trailingZerosPlusOne): n's trailing ones carry into bit s, where n has a 0,
// and leave the bits above as they are.
func bitPlusOne(n []uint64, i, s int) bool {
	if i == s {
		return true
	}
	return i < 64*len(n) && bit(n, i)
}

// modWord returns n mod d for d > 0, by long division a word at a time: for
// the rare numbers that reach the Lucas test, where a division per limb
// costs nothing next to the exponentiations.
func modWord(n []uint64, d uint64) uint64 {
	var r uint64
	for j := len(n) - 1; j >= 0; j-- {
		_, r = bits.Div64(r, n[j], d)
	}
	return r
}

func mul64(x, y uint64) (hi, lo uint64) { return bits.Mul64(x, y) }

func sub64(x, y uint64) (d, borrow uint64) { return bits.Sub64(x, y, 0) }
