package thumbnail

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/corescale/corescale/cpu/resize"
	"github.com/corescale/corescale/internal/imagefile"
)

// need is what the batch reserves for the file at path with opt.
func need(t *testing.T, path string, opt Options) int64 {
	t.Helper()
	info := probe(t, path)
	n, _, _, _ := (&worker{opt: opt}).need(info, imagefile.Keep.Resolve(&imagefile.Decoded{Info: info}))
	return n
}

// TestMemoryBudget: with a budget that holds one small file but not two,
// three workers never have two decoded images alive at once; a file that
// needs more than the whole budget fails alone, before it is decoded,
// with a message that says so; the others are done.
func TestMemoryBudget(t *testing.T) {
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in"), filepath.Join(dir, "out")
	for i, name := range []string{"a.png", "b.png", "c.png", "d.png"} {
		writeImage(t, filepath.Join(in, name), 300, 200, i)
	}
	big := filepath.Join(in, "big.png")
	writeImage(t, big, 1200, 800, 9)
	eng, err := resize.New(resize.Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	opt := Options{Size: Size{W: 40}, Workers: 3, Resizer: eng}
	small := need(t, filepath.Join(in, "a.png"), opt)
	opt.MaxMemory = small + small/2
	if n := need(t, big, opt); n <= opt.MaxMemory {
		t.Fatalf("the big file needs %d, within the budget of %d: the test shows nothing", n, opt.MaxMemory)
	}

	// The first image decoded stays alive until another file has been
	// made to wait for memory, or (were the budget not kept) until a
	// second image is decoded beside it.
	var live, peak, waits atomic.Int32
	var once sync.Once
	waited, second := make(chan struct{}), make(chan struct{})
	opt.onWait = func() {
		if waits.Add(1) == 1 {
			close(waited)
		}
	}
	opt.onLive = func(d int) {
		n := live.Add(int32(d))
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		if n == 2 {
			once.Do(func() { close(second) })
		}
		if d > 0 && n == 1 && waits.Load() == 0 {
			select {
			case <-waited:
			case <-second:
			}
		}
	}
	s := runBatch(t, []string{in}, out, imagefile.Keep, opt)
	if s.Done != 4 || s.Failed != 1 || s.Failures[0].Path != big {
		t.Fatalf("done %d, failed %d %v", s.Done, s.Failed, s.Failures)
	}
	msg := s.Failures[0].Error()
	if !errors.Is(s.Failures[0], ErrOverBudget) || !strings.Contains(msg, "needs about ") ||
		!strings.HasSuffix(msg, fmt.Sprintf(", over the memory budget of %s (see --max-memory)", formatBytes(opt.MaxMemory))) {
		t.Errorf("the big file failed with %q", msg)
	}
	if p := peak.Load(); p != 1 {
		t.Errorf("%d decoded images alive at once, want 1", p)
	}
	if waits.Load() == 0 {
		t.Error("no file waited for memory: the test shows nothing")
	}
	if s.MaxMemory != opt.MaxMemory || s.PeakMemory != small {
		t.Errorf("summary: budget %d, peak %d; want %d and %d", s.MaxMemory, s.PeakMemory, opt.MaxMemory, small)
	}
	if _, err := os.Stat(filepath.Join(out, "big.png")); err == nil {
		t.Error("the file over the budget has an output")
	}
	noTemporaries(t, out)
}

// TestOutputOverBudget: an output far larger than memory (100000×100000
// with the pixel limit lifted, which made the batch grow to 22 GB and
// crash) fails that file before anything is decoded or allocated, and the
// batch goes on.
func TestOutputOverBudget(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	writeImage(t, filepath.Join(in, "a.png"), 100, 80, 1)
	writeImage(t, filepath.Join(in, "b.png"), 100, 80, 2)
	for _, size := range []Size{{W: 100000, H: 100000}, {W: 100000}} {
		out := filepath.Join(dir, "out"+size.String())
		var decoded atomic.Int32
		opt := Options{Size: size, Fit: Fill, MaxPixels: 1e15, MaxMemory: 1 << 30, Workers: 2,
			onLive: func(d int) {
				if d > 0 {
					decoded.Add(1)
				}
			}}
		s := runBatch(t, []string{in}, out, imagefile.Keep, opt)
		if s.Failed != 2 || decoded.Load() != 0 {
			t.Fatalf("%v: failed %d, decoded %d", size, s.Failed, decoded.Load())
		}
		for _, f := range s.Failures {
			if !errors.Is(f, ErrOverBudget) || !strings.Contains(f.Error(), "over the memory budget of 1.1 GB (see --max-memory)") {
				t.Errorf("%v: %v", size, f)
			}
		}
	}
	// The summary says which budget was in force, the default one too.
	s := runBatch(t, []string{in}, filepath.Join(dir, "small"), imagefile.Keep, Options{Size: Size{W: 10}})
	if def, _ := DefaultMaxMemory(); s.Done != 2 || s.MaxMemory != def || def <= 0 {
		t.Errorf("done %d, budget %d, default %d", s.Done, s.MaxMemory, def)
	}
}

// TestBudgetCancel: a file waiting for memory when the batch is cancelled
// is reported cancelled, and its share never taken.
func TestBudgetCancel(t *testing.T) {
	b := newBudget(100)
	if err := b.acquire(context.Background(), 60, nil); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- b.acquire(ctx, 50, cancel) }() // cancels once waiting
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("acquire returned %v, want context.Canceled", err)
	}
	// A smaller request behind it is not blocked by the one that left.
	if err := b.acquire(context.Background(), 40, nil); err != nil {
		t.Fatal(err)
	}
	b.release(60)
	b.release(40)
	if b.used != 0 || b.peak != 100 {
		t.Errorf("used %d, peak %d", b.used, b.peak)
	}
}

// TestBudgetOrder: files are admitted in the order they asked: a small
// one that would fit now waits behind a large one that does not, which
// small ones would otherwise pass over for ever.
func TestBudgetOrder(t *testing.T) {
	b := newBudget(100)
	if err := b.acquire(context.Background(), 90, nil); err != nil {
		t.Fatal(err)
	}
	var large sync.WaitGroup
	large.Add(1)
	waiting := make(chan struct{})
	var once sync.Once
	go func() {
		defer large.Done()
		b.acquire(context.Background(), 80, func() { once.Do(func() { close(waiting) }) })
		once.Do(func() { close(waiting) }) // let in at once: the test fails below
		b.release(80)
	}()
	<-waiting
	waited := false
	err := b.acquire(context.Background(), 10, func() {
		waited = true
		b.release(90) // lets both in, the large one first
	})
	if err != nil {
		t.Fatal(err)
	}
	if !waited {
		t.Error("a small file was let in before the large one ahead of it")
		b.release(90)
	}
	b.release(10)
	large.Wait()
	if b.used != 0 || len(b.queue) != 0 {
		t.Errorf("used %d, %d waiting", b.used, len(b.queue))
	}
}

func TestFormatBytes(t *testing.T) {
	for n, want := range map[int64]string{
		0: "0 bytes", 999: "999 bytes", 1500: "1.5 kB", 2_400_000_000: "2.4 GB", 12_345_678: "12.3 MB", 3 << 40: "3.3 TB",
	} {
		if got := formatBytes(n); got != want {
			t.Errorf("formatBytes(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestParseMemory(t *testing.T) {
	for s, want := range map[string]int64{
		"2G": 2e9, "2GB": 2e9, "2g": 2e9, "1.5G": 15e8, "800M": 8e8, "800 MB": 8e8, "4GiB": 4 << 30,
		"4Gi": 4 << 30, "512MiB": 512 << 20, "100k": 1e5, "1T": 1e12, "1048576": 1 << 20, "64KiB": 64 << 10,
	} {
		if got, err := ParseMemory(s); err != nil || got != want {
			t.Errorf("ParseMemory(%q) = %d, %v; want %d", s, got, err, want)
		}
	}
	for _, s := range []string{"", "G", "-1G", "0", "0.0001", "2X", "1e3G", "two", "9999999T", "NaNG", "+Inf"} {
		if got, err := ParseMemory(s); err == nil {
			t.Errorf("ParseMemory(%q) = %d, want an error", s, got)
		}
	}
}

// TestBudgetCollectsLargeShares: when a file that held a large share is
// done, its garbage is collected before the next file is let in, which
// would otherwise map its memory beside the garbage (past a ulimit -v, a
// fatal error); a small share is not worth a collection.
func TestBudgetCollectsLargeShares(t *testing.T) {
	b := newBudget(160)
	collections := 0
	letInDuring := false
	b.collect = func() {
		collections++
		b.mu.Lock()
		letInDuring = b.used != 0
		b.mu.Unlock()
	}
	for _, n := range []int64{100, 5} {
		if err := b.acquire(context.Background(), n, nil); err != nil {
			t.Fatal(err)
		}
	}
	b.release(5)
	if collections != 0 {
		t.Errorf("%d collections after a share of 5 of 160", collections)
	}
	queued, done := make(chan struct{}), make(chan error)
	go func() { done <- b.acquire(context.Background(), 150, func() { close(queued) }) }()
	<-queued
	b.release(100)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if collections != 1 || letInDuring {
		t.Errorf("%d collections after a share of 100 of 160; a file let in during it: %v", collections, letInDuring)
	}
	b.release(150)
}
