package sieve

import (
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"
)

// Method is how a range is decided.
type Method string

// The methods.
const (
	// Auto chooses among the others from the range (see Choose).
	Auto Method = "auto"
	// Sieve is the segmented sieve of Eratosthenes by every prime up to
	// the square root of the range's top.
	Sieve Method = "sieve"
	// Hybrid sieves by the primes up to a bound chosen from the range and
	// tests the survivors with Baillie–PSW.
	Hybrid Method = "hybrid"
	// Test decides every number on its own with Baillie–PSW; the sieve
	// only removes the multiples of 2 to 19 first.
	Test Method = "test"
)

// ParseMethod returns the method named s.
func ParseMethod(s string) (Method, error) {
	switch m := Method(s); m {
	case Auto, Sieve, Hybrid, Test:
		return m, nil
	}
	return "", fmt.Errorf("unknown range method %q (want auto, sieve, hybrid or test)", s)
}

// Options tune a run.
type Options struct {
	// Workers is how many goroutines sieve (all cores when zero).
	Workers int
	// Method is how the range is decided (Auto when empty).
	Method Method
	// Limit, when not zero, overrides the hybrid's bound.
	Limit uint64
	// Lean keeps one worker's tasks to the memory of several workers',
	// for a caller that holds memory of its own beside the sieve: after
	// corescale's auto backend has probed the GPU, the driver's library
	// stays mapped (3.4 MB), and with it tasks of twice largeTaskBytes
	// took a count of [2^64 − 10^9, 2^64 + 10^6] to 65 MB.
	Lean bool
}

// Choice is the method a range gets, its bound and why.
type Choice struct {
	Method Method
	// Limit is the largest sieving prime: every prime up to the square
	// root of the top for Sieve, fewer for Hybrid, none past the presieve
	// for Test.
	Limit uint64
	Why   string
	// Workers, when not zero, is how many of the workers Count should use:
	// fewer than asked when each more would generate the large sieving
	// primes again for more than it saves.
	Workers int
	lean    bool // Options.Lean
}

// Choose returns how Auto, or the method asked for, decides [a, b].
//
// The sieve's cost is the range's length plus, for each task, a start for
// every sieving prime, and beyond 2^24 the generation of those primes again
// (none are kept past 2^24, to bound memory): it wins when the square root
// of the top is small next to the length. High up, a short range pays more
// for the primes up to the square root than for the range itself: the
// hybrid sieves by the primes up to about the length / 64 (which removes
// all but ~1/ln(bound)·0.56 of the numbers at a cost per number that grows
// only as ln ln bound) and tests the survivors, which costs a fixed
// ~0.1 µs each with the batch engine.
func Choose(a, b uint64, o Options) Choice {
	root := isqrt(b)
	length := b - a // one less than the count, which may be 2^64
	bound := o.Limit
	if bound == 0 {
		bound = min(max(length/64, 1<<10), 1<<22)
	}
	switch o.Method {
	case Sieve:
		c := Choice{Method: Sieve, Limit: root, Why: fmt.Sprintf("sieve asked for: every prime up to %d", root), lean: o.Lean}
		return c.withWorkers(a, b, workers(o))
	case Hybrid:
		bound = min(bound, root)
		return Choice{Method: Hybrid, Limit: bound, Why: fmt.Sprintf("hybrid asked for: sieve by the primes up to %d, Baillie-PSW on the survivors", bound)}
	case Test:
		return Choice{Method: Test, Limit: presieveMax, Why: fmt.Sprintf("per-number test asked for: Baillie-PSW on every number with no prime factor up to %d", presieveMax)}
	}
	switch {
	case root <= mediumMax && root <= length:
		return Choice{Method: Sieve, Limit: root, Why: fmt.Sprintf("sieve: the primes up to the square root %d are few next to the %d numbers", root, length+1)}
	case length < 64:
		return Choice{Method: Test, Limit: presieveMax, Why: fmt.Sprintf("per-number test: %d numbers are too few to sieve", length+1)}
	}
	bound = min(bound, root)
	// Compared in wall time: the hybrid's survivors share out among all
	// the workers the machine runs at once, while the sieve may take
	// fewer (withWorkers). A near tie goes to the sieve when it takes
	// fewer: it leaves cores free, where the hybrid spends twice the CPU.
	k := workers(o)
	cores := min(k, runtime.GOMAXPROCS(0))
	sieve := Choice{Method: Sieve, Limit: root, lean: o.Lean}.withWorkers(a, b, k)
	sw := sieve.Workers
	if sw == 0 {
		sw = k
	}
	sieveWall := sieveSeconds(a, b, root, sw, o.Lean) / float64(min(sw, cores))
	hybridWall := hybridSeconds(a, b, bound) / float64(cores)
	hybridOn := plural(k, "worker")
	if cores < k {
		hybridOn += fmt.Sprintf(" (%d at a time: GOMAXPROCS)", cores)
	}
	if sieveWall < hybridWall || (sw < k && sieveWall < 1.1*hybridWall) {
		on := plural(sw, "worker")
		if sw < k {
			on = fmt.Sprintf("%d of the %d workers (each more would generate the primes up to the square root again for more than it saves)", sw, k)
		}
		sieve.Why = fmt.Sprintf("sieve on %s: every prime up to the square root %d, an estimated %s against %s for the hybrid on %s", on, root, seconds(sieveWall), seconds(hybridWall), hybridOn)
		return sieve
	}
	return Choice{Method: Hybrid, Limit: bound, Why: fmt.Sprintf("hybrid: the square root %d is large next to the %d numbers; sieve by the primes up to %d, Baillie-PSW on the survivors, an estimated %s on %s against %s for the sieve on %s", root, length+1, bound, seconds(hybridWall), hybridOn, seconds(sieveWall), plural(sw, "worker"))}
}

// seconds writes an estimate of s seconds to three figures.
func seconds(s float64) string { return fmt.Sprintf("%.3g s", s) }

// withWorkers sets how many of k workers the sieve c of [a, b] uses. Past
// mediumMax each task generates and starts the large primes again, and
// every worker more means tasks more (at least one each, and each task
// holds less of largeTaskBytes): on [10^18, +10^8] two workers took 0.43 s
// of wall time where one took 0.26. A worker more is taken only when the
// estimated wall time (CPU seconds over workers) drops by 5% or more.
func (c Choice) withWorkers(a, b uint64, k int) Choice {
	if c.Limit <= mediumMax || k <= 1 {
		return c
	}
	best, bestWall := 1, sieveSeconds(a, b, c.Limit, 1, c.lean)
	for j := 2; j <= min(k, 256); j++ {
		if wall := sieveSeconds(a, b, c.Limit, j, c.lean) / float64(j); wall < 0.95*bestWall {
			best, bestWall = j, wall
		}
	}
	c.Workers = best
	if best < k {
		c.Why += fmt.Sprintf("; on %d of the %d workers: each more would generate the primes up to the square root again for more than it saves (an estimated %.2f s of wall time)", best, k, bestWall)
	}
	return c
}

// The costs behind Auto's choice past the square roots the sieve keeps
// (mediumMax), measured in CPU seconds of whole runs on one core of an AMD
// EPYC (Zen 4, AVX-512 IFMA), one worker: a number sieved costs ~0.7 ns
// (the crossing, and the large primes' hits through the buckets: 0.094 s
// for [10^16, +10^8]); a task generates the primes from mediumMax to its
// square root again, and starts each (3.2 ns a prime all told with
// AVX-512's starts, extraction and buckets: 0.109, 0.208 and 0.688 s for
// [a, a+10^8] at 10^17, 10^18 and 2^64 − 10^8, the slope between them
// 3.1 to 3.3 ns; 10.3 ns without, -tags purego, where the start is a
// 64-bit division); the medium primes start once per task with a
// division (~8 ns); Baillie–PSW proves a 60- to 64-bit prime in ~180 ns
// and stops a composite survivor in ~60 ns (cpu/prime's
// BenchmarkSurvivors; the hybrid on [10^18, +10^8] took 0.577 s, estimated
// 0.59). The sieve wins from 10^16 to 10^18 at a length of 10^8 (at
// 10^18 0.21 s against 0.58) and near 2^64 at 10^9 (1.41 against 5.4),
// the hybrid on ranges much shorter than the square root (near 2^64 at
// 10^8, 0.58 against 0.69).
const (
	costCross = 0.7e-9
	costStart = 8e-9
	costPrime = 180e-9
	costComp  = 60e-9
)

// costLarge is the cost of a large prime per task (see above).
var costLarge = func() float64 {
	if haveAVX512 {
		return 3.2e-9
	}
	return 10.3e-9
}()

// sieveSeconds estimates the CPU time of the full sieve of [a, b].
func sieveSeconds(a, b, root uint64, workers int, lean bool) float64 {
	tb := taskBytes(a, b, Choice{Method: Sieve, Limit: root, lean: lean}, workers, 64<<20)
	tasks := float64((b/30-a/30)/uint64(tb) + 1)
	perTask := primeCount(min(root, mediumMax)) * costStart
	if root > mediumMax {
		perTask += (primeCount(root) - primeCount(mediumMax)) * costLarge
	}
	return float64(b-a)*costCross + tasks*perTask
}

// hybridSeconds estimates the CPU time of the hybrid on [a, b] with the
// sieving primes up to bound: the survivors are the numbers with no prime
// factor up to bound, e^-γ/ln bound of them (Mertens), 1/ln x of them
// primes.
func hybridSeconds(a, b, bound uint64) float64 {
	n := float64(b - a)
	primes := n / math.Log(float64(a/2+b/2))
	survivors := max(n*0.5615/math.Log(float64(max(bound, 2))), primes)
	return n*costCross + primes*costPrime + (survivors-primes)*costComp + primeCount(bound)*costStart
}

// primeCount estimates π(x) as x/ln x.
func primeCount(x uint64) float64 {
	if x < 3 {
		return 1
	}
	return float64(x) / math.Log(float64(x))
}

// taskBytes is how many wheel bytes (30 numbers each) one task sieves. A
// task that a worker does not take right after the one before it starts
// every sieving prime anew, with a division: on a long range two per
// worker (Count gives each worker its own run of tasks, and a worker
// done early takes the last free one of another's) keep them finishing
// together (one task for one worker), of at most `most` bytes; a short
// range is split in one task per worker, as each worker's starts cost the
// same whether it sieves a piece or the whole. The tasks are of one size
// and their number a multiple of the workers', so that no worker is left
// sieving alone at the end: tasks rounded up to whole areas gave [1e12,
// +1e9] on three workers five tasks of 6.3 M bytes and one of 1.9 M, so
// that two workers sieved 12.6 M each and the third 8.2 M. Above mediumMax a
// task is held whole while the large primes, which it generates again (a
// division each), cross it through the buckets: the workers' tasks share
// largeTaskBytes, which bounds their memory; the larger each task, the
// fewer the regenerations (16 MiB for one worker took a count of [1e18,
// +1e9] from 7.5 to 3.0 CPU seconds against 4).
func taskBytes(a, b uint64, c Choice, workers, most int) int {
	if taskOverride > 0 {
		return taskOverride
	}
	total := b/30 - a/30 + 1
	w := uint64(workers)
	if c.Limit > mediumMax {
		// Each worker more also holds its own states and buckets (~7 MB
		// measured with the collector's slack): 16 MiB for one (32 where
		// it pays, below), 6 each for two.
		budget := largeTaskBytes
		if workers == 1 && !c.lean && primeCount(c.Limit)*costLarge > largeTaskBytes*30*costCross {
			// Tasks twice as large, when the large primes cost more to
			// generate and start than the numbers of a task to cross:
			// near 2^64 the 203 M below 2^32 take ~0.65 s a task, and
			// [2^64 − 10^9, 2^64 − 1] took 2.45 s in two tasks, 1.57 in
			// one (60 MB of RSS).
			budget = 2 * largeTaskBytes
		}
		most = min(most, max((budget-(workers-1)*4<<20)/workers, areaBytes))
	}
	// Each task more costs the starts of every sieving prime again (at
	// 10^12, 78,000 divisions, 3% of a count of 10^9 numbers split in
	// four): one worker has no one to finish with, and two tasks each
	// let several finish together when one is slowed.
	tasks := w
	if w > 1 && total >= 2*w*areaBytes {
		tasks = 2 * w
	}
	if least := (total + uint64(most) - 1) / uint64(most); least > tasks {
		tasks = (least + w - 1) / w * w
	}
	// Whole words, for the popcount.
	n := ((total+tasks-1)/tasks + 7) &^ 7
	return int(min(uint64(most), n))
}

// largeTaskBytes bounds the memory of the tasks of all workers above
// mediumMax: a count of [1e18, +3e9] peaked at 50 MB of RSS on one worker,
// 54 on two; one worker may take twice as much (taskBytes).
const largeTaskBytes = 16 << 20

// taskOverride, when set, is the task size; tests set it to make many tasks.
var taskOverride int

func workers(o Options) int {
	if o.Workers > 0 {
		return o.Workers
	}
	return runtime.GOMAXPROCS(0)
}

// Scan calls f with the blocks of [a, b] in order, one at a time, from the
// goroutines that sieve them. It stops at f's first error and returns it.
// It always sieves lean (Options.Lean), whatever o says.
func Scan(a, b uint64, o Options, f func(*Block) error) error {
	if a > b {
		return nil
	}
	// A listing holds its blocks and the writer's output beside the
	// task: it keeps to the lean budget (listing [2^64 − 9.9·10^9, 2^64 −
	// 1] in tasks of 32 MiB peaked at 66.6 MB).
	o.Lean = true
	c := Choose(a, b, o)
	k := workers(o)
	if c.Workers > 0 {
		k = min(k, c.Workers)
	}
	// Small tasks let the first blocks out early; past mediumMax a task
	// generates and starts the large primes again, and Choose weighed
	// the sieve in Count's tasks: near 2^64 the 203 M below 2^32 in tasks
	// of 4 MiB took a listing of 3·10^8 numbers from 0.89 s (the hybrid)
	// to 1.41.
	most := 4 << 20
	if c.Limit > mediumMax {
		most = 64 << 20
	}
	pl := newPlan(a, b, c.Limit, taskBytes(a, b, c, k, most))
	pl.poolBlocks = poolBlocks(k)
	n := pl.tasks()
	var (
		next  atomic.Int64
		mu    sync.Mutex
		cond  = sync.NewCond(&mu)
		turn  int
		first error
	)
	work := func() {
		var w worker
		for {
			i := int(next.Add(1) - 1)
			if i >= n {
				return
			}
			var blks []Block
			pl.sieve(&w, i, true, func(b *Block) { blks = append(blks, *b) })
			mu.Lock()
			for turn != i && first == nil {
				cond.Wait()
			}
			if first != nil {
				mu.Unlock()
				return
			}
			mu.Unlock()
			var err error
			for j := range blks {
				if err = f(&blks[j]); err != nil {
					break
				}
			}
			mu.Lock()
			if err != nil {
				first = err
			}
			turn++
			cond.Broadcast()
			mu.Unlock()
			if err != nil {
				return
			}
		}
	}
	run(min(k, n), work)
	return first
}

// Count returns how many primes lie in [a, b].
func Count(a, b uint64, o Options) uint64 {
	if a > b {
		return 0
	}
	c := Choose(a, b, o)
	k := workers(o)
	if c.Workers > 0 {
		k = min(k, c.Workers)
	}
	pl := newPlan(a, b, c.Limit, taskBytes(a, b, c, k, 64<<20))
	pl.poolBlocks = poolBlocks(k)
	n := pl.tasks()
	k = min(k, n)
	tasks := newSpans(n, k)
	var ids atomic.Int64
	var total atomic.Uint64
	run(k, func() {
		var w worker
		id := int(ids.Add(1) - 1)
		for {
			i, ok := tasks.take(id)
			if !ok {
				return
			}
			var sum uint64
			pl.sieve(&w, i, false, func(b *Block) { sum += b.Count() })
			total.Add(sum)
		}
	})
	return total.Load()
}

// run runs f on k goroutines, the caller's among them, and waits for all.
func run(k int, f func()) {
	var wg sync.WaitGroup
	for range k - 1 {
		wg.Go(f)
	}
	f()
	wg.Wait()
}

// Primes returns the primes of [a, b]; for tests and small ranges.
func Primes(a, b uint64, o Options) []uint64 {
	var ps []uint64
	Scan(a, b, o, func(blk *Block) error {
		ps = blk.AppendPrimes(ps)
		return nil
	})
	return ps
}

// SmallPrimes returns the primes below 2^16, in order: what the hybrid
// sieves by above 2^64, where each survivor costs a math/big test. The
// slice is shared and must not be changed.
func SmallPrimes() []uint32 { return smallPrimes() }

var smallPrimes = sync.OnceValue(func() []uint32 {
	return append([]uint32{2, 3, 5}, basePrimes()...)
})

// plural gives n and the noun, with an s unless n is 1.
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
