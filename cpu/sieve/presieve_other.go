//go:build !amd64 || purego

package sieve

// Without the assembly, presieve ANDs the patterns byte by byte.
const haveAVX2 = false

func andPatterns(*byte, *[presieveStreams]*byte, int) { panic("no assembly") }
