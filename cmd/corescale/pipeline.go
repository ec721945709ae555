package main

import (
	"fmt"
	"io"
	"math"
	"math/big"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/corescale/corescale"
	"github.com/corescale/corescale/cmd/corescale/primeio"
	"github.com/corescale/corescale/cpu/bigprime"
	"github.com/corescale/corescale/gpu"
	"github.com/corescale/corescale/internal/chunk"
)

// inFlight is how many blocks pump's Fill path holds: one being filled,
// one waiting in the channel, one being tested and written. Memory stays
// at that, whatever the length of the input.
const inFlight = 3

type filled struct {
	b   *primeio.Block
	err error
}

// pump tests every number of src with eng and writes the verdicts to w in
// input order. The lines of a file on a CPU engine go through
// pumpLines, whose workers each parse, test and format their own blocks.
// Any other source, or a GPU engine, which wants large blocks fed to it
// in turn: a goroutine fills the next block while this one tests and
// writes the current one, so reading overlaps testing.
// note, when not nil, is called before each number of 2^64 and above is
// tested.
func pump(src primeio.Source, eng corescale.PrimeTester, bigs *bigEngine, w *primeio.Writer, note func(primeio.Big)) error {
	if lines, ok := src.(chunkSource); ok && (bigs.choice == nil || bigs.choice.CPU()) {
		if workers, ok := workersOf(eng); ok {
			return pumpLines(lines, workers, bigs, w, note)
		}
	}
	free := make(chan *primeio.Block, inFlight)
	for range inFlight {
		b := primeio.NewBlock(blockSize(eng))
		b.DeferBig() // parsed by testBlock, on the workers
		free <- b
	}
	full := make(chan filled, 1)
	done := make(chan struct{})
	defer close(done)
	go func() {
		for {
			var b *primeio.Block
			select {
			case b = <-free:
			case <-done:
				return
			}
			err := src.Fill(b)
			select {
			case full <- filled{b, err}:
			case <-done:
				return
			}
			if err != nil {
				return
			}
		}
	}()
	for {
		f := <-full
		if f.err == io.EOF {
			return nil
		}
		if f.err != nil {
			return f.err
		}
		if err := testBlock(f.b, src, eng, bigs, &bigs.scratch, bigs.workers, note); err != nil {
			return err
		}
		if err := w.Write(f.b); err != nil {
			return err
		}
		free <- f.b
	}
}

// maxEngineBlock caps the numbers of a block an engine asks for: three
// blocks of 8M numbers hold about 220 MB.
const maxEngineBlock = 1 << 23

// blockSize is how many numbers a block holds: primeio.BlockSize, or more
// for an engine that needs more to keep busy (a GPU engine's devices each
// want several full chunks in flight at once).
func blockSize(eng corescale.PrimeTester) int {
	if b, ok := eng.(interface{ BatchSize() int }); ok {
		return max(primeio.BlockSize, min(b.BatchSize(), maxEngineBlock))
	}
	return primeio.BlockSize
}

// rangeTester is an engine that tests first, first+1, … itself.
type rangeTester interface {
	TestRange(first uint64, out []bool) error
}

// randomTester is an engine that draws --random numbers itself.
type randomTester interface {
	TestRandom(run gpu.RandomRun, out []bool) error
}

// drawnBy says how src drew b's numbers, when it knows.
func drawnBy(src primeio.Source, b *primeio.Block) (gpu.RandomRun, bool) {
	if r, ok := src.(*randomPart); ok {
		return r.randomRun(b)
	}
	return gpu.RandomRun{}, false
}

// consecutive reports whether ns is a run n, n+1, n+2, … (and not empty).
func consecutive(ns []uint64) bool {
	if len(ns) == 0 {
		return false
	}
	for i, n := range ns {
		if n != ns[0]+uint64(i) {
			return false
		}
	}
	return true
}

// testBlock sets the verdicts of b: the engine's for the numbers below 2^64,
// probable ones for the rest (testBig), those of up to bigprime.MaxBits
// on workers goroutines with sc's buffers.
func testBlock(b *primeio.Block, src primeio.Source, eng corescale.PrimeTester, bigs *bigEngine, sc *bigScratch, workers int, note func(primeio.Big)) error {
	b.Prime = b.Prime[:len(b.Nums)]
	run, drawn := drawnBy(src, b)
	if r, ok := eng.(randomTester); ok && drawn && len(b.Big) == 0 {
		// --random numbers: the engine draws them where it tests them
		// (a GPU: only the generator's state crosses PCIe).
		if err := r.TestRandom(run, b.Prime); err != nil {
			return fmt.Errorf("prime engine: %w", err)
		}
	} else if r, ok := eng.(rangeTester); ok && len(b.Big) == 0 && consecutive(b.Nums) {
		// A run of a range: the engine makes the numbers where it tests
		// them (a GPU: only verdicts cross PCIe).
		if err := r.TestRange(b.Nums[0], b.Prime); err != nil {
			return fmt.Errorf("prime engine: %w", err)
		}
	} else if err := eng.TestPrimes(b.Nums, b.Prime); err != nil {
		return fmt.Errorf("prime engine: %w", err)
	}
	return testBlockBig(b, bigs, sc, workers, note)
}

// bigScratch is testBlockBig's memory, kept from block to block by each
// goroutine that tests blocks: a block's limbs and verdicts were a
// quarter of a megabyte of garbage, and the collections it caused cost
// more than parsing.
type bigScratch struct {
	at       []int
	limbs    []uint64
	ns       [][]uint64
	verdicts []bool
}

// testBlockBig sets the verdicts of b's numbers of 2^64 and above. They
// come as text from a Reader, and converting them costs about as much as
// testing 128-bit ones: too much for the reading goroutine alone when
// several workers test, so the workers convert them. Those of up to
// bigprime.MaxBits go from text straight into limbs, which the CPU engine
// tests with no *big.Int to allocate, copy and collect; a GPU engine
// (they are converted again for it) and math/big (above MaxBits) take
// *big.Int.
func testBlockBig(b *primeio.Block, bigs *bigEngine, sc *bigScratch, workers int, note func(primeio.Big)) error {
	if len(b.Big) == 0 {
		return nil
	}
	// The limbs of number i go to limbs[at[i]:at[i+1]], room for the most
	// it can take, so that the workers parse into one buffer at once.
	sc.at = append(sc.at[:0], 0)
	for i := range b.Big {
		sc.at = append(sc.at, sc.at[i]+min(b.BigLimbBound(i), bigprime.MaxLimbs+1))
	}
	sc.limbs = slices.Grow(sc.limbs[:0], sc.at[len(b.Big)])[:sc.at[len(b.Big)]]
	ns := slices.Grow(sc.ns[:0], len(b.Big))[:len(b.Big)]
	sc.ns = ns
	chunk.Run(len(b.Big), 1024, workers, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			lim, ok := b.BigLimbs(sc.limbs[sc.at[i]:sc.at[i]], i, bigprime.MaxLimbs)
			if ok {
				ns[i] = lim[:len(lim):len(lim)]
			} else {
				ns[i] = nil
				b.ParseBig(i, i+1)
			}
		}
	})
	var huge []int
	for i := range b.Big {
		if ns[i] == nil {
			huge = append(huge, i)
		}
	}
	if len(huge) < len(b.Big) {
		// The engine starts with the first number it takes, as testBig
		// starts it: a GPU's, which takes *big.Int, or the CPU's.
		e, err := bigs.engine()
		if err != nil {
			return err
		}
		if e != nil {
			chunk.Run(len(b.Big), 1024, bigs.workers, b.ParseBig)
			return testBig(b.Big, bigs, note)
		}
		verdicts := slices.Grow(sc.verdicts[:0], len(ns))[:len(ns)]
		sc.verdicts = verdicts
		bigprime.TestLimbs(ns, verdicts, workers)
		for i := range b.Big {
			if ns[i] != nil {
				b.Big[i].Prime = verdicts[i]
			}
		}
	}
	testHuge(b.Big, huge, bigs.workers, note)
	return nil
}

// testBig tests the numbers of 2^64 and above, as *big.Int: up to
// bigprime.MaxBits with bigs' batch engine (a GPU's or the CPU's), larger
// ones with testHuge.
func testBig(bs []primeio.Big, bigs *bigEngine, note func(primeio.Big)) error {
	var batch []*big.Int
	var huge []int
	for i := range bs {
		if bs[i].N.BitLen() <= bigprime.MaxBits {
			batch = append(batch, bs[i].N)
		} else {
			huge = append(huge, i)
		}
	}
	if len(batch) > 0 {
		verdicts := make([]bool, len(batch))
		if err := bigs.test(batch, verdicts); err != nil {
			return err
		}
		j := 0
		for i := range bs {
			if bs[i].N.BitLen() <= bigprime.MaxBits {
				bs[i].Prime = verdicts[j]
				j++
			}
		}
	}
	testHuge(bs, huge, bigs.workers, note)
	return nil
}

// testHuge tests bs[i] for each i of huge, numbers above bigprime.MaxBits,
// with math/big's Baillie–PSW test on workers goroutines, one number per
// chunk: one costs seconds to hours.
func testHuge(bs []primeio.Big, huge []int, workers int, note func(primeio.Big)) {
	chunk.Run(len(huge), 1, workers, func(lo, hi int) {
		for _, i := range huge[lo:hi] {
			if note != nil {
				note(bs[i])
			}
			bs[i].Prime = bs[i].N.ProbablyPrime(0)
		}
	})
}

// testBigCPU tests ns, of up to bigprime.MaxBits bits, with the CPU batch
// engine on workers goroutines.
func testBigCPU(ns []*big.Int, out []bool, workers int) {
	bigprime.Test(ns, out, workers)
}

// Which numbers are announced before they are tested. With --verbose,
// from verboseNoteBits: each that may take verboseNoteTime or more, and
// each wider than any before, so that a thousand quick ones of one size
// say so once. Without, each that may take quietNoteTime or more; the
// time is estimated only from quietNoteBits, below which a test takes a
// few seconds at most, so that a run of smaller numbers never pays for the
// measure.
const (
	verboseNoteBits = 4096
	verboseNoteTime = time.Second
	quietNoteBits   = 16384
	quietNoteTime   = 10 * time.Second
)

// The estimate of a test's time: the measured time of math/big's test of
// a reference prime, scaled by the ratio of sizes to the power growth.
// math/big multiplies by Karatsuba (n^1.58) above a few thousand bits, and a
// test is about n such products: measured from 4423 to 44497 bits, the
// time grows as n^2.7 to n^2.9. A prime costs the most, as it passes
// every step; a composite usually stops sooner, hence "up to".
const (
	referenceBits = 4423 // 2^4423-1 is a Mersenne prime: ~70 ms
	growth        = 2.8
)

// slowNotes says on stderr which number is being tested when it may take
// long, and about how long: math/big cannot report progress, and a
// 100,000-digit number takes hours.
type slowNotes struct {
	w       io.Writer // safe for use by several goroutines
	where   func(pos int) string
	verbose bool

	measure   sync.Once
	reference time.Duration

	mu     sync.Mutex
	widest int // bits of the widest number seen
}

// before is called before b is tested.
func (n *slowNotes) before(b primeio.Big) {
	bits := b.N.BitLen()
	if bits < verboseNoteBits || !n.verbose && bits < quietNoteBits {
		return
	}
	est := n.estimate(bits)
	n.mu.Lock()
	say := est >= quietNoteTime || n.verbose && (est >= verboseNoteTime || bits > n.widest)
	n.widest = max(n.widest, bits)
	n.mu.Unlock()
	if say {
		fmt.Fprintf(n.w, "corescale: %s: a %s-bit number: %s to test (Ctrl-C stops)\n", n.where(b.Pos), withCommas(bits), approxDuration(est))
	}
}

// estimate returns about the longest that math/big's test of a number of
// bits may take here.
func (n *slowNotes) estimate(bits int) time.Duration {
	n.measure.Do(func() {
		m := new(big.Int).Lsh(big.NewInt(1), referenceBits)
		m.Sub(m, big.NewInt(1))
		start := time.Now()
		m.ProbablyPrime(0)
		n.reference = time.Since(start)
	})
	return time.Duration(float64(n.reference) * math.Pow(float64(bits)/referenceBits, growth))
}

// approxDuration says a duration as roughly as an estimate deserves: "up
// to about 4 min".
func approxDuration(d time.Duration) string {
	const day = 24 * time.Hour
	switch {
	case d < time.Second:
		return "under a second"
	case d < 90*time.Second:
		return fmt.Sprintf("up to about %.0f s", d.Seconds())
	case d < 90*time.Minute:
		return fmt.Sprintf("up to about %.0f min", d.Minutes())
	case d < 36*time.Hour:
		return fmt.Sprintf("up to about %.0f h", d.Hours())
	case d < 60*day:
		return fmt.Sprintf("up to about %.0f days", float64(d)/float64(day))
	case d < 730*day:
		return fmt.Sprintf("up to about %.0f months", float64(d)/float64(30*day))
	}
	return fmt.Sprintf("up to about %.0f years", float64(d)/float64(365*day))
}

// withCommas writes n with commas between groups of three digits: 332,193.
func withCommas(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
