package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestPrimeDirectOutputChecked: a pipe as --output cannot be taken back, so
// a bad line at the end of the input leaves it empty, as on stdout.
func TestPrimeDirectOutputChecked(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "numbers.txt")
	var b strings.Builder
	for i := range 200000 { // more than one block of numbers (primeio.BlockSize)
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
	// The test holds the pipe open for reading and writing, so that
	// opening it never waits and reading never ends at a writer's close;
	// once the command has returned, whatever it wrote is in the pipe or
	// already read, and a deadline ends the reading.
	pipe, err := os.OpenFile(fifo, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer pipe.Close()
	got := make(chan int, 1)
	go func() {
		n, _ := io.Copy(io.Discard, pipe)
		got <- int(n)
	}()
	_, stderr, code := runCLI("", "prime", "--print", "all", "--input", in, "--output", fifo)
	if code != 2 || !strings.Contains(stderr, `"12x" is not a number`) {
		t.Errorf("exit %d, %q; want 2 and the bad line named", code, stderr)
	}
	pipe.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	if n := <-got; n != 0 {
		t.Errorf("%d bytes reached the pipe before the bad line was found", n)
	}
}
