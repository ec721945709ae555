package sieve

import (
	"encoding/binary"
	"math"
)

func sqrtFloat(n uint64) float64 { return math.Sqrt(float64(n)) }

func le64(b []byte) uint64 { return binary.LittleEndian.Uint64(b) }
