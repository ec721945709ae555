package gpu

import (
	"strings"
	"testing"
)

// stubDriverC stands in for libcuda.so.1 in the probe's tests: cuInit's
// result, the device count and the driver version come from the
// environment at each call, so one build serves every case.
const stubDriverC = `
#include <stdlib.h>
static int env(const char *name, int def) {
	const char *v = getenv(name);
	return v && *v ? atoi(v) : def;
}
int cuInit(unsigned flags) { (void)flags; return env("STUB_CU_INIT", 0); }
int cuDeviceGetCount(int *n) { *n = env("STUB_CU_DEVICES", 1); return 0; }
int cuDriverGetVersion(int *v) { *v = env("STUB_CU_VERSION", 11080); return 0; }
`

// stubDriver builds the stand-in. It has no soname: the loader would hand
// a library whose soname is libcuda.so.1, once loaded, to every later
// dlopen of "libcuda.so.1" in this process, the real driver's probe
// included.
func stubDriver(t *testing.T) string {
	return buildLibrary(t, t.TempDir(), "libstubcuda", stubDriverC)
}

// TestProbeNamesCUresults: a cuInit that fails is reported with the code's
// name from cuda.h and its number, and what it usually means.
func TestProbeNamesCUresults(t *testing.T) {
	lib := stubDriver(t)
	for _, c := range []struct {
		code string
		want []string
	}{
		{"100", []string{"no CUDA device", "CUDA_ERROR_NO_DEVICE (100)", "CUDA 11.8"}},
		{"803", []string{"CUDA_ERROR_SYSTEM_DRIVER_MISMATCH (803)", "kernel module", "/proc/driver/nvidia/version"}},
		{"999", []string{"CUDA_ERROR_UNKNOWN (999)", "kernel module"}},
		{"34", []string{"CUDA_ERROR_STUB_LIBRARY (34)", "stubs"}},
		{"804", []string{"CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE (804)"}},
		{"4242", []string{"cuInit failed: CUresult 4242"}},
	} {
		t.Setenv("STUB_CU_INIT", c.code)
		p := ProbeDriver(lib)
		if !p.Library || p.Err == nil {
			t.Errorf("cuInit %s: %+v", c.code, p)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(p.Err.Error(), w) {
				t.Errorf("cuInit %s: %q lacks %q", c.code, p.Err, w)
			}
		}
	}
}

// TestProbeDriverTooOldForPTX: a driver that reports a device but is older
// than the embedded PTX's ISA is refused by the probe, with both versions
// and the driver release to install, not left to fail at the module load.
func TestProbeDriverTooOldForPTX(t *testing.T) {
	lib := stubDriver(t)
	t.Setenv("STUB_CU_INIT", "0")
	t.Setenv("STUB_CU_DEVICES", "2")
	t.Setenv("STUB_CU_VERSION", "8000")
	p := ProbeDriver(lib)
	if p.Err == nil || p.Devices != 2 {
		t.Fatalf("a CUDA 8.0 driver: %+v", p)
	}
	for _, w := range []string{"CUDA 8.0", "too old", "ISA 6.0", "CUDA 9.0 or newer", "384.81"} {
		if !strings.Contains(p.Err.Error(), w) {
			t.Errorf("%q lacks %q", p.Err, w)
		}
	}
	for _, v := range []string{"9000", "11080", "12040"} {
		t.Setenv("STUB_CU_VERSION", v)
		if p := ProbeDriver(lib); p.Err != nil || p.Devices != 2 {
			t.Errorf("driver %s: %+v", v, p)
		}
	}
	t.Setenv("STUB_CU_DEVICES", "0")
	if p := ProbeDriver(lib); p.Err == nil || !strings.Contains(p.Err.Error(), "counts none") {
		t.Errorf("no device: %+v", p)
	}
}
