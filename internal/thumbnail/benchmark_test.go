package thumbnail

import (
	"bytes"
	"image/jpeg"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/corescale/corescale/cpu/resize"
	"github.com/corescale/corescale/internal/imagefile"
	"github.com/corescale/corescale/internal/testchart"
)

// BenchmarkPhases splits one batch job, a photo-like 1920×1080 JPEG to a
// 600-pixel-wide thumbnail, into its phases on one core.
func BenchmarkPhases(b *testing.B) {
	var file bytes.Buffer
	if err := jpeg.Encode(&file, testchart.Photo(1920, 1080, 1), &jpeg.Options{Quality: 85}); err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "photo.jpg")
	if err := os.WriteFile(path, file.Bytes(), 0o644); err != nil {
		b.Fatal(err)
	}
	d, err := imagefile.Open(path, imagefile.Limits{})
	if err != nil {
		b.Fatal(err)
	}
	eng, err := resize.New(resize.Options{Workers: 1})
	if err != nil {
		b.Fatal(err)
	}
	_, w, h := Geometry(1920, 1080, Size{W: 600}, Contain, false)
	mp := func(b *testing.B) {
		b.ReportMetric(1920*1080*float64(b.N)/1e6/b.Elapsed().Seconds(), "MP/s")
	}
	b.Run("decode", func(b *testing.B) {
		for b.Loop() {
			if _, err := imagefile.Open(path, imagefile.Limits{}); err != nil {
				b.Fatal(err)
			}
		}
		mp(b)
	})
	b.Run("resize", func(b *testing.B) {
		for b.Loop() {
			if _, err := eng.ResizeImage(d.Image, w, h); err != nil {
				b.Fatal(err)
			}
		}
		mp(b)
	})
	b.Run("encode", func(b *testing.B) {
		img, err := eng.ResizeImage(d.Image, w, h)
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if err := imagefile.Encode(io.Discard, img, imagefile.JPEG, 85); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("job", func(b *testing.B) {
		out := b.TempDir()
		batch, err := Plan([]string{path}, filepath.Join(out, "thumb.jpg"), imagefile.Keep)
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			s, err := runCPU(b.Context(), b, batch, Options{Size: Size{W: 600}, Workers: 1, Overwrite: true})
			if err != nil || s.Done != 1 {
				b.Fatal(err, s.Failures)
			}
		}
		mp(b)
	})
}
