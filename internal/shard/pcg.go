package shard

import (
	"fmt"
	"math/bits"
	"math/rand/v2"
)

// The constants of math/rand/v2's PCG: its state s steps to s·mul + inc
// modulo 2^128 before each draw (see its pcg.go).
var (
	pcgMul = u128{2549297995355413924, 4865540595714422341}
	pcgInc = u128{6364136223846793005, 1442695040888963407}
)

// Skip advances p as n·each draws of Uint64 would (n numbers of each
// draws), in O(log(n·each)) multiplications: a linear congruential step
// composed with itself is again one, so the steps of n·each draws fold
// into one multiply and add (Brown, "Random number generation with
// arbitrary strides", 1994). math/rand/v2's PCG has no Advance; its
// MarshalBinary and UnmarshalBinary expose the 128-bit state this needs.
func Skip(p *rand.PCG, n, each uint64) error {
	b, err := p.MarshalBinary()
	if err != nil {
		return fmt.Errorf("shard: read the PCG state: %w", err)
	}
	if len(b) != 20 || string(b[:4]) != "pcg:" {
		return fmt.Errorf("shard: PCG state %q is not the pcg:hi,lo this was written for", b)
	}
	state := u128{be64(b[4:]), be64(b[12:])}
	var delta u128
	delta.hi, delta.lo = bits.Mul64(n, each)
	state = jump(state, delta)
	b = append(b[:4], make([]byte, 16)...)
	putBE64(b[4:], state.hi)
	putBE64(b[12:], state.lo)
	if err := p.UnmarshalBinary(b); err != nil {
		return fmt.Errorf("shard: set the PCG state: %w", err)
	}
	return nil
}

// jump returns the state delta steps after s.
func jump(s, delta u128) u128 {
	accMul, accAdd := u128{0, 1}, u128{}
	curMul, curAdd := pcgMul, pcgInc
	for !delta.zero() {
		if delta.lo&1 == 1 {
			accMul = accMul.mul(curMul)
			accAdd = accAdd.mul(curMul).add(curAdd)
		}
		// Two steps of (m, c) are one of (m², (m+1)·c).
		curAdd = curMul.add(u128{0, 1}).mul(curAdd)
		curMul = curMul.mul(curMul)
		delta = delta.shr1()
	}
	return accMul.mul(s).add(accAdd)
}

// u128 is an integer modulo 2^128.
type u128 struct{ hi, lo uint64 }

func (a u128) zero() bool { return a.hi == 0 && a.lo == 0 }

func (a u128) add(b u128) u128 {
	lo, c := bits.Add64(a.lo, b.lo, 0)
	hi, _ := bits.Add64(a.hi, b.hi, c)
	return u128{hi, lo}
}

func (a u128) mul(b u128) u128 {
	hi, lo := bits.Mul64(a.lo, b.lo)
	hi += a.hi*b.lo + a.lo*b.hi
	return u128{hi, lo}
}

func (a u128) shr1() u128 { return u128{a.hi >> 1, a.lo>>1 | a.hi<<63} }

func be64(b []byte) uint64 {
	var v uint64
	for _, c := range b[:8] {
		v = v<<8 | uint64(c)
	}
	return v
}

func putBE64(b []byte, v uint64) {
	for i := 7; i >= 0; i-- {
		b[i] = byte(v)
		v >>= 8
	}
}

// PCGState returns p's 128-bit state, which a GPU kernel needs to draw the
// same numbers as p (math/rand/v2 exposes it only through MarshalBinary).
func PCGState(p *rand.PCG) (hi, lo uint64, err error) {
	b, err := p.MarshalBinary()
	if err != nil {
		return 0, 0, fmt.Errorf("shard: read the PCG state: %w", err)
	}
	if len(b) != 20 || string(b[:4]) != "pcg:" {
		return 0, 0, fmt.Errorf("shard: PCG state %q is not the pcg:hi,lo this was written for", b)
	}
	return be64(b[4:]), be64(b[12:]), nil
}
