//go:build flint

// Package flint runs FLINT's n_is_prime (Debian libflint-dev) beside the
// corescale engines, in the same go test run, on the same numbers. It is
// built only with the flint tag (make bench-anchors sets it when FLINT's
// headers are installed).
package flint

// #cgo LDFLAGS: -lflint
// #include "flint.h"
import "C"

import (
	"fmt"
	"unsafe"
)

// Tester tests batches with FLINT's n_is_prime.
type Tester struct{}

// TestPrimes implements corescale.PrimeTester.
func (Tester) TestPrimes(ns []uint64, out []bool) error {
	if len(out) < len(ns) {
		return fmt.Errorf("flint: %d verdicts for %d numbers", len(out), len(ns))
	}
	if len(ns) == 0 {
		return nil
	}
	// bool and uint8 share a layout in Go and C.
	C.flint_test_primes((*C.uint64_t)(unsafe.Pointer(&ns[0])), (*C.uint8_t)(unsafe.Pointer(&out[0])), C.size_t(len(ns)))
	return nil
}
