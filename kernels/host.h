// host.h — compiles kernels/*.cu as ordinary C++ for the host, so that the
// emulated driver (gpu/emu) runs the very kernels the GPU runs. It maps the
// CUDA qualifiers away, gives threadIdx, blockIdx, blockDim and gridDim as
// thread-local variables that the emulator's launch loop sets for each
// thread of the grid, and provides the device intrinsics the kernels use.
// Kernels must not use __syncthreads or shared memory: a launch runs the
// threads of a block one after another.
#ifndef CORESCALE_HOST_H
#define CORESCALE_HOST_H

#include <cmath>
#include <cstdint>

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __constant__ static const

struct corescale_dim3 {
	unsigned int x, y, z;
};

extern thread_local corescale_dim3 threadIdx, blockIdx, blockDim, gridDim;

static inline uint64_t __umul64hi(uint64_t a, uint64_t b) {
	return (uint64_t)(((unsigned __int128)a * b) >> 64);
}

using std::sqrt;

// atomicAdd on a global counter, correct also when a driver runs blocks on
// several host threads at once.
static inline unsigned int atomicAdd(unsigned int *address, unsigned int val) {
	return __atomic_fetch_add(address, val, __ATOMIC_RELAXED);
}

#endif
