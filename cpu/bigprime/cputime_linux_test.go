//go:build linux && amd64 && !purego

package bigprime

import (
	"syscall"
	"time"
)

// threadCPU returns the CPU time the calling thread has used, so that a
// benchmark on a machine shared with other work can report CPU time per
// number beside wall time; the caller locks itself to its thread.
func threadCPU() time.Duration {
	var ru syscall.Rusage
	const rusageThread = 1 // RUSAGE_THREAD
	if err := syscall.Getrusage(rusageThread, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
