package main

import (
	"math"
	"os"
	"runtime/debug"

	"github.com/urfave/cli/v2"
)

// batchGCPercent is the collector's GOGC while corescale prime runs. Its
// live heap is small whatever the input (a few chunks per worker, the
// sieve's bounded buffers), and at Go's default of 100 the collector starts
// at a 4 MB heap: 10^6 numbers of 128 bits took 7 collections, each
// stopping both workers and taking a core from them while it marks
// (12 ms of mark CPU and 24 ms of stopped Ps, gctrace). At 400 the same run
// takes one, for 10 MB more resident (30 to 40 MB); a range sieve's resident
// size does not change (it makes no garbage: 51 MB at 10^15 on two workers
// either way), nor does a file of 64-bit numbers' (33-35 MB for 10^7).
// resize and bench keep the default: resize holds whole images and sets a
// memory limit of its own, and bench's figures are the engines' with Go's
// defaults.
const batchGCPercent = 400

// withBatchGC runs action with GOGC at batchGCPercent, unless the
// environment sets GOGC, and puts back the collector's setting after.
func withBatchGC(action cli.ActionFunc) cli.ActionFunc {
	return func(c *cli.Context) error {
		if _, set := os.LookupEnv("GOGC"); !set {
			defer debug.SetGCPercent(debug.SetGCPercent(batchGCPercent))
		}
		return action(c)
	}
}

// bigRangeMemory is the collector's soft memory limit while a range above
// 2^64 is tested: its live heap is a window of numbers (a few MB), but
// each window is garbage once written (~100 bytes a number), which GOGC
// 400 let grow to 90 MB before a collection ([2^64, +10^6] peaked at 71
// MB of RSS on one worker, 82 on two); and a range from below 2^64 comes
// to it with the sieve's buffers freed but still resident (190 MB). Over
// the limit, the runtime collects and returns freed memory to the system.
const bigRangeMemory = 32 << 20

// withMemoryLimit runs f with the collector's soft memory limit at limit,
// unless GOMEMLIMIT sets one, and puts back the setting after.
func withMemoryLimit(limit int64, f func() error) error {
	if debug.SetMemoryLimit(-1) == math.MaxInt64 {
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(limit))
	}
	return f()
}
