package atomicfile

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// TestDescriptorPaths: /dev/fd/N (and /dev/stdout, /proc/self/fd/N) is
// written through the descriptor itself, as a shell redirection would: a
// file opened for appending is appended to, not replaced by a rename, and a
// pipe works though its link leads to no path.
func TestDescriptorPaths(t *testing.T) {
	log := filepath.Join(t.TempDir(), "log")
	if err := os.WriteFile(log, []byte("before\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	app, err := os.OpenFile(log, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	before, _ := os.Stat(log)
	for _, path := range []string{fmt.Sprintf("/dev/fd/%d", app.Fd()), fmt.Sprintf("/proc/self/fd/%d", app.Fd())} {
		f, err := Create(path)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if _, err := f.Write([]byte(path + "\n")); err != nil {
			t.Fatal(err)
		}
		if err := f.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	after, _ := os.Stat(log)
	got, _ := os.ReadFile(log)
	want := fmt.Sprintf("before\n/dev/fd/%d\n/proc/self/fd/%d\n", app.Fd(), app.Fd())
	if string(got) != want || !os.SameFile(before, after) {
		t.Errorf("log holds %q (same file: %v), want %q appended in place", got, os.SameFile(before, after), want)
	}

	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	f, err := Create(fmt.Sprintf("/dev/fd/%d", w.Fd()))
	if err != nil {
		t.Fatalf("a pipe's descriptor: %v", err)
	}
	f.Write([]byte("through the pipe"))
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	buf := make([]byte, 64)
	n, _ := r.Read(buf)
	if string(buf[:n]) != "through the pipe" {
		t.Errorf("pipe read %q", buf[:n])
	}
}
