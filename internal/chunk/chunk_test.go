package chunk

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
)

func TestRunCoversEveryIndexOnce(t *testing.T) {
	for _, tc := range []struct{ n, size, workers int }{
		{0, 1, 4}, {1, 1, 4}, {10, 3, 1}, {10, 3, 2}, {10, 3, 100}, {1000, 7, 3},
		{4096, 4096, 8}, {4097, 4096, 8}, {5, 0, 2}, {5, -1, 2}, {100, 1, 0},
	} {
		t.Run(fmt.Sprintf("n=%d,size=%d,workers=%d", tc.n, tc.size, tc.workers), func(t *testing.T) {
			seen := make([]atomic.Int32, tc.n)
			var calls atomic.Int32
			Run(tc.n, tc.size, tc.workers, func(lo, hi int) {
				calls.Add(1)
				if lo < 0 || hi > tc.n || lo >= hi {
					t.Errorf("chunk [%d, %d) outside [0, %d)", lo, hi, tc.n)
					return
				}
				if tc.workers > 1 && tc.size > 0 && hi-lo > tc.size {
					t.Errorf("chunk [%d, %d) longer than %d", lo, hi, tc.size)
				}
				for i := lo; i < hi; i++ {
					seen[i].Add(1)
				}
			})
			for i := range seen {
				if c := seen[i].Load(); c != 1 {
					t.Fatalf("index %d done %d times", i, c)
				}
			}
			if tc.n > 0 && (tc.workers <= 1 || tc.n <= max(tc.size, 1)) && calls.Load() != 1 {
				t.Errorf("%d calls, want one call f(0, n) when there is one worker's work", calls.Load())
			}
		})
	}
}

func TestRunUsesTheWorkers(t *testing.T) {
	// Each chunk waits until two goroutines are inside f at once, which
	// only happens when Run really runs two; one goroutine would hang
	// the test.
	var inside sync.WaitGroup
	inside.Add(2)
	Run(2, 1, 2, func(lo, hi int) {
		inside.Done()
		inside.Wait()
	})
}

func TestSize(t *testing.T) {
	for _, tc := range []struct{ n, workers, per, want int }{
		{1000, 2, 8, 62}, {10, 4, 8, 1}, {0, 4, 8, 1}, {100, 0, 0, 100},
	} {
		if got := Size(tc.n, tc.workers, tc.per); got != tc.want {
			t.Errorf("Size(%d, %d, %d) = %d, want %d", tc.n, tc.workers, tc.per, got, tc.want)
		}
	}
}
