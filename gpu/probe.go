package gpu

// #cgo LDFLAGS: -ldl
// #include <dlfcn.h>
// #include <stdlib.h>
//
// typedef int (*cu_init_fn)(unsigned int);
// typedef int (*cu_int_fn)(int *);
//
// // probe opens the driver library, initialises it and counts devices,
// // without CUDA headers: the three calls are declared here by hand.
// // It returns 0, or -1 when the library cannot be opened, -2 when a
// // symbol is missing; *status is cuInit's result.
// static int probe(const char *lib, int *status, int *count, int *version) {
// 	void *h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
// 	if (h == NULL) return -1;
// 	cu_init_fn init = (cu_init_fn)dlsym(h, "cuInit");
// 	cu_int_fn getCount = (cu_int_fn)dlsym(h, "cuDeviceGetCount");
// 	cu_int_fn getVersion = (cu_int_fn)dlsym(h, "cuDriverGetVersion");
// 	if (init == NULL || getCount == NULL || getVersion == NULL) return -2;
// 	*version = 0;
// 	getVersion(version);
// 	*status = init(0);
// 	*count = 0;
// 	if (*status == 0) getCount(count);
// 	return 0;
// }
//
// static const char *dl_error(void) {
// 	const char *e = dlerror();
// 	return e ? e : "";
// }
import "C"

import (
	"fmt"
	"strings"
	"unsafe"
)

// DriverLibrary is the CUDA driver library the probe opens.
const DriverLibrary = "libcuda.so.1"

// Probe is what the driver library says about this machine, found without
// linking it: gorgonia.org/cu exits the process when cuInit fails, so the
// plugin that uses it is opened only after a probe has found a device.
type Probe struct {
	Library       bool // the library could be opened
	Status        int  // cuInit's result: 0, or a CUresult such as 100 (no device)
	Devices       int
	DriverVersion int // 12040 is 12.4
	Err           error
}

// ProbeDriver opens lib (DriverLibrary in normal use) and asks it for
// devices.
func ProbeDriver(lib string) Probe {
	clib := C.CString(lib)
	defer C.free(unsafe.Pointer(clib))
	var status, count, version C.int
	switch C.probe(clib, &status, &count, &version) {
	case -1:
		// dlerror names the library already ("libcuda.so.1: cannot open
		// shared object file: …").
		why := C.GoString(C.dl_error())
		if !strings.Contains(why, lib) {
			why = lib + ": " + why
		}
		return Probe{Err: fmt.Errorf("no NVIDIA driver library: %s", why)}
	case -2:
		return Probe{Err: fmt.Errorf("%s is not a CUDA driver library: a symbol is missing", lib)}
	}
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

func versionString(v int) string {
	if v <= 0 {
		return "version unknown"
	}
	return fmt.Sprintf("CUDA %d.%d", v/1000, v%1000/10)
}
