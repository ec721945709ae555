// The kernels of kernels/*.cu compiled for the host (kernels/host_kernels.h),
// run as loops over a grid's blocks and threads, or, for the kernels that use
// __syncthreads and __shared__, cooperatively (host_grid.h).
// Go's build cache hashes only this package's own files, not the kernels
// included from kernels/: kernels_sources.h carries their digest (make ptx
// rewrites it, and go test ./kernels fails while it is stale), so that an
// edited kernel rebuilds this package.
#include "kernels_sources.h"
#include "host_kernels.h"

extern "C" {
#include "emu.h"
}

int emu_kernel_args(const char *name) {
	const corescale_host::kernel *k = corescale_host::find(name);
	return k == nullptr ? -1 : (int)strlen(k->params);
}

int emu_launch(const char *name, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz, void **args) {
	const corescale_host::kernel *k = corescale_host::find(name);
	if (k == nullptr) return -1;
	const unsigned grid[3] = {gx, gy, gz}, block[3] = {bx, by, bz};
	if (k->cooperative) return corescale_run_cooperative(k->run, grid, block, args) == 0 ? 0 : -2;
	corescale_host::run_serial(k->run, grid, block, args);
	return 0;
}
