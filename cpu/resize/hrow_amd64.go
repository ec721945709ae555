//go:build amd64 && !purego

package resize

import "golang.org/x/sys/cpu"

// haveHrow4 reports whether hrow4 may run: it needs AVX2.
var haveHrow4 = cpu.X86.HasAVX2

// hrow4 resamples one row of 4-byte pixels: out gets len(start) pixels, output
// i summing count[i] pixels of in from start[i] with weights
// weights[i·stride …]. The caller guarantees every tap lies inside in and
// out holds 4·len(start) bytes.
//
//go:noescape
func hrow4(out, in []uint8, start, count, weights []int32, stride int)

// hrow1 is hrow4 for rows of one channel.
//
//go:noescape
func hrow1(out, in []uint8, start, count, weights []int32, stride int)

// sumRows16 sets acc[i] to the sum of column i over rows rows of src, which
// are stride bytes apart, for i up to len(acc) rounded down to 32; the
// caller sums the rest. rows must be 1 to 257 so the sums fit 16 bits.
//
//go:noescape
func sumRows16(acc []uint16, src []uint8, stride, rows int)

// padRGB16 pads RGB pixels to RGBX sixteen at a time while at least 52
// bytes of in remain, and returns how many pixels it padded; the caller
// pads the rest.
//
//go:noescape
func padRGB16(out, in []uint8) int

// vstrip computes the vertical pass for out's first len(out) rounded down
// to 32 samples: out[i] is the clamped, rounded sum over k of
// src[k·stride + i]·weights[k].
//
//go:noescape
func vstrip(out, src []uint8, stride int, weights []int32)

// avgPairs16 writes to out the rounded average of each pair of cols, for
// as many outputs as a multiple of 16 allows, and returns that count: the
// fast mode's 2-column blocks of one channel. The caller gives half and
// inv from pairDivisor, and pair sums that fit 16 bits.
//
//go:noescape
func avgPairs16(out []uint8, cols []uint16, half int32, inv float32) int
