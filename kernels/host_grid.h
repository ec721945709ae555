// host_grid.h — the cooperative launch of a host-compiled kernel (host.h),
// for kernels that use __syncthreads and __shared__: included once by each
// driver that runs kernels on the host (gpu/emu, gpu/fakecuda), after the
// kernels.
//
// A block's threads are fibers (ucontext) on one host thread, each with its
// own stack between guard pages. The block's scheduler runs each fiber until
// it reaches __syncthreads or returns, then the next; when every fiber that
// is still running waits at the barrier, a new round starts. So a barrier is
// a real barrier: no thread passes it before all have reached it, and what
// one thread wrote before it every thread reads after it. __shared__
// variables are static thread_local (host.h), one copy per host thread, and
// a host thread runs one block at a time, so each block has its own. The
// blocks of a grid are taken from a shared counter by one host thread per
// core, so the kernels' atomics on global memory must be (and are) real.
//
// What it does not model: warps (no lockstep, no shuffles or votes),
// barriers that only some threads reach, and the contents of shared memory
// at a block's start (what the previous block on that host thread left, not
// garbage in a pattern a kernel could be caught relying on).
#ifndef CORESCALE_HOST_GRID_H
#define CORESCALE_HOST_GRID_H

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

namespace corescale_grid {

// Fiber stacks: the kernels keep little on the stack (no recursion, small
// arrays); a fiber that overflows faults on its guard page.
enum { stack_bytes = 64 << 10 };

struct fiber {
	ucontext_t ctx;
	corescale_dim3 idx;
	int done;
};

struct job {
	void (*run)(void **);
	void **args;
	corescale_dim3 grid, block;
	unsigned long long blocks;
	unsigned long long next; // the next block to run, taken atomically
	int failed;
};

struct worker {
	job *j;
	ucontext_t sched;
	fiber *fibers;
	unsigned threads, cur;
	char *stacks;
	size_t stride;
};

static thread_local worker *current;

static void fiber_main() {
	worker *w = current;
	w->j->run(w->j->args);
	w->fibers[w->cur].done = 1;
	// Returning resumes uc_link, the block's scheduler.
}

// init_fiber readies fiber i to run the kernel from its start. Apart from
// run_block's loops: getcontext returns twice, as far as the compiler knows.
__attribute__((noinline)) static void init_fiber(worker *w, unsigned i) {
	fiber &f = w->fibers[i];
	// getcontext for each: a copied ucontext_t points at its source's
	// floating-point save area.
	getcontext(&f.ctx);
	f.ctx.uc_stack.ss_sp = w->stacks + i * w->stride + (w->stride - stack_bytes);
	f.ctx.uc_stack.ss_size = stack_bytes;
	f.ctx.uc_link = &w->sched;
	makecontext(&f.ctx, fiber_main, 0);
	f.done = 0;
}

static void run_block(worker *w, corescale_dim3 b) {
	blockIdx = b;
	const corescale_dim3 &d = w->j->block;
	unsigned i = 0;
	for (unsigned z = 0; z < d.z; z++)
		for (unsigned y = 0; y < d.y; y++)
			for (unsigned x = 0; x < d.x; x++, i++) {
				init_fiber(w, i);
				w->fibers[i].idx = {x, y, z};
			}
	for (unsigned live = w->threads; live > 0;) {
		for (unsigned t = 0; t < w->threads; t++) {
			fiber &f = w->fibers[t];
			if (f.done) continue;
			w->cur = t;
			threadIdx = f.idx;
			swapcontext(&w->sched, &f.ctx);
			if (f.done) live--;
		}
	}
}

static void *work(void *arg) {
	worker *w = (worker *)arg;
	current = w;
	gridDim = w->j->grid;
	blockDim = w->j->block;
	const corescale_dim3 &g = w->j->grid;
	for (;;) {
		unsigned long long n = __atomic_fetch_add(&w->j->next, 1, __ATOMIC_SEQ_CST);
		if (n >= w->j->blocks) break;
		corescale_dim3 b = {(unsigned)(n % g.x), (unsigned)(n / g.x % g.y), (unsigned)(n / g.x / g.y)};
		run_block(w, b);
	}
	current = nullptr;
	return nullptr;
}

static int init_worker(worker *w, job *j) {
	memset(w, 0, sizeof *w);
	w->j = j;
	w->threads = j->block.x * j->block.y * j->block.z;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	w->stride = stack_bytes + page;
	w->fibers = (fiber *)calloc(w->threads, sizeof(fiber));
	void *m = mmap(nullptr, w->stride * w->threads, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (w->fibers == nullptr || m == MAP_FAILED) {
		free(w->fibers);
		if (m != MAP_FAILED) munmap(m, w->stride * w->threads);
		return -1;
	}
	w->stacks = (char *)m;
	for (unsigned i = 0; i < w->threads; i++) mprotect(w->stacks + i * w->stride, page, PROT_NONE);
	return 0;
}

static void free_worker(worker *w) {
	munmap(w->stacks, w->stride * w->threads);
	free(w->fibers);
}

static void *work_quietly(void *arg) {
	// Signals are the host program's business (Go's runtime, for one).
	sigset_t all;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, nullptr);
	return work(arg);
}

}  // namespace corescale_grid

void corescale_block_barrier() {
	corescale_grid::worker *w = corescale_grid::current;
	if (w == nullptr) {
		fputs("corescale: __syncthreads in a kernel that was not launched cooperatively (kernels/host_grid.h)\n", stderr);
		abort();
	}
	swapcontext(&w->fibers[w->cur].ctx, &w->sched);
}

// corescale_run_cooperative runs run(args) over grid × block threads, a
// block's threads as fibers that __syncthreads switches between, the blocks
// on up to one host thread per core. It returns 0, or -1 when the host has
// no memory for the fibers.
static int corescale_run_cooperative(void (*run)(void **), const unsigned grid[3], const unsigned block[3], void **args) {
	using namespace corescale_grid;
	job j = {};
	j.run = run, j.args = args;
	j.grid = {grid[0], grid[1], grid[2]};
	j.block = {block[0], block[1], block[2]};
	j.blocks = (unsigned long long)grid[0] * grid[1] * grid[2];
	if (j.blocks == 0) return 0;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned n = (unsigned)(cores < 1 ? 1 : cores > 64 ? 64 : cores);
	if (n > j.blocks) n = (unsigned)j.blocks;
	worker ws[64];
	pthread_t ts[64];
	unsigned ready = 0;
	for (; ready < n; ready++) {
		if (init_worker(&ws[ready], &j) != 0) break;
	}
	if (ready == 0) return -1;
	// The caller's thread works too; the others are helpers, as many as
	// start.
	unsigned started = 1;
	for (; started < ready; started++) {
		if (pthread_create(&ts[started], nullptr, work_quietly, &ws[started]) != 0) break;
	}
	work(&ws[0]);
	for (unsigned i = 1; i < started; i++) pthread_join(ts[i], nullptr);
	for (unsigned i = 0; i < ready; i++) free_worker(&ws[i]);
	return 0;
}

#endif
