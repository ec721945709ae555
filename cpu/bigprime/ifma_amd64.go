//go:build amd64 && !purego

package bigprime

import (
	"math/big"
	"math/bits"

	"golang.org/x/sys/cpu"
)

// The IFMA path runs the base-2 strong test of eight numbers at once, one
// per 64-bit lane of a ZMM register, in Montgomery form over 52-bit limbs,
// as the multi-buffer exponentiation of cryptographic libraries does: 3
// limbs (R = 2^156) for numbers of 65 to 128 bits, 5 (R = 2^260) for 129 to
// 256, 10 (R = 2^520) for 257 to 512. The ladder is ifma_amd64.s, which gen_ifma.go writes; the numbers
// that pass it, mostly primes, go on to the Lucas test, in the lanes too
// (ifma_lucas_amd64.go). At 3 limbs one group's ladder step is a chain of
// dependent multiply-adds that uses about half the IFMA throughput, so
// testBatch runs the base-2 ladder on two groups of eight at once there
// (base2LanesIFMA3x2, the two chains interleaved) when 16 numbers wait.

// haveIFMA reports whether the CPU has AVX-512 F and IFMA, which
// ifma_amd64.s needs. (The tests run the scalar path on every CPU.)
var haveIFMA = cpu.X86.HasAVX512F && cpu.X86.HasAVX512IFMA

const (
	laneCount = 8
	limb52    = 1<<52 - 1
	// maxLimbs52 is the largest 52-bit limb count of the lanes.
	maxLimbs52 = 10
	// maxLaneBits is the largest size the lanes take.
	maxLaneBits = 512
)

// laneState is the assembly's state for k limbs: rows of eight lanes, x
// (k rows: the ladder's value, in Montgomery form), n (k rows), −n⁻¹ mod
// 2^52 (one row) and y (k rows: x/R, written after the ladder).
type laneState [(3*maxLimbs52 + 1) * laneCount]uint64

//go:noescape
func base2LanesIFMA3(s *laneState, e *uint64, steps int)

//go:noescape
func base2LanesIFMA5(s *laneState, e *uint64, steps int)

//go:noescape
func base2LanesIFMA10(s *laneState, e *uint64, steps int)

// base2LanesIFMA3x2 is base2LanesIFMA3 on two groups of eight at once,
// each with its own state and exponent, both for steps steps.
//
//go:noescape
func base2LanesIFMA3x2(s0, s1 *laneState, e0, e1 *uint64, steps int)

//go:generate go run gen_ifma.go

// limbs52 returns the 52-bit limb count of the lanes for a number of w
// 64-bit limbs, or 0 when the lanes do not take it. 16n ≤ R keeps the
// lazily reduced values below R (see ifma_amd64.s).
func limbs52(w int) int {
	switch w {
	case 2:
		return 3
	case 3, 4:
		return 5
	case 5, 6, 7, 8:
		return 10
	}
	return 0
}

// laneClass returns the index of the lanes' class of numbers of w 64-bit
// limbs (2; 3 and 4; 5 to 8), which limbs52 must take.
func laneClass(w int) int {
	switch limbs52(w) {
	case 3:
		return 0
	case 5:
		return 1
	}
	return 2
}

// laneBatch is the strong base-2 test of up to eight numbers of one limb
// class in the lanes.
type laneBatch struct {
	k     int
	st    laneState
	e     [(maxLaneBits/64 + 1) * laneCount]uint64 // the exponents' bits, word 0 first
	zero  [laneCount]uint64
	s     [laneCount]int
	limbs [maxLimbs52]uint64 // scratch
}

func (b *laneBatch) row(r int) []uint64 { return b.st[r*laneCount : (r+1)*laneCount] }

// run runs the ladder steps steps, from the exponent bits in e.
func (b *laneBatch) run(e *uint64, steps int) {
	switch b.k {
	case 3:
		base2LanesIFMA3(&b.st, e, steps)
	case 5:
		base2LanesIFMA5(&b.st, e, steps)
	default:
		base2LanesIFMA10(&b.st, e, steps)
	}
}

// strongBase2 sets pass[i] to whether ns[i] (odd, of one class, at most
// eight) is a strong probable prime to base 2. Lanes beyond len(ns)
// repeat ns[0], and their results are not read.
func (b *laneBatch) strongBase2(ns [][]uint64, pass []bool) {
	b.run(&b.e[0], b.load(ns))
	b.verdicts(ns, pass)
}

// strongBase2Pair is strongBase2 on two groups of one class of 3 limbs
// (ns0 of eight, ns1 of one to eight) in the paired kernel, both groups'
// exponents aligned to the longer ladder.
func strongBase2Pair(b0, b1 *laneBatch, ns0, ns1 [][]uint64, pass0, pass1 []bool) {
	steps := b0.loadPair(b1, ns0, ns1)
	base2LanesIFMA3x2(&b0.st, &b1.st, &b0.e[0], &b1.e[0], steps)
	b0.verdicts(ns0, pass0)
	b1.verdicts(ns1, pass1)
}

// loadPair loads ns0 into b and ns1 into b1 for the paired kernel and
// returns its step count: a lane's shorter exponent starts with zero bits,
// steps that keep x at 1.
func (b *laneBatch) loadPair(b1 *laneBatch, ns0, ns1 [][]uint64) (steps int) {
	steps = max(b.setLanes(ns0), b1.setLanes(ns1))
	b.pack(ns0, steps)
	b1.pack(ns1, steps)
	return steps
}

// load sets the lanes to ns (lanes beyond len(ns) repeat ns[0]): the
// moduli, x = R mod n, and the exponents' bits; it returns the ladder's
// step count.
func (b *laneBatch) load(ns [][]uint64) (steps int) {
	steps = b.setLanes(ns)
	b.pack(ns, steps)
	return steps
}

// setLanes sets the moduli and x = R mod n, and returns the step count
// the longest exponent needs.
func (b *laneBatch) setLanes(ns [][]uint64) (steps int) {
	k := limbs52(len(ns[0]))
	b.k = k
	steps = 0
	for l := range laneCount {
		n := ns[0]
		if l < len(ns) {
			n = ns[l]
		}
		to52(b.limbs[:k], n)
		for j := range k {
			b.row(k + j)[l] = b.limbs[j]
		}
		b.row(2 * k)[l] = -inverse(n[0]) & limb52
		var one [maxLimbs52]uint64
		pow2ModN(one[:len(n)], n, 52*k)
		to52(b.limbs[:k], one[:len(n)])
		for j := range k {
			b.row(j)[l] = b.limbs[j]
		}
		b.s[l] = trailingZerosMinusOne(n)
		steps = max(steps, bitLen(n)-b.s[l])
	}
	return steps
}

// pack writes the exponents of ns, set by setLanes, into steps bits each.
func (b *laneBatch) pack(ns [][]uint64, steps int) {
	packExponents(&b.e, steps, func(l int) ([]uint64, int) {
		if l < len(ns) {
			return ns[l], b.s[l]
		}
		return ns[0], b.s[0]
	})
}

// packExponents writes the exponents of the lanes into e: lane l's is
// x >> s for the x and s that lane returns. It goes right-aligned into
// steps bits, so that every lane's last bit is the last step and a shorter
// exponent starts with steps that keep the start value; the steps bits go
// left-aligned into words, the first step at the top bit of word 0.
func packExponents(e *[(maxLaneBits/64 + 1) * laneCount]uint64, steps int, lane func(l int) (x []uint64, s int)) {
	words := (steps + 63) / 64
	shift := 64*words - steps
	for l := range laneCount {
		x, s := lane(l)
		for w := range words {
			v := bitsAt(x, s-shift+64*(words-1-w))
			if w == words-1 {
				v &^= 1<<shift - 1 // x's bits below s are not the exponent's
			}
			e[w*laneCount+l] = v
		}
	}
}

// verdicts finishes the strong test from y = 2^d mod n in every lane:
// further squarings, in the lanes, for as long as a lane is undecided.
func (b *laneBatch) verdicts(ns [][]uint64, pass []bool) {
	var decided [laneCount]bool
	longest := 0
	for l := range ns {
		switch {
		case b.isOne(l):
			pass[l], decided[l] = true, true
		case b.isMinusOne(l):
			pass[l], decided[l] = true, true
		default:
			longest = max(longest, b.s[l])
		}
	}
	for r := 1; r < longest; r++ {
		b.run(&b.zero[0], 1) // a square: the exponent bits are 0
		for l := range ns {
			if decided[l] || r >= b.s[l] {
				continue
			}
			if b.isMinusOne(l) {
				pass[l], decided[l] = true, true
			} else if b.isOne(l) {
				pass[l], decided[l] = false, true // 1 without −1 before it
			}
		}
	}
	for l := range ns {
		if !decided[l] {
			pass[l] = false
		}
	}
}

// isOne reports whether lane l's y is 1.
func (b *laneBatch) isOne(l int) bool {
	y := 2*b.k + 1
	if b.st[y*laneCount+l] != 1 {
		return false
	}
	for j := 1; j < b.k; j++ {
		if b.st[(y+j)*laneCount+l] != 0 {
			return false
		}
	}
	return true
}

// isMinusOne reports whether lane l's y is n−1: n is odd, so n−1 is n with
// its lowest limb one less.
func (b *laneBatch) isMinusOne(l int) bool {
	y, n := 2*b.k+1, b.k
	if b.st[y*laneCount+l] != b.st[n*laneCount+l]-1 {
		return false
	}
	for j := 1; j < b.k; j++ {
		if b.st[(y+j)*laneCount+l] != b.st[(n+j)*laneCount+l] {
			return false
		}
	}
	return true
}

// to52 sets dst to the 52-bit limbs of the number whose 64-bit limbs are
// src.
func to52(dst, src []uint64) {
	for j := range dst {
		dst[j] = bitsAt(src, 52*j) & limb52
	}
}

// bitsAt returns the 64 bits of n from bit pos up, zeros beyond its limbs;
// pos may be as low as −63, with zeros below bit 0.
func bitsAt(n []uint64, pos int) uint64 {
	if pos < 0 {
		return bitsAt(n, 0) << -pos
	}
	w, b := pos/64, pos%64
	if w >= len(n) {
		return 0
	}
	v := n[w] >> b
	if b > 0 && w+1 < len(n) {
		v |= n[w+1] << (64 - b)
	}
	return v
}

// pow2ModN sets r = 2^e mod n for n of 2 to 8 limbs, its top limb nonzero,
// and e at least bitLen(n)−1: from 2^(bitLen(n)−1), below n, up to 32
// doublings at a time, each batch reduced by a quotient estimated from the
// top 64 bits of x and of n (short by at most 2, see below), then
// corrected by subtractions. A doubling at a time, as rModN, costs more than
// the whole base-2 ladder's share of a lane when R is 2^28 or 2^68 above n.
func pow2ModN(r, n []uint64, e int) {
	w := len(n)
	var x [maxLimbs52]uint64 // w+1 limbs
	top := bitLen(n) - 1
	x[top/64] = 1 << (top % 64)
	lo := top + 1 - 64 // the top 64 bits of n and x start here
	nTop := bitsAt(n, lo)
	for left := e - top; left > 0; {
		c := min(left, 32)
		left -= c
		// q = ⌊xTop·2^c/(nTop+1)⌋ ≤ ⌊x·2^c/n⌋, and short of it by at most
		// 2: the truncations of x and n each cost less than one.
		xTop := bitsAt(x[:w], lo)
		var q uint64
		if nTop == ^uint64(0) {
			q = xTop >> (64 - c)
		} else {
			q, _ = bits.Div64(xTop>>(64-c), xTop<<c, nTop+1)
		}
		// x = x·2^c − q·n, in w+1 limbs.
		var shifted [maxLimbs52]uint64
		for j := w; j >= 0; j-- {
			v := x[j] << c
			if j > 0 {
				v |= x[j-1] >> (64 - c)
			}
			shifted[j] = v
		}
		var carry, borrow uint64
		for j := range w + 1 {
			var hi, lo uint64
			if j < w {
				hi, lo = bits.Mul64(q, n[j])
			}
			lo, cc := bits.Add64(lo, carry, 0)
			carry = hi + cc
			x[j], borrow = bits.Sub64(shifted[j], lo, borrow)
		}
		for !less(x[:w+1], n) {
			var b uint64
			for j := range w + 1 {
				var nj uint64
				if j < w {
					nj = n[j]
				}
				x[j], b = bits.Sub64(x[j], nj, b)
			}
		}
	}
	copy(r, x[:w])
}

// less reports whether x < n, x having one limb more than n.
func less(x, n []uint64) bool {
	if x[len(n)] != 0 {
		return false
	}
	for j := len(n) - 1; j >= 0; j-- {
		if x[j] != n[j] {
			return x[j] < n[j]
		}
	}
	return false
}

// hasSmallFactorForLanes is hasSmallFactor up to laneTrialBound.
func (t *trialTables) hasSmallFactorForLanes(n []uint64) bool {
	return t.hasFactorIn(n, t.forLanes[len(n)])
}

// lucasFixed is the Lucas half of bpsw2…bpsw8, with parameter p, for
// numbers that passed the base-2 test in the lanes.
func lucasFixed(n []uint64, p uint64) bool {
	switch len(n) {
	case 2:
		var m mod2
		m.init(n)
		return m.extraStrongLucas(n, p)
	case 3:
		var m mod3
		m.init(n)
		return m.extraStrongLucas(n, p)
	case 4:
		var m mod4
		m.init(n)
		return m.extraStrongLucas(n, p)
	case 5:
		var m mod5
		m.init(n)
		return m.extraStrongLucas(n, p)
	case 6:
		var m mod6
		m.init(n)
		return m.extraStrongLucas(n, p)
	case 7:
		var m mod7
		m.init(n)
		return m.extraStrongLucas(n, p)
	case 8:
		var m mod8
		m.init(n)
		return m.extraStrongLucas(n, p)
	}
	panic("bigprime: lucasFixed: unsupported size")
}

// laneGroup collects numbers of one class until they fill the lanes (16
// for the base-2 test at 3 limbs, two groups for the paired kernel; 8
// otherwise): those that passed trial division for the base-2 test, or
// those that passed it, with their parameters, for the Lucas test.
type laneGroup struct {
	count int
	limbs [2 * laneCount][maxLimbs52]uint64
	ns    [2 * laneCount][]uint64
	ps    [2 * laneCount]uint64
	index [2 * laneCount]int32
}

func (g *laneGroup) add(n []uint64, p uint64, i int32) {
	copy(g.limbs[g.count][:], n)
	g.ns[g.count] = g.limbs[g.count][:len(n)]
	g.ps[g.count] = p
	g.index[g.count] = i
	g.count++
}

// laneTester is the state of testBatch: per class (2 limbs; 3 and 4; 5
// to 8), the numbers waiting for the base-2 lanes and for the Lucas lanes.
type laneTester struct {
	base2, lucas [3]laneGroup
	b2, b2pair   laneBatch
	lu           lucasBatch
}

// base2Fill is how many numbers class c's base-2 group collects before a
// pass: two groups of eight for the paired kernel at 3 limbs (limbs52 of
// class 0), where one group leaves the IFMA units idle half the time.
func base2Fill(c int) int {
	if c == 0 {
		return 2 * laneCount
	}
	return laneCount
}

// laneChunk returns Test's chunk size for numbers of avg words: with
// IFMA and numbers the lanes take, large enough that a chunk's survivors
// of trial division fill the lanes (about one number in six survives, and
// one in fourteen of those is prime, at 256 bits), where Test's 64 numbers a
// chunk left most lanes of the Lucas test empty. At 5 to 8 words one
// number in 180 is prime: a chunk of 512 held about three, too few for a
// pass of the Lucas lanes or one that left most of its lanes empty.
func laneChunk(size, avg int) int {
	switch {
	case !haveIFMA || avg > maxLaneBits/64:
		return size
	case avg > 4:
		return max(size, wideLaneChunk)
	}
	return max(size, 512)
}

// wideLaneChunk is laneChunk's least chunk at 5 to 8 words: about 11
// primes. With two workers on 40,000 random 512-bit numbers it took the
// CPU time over that of one worker from +18% (chunks of 512) to +2%
// (+5% at 1024; whole processes, medians of 10 alternated runs).
const wideLaneChunk = 2048

// testBatch sets isPrime[i] for the numbers ns[i], i in idx, as
// ProbablyPrime would, with the probable-prime tests of numbers of 65 to
// 512 bits in the lanes when the CPU has IFMA.
func (t *Tester) testBatch(ns []*big.Int, idx []int32, isPrime []bool) {
	if !haveIFMA {
		for _, i := range idx {
			isPrime[i] = t.ProbablyPrime(ns[i])
		}
		return
	}
	t.testLanes(idx, isPrime, func(i int32) ([]uint64, bool) {
		n := ns[i]
		if n.Sign() <= 0 || n.IsUint64() || n.BitLen() > maxLaneBits {
			isPrime[i] = t.ProbablyPrime(n)
			return nil, false
		}
		return toLimbs(t.limbs[:0], n), true
	})
}

// testBatchLimbs is testBatch on numbers given as limbs, as
// ProbablyPrimeLimbs takes them.
func (t *Tester) testBatchLimbs(ns [][]uint64, idx []int32, isPrime []bool) {
	if !haveIFMA {
		for _, i := range idx {
			isPrime[i] = t.ProbablyPrimeLimbs(ns[i])
		}
		return
	}
	t.testLanes(idx, isPrime, func(i int32) ([]uint64, bool) {
		n := ns[i]
		if len(n) < 2 || len(n) > maxLaneBits/64 {
			isPrime[i] = t.ProbablyPrimeLimbs(n)
			return nil, false
		}
		return n, true
	})
}

// testLanes runs the numbers i of idx that number(i) gives (those it
// decides itself it reports false for) through trial division and the
// lanes. A number's limbs are copied into a lane group, so number may
// reuse its buffer.
func (t *Tester) testLanes(idx []int32, isPrime []bool, number func(i int32) ([]uint64, bool)) {
	if t.lanes == nil {
		t.lanes = new(laneTester)
	}
	lt := t.lanes
	for _, i := range idx {
		limbs, ok := number(i)
		if !ok {
			continue
		}
		if limbs[0]&1 == 0 || tablesFor(len(limbs)).hasSmallFactorForLanes(limbs) {
			isPrime[i] = false
			continue
		}
		// A class's lanes take numbers of several lengths, but each number
		// keeps its own length for the scalar steps.
		c := laneClass(len(limbs))
		lt.base2[c].add(limbs, 0, i)
		if lt.base2[c].count == base2Fill(c) {
			t.flushBase2(lt, c, isPrime)
		}
	}
	for c := range lt.base2 {
		if lt.base2[c].count > 0 {
			t.flushBase2(lt, c, isPrime)
		}
		if lt.lucas[c].count > 0 {
			t.flushLucas(lt, c, isPrime)
		}
	}
}

// flushBase2 runs the base-2 test on class c's waiting numbers and passes
// those that pass it, with their Lucas parameters, to the Lucas group.
func (t *Tester) flushBase2(lt *laneTester, c int, isPrime []bool) {
	g := &lt.base2[c]
	var pass [2 * laneCount]bool
	if g.count > laneCount {
		strongBase2Pair(&lt.b2, &lt.b2pair, g.ns[:laneCount], g.ns[laneCount:g.count], pass[:laneCount], pass[laneCount:g.count])
		t.laneGroups[0] += 2
		t.laneGroups[2]++
	} else {
		lt.b2.strongBase2(g.ns[:g.count], pass[:g.count])
		t.laneGroups[0]++
	}
	for l := range g.count {
		isPrime[g.index[l]] = false
		if !pass[l] {
			continue
		}
		p, ok := t.lp.parameter(g.ns[l])
		if !ok {
			continue // a square
		}
		lt.lucas[c].add(g.ns[l], p, g.index[l])
		if lt.lucas[c].count == laneCount {
			t.flushLucas(lt, c, isPrime)
		}
	}
	g.count = 0
}

// flushLucas runs the Lucas test on class c's waiting numbers: in the
// lanes, or one by one when they are too few to be worth a pass.
func (t *Tester) flushLucas(lt *laneTester, c int, isPrime []bool) {
	g := &lt.lucas[c]
	if g.count < lucasLaneFill {
		for l := range g.count {
			isPrime[g.index[l]] = lucasFixed(g.ns[l], g.ps[l])
		}
	} else {
		var pass [laneCount]bool
		lt.lu.extraStrongLucas(g.ns[:g.count], g.ps[:g.count], pass[:])
		t.laneGroups[1]++
		for l := range g.count {
			isPrime[g.index[l]] = pass[l]
		}
	}
	g.count = 0
}
