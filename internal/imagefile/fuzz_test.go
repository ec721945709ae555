package imagefile

import (
	"bytes"
	"encoding/binary"
	"io"
	"strings"
	"testing"
	"time"
)

// fuzzMaxPixels keeps each fuzz input's allocation to a few megabytes, so
// the fuzzer spends its time on parsing rather than on clearing memory; the
// limit logic itself is the same for any value.
const fuzzMaxPixels = 1 << 20

// fastTypes are the types the package doc promises.
var fastTypes = map[string]bool{
	"*image.Gray": true, "*image.Gray16": true, "*image.YCbCr": true, "*image.RGBA": true,
	"*image.NRGBA": true, "*image.RGBA64": true, "*image.NRGBA64": true,
}

// FuzzDecode drives the whole entry point: sniffing, the EXIF scan, the
// header check, the decoders, normalisation and orientation. Whatever the
// bytes, it must return an error naming the file or an image that keeps
// every promise of the package doc, within the limit, promptly.
func FuzzDecode(f *testing.F) {
	for _, s := range samples(f) {
		f.Add(s.data)
	}
	for o := Upright; o <= Rotate270; o++ {
		f.Add(orientedJPEG(f, o))
	}
	// A 4:2:0 JPEG of odd size with an orientation that transposes it, which
	// takes the RGBA fallback.
	f.Add(withSegment(encodeJPEG(f, photo(17, 9, 4), 80), exifSegment(Rotate90, binary.LittleEndian)))
	f.Add(readTestdata(f, "progressive.jpg"))
	f.Add(manyScans(f, maxJPEGScans+1))
	for _, b := range bombs(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		start := time.Now()
		d, err := Decode(bytes.NewReader(data), "fuzz.img", Limits{MaxPixels: fuzzMaxPixels})
		if took := time.Since(start); took > 2*time.Second {
			t.Errorf("took %v on %d bytes", took, len(data))
		}
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.img: ") {
				t.Errorf("error does not name the file: %v", err)
			}
			return
		}
		b := d.Image.Bounds()
		if b.Min.X != 0 || b.Min.Y != 0 || b.Dx() != d.Width || b.Dy() != d.Height {
			t.Fatalf("bounds %v, Info %d×%d", b, d.Width, d.Height)
		}
		if int64(d.Width)*int64(d.Height) > fuzzMaxPixels || d.Width <= 0 || d.Height <= 0 {
			t.Fatalf("%d×%d passed the limit", d.Width, d.Height)
		}
		if d.Orientation < Upright || d.Orientation > Rotate270 || d.Format != JPEG && d.Orientation != Upright {
			t.Fatalf("orientation %d for %s", d.Orientation, d.Format)
		}
		if typ := typeOf(d.Image); !fastTypes[typ] {
			t.Fatalf("decoded as %s", typ)
		}
		if f, ok := sniff(data[:min(len(data), sniffLen)]); !ok || f != d.Format {
			t.Fatalf("format %q, sniffed %q", d.Format, f)
		}
		info, err := ProbeReader(bytes.NewReader(data), "fuzz.img", Limits{MaxPixels: fuzzMaxPixels})
		if err != nil || info != d.Info {
			t.Fatalf("ProbeReader = %+v, %v; Decode said %+v", info, err, d.Info)
		}
		// Whatever decodes must also encode; small images only, to keep the
		// fuzzer's pace.
		if d.Width*d.Height <= 64*64 {
			for _, f := range []Format{JPEG, PNG} {
				if err := Encode(io.Discard, d.Image, f, 0); err != nil {
					t.Fatalf("encoding %s: %v", f, err)
				}
			}
		}
	})
}
