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

// Library returns the driver library to probe: DriverLibrary, or
// $CORESCALE_CUDA_LIBRARY, which tests and CI point at a missing file to
// check the machine without a driver.
func Library() string {
	if l := os.Getenv("CORESCALE_CUDA_LIBRARY"); l != "" {
		return l
	}
	return DriverLibrary
}

// ErrUnavailable marks the errors of Find: this machine cannot use a GPU,
// for the reason the error gives.
var ErrUnavailable = errors.New("no usable GPU")

// Find returns the real CUDA driver when this machine can use it: the
// probe finds a device, and the plugin exists and loads. Otherwise the
// error says exactly why and what to do, and matches ErrUnavailable.
func Find() (Driver, error) {
	p := ProbeDriver(Library())
	if p.Err != nil {
		advice := "install the NVIDIA driver (520 or newer) on a machine with an NVIDIA GPU"
		if p.Library {
			advice = "this machine's driver sees no usable GPU"
		}
		return nil, fmt.Errorf("%w: %v (%s)", ErrUnavailable, p.Err, advice)
	}
	path := PluginPath()
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("%w: %d CUDA device(s), but no GPU plugin at %s: build it with make cuda (needs CUDA 11.x or 12.x headers, not 13)", ErrUnavailable, p.Devices, path)
	}
	pl, err := plugin.Open(path)
	if err != nil {
		if strings.Contains(err.Error(), "different version") {
			return nil, fmt.Errorf("%w: %s was built by another toolchain or from another version of corescale: rebuild it with make cuda (%v)", ErrUnavailable, path, err)
		}
		return nil, fmt.Errorf("%w: open %s: %v", ErrUnavailable, path, err)
	}
	sym, err := pl.Lookup("Driver")
	if err != nil {
		return nil, fmt.Errorf("%w: %s is not a corescale GPU plugin: %v", ErrUnavailable, path, err)
	}
	d, ok := sym.(*Driver)
	if !ok || *d == nil {
		return nil, fmt.Errorf("%w: %s exports Driver of type %T, not gpu.Driver", ErrUnavailable, path, sym)
	}
	return *d, nil
}
