package sieve

import (
	"sync"
	"sync/atomic"
	"testing"
)

// TestSpansEachTaskOnce: however many workers take tasks at once, and
// however few tasks there are, each task is taken exactly once.
func TestSpansEachTaskOnce(t *testing.T) {
	for _, n := range []int{0, 1, 2, 5, 64, 1000} {
		for _, k := range []int{1, 2, 3, 8} {
			s := newSpans(n, k)
			taken := make([]atomic.Int32, n)
			var wg sync.WaitGroup
			for w := range k {
				wg.Go(func() {
					for {
						i, ok := s.take(w)
						if !ok {
							return
						}
						taken[i].Add(1)
					}
				})
			}
			wg.Wait()
			for i := range taken {
				if got := taken[i].Load(); got != 1 {
					t.Errorf("%d tasks, %d workers: task %d taken %d times", n, k, i, got)
				}
			}
		}
	}
}

// TestSpansInRuns: a worker takes its own tasks in order, and after
// taking half of another's run it goes on in order there, so that its
// sieving primes' states carry over.
func TestSpansInRuns(t *testing.T) {
	s := newSpans(10, 2) // worker 0: 0-4, worker 1: 5-9
	var got []int
	for {
		i, ok := s.take(0)
		if !ok {
			break
		}
		got = append(got, i)
	}
	want := []int{0, 1, 2, 3, 4, 7, 8, 9, 6, 5}
	if len(got) != len(want) {
		t.Fatalf("worker 0 alone took %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("worker 0 alone took %v, want %v", got, want)
		}
	}
}

// TestSpansWholeRange: the tasks of the whole of [0, 2^64) (3.7e10 areas
// of 1 MiB, more on a smaller area) cost no memory per task: a flag per
// task made Count run out of memory before it began.
func TestSpansWholeRange(t *testing.T) {
	pl := newPlan(1, 1<<64-1, 1<<32-1, taskBytes(1, 1<<64-1, Choice{Method: Sieve, Limit: 1<<32 - 1}, 2, 64<<20))
	n := pl.tasks()
	if n < 1<<30 {
		t.Fatalf("[1, 2^64-1] is %d tasks, expected billions", n)
	}
	allocs := testing.AllocsPerRun(10, func() {
		s := newSpans(n, 2)
		if i, ok := s.take(1); !ok || i != n/2 {
			t.Fatalf("worker 1's first task: %d, %v; want %d", i, ok, n/2)
		}
	})
	if allocs > 2 {
		t.Errorf("newSpans of %d tasks: %.0f allocations, want 2 at most", n, allocs)
	}
}
