package sieve

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/corescale/corescale/cpu/prime"
)

var methods = []Method{Sieve, Hybrid, Test}

// checkRange checks the primes of [a, b] under every method against
// prime.IsPrime, number by number.
func checkRange(t *testing.T, a, b uint64, o Options, ms ...Method) {
	t.Helper()
	if len(ms) == 0 {
		ms = methods
	}
	var want []uint64
	for n := a; ; n++ {
		if prime.IsPrime(n) {
			want = append(want, n)
		}
		if n == b {
			break
		}
	}
	for _, m := range ms {
		o.Method = m
		got := Primes(a, b, o)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("[%d, %d] %s, %d workers: %d primes %v, want %d %v", a, b, m, o.Workers, len(got), head(got), len(want), head(want))
		}
		if c := Count(a, b, o); c != uint64(len(want)) {
			t.Errorf("Count [%d, %d] %s: %d, want %d", a, b, m, c, len(want))
		}
	}
}

func head(s []uint64) []uint64 { return s[:min(len(s), 8)] }

func TestSmallRanges(t *testing.T) {
	for a := uint64(0); a < 40; a++ {
		for b := a; b < 70; b++ {
			checkRange(t, a, b, Options{Workers: 1})
		}
	}
}

// Ranges whose ends are primes, squares of primes (the first multiple a
// sieving prime crosses off), and the edges of segments and tasks.
func TestEdges(t *testing.T) {
	seg := uint64(30 * segBytes)
	task := uint64(30 * (1 << 20))
	var cases [][2]uint64
	// The last primes of each kind and the first of the next: small (up
	// to smallMax), sorted (sortedMax), upper (mediumMax), generated again.
	for _, p := range []uint64{7, 11, 19, 23, 29, 31, 97, 181, 4093, 4099, 65521, 65537, 1000003, 999983, 2097143, 2097169, 4194301, 4194319} {
		sq := p * p
		cases = append(cases, [2]uint64{sq - 1, sq + 1}, [2]uint64{sq, sq}, [2]uint64{sq - min(sq, 60), sq}, [2]uint64{sq, sq + 60}, [2]uint64{p, p}, [2]uint64{p, p + 100}, [2]uint64{p - min(p, 100), p})
	}
	for _, e := range []uint64{seg, 2 * seg, task, 2 * task, 3 * task} {
		cases = append(cases, [2]uint64{e - 1000, e + 1000}, [2]uint64{e, e}, [2]uint64{e - 1, e - 1}, [2]uint64{e - 31, e + 29})
	}
	for _, c := range cases {
		for _, w := range []int{1, 3} {
			checkRange(t, c[0], c[1], Options{Workers: w})
		}
	}
}

// Many small tasks on several workers still come out in order.
func TestManyTasks(t *testing.T) {
	taskOverride = 64
	defer func() { taskOverride = 0 }()
	for _, w := range []int{1, 2, 5} {
		checkRange(t, 1e9, 1e9+200000, Options{Workers: w})
	}
}

// A worker that sieves the next task goes on with its states, and starts
// only the primes that the task's larger square root adds: the counts stay
// exact from 0, where the square root grows fastest, and the states are
// started once for a run of tasks, again after a task skipped.
func TestTasksGoOn(t *testing.T) {
	taskOverride = 64
	for _, w := range []int{1, 3} {
		checkRange(t, 0, 300000, Options{Workers: w}, Sieve)
		checkRange(t, 1e12, 1e12+30000, Options{Workers: w}, Sieve)
	}
	taskOverride = 0
	const a, b = 1e12, 1e12 + 1e6
	var want uint64
	for n := uint64(a); n <= b; n++ {
		if prime.IsPrime(n) {
			want++
		}
	}
	pl := newPlan(a, b, isqrt(b), 1000)
	var w worker
	var got uint64
	for i := range pl.tasks() {
		pl.sieve(&w, i, false, func(blk *Block) { got += blk.Count() })
	}
	if w.starts != 1 || got != want {
		t.Errorf("[%d, %d] in %d tasks: %d primes, want %d; states started %d times, want once", uint64(a), uint64(b), pl.tasks(), got, want, w.starts)
	}
	var w2 worker
	for _, i := range []int{0, 1, 3, 4} {
		pl.sieve(&w2, i, false, func(*Block) {})
	}
	if w2.starts != 2 {
		t.Errorf("tasks 0, 1, 3, 4: states started %d times, want twice", w2.starts)
	}
}

// Near 2^64 the last byte of the wheel runs past 2^64 - 1.
func TestTop(t *testing.T) {
	const top = math.MaxUint64
	for _, n := range []uint64{1, 2, 30, 59, 60, 61, 1000, 100000} {
		checkRange(t, top-n+1, top, Options{Workers: 2}, Hybrid, Test)
	}
	checkRange(t, top-59, top-59, Options{Workers: 1}, Hybrid, Test)
	if !short() {
		// The sieve generates the 203 M primes below 2^32 here.
		checkRange(t, top-100, top, Options{Workers: 2}, Sieve)
	}
}

// Random windows at every height: each listed prime, and each number left
// out, as Baillie–PSW decides it.
func TestRandomWindows(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 40 {
		bits := 2 + rng.IntN(63)
		a := rng.Uint64() >> (64 - bits)
		n := rng.Uint64N(3000)
		b := a + n
		if b < a {
			b = math.MaxUint64
		}
		ms := methods
		if bits > 52 {
			ms = []Method{Hybrid, Test} // the sieve's own test is TestTop
		}
		checkRange(t, a, b, Options{Workers: 1 + rng.IntN(3)}, ms...)
	}
}

// π(10^k), published (OEIS A006880).
var piPowers = []uint64{0, 4, 25, 168, 1229, 9592, 78498, 664579, 5761455, 50847534, 455052511, 4118054813, 37607912018}

func TestPi(t *testing.T) {
	top := 9
	switch {
	case os.Getenv("CORESCALE_SIEVE_LONG") != "":
		// π(10^12) sieves 10^12 numbers: 305 s of this test on the shared
		// 2-core machine it was written on (~220 CPU-s, two workers), and
		// far past go test's 10 minutes under -race.
		top = 12
	case !short():
		top = 10
	}
	x := uint64(1)
	for k := 0; k <= top; k++ {
		if got := Count(0, x, Options{}); got != piPowers[k] {
			t.Errorf("π(10^%d) = %d, want %d", k, got, piPowers[k])
		}
		x *= 10
	}
}

// primesieveCount runs primesieve A B --count, which is exact.
func primesieveCount(t *testing.T, a, b uint64) uint64 {
	t.Helper()
	path, err := exec.LookPath("primesieve")
	if err != nil {
		t.Skip("primesieve not installed")
	}
	out, err := exec.Command(path, strconv.FormatUint(a, 10), strconv.FormatUint(b, 10), "--count", "--quiet").Output()
	if err != nil {
		t.Fatalf("primesieve %d %d: %v", a, b, err)
	}
	n, err := strconv.ParseUint(strings.TrimSpace(string(out)), 10, 64)
	if err != nil {
		t.Fatalf("primesieve %d %d: %q: %v", a, b, out, err)
	}
	return n
}

func TestCountsAgainstPrimesieve(t *testing.T) {
	const top = math.MaxUint64
	e12, e18 := uint64(1e12), uint64(1e18)
	cases := []struct {
		a, b    uint64
		methods []Method
	}{
		{0, 1e7, methods},
		{1e6, 1e6 + 3e6, methods},
		{1e7, 1e7 + 3e7, []Method{Auto, Sieve}},
		{e12, e12 + 1e8, []Method{Auto, Sieve, Hybrid}},
		{e12 - 1e6, e12 + 1e6, methods},
		{1e15, 1e15 + 3e7, []Method{Auto, Sieve, Hybrid}}, // auto sieves (see TestChooseByCost)
		{e18, e18 + 1e7, []Method{Auto, Hybrid}},
		{e18 - 1e5, e18 + 1e5, methods},
		{top - 1e7, top, []Method{Auto, Hybrid}},
		{top - 1e5, top, methods},
		{top - 1e4, top, []Method{Sieve}}, // the buckets near 2^64
	}
	if short() {
		cases = cases[:2]
	}
	for _, c := range cases {
		want := primesieveCount(t, c.a, c.b)
		for _, m := range c.methods {
			for _, w := range []int{1, 2} {
				if got := Count(c.a, c.b, Options{Method: m, Workers: w}); got != want {
					t.Errorf("Count(%d, %d) %s %d workers = %d, primesieve says %d", c.a, c.b, m, w, got, want)
				}
			}
		}
	}
}

// FuzzRange checks short ranges anywhere against Baillie–PSW number by
// number.
func FuzzRange(f *testing.F) {
	f.Add(uint64(0), uint16(100), uint8(0))
	f.Add(uint64(1e12), uint16(3000), uint8(1))
	f.Add(uint64(math.MaxUint64-500), uint16(600), uint8(2))
	f.Add(uint64(30*segBytes-7), uint16(50), uint8(0))
	f.Fuzz(func(t *testing.T, a uint64, n uint16, m uint8) {
		b := a + uint64(n)
		if b < a {
			b = math.MaxUint64
		}
		o := Options{Method: methods[int(m)%len(methods)], Workers: 1 + int(m>>2)%3}
		if o.Method == Sieve && b > 1<<52 {
			o.Method = Hybrid // a sieve up to 2^26 per case would slow fuzzing to a crawl
		}
		got := Primes(a, b, o)
		i := 0
		for x := a; ; x++ {
			isP := i < len(got) && got[i] == x
			if isP {
				i++
			}
			if isP != prime.IsPrime(x) {
				t.Fatalf("[%d, %d] %s: %d listed %v, Baillie-PSW says %v", a, b, o.Method, x, isP, !isP)
			}
			if x == b {
				break
			}
		}
		if i != len(got) {
			t.Fatalf("[%d, %d] %s: %d numbers listed outside the range", a, b, o.Method, len(got)-i)
		}
	})
}

// Pieces of a block hold its primes, in order, and cover it exactly.
func TestPieces(t *testing.T) {
	for _, r := range [][2]uint64{{0, 100000}, {1000, 1030}, {999999, 1234567}} {
		want := Primes(r[0], r[1], Options{Workers: 1})
		var got []uint64
		next := r[0]
		Scan(r[0], r[1], Options{Workers: 1}, func(b *Block) error {
			return b.Pieces(7, func(p *Block) error {
				if p.Lo != next || p.Hi < p.Lo {
					t.Errorf("[%d, %d]: piece [%d, %d] after %d", r[0], r[1], p.Lo, p.Hi, next)
				}
				next = p.Hi + 1
				got = p.AppendPrimes(got)
				return nil
			})
		})
		if next != r[1]+1 || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("[%d, %d]: pieces end at %d, hold %d primes, want %d", r[0], r[1], next-1, len(got), len(want))
		}
	}
}

// A short range still gives every worker a task.
func TestShortRangeSplit(t *testing.T) {
	for _, r := range [][2]uint64{{1e12, 1e12 + 1e7}, {1e18, 1e18 + 1e7}, {0, 3e6}} {
		for _, w := range []int{2, 3, 8} {
			c := Choose(r[0], r[1], Options{})
			tb := uint64(taskBytes(r[0], r[1], c, w, 64<<20))
			total := r[1]/30 - r[0]/30 + 1
			if tasks := (total + tb - 1) / tb; tasks < uint64(w) {
				t.Errorf("[%d, %d], %d workers: %d tasks of %d bytes", r[0], r[1], w, tasks, tb)
			}
		}
	}
}

// The tasks are of one size and a multiple of the workers in number, so
// that the workers finish together: [1e12, +1e9] on two workers was three
// tasks of 9 MiB and one of 4.7.
func TestTasksBalanced(t *testing.T) {
	for _, r := range [][2]uint64{{1e12, 1e12 + 1e9}, {1e12, 1e12 + 3e9}, {0, 1e11}, {1e15, 1e15 + 2e9}, {1e12, 1e12 + 1e7}} {
		for _, w := range []int{1, 2, 3, 4} {
			for _, most := range []int{4 << 20, 64 << 20} {
				c := Choose(r[0], r[1], Options{Method: Sieve})
				tb := uint64(taskBytes(r[0], r[1], c, w, most))
				total := r[1]/30 - r[0]/30 + 1
				tasks := (total + tb - 1) / tb
				last := total - (tasks-1)*tb
				if tasks%uint64(w) != 0 || last+8*tasks < tb || tb > uint64(most) {
					t.Errorf("[%d, %d], %d workers, tasks of at most %d: %d tasks of %d bytes, the last %d", r[0], r[1], w, most, tasks, tb, last)
				}
			}
		}
	}
}

// One worker sieves [2^64 − 10^9, 2^64 − 1] in one task, whose large
// primes (the 203 M below 2^32) cost more than its numbers: two tasks
// generated and started them twice (2.45 s against 1.57). A lean run
// (Options.Lean), more workers, and ranges whose large primes are few
// keep tasks of largeTaskBytes, shared.
func TestLargeTaskBudget(t *testing.T) {
	for _, c := range []struct {
		a, b    uint64
		workers int
		lean    bool
		most    uint64 // the largest task allowed
	}{
		{math.MaxUint64 - 1e9 + 1, math.MaxUint64, 1, false, 2 * largeTaskBytes},
		{math.MaxUint64 - 3e9 + 1, math.MaxUint64, 1, false, 2 * largeTaskBytes},
		{math.MaxUint64 - 1e10 + 1, math.MaxUint64, 1, false, 2 * largeTaskBytes},
		{math.MaxUint64 - 1e9 + 1, math.MaxUint64, 1, true, largeTaskBytes},
		{math.MaxUint64 - 1e9 + 1, math.MaxUint64, 2, false, (largeTaskBytes - 4<<20) / 2}, // the budget shared
		{1e15, 1e15 + 1e9, 1, false, largeTaskBytes},
	} {
		ch := Choice{Method: Sieve, Limit: isqrt(c.b), lean: c.lean}
		tb := uint64(taskBytes(c.a, c.b, ch, c.workers, 64<<20))
		total := c.b/30 - c.a/30 + 1
		if tb > c.most || (c.most > largeTaskBytes && (total+tb-1)/tb > (total+c.most-1)/c.most) {
			t.Errorf("[%d, %d] on %d workers (lean %v): tasks of %d bytes, want the fewest of at most %d", c.a, c.b, c.workers, c.lean, tb, c.most)
		}
	}
	if got := Choose(math.MaxUint64-1e9+1, math.MaxUint64, Options{Workers: 1, Lean: true}); !got.lean {
		t.Errorf("Choose drops Options.Lean")
	}
}

// short reports whether the long checks are left out: with -short, and
// under the race detector, which slows the sieve ~10x (the full run of
// this package took over 12 minutes under it on a busy 2-core machine).
func short() bool { return testing.Short() || raceEnabled }

// Past the square roots the sieve keeps, Auto weighs the sieve's
// regeneration of the large primes per task against Baillie–PSW per
// survivor: with AVX-512's starts the sieve was faster at a length of 10^8
// from 10^15 to 10^18 (0.26 CPU s against 0.58 at 10^18, one worker) and
// at 10^9 near 2^64 (2.4 against 5.4); the hybrid wins on a range far
// shorter than the square root (near 2^64 at 10^8: 0.58 against 0.87).
// Near 2^64 at 10^9 on two workers, whose tasks, a third the size,
// generate the primes three times as often, the two were even (5.4 and
// 5.5 CPU s), and are left out.
func TestChooseByCost(t *testing.T) {
	top := uint64(math.MaxUint64 - 1e9 + 1)
	for _, c := range []struct {
		a, n    uint64
		workers int
		want    Method
	}{
		{1e15, 1e8, 1, Sieve}, {1e16, 1e8, 1, Sieve}, {1e17, 1e8, 1, Sieve}, {1e17, 1e8, 2, Sieve},
		{1e16, 1e6, 1, Hybrid}, {1e16, 1e6, 2, Hybrid}, {top, 1e9 - 1, 1, Sieve},
		{math.MaxUint64 - 1e8 + 1, 1e8 - 1, 1, Hybrid},
	} {
		if got := Choose(c.a, c.a+c.n, Options{Workers: c.workers}); got.Method != c.want {
			t.Errorf("[%d, +%d] on %d workers: %s (%s), want %s", c.a, c.n, c.workers, got.Method, got.Why, c.want)
		}
	}
	// Without AVX-512 each start is a division: at 10^18 the two are
	// about even.
	if haveAVX512 {
		if got := Choose(1e18, 1e18+1e8, Options{Workers: 1}); got.Method != Sieve {
			t.Errorf("[10^18, +10^8] on 1 worker: %s (%s), want %s", got.Method, got.Why, Sieve)
		}
	}
}

// TestChooseWorkers: past mediumMax the sieve takes fewer workers than
// asked when each more would generate the large primes again for more
// than it saves (near 2^64, where the hybrid and the sieve on two workers
// were even and one worker's sieve was twice as fast), and all of them
// when the range is long next to its square root.
func TestChooseWorkers(t *testing.T) {
	top := uint64(math.MaxUint64 - 1e9 + 1)
	for _, c := range []struct {
		a, n          uint64
		method        Method
		asked, wanted int // wanted 0: all that were asked
	}{
		{top, 1e9 - 1, Sieve, 2, 1},
		{top, 1e9 - 1, Sieve, 8, 1},
		{top, 1e9 - 1, Sieve, 1, 0},
		{1e12, 1e9, Sieve, 2, 0}, // below mediumMax: no large primes
		{1e15, 1e10, Sieve, 2, 2},
	} {
		got := Choose(c.a, c.a+c.n, Options{Workers: c.asked, Method: c.method})
		if got.Workers != c.wanted {
			t.Errorf("[%d, +%d] on %d workers: the sieve takes %d (%s), want %d", c.a, c.n, c.asked, got.Workers, got.Why, c.wanted)
		}
		if c.wanted > 0 && c.wanted < c.asked && !strings.Contains(got.Why, fmt.Sprintf("on %d of the %d workers", c.wanted, c.asked)) {
			t.Errorf("[%d, +%d]: the reason %q does not say the sieve takes %d of %d workers", c.a, c.n, got.Why, c.wanted, c.asked)
		}
	}
}

// Auto weighs the sieve on the workers it would take against the hybrid
// on all of them, in wall time: on three workers near 2^64 it weighed the
// sieve's CPU seconds on three (tasks a third as large) against the
// hybrid's, and took the hybrid where the sieve on one worker is faster.
// The sieve's rows hold with AVX-512's starts (costLarge); without them
// the hybrid wins those ranges.
func TestChooseInWallTime(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	top := uint64(math.MaxUint64 - 1e9 + 1)
	for _, c := range []struct {
		a, b    uint64
		workers int
		procs   int // GOMAXPROCS: the hybrid's wall time is over min(workers, procs)
		want    Method
		avx512  bool // the expectation needs AVX-512's costs
	}{
		{top, math.MaxUint64, 1, 16, Sieve, true},
		{top, math.MaxUint64, 3, 16, Sieve, true},
		{top, math.MaxUint64, 16, 16, Hybrid, false}, // the survivors shared by 16
		{top, math.MaxUint64, 16, 2, Sieve, true},    // but 16 workers on 2 cores
		{math.MaxUint64 - 1e8 + 1, math.MaxUint64, 1, 16, Hybrid, false},
		{1e18, 1e18 + 1e8, 2, 16, Sieve, true},
		// A near tie (0.60 s against 0.57) goes to the sieve on 1 worker,
		// which leaves the other core free.
		{1e19, 1e19 + 2e8, 2, 2, Sieve, true},
	} {
		if c.avx512 && !haveAVX512 {
			continue
		}
		runtime.GOMAXPROCS(c.procs)
		got := Choose(c.a, c.b, Options{Workers: c.workers})
		if got.Method != c.want {
			t.Errorf("[%d, %d] on %d workers, GOMAXPROCS %d: %v (%s), want %v", c.a, c.b, c.workers, c.procs, got.Method, got.Why, c.want)
		}
	}
}
