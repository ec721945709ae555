package sieve

import (
	"math"
	"math/bits"
	"slices"
)

// The large sieving primes (above mediumMax) are generated again for every
// task and most of them hit a task high up once or not at all: at 2^64 −
// 10^9 a task sieves by the 203 M primes below 2^32, of which three in four
// are larger than the task's numbers. What each costs is its generation and
// the offset of its first multiple in the task, not its hits; so they are
// generated into batches of bare primes, started together without a 64-bit
// division (largeStarts16), and only those that hit the task reach the
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
		dst = slices.Grow(dst, 64*words+64)[:n+64*words+64]
		if haveVBMI2 {
			n += bitsToNumbers64(&dst[n], &bs[0], words, b, &wordOffsets)
		} else {
			n += bitsToNumbers16(&dst[n], &bs[0], words, b, &wheel16)
		}
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

// wordOffsets[i] is the number of bit i of a sieve word (eight bytes)
// from the word's first number, for bitsToNumbers64.
var wordOffsets = func() (o [64]byte) {
	for i := range o {
		o[i] = byte(30*(i>>3) + int(wheel[i&7]))
	}
	return o
}()

// wheel32 is wheel in 32 bits, for appendPrimes32.
var wheel32 = [8]uint32{1, 7, 11, 13, 17, 19, 23, 29}

// largeStates holds, field by field, the states (as start gives them) of
// the primes of a batch whose first multiple lies in the task: the
// assembly stores sixteen lanes of a field at once.
type largeStates struct {
	k, idx, wi []uint32
}

// largeConsts is what the assembly reads of the task: j0 mod 2^32, the
// task's bytes, j0/30 in double, and the tables.
type largeConsts struct {
	j0lo uint32
	n    uint32
	j30  float64
	wtb  *[80]uint32 // &wheelBitTable
}

// largeVectorMax bounds the primes largeStarts16 takes: below it, j0 − a·p
// (see large_amd64.s) stays within 2^31 of 0.
const largeVectorMax = 1<<32 - 1024

// starts sets ls to the states of the primes of ps (all above presieveMax
// and below 2^32, in increasing order) whose first multiple p·q ≥ max(p²,
// 30·j0), q coprime to 30, lies in the task of n bytes from byte j0; the
// others, which do not hit the task, are left out.
//
// With AVX-512 (largeStarts16), sixteen primes at a time, without a 64-bit
// division or multiply: j0 mod p from a quotient in double precision,
// rounded and corrected exactly, and the first multiple from it (the proof
// is in large_amd64.s). Otherwise, and for primes up to 2^22, those from
// largeVectorMax and those whose square is past 30·j0, start, with its
// division (the float arithmetic of an earlier eight-lane version, one
// prime at a time, was no faster than the division on AMD's Zen 4: 7.0
// against 6.1 ns a prime, least of six runs of BenchmarkLargeStarts).
func (ls *largeStates) starts(ps []uint32, j0 uint64, n int) {
	// The assembly stores whole vectors of sixteen, the last ones past
	// the states it keeps.
	need := len(ps) + 16
	if cap(ls.k) < need {
		ls.k, ls.idx, ls.wi = make([]uint32, need), make([]uint32, need), make([]uint32, need)
	}
	ls.k, ls.idx, ls.wi = ls.k[:need], ls.idx[:need], ls.wi[:need]
	kept, i := 0, 0
	if len(ps) == 0 {
		ls.k, ls.idx, ls.wi = ls.k[:0], ls.idx[:0], ls.wi[:0]
		return
	}
	if last := uint64(ps[len(ps)-1]); haveAVX512 && uint64(ps[0]) > mediumMax && j0 <= math.MaxUint64/30 && last*last <= 30*j0 {
		end := len(ps)
		if last >= largeVectorMax {
			end, _ = slices.BinarySearch(ps, largeVectorMax)
		}
		c := largeConsts{j0lo: uint32(j0), n: uint32(min(uint64(n), math.MaxUint32)), j30: float64(j0) / 30, wtb: &wheelBitTable}
		if end > 0 {
			kept = largeStarts16(&ps[0], end, &c, &ls.k[0], &ls.idx[0], &ls.wi[0])
		}
		i = end
	}
	for _, p := range ps[i:] {
		if st := start(uint64(p), j0, n); uint64(st.idx) < uint64(n) {
			ls.k[kept], ls.idx[kept], ls.wi[kept] = st.k, st.idx, uint32(st.wi)
			kept++
		}
	}
	ls.k, ls.idx, ls.wi = ls.k[:kept], ls.idx[:kept], ls.wi[:kept]
}

// wheelBitTable is what largeStarts16 looks up: from 0, by c from 0 to
// 29, W | t<<8 with W = wheel[t] the least wheel number above c (31, t =
// 0, for c = 29: the next cycle's 1); from 32, by residue r mod 30,
// 8·bitOf[r] (0 where r shares a factor with 30, which no prime does);
// from 64, 0, 2, …, 30, which picks the low halves of two vectors of
// 64-bit lanes.
// It is made from wheel alone: package variables are set before wheel.go's
// init fills firstT and bitOf.
var wheelBitTable = func() (tb [80]uint32) {
	for c := range uint64(30) {
		t := 0
		for wheel[t] <= c {
			t++
		}
		tb[c] = uint32(wheel[t]) | uint32(t%8)<<8
	}
	for t := range 8 {
		tb[32+wheel[t]] = 8 * uint32(t)
	}
	for i := range 16 {
		tb[64+i] = 2 * uint32(i)
	}
	return tb
}()
