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
#include <cstdlib>
#include <pthread.h>

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

// A shared array (SHARED_ARRAY, the kernels' large __shared__ arrays) is
// one per host thread too, but allocated when the thread first runs its
// kernel and freed when the thread exits (a pthread key's destructor: the
// drivers link no C++ runtime for thread_local destructors), not kept in
// static thread-local storage: glibc zeroes that as it creates each thread,
// and 52 KiB of the sieve kernels' arrays there cost every thread of every
// corescale run 13 page faults and most of a millisecond of a --version's
// CPU in all, though few threads ever run an emulated kernel. A static of
// the kernel function, it is one per kernel and array, as __shared__ is.
struct alignas(16) corescale_shared_block {
	corescale_shared_block *next;
};
static pthread_key_t corescale_shared_key;
static pthread_once_t corescale_shared_once = PTHREAD_ONCE_INIT;
static void corescale_shared_free(void *v) {
	for (corescale_shared_block *b = static_cast<corescale_shared_block *>(v); b != nullptr;) {
		corescale_shared_block *next = b->next;
		free(b);
		b = next;
	}
}
static void corescale_shared_key_init() {
	if (pthread_key_create(&corescale_shared_key, corescale_shared_free) != 0) abort();
}
static inline void *corescale_shared_alloc(size_t bytes) {
	pthread_once(&corescale_shared_once, corescale_shared_key_init);
	corescale_shared_block *b = static_cast<corescale_shared_block *>(calloc(1, sizeof(corescale_shared_block) + bytes));
	if (b == nullptr) abort();
	b->next = static_cast<corescale_shared_block *>(pthread_getspecific(corescale_shared_key));
	if (pthread_setspecific(corescale_shared_key, b) != 0) abort();
	return b + 1;
}
// A trivial type, so that thread_local needs neither a guard nor a
// destructor of its own.
template <typename T, unsigned long N> struct corescale_shared_array {
	T *p;
	T *get() {
		if (p == nullptr) p = static_cast<T *>(corescale_shared_alloc(N * sizeof(T)));
		return p;
	}
};
#define SHARED_ARRAY(type, name, n)                                              \
	static thread_local corescale_shared_array<type, (n)> name##_shared_array; \
	type *const name = name##_shared_array.get()

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
