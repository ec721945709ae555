package main

import (
	"bytes"
	"fmt"
	"io"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// buildPrimeBinary builds the command into a test folder, for the tests that
// need a process of their own: signals, and failures that end a process.
func buildPrimeBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "corescale")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// startPrime starts cmd, to be killed when the test ends if it has not ended.
func startPrime(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
}

// lockedBuffer is a buffer a process writes to while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *lockedBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *lockedBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitUntil polls cond until it holds; it fails the test after a long while,
// which only a broken build reaches.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
	}
}

// signalAndWait sends sig to cmd and returns its exit code. A process that
// does not end is killed, and the test fails.
func signalAndWait(t *testing.T, cmd *exec.Cmd, sig syscall.Signal) int {
	t.Helper()
	if err := cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatalf("still running a minute after %v", sig)
	}
	return cmd.ProcessState.ExitCode()
}

// dirNames lists the entries of dir.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var ns []string
	for _, e := range es {
		ns = append(ns, e.Name())
	}
	return ns
}

var primeStopSignals = []syscall.Signal{syscall.SIGINT, syscall.SIGTERM}

// TestPrimeInterruptOutput stops a run writing --output mid-write: the
// temporary file goes, the old output stays as it was, exit status 1.
func TestPrimeInterruptOutput(t *testing.T) {
	bin := buildPrimeBinary(t)
	for _, sig := range primeStopSignals {
		t.Run(sig.String(), func(t *testing.T) {
			dir, tmp := t.TempDir(), t.TempDir()
			out := filepath.Join(dir, "out.txt")
			if err := os.WriteFile(out, []byte("old\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(bin, "prime", "--random", "50000000", "--bits", "64", "--print", "all", "--output", out)
			cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
			var stderr lockedBuffer
			cmd.Stderr = &stderr
			startPrime(t, cmd)
			waitUntil(t, "a temporary output of 1 MB", func() bool {
				for _, n := range dirNames(t, dir) {
					if fi, err := os.Stat(filepath.Join(dir, n)); err == nil && n != "out.txt" && fi.Size() > 1<<20 {
						return true
					}
				}
				return false
			})
			code := signalAndWait(t, cmd, sig)
			want := "corescale: interrupted: nothing was written to " + out + "\n"
			if code != 1 || stderr.String() != want {
				t.Errorf("exit %d, stderr %q; want 1 and %q", code, stderr.String(), want)
			}
			if got := dirNames(t, dir); len(got) != 1 {
				t.Errorf("output folder holds %q, want out.txt alone", got)
			}
			if got, _ := os.ReadFile(out); string(got) != "old\n" {
				t.Errorf("out.txt holds %.20q, want it as it was", got)
			}
			if got := dirNames(t, tmp); len(got) != 0 {
				t.Errorf("TMPDIR holds %q", got)
			}
		})
	}
}

// TestPrimeInterruptStdinSpool stops a run while stdin is being copied to
// the temporary folder to be checked: the copy goes.
func TestPrimeInterruptStdinSpool(t *testing.T) {
	bin := buildPrimeBinary(t)
	for _, sig := range primeStopSignals {
		t.Run(sig.String(), func(t *testing.T) {
			tmp := t.TempDir()
			cmd := exec.Command(bin, "prime", "--input", "-")
			cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
			var stdout, stderr lockedBuffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			in, err := cmd.StdinPipe()
			if err != nil {
				t.Fatal(err)
			}
			startPrime(t, cmd)
			// stdin stays open: the run is still copying it when stopped.
			defer in.Close()
			if _, err := io.WriteString(in, strings.Repeat("7\n", 100000)); err != nil {
				t.Fatal(err)
			}
			waitUntil(t, "the copy of stdin", func() bool {
				for _, n := range dirNames(t, tmp) {
					if strings.HasPrefix(n, "corescale-input-") {
						return true
					}
				}
				return false
			})
			code := signalAndWait(t, cmd, sig)
			want := "corescale: interrupted: nothing was printed\n"
			if code != 1 || stderr.String() != want || stdout.String() != "" {
				t.Errorf("exit %d, stdout %.20q, stderr %q; want 1, nothing and %q", code, stdout.String(), stderr.String(), want)
			}
			if got := dirNames(t, tmp); len(got) != 0 {
				t.Errorf("TMPDIR holds %q after the signal", got)
			}
		})
	}
}

// TestPrimeInterruptStdout stops a run printing to stdout: what was printed
// stays, and the message says that the list is partial.
func TestPrimeInterruptStdout(t *testing.T) {
	bin := buildPrimeBinary(t)
	for _, sig := range primeStopSignals {
		t.Run(sig.String(), func(t *testing.T) {
			cmd := exec.Command(bin, "prime", "--random", "50000000", "--bits", "64", "--print", "all")
			cmd.Env = append(os.Environ(), "TMPDIR="+t.TempDir())
			var stderr lockedBuffer
			cmd.Stderr = &stderr
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			startPrime(t, cmd)
			// Read 1 MB, then go on reading so the process never blocks on
			// a full pipe.
			if _, err := io.CopyN(io.Discard, out, 1<<20); err != nil {
				t.Fatal(err)
			}
			go io.Copy(io.Discard, out)
			code := signalAndWait(t, cmd, sig)
			want := "corescale: interrupted: stdout holds a partial list, cut where it stopped\n"
			if code != 1 || stderr.String() != want {
				t.Errorf("exit %d, stderr %q; want 1 and %q", code, stderr.String(), want)
			}
		})
	}
}

// TestPrimeInterruptPipe stops a run writing to a named pipe, which is
// written directly: the message says that it holds a partial list.
func TestPrimeInterruptPipe(t *testing.T) {
	bin := buildPrimeBinary(t)
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no named pipe: %v", err)
	}
	cmd := exec.Command(bin, "prime", "--random", "50000000", "--bits", "64", "--print", "all", "--output", fifo)
	var stderr lockedBuffer
	cmd.Stderr = &stderr
	startPrime(t, cmd)
	f, err := os.Open(fifo)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := io.CopyN(io.Discard, f, 1<<20); err != nil {
		t.Fatal(err)
	}
	go io.Copy(io.Discard, f)
	code := signalAndWait(t, cmd, syscall.SIGINT)
	want := "corescale: interrupted: " + fifo + " holds a partial list, cut where it stopped\n"
	if code != 1 || stderr.String() != want {
		t.Errorf("exit %d, stderr %q; want 1 and %q", code, stderr.String(), want)
	}
	if got := dirNames(t, filepath.Dir(fifo)); len(got) != 1 {
		t.Errorf("folder holds %q", got)
	}
}

// TestPrimeLongNumber: one number that takes minutes is announced on
// stderr, with an estimate, and Ctrl-C ends the run at once, though
// math/big's test of it cannot be stopped.
func TestPrimeLongNumber(t *testing.T) {
	bin := buildPrimeBinary(t)
	dir := t.TempDir()
	// 2^86243-1, a Mersenne prime: minutes of math/big.
	m := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 86243), big.NewInt(1))
	in := filepath.Join(dir, "numbers.txt")
	if err := os.WriteFile(in, []byte(fmt.Sprintf("7\n# big\n%s\n11\n", m)), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, verbose := range []bool{false, true} {
		t.Run(fmt.Sprintf("verbose=%v", verbose), func(t *testing.T) {
			args := []string{"prime", "--input", in, "--output", filepath.Join(dir, "out.txt")}
			if verbose {
				args = append(args, "--verbose")
			}
			cmd := exec.Command(bin, args...)
			cmd.Env = append(os.Environ(), "TMPDIR="+t.TempDir())
			var stderr lockedBuffer
			cmd.Stderr = &stderr
			startPrime(t, cmd)
			note := "corescale: " + in + ":3: a 86,243-bit number: up to about "
			waitUntil(t, "the note of a long number", func() bool { return strings.Contains(stderr.String(), "(Ctrl-C stops)\n") })
			if !strings.Contains(stderr.String(), note) {
				t.Errorf("stderr %q; want it to hold %q", stderr.String(), note)
			}
			code := signalAndWait(t, cmd, syscall.SIGINT)
			if code != 1 || !strings.HasSuffix(stderr.String(), "corescale: interrupted: nothing was written to "+filepath.Join(dir, "out.txt")+"\n") {
				t.Errorf("exit %d, stderr %q; want 1 and interrupted", code, stderr.String())
			}
			if got := dirNames(t, dir); len(got) != 1 {
				t.Errorf("folder holds %q, want the input alone", got)
			}
		})
	}
}

// TestPrimeBitsBounded: --bits is refused past its limit before anything is
// allocated, with exit status 2 and one line, never the runtime's
// out-of-memory crash (also exit status 2, with a goroutine dump) nor a run
// without end.
func TestPrimeBitsBounded(t *testing.T) {
	bin := buildPrimeBinary(t)
	for _, bits := range []string{"9999999999999", "1000000000", "65537"} {
		cmd := exec.Command(bin, "prime", "--random", "2", "--bits", bits)
		var stdout, stderr lockedBuffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		startPrime(t, cmd)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			<-done
			t.Errorf("--bits %s: still running after 30 s", bits)
			continue
		}
		want := "corescale: --bits " + bits + ": want 2 to 65536 (math/big takes minutes to test a number of 65536 bits)\n"
		if code := cmd.ProcessState.ExitCode(); code != 2 || stderr.String() != want || stdout.String() != "" {
			t.Errorf("--bits %s: exit %d, stdout %q, stderr %.200q; want 2 and %q", bits, code, stdout.String(), stderr.String(), want)
		}
	}
}

// TestPrimeStdinIsOutput: --input - reading the file that --output names
// is refused, as --input FILE is.
func TestPrimeStdinIsOutput(t *testing.T) {
	bin := buildPrimeBinary(t)
	path := filepath.Join(t.TempDir(), "n.txt")
	if err := os.WriteFile(path, []byte("7\n8\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cmd := exec.Command(bin, "prime", "--input", "-", "--output", path)
	cmd.Stdin = f
	out, err := cmd.CombinedOutput()
	want := "corescale: --output " + path + " would overwrite the input, which stdin reads: write to another file\n"
	if code := cmd.ProcessState.ExitCode(); code != 2 || string(out) != want {
		t.Errorf("exit %d (%v), %q; want 2 and %q", code, err, out, want)
	}
	if got, _ := os.ReadFile(path); string(got) != "7\n8\n" {
		t.Errorf("input changed to %q", got)
	}
	if got := dirNames(t, filepath.Dir(path)); len(got) != 1 {
		t.Errorf("folder holds %q", got)
	}
}
