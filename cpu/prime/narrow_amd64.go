//go:build amd64 && !purego

package prime

import "math/bits"

// The narrow IFMA loops take moduli below narrowLimit in one 52-bit limb
// with R = 2^52 (see narrow_amd64.s): a Montgomery product is four
// multiply-adds instead of thirteen to fifteen, so numbers below 2^48 —
// every 32-bit number, most ranges anyone sieves — test several times
// faster than in the two-limb loops.

// narrowLimit bounds the moduli of the narrow loops: below it, lazily
// reduced values stay under 2^50 (see narrow_amd64.s).
const narrowLimit = 1 << 48

// narrowBase2 is the state of base2LoopNarrow; the assembly knows its layout.
type narrowBase2 struct {
	x, e, n, ninv [ifmaLanes]uint64
}

// narrowLucas is the state of lucasLoopNarrow; the assembly knows its
// layout.
type narrowLucas struct {
	a, b, g, n, ninv, k2, kp [ifmaLanes]uint64
}

// base2LoopNarrow is base2LoopIFMA for moduli below narrowLimit.
//
//go:noescape
func base2LoopNarrow(s *narrowBase2, steps int)

// lucasLoopNarrow is lucasLoopIFMA for moduli below narrowLimit.
//
//go:noescape
func lucasLoopNarrow(s *narrowLucas, steps int)

// strongBase2Narrow is strongBase2IFMA for numbers below narrowLimit.
func strongBase2Narrow(ns []uint64, pass []bool) {
	var st narrowBase2
	var all uint64
	for l := range ifmaLanes {
		n := ns[0]
		if l < len(ns) {
			n = ns[l]
		}
		st.n[l], st.ninv[l] = n, -inverse(n)&limb
		st.x[l] = (1 << 52) % n // R mod n, the Montgomery form of 1
		st.e[l] = (n - 1) >> bits.TrailingZeros64(n-1)
		all |= st.e[l]
	}
	top := bits.Len64(all)
	for l := range st.e {
		st.e[l] <<= 64 - top
	}
	base2LoopNarrow(&st, top)
	for l, n := range ns {
		pass[l] = strongTailPlain(canonical(st.x[l], n), n, bits.TrailingZeros64(n-1))
	}
}

// extraStrongLucasNarrow is extraStrongLucasIFMA for numbers below
// narrowLimit.
func extraStrongLucasNarrow(ns, ps []uint64, pass []bool) {
	var st narrowLucas
	var all uint64
	var d [ifmaLanes]uint64
	for l := range ifmaLanes {
		n, p := ns[0], ps[0]
		if l < len(ns) {
			n, p = ns[l], ps[l]
		}
		st.n[l], st.ninv[l] = n, -inverse(n)&limb
		one := (1 << 52) % n
		two := add(one, one, n)
		mp := mulMod(p, one, n)
		st.k2[l], st.kp[l] = n-two, n-mp // the loop adds n−c to subtract c
		st.a[l], st.b[l] = two, mp       // V_0 = 2, V_1 = P
		d[l] = (n + 1) >> bits.TrailingZeros64(n+1)
		all |= d[l]
	}
	top := bits.Len64(all)
	for l := range d {
		e := d[l] << (64 - top)
		st.g[l] = e ^ e>>1
	}
	lucasLoopNarrow(&st, top)
	// d is odd: its last bit took the ladder to (V_d, V_(d+1)), with the
	// squared element, V_(d+1), in a.
	for l, n := range ns {
		vd1, vd := canonical(st.a[l], n), canonical(st.b[l], n)
		pass[l] = lucasVerdictPlain(vd, vd1, n, ps[l], bits.TrailingZeros64(n+1))
	}
}
