package primeio

import (
	"encoding/binary"
	"math/big"
	"math/bits"
)

// appendLimbs appends to dst the value of tok, a token that parse found
// valid (decimal digits, or hex digits after 0x), as 64-bit limbs, least
// significant first, with no zero limb at the top (none at all for 0).
// Decimal goes 19 digits at a time (below 2^64), multiplying the limbs so
// far by 10^19 and adding the next chunk, as decimalBig does, but into
// limbs the caller keeps, with no *big.Int: a batch engine tests the limbs
// as they are.
func appendLimbs(dst []uint64, tok []byte) []uint64 {
	if isHex(tok) {
		return appendHexLimbs(dst, trimZeros(tok[2:]))
	}
	digits := trimZeros(tok)
	if len(digits) == 0 {
		return dst
	}
	start := len(dst)
	first := len(digits) % 19
	if first == 0 {
		first = 19
	}
	if v := decimalWord(digits[:first]); v != 0 {
		dst = append(dst, v)
	}
	for digits = digits[first:]; len(digits) > 0; digits = digits[19:] {
		c := nineteenDigits(digits[:19])
		limbs := dst[start:]
		for i, w := range limbs {
			hi, lo := bits.Mul64(w, 1e19)
			var cc uint64
			limbs[i], cc = bits.Add64(lo, c, 0)
			c = hi + cc
		}
		if c != 0 {
			dst = append(dst, c)
		}
	}
	return dst
}

// nineteenDigits returns the value of 19 decimal digits: two runs of eight
// read as words and combined in three multiplications each (SWAR), then
// three digits, where decimalWord's chain of 19 dependent multiply-adds
// was most of appendLimbs.
func nineteenDigits(s []byte) uint64 {
	_ = s[18]
	v := uint64(s[16]-'0')*100 + uint64(s[17]-'0')*10 + uint64(s[18]-'0')
	return eightDigitsValue(s[0:8])*1e11 + eightDigitsValue(s[8:16])*1e3 + v
}

// eightDigitsValue returns the value of eight decimal digits, the first
// the most significant: the word's bytes, less '0', are combined in pairs,
// then fours, then eight, each step one multiplication and a mask.
func eightDigitsValue(s []byte) uint64 {
	v := binary.LittleEndian.Uint64(s) - 0x3030303030303030
	v = (v*10 + v>>8) & 0x00ff00ff00ff00ff
	v = (v*100 + v>>16) & 0x0000ffff0000ffff
	return (v*10000 + v>>32) & 0xffffffff
}

// appendHexLimbs appends the limbs of hex digits with no leading zero, 16
// to a limb from the end.
func appendHexLimbs(dst []uint64, digits []byte) []uint64 {
	for end := len(digits); end > 0; end -= 16 {
		var v uint64
		for _, c := range digits[max(end-16, 0):end] {
			v = v<<4 | uint64(hexDigit[c])
		}
		dst = append(dst, v)
	}
	return dst
}

// trimZeros drops the leading zeros of digits, keeping none of a zero.
func trimZeros(digits []byte) []byte {
	for len(digits) > 0 && digits[0] == '0' {
		digits = digits[1:]
	}
	return digits
}

// wideDecimal reports whether line is a plain decimal number of 2^64 and
// above: more than 20 digits, nothing else, no leading zero (which could
// leave it small). It is the Reader's one pass over each line of a file of
// such numbers, where field and parse took three, and the Reader is the one
// goroutine of the run that does not scale with the workers.
func wideDecimal(line []byte) bool {
	if len(line) <= 20 || line[0] == '0' {
		return false
	}
	// Eight bytes at a time: each byte minus '0' must be below 10, with no
	// borrow out of any byte, which a byte below '0' would cause.
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	i := 0
	for ; i+8 <= len(line); i += 8 {
		w := binary.LittleEndian.Uint64(line[i:])
		// A byte c is a digit when c−'0' < 10: both c−'0' and c+(0x80−'0'−10)
		// (0x46 added) keep their high bit clear exactly then, for c < 0x80.
		if (w|(w-'0'*ones)|(w+0x46*ones))&highs != 0 {
			return false
		}
	}
	for ; i < len(line); i++ {
		if line[i]-'0' > 9 {
			return false
		}
	}
	return true
}

// limbBound returns a number of limbs that tok's value does not exceed:
// a decimal digit is under 3.33 bits (log2 10 < 3.3220 < 851/256), a hex
// digit 4.
func limbBound(tok []byte) int {
	if isHex(tok) {
		return (len(trimZeros(tok[2:])) + 15) / 16
	}
	return (len(trimZeros(tok))*851/256 + 64) / 64
}

// BigLimbs appends to dst the value of b.Big[i] as 64-bit limbs, least
// significant first, with no zero limb at the top, and reports true; or,
// when it takes more than maxLimbs limbs, returns dst at its length and
// false (having used up to maxLimbs+1 words of its spare capacity as
// scratch: a caller that shares that capacity must not count on it).
// A number still in text (DeferBig) is parsed from it, never through
// math/big: the form a batch engine takes, at a fraction of the cost of a
// *big.Int. It may run on disjoint numbers at once.
func (b *Block) BigLimbs(dst []uint64, i, maxLimbs int) ([]uint64, bool) {
	g := &b.Big[i]
	if g.N != nil {
		return appendBigLimbs(dst, g.N, maxLimbs)
	}
	tok := b.text[g.textLo:g.textHi]
	if limbBound(tok) > maxLimbs+1 {
		return dst, false
	}
	n := len(dst)
	dst = appendLimbs(dst, tok)
	if len(dst)-n > maxLimbs {
		return dst[:n], false
	}
	return dst, true
}

// BigLimbBound returns a number of limbs that BigLimbs does not exceed
// for b.Big[i], for sizing its dst.
func (b *Block) BigLimbBound(i int) int {
	g := &b.Big[i]
	if g.N != nil {
		return (g.N.BitLen() + 63) / 64
	}
	return limbBound(b.text[g.textLo:g.textHi])
}

// appendBigLimbs is BigLimbs for a number held as a *big.Int.
func appendBigLimbs(dst []uint64, z *big.Int, maxLimbs int) ([]uint64, bool) {
	if (z.BitLen()+63)/64 > maxLimbs {
		return dst, false
	}
	ws := z.Bits()
	if bits.UintSize == 64 {
		for _, w := range ws {
			dst = append(dst, uint64(w))
		}
		return dst, true
	}
	for i := 0; i < len(ws); i += 2 {
		w := uint64(ws[i])
		if i+1 < len(ws) {
			w |= uint64(ws[i+1]) << 32
		}
		dst = append(dst, w)
	}
	return dst, true
}

// appendDecimal appends the decimal digits of g, a number of b.Big, for
// the Writer. A decimal token without leading zeros is its own decimal
// form and is copied as it is; only hex and zero-padded tokens are
// converted, so that a number parsed into limbs never needs a *big.Int.
func (b *Block) appendDecimal(dst []byte, g *Big) []byte {
	if g.N != nil {
		return g.N.Append(dst, 10)
	}
	tok := b.text[g.textLo:g.textHi]
	if !isHex(tok) && tok[0] != '0' {
		return append(dst, tok...)
	}
	return parseBig(tok).Append(dst, 10)
}
