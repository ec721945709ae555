package primeio

import (
	"encoding/binary"
	"math/bits"
	"strconv"
)

// decimalLines formats numbers below 2^64 in decimal, one a line, for long
// lists of primes: strconv.AppendUint divides a number down digit pair by
// digit pair and copies its result with a call to memmove, a quarter of
// `prime --print primes` on the first million primes. Here the last eight
// digits come from four lookups of digit pairs, written as one 8-byte
// store, and the digits above them (which change once every 10^8) are
// kept formatted from the previous number.
type decimalLines struct {
	high    uint64   // the number's digits above the last eight
	highLen int      // 0 when high is 0: no zeros are padded then
	highDec [24]byte // high in decimal; a fixed-size copy moves all 24
}

// digitPairs[i] is i < 100 in two ASCII digits, the tens in the low byte.
var digitPairs = func() (t [100]uint16) {
	for i := range t {
		t[i] = uint16('0'+i/10) | uint16('0'+i%10)<<8
	}
	return
}()

// eightDigits returns r < 10^8 as eight ASCII digits, zeros padded, the
// first in the low byte.
func eightDigits(r uint64) uint64 {
	hi, lo := r/10000, r%10000
	return uint64(digitPairs[hi/100]) | uint64(digitPairs[hi%100])<<16 |
		uint64(digitPairs[lo/100])<<32 | uint64(digitPairs[lo%100])<<48
}

// digitCount returns how many decimal digits r < 10^8 has (1 for 0): the
// bit length gives it to within one (1233/4096 ≈ log10 2).
func digitCount(r uint64) int {
	t := bits.Len64(r) * 1233 >> 12
	if r >= powersOf10[t] {
		t++
	}
	return max(t, 1)
}

var powersOf10 = [...]uint64{1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000}

// lineRoom is the capacity appendLine needs past the length of its buffer.
const lineRoom = 24 + 8

// appendLine appends v and a newline to b, which must have lineRoom bytes
// of capacity past its length.
func (d *decimalLines) appendLine(b []byte, v uint64) []byte {
	k := len(b)
	b = b[:k+lineRoom]
	if v < 1e8 {
		n := digitCount(v)
		binary.LittleEndian.PutUint64(b[k:k+8], eightDigits(v)>>(8*(8-n)))
		b[k+n] = '\n'
		return b[:k+n+1]
	}
	q, r := v/1e8, v%1e8
	w := eightDigits(r)
	if q != d.high || d.highLen == 0 {
		d.high = q
		d.highLen = len(strconv.AppendUint(d.highDec[:0], q, 10))
	}
	*(*[24]byte)(b[k : k+24]) = d.highDec
	k += d.highLen
	binary.LittleEndian.PutUint64(b[k:k+8], w)
	b[k+8] = '\n'
	return b[:k+9]
}
