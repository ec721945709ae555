package chunk

import (
	"fmt"
	"testing"
)

func BenchmarkRun(b *testing.B) {
	out := make([]uint64, 1<<16)
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			for b.Loop() {
				Run(len(out), 1024, workers, func(lo, hi int) {
					for i := lo; i < hi; i++ {
						out[i] = uint64(i) * 0x9e3779b97f4a7c15
					}
				})
			}
		})
	}
}
