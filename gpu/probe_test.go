package gpu

import (
	"os"
	"strings"
	"testing"
)

// TestProbeNoLibrary: a machine without the driver library gets a reason
// that names it.
func TestProbeNoLibrary(t *testing.T) {
	p := ProbeDriver("libcuda-that-does-not-exist.so.1")
	if p.Library || p.Err == nil || !strings.Contains(p.Err.Error(), "no NVIDIA driver library") {
		t.Errorf("probe of a missing library: %+v", p)
	}
	if p := ProbeDriver("libc.so.6"); p.Library || p.Err == nil || !strings.Contains(p.Err.Error(), "not a CUDA driver") {
		t.Errorf("probe of libc: %+v", p)
	}
}

// TestProbeRealDriver runs the probe against the real libcuda.so.1 where it
// is installed (CI installs the toolkit): on these machines, which have no
// GPU, it must say so rather than fail or crash.
func TestProbeRealDriver(t *testing.T) {
	if _, err := os.Stat("/usr/lib/x86_64-linux-gnu/libcuda.so.1"); err != nil {
		t.Skip("no libcuda.so.1 installed (make cuda-toolkit)")
	}
	p := ProbeDriver(DriverLibrary)
	if !p.Library {
		t.Fatalf("libcuda.so.1 is installed but the probe could not open it: %v", p.Err)
	}
	t.Logf("probe: %+v", p)
	if p.Devices == 0 && p.Err == nil {
		t.Error("no device and no reason")
	}
	if p.Devices > 0 && p.Err != nil {
		t.Errorf("%d devices and an error: %v", p.Devices, p.Err)
	}
}

// TestFindWithoutGPU: on a machine with no GPU, Find refuses with a reason
// that says what is missing, whether or not the driver library is there.
func TestFindWithoutGPU(t *testing.T) {
	if p := ProbeDriver(DriverLibrary); p.Err == nil {
		t.Skipf("this machine has %d CUDA device(s)", p.Devices)
	}
	d, err := Find()
	if d != nil || err == nil || !strings.Contains(err.Error(), "no") {
		t.Errorf("Find without a GPU: %v, %v", d, err)
	}
	t.Log(err)
}
