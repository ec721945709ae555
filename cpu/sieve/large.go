package sieve

import (
	"math/bits"
	"slices"
)

// The large sieving primes (above mediumMax) are generated again for every
// task and most of them hit a task high up once or not at all: at 2^64 −
// 10^9 a task sieves by the 203 M primes below 2^32, of which three in four
// are larger than the task's numbers. What each costs is its generation and
// the offset of its first multiple in the task, not its hits; so they are
// generated into batches of bare primes, started together without a 64-bit
// division (largeStarts), and only those that hit the task reach the
// buckets.

// largeBatchBytes is the sieve bytes whose primes make one batch: at most
// 8 per byte, 8 K primes, 32 KiB of them and 12 bytes a state, which stay
// in the L2 cache beside the area being generated.
const largeBatchBytes = 1 << 10

// generateBatches calls f with the primes from lo to hi in order, in
// batches of at most 8·largeBatchBytes; hi < 2^32. The batch is reused once
// f returns.
func (w *worker) generateBatches(lo, hi uint64, f func(ps []uint32)) {
	if hi < lo {
		return
	}
	pl := newPlan(lo, hi, isqrt(hi), segBytes*8)
	for i := range pl.tasks() {
		pl.sieve(w, i, false, func(blk *Block) {
			for off := 0; off < len(blk.bits); off += largeBatchBytes {
				bs := blk.bits[off:min(off+largeBatchBytes, len(blk.bits))]
				w.batch = appendPrimes32(w.batch[:0], bs, 30*(blk.j0+uint64(off)))
				if len(w.batch) > 0 {
					f(w.batch)
				}
			}
		})
	}
}

// appendPrimes32 appends to dst the numbers whose bits are set in bs, a
// sieve from base (a multiple of 30); they are below 2^32.
func appendPrimes32(dst []uint32, bs []byte, base uint64) []uint32 {
	b := uint32(base)
	if words := len(bs) / 8; haveAVX512 && words > 0 {
		// Sixteen numbers at a time, stored whole: ~1.4 primes a byte
		// here, and a bit found by a trailing-zero count, cleared and
		// looped on cost ~2 ns each (22% of a count near 2^64).
		n := len(dst)
		dst = slices.Grow(dst, 64*words+16)[:n+64*words+16]
		n += bitsToNumbers16(&dst[n], &bs[0], words, b, &wheel16)
		dst = dst[:n]
		bs = bs[8*words:]
		b += 240 * uint32(words)
	}
	for len(bs) >= 8 {
		for x := le64(bs); x != 0; x &= x - 1 {
			i := bits.TrailingZeros64(x)
			dst = append(dst, b+30*uint32(i>>3)+wheel32[i&7])
		}
		bs = bs[8:]
		b += 240
	}
	for j, x := range bs {
		for ; x != 0; x &= x - 1 {
			dst = append(dst, b+30*uint32(j)+wheel32[trailing8(x)])
		}
	}
	return dst
}

// wheel16 is the numbers of two sieve bytes from 0, for bitsToNumbers16.
var wheel16 = [16]uint32{1, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 49, 53, 59}

// wheel32 is wheel in 32 bits, for appendPrimes32.
var wheel32 = [8]uint32{1, 7, 11, 13, 17, 19, 23, 29}

// largeStates holds, field by field, the states (as start gives them) of
// the primes of a batch whose first multiple lies in the task: the
// assembly stores eight lanes of a field at once.
type largeStates struct {
	k, idx, wi []uint32
}

// largeConsts is what the assembly reads of the task: 30·j0 in 64 bits and
// in double, j0, and the task's bytes.
type largeConsts struct {
	s   uint64
	fs  float64
	j0  uint64
	un  uint64
	wtb *[64]uint32 // &wheelBitTable
}

// starts sets ls to the states of the primes of ps (all above presieveMax
// and below 2^32, in increasing order) whose first multiple p·q ≥ max(p²,
// 30·j0), q coprime to 30, lies in the task of n bytes from byte j0; the
// others, which do not hit the task, are left out.
//
// With AVX-512 (largeStarts8), eight primes at a time, without a 64-bit
// division: ⌊30·j0/p⌋ comes from a division in double precision, then
// corrected exactly. With p > 2^22 (mediumMax) the quotient is below 2^42,
// so the rounded quotient is within 2^-10 of the true one and its
// truncation at most one off, which the remainder, computed exactly in 64
// bits (it is small, whatever wraps), shows. The least q with p·q ≥ 30·j0
// is then ⌊30·j0/p⌋ + 1 but when p divides 30·j0; ⌊30·j0/p⌋ is then a
// multiple of 30, and the first q coprime to 30 is ⌊30·j0/p⌋ + 1 either
// way. Otherwise, and for primes up to 2^22 and those whose square is past
// 30·j0, start, with its division: the same float arithmetic one prime at
// a time was no faster than the division on AMD's Zen 4 (7.0 against 6.1
// ns a prime, least of six runs of BenchmarkLargeStarts), the eight lanes
// 2.5.
func (ls *largeStates) starts(ps []uint32, j0 uint64, n int) {
	// The assembly stores whole vectors of eight, the last ones past
	// the states it keeps.
	need := len(ps) + 8
	if cap(ls.k) < need {
		ls.k, ls.idx, ls.wi = make([]uint32, need), make([]uint32, need), make([]uint32, need)
	}
	ls.k, ls.idx, ls.wi = ls.k[:need], ls.idx[:need], ls.wi[:need]
	c := largeConsts{s: 30 * j0, fs: float64(30 * j0), j0: j0, un: uint64(n), wtb: &wheelBitTable}
	kept, i := 0, 0
	if haveAVX512 && len(ps) >= 8 && uint64(ps[0]) > mediumMax && uint64(ps[len(ps)-1])*uint64(ps[len(ps)-1]) <= c.s {
		g := len(ps) / 8
		kept = largeStarts8(&ps[0], g, &c, &ls.k[0], &ls.idx[0], &ls.wi[0])
		i = 8 * g
	}
	for _, p := range ps[i:] {
		if st := start(uint64(p), j0, n); uint64(st.idx) < c.un {
			ls.k[kept], ls.idx[kept], ls.wi[kept] = st.k, st.idx, uint32(st.wi)
			kept++
		}
	}
	ls.k, ls.idx, ls.wi = ls.k[:kept], ls.idx[:kept], ls.wi[:kept]
}

// wheelBitTable is what largeStarts8 looks up by residue r mod 30: from 0,
// wheel[firstT[r]] | firstT[r]<<8; from 32, bitOf[r] (0 where r shares a
// factor with 30, which no prime does).
// It is made from wheel alone: package variables are set before wheel.go's
// init fills firstT and bitOf.
var wheelBitTable = func() (tb [64]uint32) {
	for r := range uint64(30) {
		t := 0
		for wheel[t] < r {
			t++
		}
		tb[r] = uint32(wheel[t]) | uint32(t)<<8
		if wheel[t] == r {
			tb[32+r] = uint32(t)
		}
	}
	return tb
}()
