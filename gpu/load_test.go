package gpu

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFindNamesMissingDriverSymbol: a driver library that the probe
// accepts but that lacks an entry point the plugin binds makes the plugin
// fail to load; Find names the symbol, the CUDA release that added it, the
// driver's version and what the plugin needs. The plugin here is a C
// library that binds cuCtxResetPersistingL2Cache (CUDA 11.0) as
// gorgonia.org/cu does: dlopen fails on it before anything of Go's plugin
// format is read.
func TestFindNamesMissingDriverSymbol(t *testing.T) {
	dir := t.TempDir()
	lib := buildLibrary(t, dir, "libstubcuda", stubDriverC)
	plugin := buildLibrary(t, dir, "fakeplugin", `
extern int cuInit(unsigned);
extern int cuCtxResetPersistingL2Cache(void);
int fake_plugin_entry(void) { return cuInit(0) + cuCtxResetPersistingL2Cache(); }
`, "-L"+dir, "-lstubcuda", "-Wl,-rpath,"+dir)
	t.Setenv("CORESCALE_CUDA_LIBRARY", lib)
	t.Setenv("CORESCALE_CUDA_PLUGIN", plugin)
	t.Setenv("STUB_CU_INIT", "0")
	t.Setenv("STUB_CU_DEVICES", "1")
	t.Setenv("STUB_CU_VERSION", "10020")
	d, err := Find()
	if d != nil || err == nil {
		t.Fatalf("Find: %v, %v", d, err)
	}
	msg := err.Error()
	for _, w := range []string{
		"the NVIDIA driver library (CUDA 10.2) lacks cuCtxResetPersistingL2Cache (added in CUDA 11.0), which gorgonia.org/cu needs",
		"driver too old",
		"needs a driver for CUDA 11.0 or newer, NVIDIA 450.36.06 or newer",
		filepath.Base(plugin),
	} {
		if !strings.Contains(msg, w) {
			t.Errorf("%q lacks %q", msg, w)
		}
	}
}

func TestUndefinedSymbol(t *testing.T) {
	for text, want := range map[string]string{
		`plugin.Open("/x/corescale-cuda.so"): /x/corescale-cuda.so: undefined symbol: cuCtxResetPersistingL2Cache`: "cuCtxResetPersistingL2Cache",
		`plugin.Open("p"): p: undefined symbol: cuStreamWaitValue32_v2, version libcuda.so.1`:                      "cuStreamWaitValue32_v2",
		`plugin.Open("p"): p: undefined symbol: memcpy`:                                                            "",
		`plugin.Open("p"): libcuda.so.1: cannot open shared object file: No such file or directory`:                "",
	} {
		if got := undefinedDriverSymbol(text); got != want {
			t.Errorf("%q: %q, want %q", text, got, want)
		}
	}
}

func TestNewestDriverSymbol(t *testing.T) {
	sym, r := newestDriverSymbol([]string{"cuInit", "cuGraphCreate", "cuDevicePrimaryCtxRelease_v2", "cuDeviceGetUuid", "malloc"})
	if sym != "cuDevicePrimaryCtxRelease_v2" || r.cuda != 11000 || r.driver != "450.36.06" {
		t.Errorf("newest: %s, %+v", sym, r)
	}
	if sym, r := newestDriverSymbol([]string{"cuInit", "cuMemAlloc_v2"}); sym != "" || r.cuda != 0 {
		t.Errorf("only old symbols: %s, %+v", sym, r)
	}
	for sym := range driverSymbolSince {
		if releaseOf(driverSymbolSince[sym]).driver == "" {
			t.Errorf("%s: CUDA %d is not in cudaReleases", sym, driverSymbolSince[sym])
		}
	}
}

// TestPluginSymbolsNeed: the driver entry points the plugin built in CI
// binds (gpu/cuda/driver-symbols.txt, which .ci/run compares with the
// plugin it builds) need CUDA 11.0's driver, 450 or newer, as the README
// says.
func TestPluginSymbolsNeed(t *testing.T) {
	b, err := os.ReadFile("cuda/driver-symbols.txt")
	if err != nil {
		t.Fatal(err)
	}
	names := strings.Fields(string(b))
	if len(names) < 100 {
		t.Fatalf("%d symbols listed", len(names))
	}
	sym, r := newestDriverSymbol(names)
	if r.cuda != 11000 || r.driver != "450.36.06" {
		t.Errorf("the plugin's newest driver entry point is %s, of %+v: update the README's driver requirement", sym, r)
	}
}
