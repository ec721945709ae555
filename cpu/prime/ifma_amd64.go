//go:build amd64 && !purego

package prime

import (
	"math/bits"

	"golang.org/x/sys/cpu"
)

// The IFMA path runs the base-2 and Lucas exponentiations of 24 numbers at
// once in AVX-512 registers, eight per register, with the 52-bit multiply-add
// instructions of AVX-512 IFMA (see ifma_amd64.s). Where the scalar loops
// spend three multiplications and a correction per Montgomery product and
// keep one multiplier busy, this spends 13–15 multiply-adds per eight
// products and no correction; BenchmarkStages measures the difference.

// haveIFMA reports whether the CPU has the instructions. (The tests run the
// scalar methods on every CPU.)
var haveIFMA = cpu.X86.HasAVX512F && cpu.X86.HasAVX512DQ && cpu.X86.HasAVX512IFMA

// ifmaLanes is how many numbers one IFMA loop carries: three registers of
// eight, enough independent products to cover the multiply-add latency.
const ifmaLanes = maxGroup

const limb = 1<<52 - 1

// moduli52 is n in two 52-bit limbs and −n⁻¹ mod 2^52, per lane.
type moduli52 struct {
	n0, n1, ninv [ifmaLanes]uint64
}

func (m *moduli52) set(l int, n uint64) {
	m.n0[l], m.n1[l] = n&limb, n>>52
	m.ninv[l] = -inverse(n) & limb
}

// base2Lanes is the state of base2LoopIFMA; the assembly knows its layout.
type base2Lanes struct {
	x0, x1, e [ifmaLanes]uint64
	moduli52
}

// lucasLanes is the state of lucasLoopIFMA; the assembly knows its layout.
type lucasLanes struct {
	a0, a1, b0, b1, g [ifmaLanes]uint64
	moduli52
	k20, k21, kp0, kp1 [ifmaLanes]uint64
}

// base2LoopIFMA runs steps squaring-and-doubling steps on every lane (see
// base2Loop4), then leaves x as x/R mod n in [0, n].
//
//go:noescape
func base2LoopIFMA(s *base2Lanes, steps int)

// lucasLoopIFMA runs steps steps of the Lucas ladder on every lane (see
// lucasLoop4), then leaves a and b as a/R and b/R mod n in [0, n].
//
//go:noescape
func lucasLoopIFMA(s *lucasLanes, steps int)

// screen8 is screen for eight numbers at once, with AVX-512 (see
// ifma_amd64.s): cand has a bit set for each number the probable-prime
// tests must settle, small for each below trialSquare, which screen
// settles; the others are composite.
//
//go:noescape
func screen8(ns *[8]uint64, divs []divisor) (cand, small uint8)

// screenWide is screenStage eight numbers at a time for as long as eight
// remain; it returns the candidates' count and how many numbers it did.
func screenWide(w []uint64, o []bool, cand []int32) (k, done int) {
	for ; done+8 <= len(w); done += 8 {
		c, small := screen8((*[8]uint64)(w[done:done+8]), divisors)
		clear(o[done : done+8])
		for ; c != 0; c &= c - 1 {
			cand[k] = int32(done + bits.TrailingZeros8(c))
			k++
		}
		for ; small != 0; small &= small - 1 {
			i := done + bits.TrailingZeros8(small)
			o[i], _ = screen(w[i]) // below trialSquare: always decided
		}
	}
	return k, done
}

// r104 returns 2^104 mod n, the Montgomery form of 1 in the IFMA loops:
// one division, where 2^40 mod n, a second one, is 2^40 for most moduli.
// (A quotient estimated in floating point and corrected instead measured
// 6% slower per prime on BenchmarkSurvivors: Zen 4 divides fast.)
func r104(n uint64) uint64 {
	hi := uint64(1 << 40)
	if n <= hi {
		hi %= n
	}
	_, r := bits.Div64(hi, 0, n)
	return r
}

// mulMod returns a·b mod n for a, b < n. The IFMA path leaves Montgomery
// form for its few steps after the loops, where a division is cheaper than
// setting up the scalar Montgomery constants.
func mulMod(a, b, n uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	_, r := bits.Div64(hi, lo, n)
	return r
}

// strongBase2IFMA is strongBase2 for up to ifmaLanes numbers; unused lanes
// repeat the first number.
func strongBase2IFMA(ns []uint64, pass []bool) {
	var st base2Lanes
	for l := range ifmaLanes {
		n := ns[lane(l, len(ns))]
		st.set(l, n)
		one := r104(n)
		st.x0[l], st.x1[l] = one&limb, one>>52
		st.e[l] = oddPart(n - 1)
	}
	base2LoopIFMA(&st, alignExponents(st.e[:]))
	for l, n := range ns {
		y := st.x0[l] | st.x1[l]<<52
		if y == n {
			y = 0
		}
		pass[l] = strongTailPlain(y, n, bits.TrailingZeros64(n-1))
	}
}

// lane returns which of k numbers fills lane l: unused lanes repeat the
// first.
func lane(l, k int) int {
	if l < k {
		return l
	}
	return 0
}

// oddPart returns m with its factors 2 divided out.
func oddPart(m uint64) uint64 {
	return m >> bits.TrailingZeros64(m)
}

// lucasStart returns V_0 = 2 and V_1 = P in Montgomery form modulo n, from
// one = R mod n.
func lucasStart(n, p, one uint64) (two, mp uint64) {
	return add(one, one, n), mulMod(p, one, n)
}

// strongTailPlain finishes the strong test from y = 2^d mod n. (Its few
// squarings divide: on Zen 4 a division costs less than the two scalar
// Montgomery products that could replace it, which were measured slower.)
func strongTailPlain(y, n uint64, s int) bool {
	if y == 1 || y == n-1 {
		return true
	}
	for range s - 1 {
		y = mulMod(y, y, n)
		if y == n-1 {
			return true
		}
		if y == 1 {
			return false // a square root of 1 other than ±1
		}
	}
	return false
}

// extraStrongLucasIFMA is extraStrongLucas for up to ifmaLanes numbers with
// parameters ps; unused lanes repeat the first number.
func extraStrongLucasIFMA(ns, ps []uint64, pass []bool) {
	var st lucasLanes
	for l := range ifmaLanes {
		n, p := ns[lane(l, len(ns))], ps[lane(l, len(ns))]
		st.set(l, n)
		two, mp := lucasStart(n, p, r104(n))
		k2, kp := n-two, n-mp // the loop adds n−c to subtract c
		st.k20[l], st.k21[l] = k2&limb, k2>>52
		st.kp0[l], st.kp1[l] = kp&limb, kp>>52
		st.a0[l], st.a1[l] = two&limb, two>>52 // V_0 = 2
		st.b0[l], st.b1[l] = mp&limb, mp>>52   // V_1 = P
		st.g[l] = oddPart(n + 1)
	}
	steps := alignExponents(st.g[:])
	ladderOrder(st.g[:])
	lucasLoopIFMA(&st, steps)
	// d is odd: its last bit took the ladder to (V_d, V_(d+1)), with the
	// squared element, V_(d+1), in a.
	for l, n := range ns {
		vd1 := canonical(st.a0[l]|st.a1[l]<<52, n)
		vd := canonical(st.b0[l]|st.b1[l]<<52, n)
		pass[l] = lucasVerdictPlain(vd, vd1, n, ps[l], bits.TrailingZeros64(n+1))
	}
}

// canonical maps the loops' results in [0, n] to [0, n).
func canonical(v, n uint64) uint64 {
	if v == n {
		return 0
	}
	return v
}

// lucasVerdictPlain is lucasVerdict on V_d and V_(d+1) mod n.
//
// With V_d ≡ ±2, U_d ≡ 0 (2·V_(d+1) ≡ P·V_d) is V_(d+1) ≡ ±P, with the
// same sign: 2 is invertible modulo odd n, and P < n.
func lucasVerdictPlain(vd, vd1, n, p uint64, s int) bool {
	if vd == 2 && vd1 == p || vd == n-2 && vd1 == n-p {
		return true
	}
	for range s - 1 {
		if vd == 0 {
			return true
		}
		vd = sub(mulMod(vd, vd, n), 2, n)
	}
	return false
}

// ifmaFill is the fewest numbers worth a pass of the IFMA loops; fewer go
// to the four-lane scalar loops. Of 0, 4, 8, 12, 16 and 24, 8 was fastest
// on BenchmarkLanes' batches, by up to 14% on 64-bit primes.
const ifmaFill = 8

// ifmaMethod returns the IFMA method when the CPU has the instructions:
// the two-limb loops, with the one-limb loops for numbers below
// narrowLimit and the scalar loops for small groups.
func ifmaMethod() (method, bool) {
	if !haveIFMA {
		return method{}, false
	}
	small := scalarMethod(lanes)
	narrow := method{width: ifmaLanes, loops: narrowLoops, fill: ifmaFill, small: &small}
	return method{width: ifmaLanes, loops: wideLoops, fill: ifmaFill, small: &small, narrow: &narrow}, true
}

// vectorStrong runs the base-2 stage in the IFMA loops l names, and reports
// false for the scalar loops.
func vectorStrong(l loops, ns []uint64, pass []bool) bool {
	switch l {
	case wideLoops:
		strongBase2IFMA(ns, pass)
	case narrowLoops:
		strongBase2Narrow(ns, pass)
	default:
		return false
	}
	return true
}

// vectorLucas runs the Lucas stage in the IFMA loops l names, and reports
// false for the scalar loops.
func vectorLucas(l loops, ns, ps []uint64, pass []bool) bool {
	switch l {
	case wideLoops:
		extraStrongLucasIFMA(ns, ps, pass)
	case narrowLoops:
		extraStrongLucasNarrow(ns, ps, pass)
	default:
		return false
	}
	return true
}
