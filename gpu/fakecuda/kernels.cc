// kernels.cc — corescale's kernels/*.cu compiled for the host
// (kernels/host_kernels.h, as gpu/emu compiles them) and launched by name.
// The one C++ file of fakecuda: the .cu sources are C++.
//
// A kernel whose PTX has a barrier or shared memory runs cooperatively
// (host_grid.h: a block's threads as fibers that switch at __syncthreads);
// what even that cannot run faithfully, ptx.c finds and the fake refuses.
// Go's build cache hashes only this package's own files, not the kernels
// included from kernels/: kernels_sources.h carries their digest (make ptx
// rewrites it, and go test ./kernels fails while it is stale), so that an
// edited kernel rebuilds this package.
#include "kernels_sources.h"
#include "host_kernels.h"

#include "kernels.h"

// c_table is host_kernels.h's table, shared with gpu/emu, in fakecuda's C
// form, filled when the library is loaded (a namespace-scope initialiser:
// no lazy guard, which would need libstdc++'s __cxa_guard_*).
enum { n_kernels = sizeof corescale_host::kernels / sizeof corescale_host::kernels[0] };
static fakecuda_kernel c_table[n_kernels];
static const bool c_table_built = [] {
	for (int i = 0; i < n_kernels; i++) {
		const corescale_host::kernel &k = corescale_host::kernels[i];
		c_table[i] = fakecuda_kernel{k.name, k.run, k.params};
	}
	return true;
}();

const fakecuda_kernel *fakecuda_kernel_find(const char *name) {
	const corescale_host::kernel *k = corescale_host::find(name);
	return k == nullptr ? nullptr : &c_table[k - corescale_host::kernels];
}

void fakecuda_kernel_launch(const fakecuda_kernel *k, const unsigned grid[3], const unsigned block[3], void **args) {
	corescale_host::run_serial(k->run, grid, block, args);
}

int fakecuda_kernel_launch_cooperative(const fakecuda_kernel *k, const unsigned grid[3], const unsigned block[3], void **args) {
	return corescale_run_cooperative(k->run, grid, block, args);
}
