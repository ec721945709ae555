package atomicfile

import (
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// fifo makes a named pipe in a new folder and opens it for reading. Linux
// lets O_RDWR open a pipe without waiting for a writer, so Create's open
// does not wait either.
func fifo(t *testing.T) (dir, path string, r *os.File) {
	t.Helper()
	dir = t.TempDir()
	path = filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	r, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return dir, path, r
}

func TestCreateDevNull(t *testing.T) {
	dir := t.TempDir()
	link := filepath.Join(dir, "out")
	if err := os.Symlink("/dev/null", link); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/dev/null", link} {
		f, err := Create(path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Write([]byte("gone\n")); err != nil {
			t.Error(err)
		}
		if err := f.Commit(); err != nil {
			t.Error(err)
		}
	}
	if fi, err := os.Stat("/dev/null"); err != nil || fi.Mode().Type() != os.ModeDevice|os.ModeCharDevice {
		t.Errorf("/dev/null is now %v (%v)", fi.Mode(), err)
	}
	isLink(t, link, "/dev/null")
	if ns := names(t, dir); len(ns) != 1 {
		t.Errorf("folder holds %q", ns)
	}
}

func TestCreateFIFO(t *testing.T) {
	dir, path, r := fifo(t)
	f, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	want := "through the pipe\n"
	if _, err := f.Write([]byte(want)); err != nil {
		t.Fatal(err)
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, len(want))
	if _, err := io.ReadFull(r, got); err != nil || string(got) != want {
		t.Errorf("read %q (%v), want %q", got, err, want)
	}
	if ns := names(t, dir); len(ns) != 1 {
		t.Errorf("folder holds %q", ns)
	}
	if fi, err := os.Lstat(path); err != nil || fi.Mode().Type() != os.ModeNamedPipe {
		t.Errorf("%s is now %v (%v)", path, fi.Mode(), err)
	}
}

// Abort from another goroutine ends a write blocked on a full pipe, and
// leaves the pipe itself alone.
func TestAbortUnblocksPipeWrite(t *testing.T) {
	dir, path, _ := fifo(t)
	f, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	go func() {
		// Far more than a pipe holds, with nobody reading.
		_, err := f.Write(make([]byte, 4<<20))
		done <- err
	}()
	if err := f.Abort(); err != nil {
		t.Error(err)
	}
	if err := <-done; err == nil {
		t.Error("write to an aborted pipe succeeded")
	}
	if err := f.Commit(); err == nil {
		t.Error("Commit after Abort succeeded")
	}
	if ns := names(t, dir); len(ns) != 1 || ns[0] != "pipe" {
		t.Errorf("folder holds %q, want the pipe", ns)
	}
}

func TestCreateSocket(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sock")
	l, err := net.Listen("unix", path)
	if err != nil {
		t.Skipf("unix socket: %v", err)
	}
	defer l.Close()
	f, err := Create(path)
	if err == nil {
		f.Abort()
		t.Fatal("Create of a socket succeeded")
	}
	if !strings.Contains(err.Error(), path) {
		t.Errorf("error %q does not name %s", err, path)
	}
}
