package imagefile

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/jpeg"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// The benchmark inputs are made once: a 1920×1080 photo-like image and its
// JPEG at quality 85, the batch workload's typical input.
var benchInput = sync.OnceValues(func() (*image.RGBA, []byte) {
	img := photo(1920, 1080, 42)
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 85}); err != nil {
		panic(err)
	}
	return img, b.Bytes()
})

func setMP(b *testing.B, pixels int) {
	b.ReportMetric(float64(pixels)*float64(b.N)/1e6/b.Elapsed().Seconds(), "MP/s")
}

// BenchmarkDecodeJPEG1080p is the whole entry point from memory.
func BenchmarkDecodeJPEG1080p(b *testing.B) {
	_, file := benchInput()
	b.SetBytes(int64(len(file)))
	for b.Loop() {
		if _, err := decodeBytes(file, "bench.jpg", Limits{}); err != nil {
			b.Fatal(err)
		}
	}
	setMP(b, 1920*1080)
}

// BenchmarkDecodeJPEG1080pStdlib is image/jpeg alone, to show what the
// header check and EXIF scan add.
func BenchmarkDecodeJPEG1080pStdlib(b *testing.B) {
	_, file := benchInput()
	b.SetBytes(int64(len(file)))
	for b.Loop() {
		if _, err := jpeg.Decode(bytes.NewReader(file)); err != nil {
			b.Fatal(err)
		}
	}
	setMP(b, 1920*1080)
}

// BenchmarkOpenJPEG1080p reads from a file, as the batch does.
func BenchmarkOpenJPEG1080p(b *testing.B) {
	_, file := benchInput()
	path := filepath.Join(b.TempDir(), "bench.jpg")
	if err := os.WriteFile(path, file, 0o644); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(file)))
	for b.Loop() {
		if _, err := Open(path, Limits{}); err != nil {
			b.Fatal(err)
		}
	}
	setMP(b, 1920*1080)
}

// BenchmarkDecodeJPEG1080pRotated is a portrait phone photo: orientation 6,
// rotated plane by plane.
func BenchmarkDecodeJPEG1080pRotated(b *testing.B) {
	_, file := benchInput()
	file = withSegment(file, exifSegment(Rotate90, binary.BigEndian))
	for b.Loop() {
		if _, err := decodeBytes(file, "bench.jpg", Limits{}); err != nil {
			b.Fatal(err)
		}
	}
	setMP(b, 1920*1080)
}

// BenchmarkProbe is the header check alone.
func BenchmarkProbe(b *testing.B) {
	_, file := benchInput()
	for b.Loop() {
		if _, err := ProbeReader(bytes.NewReader(file), "bench.jpg", Limits{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeJPEG85(b *testing.B) {
	img, file := benchInput()
	ycc, err := jpeg.Decode(bytes.NewReader(file))
	if err != nil {
		b.Fatal(err)
	}
	for _, in := range []struct {
		name string
		img  image.Image
	}{{"rgba", img}, {"ycbcr", ycc}} {
		b.Run(in.name, func(b *testing.B) {
			for b.Loop() {
				if err := Encode(io.Discard, in.img, JPEG, 85); err != nil {
					b.Fatal(err)
				}
			}
			setMP(b, 1920*1080)
		})
	}
}

// BenchmarkEncodeThumbnail is the batch's output: a 600×338 thumbnail.
func BenchmarkEncodeThumbnail(b *testing.B) {
	img := photo(600, 338, 7)
	for _, f := range []Format{JPEG, PNG} {
		b.Run(string(f), func(b *testing.B) {
			for b.Loop() {
				if err := Encode(io.Discard, img, f, 85); err != nil {
					b.Fatal(err)
				}
			}
			setMP(b, 600*338)
		})
	}
}

func BenchmarkOrient(b *testing.B) {
	img, _ := benchInput()
	ycc := image.NewYCbCr(img.Rect, image.YCbCrSubsampleRatio420) // the content does not matter
	for _, in := range []struct {
		name string
		img  image.Image
	}{{"rgba", img}, {"ycbcr420", ycc}} {
		for _, o := range []Orientation{Rotate180, Rotate90} {
			b.Run(in.name+"/"+map[Orientation]string{Rotate180: "rotate180", Rotate90: "rotate90"}[o], func(b *testing.B) {
				for b.Loop() {
					orientImage(in.img, o)
				}
				setMP(b, 1920*1080)
			})
		}
	}
}
