// Written by make ptx (go test ./kernels -run HostBuilds -update): the
// digest of the kernel sources, so that Go's build cache rebuilds this
// package when a kernel it compiles for the host changes:
// kernels/bigprime.cu, kernels/host.h, kernels/host_grid.h, kernels/prime.cu, kernels/resize.cu, kernels/sieve.cu.
#define CORESCALE_KERNEL_SOURCES "ea7b12c164bde0f46c01e3e16770ee558785edc3434c7c64ac14547102aa4300"
