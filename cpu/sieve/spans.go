package sieve

import "sync"

// spans hands out the tasks 0..n-1 to k workers, each task once. Each
// worker owns a run of consecutive tasks and takes them in order, so that
// its sieving primes' states carry from one task to the next; a worker
// whose run is done takes the upper half of the largest run left and
// goes on from there. It holds two numbers per worker, whatever n is: a
// flag per task was a byte per 1 MiB area, 36 GB for the whole of
// [0, 2^64).
type spans struct {
	runs []taskRun
}

// taskRun is a worker's run of tasks, [next, end).
type taskRun struct {
	mu        sync.Mutex
	next, end int
	_         [40]byte // a cache line's worth each, so that two runs taken from at once seldom share a line
}

func newSpans(n, k int) *spans {
	s := &spans{runs: make([]taskRun, k)}
	for w := range s.runs {
		s.runs[w].next, s.runs[w].end = w*n/k, (w+1)*n/k
	}
	return s
}

// take returns worker w's next task, from its own run or, when that is
// done, from half of the largest run of another; false when none is
// left.
func (s *spans) take(w int) (int, bool) {
	own := &s.runs[w]
	for {
		own.mu.Lock()
		if own.next < own.end {
			i := own.next
			own.next++
			own.mu.Unlock()
			return i, true
		}
		own.mu.Unlock()
		if !s.steal(own) {
			return 0, false
		}
	}
}

// steal moves the upper half (at least one task) of the largest run left
// to own, and reports whether there was any.
func (s *spans) steal(own *taskRun) bool {
	for {
		var victim *taskRun
		most := 0
		for i := range s.runs {
			r := &s.runs[i]
			r.mu.Lock()
			if left := r.end - r.next; left > most {
				victim, most = r, left
			}
			r.mu.Unlock()
		}
		if victim == nil {
			return false
		}
		victim.mu.Lock()
		left := victim.end - victim.next
		if left <= 0 {
			// Taken meanwhile: look again.
			victim.mu.Unlock()
			continue
		}
		mid := victim.next + left/2
		end := victim.end
		victim.end = mid
		victim.mu.Unlock()
		own.mu.Lock()
		own.next, own.end = mid, end
		own.mu.Unlock()
		return true
	}
}
