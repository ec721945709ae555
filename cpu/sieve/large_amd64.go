//go:build amd64 && !purego

package sieve

import "golang.org/x/sys/cpu"

// haveAVX512 is what largeStarts16 and bitsToNumbers16 need: AVX-512 F
// and DQ (VPMOVD2M, the signs of 32-bit lanes as a mask). Tests turn it
// off to check the paths without them.
var haveAVX512 = cpu.X86.HasAVX512F && cpu.X86.HasAVX512DQ

// largeStarts16 is starts' float path for the n primes from ps, sixteen
// at a time: it stores each sixteen's k, idx and wi, those of the primes
// that hit the task first, at ks, idxs and wis from the count kept so far
// (all sixteen lanes: they must hold 16 past the count), and returns the
// count kept.
//
//go:noescape
func largeStarts16(ps *uint32, n int, c *largeConsts, ks, idxs, wis *uint32) int

// bitsToNumbers16 stores at dst the numbers whose bits are set in the
// words·8 bytes from bs, a sieve from base (a multiple of 30, the numbers
// below 2^32), and returns how many; dst must hold 16 more than that.
// wheel holds the numbers of two bytes from 0 (wheel16).
//
//go:noescape
func bitsToNumbers16(dst *uint32, bs *byte, words int, base uint32, wheel *[16]uint32) int

// haveVBMI2 is what bitsToNumbers64 needs besides haveAVX512: AVX-512 BW
// (64-bit masks) and VBMI2 (VPCOMPRESSB).
var haveVBMI2 = haveAVX512 && cpu.X86.HasAVX512BW && cpu.X86.HasAVX512VBMI2

// bitsToNumbers64 is bitsToNumbers16 a word at a time with byte offsets
// (wordOffsets); dst must hold 64 more than the count returned.
//
//go:noescape
func bitsToNumbers64(dst *uint32, bs *byte, words int, base uint32, offsets *[64]byte) int
