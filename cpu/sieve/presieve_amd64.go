//go:build amd64 && !purego

package sieve

import "golang.org/x/sys/cpu"

var haveAVX2 = cpu.X86.HasAVX2

// andPatterns sets dst[i], for i < n (a multiple of 32), to the AND of the
// sixteen streams' bytes i.
//
//go:noescape
func andPatterns(dst *byte, src *[presieveStreams]*byte, n int)
