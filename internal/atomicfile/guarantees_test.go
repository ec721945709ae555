package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// commit writes data through a new File for path and commits it.
func commit(t *testing.T, path, data string) {
	t.Helper()
	f, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Abort()
	if _, err := f.Write([]byte(data)); err != nil {
		t.Fatal(err)
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// isLink fails unless path is still a symbolic link to want.
func isLink(t *testing.T, path, want string) {
	t.Helper()
	got, err := os.Readlink(path)
	if err != nil || got != want {
		t.Errorf("%s: link to %q (%v), want a link to %q", path, got, err, want)
	}
}

// A link is written through: its target gets the new content, atomically,
// and the link stays.
func TestCreateWritesThroughLink(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real.txt")
	if err := os.WriteFile(real, []byte("old\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(real, 0o640); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "out.txt")
	if err := os.Symlink("real.txt", link); err != nil {
		t.Fatal(err)
	}
	commit(t, link, "new\n")
	isLink(t, link, "real.txt")
	if got := readFile(t, real); got != "new\n" {
		t.Errorf("target holds %q, want %q", got, "new\n")
	}
	if fi, err := os.Stat(real); err != nil || fi.Mode().Perm() != 0o640 {
		t.Errorf("target mode = %v (%v), want 0640 kept", fi.Mode().Perm(), err)
	}
	if ns := names(t, dir); !slices.Equal(ns, []string{"out.txt", "real.txt"}) {
		t.Errorf("folder holds %q", ns)
	}
}

// A chain of relative links, each relative to its own folder, ends at the
// target; the temporary file is made in the target's folder, so the rename
// never crosses folders (or file systems).
func TestCreateFollowsLinkChain(t *testing.T) {
	dir := t.TempDir()
	for _, d := range []string{"a", "b", "c"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o777); err != nil {
			t.Fatal(err)
		}
	}
	real := filepath.Join(dir, "c", "real.txt")
	if err := os.WriteFile(real, []byte("old\n"), 0o666); err != nil {
		t.Fatal(err)
	}
	mid := filepath.Join(dir, "b", "mid")
	if err := os.Symlink("../c/real.txt", mid); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "a", "out.txt")
	if err := os.Symlink(filepath.Join("..", "b", "mid"), link); err != nil {
		t.Fatal(err)
	}
	f, err := Create(link)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Abort()
	if ns := names(t, filepath.Join(dir, "c")); len(ns) != 2 {
		t.Errorf("target folder holds %q while writing, want the target and one temporary file", ns)
	}
	if ns := names(t, filepath.Join(dir, "a")); len(ns) != 1 {
		t.Errorf("link folder holds %q while writing, want only the link", ns)
	}
	f.Write([]byte("new\n"))
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	isLink(t, link, filepath.Join("..", "b", "mid"))
	isLink(t, mid, "../c/real.txt")
	if got := readFile(t, real); got != "new\n" {
		t.Errorf("target holds %q", got)
	}
	if ns := names(t, filepath.Join(dir, "c")); len(ns) != 1 {
		t.Errorf("target folder holds %q after Commit", ns)
	}
}

// A dangling link's target is created.
func TestCreateDanglingLink(t *testing.T) {
	dir := t.TempDir()
	link := filepath.Join(dir, "out.txt")
	if err := os.Symlink("new.txt", link); err != nil {
		t.Fatal(err)
	}
	commit(t, link, "data\n")
	isLink(t, link, "new.txt")
	if got := readFile(t, filepath.Join(dir, "new.txt")); got != "data\n" {
		t.Errorf("target holds %q", got)
	}
}

func TestCreateLinkToFolder(t *testing.T) {
	dir := t.TempDir()
	link := filepath.Join(dir, "out")
	if err := os.Symlink(".", link); err != nil {
		t.Fatal(err)
	}
	f, err := Create(link)
	if err == nil {
		f.Abort()
		t.Fatal("Create of a link to a folder succeeded")
	}
	if !strings.Contains(err.Error(), link) {
		t.Errorf("error %q does not name %s", err, link)
	}
	if ns := names(t, dir); len(ns) != 1 {
		t.Errorf("folder holds %q", ns)
	}
}

func TestCreateLinkLoop(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	if err := os.Symlink("b", a); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("a", b); err != nil {
		t.Fatal(err)
	}
	f, err := Create(a)
	if err == nil {
		f.Abort()
		t.Fatal("Create of a link loop succeeded")
	}
	if !strings.Contains(err.Error(), a) {
		t.Errorf("error %q does not name %s", err, a)
	}
}

// The temporary name does not grow with the target's, so the longest name
// the file system takes works, new and replaced.
func TestCreateLongName(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, strings.Repeat("n", 255))
	commit(t, path, "one\n")
	commit(t, path, "two\n")
	if got := readFile(t, path); got != "two\n" {
		t.Errorf("content = %q", got)
	}
	if ns := names(t, dir); len(ns) != 1 {
		t.Errorf("folder holds %d files", len(ns))
	}
}

// Abort from another goroutine while the owner writes: writes fail from
// then on, Commit fails, and no file is left.
func TestAbortWhileWriting(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.txt")
	f, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	started, aborted := make(chan struct{}), make(chan struct{})
	done := make(chan error)
	go func() {
		chunk := []byte(strings.Repeat("x", 64))
		for i := 0; ; i++ {
			select {
			case <-aborted:
				// Abort has returned: this write must fail.
				if _, err := f.Write(chunk); err == nil {
					done <- errors.New("write after Abort succeeded")
					return
				}
			default:
				if _, err := f.Write(chunk); err == nil {
					if i == 0 {
						close(started)
					}
					continue
				}
			}
			if err := f.Commit(); err == nil {
				done <- errors.New("Commit after Abort succeeded")
				return
			}
			done <- nil
			return
		}
	}()
	<-started
	if err := f.Abort(); err != nil {
		t.Error(err)
	}
	close(aborted)
	if err := <-done; err != nil {
		t.Error(err)
	}
	if ns := names(t, dir); len(ns) != 0 {
		t.Errorf("folder holds %q after Abort", ns)
	}
}

// Abort racing Commit: either the commit wins and the file is complete, or
// the abort wins and there is none; never a temporary file.
func TestAbortDuringCommit(t *testing.T) {
	dir := t.TempDir()
	for i := range 50 {
		path := filepath.Join(dir, fmt.Sprintf("out%d.txt", i))
		f, err := Create(path)
		if err != nil {
			t.Fatal(err)
		}
		f.Write([]byte("complete\n"))
		var cerr, aerr error
		var wg sync.WaitGroup
		wg.Add(2)
		go func() { defer wg.Done(); cerr = f.Commit() }()
		go func() { defer wg.Done(); aerr = f.Abort() }()
		wg.Wait()
		if aerr != nil {
			t.Errorf("Abort: %v", aerr)
		}
		b, err := os.ReadFile(path)
		switch {
		case cerr == nil && (err != nil || string(b) != "complete\n"):
			t.Errorf("Commit succeeded but %s holds %q (%v)", path, b, err)
		case cerr != nil && !errors.Is(err, fs.ErrNotExist):
			t.Errorf("Commit failed (%v) but %s exists", cerr, path)
		}
	}
	for _, n := range names(t, dir) {
		if strings.HasPrefix(n, ".") {
			t.Errorf("temporary file %s left behind", n)
		}
	}
}
