//go:build cgo

package jpegturbo

import (
	"image"
	"testing"
)

// FuzzDecode drives libjpeg-turbo directly, past the header checks
// image/jpeg makes in imagefile: whatever the bytes, a header error, a
// fatal error without an image, or an image of the size the header gave
// (with or without a warning), never a crash.
func FuzzDecode(f *testing.F) {
	src := photo(40, 24, 7)
	for _, s := range []Subsampling{S444, S422, S420, S440, S411, SGray} {
		b, err := Encode(src, EncodeOptions{Quality: 80, Subsampling: s})
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, uint8(1))
		f.Add(b[:len(b)/2], uint8(2))
	}
	c := image.NewCMYK(src.Rect)
	b, err := Encode(c, EncodeOptions{Quality: 80})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b, uint8(3))
	f.Fuzz(func(t *testing.T, data []byte, scale uint8) {
		shrink := 1 << (scale % 4)
		hd, herr := ReadHeader(data)
		if herr == nil && hd.Width*hd.Height > 1<<20 {
			return // a caller refuses such sizes from the header first
		}
		img, warn, err := Decode(data, shrink)
		if err != nil {
			if img != nil || warn != nil {
				t.Fatalf("error %v with an image or a warning", err)
			}
			return
		}
		if herr != nil {
			t.Fatalf("decoded what ReadHeader refused: %v", herr)
		}
		b := img.Bounds()
		if b.Min != (image.Point{}) || b.Dx() != scaled(hd.Width, shrink) || b.Dy() != scaled(hd.Height, shrink) {
			t.Fatalf("%v for a %d×%d header at 1/%d", b, hd.Width, hd.Height, shrink)
		}
		// The RGB decode reads the same data: what decodes as planes
		// decodes as pixels, to the same size.
		rgb, _, err := DecodeRGB(data, shrink)
		if err != nil {
			t.Fatalf("decoded as %T, DecodeRGB: %v", img, err)
		}
		if rgb.Bounds() != b {
			t.Fatalf("DecodeRGB gave %v, Decode %v", rgb.Bounds(), b)
		}
	})
}
