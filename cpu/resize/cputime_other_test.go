//go:build !unix

package resize

import "time"

// cpuTime is unknown here: the benchmarks report zero.
func cpuTime() time.Duration { return 0 }
