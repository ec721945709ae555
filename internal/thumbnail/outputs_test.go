package thumbnail

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/corescale/corescale/internal/imagefile"
)

// TestOutputAppearsMeanwhile writes an output file between the batch's
// check that it is absent and its commit, as a second run into the same
// folder would: without Overwrite it is kept and the file counts as
// skipped; with Overwrite it is replaced.
func TestOutputAppearsMeanwhile(t *testing.T) {
	for _, overwrite := range []bool{false, true} {
		t.Run(fmt.Sprint("overwrite=", overwrite), func(t *testing.T) {
			dir := t.TempDir()
			in, out := filepath.Join(dir, "a.png"), filepath.Join(dir, "out")
			writeImage(t, in, 40, 30, 1)
			b, err := Plan([]string{in}, out, imagefile.Keep)
			if err != nil {
				t.Fatal(err)
			}
			// onLive sees the decoded image, after the claim.
			opt := Options{Size: Size{W: 10}, Overwrite: overwrite, onLive: func(d int) {
				if d > 0 {
					writeFile(t, filepath.Join(out, "a.png"), []byte("theirs"))
				}
			}}
			s, err := runCPU(context.Background(), t, b, opt)
			if err != nil {
				t.Fatal(err)
			}
			got := string(readFile(t, filepath.Join(out, "a.png")))
			switch {
			case !overwrite && (s.Skipped != 1 || got != "theirs"):
				t.Errorf("done %d, skipped %d, failed %d %v, output %.10q; want it skipped and kept", s.Done, s.Skipped, s.Failed, s.Failures, got)
			case overwrite && (s.Done != 1 || got == "theirs"):
				t.Errorf("done %d, failed %d %v; want it replaced", s.Done, s.Failed, s.Failures)
			}
			noTemporaries(t, out)
		})
	}
}

// TestConcurrentBatches runs two batches into one folder at once: each
// output is written by exactly one of them, whole.
func TestConcurrentBatches(t *testing.T) {
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in"), filepath.Join(dir, "out")
	const n = 16
	for i := range n {
		writeImage(t, filepath.Join(in, fmt.Sprintf("%02d.png", i)), 120, 90, i)
	}
	var wg sync.WaitGroup
	sums := make([]*Summary, 2)
	for k := range sums {
		wg.Go(func() {
			b, err := Plan([]string{in}, out, imagefile.Keep)
			if err != nil {
				t.Error(err)
				return
			}
			s, err := runCPU(context.Background(), t, b, Options{Size: Size{W: 20 + k}, Workers: 2})
			if err != nil {
				t.Error(err)
				return
			}
			sums[k] = s
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	if done, skipped := sums[0].Done+sums[1].Done, sums[0].Skipped+sums[1].Skipped; done != n || skipped != n {
		t.Errorf("done %d, skipped %d between the two; want each file done once (%d)", done, skipped, n)
	}
	noTemporaries(t, out)
}

// TestOutputNotWritable: an output folder where no file can be created
// is found before any input is read.
func TestOutputNotWritable(t *testing.T) {
	dir := t.TempDir()
	writeImage(t, filepath.Join(dir, "a.png"), 20, 20, 1)
	b, err := Plan([]string{filepath.Join(dir, "a.png")}, filepath.Join(dir, "new", "out"), imagefile.Keep)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.CheckOutput(false); err != nil {
		t.Fatalf("a folder that can be made: %v", err)
	}
	if got := tree(t, dir); !reflect.DeepEqual(got, []string{"a.png"}) {
		t.Errorf("the check left %q", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "new")); err == nil {
		t.Error("the check left the folders it made")
	}
	if os.Geteuid() == 0 {
		t.Skip("root writes in a read-only folder")
	}
	ro := filepath.Join(dir, "ro")
	if err := os.Mkdir(ro, 0o555); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(ro, 0o755) // for TempDir's cleanup
	for _, out := range []string{ro, filepath.Join(ro, "sub"), filepath.Join(ro, "one.png")} {
		b, err := Plan([]string{filepath.Join(dir, "a.png")}, out, imagefile.Keep)
		if err != nil {
			t.Fatal(err)
		}
		err = b.CheckOutput(false)
		var oe *OutputError
		if !errors.As(err, &oe) || !errors.Is(err, fs.ErrPermission) || err.Error() != "cannot write to "+ro+": permission denied" && err.Error() != "cannot write to "+filepath.Join(ro, "sub")+": permission denied" {
			t.Errorf("--out %s: %v", out, err)
		}
	}
	// Nothing to write there: every output exists, and no Overwrite.
	if err := os.Chmod(ro, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(ro, "a.png"), []byte("done before"))
	if err := os.Chmod(ro, 0o555); err != nil {
		t.Fatal(err)
	}
	b, err = Plan([]string{filepath.Join(dir, "a.png")}, ro, imagefile.Keep)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.CheckOutput(false); err != nil {
		t.Errorf("every output there: %v", err)
	}
	if err := b.CheckOutput(true); err == nil {
		t.Error("every output there, to be overwritten: no error")
	}
}

// TestOutputFillsUp: when writes start failing because the output is full
// (or read-only, or over quota), the batch stops with one error, not one
// failure per file after decoding each.
func TestOutputFillsUp(t *testing.T) {
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in"), filepath.Join(dir, "out")
	const n = 30
	for i := range n {
		writeImage(t, filepath.Join(in, fmt.Sprintf("%02d.png", i)), 60, 40, i)
	}
	for _, errno := range []syscall.Errno{syscall.ENOSPC, syscall.EROFS, syscall.EDQUOT} {
		t.Run(errno.Error(), func(t *testing.T) {
			os.RemoveAll(out)
			var commits atomic.Int32
			beforeCommit = func(path string) error {
				if commits.Add(1) > 3 {
					return fmt.Errorf("write %s: %w", path, &fs.PathError{Op: "write", Path: path, Err: errno})
				}
				return nil
			}
			defer func() { beforeCommit = nil }()
			b, err := Plan([]string{in}, out, imagefile.Keep)
			if err != nil {
				t.Fatal(err)
			}
			s, err := runCPU(context.Background(), t, b, Options{Size: Size{W: 10}, Workers: 2})
			var oe *OutputError
			if !errors.As(err, &oe) || !errors.Is(err, errno) || err.Error() != "cannot write to "+out+": "+errno.Error() {
				t.Fatalf("Run returned %v, want an OutputError for %s", err, out)
			}
			if s.Done != 3 || s.Failed != 0 || s.Done+s.NotDone != n {
				t.Errorf("done %d, failed %d %v, not done %d; want 3 done and the rest not done", s.Done, s.Failed, s.Failures, s.NotDone)
			}
			// Stopped: far fewer files reached the write than the batch has.
			if c := commits.Load(); c > 3+int32(s.Goroutines)+2 {
				t.Errorf("%d commits tried after the output filled up", c-3)
			}
			noTemporaries(t, out)
		})
	}
	// A permission error in one subfolder is that file's own failure: the
	// output folder itself still takes files.
	beforeCommit = func(path string) error {
		if filepath.Base(path) == "07.png" { // not the whole path: the test's folder has random digits
			return &fs.PathError{Op: "write", Path: path, Err: syscall.EACCES}
		}
		return nil
	}
	defer func() { beforeCommit = nil }()
	os.RemoveAll(out)
	s := runBatch(t, []string{in}, out, imagefile.Keep, Options{Size: Size{W: 10}, Workers: 2})
	if s.Done != n-1 || s.Failed != 1 {
		t.Errorf("one permission error: done %d, failed %d %v", s.Done, s.Failed, s.Failures)
	}
}
