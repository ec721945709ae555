package gpu

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// unblocked runs f, which reads lib, and fails the test if it does not
// return: a dlopen of a FIFO blocks in open(2) until a writer comes. On a
// hang the writer end is opened and closed until f returns (each open of
// the FIFO blocks anew), so the test process is not left with a stuck
// thread.
func unblocked[T any](t *testing.T, lib string, f func() T) T {
	t.Helper()
	done := make(chan T, 1)
	go func() { done <- f() }()
	select {
	case v := <-done:
		return v
	case <-time.After(30 * time.Second):
		for {
			if f, err := os.OpenFile(lib, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
				f.Close()
			}
			select {
			case <-done:
				t.Fatalf("reading %s blocked until a writer opened it", lib)
			case <-time.After(10 * time.Millisecond):
			}
		}
	}
}

// TestProbeRefusesNonRegular: a library given as a path that is not a
// regular file — a FIFO, a character device, a folder — is refused before
// dlopen, which would block on the FIFO forever, with a message that names
// the path once and says what it is.
func TestProbeRefusesNonRegular(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "libcuda.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "libcuda.so.1")
	if err := os.Symlink(fifo, link); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ lib, what string }{
		{fifo, "named pipe"},
		{link, "named pipe"}, // a symlink is followed
		{"/dev/null", "device"},
		{dir, "folder"},
	} {
		p := unblocked(t, tc.lib, func() Probe { return ProbeDriver(tc.lib) })
		if p.Library || p.Err == nil {
			t.Errorf("%s: %+v", tc.lib, p)
			continue
		}
		msg := p.Err.Error()
		if !strings.Contains(msg, "not a regular file") || !strings.Contains(msg, tc.what) {
			t.Errorf("%s: %q does not say it is a %s, not a regular file", tc.lib, msg, tc.what)
		}
		if n := strings.Count(msg, tc.lib); n != 1 {
			t.Errorf("%s: named %d times in %q", tc.lib, n, msg)
		}
	}
}

// TestProbePathOnce: whatever dlopen says, the message names the library
// once (dlerror's text often starts with it).
func TestProbePathOnce(t *testing.T) {
	dir := t.TempDir()
	notELF := filepath.Join(dir, "libcuda.so.1")
	if err := os.WriteFile(notELF, []byte("not a library\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty.so")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, lib := range []string{notELF, empty, filepath.Join(dir, "missing", "libcuda.so.1"), "libcuda-that-does-not-exist.so.1"} {
		p := ProbeDriver(lib)
		if p.Library || p.Err == nil {
			t.Errorf("%s: %+v", lib, p)
			continue
		}
		if msg := p.Err.Error(); strings.Count(msg, lib) != 1 || !strings.Contains(msg, "no NVIDIA driver library") {
			t.Errorf("%s: %q should name it once, after \"no NVIDIA driver library\"", lib, msg)
		}
	}
}

// buildLibrary compiles C source into a shared library in dir, with
// flags after the source (libraries to link, a soname).
func buildLibrary(t *testing.T, dir, name, src string, flags ...string) string {
	t.Helper()
	if _, err := exec.LookPath("gcc"); err != nil {
		t.Skip("no gcc")
	}
	c := filepath.Join(dir, name+".c")
	if err := os.WriteFile(c, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	so := filepath.Join(dir, name+".so")
	if out, err := exec.Command("gcc", append([]string{"-shared", "-fPIC", "-o", so, c}, flags...)...).CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
	return so
}

// TestProbeNamesMissingSymbol: a library without the driver's entry points
// is refused with the names of those it lacks; one with all three is
// called (here it answers CUDA_ERROR_NO_DEVICE, as the real driver does on
// a machine without a GPU).
func TestProbeNamesMissingSymbol(t *testing.T) {
	dir := t.TempDir()
	partial := buildLibrary(t, dir, "libpartial", "int cuInit(unsigned int f) { return 0; }\n")
	p := ProbeDriver(partial)
	if p.Library || p.Err == nil {
		t.Fatalf("%s: %+v", partial, p)
	}
	msg := p.Err.Error()
	for _, want := range []string{"cuDeviceGetCount", "cuDriverGetVersion"} {
		if !strings.Contains(msg, want) {
			t.Errorf("%q does not name the missing %s", msg, want)
		}
	}
	if strings.Contains(msg, "cuInit") {
		t.Errorf("%q names cuInit, which the library has", msg)
	}
	if strings.Count(msg, partial) != 1 {
		t.Errorf("%q should name %s once", msg, partial)
	}

	if p := ProbeDriver("libc.so.6"); p.Err == nil || !strings.Contains(p.Err.Error(), "cuInit") {
		t.Errorf("libc.so.6: %+v", p)
	}

	full := buildLibrary(t, dir, "libfull", `int cuInit(unsigned int f) { return 100; }
int cuDeviceGetCount(int *n) { *n = 0; return 100; }
int cuDriverGetVersion(int *v) { *v = 12040; return 0; }
`)
	p = ProbeDriver(full)
	if !p.Library || p.Status != 100 || p.DriverVersion != 12040 || p.Err == nil || !strings.Contains(p.Err.Error(), "no CUDA device") {
		t.Errorf("%s: %+v", full, p)
	}
}

// TestFindAdviceForNamedLibrary: when CORESCALE_CUDA_LIBRARY names the
// library, the advice is about that setting, not installing a driver; the
// error is still an UnavailableError matching ErrUnavailable and names the
// file once.
func TestFindAdviceForNamedLibrary(t *testing.T) {
	lib := filepath.Join(t.TempDir(), "libcuda.so.1")
	for _, make := range []func() error{
		func() error { return nil }, // missing
		func() error { return os.WriteFile(lib, []byte("text"), 0o644) },
		func() error { os.Remove(lib); return syscall.Mkfifo(lib, 0o600) },
	} {
		if err := make(); err != nil {
			t.Fatal(err)
		}
		t.Setenv("CORESCALE_CUDA_LIBRARY", lib)
		type found struct {
			d   Driver
			err error
		}
		r := unblocked(t, lib, func() found { d, err := Find(); return found{d, err} })
		d, err := r.d, r.err
		if d != nil || err == nil {
			t.Fatalf("Find with %s: %v, %v", lib, d, err)
		}
		var u *UnavailableError
		if !errors.Is(err, ErrUnavailable) || !errors.As(err, &u) {
			t.Errorf("%v is not an UnavailableError", err)
		}
		msg := err.Error()
		if !strings.Contains(msg, "CORESCALE_CUDA_LIBRARY") || strings.Contains(msg, "install the NVIDIA driver") {
			t.Errorf("%q: want advice about CORESCALE_CUDA_LIBRARY, not installing the driver", msg)
		}
		if strings.Count(msg, lib) != 1 {
			t.Errorf("%q should name %s once", msg, lib)
		}
	}
}

// TestProbeCPUBacked: a driver library that exports cpuBackedSymbol is
// reported as CPU-backed with its description, so that the plugin's runs
// on it are labelled emulated; NVIDIA's exports no such thing.
func TestProbeCPUBacked(t *testing.T) {
	dir := t.TempDir()
	driver := `int cuInit(unsigned int f) { return 0; }
int cuDeviceGetCount(int *n) { *n = 1; return 0; }
int cuDriverGetVersion(int *v) { *v = 11080; return 0; }
`
	plain := buildLibrary(t, dir, "libplain", driver)
	marked := buildLibrary(t, dir, "libmarked", driver+`const char corescale_cpu_backed_driver[] = "a test driver on the CPU";`)
	if p := ProbeDriver(plain); !p.Library || p.CPUBacked != "" {
		t.Errorf("%s: %+v", plain, p)
	}
	if p := ProbeDriver(marked); !p.Library || p.CPUBacked != "a test driver on the CPU" {
		t.Errorf("%s: %+v", marked, p)
	}
	var d Driver = cpuBacked{Driver: nil, what: "x"}
	if !d.Emulated() {
		t.Error("a CPU-backed driver is not reported as emulated")
	}
}
