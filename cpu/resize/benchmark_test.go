package resize

import (
	"fmt"
	"testing"

	"github.com/corescale/corescale"
)

// BenchmarkLarge is the speed case: a decoded 24-megapixel RGB image
// (6000×4000) to 600×400 with lanczos3, exact and fast (gap 3), on one
// worker and on two. Megapixels/s counts input pixels, as Pillow's anchor
// in bench/anchors/resize does.
func BenchmarkLarge(b *testing.B) {
	src := noise(6000, 4000, 3, 1)
	dst := corescale.NewRaster(600, 400, 3)
	for _, fast := range []bool{false, true} {
		for _, workers := range []int{1, 2} {
			e, _ := New(Options{Filter: corescale.Lanczos3, Fast: fast, Workers: workers})
			b.Run(fmt.Sprintf("fast=%v/workers=%d", fast, workers), func(b *testing.B) {
				for b.Loop() {
					e.Resize(dst, src)
				}
				b.ReportMetric(float64(b.N)*24/b.Elapsed().Seconds(), "MP/s")
			})
		}
	}
}
