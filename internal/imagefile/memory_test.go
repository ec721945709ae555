package imagefile

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"testing"

	"github.com/corescale/corescale/internal/jpegturbo"
	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"
)

// memoryFiles returns w×h files of every kind whose decode costs memory
// differently: each PNG colour type and depth, baseline JPEG in colour and
// gray, turned by EXIF both exactly and through RGBA, GIF, BMP, TIFF, and
// what Go's encoders cannot write (interlaced PNG, progressive, 4:4:4 and
// CMYK JPEG, WebP) when ImageMagick and cwebp are installed.
func memoryFiles(t *testing.T, w, h int) map[string][]byte {
	t.Helper()
	src := photo(w, h, 7)
	r := src.Bounds()
	gray, gray16 := image.NewGray(r), image.NewGray16(r)
	nrgba, rgba64, nrgba64 := image.NewNRGBA(r), image.NewRGBA64(r), image.NewNRGBA64(r)
	pal := image.NewPaletted(r, color.Palette{color.NRGBA{1, 2, 3, 255}, color.NRGBA{200, 100, 50, 255}, color.NRGBA{9, 9, 9, 255}})
	palT := image.NewPaletted(r, color.Palette{color.NRGBA{1, 2, 3, 255}, color.NRGBA{200, 100, 50, 128}})
	for y := range h {
		for x := range w {
			c := src.RGBAAt(x, y)
			gray.SetGray(x, y, color.Gray{c.G})
			gray16.SetGray16(x, y, color.Gray16{uint16(c.G) * 257})
			nrgba.SetNRGBA(x, y, color.NRGBA{c.R, c.G, c.B, uint8(x)})
			rgba64.SetRGBA64(x, y, color.RGBA64{uint16(c.R) * 257, uint16(c.G) * 257, uint16(c.B) * 257, 0xffff})
			nrgba64.SetNRGBA64(x, y, color.NRGBA64{uint16(c.R) * 257, uint16(c.G) * 257, uint16(c.B) * 257, uint16(y) * 50})
			pal.SetColorIndex(x, y, uint8((x/8+y/8)%3))
			palT.SetColorIndex(x, y, uint8((x/8+y/8)%2))
		}
	}
	files := map[string][]byte{}
	enc := func(name string, f func(*bytes.Buffer) error) {
		var b bytes.Buffer
		if err := f(&b); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		files[name] = b.Bytes()
	}
	for name, m := range map[string]image.Image{
		"gray.png": gray, "gray16.png": gray16, "rgb.png": src, "rgba.png": nrgba,
		"rgb16.png": rgba64, "rgba16.png": nrgba64, "palette.png": pal, "palette-alpha.png": palT,
	} {
		enc(name, func(b *bytes.Buffer) error { return png.Encode(b, m) })
	}
	files["colour.jpg"] = encodeJPEG(t, src, 90)
	files["gray.jpg"] = encodeJPEG(t, gray, 90)
	// 4:2:0 turns exactly when the sides are even; a side of odd length
	// goes through RGBA.
	files["turned.jpg"] = withSegment(files["colour.jpg"], exifSegment(Rotate90, binary.BigEndian))
	odd := encodeJPEG(t, src.SubImage(image.Rect(0, 0, w-1, h)), 90)
	files["turned-odd.jpg"] = withSegment(odd, exifSegment(Rotate90, binary.BigEndian))
	enc("frame.gif", func(b *bytes.Buffer) error { return gif.Encode(b, src, nil) })
	enc("rgb.bmp", func(b *bytes.Buffer) error { return bmp.Encode(b, src) })
	enc("palette.bmp", func(b *bytes.Buffer) error { return bmp.Encode(b, pal) })
	enc("rgb.tif", func(b *bytes.Buffer) error { return tiff.Encode(b, src, &tiff.Options{Compression: tiff.Deflate}) })
	enc("rgba16.tif", func(b *bytes.Buffer) error { return tiff.Encode(b, nrgba64, nil) })

	dir := t.TempDir()
	in := filepath.Join(dir, "in.png")
	if err := os.WriteFile(in, files["rgba.png"], 0o644); err != nil {
		t.Fatal(err)
	}
	tool := func(name string, args ...string) {
		if _, err := exec.LookPath(args[0]); err != nil {
			t.Logf("%s left out: no %s", name, args[0])
			return
		}
		out := filepath.Join(dir, name)
		if b, err := exec.Command(args[0], append(args[1:], out)...).CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", name, err, b)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		files[name] = b
	}
	tool("interlaced.png", "/usr/bin/convert", in, "-interlace", "PNG")
	tool("progressive.jpg", "/usr/bin/convert", in, "-interlace", "JPEG", "-quality", "90")
	tool("444.jpg", "/usr/bin/convert", in, "-sampling-factor", "1x1", "-quality", "90")
	tool("cmyk.jpg", "/usr/bin/convert", in, "-colorspace", "CMYK", "-quality", "90")
	tool("lossy.webp", "cwebp", "-quiet", "-q", "80", "-noalpha", in, "-o")
	tool("lossless.webp", "cwebp", "-quiet", "-lossless", in, "-o")
	tool("alpha.webp", "cwebp", "-quiet", "-q", "80", in, "-o")
	return files
}

// raceEnabled is set under the race detector (see race_test.go).
var raceEnabled bool

// imageBytes is the length of the pixel buffers of m.
func imageBytes(m image.Image) int64 {
	v := reflect.ValueOf(m).Elem()
	var n int64
	for _, f := range []string{"Pix", "Y", "Cb", "Cr", "A"} {
		if p := v.FieldByName(f); p.IsValid() {
			n += int64(p.Len())
		}
	}
	return n
}

// TestMemoryEstimate: the header's estimates hold for every kind of file.
// ImageBytes is at least what the decoded image takes, and DecodeBytes at
// least all that Decode allocates, garbage included (it takes memory until
// the collector runs); neither is more than twice over, plus the fixed
// overhead. Model is the decoded image's, or NRGBA where the header cannot
// tell alpha from none.
func TestMemoryEstimate(t *testing.T) {
	const w, h = 1024, 768
	for name, file := range memoryFiles(t, w, h) {
		t.Run(name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			d, err := decodeBytes(file, name, Limits{})
			runtime.ReadMemStats(&after)
			if err != nil {
				t.Fatal(err)
			}
			allocated := int64(after.TotalAlloc - before.TotalAlloc)
			img := imageBytes(d.Image)
			if d.ImageBytes < img || d.ImageBytes > 2*img {
				t.Errorf("ImageBytes %d for a %T of %d bytes", d.ImageBytes, d.Image, img)
			}
			// libjpeg-turbo's own buffers are C memory, which the Go
			// allocator does not see: count them as allocated.
			allocated += cBytes(t, file, d.Format)
			if !raceEnabled && (allocated > d.DecodeBytes || d.DecodeBytes > 2*allocated+decodeOverhead) {
				t.Errorf("DecodeBytes %d, and Decode allocated %d", d.DecodeBytes, allocated)
			}
			got := d.Image.ColorModel()
			if d.Model != got && !(d.Model == color.NRGBAModel && got == color.RGBAModel) {
				t.Errorf("Model %v, and Decode made a %T", d.Model, d.Image)
			}
		})
	}
}

// cBytes is what a decode of file allocates outside Go's heap, as the
// estimate counts it.
func cBytes(t *testing.T, file []byte, f Format) int64 {
	if f != JPEG || !jpegturbo.Available {
		return 0
	}
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	hd := readHeader(bufio.NewReader(bytes.NewReader(file)), JPEG)
	return int64(turboCoefficients(cfg.Width, cfg.Height, hd))
}

// TestTurnsExactlySamplingFactors: the sampling factors come from the
// file's frame header; zero ones (which image/jpeg refuses first, but
// jpegHeader reads on its own) mean "not exactly", never a division by
// zero.
func TestTurnsExactlySamplingFactors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		comps []jpegComp
		want  bool
	}{
		{"4:2:0", []jpegComp{{1, 2, 2}, {2, 1, 1}, {3, 1, 1}}, true},
		{"4:2:2, which turns into 4:4:0", []jpegComp{{1, 2, 1}, {2, 1, 1}, {3, 1, 1}}, true},
		{"luma h 0", []jpegComp{{1, 0, 2}, {2, 1, 1}, {3, 1, 1}}, false},
		{"luma v 0", []jpegComp{{1, 2, 0}, {2, 1, 1}, {3, 1, 1}}, false},
		{"chroma h 0", []jpegComp{{1, 2, 2}, {2, 0, 1}, {3, 1, 1}}, false},
		{"all 0", []jpegComp{{1, 0, 0}, {2, 0, 0}, {3, 0, 0}}, false},
	} {
		hd := header{ok: true, comps: tc.comps}
		if got := turnsExactly(16, 16, hd, Rotate90); got != tc.want {
			t.Errorf("%s: turnsExactly = %v, want %v", tc.name, got, tc.want)
		}
	}
}
