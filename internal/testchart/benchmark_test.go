package testchart

import (
	"image"
	"testing"
)

func BenchmarkPhoto(b *testing.B) {
	for _, s := range [][2]int{{1920, 1080}, {6000, 4000}} {
		b.Run(image.Pt(s[0], s[1]).String(), func(b *testing.B) {
			for b.Loop() {
				Photo(s[0], s[1], 1)
			}
			b.ReportMetric(float64(b.N)*float64(s[0]*s[1])/1e6/b.Elapsed().Seconds(), "MP/s")
		})
	}
}
