package bigprime

import (
	"math/big"
	"math/bits"
)

// jacobiModulus is divisible by the odd part of P²−4 for most small P, so
// that one remainder of n yields the symbols the search usually needs (as
// in cpu/prime).
const jacobiModulus = 9 * 5 * 7 * 11 * 13 * 17 * 19 * 23

// squareCheckAt is the P at which the search stops to ask whether n is a
// perfect square, which has no P at all. A non-square almost always
// finds its P long before: math/big asks at 40.
const squareCheckAt = 40

// lucasSearch finds the Lucas parameter of Baillie's method; it keeps the
// scratch of the rare square test.
type lucasSearch struct {
	z, root big.Int
	words   []big.Word
}

// parameter returns the first P = 3, 4, 5, … with Jacobi symbol
// ((P²−4)/n) = −1, the same as cpu/prime's and math/big's. ok is false
// when the search proves n composite: a symbol 0 shows a factor of P²−4
// (n, above 2^64, is larger), and a perfect square has no such P.
func (lp *lucasSearch) parameter(n []uint64) (p uint64, ok bool) {
	r := modWord(n, jacobiModulus)
	for p = 3; ; p++ {
		if p == squareCheckAt && lp.isSquare(n) {
			return 0, false
		}
		d := p*p - 4
		twos := bits.TrailingZeros64(d)
		odd := d >> twos
		var rem uint64
		if jacobiModulus%odd == 0 {
			rem = r % odd
		} else {
			rem = modWord(n, odd)
		}
		switch jacobiSymbolD(twos, odd, n[0], rem) {
		case -1:
			return p, true
		case 0:
			return 0, false
		}
	}
}

// jacobiSymbolD returns (2^twos·odd / n) from n's low word and rem = n mod
// odd: (2/n) per factor 2, then reciprocity turns (odd/n) into
// (rem/odd).
func jacobiSymbolD(twos int, odd, low, rem uint64) int {
	t := 1
	if twos&1 == 1 && (low&7 == 3 || low&7 == 5) {
		t = -t
	}
	if odd&3 == 3 && low&3 == 3 {
		t = -t
	}
	return t * jacobi(rem, odd)
}

// jacobi returns the Jacobi symbol (a/n) for odd n.
func jacobi(a, n uint64) int {
	a %= n
	t := 1
	for a != 0 {
		z := bits.TrailingZeros64(a)
		a >>= z
		if z&1 == 1 && (n&7 == 3 || n&7 == 5) {
			t = -t
		}
		if a&3 == 3 && n&3 == 3 {
			t = -t
		}
		a, n = n%a, a
	}
	if n == 1 {
		return t
	}
	return 0
}

// isSquare reports whether n is a perfect square, through math/big: it
// runs for perhaps one number in a hundred thousand.
func (lp *lucasSearch) isSquare(n []uint64) bool {
	lp.words = appendWords(lp.words[:0], n)
	lp.z.SetBits(lp.words)
	lp.root.Sqrt(&lp.z)
	lp.root.Mul(&lp.root, &lp.root)
	return lp.root.Cmp(&lp.z) == 0
}

// appendWords appends n's limbs to ws as math/big's words.
func appendWords(ws []big.Word, n []uint64) []big.Word {
	for _, w := range n {
		if bits.UintSize == 64 {
			ws = append(ws, big.Word(w))
		} else {
			ws = append(ws, big.Word(w), big.Word(w>>32))
		}
	}
	return ws
}
