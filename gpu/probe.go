//go:build cgo

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
// // hand. *status is cuInit's result, *countStatus cuDeviceGetCount's.
// static void call(void *init, void *getCount, void *getVersion, int *status, int *countStatus, int *count, int *version) {
// 	*version = 0;
// 	((cu_int_fn)getVersion)(version);
// 	*status = ((cu_init_fn)init)(0);
// 	*count = 0;
// 	*countStatus = 0;
// 	if (*status == 0) *countStatus = ((cu_int_fn)getCount)(count);
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

// probeSymbols are the driver's entry points the probe calls.
var probeSymbols = []string{"cuInit", "cuDeviceGetCount", "cuDriverGetVersion"}

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
	var status, countStatus, count, version C.int
	C.call(syms[0], syms[1], syms[2], &status, &countStatus, &count, &version)
	p := Probe{Library: true, Status: int(status), Devices: int(count), DriverVersion: int(version)}
	cmarker := C.CString(cpuBackedSymbol)
	if desc := C.lookup(h, cmarker); desc != nil {
		p.CPUBacked = C.GoString((*C.char)(desc))
	}
	C.free(unsafe.Pointer(cmarker))
	switch {
	case p.Status != 0:
		p.Err = initError(CUresult(p.Status), p.DriverVersion)
	case countStatus != 0:
		p.Err = fmt.Errorf("the CUDA driver (%s) could not count its devices: cuDeviceGetCount: %w", versionString(p.DriverVersion), CUresult(countStatus))
	case p.Devices <= 0:
		p.Err = fmt.Errorf("no CUDA device: the driver (%s) counts none", versionString(p.DriverVersion))
	default:
		// The kernels are PTX, which only a driver that knows its ISA
		// compiles: say so here rather than at the first module load.
		if need, err := embeddedPTXNeed(); err == nil {
			p.Err = checkDriverForPTX(p.DriverVersion, need)
		}
	}
	return p
}

// initError explains a cuInit that failed with r, naming the code as
// cuda.h does, with what it usually means on Linux.
func initError(r CUresult, version int) error {
	v := versionString(version)
	switch r {
	case 100: // CUDA_ERROR_NO_DEVICE
		return fmt.Errorf("no CUDA device: the driver (%s) found no GPU (cuInit: %w)", v, r)
	case 803: // CUDA_ERROR_SYSTEM_DRIVER_MISMATCH
		return fmt.Errorf("the NVIDIA driver library (%s) does not match the NVIDIA kernel module loaded (cuInit: %w): "+
			"a libcuda.so.1 of another driver release comes first, often a distribution's package over NVIDIA's driver or a container's library that differs from the host's; "+
			"compare /proc/driver/nvidia/version with the library's version", v, r)
	case 999: // CUDA_ERROR_UNKNOWN
		return fmt.Errorf("the CUDA driver (%s) failed to start (cuInit: %w): often the NVIDIA kernel module is not loaded or /dev/nvidia* cannot be opened (a container started without its GPUs)", v, r)
	case 34: // CUDA_ERROR_STUB_LIBRARY
		return fmt.Errorf("the libcuda.so.1 loaded is the CUDA toolkit's stub, for linking only (cuInit: %w): take the toolkit's lib64/stubs out of LD_LIBRARY_PATH", r)
	case 804: // CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE
		return fmt.Errorf("the CUDA forward-compatibility library loaded (%s) does not support this GPU (cuInit: %w): take the cuda-compat folder out of LD_LIBRARY_PATH to use the driver's own library", v, r)
	case 304: // CUDA_ERROR_OPERATING_SYSTEM
		return fmt.Errorf("the CUDA driver (%s) failed to start: a system call failed (cuInit: %w), often the permissions of /dev/nvidia*", v, r)
	case 802: // CUDA_ERROR_SYSTEM_NOT_READY
		return fmt.Errorf("the CUDA driver (%s) says the system is not ready (cuInit: %w): on NVSwitch machines, start nvidia-fabricmanager", v, r)
	}
	return fmt.Errorf("the CUDA driver (%s) failed to start (cuInit failed: %w)", v, r)
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
