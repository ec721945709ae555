// host.h — compiles kernels/*.cu as ordinary C++ for the host, so that the
// emulated driver (gpu/emu) runs the very kernels the GPU runs. It maps the
// CUDA qualifiers away, gives threadIdx, blockIdx, blockDim and gridDim as
// thread-local variables that the emulator's launch loop sets for each
// thread of the grid, and provides the device intrinsics the kernels use.
//
// __shared__ and __syncthreads work in kernels launched cooperatively
// (host_grid.h): each thread of a block is a fiber on one host thread, so
// a __shared__ variable, made static thread_local here, is one per block
// (blocks run on different host threads, one block at a time on each), and
// __syncthreads switches to the next fiber until all have reached it. The
// atomics are real atomics: blocks run in parallel.
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

#define __shared__ static thread_local

// corescale_block_barrier is the launcher's (host_grid.h): it aborts when
// the kernel was not launched cooperatively.
void corescale_block_barrier();
static inline void __syncthreads() { corescale_block_barrier(); }

static inline unsigned atomicOr(unsigned *a, unsigned v) { return __atomic_fetch_or(a, v, __ATOMIC_SEQ_CST); }
static inline unsigned atomicAdd(unsigned *a, unsigned v) { return __atomic_fetch_add(a, v, __ATOMIC_SEQ_CST); }
static inline unsigned long long atomicAdd(unsigned long long *a, unsigned long long v) {
	return __atomic_fetch_add(a, v, __ATOMIC_SEQ_CST);
}
static inline int __popc(unsigned v) { return __builtin_popcount(v); }
static inline int __popcll(unsigned long long v) { return __builtin_popcountll(v); }
static inline int __ffs(int v) { return __builtin_ffs(v); }

#endif
