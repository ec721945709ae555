package sieve

import (
	"encoding/binary"
	"math"
)

// sqrtFloat is isqrt's first estimate.
func sqrtFloat(n uint64) float64 { return math.Sqrt(float64(n)) }

// le64 reads 8 sieve bytes as one word: bit t of byte j is bit 8j+t.
func le64(b []byte) uint64 { return binary.LittleEndian.Uint64(b) }
