package sieve

import (
	"encoding/binary"
	"math"
	"math/bits"
	"sort"
	"sync"
	"unsafe"

	"github.com/corescale/corescale/cpu/prime"
)

const (
	// segBytes is the segment crossed by the small sieving primes: the
	// 32 KiB L1 data cache of the machine this was tuned on.
	segBytes = 32 << 10
	// smallMax bounds the primes crossed segment by segment: they hit each
	// segment at least once. Larger ones cross a whole task at once.
	smallMax = segBytes / 8
	// mediumMax bounds the sieving primes generated once per run and kept:
	// 295,000 primes, 4 bytes each, and a state per worker (12 bytes; up
	// to sortedMax two of 8, mprime). Larger ones are generated again for each task, so
	// that no range needs the 203 M primes below 2^32 in memory. At 2^24,
	// two workers sieving at 10^15 peaked at 65 MB (68 with two states).
	mediumMax = 1 << 22
	// sortedMax bounds the medium primes kept by wheel index (crossSorted),
	// which needs their states twice; those above, which cross an area a
	// few times at most, stay by residue class (crossClasses).
	sortedMax = 1 << 21
	// presieveMax is the largest prime of presieveGroups.
	presieveMax = 179
	// presieveStreams is how many patterns presieve ANDs.
	presieveStreams = 16
)

// presieveGroups are the primes crossed off by copying a pattern instead:
// the pattern of a group is the sieve of their multiples from 0, one period
// (their product, in bytes) long, with the first segment repeated after it
// so that a segment reads it in one piece. The patterns are ANDed together
// 32 bytes at a time (andPatterns): cheaper than crossing off one by one
// the 2.3 multiples of 23 to 59, or the 1.7 of 61 to 179, that each byte
// holds. Sixteen groups: two passes of eight streams in the assembly. The
// groups are balanced, their products 14,000 to 35,000 (354 KB in all,
// 866 KB with the repeated segments): the patterns are read again for
// every segment, and the groups by size ({7, 11, 13, 17, 19} alone was
// 323 KB; 1.25 MB in all) pushed the area the medium primes cross out of
// the L2 cache, 3% of a count at 10^12 (CPU time, paired runs).
var presieveGroups = [][]uint64{
	{7, 67, 71}, {11, 37, 73}, {13, 43, 61}, {17, 41, 47}, {19, 31, 59}, {23, 29, 53},
	{79, 179}, {83, 173}, {89, 167}, {97, 163}, {101, 157}, {103, 151}, {107, 149},
	{109, 139}, {113, 137}, {127, 131},
}

// patterns holds the pattern of each group, made on first use: 866 KB that
// a run of corescale that sieves nothing should not pay for.
var patterns = sync.OnceValue(func() [][]byte {
	var ps [][]byte
	for _, g := range presieveGroups {
		ps = append(ps, makePattern(g))
	}
	return ps
})

// makePattern builds the group's pattern one prime at a time: the pattern
// of the primes so far, L bytes long, is tiled q times by doubling copies
// and ANDed with q's own pattern, tiled the same way, 8 bytes at a time.
// Crossing off the multiples one by one through the whole period took
// 3.5 ms of every run; this is a few copies of the period.
func makePattern(ps []uint64) []byte {
	n := 1
	for _, q := range ps {
		n *= int(q)
	}
	p := make([]byte, n+segBytes)
	tile := make([]byte, n)
	p[0] = 0xff
	l := 1
	for _, q := range ps {
		for i := range q {
			tile[i] = 0xff
		}
		for m := q; m < 30*q; m += 2 * q {
			if t := bitOf[m%30]; t != 0xff {
				tile[m/30] &^= 1 << t
			}
		}
		nl := l * int(q)
		repeat(p[:nl], l)
		repeat(tile[:nl], int(q))
		i := 0
		for ; i+8 <= nl; i += 8 {
			binary.LittleEndian.PutUint64(p[i:], le64(p[i:])&le64(tile[i:]))
		}
		for ; i < nl; i++ {
			p[i] &= tile[i]
		}
		l = nl
	}
	for i := n; i < len(p); i += n {
		copy(p[i:], p[i-n:i]) // in periods: one may be shorter than the tail
	}
	return p
}

// repeat fills b with copies of its first l bytes.
func repeat(b []byte, l int) {
	for ; l < len(b); l *= 2 {
		copy(b[l:], b[:l])
	}
}

// presieve fills seg, from wheel byte j0, with the numbers that have no
// prime factor up to presieveMax, and the primes up to it.
func presieve(seg []byte, j0 uint64) {
	var src [presieveStreams]*byte
	pats := patterns()
	for g, p := range pats {
		src[g] = &p[j0%uint64(len(p)-segBytes)]
	}
	n := len(seg)
	done := 0
	if haveAVX2 {
		done = n &^ 31
		if done > 0 {
			andPatterns(&seg[0], &src, done)
		}
	}
	// Without the assembly (other CPUs, purego), and for the tail: 8 bytes
	// at a time, then bytes.
	i := done
	for ; i+8 <= n; i += 8 {
		x := ^uint64(0)
		for _, s := range src {
			x &= le64(unsafe.Slice((*byte)(unsafe.Add(unsafe.Pointer(s), i)), 8))
		}
		binary.LittleEndian.PutUint64(seg[i:], x)
	}
	for ; i < n; i++ {
		x := byte(0xff)
		for _, s := range src {
			x &= *(*byte)(unsafe.Add(unsafe.Pointer(s), i))
		}
		seg[i] = x
	}
	// The patterns crossed off their own primes, and 1 is not prime.
	for j := j0; j < uint64(len(presievePrimeBits)) && j < j0+uint64(n); j++ {
		seg[j-j0] |= presievePrimeBits[j]
		if j == 0 {
			seg[0] &^= 1
		}
	}
}

// presievePrimeBits are the presieved primes' bits in bytes 0 to 5.
var presievePrimeBits [presieveMax/30 + 1]byte

// basePrimes are the primes from 7 to 65521: every sieving prime of a range
// below 2^32.
var basePrimes = sync.OnceValue(func() []uint32 {
	const n = 1 << 16
	composite := make([]bool, n)
	var ps []uint32
	for i := 2; i < n; i++ {
		if composite[i] {
			continue
		}
		if i >= 7 {
			ps = append(ps, uint32(i))
		}
		for j := i * i; j < n; j += i {
			composite[j] = true
		}
	}
	return ps
})

// sprime is a sieving prime p = 30k + wheel[wi>>3] with its next multiple:
// byte idx of the area being crossed, and wheel index wi&7 of its cofactor.
type sprime struct {
	k   uint32
	idx uint32
	wi  uint8
}

// mprime is a medium sieving prime's state in crossSorted's lists: the list
// it is in holds the wheel index, so that each crossing area reads and
// writes 8 bytes a prime rather than sprime's 12.
type mprime struct {
	k, idx uint32
}

// start returns the state of sieving prime p over an area of n bytes from
// byte j0: its first multiple p·q ≥ max(p², 30·j0) with q coprime to 30. A
// multiple past the area gets idx n (or more), which no crossing reaches.
func start(p, j0 uint64, n int) sprime {
	s := max(p*p, 30*j0)
	q := s / p
	if q*p != s {
		q++
	}
	j, t := q/30, uint64(firstT[q%30])
	i := uint64(bitOf[p%30])
	k := p / 30
	// The byte of p·(30j + wheel[t]); it is at least j0 since p·q ≥ 30·j0.
	b := p*j + k*wheel[t] + p%30*wheel[t]/30
	// Not capped at n: a worker that goes on to the next task keeps the
	// states, which must then be exact. A sieving prime is at most the
	// square root of the task's top, so its first multiple lies at most
	// p/5 bytes past the task; the cap only keeps a larger p in 32 bits.
	rel := min(b-j0, 1<<31)
	return sprime{k: uint32(k), idx: uint32(rel), wi: uint8(8*i + t)}
}

// cross crosses off the multiples of ps in s, and leaves each state at its
// first multiple past s, counted from s's end.
func cross(s []byte, ps []sprime) {
	n := uint32(len(s))
	for i := range ps {
		p := &ps[i]
		idx, wi, k := p.idx, p.wi, p.k
		for idx < n {
			s[idx] &= mask[wi]
			idx += k*dq[wi&7] + dc[wi]
			wi = wi&^7 | (wi+1)&7
		}
		p.idx, p.wi = idx-n, wi
	}
}

// A plan is one run over [a, b]: bytes j0 to j1 of the wheel, sieved by
// the primes up to limit, in tasks of taskBytes.
type plan struct {
	a, b      uint64
	limit     uint64
	j0, j1    uint64
	taskBytes int
	primes    []uint32 // the sieving primes from 7 to min(limit, mediumMax)
	// poolBlocks is each worker's pool of bucket blocks (poolBlocks).
	poolBlocks int
}

func newPlan(a, b, limit uint64, taskBytes int) *plan {
	pl := &plan{a: a, b: b, limit: limit, j0: a / 30, j1: b / 30, taskBytes: taskBytes, poolBlocks: bucketPool}
	top := min(limit, mediumMax)
	if top < 1<<16 {
		for _, p := range basePrimes() {
			if uint64(p) > top {
				break
			}
			pl.primes = append(pl.primes, p)
		}
	} else {
		// Sized once, from Dusart's bound π(x) < x/ln x·(1 + 1.2762/ln x):
		// growing by append would leave the old copies to the collector.
		lx := math.Log(float64(top))
		pl.primes = make([]uint32, 0, int(float64(top)/lx*(1+1.2762/lx))+1)
		pl.primes = append(pl.primes, basePrimes()...)
		generate(1<<16, top, func(p uint64) { pl.primes = append(pl.primes, uint32(p)) })
	}
	return pl
}

// tasks returns how many tasks the plan has.
func (pl *plan) tasks() int {
	n := pl.j1 - pl.j0 + 1
	return int((n + uint64(pl.taskBytes) - 1) / uint64(pl.taskBytes))
}

// worker holds what one goroutine reuses from task to task.
type worker struct {
	buf   []byte
	small [8][]sprime // by residue class, for crossClasses
	// medium holds the primes above smallMax by the wheel index of their
	// next multiple (see crossSorted), mediumNext their states after an
	// area; upper those above sortedMax, by residue class.
	medium, mediumNext [64][]mprime
	upper              [8][]sprime
	gen                *worker // generates the primes above mediumMax
	hits               buckets // their hits on a task
	// The states above are those of plan at at the start of its task
	// atTask, for its primes before started: a worker that sieves the
	// next task goes on with them, rather than start every prime again
	// (a division each, 1% of a count at 10^12 per task).
	at      *plan
	atTask  int
	started int
	starts  int // how many times the states were started anew, for tests
	nums    []uint64
	batch   []uint32    // a batch of large primes (generateBatches)
	states  largeStates // the states of those that hit the task
	verd    []bool
}

// areaBytes is what the medium primes cross at once: the L2 cache.
const areaBytes = 1 << 20

// areaSize returns the size of the areas a task of n bytes is crossed in:
// at most areaBytes, and all of about one size (the last a few bytes
// shorter), because each area costs a pass over every medium prime whatever
// its size, and a last area of a few bytes would pay that for nothing.
func areaSize(n int) int {
	areas := (n + areaBytes - 1) / areaBytes
	return min(((n+areas-1)/areas+63)&^63, areaBytes)
}

// sieve sieves task i area by area and calls f with the block of each, in
// order. Numbers with no prime factor up to the limit stay set; when the
// limit is below the square root of a block's top, those are tested by
// Baillie–PSW, so that the block holds exactly the primes either way. With
// keep set, the areas lie side by side in w.buf, so that every block stays
// valid until the next task; otherwise each reuses the first area's memory.
func (pl *plan) sieve(w *worker, i int, keep bool, f func(*Block)) {
	tj0 := pl.j0 + uint64(i)*uint64(pl.taskBytes)
	n := int(min(uint64(pl.taskBytes), pl.j1-tj0+1))
	hi := pl.b
	if tj := tj0 + uint64(n) - 1; tj < pl.j1 {
		hi = 30*tj + 29
	}
	lim := min(pl.limit, isqrt(hi))
	// The large primes are generated once per task, and their hits go
	// through buckets into the whole task, which stays in memory.
	large := lim > mediumMax
	area := areaSize(n)
	size := min(area, n)
	if keep || large {
		size = n
	}
	if cap(w.buf) < size+3 {
		w.buf = make([]byte, size, size+3) // crossClasses writes 32 bits at a time
	}

	// The sieving primes start once per task, a division each, unless the
	// worker's states are this plan's at this task: then only the primes
	// that the task's larger square root adds.
	sorted := sort.Search(len(pl.primes), func(i int) bool { return pl.primes[i] > sortedMax })
	first := 0
	if w.at == pl && w.atTask == i {
		first = w.started
	} else {
		w.starts++
		w.clearStates(len(pl.primes), sorted)
	}
	w.at = nil
	started := first
	for ; started < len(pl.primes); started++ {
		p := uint64(pl.primes[started])
		if p > lim {
			break
		}
		if p <= presieveMax {
			continue
		}
		st := start(p, tj0, n)
		switch c := bitOf[p%30]; {
		case p <= smallMax:
			w.small[c] = append(w.small[c], st)
		case p <= sortedMax:
			w.medium[st.wi] = append(w.medium[st.wi], mprime{k: st.k, idx: st.idx})
		default:
			w.upper[c] = append(w.upper[c], st)
		}
	}
	pl.crossTask(w, tj0, n, lim, keep, f)
	w.at, w.atTask, w.started = pl, i+1, started
}

// clearStates empties w's lists of states, made to hold the primes of a
// plan with np sieving primes, sorted of them up to sortedMax.
func (w *worker) clearStates(np, sorted int) {
	for c := range w.small {
		w.small[c], w.upper[c] = w.small[c][:0], w.upper[c][:0]
		if up := np - sorted; cap(w.upper[c]) == 0 && up > 0 {
			// The classes hold about an eighth each: start there rather
			// than grow by append, which leaves garbage of the same size.
			w.upper[c] = make([]sprime, 0, up/8+up/64+64)
		}
	}
	for wi := range w.medium {
		w.medium[wi], w.mediumNext[wi] = w.medium[wi][:0], w.mediumNext[wi][:0]
		if cap(w.medium[wi]) == 0 && sorted > 1<<16 {
			// Each wheel index holds about a 64th, as above.
			m := sorted/64 + sorted/512 + 64
			w.medium[wi], w.mediumNext[wi] = make([]mprime, 0, m), make([]mprime, 0, m)
		}
	}
}

// crossTask crosses the task of n bytes from byte tj0 with w's states,
// area by area, and calls f with the block of each (see sieve).
func (pl *plan) crossTask(w *worker, tj0 uint64, n int, lim uint64, keep bool, f func(*Block)) {
	large := lim > mediumMax
	area := areaSize(n)
	for aoff := 0; aoff < n; aoff += area {
		an := min(area, n-aoff)
		buf := w.buf[:an]
		if keep || large {
			buf = w.buf[aoff : aoff+an]
		}
		aj0 := tj0 + uint64(aoff)
		for off := 0; off < an; off += segBytes {
			seg := buf[off:min(off+segBytes, an)]
			presieve(seg, aj0+uint64(off))
			crossClasses(seg, &w.small)
		}
		crossSorted(buf, &w.medium, &w.mediumNext)
		w.medium, w.mediumNext = w.mediumNext, w.medium
		crossClasses(buf, &w.upper)
		if !large {
			pl.finish(w, buf, aj0, lim, f)
		}
	}
	if !large {
		return
	}
	if w.gen == nil {
		w.gen = new(worker)
	}
	task := w.buf[:n]
	w.hits.reset(task, pl.poolBlocks)
	w.gen.generateBatches(mediumMax+1, lim, func(ps []uint32) {
		w.states.starts(ps, tj0, n)
		w.hits.addStates(&w.states)
	})
	w.hits.apply()
	for aoff := 0; aoff < n; aoff += area {
		an := min(area, n-aoff)
		pl.finish(w, task[aoff:aoff+an], tj0+uint64(aoff), lim, f)
	}
}

// finish clears the numbers outside [a, b] in the crossed area buf from
// byte aj0, tests the survivors when the limit is below the square root
// of its top, and calls f with its block.
func (pl *plan) finish(w *worker, buf []byte, aj0, lim uint64, f func(*Block)) {
	an := len(buf)
	if aj0 == pl.j0 {
		for t := range 8 {
			if 30*aj0+wheel[t] < pl.a {
				buf[0] &^= 1 << t
			}
		}
	}
	ahi := pl.b
	if aj0+uint64(an)-1 == pl.j1 {
		for t := range 8 {
			if wheel[t] > pl.b%30 {
				buf[an-1] &^= 1 << t
			}
		}
	} else {
		ahi = 30*(aj0+uint64(an)-1) + 29
	}
	blk := Block{Lo: max(pl.a, 30*aj0), Hi: ahi, j0: aj0, bits: buf}
	if lim < isqrt(ahi) {
		pl.verify(w, &blk)
	}
	f(&blk)
}

// verify clears the composites among the set bits of blk: numbers with no
// prime factor up to the limit, which Baillie–PSW decides exactly. They go
// to prime.TestSurvivors, which skips the trial division they cannot fail;
// a composite's bit is found again from the number, so that nothing but the
// numbers is gathered. The bits are read 64 at a time: a byte at a time,
// gathering took 5% of the hybrid at 10^18.
func (pl *plan) verify(w *worker, blk *Block) {
	const batch = 4096
	if len(w.nums) < batch {
		w.nums, w.verd = make([]uint64, batch), make([]bool, batch)
	}
	nums := w.nums[:batch]
	k := 0
	flush := func() {
		verd := w.verd[:k]
		prime.TestSurvivors(nums[:k], verd)
		for i, ok := range verd {
			if !ok {
				n := nums[i]
				blk.bits[n/30-blk.j0] &^= 1 << bitOf[n%30]
			}
		}
		k = 0
	}
	base := 30 * blk.j0
	j := 0
	for ; j+8 <= len(blk.bits); j += 8 {
		x := binary.LittleEndian.Uint64(blk.bits[j:])
		for x != 0 {
			t := bits.TrailingZeros64(x)
			x &= x - 1
			nums[k] = base + 30*uint64(j+t>>3) + wheel[t&7]
			if k++; k == batch {
				flush()
			}
		}
	}
	for ; j < len(blk.bits); j++ {
		for x := blk.bits[j]; x != 0; x &= x - 1 {
			t := trailing8(x)
			nums[k] = base + 30*uint64(j) + wheel[t]
			if k++; k == batch {
				flush()
			}
		}
	}
	if k > 0 {
		flush()
	}
}

// generate calls f with each prime from lo to hi, in order; hi < 2^32.
func generate(lo, hi uint64, f func(p uint64)) {
	var w worker
	w.generate(lo, hi, f)
}

// generate is generate on w's buffers: a task above mediumMax generates its
// large primes again, and new buffers each time were garbage enough to
// take two workers at 10^15 to 69 MB.
func (w *worker) generate(lo, hi uint64, f func(p uint64)) {
	if hi < lo {
		return
	}
	pl := newPlan(lo, hi, isqrt(hi), segBytes*8)
	for i := range pl.tasks() {
		pl.sieve(w, i, false, func(blk *Block) { blk.each(f) })
	}
}
