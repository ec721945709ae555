package chunk

import (
	"sync"
	"sync/atomic"
)

// Run calls f(lo, hi) for consecutive chunks [lo, hi) of [0, n), each at
// most size long, on up to workers goroutines, the calling one among them,
// and returns when every chunk is done. With one goroutine's worth of
// chunks or one worker it makes a single call f(0, n) on the caller.
// f must be safe to call concurrently on disjoint ranges.
func Run(n, size, workers int, f func(lo, hi int)) {
	if n <= 0 {
		return
	}
	size = max(size, 1)
	workers = min(workers, (n+size-1)/size)
	if workers <= 1 {
		f(0, n)
		return
	}
	var next atomic.Int64
	work := func() {
		for {
			hi := int(next.Add(int64(size)))
			lo := hi - size
			if lo >= n {
				return
			}
			f(lo, min(hi, n))
		}
	}
	var wg sync.WaitGroup
	for range workers - 1 {
		wg.Go(work)
	}
	work()
	wg.Wait()
}

// Size returns a chunk size that gives each of workers goroutines about
// perWorker chunks of [0, n): enough that they finish close together, few
// enough that taking one costs nothing next to doing it.
func Size(n, workers, perWorker int) int {
	return max(1, n/(max(workers, 1)*max(perWorker, 1)))
}
