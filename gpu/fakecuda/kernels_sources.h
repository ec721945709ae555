// Written by make ptx (go test ./kernels -run HostBuilds -update): the
// digest of the kernel sources, so that Go's build cache rebuilds this
// package when a kernel it compiles for the host changes:
// kernels/host.h, kernels/host_grid.h, kernels/prime.cu, kernels/resize.cu, kernels/sieve.cu.
#define CORESCALE_KERNEL_SOURCES "485e40b119a802c984cbe13ad4fa88084fb5e8bd7e2317db2d6cefce2c891b8a"
