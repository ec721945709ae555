package imagefile

import (
	"bytes"
	"image"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/image/tiff"
)

// FuzzDecodeTIFF feeds the TIFF decoder damaged files of every layout it
// reads. It must return an error naming the file or an image of the size
// it reported, never panic, and never allocate past the pixel limit; the
// header alone (ProbeReader) must say what the decode said; and a reader
// that can only seek must give the same pixels, or the same error, as one
// that reads at offsets.
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
	// What it does not write: LZW, PackBits, FillOrder 2, big-endian,
	// palettes and CMYK compressed (testdata/README.md says how tiffcp
	// made them). Each must decode, or it seeds nothing but an error path.
	files, err := filepath.Glob("testdata/tiff/*.tif")
	if err != nil || len(files) == 0 {
		f.Fatalf("no seeds in testdata/tiff: %v", err)
	}
	limits := DecodeOptions{Limits: Limits{MaxPixels: fuzzMaxPixels}}
	for _, name := range files {
		b := readTestdata(f, strings.TrimPrefix(name, "testdata/"))
		if _, err := DecodeWith(bytes.NewReader(b), name, limits); err != nil {
			f.Fatalf("seed %s: %v", name, err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := DecodeWith(bytes.NewReader(b), "fuzz.tif", limits)
		seekOnly, seekErr := DecodeWith(onlyReadSeeker{bytes.NewReader(b)}, "fuzz.tif", limits)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.tif: ") {
				t.Errorf("error does not name the file: %v", err)
			}
			if seekErr == nil || seekErr.Error() != err.Error() {
				t.Fatalf("read at offsets: %v; read by seeking: %v", err, seekErr)
			}
			return
		}
		if d.Image.Bounds() != image.Rect(0, 0, d.Width, d.Height) {
			t.Fatalf("image %v, but the header said %d×%d", d.Image.Bounds(), d.Width, d.Height)
		}
		info, err := ProbeReader(bytes.NewReader(b), "fuzz.tif", limits.Limits)
		if err != nil || info != d.Info {
			t.Fatalf("ProbeReader = %+v, %v; Decode said %+v", info, err, d.Info)
		}
		if seekErr != nil || !reflect.DeepEqual(seekOnly.Image, d.Image) || !bytes.Equal(seekOnly.ICC, d.ICC) {
			t.Fatalf("read by seeking: %v, or other pixels or profile than read at offsets", seekErr)
		}
	})
}
