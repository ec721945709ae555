package imagefile

import (
	"bufio"
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/corescale/corescale/internal/jpegturbo"
)

// jpegFiles are JPEGs of each subsampling and colour space: what
// image/jpeg writes (4:2:0, gray), what libjpeg-turbo writes for the
// others, and a progressive and a CMYK file from ImageMagick when it is
// installed.
func jpegFiles(t *testing.T, w, h int) map[string][]byte {
	t.Helper()
	src := photo(w, h, 11)
	gray := image.NewGray(src.Rect)
	for i := range gray.Pix {
		gray.Pix[i] = src.Pix[4*i+1]
	}
	files := map[string][]byte{
		"420.jpg":  encodeJPEG(t, src, 90),
		"gray.jpg": encodeJPEG(t, gray, 90),
	}
	if jpegturbo.Available {
		for name, s := range map[string]jpegturbo.Subsampling{
			"444.jpg": jpegturbo.S444, "422.jpg": jpegturbo.S422, "440.jpg": jpegturbo.S440, "411.jpg": jpegturbo.S411,
		} {
			b, err := jpegturbo.Encode(src, jpegturbo.EncodeOptions{Quality: 90, Subsampling: s})
			if err != nil {
				t.Fatal(err)
			}
			files[name] = b
		}
		cmyk := image.NewCMYK(src.Rect)
		for i := 0; i < len(src.Pix); i += 4 {
			c, m, y, k := color.RGBToCMYK(src.Pix[i], src.Pix[i+1], src.Pix[i+2])
			copy(cmyk.Pix[i:], []byte{c, m, y, k})
		}
		b, err := jpegturbo.Encode(cmyk, jpegturbo.EncodeOptions{Quality: 95})
		if err != nil {
			t.Fatal(err)
		}
		files["cmyk.jpg"] = b
	}
	if _, err := exec.LookPath("convert"); err == nil {
		dir := t.TempDir()
		in := filepath.Join(dir, "in.png")
		var b bytes.Buffer
		if err := Encode(&b, src, PNG, 0); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(in, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		for name, args := range map[string][]string{
			"progressive.jpg":    {"-interlace", "JPEG", "-quality", "90"},
			"restarts.jpg":       {"-define", "jpeg:restart-interval=1", "-quality", "90"},
			"cmyk-magick.jpg":    {"-colorspace", "CMYK", "-quality", "90"},
			"progressive444.jpg": {"-interlace", "JPEG", "-sampling-factor", "1x1", "-quality", "90"},
		} {
			out := filepath.Join(dir, name)
			if msg, err := exec.Command("convert", append(append([]string{in}, args...), out)...).CombinedOutput(); err != nil {
				t.Fatalf("%s: %v\n%s", name, err, msg)
			}
			f, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			files[name] = f
		}
	}
	return files
}

// rgbPSNR compares the colours of a and b, which must have the same size.
func rgbPSNR(t *testing.T, a, b image.Image) float64 {
	t.Helper()
	ab, bb := a.Bounds(), b.Bounds()
	if ab.Dx() != bb.Dx() || ab.Dy() != bb.Dy() {
		t.Fatalf("sizes differ: %v and %v", ab, bb)
	}
	var se float64
	for y := range ab.Dy() {
		for x := range ab.Dx() {
			ca := color.RGBAModel.Convert(a.At(ab.Min.X+x, ab.Min.Y+y)).(color.RGBA)
			cb := color.RGBAModel.Convert(b.At(bb.Min.X+x, bb.Min.Y+y)).(color.RGBA)
			for _, d := range []float64{float64(ca.R) - float64(cb.R), float64(ca.G) - float64(cb.G), float64(ca.B) - float64(cb.B)} {
				se += d * d
			}
		}
	}
	if se == 0 {
		return math.Inf(1)
	}
	return 10 * math.Log10(255*255*float64(3*ab.Dx()*ab.Dy())/se)
}

// boxReduce averages s×s blocks of m (partial ones at the edges).
func boxReduce(m image.Image, s int) *image.RGBA {
	b := m.Bounds()
	w, h := ceilDiv(b.Dx(), s), ceilDiv(b.Dy(), s)
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			var r, g, bl, n float64
			for yy := y * s; yy < min(y*s+s, b.Dy()); yy++ {
				for xx := x * s; xx < min(x*s+s, b.Dx()); xx++ {
					c := color.RGBAModel.Convert(m.At(b.Min.X+xx, b.Min.Y+yy)).(color.RGBA)
					r, g, bl, n = r+float64(c.R), g+float64(c.G), bl+float64(c.B), n+1
				}
			}
			out.SetRGBA(x, y, color.RGBA{clamp8(r / n), clamp8(g / n), clamp8(bl / n), 0xff})
		}
	}
	return out
}

// TestDecodeJPEGScaled: every subsampling and colour space, at each scale
// AtLeast allows, comes out at the promised size, named by its decoder,
// and agrees with image/jpeg's full decode reduced by box averages.
func TestDecodeJPEGScaled(t *testing.T) {
	const w, h = 211, 149
	for name, file := range jpegFiles(t, w, h) {
		full, err := jpeg.Decode(bytes.NewReader(file))
		if err != nil {
			t.Fatalf("%s: image/jpeg: %v", name, err)
		}
		for _, s := range []int{1, 2, 4, 8} {
			t.Run(fmt.Sprintf("%s/1:%d", name, s), func(t *testing.T) {
				atLeast := image.Pt(ceilDiv(w, s), ceilDiv(h, s))
				if s == 1 {
					atLeast = image.Point{}
				}
				d, err := DecodeWith(bytes.NewReader(file), name, DecodeOptions{AtLeast: atLeast})
				if err != nil {
					t.Fatal(err)
				}
				want := s
				if !jpegturbo.Available {
					want = 1
				}
				if d.Shrink != want {
					t.Fatalf("Shrink %d, want %d", d.Shrink, want)
				}
				if b := d.Image.Bounds(); b.Dx() != ceilDiv(w, want) || b.Dy() != ceilDiv(h, want) {
					t.Fatalf("%v at 1/%d", b, want)
				}
				if jpegturbo.Available && d.Decoder != jpegturbo.Version() || !jpegturbo.Available && d.Decoder != "Go image/jpeg" {
					t.Errorf("decoder %q", d.Decoder)
				}
				bound := map[int]float64{1: 45, 2: 36, 4: 30, 8: 25}[want]
				if p := rgbPSNR(t, d.Image, boxReduce(normalize(full, full.Bounds()), want)); p < bound {
					t.Errorf("PSNR %.1f dB against image/jpeg reduced, want ≥ %.0f", p, bound)
				}
			})
		}
	}
}

func TestJPEGShrinkAxes(t *testing.T) {
	tests := []struct {
		o       Orientation
		atLeast image.Point // upright
		want    int
	}{
		{Upright, image.Pt(40, 20), 4},
		{Rotate90, image.Pt(40, 20), 2}, // the stored 80 must stay 40
		{Transpose, image.Pt(20, 40), 4},
		{Rotate180, image.Pt(20, 10), 8},
		{Rotate270, image.Pt(10, 20), 8},
		{Rotate270, image.Pt(11, 20), 4},
	}
	for _, tt := range tests {
		if got := jpegShrink(160, 80, tt.o, tt.atLeast); got != tt.want {
			t.Errorf("160×80 stored, %d, at least %v: 1/%d, want 1/%d", tt.o, tt.atLeast, got, tt.want)
		}
	}
}

// TestDecodeJPEGScaledOrientation: a scaled decode is turned upright, and
// the scale is chosen on the upright size.
func TestDecodeJPEGScaledOrientation(t *testing.T) {
	if !jpegturbo.Available {
		t.Skip("image/jpeg does not scale")
	}
	up := card()
	for o := Upright; o <= Rotate270; o++ {
		file := orientedJPEG(t, o)
		// Half of the upright size: 1/2, whatever the orientation.
		d, err := DecodeWith(bytes.NewReader(file), "card.jpg", DecodeOptions{AtLeast: image.Pt(32, 24)})
		if err != nil {
			t.Fatal(err)
		}
		if d.Shrink != 2 || d.Image.Bounds() != image.Rect(0, 0, 32, 24) {
			t.Fatalf("orientation %d: 1/%d, %v", o, d.Shrink, d.Image.Bounds())
		}
		ref := boxReduce(up, 2)
		worst := 0
		for cy := range 3 {
			for cx := range 4 {
				x, y := cx*cardCell/2+cardCell/4, cy*cardCell/2+cardCell/4
				a := color.RGBAModel.Convert(d.Image.At(x, y)).(color.RGBA)
				b := ref.RGBAAt(x, y)
				for _, v := range []int{int(a.R) - int(b.R), int(a.G) - int(b.G), int(a.B) - int(b.B)} {
					worst = max(worst, v, -v)
				}
			}
		}
		if worst > 24 {
			t.Errorf("orientation %d: cell centres differ by up to %d", o, worst)
		}
	}
	// Stored 48×64, upright 64×48: the stored height is held to the
	// upright width (1/2), not to the upright height (1/4).
	file := orientedJPEG(t, Rotate90)
	d, err := DecodeWith(bytes.NewReader(file), "card.jpg", DecodeOptions{AtLeast: image.Pt(32, 12)})
	if err != nil {
		t.Fatal(err)
	}
	if d.Shrink != 2 || d.Image.Bounds() != image.Rect(0, 0, 32, 24) {
		t.Errorf("Rotate90 at least 32×12: 1/%d, %v", d.Shrink, d.Image.Bounds())
	}
}

// TestDecodeJPEGWarning: a truncated file decodes, with libjpeg-turbo's
// warning beside the image; garbage after a good header is an error
// naming the file.
func TestDecodeJPEGWarning(t *testing.T) {
	if !jpegturbo.Available {
		t.Skip("image/jpeg has no warnings")
	}
	file := encodeJPEG(t, photo(128, 96, 5), 90)
	cut := file[:len(file)/2]
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(cut))
	if err != nil {
		t.Fatal(err)
	}
	px, warning, err := decodeJPEGBytes(cut, Info{Orientation: Upright}, cfg, DecodeOptions{})
	if err != nil || warning == nil || px.img == nil {
		t.Fatalf("truncated: image %v, warning %v, error %v", px.img != nil, warning, err)
	}
	d, err := decodeBytes(cut, "cut.jpg", Limits{})
	if err != nil || d.Image.Bounds().Dx() != 128 || d.Warning == nil {
		t.Fatalf("truncated through Decode: error %v, warning %v", err, d.Warning)
	}
	if d, err := decodeBytes(file, "whole.jpg", Limits{}); err != nil || d.Warning != nil {
		t.Fatalf("whole file: error %v, warning %v", err, d.Warning)
	}
	bad := bytes.Clone(file)
	sos := bytes.Index(bad, []byte{0xff, markerSOS})
	for i := sos + 20; i < len(bad)-2; i++ {
		bad[i] = 0xff // markers where data should be
	}
	if _, err := decodeBytes(bad, "bad.jpg", Limits{}); err != nil && !strings.HasPrefix(err.Error(), "bad.jpg: ") {
		t.Errorf("error does not name the file: %v", err)
	}
}

// TestDecodeBytesAt: the estimate for a scaled decode covers what the
// decode allocates (Go's heap and libjpeg's buffers), and shrinks with
// the scale.
func TestDecodeBytesAt(t *testing.T) {
	const w, h = 1600, 1200
	for name, file := range jpegFiles(t, w, h) {
		t.Run(name, func(t *testing.T) {
			info, err := ProbeReader(bytes.NewReader(file), name, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%.2f bytes a pixel", float64(len(file))/(w*h))
			last := int64(math.MaxInt64)
			for _, s := range []int{1, 2, 4, 8} {
				atLeast := image.Pt(w/s, h/s)
				if got := info.ShrinkAt(atLeast); jpegturbo.Available && got != s || !jpegturbo.Available && got != 1 {
					t.Fatalf("ShrinkAt(%v) = %d", atLeast, got)
				}
				est := info.DecodeBytesAt(atLeast)
				if est > last || jpegturbo.Available && s > 1 && est >= last {
					t.Errorf("1/%d: %d bytes, not less than %d at the scale before", s, est, last)
				}
				last = est
				allocated := decodeAllocation(t, file, name, atLeast)
				// The file's size is a guess from the header, by its nature
				// over for most files: let it out of the upper bound.
				guess := int64(turboFile(w, h, readHeader(bufio.NewReader(bytes.NewReader(file)), JPEG)))
				if !jpegturbo.Available {
					guess = 0
				}
				if jpegturbo.Available && guess < int64(len(file)) {
					t.Errorf("the file is guessed at %d bytes and has %d", guess, len(file))
				}
				if !raceEnabled && (allocated > est || est > 3*allocated+decodeOverhead+guess) {
					t.Errorf("1/%d: DecodeBytesAt %d, and the decode allocated %d", s, est, allocated)
				}
			}
		})
	}
}

// decodeAllocation is what DecodeWith allocates for file with AtLeast
// set, counting libjpeg's C buffers as the estimate does.
func decodeAllocation(t *testing.T, file []byte, name string, atLeast image.Point) int64 {
	t.Helper()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	d, err := DecodeWith(bytes.NewReader(file), name, DecodeOptions{AtLeast: atLeast})
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if img := imageBytes(d.Image); d.ImageBytes < img && d.Shrink == 1 {
		t.Errorf("ImageBytes %d for %d", d.ImageBytes, img)
	}
	if img := imageBytes(d.Image); d.ImageBytesAt(atLeast) < img {
		t.Errorf("ImageBytesAt %d for %d", d.ImageBytesAt(atLeast), img)
	}
	return int64(after.TotalAlloc-before.TotalAlloc) + cBytes(t, file, JPEG)
}
