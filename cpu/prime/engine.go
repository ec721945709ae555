package prime

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
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

// chunk is how many numbers a parallel worker takes at a time: large enough
// that taking one costs nothing next to testing it, small enough that the
// workers finish within a chunk of each other.
const chunk = 4096

// Parallel tests a batch on Workers goroutines (all cores when zero). The
// workers take chunks of the batch in turn from a shared counter, so uneven
// chunks — primes cost far more than composites — even out, and each writes
// its verdicts in place, so the output keeps the input's order.
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
	workers = min(workers, (len(ns)+chunk-1)/chunk)
	if workers <= 1 {
		testBatch(ns, out, fastest)
		return nil
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				end := int(next.Add(chunk))
				start := end - chunk
				if start >= len(ns) {
					return
				}
				end = min(end, len(ns))
				testBatch(ns[start:end], out[start:end], fastest)
			}
		})
	}
	wg.Wait()
	return nil
}
