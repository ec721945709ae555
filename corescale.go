package corescale

import (
	"fmt"
	"strings"
)

// Backend names a compute path.
type Backend string

// The backends a user may ask for. Auto picks the fastest one available.
const (
	Auto     Backend = "auto"
	Serial   Backend = "serial"
	Parallel Backend = "parallel"
	GPU      Backend = "gpu"
)

// Backends lists every backend name in the order the help text shows them.
var Backends = []Backend{Auto, Serial, Parallel, GPU}

// ParseBackend returns the backend named s, or an error listing the valid names.
func ParseBackend(s string) (Backend, error) {
	for _, b := range Backends {
		if string(b) == s {
			return b, nil
		}
	}
	names := make([]string, len(Backends))
	for i, b := range Backends {
		names[i] = string(b)
	}
	return "", fmt.Errorf("unknown backend %q (want %s)", s, strings.Join(names, ", "))
}

// PrimeTester tests batches of integers below 2^64 for primality. Every
// engine — serial, parallel and GPU — implements it, and every one gives the
// exact verdict for every number, so their results can be compared byte for
// byte.
type PrimeTester interface {
	// TestPrimes sets out[i] to whether ns[i] is prime. out must be at
	// least as long as ns. The error reports a failure of the engine itself
	// (a device error), never a property of the numbers.
	TestPrimes(ns []uint64, out []bool) error
}
