//go:build unix

package resize

import (
	"syscall"
	"time"
)

// cpuTime returns the user and system CPU time the process has used: on a
// shared machine a benchmark's CPU time per operation moves far less than
// its wall time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
