//go:build !amd64 || purego

package sieve

// Without the assembly, starts takes every prime one at a time.
var haveAVX512 = false

func largeStarts16(*uint32, int, *largeConsts, *uint32, *uint32, *uint32) int {
	panic("no assembly")
}

func bitsToNumbers16(*uint32, *byte, int, uint32, *[16]uint32) int { panic("no assembly") }

var haveVBMI2 = false

func bitsToNumbers64(*uint32, *byte, int, uint32, *[64]byte) int { panic("no assembly") }
