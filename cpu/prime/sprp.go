package prime

import "math/bits"

// maxLanes bounds how many numbers one interleaved loop carries.
const maxLanes = 8

// strongBase2 reports, for each of the first k numbers of ns (odd, above
// trialBound), whether it is a strong probable prime to base 2: with
// n−1 = d·2^s and d odd, 2^d ≡ 1 or 2^(d·2^r) ≡ −1 for some r < s.
//
// The k exponentiations advance together, one squaring of each per bit, so
// their multiplications are independent and overlap in the pipeline. Base 2
// makes the multiply step a modular doubling, and the exponentiation needs no
// conversion into Montgomery form: it starts from R mod n, which is 1.
func strongBase2(ns *[maxLanes]uint64, pass *[maxLanes]bool, k int) {
	var x, d, inv, one [maxLanes]uint64
	var s [maxLanes]int
	top := 0
	for l := range k {
		n := ns[l]
		inv[l] = inverse(n)
		one[l] = rModN(n)
		s[l] = bits.TrailingZeros64(n - 1)
		d[l] = (n - 1) >> s[l]
		x[l] = one[l]
		top = max(top, bits.Len64(d[l]))
	}
	for i := top - 1; i >= 0; i-- {
		for l := range k {
			n := ns[l]
			y := mul(x[l], x[l], n, inv[l])
			x[l] = add(y, y&-(d[l]>>i&1), n)
		}
	}
	for l := range k {
		n := ns[l]
		minusOne := n - one[l]
		y := x[l]
		ok := y == one[l] || y == minusOne
		for r := 1; r < s[l] && !ok; r++ {
			y = mul(y, y, n, inv[l])
			if y == one[l] {
				break // 1 reached without passing −1: a nontrivial root of 1
			}
			ok = y == minusOne
		}
		pass[l] = ok
	}
}
