package main

import (
	"errors"
	"io"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/corescale/corescale"
	"github.com/corescale/corescale/cmd/corescale/primeio"
	"github.com/corescale/corescale/cpu/prime"
)

// chunkSource is a source of lines that can be cut into chunks of whole
// lines, which workers parse themselves: a file or stdin.
type chunkSource interface {
	primeio.Source
	NextChunk(c *primeio.Chunk, size int) error
}

// errorExplainer is a source that says more about an error of its own
// than the error does (secondPass: a bad line means the file changed).
type errorExplainer interface {
	explainError(err error) error
}

// workersOf returns how many goroutines a CPU engine of the numbers below
// 2^64 tests on, and false for any other engine (a GPU's, which wants
// large blocks fed to it in turn, as pump feeds them).
func workersOf(eng corescale.PrimeTester) (int, bool) {
	switch e := eng.(type) {
	case prime.Serial:
		return 1, true
	case prime.Parallel:
		if e.Workers <= 0 {
			return runtime.GOMAXPROCS(0), true
		}
		return e.Workers, true
	}
	return 0, false
}

// The bytes of input a chunk holds: about a millisecond of one core's
// work, so that handing one over costs nothing next to it and the last
// chunks of a file leave no worker long alone. The work of a line grows as
// about the square of its length, past that of a 64-bit number (20
// digits: a tenth of a microsecond, against one for 128 bits and a third
// of a millisecond for 2048); a chunk keeps minChunkLines lines up to
// maxChunkBytes, so that the multi-precision engine can fill its lanes of
// eight (laneLines at the sizes of its wide lanes).
const (
	maxChunkBytes = 256 << 10
	minChunkLines = 64
	firstChunk    = 16 << 10 // before the lines' length is known
)

// Lines of laneLineMin to laneLineMax bytes hold numbers of about 257 to
// 512 bits (decimal, or hex from 0x and 65 digits), which cpu/bigprime
// tests in its wide lanes, eight at once: a chunk of them holds laneLines
// lines. One such number in 180 is prime, and a chunk of a millisecond's
// work (172 lines at 512 bits) held about one, too few to fill a pass of
// the Lucas lanes: the CPU time of 512-bit numbers was 1.7 times that of
// the same numbers tested at once (bigprime's wideLaneChunk says the same).
const (
	laneLineMin = 68
	laneLineMax = 160
	laneLines   = 2048
)

// chunkBytes is the size of a chunk for lines of about lineLen bytes.
func chunkBytes(lineLen int) int {
	lineLen = max(lineLen, 1)
	if lineLen >= laneLineMin && lineLen <= laneLineMax {
		return laneLines * lineLen
	}
	return min(maxChunkBytes, max(minChunkLines*lineLen, (4<<20)/lineLen))
}

// slot is one block in flight: the chunk of input it was parsed from,
// its numbers and verdicts, and their output.
type slot struct {
	seq   int
	chunk primeio.Chunk
	block *primeio.Block
	rows  primeio.Rows
	err   error
}

// linePipeline tests the lines of a file on a CPU engine: each of its
// workers takes a chunk of whole lines (the one step done in turn: finding
// line ends), then parses, tests and formats it alone, and the outputs are
// written in input order. Everything scales with the workers but reading
// and writing, which the kernel does; one worker does all of it on one
// goroutine. At most 2·workers+1 blocks exist: each worker's, and those
// done but waiting for one before them to be written.
type linePipeline struct {
	src     chunkSource
	explain func(error) error
	bigs    *bigEngine
	w       *primeio.Writer
	note    func(primeio.Big)

	stop atomic.Bool // set by the first error in input order
	free chan *slot  // the slots no worker holds and no output waits in
	read struct {    // the input, taken in turn
		sync.Mutex
		seq  int  // the next chunk's
		done bool // the input ended, or failed
		size int  // the next chunk's bytes
	}
	out struct { // the outputs, written in turn
		sync.Mutex
		next   int     // the seq to write next
		parked []*slot // by seq modulo its length: done, waiting for next
		err    error
	}
}

// pumpLines is pump for a file's lines on a CPU engine of workers
// goroutines (see linePipeline).
func pumpLines(src chunkSource, workers int, bigs *bigEngine, w *primeio.Writer, note func(primeio.Big)) error {
	p := &linePipeline{src: src, explain: func(err error) error { return err }, bigs: bigs, w: w, note: note}
	if e, ok := src.(errorExplainer); ok {
		p.explain = e.explainError
	}
	slots := 2*workers + 1
	p.free = make(chan *slot, slots)
	for range slots {
		p.free <- &slot{block: primeio.NewBlock(0)}
	}
	p.out.parked = make([]*slot, slots)
	p.read.size = firstChunk
	var wg sync.WaitGroup
	for range workers - 1 {
		wg.Go(p.work)
	}
	p.work()
	wg.Wait()
	return p.out.err
}

// work takes chunks until the input ends or a failure stops the run.
func (p *linePipeline) work() {
	var sc bigScratch
	for {
		s := <-p.free
		if !p.take(s) {
			p.free <- s
			return
		}
		if s.err == nil {
			s.err = p.test(s, &sc)
		}
		p.done(s)
	}
}

// take fills s with the next chunk and its sequence number, or an error
// in its place; it returns false when there is nothing more to take.
func (p *linePipeline) take(s *slot) bool {
	r := &p.read
	r.Lock()
	defer r.Unlock()
	if r.done || p.stop.Load() {
		return false
	}
	err := p.src.NextChunk(&s.chunk, r.size)
	if errors.Is(err, io.EOF) {
		r.done = true
		return false
	}
	if err != nil {
		r.done = true
		s.err = p.explain(err)
	} else {
		s.err = nil
		r.size = chunkBytes(s.chunk.Len() / max(s.chunk.Lines(), 1))
	}
	s.seq = r.seq
	r.seq++
	return true
}

// test parses, tests and formats the chunk of s, on this goroutine
// alone: the other workers test the other chunks.
func (p *linePipeline) test(s *slot, sc *bigScratch) error {
	b := s.block
	if err := b.Parse(&s.chunk); err != nil {
		return p.explain(err)
	}
	if err := testBlock(b, p.src, prime.Serial{}, p.bigs, sc, 1, p.note); err != nil {
		return err
	}
	p.w.Format(b, &s.rows)
	return nil
}

// done writes the output of s, and of those after it that were waiting
// for it, once every chunk before it is written; the first error in input
// order stops the run, and nothing after it is written.
func (p *linePipeline) done(s *slot) {
	o := &p.out
	o.Lock()
	defer o.Unlock()
	n := len(o.parked)
	o.parked[s.seq%n] = s
	for {
		t := o.parked[o.next%n]
		if t == nil || t.seq != o.next {
			return
		}
		o.parked[o.next%n] = nil
		o.next++
		if o.err == nil {
			o.err = t.err
			if o.err == nil {
				o.err = p.w.WriteRows(&t.rows)
			}
			if o.err != nil {
				p.stop.Store(true)
			}
		}
		p.free <- t
	}
}

// checkLines reads r to the end and reports its first line, in input
// order, that is not a number, as primeio.Check does, but with workers
// goroutines parsing chunks of it at once: it is the pass before anything
// is printed, and one goroutine parsing for all of them kept the rest of
// the run waiting.
func checkLines(r io.Reader, name string, workers int) error {
	src := primeio.NewReader(r, name)
	var (
		mu      sync.Mutex
		done    bool
		seq     int
		size    = firstChunk
		first   = -1 // the seq of the first chunk known to fail
		firstEr error
	)
	fail := func(s int, err error) {
		if first < 0 || s < first {
			first, firstEr = s, err
		}
	}
	check := func() {
		var c primeio.Chunk
		b := primeio.NewBlock(0)
		for {
			mu.Lock()
			// A chunk past one that failed cannot hold the first error.
			if done || first >= 0 && seq > first {
				mu.Unlock()
				return
			}
			s := seq
			seq++
			err := src.NextChunk(&c, size)
			if err != nil {
				done = true
				if !errors.Is(err, io.EOF) {
					fail(s, err)
				}
				mu.Unlock()
				return
			}
			size = chunkBytes(c.Len() / max(c.Lines(), 1))
			mu.Unlock()
			if err := b.Parse(&c); err != nil {
				mu.Lock()
				fail(s, err)
				mu.Unlock()
			}
		}
	}
	var wg sync.WaitGroup
	for range workers - 1 {
		wg.Go(check)
	}
	check()
	wg.Wait()
	return firstEr
}
