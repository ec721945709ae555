// Command corescale runs batch compute — primality testing and image
// resizing — on the serial, parallel and GPU paths, and measures how each
// scales. Run `corescale --help` for the commands.
//
// Each command has its file (prime.go, resize.go, devices.go, bench.go);
// paths.go holds the flags and the choice of compute path they share.
// It is the top of the tree: nothing imports it, and it may import any of
// corescale's packages, but it must not import gorgonia.org/cu, whose
// start-up exits a process without a CUDA driver: the real driver is the
// gpu/cuda plugin, opened only after a probe finds a device.
package main
