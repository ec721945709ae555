//go:build cgo

package emu

// #cgo CXXFLAGS: -O2 -std=c++17 -I${SRCDIR}/../../kernels
// #include <stdlib.h>
// #include <string.h>
// #include "emu.h"
import "C"

import (
	"fmt"
	"runtime"
	"sync"
	"unsafe"
)

// deviceMemory is the emulated device memory: C allocations tracked by address,
// so copies can check their bounds as a real device would fault.
type deviceMemory struct {
	mu     sync.Mutex
	blocks map[devPtr]block
}

type block struct {
	c    unsafe.Pointer
	size int
}

// available says whether the emulator can run: always, in a cgo build.
func available() error { return nil }

// newDeviceMemory returns an empty device memory.
func newDeviceMemory() *deviceMemory { return &deviceMemory{blocks: map[devPtr]block{}} }

// Alloc returns size bytes of device memory.
func (m *deviceMemory) Alloc(size int) (devPtr, error) {
	if size <= 0 {
		return 0, fmt.Errorf("emu: alloc of %d bytes", size)
	}
	c := C.malloc(C.size_t(size))
	if c == nil {
		return 0, fmt.Errorf("emu: out of memory for %d bytes", size)
	}
	p := devPtr(uintptr(c))
	m.mu.Lock()
	m.blocks[p] = block{c, size}
	m.mu.Unlock()
	return p, nil
}

// Free releases device memory.
func (m *deviceMemory) Free(p devPtr) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.blocks[p]
	if !ok {
		return fmt.Errorf("emu: free of %#x, which is not allocated", uintptr(p))
	}
	delete(m.blocks, p)
	C.free(b.c)
	return nil
}

// at returns the C address of the n bytes at p, or an error if they do not
// lie inside one allocation, where a real device would fault.
func (m *deviceMemory) at(p devPtr, n int) (unsafe.Pointer, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for base, b := range m.blocks {
		if p >= base && uintptr(p)+uintptr(n) <= uintptr(base)+uintptr(b.size) {
			return unsafe.Add(b.c, uintptr(p)-uintptr(base)), nil
		}
	}
	return nil, fmt.Errorf("emu: %d bytes at %#x are outside device memory", n, uintptr(p))
}

// CopyToDevice copies src to device memory at dst.
func (m *deviceMemory) CopyToDevice(dst devPtr, src []byte) error {
	if len(src) == 0 {
		return nil
	}
	c, err := m.at(dst, len(src))
	if err != nil {
		return err
	}
	C.memcpy(c, unsafe.Pointer(&src[0]), C.size_t(len(src)))
	return nil
}

// CopyToHost copies device memory at src into dst.
func (m *deviceMemory) CopyToHost(dst []byte, src devPtr) error {
	if len(dst) == 0 {
		return nil
	}
	c, err := m.at(src, len(dst))
	if err != nil {
		return err
	}
	C.memcpy(unsafe.Pointer(&dst[0]), c, C.size_t(len(dst)))
	return nil
}

// argCount returns how many arguments the emulator's trampoline for kernel
// name unpacks, or −1 if it has none.
func argCount(name string) int {
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	return int(C.emu_kernel_args(cname))
}

// launchMu serialises launches: the kernels' thread indices are C
// thread-locals set by the launch loop, and cgo calls may share an OS thread.
var launchMu sync.Mutex

// launch runs kernel name over grid × block threads with args, where
// args[i] points at the value of the kernel's parameter i, as for
// cuLaunchKernel.
func launch(name string, grid, block [3]uint32, args []unsafe.Pointer) error {
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	want := argCount(name)
	if want < 0 {
		return fmt.Errorf("emu: no kernel %q", name)
	}
	if len(args) != want {
		return fmt.Errorf("emu: kernel %s takes %d arguments, got %d", name, want, len(args))
	}
	// The argument list holds Go pointers to the argument values, which
	// cgo lets C read only while they are pinned.
	var pin runtime.Pinner
	defer pin.Unpin()
	for _, a := range args {
		pin.Pin(a)
	}
	var argv *unsafe.Pointer
	if len(args) > 0 {
		argv = &args[0]
	}
	launchMu.Lock()
	defer launchMu.Unlock()
	if C.emu_launch(cname, C.uint(grid[0]), C.uint(grid[1]), C.uint(grid[2]), C.uint(block[0]), C.uint(block[1]), C.uint(block[2]), argv) != 0 {
		return fmt.Errorf("emu: launch of %s failed", name)
	}
	return nil
}
