//go:build !linux

package prime

import "time"

// threadCPU reports false: only Linux has the thread's CPU time here.
func threadCPU() (time.Duration, bool) { return 0, false }
