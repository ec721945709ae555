//go:build cgo

package fakecuda

// #cgo CFLAGS: -std=c11 -O2 -Wall -I${SRCDIR}
// #cgo CXXFLAGS: -std=c++17 -O2 -I${SRCDIR}/../../kernels
// #cgo LDFLAGS: -lpthread -lm
// #define _GNU_SOURCE
// #include <pthread.h>
// #include <stdlib.h>
// #include <string.h>
// #include <sys/mman.h>
// #include <unistd.h>
// #include <fakecuda.h> // <>, -I: never another fakecuda.h in the compiler's working directory
// #include <ptx.h>
//
// // on_new_thread runs cuMemAlloc on a thread of its own, which no context
// // has ever been current on: what a goroutine that moved to another OS
// // thread does when it forgets to make its context current there.
// struct alloc_call { size_t n; CUdeviceptr p; CUresult r; };
// static void *alloc_thread(void *arg) {
// 	struct alloc_call *a = arg;
// 	a->r = cuMemAlloc_v2(&a->p, a->n);
// 	return NULL;
// }
// static CUresult alloc_on_new_thread(size_t n) {
// 	struct alloc_call a = {n, 0, 0};
// 	pthread_t t;
// 	if (pthread_create(&t, NULL, alloc_thread, &a) != 0) return CUDA_ERROR_OPERATING_SYSTEM;
// 	pthread_join(t, NULL);
// 	return a.r;
// }
//
// // launch_packed launches f with the values of params packed back to back
// // in one buffer (no padding, sizes as given) and kernelParams[i]
// // pointing at value i: a value given narrower than its parameter is read
// // together with the bytes after it, as the real driver reads it.
// static CUresult launch_packed(CUfunction f, const unsigned *dims, CUstream s, const unsigned char *values,
//                               const int *sizes, int n) {
// 	size_t total = 0;
// 	for (int i = 0; i < n; i++) total += (size_t)sizes[i];
// 	unsigned char *buf = malloc(total + 16);
// 	void **ptrs = malloc(sizeof(void *) * (size_t)(n > 0 ? n : 1));
// 	memcpy(buf, values, total);
// 	memset(buf + total, 0xee, 16);
// 	size_t off = 0;
// 	for (int i = 0; i < n; i++) ptrs[i] = buf + off, off += (size_t)sizes[i];
// 	CUresult r = cuLaunchKernel(f, dims[0], dims[1], dims[2], dims[3], dims[4], dims[5], 0, s, ptrs, NULL);
// 	free(ptrs);
// 	free(buf);
// 	return r;
// }
//
// // launch_short launches f with an argument list of n pointers that ends
// // where readable memory ends, as an argument list one entry short would
// // when the driver reads past it.
// static CUresult launch_short(CUfunction f, const unsigned *dims, CUstream s, const unsigned char *values,
//                              const int *sizes, int n) {
// 	long pg = sysconf(_SC_PAGESIZE);
// 	unsigned char *map = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
// 	if (map == MAP_FAILED) return CUDA_ERROR_OPERATING_SYSTEM;
// 	mprotect(map + pg, pg, PROT_NONE);
// 	unsigned char *vals = map;
// 	void **ptrs = (void **)(map + pg) - n;
// 	size_t off = 0;
// 	for (int i = 0; i < n; i++) {
// 		memcpy(vals + off, values + off, (size_t)sizes[i]);
// 		ptrs[i] = vals + off;
// 		off += (size_t)sizes[i];
// 	}
// 	CUresult r = cuLaunchKernel(f, dims[0], dims[1], dims[2], dims[3], dims[4], dims[5], 0, s, ptrs, NULL);
// 	munmap(map, 2 * pg);
// 	return r;
// }
//
// static CUresult launch_extra(CUfunction f, const unsigned *dims, CUstream s, void *buf, size_t size) {
// 	void *extra[] = {CU_LAUNCH_PARAM_BUFFER_POINTER, buf, CU_LAUNCH_PARAM_BUFFER_SIZE, &size, CU_LAUNCH_PARAM_END};
// 	return cuLaunchKernel(f, dims[0], dims[1], dims[2], dims[3], dims[4], dims[5], 0, s, NULL, extra);
// }
//
// static CUresult elapsed(CUevent a, CUevent b, float *ms) { return cuEventElapsedTime(ms, a, b); }
import "C"

import (
	"fmt"
	"unsafe"
)

// The driver's entry points for the tests, which cannot use cgo
// themselves: each returns the CUresult as an error (nil for success).

// cuError is a CUresult other than CUDA_SUCCESS.
type cuError int

func (e cuError) Error() string {
	var name *C.char
	if C.cuGetErrorName(C.CUresult(e), &name) == C.CUDA_SUCCESS {
		return fmt.Sprintf("%s (%d)", C.GoString(name), int(e))
	}
	return fmt.Sprintf("CUresult %d", int(e))
}

// The CUresults the tests expect.
const (
	errInvalidValue          = cuError(C.CUDA_ERROR_INVALID_VALUE)
	errOutOfMemory           = cuError(C.CUDA_ERROR_OUT_OF_MEMORY)
	errNotInitialized        = cuError(C.CUDA_ERROR_NOT_INITIALIZED)
	errDeviceUnavailable     = cuError(C.CUDA_ERROR_DEVICE_UNAVAILABLE)
	errNoDevice              = cuError(C.CUDA_ERROR_NO_DEVICE)
	errInvalidContext        = cuError(C.CUDA_ERROR_INVALID_CONTEXT)
	errInvalidPTX            = cuError(C.CUDA_ERROR_INVALID_PTX)
	errUnsupportedPTXVersion = cuError(C.CUDA_ERROR_UNSUPPORTED_PTX_VERSION)
	errInvalidHandle         = cuError(C.CUDA_ERROR_INVALID_HANDLE)
	errIllegalState          = cuError(C.CUDA_ERROR_ILLEGAL_STATE)
	errNotFound              = cuError(C.CUDA_ERROR_NOT_FOUND)
	errNotReady              = cuError(C.CUDA_ERROR_NOT_READY)
	errIllegalAddress        = cuError(C.CUDA_ERROR_ILLEGAL_ADDRESS)
	errLaunchOutOfResources  = cuError(C.CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES)
	errContextIsDestroyed    = cuError(C.CUDA_ERROR_CONTEXT_IS_DESTROYED)
	errLaunchFailed          = cuError(C.CUDA_ERROR_LAUNCH_FAILED)
	errNotSupported          = cuError(C.CUDA_ERROR_NOT_SUPPORTED)
	errSystemDriverMismatch  = cuError(C.CUDA_ERROR_SYSTEM_DRIVER_MISMATCH)
	errUnknown               = cuError(C.CUDA_ERROR_UNKNOWN)
)

func check(r C.CUresult) error {
	if r == C.CUDA_SUCCESS {
		return nil
	}
	return cuError(r)
}

// reset makes the driver read its settings again; no context may be alive.
func reset() error { return check(C.fakecuda_reset()) }

func initDriver() error { return check(C.cuInit(0)) }

// isaDriver returns the oldest driver version that loads PTX ISA
// major.minor, 0 if the fake does not know the ISA.
func isaDriver(major, minor int) int { return int(C.ptx_isa_driver(C.int(major), C.int(minor))) }

func driverVersion() (int, error) {
	var v C.int
	err := check(C.cuDriverGetVersion(&v))
	return int(v), err
}

func deviceCount() (int, error) {
	var n C.int
	err := check(C.cuDeviceGetCount(&n))
	return int(n), err
}

func deviceName(dev int) (string, error) {
	var buf [256]C.char
	if err := check(C.cuDeviceGetName(&buf[0], C.int(len(buf)), C.CUdevice(dev))); err != nil {
		return "", err
	}
	return C.GoString(&buf[0]), nil
}

func deviceAttribute(dev, attr int) (int, error) {
	var v C.int
	err := check(C.cuDeviceGetAttribute(&v, C.CUdevice_attribute(attr), C.CUdevice(dev)))
	return int(v), err
}

func deviceMemory(dev int) (int64, error) {
	var n C.size_t
	err := check(C.cuDeviceTotalMem_v2(&n, C.CUdevice(dev)))
	return int64(n), err
}

const (
	attrMultiprocessors = C.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT
	attrMajor           = C.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR
	attrMinor           = C.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR
	attrMaxGridY        = C.CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Y
)

type context struct{ h C.CUcontext }

// createContext makes a context on dev, current on the calling OS thread.
func createContext(dev int) (context, error) {
	var c context
	err := check(C.cuCtxCreate_v2(&c.h, 0, C.CUdevice(dev)))
	return c, err
}

// retainPrimary retains dev's primary context; it is not made current.
func retainPrimary(dev int) (context, error) {
	var c context
	err := check(C.cuDevicePrimaryCtxRetain(&c.h, C.CUdevice(dev)))
	return c, err
}

func releasePrimary(dev int) error { return check(C.cuDevicePrimaryCtxRelease_v2(C.CUdevice(dev))) }

func (c context) destroy() error     { return check(C.cuCtxDestroy_v2(c.h)) }
func (c context) makeCurrent() error { return check(C.cuCtxSetCurrent(c.h)) }

func popCurrent() error {
	var c C.CUcontext
	return check(C.cuCtxPopCurrent_v2(&c))
}

func synchronize() error { return check(C.cuCtxSynchronize()) }

// allocOnNewThread calls cuMemAlloc on a fresh OS thread.
func allocOnNewThread(n int) error { return check(C.alloc_on_new_thread(C.size_t(n))) }

func memInfo() (free, total int64, err error) {
	var f, t C.size_t
	err = check(C.cuMemGetInfo_v2(&f, &t))
	return int64(f), int64(t), err
}

type devPtr uint64

func memAlloc(n int) (devPtr, error) {
	var p C.CUdeviceptr
	err := check(C.cuMemAlloc_v2(&p, C.size_t(n)))
	return devPtr(p), err
}

func memFree(p devPtr) error { return check(C.cuMemFree_v2(C.CUdeviceptr(p))) }

// pinned is page-locked host memory from cuMemAllocHost.
type pinned struct {
	p unsafe.Pointer
	n int
}

func memAllocHost(n int) (pinned, error) {
	var p unsafe.Pointer
	err := check(C.cuMemAllocHost_v2(&p, C.size_t(n)))
	return pinned{p, n}, err
}

func (h pinned) bytes() []byte { return unsafe.Slice((*byte)(h.p), h.n) }
func (h pinned) free() error   { return check(C.cuMemFreeHost(h.p)) }

// copyToDevice copies Go memory synchronously.
func copyToDevice(dst devPtr, src []byte) error {
	return check(C.cuMemcpyHtoD_v2(C.CUdeviceptr(dst), unsafe.Pointer(&src[0]), C.size_t(len(src))))
}

func copyToHost(dst []byte, src devPtr) error {
	return check(C.cuMemcpyDtoH_v2(unsafe.Pointer(&dst[0]), C.CUdeviceptr(src), C.size_t(len(dst))))
}

type stream struct{ h C.CUstream }

func streamCreate() (stream, error) {
	var s stream
	err := check(C.cuStreamCreate(&s.h, C.CU_STREAM_NON_BLOCKING))
	return s, err
}

func (s stream) synchronize() error { return check(C.cuStreamSynchronize(s.h)) }
func (s stream) query() error       { return check(C.cuStreamQuery(s.h)) }
func (s stream) destroy() error     { return check(C.cuStreamDestroy_v2(s.h)) }

func (s stream) copyToDevice(dst devPtr, src pinned, off, n int) error {
	return check(C.cuMemcpyHtoDAsync_v2(C.CUdeviceptr(dst), unsafe.Add(src.p, off), C.size_t(n), s.h))
}

func (s stream) copyToHost(dst pinned, off int, src devPtr, n int) error {
	return check(C.cuMemcpyDtoHAsync_v2(unsafe.Add(dst.p, off), C.CUdeviceptr(src), C.size_t(n), s.h))
}

// copyFromGo queues an asynchronous copy from Go memory, which is not
// page-locked: the fake refuses it, so the pointer is not kept past the
// call.
func (s stream) copyFromGo(dst devPtr, src []byte) error {
	return check(C.cuMemcpyHtoDAsync_v2(C.CUdeviceptr(dst), unsafe.Pointer(&src[0]), C.size_t(len(src)), s.h))
}

type event struct{ h C.CUevent }

func eventCreate() (event, error) {
	var e event
	err := check(C.cuEventCreate(&e.h, 0))
	return e, err
}

func (e event) record(s stream) error { return check(C.cuEventRecord(e.h, s.h)) }
func (e event) query() error          { return check(C.cuEventQuery(e.h)) }
func (e event) synchronize() error    { return check(C.cuEventSynchronize(e.h)) }
func (e event) destroy() error        { return check(C.cuEventDestroy_v2(e.h)) }

// since returns the milliseconds from earlier to e.
func (e event) since(earlier event) (float32, error) {
	var ms C.float
	err := check(C.elapsed(earlier.h, e.h, &ms))
	return float32(ms), err
}

type module struct{ h C.CUmodule }

func loadModule(ptx string) (module, error) {
	var m module
	c := C.CString(ptx)
	defer C.free(unsafe.Pointer(c))
	err := check(C.cuModuleLoadData(&m.h, unsafe.Pointer(c)))
	return m, err
}

func (m module) unload() error { return check(C.cuModuleUnload(m.h)) }

type function struct{ h C.CUfunction }

func (m module) function(name string) (function, error) {
	var f function
	c := C.CString(name)
	defer C.free(unsafe.Pointer(c))
	err := check(C.cuModuleGetFunction(&f.h, m.h, c))
	return f, err
}

type dim3 [3]uint32

// launch launches f with the argument values given, each as many bytes as
// the caller thinks the parameter takes.
func (f function) launch(s stream, grid, block dim3, args ...[]byte) error {
	return f.launchArgs(false, s, grid, block, args)
}

// launchShort launches f with an argument list that ends at unreadable
// memory after the arguments given.
func (f function) launchShort(s stream, grid, block dim3, args ...[]byte) error {
	return f.launchArgs(true, s, grid, block, args)
}

func (f function) launchArgs(short bool, s stream, grid, block dim3, args [][]byte) error {
	dims := []C.uint{C.uint(grid[0]), C.uint(grid[1]), C.uint(grid[2]), C.uint(block[0]), C.uint(block[1]), C.uint(block[2])}
	values := []byte{0}
	sizes := []C.int{0}
	if len(args) > 0 {
		values, sizes = values[:0], sizes[:0]
		for _, a := range args {
			values = append(values, a...)
			sizes = append(sizes, C.int(len(a)))
		}
	}
	if short {
		return check(C.launch_short(f.h, &dims[0], s.h, (*C.uchar)(&values[0]), &sizes[0], C.int(len(args))))
	}
	return check(C.launch_packed(f.h, &dims[0], s.h, (*C.uchar)(&values[0]), &sizes[0], C.int(len(args))))
}

// launchExtra launches f with its arguments packed in buf, which the
// driver is told holds len(buf) bytes.
func (f function) launchExtra(s stream, grid, block dim3, buf []byte) error {
	dims := []C.uint{C.uint(grid[0]), C.uint(grid[1]), C.uint(grid[2]), C.uint(block[0]), C.uint(block[1]), C.uint(block[2])}
	c := C.CBytes(buf)
	defer C.free(c)
	return check(C.launch_extra(f.h, &dims[0], s.h, c, C.size_t(len(buf))))
}
