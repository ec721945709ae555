// Written by make ptx (go test ./kernels -run HostBuilds -update): the
// digest of the kernel sources, so that Go's build cache rebuilds this
// package when a kernel it compiles for the host changes:
// kernels/bigprime.cu, kernels/host.h, kernels/host_grid.h, kernels/prime.cu, kernels/resize.cu, kernels/sieve.cu.
#define CORESCALE_KERNEL_SOURCES "41f5087b10318e55f23f3f8a6f0ec53ccc485c390cae3762ef044d127a496846"
