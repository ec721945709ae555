package bigprime

import (
	"math"
	"sync"
)

// Trial division of a multi-limb n by many small primes at once: the
// primes are packed into groups whose product g fits in a word, n is
// reduced against g in one pass over its limbs with no division (see
// divisibleRemainder), and the one-word remainder is then tested against
// each prime of the group with one multiplication.

// divisor tests divisibility of a word by an odd prime p with one
// multiplication: n·p⁻¹ mod 2^64 maps the multiples of p one to one onto
// 0 … ⌊(2^64−1)/p⌋.
type divisor struct {
	inv, max uint64
}

// primeGroup is a run of consecutive odd primes, divisors[first:last],
// whose product g fits in a word.
type primeGroup struct {
	g, ginv     uint64 // the product and its inverse mod 2^64
	first, last int32
	bound       uint32 // the largest prime of the group
}

// maxTrialPrime is the largest prime any size tries.
const maxTrialPrime = 1 << 18

// The tables are built on first use, up to the bound the size needs: the
// sieve to maxTrialPrime takes milliseconds, which a run of small numbers,
// or of none, should not pay at start-up.
// Numbers of 2 to 4 limbs need primes to 2^13 only (tinyBound): the 3,500
// primes to 2^15 of the fixed sizes took a tenth of the CPU time of a run
// of 20,000 numbers of 128 bits.
var (
	tinyTables  = sync.OnceValue(func() *trialTables { return newTrialTables(tinyBound) })
	smallTables = sync.OnceValue(func() *trialTables { return newTrialTables(trialBound(maxFixed)) })
	largeTables = sync.OnceValue(func() *trialTables { return newTrialTables(maxTrialPrime) })
)

// tinyBound is the bound of tinyTables: that of 2 to 4 limbs.
const tinyBound = 1 << 13

// trialTables holds the primes of trial division and their groups.
type trialTables struct {
	divisors []divisor
	groups   []primeGroup
	// forLimbs[k] is how many groups a number of k limbs tries, and
	// forLanes[k] how many it tries on its way to the IFMA lanes.
	forLimbs, forLanes [maxLimbs + 1]int
}

func newTrialTables(limit int) *trialTables {
	t := &trialTables{}
	t.divisors, t.groups = groupPrimes(limit)
	for k := range t.forLimbs {
		t.forLimbs[k] = t.groupsUpTo(trialBound(k))
		t.forLanes[k] = t.groupsUpTo(laneTrialBound(k))
	}
	return t
}

// tablesFor returns the tables for a number of k limbs.
func tablesFor(k int) *trialTables {
	switch b := trialBound(k); {
	case b <= tinyBound:
		return tinyTables()
	case b <= trialBound(maxFixed):
		return smallTables()
	}
	return largeTables()
}

func groupPrimes(limit int) ([]divisor, []primeGroup) {
	composite := make([]bool, limit+1)
	// There are fewer than 1.26·x/ln x primes up to x, and at least three
	// to a group: sized so that neither slice grows.
	most := int(1.26*float64(limit)/math.Log(float64(limit))) + 1
	ds := make([]divisor, 0, most)
	gs := make([]primeGroup, 0, most/3+1)
	cur := primeGroup{g: 1}
	for p := 3; p <= limit; p += 2 {
		if composite[p] {
			continue
		}
		for m := p * p; m <= limit; m += 2 * p {
			composite[m] = true
		}
		if hi, _ := mul64(cur.g, uint64(p)); hi != 0 {
			cur.ginv = inverse(cur.g)
			gs = append(gs, cur)
			cur = primeGroup{g: 1, first: int32(len(ds))}
		}
		cur.g *= uint64(p)
		cur.bound = uint32(p)
		cur.last = int32(len(ds) + 1)
		ds = append(ds, divisor{inv: inverse(uint64(p)), max: ^uint64(0) / uint64(p)})
	}
	cur.ginv = inverse(cur.g)
	gs = append(gs, cur)
	return ds, gs
}

// trialBound is the largest prime tried for a number of k limbs. A prime p
// costs about a multiplication, plus a share of a pass over the limbs, and
// spares the exponentiation (k² multiplications per bit) for 1/p of the
// numbers: the balance moves up with the size. At 2 and 4 limbs, where the
// assembly made the exponentiation cheaper, halving the bounds (2^11, 2^13
// before) saved 3–4% of BenchmarkRandom's CPU time (paired medians).
func trialBound(k int) int {
	switch {
	case k <= 2:
		return 1 << 10
	case k == 3: // no assembly: the bound measured before it
		return 1 << 13
	case k <= 4:
		return 1 << 12
	case k <= 8:
		return 1 << 15
	case k <= 16:
		return 1 << 16
	}
	return maxTrialPrime
}

// laneTrialBound is trialBound for a number of k limbs that the IFMA lanes
// test, at most trialBound(k) (the tables hold no more). The lanes'
// exponentiation costs a third to a fifth of the scalar one, which moves
// the balance down. CPU time per random number in BenchmarkLanes (medians
// of 6 to 8 alternated runs, noisy): at 512 bits 2^12 took 0.6 of 2^15's,
// and once the 10-limb kernel loaded each factor once, 2^11 0.98 of
// 2^12's (2^13 1.06); at 256 bits 2^10 0.82 of 2^12–2^13's (2^9 the same,
// 2^8 and 2^11 more); at 128 bits 2^8 0.86 of 2^10's (2^7 and 2^6 more).
func laneTrialBound(k int) int {
	switch {
	case k <= 2:
		return min(1<<8, trialBound(k))
	case k <= 4:
		return min(1<<10, trialBound(k))
	case k <= 8:
		return min(1<<11, trialBound(k))
	}
	return trialBound(k)
}

// groupsUpTo returns how many groups hold only primes up to bound.
func (t *trialTables) groupsUpTo(bound int) int {
	for i, g := range t.groups {
		if int(g.bound) > bound {
			return i
		}
	}
	return len(t.groups)
}

// hasSmallFactor reports whether an odd prime of the trial groups divides
// n, which is larger than all of them.
func (t *trialTables) hasSmallFactor(n []uint64) bool {
	return t.hasFactorIn(n, t.forLimbs[len(n)])
}

// hasFactorIn reports whether an odd prime of the first groups trial
// groups divides n.
func (t *trialTables) hasFactorIn(n []uint64, groups int) bool {
	for _, gr := range t.groups[:groups] {
		c := divisibleRemainder(n, gr.g, gr.ginv)
		for _, d := range t.divisors[gr.first:gr.last] {
			if c*d.inv <= d.max {
				return true
			}
		}
	}
	return false
}

// divisibleRemainder returns c ≤ g with n ≡ −c·2^(64·len(n)) (mod g), for
// odd g: a prime of g divides n exactly when it divides c. It is GMP's
// mpn_modexact_1_odd: each limb costs two multiplications and no
// division. Step j keeps a_j − c_old = q·g − c_new·2^64, which telescopes.
func divisibleRemainder(n []uint64, g, ginv uint64) uint64 {
	var c uint64
	for _, a := range n {
		s, b := sub64(a, c)
		q := s * ginv
		hi, _ := mul64(q, g)
		c = hi + b
	}
	return c
}
