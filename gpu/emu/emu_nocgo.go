//go:build !cgo

package emu

import (
	"errors"
	"unsafe"
)

// errNoCgo is what the emulator answers when built without cgo: its kernels
// are the CUDA C sources compiled for the host, which takes a C++ compiler.
var errNoCgo = errors.New("emu: the GPU emulator needs a cgo build (CGO_ENABLED=1 and g++): its kernels are the CUDA C sources compiled for the host")

type deviceMemory struct{}

func newDeviceMemory() *deviceMemory { return &deviceMemory{} }

func (m *deviceMemory) Alloc(size int) (devPtr, error)            { return 0, errNoCgo }
func (m *deviceMemory) Free(p devPtr) error                       { return errNoCgo }
func (m *deviceMemory) CopyToDevice(dst devPtr, src []byte) error { return errNoCgo }
func (m *deviceMemory) CopyToHost(dst []byte, src devPtr) error   { return errNoCgo }

func argCount(name string) int { return -1 }

func launch(name string, grid, block [3]uint32, args []unsafe.Pointer) error { return errNoCgo }

func available() error { return errNoCgo }
