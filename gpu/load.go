package gpu

import (
	"debug/elf"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"plugin"
	"regexp"
	"strings"
	"sync"
)

// PluginName is the file of the real driver, built by make cuda. It is
// looked for beside the corescale binary, or at $CORESCALE_CUDA_PLUGIN.
const PluginName = "corescale-cuda.so"

// PluginPath returns where the real driver's plugin is looked for.
func PluginPath() string {
	if p := os.Getenv("CORESCALE_CUDA_PLUGIN"); p != "" {
		return p
	}
	exe, err := os.Executable()
	if err != nil {
		return PluginName
	}
	return filepath.Join(filepath.Dir(exe), PluginName)
}

// libraryEnv names the driver library in place of DriverLibrary.
const libraryEnv = "CORESCALE_CUDA_LIBRARY"

// Library returns the driver library to probe: DriverLibrary, or
// $CORESCALE_CUDA_LIBRARY, which tests and CI point at a missing file to
// check the machine without a driver.
func Library() string {
	if l := os.Getenv(libraryEnv); l != "" {
		return l
	}
	return DriverLibrary
}

// ErrUnavailable marks the errors of Find: this machine cannot use a GPU,
// for the reason the error gives.
var ErrUnavailable = errors.New("no usable GPU")

// UnavailableError is Find's error: why this machine cannot use a GPU and
// what to do. It matches ErrUnavailable.
type UnavailableError struct {
	// Reason is the why and the what to do, without "no usable GPU".
	Reason string
}

func (e *UnavailableError) Error() string        { return ErrUnavailable.Error() + ": " + e.Reason }
func (e *UnavailableError) Is(target error) bool { return target == ErrUnavailable }

func unavailable(format string, a ...any) error {
	return &UnavailableError{fmt.Sprintf(format, a...)}
}

// Reason returns why err, an error of Find, says there is no usable GPU,
// without "no usable GPU" (for a line that says it already); any other
// error whole.
func Reason(err error) string {
	var u *UnavailableError
	if errors.As(err, &u) {
		return u.Reason
	}
	return err.Error()
}

// Find returns the real CUDA driver when this machine can use it: the
// probe finds a device, and the plugin exists and loads. Otherwise the
// error says exactly why and what to do, and matches ErrUnavailable.
func Find() (Driver, error) {
	p := ProbeDriver(Library())
	if p.Err != nil {
		switch {
		case p.Library:
			// The probe's reasons from the library say what to do.
			return nil, unavailable("%v", p.Err)
		case os.Getenv(libraryEnv) != "":
			// The user chose the file: installing a driver would not
			// change what it is. The error names it already.
			return nil, unavailable("%v (set by %s: point it at the NVIDIA driver's %s, or unset it to use the system's)", p.Err, libraryEnv, DriverLibrary)
		}
		return nil, unavailable("%v (install the NVIDIA driver, %s, on a machine with an NVIDIA GPU)", p.Err, oldestDriver())
	}
	path := PluginPath()
	if _, err := os.Stat(path); err != nil {
		return nil, unavailable("%d CUDA device(s), but no GPU plugin at %s: build it with make cuda (needs CUDA 11.x or 12.x headers, not 13)", p.Devices, path)
	}
	pl, err := plugin.Open(path)
	if err != nil {
		if sym := undefinedDriverSymbol(err.Error()); sym != "" {
			return nil, unavailable("%s", missingSymbolReason(sym, p.DriverVersion, path))
		}
		if strings.Contains(err.Error(), "different version") {
			return nil, unavailable("%s was built by another toolchain or from another version of corescale: rebuild it with make cuda (%v)", path, err)
		}
		return nil, unavailable("open %s: %v", path, err)
	}
	sym, err := pl.Lookup("Driver")
	if err != nil {
		return nil, unavailable("%s is not a corescale GPU plugin: %v", path, err)
	}
	d, ok := sym.(*Driver)
	if !ok || *d == nil {
		return nil, unavailable("%s exports Driver of type %T, not gpu.Driver", path, sym)
	}
	if p.CPUBacked != "" {
		return cpuBacked{*d, p.CPUBacked}, nil
	}
	return *d, nil
}

// cpuBacked is the real plugin on a driver library that runs the kernels
// on the CPU: everything runs as on a GPU, through gorgonia.org/cu, but
// its times are no GPU's, so it reports itself as emulated.
type cpuBacked struct {
	Driver
	what string
}

func (c cpuBacked) Name() string   { return c.Driver.Name() + " on " + c.what }
func (c cpuBacked) Emulated() bool { return true }

// undefinedSymbolRE finds the symbol in dlopen's "undefined symbol: NAME"
// (or "undefined symbol: NAME, version V"), compiled when a plugin fails
// to load rather than at every start.
var undefinedSymbolRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`undefined symbol: (cu\w+)`) })

// undefinedDriverSymbol returns the CUDA driver entry point that a
// plugin.Open error says is undefined, or "". The plugin binds every
// entry point gorgonia.org/cu references when it is loaded (about 160, of
// which corescale calls about 28), so a driver that lacks any one of them
// fails the load.
func undefinedDriverSymbol(openErr string) string {
	if m := undefinedSymbolRE().FindStringSubmatch(openErr); m != nil {
		return m[1]
	}
	return ""
}

// missingSymbolReason says that the driver library lacks sym and what the
// plugin at path needs instead.
func missingSymbolReason(sym string, version int, path string) string {
	added := ""
	if c, ok := driverSymbolSince[sym]; ok {
		added = fmt.Sprintf(" (added in %s)", versionString(c))
	}
	msg := fmt.Sprintf("the NVIDIA driver library (%s) lacks %s%s, which gorgonia.org/cu needs: driver too old", versionString(version), sym, added)
	if newest, r, err := pluginNeed(path); err == nil && newest != "" {
		msg += fmt.Sprintf("; the plugin built here, %s, needs a driver for %s or newer, NVIDIA %s or newer (its newest driver entry point is %s)", path, versionString(r.cuda), r.driver, newest)
	} else {
		msg += fmt.Sprintf(" for the plugin built here, %s", path)
	}
	return msg
}

// oldestDriver says which NVIDIA driver corescale's GPU path needs: the
// newer of what the kernels' PTX and the plugin's entry points need.
func oldestDriver() string {
	need := cudaRelease{}
	if n, err := embeddedPTXNeed(); err == nil {
		need = n.release
	}
	if _, r, err := pluginNeed(PluginPath()); err == nil && r.cuda > need.cuda {
		need = r
	}
	if need.driver == "" {
		return "a recent one"
	}
	return fmt.Sprintf("%s or newer, for %s", need.driver, versionString(need.cuda))
}

// pluginNeed returns the newest CUDA driver entry point the plugin at path
// binds and the release that added it (the zero release when none is
// newer than the table's oldest).
func pluginNeed(path string) (string, cudaRelease, error) {
	f, err := elf.Open(path)
	if err != nil {
		return "", cudaRelease{}, err
	}
	defer f.Close()
	imports, err := f.ImportedSymbols()
	if err != nil {
		return "", cudaRelease{}, fmt.Errorf("%s: %w", path, err)
	}
	names := make([]string, len(imports))
	for i, s := range imports {
		names[i] = s.Name
	}
	sym, r := newestDriverSymbol(names)
	return sym, r, nil
}

// newestDriverSymbol returns the name among names that the latest CUDA
// release added, by driverSymbolSince, and that release.
func newestDriverSymbol(names []string) (string, cudaRelease) {
	newest, since := "", 0
	for _, n := range names {
		if c := driverSymbolSince[n]; c > since {
			newest, since = n, c
		}
	}
	return newest, releaseOf(since)
}

// driverSymbolSince gives the CUDA release that added each driver entry
// point that gorgonia.org/cu v0.9.6 makes the plugin bind and that is
// newer than CUDA 9.0, the oldest the kernels' PTX runs on (NVIDIA's
// driver API reference; the _v2 names are what cuda.h's macros bind).
// Built against CUDA 11.8's headers the newest are 11.0's; other headers
// may map calls to later _v2 names (the stream memory operations' of 11.7,
// cuDeviceGetUuid_v2 of 11.4), listed here so that they are counted.
// gpu/cuda/driver-symbols.txt lists what the plugin built in CI binds, and
// CI fails when that changes.
var driverSymbolSince = map[string]int{
	"cuDeviceGetUuid":               9020,
	"cuGraphAddChildGraphNode":      10000,
	"cuGraphAddDependencies":        10000,
	"cuGraphAddEmptyNode":           10000,
	"cuGraphAddHostNode":            10000,
	"cuGraphAddKernelNode":          10000,
	"cuGraphAddMemcpyNode":          10000,
	"cuGraphAddMemsetNode":          10000,
	"cuGraphClone":                  10000,
	"cuGraphCreate":                 10000,
	"cuGraphDestroy":                10000,
	"cuGraphDestroyNode":            10000,
	"cuGraphExecDestroy":            10000,
	"cuGraphGetEdges":               10000,
	"cuCtxResetPersistingL2Cache":   11000,
	"cuDevicePrimaryCtxRelease_v2":  11000,
	"cuDevicePrimaryCtxReset_v2":    11000,
	"cuDevicePrimaryCtxSetFlags_v2": 11000,
	"cuDeviceGetUuid_v2":            11040,
	"cuStreamWaitValue32_v2":        11070,
	"cuStreamWriteValue32_v2":       11070,
	"cuStreamWaitValue64_v2":        11070,
	"cuStreamWriteValue64_v2":       11070,
	"cuStreamBatchMemOp_v2":         11070,
}
