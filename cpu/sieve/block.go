package sieve

import (
	"encoding/binary"
	"math/bits"
)

// A Block is the verdicts on the numbers Lo to Hi, a piece of a range.
// Its memory is reused once the function it is given to returns.
type Block struct {
	Lo, Hi uint64
	j0     uint64 // the byte of bits[0]: numbers from 30·j0
	bits   []byte
}

func trailing8(x byte) int { return bits.TrailingZeros8(x) }

// le64 reads 8 sieve bytes as one word: bit t of byte j is bit 8j+t.
func le64(b []byte) uint64 { return binary.LittleEndian.Uint64(b) }

// smallIn returns how many of 2, 3 and 5, which the wheel leaves out, lie
// in [lo, hi].
func smallIn(lo, hi uint64) uint64 {
	var n uint64
	for _, p := range []uint64{2, 3, 5} {
		if lo <= p && p <= hi {
			n++
		}
	}
	return n
}

// Count returns how many primes the block holds.
func (b *Block) Count() uint64 {
	return popcount(b.bits) + smallIn(b.Lo, b.Hi)
}

// Prime reports whether n, from Lo to Hi, is prime.
func (b *Block) Prime(n uint64) bool {
	if n < 7 {
		return n == 2 || n == 3 || n == 5
	}
	t := bitOf[n%30]
	if t == 0xff {
		return false
	}
	return b.bits[n/30-b.j0]>>t&1 != 0
}

// AppendPrimes appends the primes of the block to dst, in order.
func (b *Block) AppendPrimes(dst []uint64) []uint64 {
	for _, p := range []uint64{2, 3, 5} {
		if b.Lo <= p && p <= b.Hi {
			dst = append(dst, p)
		}
	}
	bs := b.bits
	base := 30 * b.j0
	for len(bs) >= 8 {
		x := le64(bs)
		for x != 0 {
			i := bits.TrailingZeros64(x)
			x &= x - 1
			dst = append(dst, base+30*uint64(i>>3)+wheel[i&7])
		}
		bs = bs[8:]
		base += 240
	}
	for j, x := range bs {
		for x != 0 {
			t := trailing8(x)
			x &= x - 1
			dst = append(dst, base+30*uint64(j)+wheel[t])
		}
	}
	return dst
}

// each calls f with each prime of the block, in order.
func (b *Block) each(f func(uint64)) {
	var buf [256]uint64
	bs := b.bits
	base := 30 * b.j0
	for len(bs) > 0 {
		n := min(len(bs), 32)
		blk := Block{Lo: b.Lo, Hi: b.Hi, j0: base / 30, bits: bs[:n]}
		if base != 30*b.j0 {
			blk.Lo = base
		}
		for _, p := range blk.AppendPrimes(buf[:0]) {
			f(p)
		}
		bs = bs[n:]
		base += 30 * uint64(n)
	}
}

// Pieces calls f with consecutive pieces of b of up to n wheel bytes (30
// numbers each), in order, and stops at f's first error: a list of the
// primes of a piece stays small whatever the block's size.
func (b *Block) Pieces(n int, f func(*Block) error) error {
	for off := 0; off < len(b.bits); off += n {
		end := min(off+n, len(b.bits))
		p := Block{Lo: b.Lo, Hi: b.Hi, j0: b.j0 + uint64(off), bits: b.bits[off:end]}
		if off > 0 {
			p.Lo = 30 * p.j0
		}
		if end < len(b.bits) {
			p.Hi = 30*(b.j0+uint64(end)) - 1
		}
		if err := f(&p); err != nil {
			return err
		}
	}
	return nil
}
