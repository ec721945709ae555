// Package corescale holds the few types that every compute path shares: the
// names of the backends and the filters, the Raster that the resize engines
// work on, and the batch interfaces (PrimeTester, Resizer) that the serial,
// parallel and GPU engines implement.
//
// The rest lives in the folder that names it:
//
//	cpu/prime, cpu/resize   the serial and parallel CPU engines
//	gpu, gpu/emu, gpu/cuda  the GPU engines, the emulated driver, the real one
//	kernels                 the CUDA kernels and their PTX
//	internal/backend        choosing the engines for --backend and --workers
//	internal/thumbnail      the batch behind corescale resize
//	internal/imagefile      reading and writing image files
//	internal/resample       filter kernels and tap tables (CPU and GPU)
//	internal/chunk          the parallel loop every engine shares
//	internal/atomicfile     all-or-nothing output files
//	internal/numbers        seeded random numbers (--random, the harness)
//	internal/testchart      the seeded test chart (the harness, the tests)
//	bench, bench/stats      the harness behind corescale bench
//	cmd/corescale           the command-line tool
//
// layout_test.go holds which of them may import which. This package is the
// bottom of the tree: it imports nothing of corescale.
package corescale
