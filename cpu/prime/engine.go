package prime

import (
	"fmt"
	"runtime"

	"github.com/corescale/corescale/internal/chunk"
)

// Serial tests a batch on the calling goroutine.
type Serial struct{}

// TestPrimes implements corescale.PrimeTester.
func (Serial) TestPrimes(ns []uint64, out []bool) error {
	if len(out) < len(ns) {
		return fmt.Errorf("prime: %d verdicts for %d numbers", len(out), len(ns))
	}
	testBatch(ns, out, fastest)
	return nil
}

// chunkSize is how many numbers a parallel worker takes at a time: about
// 100 µs of work, so that taking one costs nothing next to testing it, and
// a batch smaller than two chunks stays on one goroutine, where waking
// another would cost more than it saves.
const chunkSize = 4096

// Parallel tests a batch on Workers goroutines (all cores when zero), which
// take chunks of it from a shared counter (see internal/chunk) and write
// their verdicts in place, so the output keeps the input's order.
type Parallel struct {
	Workers int
}

// TestPrimes implements corescale.PrimeTester.
func (p Parallel) TestPrimes(ns []uint64, out []bool) error {
	if len(out) < len(ns) {
		return fmt.Errorf("prime: %d verdicts for %d numbers", len(out), len(ns))
	}
	workers := p.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	chunk.Run(len(ns), chunkSize, workers, func(lo, hi int) {
		testBatch(ns[lo:hi], out[lo:hi], fastest)
	})
	return nil
}
