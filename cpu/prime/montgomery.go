package prime

import "math/bits"

// montgomery holds the constants of arithmetic modulo an odd n in Montgomery
// form, where a number a is represented by a·R mod n with R = 2^64.
type montgomery struct {
	n   uint64 // the odd modulus
	inv uint64 // n⁻¹ mod 2^64
	one uint64 // R mod n, the Montgomery form of 1
}

func newMontgomery(n uint64) montgomery {
	return montgomery{n: n, inv: inverse(n), one: rModN(n)}
}

// rModN returns R mod n = 2^64 mod n. Above 2^63 that is 2^64−n, which
// spares the division for most 64-bit numbers.
func rModN(n uint64) uint64 {
	if n > 1<<63 {
		return -n
	}
	return -n % n
}

// inverse returns n⁻¹ mod 2^64 for odd n by Newton's iteration: (3n) xor 2
// is n⁻¹ mod 32 (P. L. Montgomery's seed), and each step doubles the
// correct bits (5, 10, 20, 40, 80): four steps where n itself, right mod 8,
// needs five.
func inverse(n uint64) uint64 {
	x := 3*n ^ 2
	for range 4 {
		x *= 2 - n*x
	}
	return x
}

// mul returns a·b·R⁻¹ mod n for a, b < n. With m = lo·n⁻¹ the low words of
// a·b and m·n are equal, so (a·b − m·n)/R is the difference of the high
// words, which lies in (−n, n).
func mul(a, b, n, inv uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	mh, _ := bits.Mul64(lo*inv, n)
	r, borrow := bits.Sub64(hi, mh, 0)
	return r + n&-borrow // branch-free: the sign is a coin toss
}

// add returns a+b mod n for a, b < n, also for n near 2^64 where a+b
// overflows. It is branch-free: exponent bits steer it at random.
func add(a, b, n uint64) uint64 {
	s, carry := bits.Add64(a, b, 0)
	r, borrow := bits.Sub64(s, n, 0)
	// Keep s only when the sum fitted in 64 bits and was below n.
	keep := -(borrow &^ carry)
	return r ^ (r^s)&keep
}

// sub returns a−b mod n for a, b < n.
func sub(a, b, n uint64) uint64 {
	d, borrow := bits.Sub64(a, b, 0)
	return d + n&-borrow
}

// pick returns b when bit is 1 and a when it is 0, without a branch.
func pick(a, b, bit uint64) uint64 {
	return a ^ (a^b)&-bit
}

// toMontgomery returns a·R mod n for a < n, by doubling and adding R mod n
// along the bits of a: a few additions for the small Lucas parameters, where
// a division would cost more.
func (m montgomery) toMontgomery(a uint64) uint64 {
	var r uint64
	for i := bits.Len64(a) - 1; i >= 0; i-- {
		r = add(r, r, m.n)
		if a>>i&1 != 0 {
			r = add(r, m.one, m.n)
		}
	}
	return r
}
