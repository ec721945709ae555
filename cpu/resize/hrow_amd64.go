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
