//go:build cuda

// Command cuda is the real CUDA driver for corescale, built as a plugin
// (make cuda: go build -tags cuda -buildmode=plugin -o corescale-cuda.so)
// and opened by the main binary only after its probe has found a device:
// gorgonia.org/cu initialises CUDA in its package init and exits the
// process when that fails, so it is never linked into the main binary.
// It builds against CUDA 11.x and 12.x headers; CUDA 13 changed
// cuCtxCreate, which gorgonia.org/cu v0.9.6 calls.
package main

// #cgo LDFLAGS: -lcuda
// #include <cuda.h>
import "C"

import (
	"fmt"
	"runtime"
	"sync"
	"time"
	"unsafe"

	"gorgonia.org/cu"

	"github.com/corescale/corescale/gpu"
	"github.com/corescale/corescale/kernels"
)

// cuErr reports a failed driver call: a gorgonia.org/cu error becomes a
// gpu.CUresult, which reads as cuda.h names the code, with the number
// ("cuMemAlloc: CUDA_ERROR_OUT_OF_MEMORY (2)"), where gorgonia.org/cu's
// own text is a short name alone, and which callers can match with
// errors.As.
func cuErr(call string, err error) error {
	if err == nil {
		return nil
	}
	if r, ok := gpu.CUresultIn(err, "gorgonia.org/cu"); ok {
		return fmt.Errorf("%s: %w", call, r)
	}
	return fmt.Errorf("%s: %w", call, err)
}

// result is cuErr for a CUresult of a call made through cgo here.
func result(call string, r C.CUresult) error {
	if r == C.CUDA_SUCCESS {
		return nil
	}
	return fmt.Errorf("%s: %w", call, gpu.CUresult(r))
}

// Driver is the symbol the main binary looks up.
var Driver gpu.Driver = driver{}

type driver struct{}

func (driver) Name() string {
	return fmt.Sprintf("CUDA driver %d.%d", cu.Version()/1000, cu.Version()%1000/10)
}
func (driver) Emulated() bool { return false }

func (driver) Devices() ([]gpu.Device, error) {
	n, err := cu.NumDevices()
	if err != nil {
		return nil, fmt.Errorf("count devices: %w", cuErr("cuDeviceGetCount", err))
	}
	var devs []gpu.Device
	for i := range n {
		d, err := cu.GetDevice(i)
		if err != nil {
			return nil, fmt.Errorf("device %d: %w", i, cuErr("cuDeviceGet", err))
		}
		name, err := d.Name()
		if err != nil {
			return nil, fmt.Errorf("device %d: %w", i, cuErr("cuDeviceGetName", err))
		}
		major, minor, err := d.ComputeCapability()
		if err != nil {
			return nil, fmt.Errorf("device %d: %w", i, cuErr("cuDeviceGetAttribute (compute capability)", err))
		}
		mem, err := d.TotalMem()
		if err != nil {
			return nil, fmt.Errorf("device %d: %w", i, cuErr("cuDeviceTotalMem", err))
		}
		sms, err := d.Attribute(cu.MultiprocessorCount)
		if err != nil {
			return nil, fmt.Errorf("device %d: %w", i, cuErr("cuDeviceGetAttribute (multiprocessors)", err))
		}
		devs = append(devs, gpu.Device{Name: name, Major: major, Minor: minor, Memory: mem, Multiprocessors: sms, DriverVersion: cu.Version()})
	}
	return devs, nil
}

// Open retains the device's primary context, the one the CUDA runtime and
// every library in the process share, rather than creating a context of
// its own: the driver compiles a module's PTX for it once, and engines on
// the same device share it.
func (driver) Open(device int) (gpu.Context, error) {
	d, err := cu.GetDevice(device)
	if err != nil {
		return nil, fmt.Errorf("device %d: %w", device, cuErr("cuDeviceGet", err))
	}
	c := &context{dev: d}
	err = c.onThread(func() error {
		ctx, err := d.RetainPrimaryCtx()
		c.ctx = ctx
		return cuErr("cuDevicePrimaryCtxRetain", err)
	})
	if err != nil {
		return nil, fmt.Errorf("retain device %d's primary context: %w", device, err)
	}
	return c, nil
}

// context binds its CUDA context to whichever OS thread runs each call:
// goroutines move between threads, and a CUDA context is current per
// thread.
type context struct {
	mu  sync.Mutex
	dev cu.Device
	ctx cu.CUContext
}

func (c *context) onThread(f func() error) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if c.ctx != (cu.CUContext{}) {
		if err := cu.SetCurrentContext(c.ctx); err != nil {
			return cuErr("cuCtxSetCurrent", err)
		}
	}
	return f()
}

func (c *context) Load(ptx string) (gpu.Module, error) {
	var m cu.Module
	err := c.onThread(func() (err error) { m, err = cu.LoadData(ptx); return cuErr("cuModuleLoadData", err) })
	if err != nil {
		return nil, fmt.Errorf("load PTX (the driver compiles it for this GPU): %w", err)
	}
	return module{c, m}, nil
}

func (c *context) Alloc(bytes int) (gpu.DevPtr, error) {
	var p cu.DevicePtr
	err := c.onThread(func() (err error) {
		p, err = cu.MemAlloc(int64(bytes))
		return cuErr(fmt.Sprintf("cuMemAlloc of %d bytes", bytes), err)
	})
	return gpu.DevPtr(p), err
}

func (c *context) Free(p gpu.DevPtr) error {
	return c.onThread(func() error { return cuErr("cuMemFree", cu.MemFree(cu.DevicePtr(p))) })
}

// AllocHost returns page-locked memory from cuMemAllocHost, which
// gorgonia.org/cu does not wrap.
func (c *context) AllocHost(bytes int) (gpu.HostBuffer, error) {
	var p unsafe.Pointer
	err := c.onThread(func() error {
		return result(fmt.Sprintf("cuMemAllocHost of %d bytes", bytes), C.cuMemAllocHost(&p, C.size_t(bytes)))
	})
	if err != nil {
		return nil, err
	}
	return &hostBuffer{c, p, unsafe.Slice((*byte)(p), bytes)}, nil
}

func (c *context) MemInfo() (free, total int64, err error) {
	err = c.onThread(func() (err error) { free, total, err = cu.MemInfo(); return cuErr("cuMemGetInfo", err) })
	return free, total, err
}

func (c *context) NewStream() (gpu.Stream, error) {
	var s cu.Stream
	err := c.onThread(func() (err error) { s, err = cu.MakeStream(cu.NonBlocking); return cuErr("cuStreamCreate", err) })
	return &stream{c, s}, err
}

func (c *context) NewEvent() (gpu.Event, error) {
	var e cu.Event
	err := c.onThread(func() (err error) { e, err = cu.MakeEvent(cu.DefaultEvent); return cuErr("cuEventCreate", err) })
	return &event{c, e}, err
}

// Close releases the primary context, which the driver destroys when no
// one else retains it. The release names the device, not a context, so it
// does not go through onThread: after a device is lost a driver may
// refuse to make its context current, and the context would then be kept
// until the process ends. The engines free what they made first, while
// the context can still be made current.
func (c *context) Close() error {
	return cuErr("cuDevicePrimaryCtxRelease", c.dev.ReleasePrimaryCtx())
}

type hostBuffer struct {
	c *context
	p unsafe.Pointer
	b []byte
}

func (h *hostBuffer) Bytes() []byte { return h.b }
func (h *hostBuffer) Free() error {
	return h.c.onThread(func() error { return cuErr("cuMemFreeHost", cu.MemFreeHost(h.p)) })
}

type module struct {
	c *context
	m cu.Module
}

func (m module) Function(name string) (gpu.Function, error) {
	var params []int
	for _, k := range kernels.All {
		if k.Name == name {
			params = k.Params
		}
	}
	if params == nil {
		return nil, fmt.Errorf("kernel %s is not declared in package kernels", name)
	}
	var f cu.Function
	err := m.c.onThread(func() (err error) { f, err = m.m.Function(name); return cuErr("cuModuleGetFunction", err) })
	if err != nil {
		return nil, fmt.Errorf("kernel %s: %w", name, err)
	}
	return function{name, params, f}, nil
}

type function struct {
	name   string
	params []int
	f      cu.Function
}

func (f function) Name() string { return f.name }

type stream struct {
	c *context
	s cu.Stream
}

func (s *stream) CopyToDevice(dst gpu.DevPtr, src gpu.HostBuffer, offset, bytes int) error {
	b := src.Bytes()[offset : offset+bytes]
	return s.c.onThread(func() error {
		return cuErr("cuMemcpyHtoDAsync", cu.MemcpyHtoDAsync(cu.DevicePtr(dst), unsafe.Pointer(&b[0]), int64(bytes), s.s))
	})
}

func (s *stream) CopyToHost(dst gpu.HostBuffer, offset int, src gpu.DevPtr, bytes int) error {
	b := dst.Bytes()[offset : offset+bytes]
	return s.c.onThread(func() error {
		return cuErr("cuMemcpyDtoHAsync", cu.MemcpyDtoHAsync(unsafe.Pointer(&b[0]), cu.DevicePtr(src), int64(bytes), s.s))
	})
}

// Launch widens every argument to 8 bytes first: gorgonia.org/cu copies 8
// bytes from each argument pointer whatever the parameter's size, which
// would read past a 4-byte count.
func (s *stream) Launch(fn gpu.Function, grid, block gpu.Dim3, args []unsafe.Pointer) error {
	f, ok := fn.(function)
	if !ok {
		return fmt.Errorf("launch of a function from another driver")
	}
	if len(args) != len(f.params) {
		return fmt.Errorf("kernel %s takes %d arguments, got %d", f.name, len(f.params), len(args))
	}
	wide := make([]uint64, len(args))
	ptrs := make([]unsafe.Pointer, len(args))
	for i, a := range args {
		copy(unsafe.Slice((*byte)(unsafe.Pointer(&wide[i])), 8), unsafe.Slice((*byte)(a), f.params[i]))
		ptrs[i] = unsafe.Pointer(&wide[i])
	}
	return s.c.onThread(func() error {
		return cuErr("cuLaunchKernel of "+f.name, f.f.Launch(int(grid[0]), int(grid[1]), int(grid[2]), int(block[0]), int(block[1]), int(block[2]), 0, s.s, ptrs))
	})
}

func (s *stream) Record(e gpu.Event) error {
	ev, ok := e.(*event)
	if !ok {
		return fmt.Errorf("record of an event from another driver")
	}
	return s.c.onThread(func() error { return cuErr("cuEventRecord", ev.e.Record(s.s)) })
}

func (s *stream) Synchronize() error {
	return s.c.onThread(func() error { return cuErr("cuStreamSynchronize", s.s.Synchronize()) })
}

func (s *stream) Close() error {
	return s.c.onThread(func() error {
		return result("cuStreamDestroy", C.cuStreamDestroy((C.CUstream)(unsafe.Pointer(s.s.C()))))
	})
}

type event struct {
	c *context
	e cu.Event
}

func (e *event) Synchronize() error {
	return e.c.onThread(func() error { return cuErr("cuEventSynchronize", e.e.Synchronize()) })
}

func (e *event) Since(earlier gpu.Event) (time.Duration, error) {
	prev, ok := earlier.(*event)
	if !ok {
		return 0, fmt.Errorf("timing against an event from another driver")
	}
	var ms float64
	err := e.c.onThread(func() (err error) { ms, err = prev.e.Elapsed(e.e); return cuErr("cuEventElapsedTime", err) })
	return time.Duration(ms * float64(time.Millisecond)), err
}

func (e *event) Close() error {
	return e.c.onThread(func() error { return cuErr("cuEventDestroy", cu.DestroyEvent(&e.e)) })
}

func main() {}
