package sieve

import "math/bits"

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

// wheel32 is wheel in 32 bits, for appendPrimes32.
var wheel32 = [8]uint32{1, 7, 11, 13, 17, 19, 23, 29}

// largeStarts appends to out the state of each prime of ps (all above
// presieveMax and below 2^32) whose first multiple p·q ≥ max(p², 30·j0),
// q coprime to 30, lies in the task of n bytes from byte j0, as start
// gives it; the others, which do not hit the task, are left out.
//
// ⌊30·j0/p⌋ comes from a division in double precision, then corrected
// exactly: with p > 2^22 (mediumMax) the quotient is below 2^42, so the
// rounded quotient is within 2^-10 of the true one and its truncation at
// most one off, which the remainder, computed exactly in 64 bits (it is
// small, whatever wraps), shows.
// A 64-bit DIV per prime, several of them per prime at the top, cost more
// than the prime's generation. Primes up to 2^22 take start.
func largeStarts(out []sprime, ps []uint32, j0 uint64, n int) []sprime {
	s := 30 * j0
	fs := float64(s)
	un := uint64(n)
	k := len(out)
	if need := k + len(ps); cap(out) < need {
		out = append(out[:cap(out)], make([]sprime, need-cap(out))...)
	}
	all := out[k : k+len(ps)]
	// Every state first, then those that hit: choosing as they are made,
	// by a branch or a moving index, made each prime wait for the last
	// (a branch mispredicted for one in four, or the store's address).
	for i, p32 := range ps {
		p := uint64(p32)
		if p <= mediumMax || p*p > s {
			all[i] = start(p, j0, n)
			continue
		}
		q := uint64(int64(fs / float64(p32)))
		if r := s - q*p; int64(r) < 0 {
			q--
		} else if r >= p {
			q++
		}
		// The least q with p·q ≥ s is ⌊s/p⌋ + 1 but when p divides s; s
		// is a multiple of 30, so then ⌊s/p⌋ is too, and the first q
		// coprime to 30 is ⌊s/p⌋ + 1 either way.
		q++
		j, t := q/30, uint64(firstT[q%30])
		pm := p % 30
		rel := p*j + p/30*wheel[t] + pm*wheel[t]/30 - j0
		all[i] = sprime{k: uint32(p / 30), idx: uint32(min(rel, un)), wi: uint8(8*uint64(bitOf[pm]) + t)}
	}
	out = out[:cap(out)]
	for _, st := range all {
		out[k] = st
		if uint64(st.idx) < un {
			k++
		}
	}
	return out[:k]
}
