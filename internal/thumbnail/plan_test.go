package thumbnail

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/corescale/corescale/internal/imagefile"
)

// TestLinkedFolderInput names a link to a folder: it is followed, as the
// same link with a trailing slash always was. A link to a folder met
// inside a walk is not followed, and said so.
func TestLinkedFolderInput(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real")
	writeImage(t, filepath.Join(real, "a.png"), 20, 20, 1)
	writeImage(t, filepath.Join(real, "sub", "b.png"), 20, 20, 2)
	link := filepath.Join(dir, "link")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	// A link inside the tree back up to its root: following it would
	// loop.
	if err := os.Symlink(real, filepath.Join(real, "loop")); err != nil {
		t.Fatal(err)
	}
	for _, in := range []string{link, link + string(filepath.Separator)} {
		b, err := Plan([]string{in}, filepath.Join(dir, "out"), imagefile.Keep)
		if err != nil {
			t.Fatal(err)
		}
		if b.Files() != 2 || b.Len() != 2 {
			t.Errorf("%s: %d files, %d results; want 2", in, b.Files(), b.Len())
		}
		notes := b.Notes()
		if len(notes) != 1 || notes[0].Path != filepath.Join(link, "loop") || notes[0].Kind != LinkedFolder {
			t.Errorf("%s: notes %+v, want the link loop noted", in, notes)
		}
	}
	s := runBatch(t, []string{link}, filepath.Join(dir, "out"), imagefile.Keep, Options{Size: Size{W: 10}})
	if s.Done != 2 {
		t.Fatalf("done %d, failures %v", s.Done, s.Failures)
	}
	if got := tree(t, filepath.Join(dir, "out")); !reflect.DeepEqual(got, []string{"a.png", "sub/b.png"}) {
		t.Errorf("outputs %q", got)
	}
}

// TestBadInputsAmongGood: a missing file, a FIFO and a device among good
// inputs are failed results, and the good ones are done; only when every
// input is bad does the batch not start.
func TestBadInputsAmongGood(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.png")
	writeImage(t, good, 20, 20, 1)
	missing := filepath.Join(dir, "missing.png")
	fifo := filepath.Join(dir, "fifo.png")
	if err := mkfifo(fifo); err != nil {
		t.Skipf("no FIFO: %v", err)
	}
	out := filepath.Join(dir, "out")
	b, err := Plan([]string{missing, good, fifo, os.DevNull}, out, imagefile.Keep)
	if err != nil {
		t.Fatalf("Plan: %v", err)
	}
	if b.Files() != 1 || b.Len() != 4 {
		t.Errorf("%d files, %d results; want 1 and 4", b.Files(), b.Len())
	}
	s, err := runCPU(context.Background(), t, b, Options{Size: Size{W: 10}})
	if err != nil {
		t.Fatal(err)
	}
	if s.Done != 1 || s.Failed != 3 {
		t.Fatalf("done %d, failed %d %v", s.Done, s.Failed, s.Failures)
	}
	want := map[string]string{
		missing:    missing + ": stat: no such file or directory",
		fifo:       fifo + ": not a file or folder",
		os.DevNull: os.DevNull + ": not a file or folder",
	}
	for _, e := range s.Failures {
		if want[e.Path] != e.Error() {
			t.Errorf("failure %q, want %q", e.Error(), want[e.Path])
		}
	}
	if got := tree(t, out); !reflect.DeepEqual(got, []string{"good.png"}) {
		t.Errorf("outputs %q", got)
	}
	// Every input bad: nothing to do, a PlanError as before.
	_, err = Plan([]string{missing, fifo}, out, imagefile.Keep)
	var pe *PlanError
	if !errors.As(err, &pe) || !strings.HasPrefix(err.Error(), missing+": stat: no such file") || !strings.Contains(err.Error(), "1 more") {
		t.Errorf("all bad: %v, want a PlanError naming the first and counting the rest", err)
	}
}

// TestOutputFolderAmongInputs re-runs `resize --out photos/thumbs
// photos/*`: the second time the glob holds thumbs/, which is left out,
// and nothing fails.
func TestOutputFolderAmongInputs(t *testing.T) {
	dir := t.TempDir()
	photos := filepath.Join(dir, "photos")
	writeImage(t, filepath.Join(photos, "a.jpg"), 30, 20, 1)
	writeImage(t, filepath.Join(photos, "b.png"), 30, 20, 2)
	writeImage(t, filepath.Join(photos, "more", "c.png"), 30, 20, 3)
	out := filepath.Join(photos, "thumbs")
	glob := func() []string {
		m, err := filepath.Glob(filepath.Join(photos, "*"))
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	s := runBatch(t, glob(), out, imagefile.Keep, Options{Size: Size{W: 10}})
	if s.Done != 3 || s.Failed != 0 {
		t.Fatalf("first run: done %d, failed %d %v", s.Done, s.Failed, s.Failures)
	}
	b, err := Plan(glob(), out, imagefile.Keep)
	if err != nil {
		t.Fatal(err)
	}
	if n := b.Notes(); len(n) != 1 || n[0].Path != out || n[0].Kind != OutputFolder {
		t.Errorf("notes %+v, want thumbs noted as the output folder", n)
	}
	s, err = runCPU(context.Background(), t, b, Options{Size: Size{W: 10}})
	if err != nil || s.Skipped != 3 || s.Failed != 0 || s.Done != 0 {
		t.Errorf("second run: %v, done %d, skipped %d, failed %d %v; want 3 skipped", err, s.Done, s.Skipped, s.Failed, s.Failures)
	}
	// A folder inside the output folder, named on purpose, is walked: its
	// files go to the output folder's top, not back into it.
	writeImage(t, filepath.Join(out, "sub", "d.png"), 30, 20, 4)
	b, err = Plan([]string{filepath.Join(photos, "a.jpg"), filepath.Join(out, "sub")}, out, imagefile.Keep)
	if err != nil {
		t.Fatal(err)
	}
	if b.Files() != 2 || len(b.Notes()) != 0 {
		t.Errorf("a folder inside the output: %d files, notes %+v; want both files, no note", b.Files(), b.Notes())
	}
}

// TestOwnOutputsAmongInputs re-runs `resize --format png --out photos
// photos/*`: the second time photos/a.png, the output of photos/a.jpg, is
// among the inputs; it is left out with a note, not failed, and never
// written over.
func TestOwnOutputsAmongInputs(t *testing.T) {
	dir := t.TempDir()
	photos := filepath.Join(dir, "photos")
	writeImage(t, filepath.Join(photos, "a.jpg"), 30, 20, 1)
	writeImage(t, filepath.Join(photos, "b.gif"), 30, 20, 2)
	glob := func() []string {
		m, err := filepath.Glob(filepath.Join(photos, "*"))
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	s := runBatch(t, glob(), photos, imagefile.PNG, Options{Size: Size{W: 10}})
	if s.Done != 2 || s.Failed != 0 {
		t.Fatalf("first run: done %d, failed %d %v", s.Done, s.Failed, s.Failures)
	}
	for _, overwrite := range []bool{false, true} {
		before := readFile(t, filepath.Join(photos, "a.png"))
		b, err := Plan(glob(), photos, imagefile.PNG)
		if err != nil {
			t.Fatal(err)
		}
		var noted []string
		for _, n := range b.Notes() {
			if n.Kind != OwnOutput {
				t.Errorf("note %+v", n)
			}
			noted = append(noted, filepath.Base(n.Path)+" of "+filepath.Base(n.Of))
		}
		if want := []string{"a.png of a.jpg", "b.png of b.gif"}; !reflect.DeepEqual(noted, want) {
			t.Errorf("noted %q, want %q", noted, want)
		}
		s, err := runCPU(context.Background(), t, b, Options{Size: Size{W: 12}, Overwrite: overwrite})
		if err != nil {
			t.Fatal(err)
		}
		if !overwrite && (s.Skipped != 2 || s.Failed != 0) {
			t.Errorf("rerun: done %d, skipped %d, failed %d %v; want 2 skipped", s.Done, s.Skipped, s.Failed, s.Failures)
		}
		// Named on the command line, a.png stays an input, which even
		// --overwrite never writes over.
		if overwrite && (s.Failed != 2 || !errors.Is(s.Failures[0], ErrInputCollision)) {
			t.Errorf("rerun with overwrite: done %d, failed %d %v; want 2 collisions", s.Done, s.Failed, s.Failures)
		}
		if !reflect.DeepEqual(readFile(t, filepath.Join(photos, "a.png")), before) {
			t.Error("a.png was written over")
		}
	}
	// A file named twice, once under another spelling, is one job; a
	// file whose output is itself still fails.
	b, err := Plan([]string{filepath.Join(photos, "a.png"), filepath.Join(photos, ".", "a.png")}, photos, imagefile.PNG)
	if err != nil || b.Files() != 1 || len(b.Notes()) != 0 {
		t.Errorf("%v, %d files, notes %+v; want 1 file, no note", err, b.Files(), b.Notes())
	}
}

// TestPlanMemory measures the heap a planned batch keeps per file: it
// must stay a small fraction of the 1.7 KB an os.FileInfo, four path
// strings and a map entry per file cost, so that a million files plan in
// a few hundred megabytes at most.
func TestPlanMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("creates 20,000 files")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "photos", "2024")
	const n = 20000
	for d := range 20 {
		sub := filepath.Join(in, fmt.Sprintf("day-%02d", d))
		if err := os.MkdirAll(sub, 0o755); err != nil {
			t.Fatal(err)
		}
		for i := range n / 20 {
			// Plan reads no content, but it may keep sizes: sparse
			// files of distinct sizes, as photos have.
			p := filepath.Join(sub, fmt.Sprintf("IMG_%05d.jpg", d*1000+i))
			if err := os.WriteFile(p, nil, 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.Truncate(p, int64(1e6+d*1000+i)); err != nil {
				t.Fatal(err)
			}
		}
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	b, err := Plan([]string{in}, filepath.Join(dir, "thumbs"), imagefile.Keep)
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	if b.Files() != n {
		t.Fatalf("%d files planned, want %d", b.Files(), n)
	}
	perFile := (int64(after.HeapAlloc) - int64(before.HeapAlloc)) / n
	t.Logf("%d bytes kept per planned file (the path alone is %d bytes), %d allocated while planning",
		perFile, len(filepath.Join(in, "day-00", "IMG_00000.jpg")), (after.TotalAlloc-before.TotalAlloc)/n)
	runtime.KeepAlive(b)
	if perFile > 200 {
		t.Errorf("a planned batch keeps %d bytes per file, want at most 200", perFile)
	}
}
