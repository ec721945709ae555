// Written by make ptx (go test ./kernels -run HostBuilds -update): the
// digest of the kernel sources, so that Go's build cache rebuilds this
// package when a kernel it compiles for the host changes:
// kernels/bigprime.cu, kernels/host.h, kernels/host_grid.h, kernels/prime.cu, kernels/resize.cu, kernels/sieve.cu.
#define CORESCALE_KERNEL_SOURCES "dafd16c90a3f33d8659579760ba7cada1f7b8f68febf23479d6d8c0a46d8da3c"
