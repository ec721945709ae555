package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestPrimeDirectOutputChecked: a pipe as --output cannot be taken back, so
// a bad line at the end of the input leaves it empty, as on stdout.
func TestPrimeDirectOutputChecked(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "numbers.txt")
	var b strings.Builder
	for i := range 50000 {
		b.WriteString(strings.Repeat("1", 1+i%9) + "\n")
	}
	b.WriteString("12x\n")
	if err := os.WriteFile(in, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	got := make(chan int, 1)
	go func() {
		f, err := os.Open(fifo)
		if err != nil {
			got <- -1
			return
		}
		defer f.Close()
		n, _ := io.Copy(io.Discard, f)
		got <- int(n)
	}()
	_, stderr, code := runCLI("", "prime", "--print", "all", "--input", in, "--output", fifo)
	if code != 2 || !strings.Contains(stderr, `"12x" is not a number`) {
		t.Errorf("exit %d, %q; want 2 and the bad line named", code, stderr)
	}
	// The reader waits in open until a writer comes: come as one, so that
	// it sees the end of what was written (nothing, if all went well).
	if w, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
		w.Close()
	}
	if n := <-got; n != 0 {
		t.Errorf("%d bytes reached the pipe before the bad line was found", n)
	}
}
