package imagefile

import (
	"bytes"
	"image"
	"testing"

	"golang.org/x/image/tiff"
)

// FuzzDecodeTIFF feeds the TIFF decoder damaged files of every layout it
// reads: it must return an image of the size it reported or an error,
// never panic, and never allocate past the pixel limit.
func FuzzDecodeTIFF(f *testing.F) {
	for _, sp := range tiffSpecs {
		f.Add(sp.file(false, 0))
		if sp.spp > 1 {
			f.Add(sp.file(true, 16))
		} else {
			f.Add(sp.file(false, 16))
		}
	}
	// Compressed and predicted data, which golang.org/x/image/tiff writes.
	m := photo(40, 30, 3)
	for _, opt := range []*tiff.Options{
		{Compression: tiff.Deflate, Predictor: true},
		{Compression: tiff.Deflate},
		{Compression: tiff.Uncompressed},
	} {
		var b bytes.Buffer
		if err := tiff.Encode(&b, m, opt); err != nil {
			f.Fatal(err)
		}
		f.Add(b.Bytes())
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := DecodeWith(bytes.NewReader(b), "fuzz.tif", DecodeOptions{Limits: Limits{MaxPixels: 1 << 20}})
		if err != nil {
			return
		}
		if d.Image.Bounds() != image.Rect(0, 0, d.Width, d.Height) {
			t.Fatalf("image %v, but the header said %d×%d", d.Image.Bounds(), d.Width, d.Height)
		}
	})
}
