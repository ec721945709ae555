// Written by make ptx (go test ./kernels -run HostBuilds -update): the
// digest of the kernel sources, so that Go's build cache rebuilds this
// package when a kernel it compiles for the host changes:
// kernels/bigprime.cu, kernels/host.h, kernels/host_grid.h, kernels/prime.cu, kernels/resize.cu, kernels/sieve.cu.
#define CORESCALE_KERNEL_SOURCES "14a7fba74f383aad26c08692be378b3abf425808e5db91164680f1519aded789"
