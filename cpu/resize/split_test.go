package resize

import (
	"image"
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

// TestLargeYCbCrUsesEveryWorker: one 24 MP JPEG's planes, resized to a
// thumbnail exact or fast, are shared by both workers in every pass —
// the box reduce, the horizontal and the vertical pass of each plane —
// with the engine's real threshold for splitting.
func TestLargeYCbCrUsesEveryWorker(t *testing.T) {
	if testing.Short() {
		t.Skip("a 24 MP image")
	}
	defer func(m int) { minSamplesPerWorker = m }(minSamplesPerWorker)
	minSamplesPerWorker = 1 << 21
	defer func() { passHook = nil }()
	m := noiseYCbCr(6000, 4000, image.YCbCrSubsampleRatio420, 1)
	for _, fast := range []bool{false, true} {
		e, err := New(Options{Fast: fast, Workers: 2})
		if err != nil {
			t.Fatal(err)
		}
		var passes [][2]int
		passHook = func(rows, workers int) { passes = append(passes, [2]int{rows, workers}) }
		if _, err := e.ResizeImage(m, 600, 400); err != nil {
			t.Fatal(err)
		}
		passHook = nil
		want := 6 // two passes a plane
		if fast {
			want = 7 // and the luma's reduce
		}
		if len(passes) != want {
			t.Errorf("fast=%v: %d passes %v, want %d", fast, len(passes), passes, want)
		}
		for _, p := range passes {
			if p[1] != 2 {
				t.Errorf("fast=%v: a pass of %d rows ran on %d goroutine(s), want 2 (all passes: %v)", fast, p[0], p[1], passes)
			}
		}
	}
}
