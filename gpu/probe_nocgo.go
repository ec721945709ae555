//go:build !cgo

package gpu

import "errors"

// ProbeDriver, built without cgo, cannot open a C library at all: there is
// no GPU path, and the CPU paths run as in any other build.
func ProbeDriver(lib string) Probe {
	return Probe{Err: errors.New("no GPU: this corescale was built without cgo (CGO_ENABLED=0), which the CUDA driver library needs")}
}
