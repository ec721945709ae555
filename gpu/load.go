package gpu

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"plugin"
	"strings"
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
		var advice string
		switch {
		case p.Library:
			advice = "this machine's driver sees no usable GPU"
		case os.Getenv(libraryEnv) != "":
			// The user chose the file: installing a driver would not
			// change what it is. The error names it already.
			advice = "set by " + libraryEnv + ": point it at the NVIDIA driver's " + DriverLibrary + ", or unset it to use the system's"
		default:
			advice = "install the NVIDIA driver (520 or newer) on a machine with an NVIDIA GPU"
		}
		return nil, unavailable("%v (%s)", p.Err, advice)
	}
	path := PluginPath()
	if _, err := os.Stat(path); err != nil {
		return nil, unavailable("%d CUDA device(s), but no GPU plugin at %s: build it with make cuda (needs CUDA 11.x or 12.x headers, not 13)", p.Devices, path)
	}
	pl, err := plugin.Open(path)
	if err != nil {
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
	return *d, nil
}
