// Package gpu runs corescale's batch work on NVIDIA GPUs. The engines are
// written only against Driver, the small part of the CUDA driver API they
// need — devices, a context, modules loaded from PTX, device and pinned host
// memory, streams that order asynchronous copies and kernel launches, and
// events that time them — so the same engine code runs on the real driver
// (gorgonia.org/cu, loaded as a plugin where a GPU exists) and on gpu/emu,
// which runs the same kernels on the host in every test.
//
// It must not import cpu/, bench/, cmd/ or internal/backend: the CPU engines
// are its peers, compared with it in tests, never called by it.
package gpu
