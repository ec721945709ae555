package resize

import (
	"fmt"
	"image"
	"math/rand/v2"
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

// BenchmarkResizeYCbCr resizes a decoded 4:2:0 JPEG's planes (noise, the
// worst case for the loops) to 600 px wide with lanczos3: 12 MP
// (4000×3000) exact and fast, the --fast case of issue 12, and 24 MP
// (6000×4000), one large image shared by one or two workers.
// Megapixels/s counts input pixels; cpu-ns/op is the process's CPU time
// (all workers), steadier than the wall time on a shared machine.
func BenchmarkResizeYCbCr(b *testing.B) {
	for _, size := range [][2]int{{4000, 3000}, {6000, 4000}} {
		m := noiseYCbCr(size[0], size[1], image.YCbCrSubsampleRatio420, 7)
		w, h := 600, 600*size[1]/size[0]
		mp := float64(size[0]*size[1]) / 1e6
		for _, fast := range []bool{false, true} {
			for _, workers := range []int{1, 2} {
				e, _ := New(Options{Filter: corescale.Lanczos3, Fast: fast, Workers: workers})
				mode := "exact"
				if fast {
					mode = "fast"
				}
				b.Run(fmt.Sprintf("size=%.0fMP/mode=%s/workers=%d", mp, mode, workers), func(b *testing.B) {
					cpu := cpuTime()
					for b.Loop() {
						if _, err := e.ResizeImage(m, w, h); err != nil {
							b.Fatal(err)
						}
					}
					b.ReportMetric(float64(b.N)*mp/b.Elapsed().Seconds(), "MP/s")
					b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N), "cpu-ns/op")
				})
			}
		}
	}
}

// noiseYCbCr returns a w×h YCbCr image of the given subsampling filled
// with uniform noise.
func noiseYCbCr(w, h int, ratio image.YCbCrSubsampleRatio, seed uint64) *image.YCbCr {
	m := image.NewYCbCr(image.Rect(0, 0, w, h), ratio)
	rng := rand.New(rand.NewPCG(seed, 3))
	for _, p := range [][]uint8{m.Y, m.Cb, m.Cr} {
		for i := range p {
			p[i] = uint8(rng.Uint32())
		}
	}
	return m
}
