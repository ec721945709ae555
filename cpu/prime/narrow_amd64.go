//go:build amd64 && !purego

package prime

import "math/bits"

// The narrow IFMA loops take moduli below narrowLimit in one 52-bit limb
// with R = 2^52 (see narrow_amd64.s): a Montgomery product is four
// multiply-adds instead of thirteen to fifteen, so numbers below 2^48 —
// every 32-bit number, most ranges anyone sieves — test several times
// faster than in the two-limb loops.

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
	for l := range ifmaLanes {
		n := ns[lane(l, len(ns))]
		st.n[l], st.ninv[l] = n, -inverse(n)&limb
		st.x[l] = (1 << 52) % n // R mod n, the Montgomery form of 1
		st.e[l] = oddPart(n - 1)
	}
	base2LoopNarrow(&st, alignExponents(st.e[:]))
	for l, n := range ns {
		pass[l] = strongTailPlain(canonical(st.x[l], n), n, bits.TrailingZeros64(n-1))
	}
}

// extraStrongLucasNarrow is extraStrongLucasIFMA for numbers below
// narrowLimit.
func extraStrongLucasNarrow(ns, ps []uint64, pass []bool) {
	var st narrowLucas
	for l := range ifmaLanes {
		n, p := ns[lane(l, len(ns))], ps[lane(l, len(ns))]
		st.n[l], st.ninv[l] = n, -inverse(n)&limb
		two, mp := lucasStart(n, p, (1<<52)%n)
		st.k2[l], st.kp[l] = n-two, n-mp // the loop adds n−c to subtract c
		st.a[l], st.b[l] = two, mp       // V_0 = 2, V_1 = P
		st.g[l] = oddPart(n + 1)
	}
	steps := alignExponents(st.g[:])
	ladderOrder(st.g[:])
	lucasLoopNarrow(&st, steps)
	// d is odd: its last bit took the ladder to (V_d, V_(d+1)), with the
	// squared element, V_(d+1), in a.
	for l, n := range ns {
		vd1, vd := canonical(st.a[l], n), canonical(st.b[l], n)
		pass[l] = lucasVerdictPlain(vd, vd1, n, ps[l], bits.TrailingZeros64(n+1))
	}
}
