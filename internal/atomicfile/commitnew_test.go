package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestCommitNewCreates(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, strings.Repeat("n", 255))
	f, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Abort()
	f.Write([]byte("new\n"))
	if err := f.CommitNew(); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, path); got != "new\n" {
		t.Errorf("content = %q", got)
	}
	if ns := names(t, dir); len(ns) != 1 {
		t.Errorf("folder holds %d files", len(ns))
	}
}

// A target that appears between Create and CommitNew is kept, and the
// temporary file goes.
func TestCommitNewKeepsExisting(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.txt")
	f, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Abort()
	f.Write([]byte("new\n"))
	if err := os.WriteFile(path, []byte("theirs\n"), 0o666); err != nil {
		t.Fatal(err)
	}
	err = f.CommitNew()
	if !errors.Is(err, fs.ErrExist) {
		t.Fatalf("CommitNew over an existing file: %v, want fs.ErrExist", err)
	}
	if !strings.Contains(err.Error(), path) {
		t.Errorf("error %q does not name %s", err, path)
	}
	if got := readFile(t, path); got != "theirs\n" {
		t.Errorf("content = %q, want the existing one", got)
	}
	if ns := names(t, dir); len(ns) != 1 {
		t.Errorf("folder holds %q", ns)
	}
	if err := f.Abort(); err != nil {
		t.Errorf("Abort after a failed CommitNew: %v", err)
	}
}

// Through a link, CommitNew creates a missing target and keeps an
// existing one.
func TestCommitNewThroughLink(t *testing.T) {
	dir := t.TempDir()
	link := filepath.Join(dir, "out.txt")
	if err := os.Symlink("real.txt", link); err != nil {
		t.Fatal(err)
	}
	for i, want := range []error{nil, fs.ErrExist} {
		f, err := Create(link)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(f, "%d\n", i)
		if err := f.CommitNew(); !errors.Is(err, want) {
			t.Errorf("CommitNew %d: %v, want %v", i, err, want)
		}
	}
	isLink(t, link, "real.txt")
	if got := readFile(t, filepath.Join(dir, "real.txt")); got != "0\n" {
		t.Errorf("target holds %q, want the first one", got)
	}
	if ns := names(t, dir); len(ns) != 2 {
		t.Errorf("folder holds %q", ns)
	}
}

// Many writers race for one name: exactly one wins, the others learn that
// the file exists, and no temporary file is left.
func TestCommitNewRace(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.txt")
	const n = 32
	files := make([]*File, n)
	for i := range files {
		f, err := Create(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Abort()
		fmt.Fprintf(f, "writer %d\n", i)
		files[i] = f
	}
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, f := range files {
		wg.Go(func() {
			<-start
			errs[i] = f.CommitNew()
		})
	}
	close(start)
	wg.Wait()
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil && winner >= 0:
			t.Errorf("writers %d and %d both won", winner, i)
		case err == nil:
			winner = i
		case !errors.Is(err, fs.ErrExist):
			t.Errorf("writer %d: %v, want fs.ErrExist", i, err)
		}
	}
	if winner < 0 {
		t.Fatal("no writer won")
	}
	if got, want := readFile(t, path), fmt.Sprintf("writer %d\n", winner); got != want {
		t.Errorf("content = %q, want the winner's %q", got, want)
	}
	if ns := names(t, dir); len(ns) != 1 {
		t.Errorf("folder holds %q", ns)
	}
}
