package gpu

// #cgo LDFLAGS: -ldl
// #include <dlfcn.h>
// #include <stdlib.h>
// #include <string.h>
//
// typedef int (*cu_init_fn)(unsigned int);
// typedef int (*cu_int_fn)(int *);
//
// // open_lib opens the driver library. On failure it copies dlerror's text
// // into why within the same call: dlerror is per thread, and a later cgo
// // call may run on another one.
// static void *open_lib(const char *lib, char *why, size_t n) {
// 	void *h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
// 	if (h == NULL) {
// 		const char *e = dlerror();
// 		strncpy(why, e ? e : "", n - 1);
// 		why[n - 1] = 0;
// 	}
// 	return h;
// }
//
// static void *lookup(void *h, const char *name) { return dlsym(h, name); }
//
// static void close_lib(void *h) { dlclose(h); }
//
// // call asks the driver for its version, initialises it and counts
// // devices, without CUDA headers: the three calls are declared here by
// // hand. *status is cuInit's result.
// static void call(void *init, void *getCount, void *getVersion, int *status, int *count, int *version) {
// 	*version = 0;
// 	((cu_int_fn)getVersion)(version);
// 	*status = ((cu_init_fn)init)(0);
// 	*count = 0;
// 	if (*status == 0) ((cu_int_fn)getCount)(count);
// }
import "C"

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"unsafe"
)

// DriverLibrary is the CUDA driver library the probe opens.
const DriverLibrary = "libcuda.so.1"

// probeSymbols are the driver's entry points the probe calls.
var probeSymbols = []string{"cuInit", "cuDeviceGetCount", "cuDriverGetVersion"}

// Probe is what the driver library says about this machine, found without
// linking it: gorgonia.org/cu exits the process when cuInit fails, so the
// plugin that uses it is opened only after a probe has found a device.
type Probe struct {
	Library       bool // the library could be opened and has the driver's entry points
	Status        int  // cuInit's result: 0, or a CUresult such as 100 (no device)
	Devices       int
	DriverVersion int // 12040 is 12.4
	Err           error
}

// ProbeDriver opens lib (DriverLibrary in normal use) and asks it for
// devices. A lib with a slash is a path, as dlopen takes it: it must be a
// regular file (after symlinks), checked before dlopen, which would block
// for ever on a FIFO and read a device.
func ProbeDriver(lib string) Probe {
	if strings.Contains(lib, "/") {
		if err := regularFile(lib); err != nil {
			return Probe{Err: fmt.Errorf("no NVIDIA driver library: %w", err)}
		}
	}
	clib := C.CString(lib)
	defer C.free(unsafe.Pointer(clib))
	var why [512]C.char
	h := C.open_lib(clib, &why[0], C.size_t(len(why)))
	if h == nil {
		// dlerror usually names the library already ("libcuda.so.1:
		// cannot open shared object file: …").
		msg := C.GoString(&why[0])
		if !strings.Contains(msg, lib) {
			msg = lib + ": " + msg
		}
		return Probe{Err: fmt.Errorf("no NVIDIA driver library: %s", msg)}
	}
	syms := make([]unsafe.Pointer, len(probeSymbols))
	var missing []string
	for i, name := range probeSymbols {
		cname := C.CString(name)
		syms[i] = C.lookup(h, cname)
		C.free(unsafe.Pointer(cname))
		if syms[i] == nil {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		C.close_lib(h)
		return Probe{Err: fmt.Errorf("%s is not a CUDA driver library: it lacks %s", lib, strings.Join(missing, ", "))}
	}
	var status, count, version C.int
	C.call(syms[0], syms[1], syms[2], &status, &count, &version)
	p := Probe{Library: true, Status: int(status), Devices: int(count), DriverVersion: int(version)}
	switch {
	case p.Status == 100:
		p.Err = fmt.Errorf("no CUDA device: the driver (%s) found no GPU (CUDA_ERROR_NO_DEVICE)", versionString(p.DriverVersion))
	case p.Status == 35:
		p.Err = fmt.Errorf("the NVIDIA driver (%s) is older than the CUDA runtime it serves (CUDA_ERROR_INSUFFICIENT_DRIVER): install driver 520 or newer", versionString(p.DriverVersion))
	case p.Status != 0:
		p.Err = fmt.Errorf("the CUDA driver failed to start: cuInit returned CUresult %d", p.Status)
	case p.Devices == 0:
		p.Err = fmt.Errorf("no CUDA device: the driver (%s) counts none", versionString(p.DriverVersion))
	}
	return p
}

// regularFile returns nil when path is a regular file after symlinks, else
// an error that names path once and says what it is.
func regularFile(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return fmt.Errorf("%s: %w", path, pe.Err)
		}
		return err
	}
	if fi.Mode().IsRegular() {
		return nil
	}
	return fmt.Errorf("%s is %s, not a regular file", path, describeMode(fi.Mode()))
}

// describeMode names the kind of file a mode is, for a file that is not a
// regular one.
func describeMode(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a folder"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	}
	return "a special file (" + m.Type().String() + ")"
}

func versionString(v int) string {
	if v <= 0 {
		return "version unknown"
	}
	return fmt.Sprintf("CUDA %d.%d", v/1000, v%1000/10)
}
