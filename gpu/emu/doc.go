// Package emu runs corescale's CUDA kernels on the host: the same
// kernels/*.cu sources, compiled by g++ through cgo with kernels/host.h, and
// a launch that runs the grid's blocks and threads as loops, or, for the
// kernels that use __syncthreads and __shared__, each block's threads as
// fibers that meet at every barrier, blocks in parallel on host threads
// (kernels/host_grid.h). Device memory
// is separate from Go's memory and reached only through explicit copies, and
// a launch takes the argument list the CUDA driver takes (a pointer to each
// parameter's value), so the GPU engines' chunking, copies and argument
// marshalling are exercised on every test run without a GPU.
//
// It proves the kernels' arithmetic and the host code around them; it says
// nothing about speed, the driver's JIT or a real device's behaviour.
//
// It implements gpu.Driver: it imports gpu and kernels, and must not import
// cpu/, bench/, cmd/ or internal/backend.
package emu
