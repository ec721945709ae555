package gpu

import (
	"time"
	"unsafe"
)

// DevPtr is an address in device memory; host code never reads through it.
type DevPtr uintptr

// Dim3 is a grid or block size in x, y, z.
type Dim3 [3]uint32

// Device describes one GPU.
type Device struct {
	Name            string
	Major, Minor    int // compute capability
	Memory          int64
	Multiprocessors int
	DriverVersion   int // as cuDriverGetVersion reports it: 12040 is 12.4
}

// Driver is a CUDA driver: the real one or the emulator.
type Driver interface {
	// Name names the driver for messages and reports; the emulator's
	// name says it is one.
	Name() string
	// Emulated reports whether kernels run on the host, which proves
	// results and says nothing of speed.
	Emulated() bool
	Devices() ([]Device, error)
	Open(device int) (Context, error)
}

// Context is a device opened for work.
type Context interface {
	// Load loads a module from PTX, which the driver compiles for the
	// device.
	Load(ptx string) (Module, error)
	Alloc(bytes int) (DevPtr, error)
	Free(DevPtr) error
	// AllocHost returns page-locked host memory, which asynchronous
	// copies require.
	AllocHost(bytes int) (HostBuffer, error)
	// MemInfo returns the free and total device memory.
	MemInfo() (free, total int64, err error)
	NewStream() (Stream, error)
	NewEvent() (Event, error)
	Close() error
}

// HostBuffer is page-locked host memory.
type HostBuffer interface {
	Bytes() []byte
	Free() error
}

// Module is loaded kernel code.
type Module interface {
	Function(name string) (Function, error)
}

// Function is a kernel of a module.
type Function interface {
	Name() string
}

// Stream runs its work in order, asynchronously to the host and to other
// streams. A copy reads or writes its host buffer when it runs, not when it
// is queued: the buffer must stay untouched until the stream has passed it.
type Stream interface {
	CopyToDevice(dst DevPtr, src HostBuffer, offset, bytes int) error
	CopyToHost(dst HostBuffer, offset int, src DevPtr, bytes int) error
	// Launch queues a kernel over grid × block threads; args[i] points at
	// the value of the kernel's parameter i, as for cuLaunchKernel.
	Launch(f Function, grid, block Dim3, args []unsafe.Pointer) error
	Record(Event) error
	Synchronize() error
	Close() error
}

// Event marks a point in a stream's work.
type Event interface {
	Synchronize() error
	// Since returns the time between an earlier event and this one.
	Since(earlier Event) (time.Duration, error)
	Close() error
}
