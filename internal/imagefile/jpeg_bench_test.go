package imagefile

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"io"
	"testing"

	"github.com/corescale/corescale/internal/jpegturbo"
)

// BenchmarkDecodeJPEG compares, on the 1080p photo at quality 85 (4:2:0),
// the whole entry point through libjpeg-turbo at full size and at 1/8
// against image/jpeg alone (dec=go), the decoder it replaces. benchstat
// -col /dec shows the ratios.
func BenchmarkDecodeJPEG(b *testing.B) {
	_, file := benchInput()
	b.Run("dec=go", func(b *testing.B) {
		b.SetBytes(int64(len(file)))
		for b.Loop() {
			if _, err := jpeg.Decode(bytes.NewReader(file)); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, s := range []struct {
		name    string
		atLeast image.Point
	}{{"dec=turbo-1", image.Point{}}, {"dec=turbo-8", image.Pt(240, 135)}} {
		b.Run(s.name, func(b *testing.B) {
			if !jpegturbo.Available {
				b.Skip("built without cgo")
			}
			b.SetBytes(int64(len(file)))
			for b.Loop() {
				if _, err := DecodeWith(bytes.NewReader(file), "bench.jpg", DecodeOptions{AtLeast: s.atLeast}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkEncodeJPEG compares encoding the 1080p photo at quality 85
// (4:2:0) through libjpeg-turbo and image/jpeg, from RGBA pixels and from
// 4:4:4 planes (which Encode averages down to 4:2:0 planes, against
// converting them to RGB for TurboJPEG's own downsampling: enc=turbo-rgb).
func BenchmarkEncodeJPEG(b *testing.B) {
	img, _ := benchInput()
	ycc := image.NewYCbCr(img.Rect, image.YCbCrSubsampleRatio444)
	for y := range img.Rect.Dy() {
		for x := range img.Rect.Dx() {
			c := img.RGBAAt(x, y)
			ycc.Y[ycc.YOffset(x, y)], ycc.Cb[ycc.COffset(x, y)], ycc.Cr[ycc.COffset(x, y)] = color.RGBToYCbCr(c.R, c.G, c.B)
		}
	}
	for _, in := range []struct {
		name string
		img  image.Image
	}{{"in=rgba", img}, {"in=ycc444", ycc}} {
		b.Run(in.name+"/enc=go", func(b *testing.B) {
			for b.Loop() {
				if err := jpeg.Encode(io.Discard, in.img, &jpeg.Options{Quality: 85}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(in.name+"/enc=turbo", func(b *testing.B) {
			if !jpegturbo.Available {
				b.Skip("built without cgo")
			}
			for b.Loop() {
				if err := EncodeWith(io.Discard, in.img, JPEG, EncodeOptions{Quality: 85}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("in=ycc444/enc=turbo-rgb", func(b *testing.B) {
		if !jpegturbo.Available {
			b.Skip("built without cgo")
		}
		for b.Loop() {
			rgba := image.NewRGBA(ycc.Rect)
			draw.Draw(rgba, rgba.Rect, ycc, image.Point{}, draw.Src)
			if _, err := jpegturbo.Encode(rgba, jpegturbo.EncodeOptions{Quality: 85, Subsampling: jpegturbo.S420}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
