/* kernels.h — the C face of kernels.cc: corescale's kernels compiled for
 * the host, looked up by their .entry name. */
#ifndef FAKECUDA_KERNELS_H
#define FAKECUDA_KERNELS_H

#ifdef __cplusplus
extern "C" {
#endif

/* A host-compiled kernel. params spells its C parameter list, one letter a
 * parameter: 'p' a device pointer (8 bytes, must point into device
 * memory), '4' a 4-byte value, '8' an 8-byte value. */
typedef struct fakecuda_kernel {
	const char *name;
	void (*run)(void **args);
	const char *params;
} fakecuda_kernel;

/* fakecuda_kernel_find returns the kernel called name, or NULL. */
const fakecuda_kernel *fakecuda_kernel_find(const char *name);

/* fakecuda_kernel_launch runs k over grid × block threads, block after
 * block and, within a block, thread after thread: args[i] points at the
 * value of parameter i, as for cuLaunchKernel. */
void fakecuda_kernel_launch(const fakecuda_kernel *k, const unsigned grid[3], const unsigned block[3], void **args);

/* fakecuda_kernel_launch_cooperative runs k over grid × block threads with
 * __syncthreads a real barrier and __shared__ memory per block
 * (kernels/host_grid.h): a block's threads as fibers, blocks in parallel on
 * host threads. It returns 0, or -1 when the host has no memory for the
 * fibers' stacks. */
int fakecuda_kernel_launch_cooperative(const fakecuda_kernel *k, const unsigned grid[3], const unsigned block[3], void **args);

#ifdef __cplusplus
}
#endif

#endif
