package resize

import (
	"os"
	"sync/atomic"
	"testing"
)

// TestMain splits every pass the tests run, however small, so that the
// parallel paths are compared with the serial ones on small images too.
func TestMain(m *testing.M) {
	minSamplesPerWorker = 1
	os.Exit(m.Run())
}

// TestSplitFollowsTheWork: a pass too small to be worth a second
// goroutine runs in one call on the caller; a large one is shared.
func TestSplitFollowsTheWork(t *testing.T) {
	defer func(m int) { minSamplesPerWorker = m }(minSamplesPerWorker)
	minSamplesPerWorker = 1 << 21
	e, err := New(Options{Workers: 4})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		rows, perRow int
		oneCall      bool
	}{
		{240, 80 * 3 * 24, true},        // 320×240 to 80×60, horizontal
		{60, 80 * 3 * 24, true},         // its vertical pass
		{1000, 150 * 3 * 40, false},     // 1500×1000 to 150×100
		{1, 1 << 30, true},              // one row is one call
		{3, minSamplesPerWorker, false}, // enough for three
	} {
		var calls atomic.Int32
		e.rows(tc.rows, tc.perRow, func(y0, y1 int) { calls.Add(1) })
		if got := calls.Load() == 1; got != tc.oneCall {
			t.Errorf("%d rows of %d: %d calls, want one call: %v", tc.rows, tc.perRow, calls.Load(), tc.oneCall)
		}
	}
}
