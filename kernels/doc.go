// Package kernels holds corescale's CUDA kernels: the CUDA C sources
// (*.cu), the PTX that `make ptx` generates from them with
// `nvcc -ptx -arch=compute_70 -O3`, its header's ISA lowered to 6.0 so that
// drivers from CUDA 9.0 on load it (committed, so users need no CUDA
// compiler; the driver compiles it for the GPU it finds), and host.h, which
// lets the emulated driver compile the same sources for the host, with
// host_grid.h, its cooperative launch for kernels with barriers and shared
// memory, and host_kernels.h, the table of host-compiled kernels that both
// host drivers (gpu/emu, gpu/fakecuda) launch by name.
//
// Each kernel's parameter list is declared here once, for the engines that
// marshal arguments, and checked against the PTX's .entry signature by the
// tests.
//
// It imports nothing of corescale: the engines in gpu/ and the emulator in
// gpu/emu build on it.
package kernels
