// Written by make ptx (go test ./kernels -run HostBuilds -update): the
// digest of the kernel sources, so that Go's build cache rebuilds this
// package when a kernel it compiles for the host changes:
// kernels/bigprime.cu, kernels/host.h, kernels/host_grid.h, kernels/host_kernels.h, kernels/prime.cu, kernels/resize.cu, kernels/sieve.cu.
#define CORESCALE_KERNEL_SOURCES "a05fe9a839a88e59b869568d1b87270c08714d4d5d5ab4c24be1707e648bce20"
