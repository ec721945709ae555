package imagefile

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"
)

// sample is one small file of a known format, with the image it should
// decode to.
type sample struct {
	name   string
	format Format
	data   []byte
	want   image.Image // the expected pixels, nil to skip comparing them
	typ    string      // the expected Go type of the decoded image
	tol    int         // the largest channel difference allowed
}

// patternImages returns small odd-sized images of every depth, with
// translucency where the type has alpha.
func patternNRGBA() *image.NRGBA {
	m := image.NewNRGBA(image.Rect(0, 0, 13, 7))
	for y := range 7 {
		for x := range 13 {
			m.SetNRGBA(x, y, color.NRGBA{uint8(x * 19), uint8(y * 36), uint8(x*y*3 + 7), uint8(40 + x*15)})
		}
	}
	return m
}

func withoutAlpha(m *image.NRGBA) *image.NRGBA {
	out := image.NewNRGBA(m.Rect)
	copy(out.Pix, m.Pix)
	for i := 3; i < len(out.Pix); i += 4 {
		out.Pix[i] = 0xff
	}
	return out
}

func patternOpaque() *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, 13, 7))
	for y := range 7 {
		for x := range 13 {
			m.SetRGBA(x, y, color.RGBA{uint8(x * 19), uint8(y * 36), uint8(x*y*3 + 7), 0xff})
		}
	}
	return m
}

func patternGray16() *image.Gray16 {
	m := image.NewGray16(image.Rect(0, 0, 13, 7))
	for y := range 7 {
		for x := range 13 {
			m.SetGray16(x, y, color.Gray16{uint16(x*4000 + y*1234)})
		}
	}
	return m
}

func patternNRGBA64() *image.NRGBA64 {
	m := image.NewNRGBA64(image.Rect(0, 0, 13, 7))
	for y := range 7 {
		for x := range 13 {
			m.SetNRGBA64(x, y, color.NRGBA64{uint16(x * 5000), uint16(y * 9000), 0x1234, uint16(1000 + x*5000)})
		}
	}
	return m
}

func patternRGBA64() *image.RGBA64 {
	m := image.NewRGBA64(image.Rect(0, 0, 13, 7))
	for y := range 7 {
		for x := range 13 {
			m.SetRGBA64(x, y, color.RGBA64{uint16(x * 5000), uint16(y * 9000), 0x1234, 0xffff})
		}
	}
	return m
}

func patternGray() *image.Gray {
	m := image.NewGray(image.Rect(0, 0, 13, 7))
	for y := range 7 {
		for x := range 13 {
			m.SetGray(x, y, color.Gray{uint8(x*17 + y*5)})
		}
	}
	return m
}

func patternPaletted(p color.Palette) *image.Paletted {
	m := image.NewPaletted(image.Rect(0, 0, 13, 7), p)
	for y := range 7 {
		for x := range 13 {
			m.SetColorIndex(x, y, uint8((x+3*y)%len(p)))
		}
	}
	return m
}

var (
	opaquePalette      = color.Palette{color.RGBA{255, 0, 0, 255}, color.RGBA{0, 128, 0, 255}, color.RGBA{10, 20, 250, 255}, color.RGBA{200, 200, 200, 255}}
	translucentPalette = color.Palette{color.RGBA{0, 0, 0, 0}, color.RGBA{0, 128, 0, 255}, color.RGBA{10, 20, 250, 255}, color.RGBA{100, 50, 0, 128}}
	gifPalette         = color.Palette{color.RGBA{0, 0, 0, 0}, color.RGBA{0, 128, 0, 255}, color.RGBA{10, 20, 250, 255}, color.RGBA{200, 50, 0, 255}}
)

// samples encodes the patterns in every format and option the encoders at
// hand offer, and adds the committed files that Go cannot write.
func samples(t testing.TB) []sample {
	t.Helper()
	enc := func(f func(io.Writer) error) []byte {
		var b bytes.Buffer
		if err := f(&b); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	pngOf := func(m image.Image) []byte { return enc(func(w io.Writer) error { return png.Encode(w, m) }) }
	bmpOf := func(m image.Image) []byte { return enc(func(w io.Writer) error { return bmp.Encode(w, m) }) }
	tiffOf := func(m image.Image, c tiff.CompressionType) []byte {
		return enc(func(w io.Writer) error { return tiff.Encode(w, m, &tiff.Options{Compression: c}) })
	}
	gifOf := func(m *image.Paletted) []byte { return enc(func(w io.Writer) error { return gif.Encode(w, m, nil) }) }

	// A GIF whose first frame covers only part of its logical screen.
	frame := patternPaletted(opaquePalette)
	frame.Rect = frame.Rect.Add(image.Pt(3, 2))
	offsetGIF := enc(func(w io.Writer) error {
		return gif.EncodeAll(w, &gif.GIF{
			Image:  []*image.Paletted{frame},
			Delay:  []int{0},
			Config: image.Config{ColorModel: opaquePalette, Width: 20, Height: 12},
		})
	})
	onCanvas := image.NewNRGBA(image.Rect(0, 0, 20, 12))
	for y := frame.Rect.Min.Y; y < frame.Rect.Max.Y; y++ {
		for x := frame.Rect.Min.X; x < frame.Rect.Max.X; x++ {
			onCanvas.Set(x, y, frame.At(x, y))
		}
	}

	nrgba, opaque, gray := patternNRGBA(), patternOpaque(), patternGray()
	return []sample{
		{"png nrgba", PNG, pngOf(nrgba), nrgba, "*image.NRGBA", 0},
		{"png rgb", PNG, pngOf(opaque), opaque, "*image.RGBA", 0},
		{"png gray", PNG, pngOf(gray), gray, "*image.Gray", 0},
		{"png gray16", PNG, pngOf(patternGray16()), patternGray16(), "*image.Gray16", 0},
		{"png nrgba64", PNG, pngOf(patternNRGBA64()), patternNRGBA64(), "*image.NRGBA64", 0},
		{"png rgb16", PNG, pngOf(patternRGBA64()), patternRGBA64(), "*image.RGBA64", 0},
		{"png paletted opaque", PNG, pngOf(patternPaletted(opaquePalette)), patternPaletted(opaquePalette), "*image.RGBA", 0},
		{"png paletted translucent", PNG, pngOf(patternPaletted(translucentPalette)), patternPaletted(translucentPalette), "*image.NRGBA", 0},
		{"jpeg ycbcr", JPEG, encodeJPEG(t, opaque, 100), opaque, "*image.YCbCr", 40},
		{"jpeg gray", JPEG, encodeJPEG(t, gray, 100), gray, "*image.Gray", 3},
		{"gif opaque", GIF, gifOf(patternPaletted(opaquePalette)), patternPaletted(opaquePalette), "*image.RGBA", 0},
		{"gif transparent", GIF, gifOf(patternPaletted(gifPalette)), patternPaletted(gifPalette), "*image.NRGBA", 0},
		{"gif frame on a larger screen", GIF, offsetGIF, onCanvas, "*image.NRGBA", 0},
		{"bmp rgb", BMP, bmpOf(opaque), opaque, "*image.RGBA", 0},
		// x/image/bmp writes alpha into a header version whose alpha the
		// reader (rightly, for that version) ignores: the image is opaque.
		{"bmp nrgba", BMP, bmpOf(nrgba), withoutAlpha(nrgba), "*image.RGBA", 0},
		{"bmp gray", BMP, bmpOf(gray), gray, "*image.RGBA", 0},
		{"bmp paletted", BMP, bmpOf(patternPaletted(opaquePalette)), patternPaletted(opaquePalette), "*image.RGBA", 0},
		{"tiff nrgba", TIFF, tiffOf(nrgba, tiff.Uncompressed), nrgba, "*image.NRGBA", 0},
		{"tiff nrgba deflate", TIFF, tiffOf(nrgba, tiff.Deflate), nrgba, "*image.NRGBA", 0},
		{"tiff rgb", TIFF, tiffOf(opaque, tiff.Deflate), opaque, "*image.RGBA", 0},
		{"tiff gray", TIFF, tiffOf(gray, tiff.Uncompressed), gray, "*image.Gray", 0},
		{"tiff gray16", TIFF, tiffOf(patternGray16(), tiff.Deflate), patternGray16(), "*image.Gray16", 0},
		{"tiff nrgba64", TIFF, tiffOf(patternNRGBA64(), tiff.Uncompressed), patternNRGBA64(), "*image.NRGBA64", 0},
		{"tiff rgb16", TIFF, tiffOf(patternRGBA64(), tiff.Deflate), patternRGBA64(), "*image.RGBA64", 0},
		{"tiff paletted", TIFF, tiffOf(patternPaletted(opaquePalette), tiff.Deflate), patternPaletted(opaquePalette), "*image.RGBA", 0},
		{"webp lossy", WebP, readTestdata(t, "lossy.webp"), nil, "*image.YCbCr", 0},
		{"webp lossless", WebP, readTestdata(t, "lossless.webp"), nil, "*image.NRGBA", 0},
		{"webp alpha", WebP, readTestdata(t, "alpha.webp"), nil, "*image.NRGBA", 0},
		{"jpeg cmyk", JPEG, readTestdata(t, "cmyk.jpg"), nil, "*image.RGBA", 0},
		{"jpeg ycck", JPEG, readTestdata(t, "ycck.jpg"), nil, "*image.RGBA", 0},
	}
}

func TestDecodeFormats(t *testing.T) {
	for _, s := range samples(t) {
		t.Run(s.name, func(t *testing.T) {
			d, err := decodeBytes(s.data, s.name, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if d.Format != s.format {
				t.Errorf("format %q, want %q", d.Format, s.format)
			}
			if got := fmt.Sprintf("%T", d.Image); got != s.typ {
				t.Errorf("decoded as %s, want %s", got, s.typ)
			}
			b := d.Image.Bounds()
			if b.Min != (image.Point{}) || b.Dx() != d.Width || b.Dy() != d.Height {
				t.Errorf("bounds %v, Info %d×%d", b, d.Width, d.Height)
			}
			if d.Orientation != Upright {
				t.Errorf("orientation %d", d.Orientation)
			}
			if s.want != nil {
				if worst, _ := maxDiff(t, d.Image, s.want); worst > s.tol {
					t.Errorf("pixels differ by up to %d, want ≤ %d", worst, s.tol)
				}
			}
			info, err := ProbeReader(bytes.NewReader(s.data), s.name, Limits{})
			if err != nil || info != d.Info {
				t.Errorf("ProbeReader = %+v, %v; Decode said %+v", info, err, d.Info)
			}
		})
	}
}

// TestCMYK checks that 4-component JPEGs come out in the right colours:
// image/jpeg undoes Adobe's inverted storage (testdata/README.md says how
// the files were made), and normalize converts to RGB.
func TestCMYK(t *testing.T) {
	for _, name := range []string{"cmyk.jpg", "ycck.jpg"} {
		t.Run(name, func(t *testing.T) {
			d, err := Open(filepath.Join("testdata", name), Limits{})
			if err != nil {
				t.Fatal(err)
			}
			m, ok := d.Image.(*image.RGBA)
			if !ok {
				t.Fatalf("decoded as %T, want *image.RGBA", d.Image)
			}
			checkPatches(t, m, 6)
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	good := samples(t)
	byName := map[string][]byte{}
	for _, s := range good {
		byName[s.name] = s.data
	}
	tests := []struct {
		name string
		data []byte
		is   error
		msg  string // a part of the message
	}{
		{"empty", nil, ErrFormat, "x.img: not a JPEG, PNG"},
		{"text", []byte("hello, this is not an image"), ErrFormat, "x.img: not a JPEG"},
		{"png signature only", []byte("\x89PNG\r\n\x1a\n"), io.ErrUnexpectedEOF, "x.img: reading png header"},
		{"truncated png", byName["png nrgba"][:60], nil, "x.img: decoding png"},
		{"truncated jpeg header", byName["jpeg ycbcr"][:20], nil, "x.img: reading jpeg header"},
		{"truncated gif", byName["gif opaque"][:40], nil, "x.img: decoding gif"},
		{"truncated tiff", byName["tiff rgb"][:30], nil, "x.img: reading tiff header"},
		{"bmp header only", byName["bmp rgb"][:54], nil, "x.img: decoding bmp"},
		{"webp header only", byName["webp lossy"][:30], nil, "x.img: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := decodeBytes(tt.data, "x.img", Limits{})
			if err == nil {
				t.Fatalf("decoded %T", d.Image)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %q is not %q", err, tt.is)
			}
			if !strings.HasPrefix(err.Error(), tt.msg) {
				t.Errorf("error %q does not start with %q", err, tt.msg)
			}
		})
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.jpg")
	if _, err := Open(missing, Limits{}); !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), missing) {
		t.Errorf("Open of a missing file: %v", err)
	}
	if _, err := Probe(missing, Limits{}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Probe of a missing file: %v", err)
	}
	if _, err := Open(dir, Limits{}); err == nil || !strings.Contains(err.Error(), dir) {
		t.Errorf("Open of a folder: %v", err)
	}
	// The extension does not matter, the content does.
	named := filepath.Join(dir, "really-a-png.jpg")
	if err := os.WriteFile(named, samples(t)[0].data, 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := Open(named, Limits{})
	if err != nil || d.Format != PNG {
		t.Errorf("Open(%s) = %v, %v", named, d, err)
	}
}

// onlyReadSeeker hides the io.ReaderAt of a bytes.Reader, as a reader of a
// compressed or network stream would.
type onlyReadSeeker struct{ io.ReadSeeker }

func TestDecodeTIFFWithoutReaderAt(t *testing.T) {
	for _, s := range samples(t) {
		if s.format != TIFF {
			continue
		}
		d, err := Decode(onlyReadSeeker{bytes.NewReader(s.data)}, s.name, Limits{})
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if worst, _ := maxDiff(t, d.Image, s.want); worst > 0 {
			t.Errorf("%s: differs by %d", s.name, worst)
		}
	}
}

// TestOrientedLimit checks that the limit and its message use the upright
// size: a 64×48 card stored as 48×64 with orientation 6.
func TestOrientedLimit(t *testing.T) {
	file := orientedJPEG(t, Rotate90)
	if _, err := decodeBytes(file, "card.jpg", Limits{MaxPixels: 64 * 48}); err != nil {
		t.Fatalf("at the limit: %v", err)
	}
	_, err := decodeBytes(file, "card.jpg", Limits{MaxPixels: 64*48 - 1})
	var tl *TooLargeError
	if !errors.As(err, &tl) || tl.Width != 64 || tl.Height != 48 {
		t.Fatalf("one pixel over: %v", err)
	}
	if want := "card.jpg: 64×48 is 0.0 megapixels, over the limit of 0.003071 (see --max-pixels)"; err.Error() != want {
		t.Errorf("message %q, want %q", err, want)
	}
	info, err := ProbeReader(bytes.NewReader(file), "card.jpg", Limits{})
	if err != nil || info.Width != 64 || info.Height != 48 || info.Orientation != Rotate90 {
		t.Errorf("ProbeReader = %+v, %v", info, err)
	}
}

// bombs returns, for each format, a small file whose header claims far more
// than 200 megapixels.
func bombs(t testing.TB) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, s := range samples(t) {
		switch s.name {
		case "png rgb":
			b := bytes.Clone(s.data)
			// IHDR: width and height at 16 and 20, its CRC after the 13
			// bytes of data that start at 16; the decoder checks the CRC.
			putBE32(b[16:], 100000)
			putBE32(b[20:], 100000)
			putBE32(b[29:], crcIHDR(b[12:29]))
			out["png"] = b
		case "jpeg ycbcr":
			b := bytes.Clone(s.data)
			i := bytes.Index(b, []byte{0xff, 0xc0})
			// SOF0: length(2) precision(1) height(2) width(2): JPEG's most.
			b[i+5], b[i+6], b[i+7], b[i+8] = 0xff, 0xff, 0xff, 0xff
			out["jpeg"] = b
		case "gif opaque":
			b := bytes.Clone(s.data)
			b[6], b[7], b[8], b[9] = 0xff, 0xff, 0xff, 0xff // the logical screen
			out["gif"] = b
		case "bmp rgb":
			b := bytes.Clone(s.data)
			putLE32(b[18:], 100000)
			putLE32(b[22:], 100000)
			out["bmp"] = b
		case "tiff rgb":
			out["tiff"] = tiffWithSize(t, s.data, 100000, 100000)
		}
	}
	// VP8L: the signature byte, then 14-bit width−1 and height−1.
	vp8l := []byte{0x2f, 0xff, 0xff, 0xff, 0x0f}
	out["webp vp8l"] = riff("VP8L", vp8l)
	// VP8X: flags, reserved, then 24-bit canvas width−1 and height−1.
	vp8x := []byte{0, 0, 0, 0, 0x1f, 0x4e, 0x00, 0x1f, 0x4e, 0x00} // 20000×20000
	out["webp vp8x"] = riff("VP8X", vp8x)
	return out
}

// TestHeaderBombs checks that an oversized header is refused from the
// header alone: an error that names the size, and next to no allocation.
func TestHeaderBombs(t *testing.T) {
	for name, b := range bombs(t) {
		t.Run(name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			_, err := decodeBytes(b, name, Limits{})
			runtime.ReadMemStats(&after)
			if !errors.Is(err, ErrTooLarge) {
				t.Fatalf("err = %v, want ErrTooLarge", err)
			}
			if !strings.Contains(err.Error(), "megapixels, over the limit of 200 (see --max-pixels)") {
				t.Errorf("message %q", err)
			}
			if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
				t.Errorf("allocated %d bytes before refusing", n)
			}
		})
	}
}

func TestZeroSize(t *testing.T) {
	for _, s := range samples(t) {
		if s.name != "gif opaque" {
			continue
		}
		b := bytes.Clone(s.data)
		b[6], b[7] = 0, 0
		if _, err := decodeBytes(b, "zero.gif", Limits{}); !errors.Is(err, ErrSize) || !strings.HasPrefix(err.Error(), "zero.gif: 0×7") {
			t.Errorf("zero width: %v", err)
		}
	}
}

// patchColours are the 16×16 patches of testdata/patches.png (4 across, 2
// down), from which the CMYK, YCCK and WebP files were made.
var patchColours = [2][4]color.RGBA{
	{{255, 0, 0, 255}, {0, 255, 0, 255}, {0, 0, 255, 255}, {255, 255, 255, 255}},
	{{0, 0, 0, 255}, {128, 128, 128, 255}, {0, 255, 255, 255}, {192, 128, 64, 255}},
}

// checkPatches compares the centre of each patch of m with patchColours.
func checkPatches(t *testing.T, m image.Image, tol int) {
	t.Helper()
	for cy := range 2 {
		for cx := range 4 {
			got := color.RGBAModel.Convert(m.At(cx*16+8, cy*16+8)).(color.RGBA)
			w := patchColours[cy][cx]
			for i, d := range [...]int{int(got.R) - int(w.R), int(got.G) - int(w.G), int(got.B) - int(w.B)} {
				if d > tol || d < -tol {
					t.Errorf("patch %d,%d: %v, want %v (channel %d off by %d)", cx, cy, got, w, i, d)
				}
			}
		}
	}
}

func TestWebP(t *testing.T) {
	for _, tt := range []struct {
		file string
		tol  int
	}{{"lossless.webp", 0}, {"lossy.webp", 12}, {"alpha.webp", 12}} {
		t.Run(tt.file, func(t *testing.T) {
			d, err := Open(filepath.Join("testdata", tt.file), Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if d.Width != 64 || d.Height != 32 {
				t.Fatalf("%d×%d", d.Width, d.Height)
			}
			if tt.file != "alpha.webp" {
				checkPatches(t, d.Image, tt.tol)
				return
			}
			// alpha.webp keeps the rectangle 8,8–55,23 of the patches
			// (alpha coded losslessly) and is transparent elsewhere.
			m := d.Image.(*image.NRGBA)
			for y := range 32 {
				for x := range 64 {
					want := uint8(0)
					if x >= 8 && x <= 55 && y >= 8 && y <= 23 {
						want = 255
					}
					if a := m.NRGBAAt(x, y).A; a != want {
						t.Fatalf("alpha at %d,%d is %d, want %d", x, y, a, want)
					}
				}
			}
			for _, p := range []image.Point{{12, 12}, {24, 12}, {40, 12}, {52, 12}, {12, 20}, {24, 20}, {40, 20}, {52, 20}} {
				got := m.NRGBAAt(p.X, p.Y)
				w := patchColours[p.Y/16][p.X/16]
				if d := max(absDiff(got.R, w.R), absDiff(got.G, w.G), absDiff(got.B, w.B)); d > tt.tol {
					t.Errorf("%v: %v, want %v", p, got, w)
				}
			}
		})
	}
}

func absDiff(a, b uint8) int {
	return max(int(a)-int(b), int(b)-int(a))
}

// TestWebPAgainstLibwebp compares lossy WebP decoding with libwebp's dwebp
// (Debian package webp), where it is installed. -nofancy makes dwebp
// replicate chroma as image/jpeg-style decoders do, so only the colour
// conversion is compared: it catches x/image/webp's limited-range planes
// being read as full range (off by up to 20).
func TestWebPAgainstLibwebp(t *testing.T) {
	const dwebp = "/usr/bin/dwebp"
	if _, err := os.Stat(dwebp); err != nil {
		t.Skip("dwebp not installed (apt-get install webp)")
	}
	for _, name := range []string{"lossy.webp", "alpha.webp", "lossless.webp"} {
		path := filepath.Join("testdata", name)
		out := filepath.Join(t.TempDir(), "out.png")
		if msg, err := exec.Command(dwebp, "-nofancy", path, "-o", out).CombinedOutput(); err != nil {
			t.Fatalf("dwebp: %v\n%s", err, msg)
		}
		want, err := Open(out, Limits{})
		if err != nil {
			t.Fatal(err)
		}
		got, err := Open(path, Limits{})
		if err != nil {
			t.Fatal(err)
		}
		if worst, mean := maxDiff(t, got.Image, want.Image); worst > 3 || mean > 0.5 {
			t.Errorf("%s: differs from dwebp by up to %d (mean %.2f)", name, worst, mean)
		}
	}
}
