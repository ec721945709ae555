//go:build cgo

package jpegturbo

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// photo is a w×h opaque image of gradients, fine detail and noise, so that
// compression and scaling behave as on a photograph.
func photo(w, h int, seed uint64) *image.RGBA {
	rng := rand.New(rand.NewPCG(seed, 1))
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			fx, fy := float64(x)/float64(w), float64(y)/float64(h)
			n := rng.Float64()*12 - 6
			i := m.PixOffset(x, y)
			m.Pix[i+0] = clamp8(128 + 100*math.Sin(3*fx+1.3*fy) + 10*math.Sin(float64(x*x+y*y)/900) + n)
			m.Pix[i+1] = clamp8(110 + 90*math.Cos(2.1*fy-fx) + n)
			m.Pix[i+2] = clamp8(90 + 80*fx*fy + 30*math.Sin(float64(x)/7) + n)
			m.Pix[i+3] = 0xff
		}
	}
	return m
}

func clamp8(v float64) uint8 { return uint8(max(0, min(255, math.Round(v)))) }

// boxReduce averages s×s blocks of m (the last ones partial), in RGB.
func boxReduce(m image.Image, s int) *image.RGBA {
	b := m.Bounds()
	w, h := (b.Dx()+s-1)/s, (b.Dy()+s-1)/s
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			var sum [3]float64
			n := 0.0
			for yy := y * s; yy < min(y*s+s, b.Dy()); yy++ {
				for xx := x * s; xx < min(x*s+s, b.Dx()); xx++ {
					c := color.RGBAModel.Convert(m.At(b.Min.X+xx, b.Min.Y+yy)).(color.RGBA)
					sum[0], sum[1], sum[2] = sum[0]+float64(c.R), sum[1]+float64(c.G), sum[2]+float64(c.B)
					n++
				}
			}
			out.SetRGBA(x, y, color.RGBA{clamp8(sum[0] / n), clamp8(sum[1] / n), clamp8(sum[2] / n), 0xff})
		}
	}
	return out
}

// psnr compares the RGB of a and b, which must have the same size.
func psnr(t *testing.T, a, b image.Image) float64 {
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
	mse := se / float64(3*ab.Dx()*ab.Dy())
	if mse == 0 {
		return math.Inf(1)
	}
	return 10 * math.Log10(255*255/mse)
}

// testFiles are JPEGs of every subsampling and colour space TurboJPEG
// writes, of a size that is no multiple of any MCU.
func testFiles(t *testing.T, w, h int) map[string][]byte {
	t.Helper()
	src := photo(w, h, 3)
	files := map[string][]byte{}
	for _, s := range []Subsampling{S444, S422, S420, S440, S411, SGray} {
		b, err := Encode(src, EncodeOptions{Quality: 92, Subsampling: s})
		if err != nil {
			t.Fatalf("%v: %v", s, err)
		}
		files[s.String()] = b
	}
	gray := image.NewGray(src.Rect)
	draw.Draw(gray, gray.Rect, src, image.Point{}, draw.Src)
	b, err := Encode(gray, EncodeOptions{Quality: 92})
	if err != nil {
		t.Fatal(err)
	}
	files["gray image"] = b
	files["cmyk"] = cmykJPEG(t, src)
	return files
}

// cmykJPEG is m as an Adobe CMYK JPEG (YCCK, inverted, as Photoshop
// writes them).
func cmykJPEG(t *testing.T, m *image.RGBA) []byte {
	t.Helper()
	c := image.NewCMYK(m.Rect)
	draw.Draw(c, c.Rect, m, image.Point{}, draw.Src)
	b, err := Encode(c, EncodeOptions{Quality: 95})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestDecodeScaled: every subsampling and colour space at every scale
// agrees with image/jpeg's full decode reduced by box averages, and the
// full-size decode with image/jpeg's own.
func TestDecodeScaled(t *testing.T) {
	const w, h = 203, 157
	for name, file := range testFiles(t, w, h) {
		ref, err := jpeg.Decode(bytes.NewReader(file))
		if err != nil {
			t.Fatalf("%s: image/jpeg: %v", name, err)
		}
		hd, err := ReadHeader(file)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if hd.Width != w || hd.Height != h {
			t.Errorf("%s: header %d×%d", name, hd.Width, hd.Height)
		}
		for _, s := range []int{1, 2, 4, 8} {
			t.Run(fmt.Sprintf("%s/1:%d", name, s), func(t *testing.T) {
				img, warn, err := Decode(file, s)
				if err != nil || warn != nil {
					t.Fatal(err, warn)
				}
				if b := img.Bounds(); b.Dx() != (w+s-1)/s || b.Dy() != (h+s-1)/s || b.Min != (image.Point{}) {
					t.Fatalf("bounds %v at 1/%d", b, s)
				}
				want := fmt.Sprintf("%T", ref)
				if hd.ColorSpace == CMYK || hd.ColorSpace == YCCK {
					want = "*image.CMYK"
				}
				if got := fmt.Sprintf("%T", img); got != want {
					t.Errorf("decoded as %s, image/jpeg as %s", got, want)
				}
				if m, ok := img.(*image.YCbCr); ok && m.SubsampleRatio != ref.(*image.YCbCr).SubsampleRatio {
					t.Errorf("subsampling %v, image/jpeg's %v", m.SubsampleRatio, ref.(*image.YCbCr).SubsampleRatio)
				}
				// The same decode up to rounding at full size; a DCT-domain
				// reduction against a box filter, on a noisy image, below.
				bound := map[int]float64{1: 50, 2: 36, 4: 30, 8: 25}[s]
				p := psnr(t, img, boxReduce(ref, s))
				t.Logf("PSNR %.1f", p)
				if p < bound {
					t.Errorf("PSNR %.1f dB against image/jpeg reduced by box averages, want ≥ %.0f", p, bound)
				}
			})
		}
	}
}

// TestDecodeDraft compares the scaled decodes with Pillow's Image.draft,
// which reduces in libjpeg too.
func TestDecodeDraft(t *testing.T) {
	const py = "/usr/bin/python3"
	if err := execCommand(py, "-c", "import PIL").Run(); err != nil {
		t.Skip("no Pillow:", err)
	}
	const w, h = 203, 157
	dir := t.TempDir()
	for name, file := range testFiles(t, w, h) {
		in := dir + "/" + strings.ReplaceAll(name, " ", "_") + ".jpg"
		if err := os.WriteFile(in, file, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, s := range []int{2, 4, 8} {
			t.Run(fmt.Sprintf("%s/1:%d", name, s), func(t *testing.T) {
				script := `import sys
from PIL import Image
im = Image.open(sys.argv[1])
im.draft(im.mode, (int(sys.argv[2]), int(sys.argv[3])))
im = im.convert("RGB")
sys.stdout.write("%d %d\n" % im.size)
sys.stdout.flush()
sys.stdout.buffer.write(im.tobytes())`
				out, err := execCommand(py, "-c", script, in, strconv.Itoa(w/s), strconv.Itoa(h/s)).Output() // Pillow divides the sizes rounding down
				if err != nil {
					t.Fatal(err)
				}
				line, pix, _ := bytes.Cut(out, []byte("\n"))
				var pw, ph int
				if _, err := fmt.Sscan(string(line), &pw, &ph); err != nil {
					t.Fatal(err)
				}
				img, _, err := Decode(file, s)
				if err != nil {
					t.Fatal(err)
				}
				if b := img.Bounds(); b.Dx() != pw || b.Dy() != ph {
					t.Fatalf("%v, Pillow's draft %d×%d", b, pw, ph)
				}
				ref := image.NewRGBA(image.Rect(0, 0, pw, ph))
				for i := range pw * ph {
					copy(ref.Pix[4*i:], pix[3*i:3*i+3])
					ref.Pix[4*i+3] = 0xff
				}
				// Pillow upsamples chroma smoothly; the planes read through
				// image.YCbCr repeat it. Away from that the decodes agree.
				p := psnr(t, img, ref)
				t.Logf("PSNR %.1f", p)
				if s < 8 && p < 33 || p < 30 {
					t.Errorf("PSNR %.1f dB against Pillow's draft", p)
				}
			})
		}
	}
}

func TestShrink(t *testing.T) {
	tests := []struct {
		w, h    int
		atLeast image.Point
		want    int
	}{
		{4000, 3000, image.Point{}, 1},
		{4000, 3000, image.Pt(600, 0), 4}, // 1/8 is 500 wide
		{4000, 3000, image.Pt(500, 375), 8},
		{4000, 3000, image.Pt(501, 0), 4},
		{4000, 3000, image.Pt(0, 376), 4},
		{4001, 3001, image.Pt(501, 376), 8}, // sides round up
		{100, 100, image.Pt(100, 100), 1},
		{100, 100, image.Pt(200, 1), 1},
		{100, 100, image.Pt(50, 50), 2},
	}
	for _, tt := range tests {
		if got := Shrink(tt.w, tt.h, tt.atLeast); got != tt.want {
			t.Errorf("Shrink(%d, %d, %v) = %d, want %d", tt.w, tt.h, tt.atLeast, got, tt.want)
		}
	}
}

// TestWarning: a truncated file decodes with a warning, as Pillow and
// libvips show it; data that is no JPEG is an error without an image.
func TestWarning(t *testing.T) {
	file, err := Encode(photo(64, 64, 1), EncodeOptions{Quality: 90})
	if err != nil {
		t.Fatal(err)
	}
	img, warn, err := Decode(file[:len(file)*2/3], 1)
	if err != nil || warn == nil || img == nil {
		t.Fatalf("truncated: %v, %v, %v", img != nil, warn, err)
	}
	if warn.Error() != "libjpeg-turbo: Premature end of JPEG file" {
		t.Errorf("warning %q", warn)
	}
	img, warn, err = Decode(append(file[:200:200], bytes.Repeat([]byte{0xff, 0xc4}, 100)...), 1)
	if err == nil || img != nil || warn != nil {
		t.Fatalf("corrupt: %v, %v, %v", img != nil, warn, err)
	}
	if _, _, err := Decode([]byte("not a jpeg"), 1); err == nil {
		t.Error("not a JPEG: no error")
	}
	if _, _, err := Decode(file, 3); err == nil {
		t.Error("scale 1/3 accepted")
	}
}

// TestNoLeak decodes many corrupt files, and encodes, and checks that the
// process does not grow: every handle and buffer is freed on every path.
func TestNoLeak(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	file, err := Encode(photo(256, 256, 2), EncodeOptions{Quality: 90})
	if err != nil {
		t.Fatal(err)
	}
	small := photo(256, 256, 3)
	rng := rand.New(rand.NewPCG(1, 2))
	round := func(n int) {
		for range n {
			b := bytes.Clone(file[:rng.IntN(len(file))+1])
			for range rng.IntN(8) {
				b[rng.IntN(len(b))] = byte(rng.Uint32())
			}
			if hd, err := ReadHeader(b); err == nil && hd.Width*hd.Height > 1<<20 {
				continue // a size a caller would refuse
			}
			_, _, _ = Decode(b, 1<<rng.IntN(4))
			_, _ = ReadHeader(b)
			if _, err := Encode(small, EncodeOptions{Quality: 95}); err != nil {
				t.Fatal(err)
			}
		}
	}
	round(500) // the pools and the allocator's arenas fill up
	before := rss(t)
	round(3000)
	after := rss(t)
	t.Logf("RSS %d MB, then %d MB", before>>20, after>>20)
	if after > before+4<<20 { // a page a call is 12 MB
		t.Errorf("RSS grew from %d to %d MB over 3000 corrupt decodes", before>>20, after>>20)
	}
}

// rss is the resident set of this process, from /proc.
func rss(t *testing.T) int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		t.Skip("no /proc:", err)
	}
	f := strings.Fields(string(b))
	pages, _ := strconv.ParseInt(f[1], 10, 64)
	return pages * int64(os.Getpagesize())
}

// TestEncode: every input type and subsampling round-trips, including odd
// sizes whose planes TurboJPEG would read past the image.
func TestEncode(t *testing.T) {
	src := photo(37, 23, 5)
	ycc := func(r image.YCbCrSubsampleRatio) *image.YCbCr {
		m := image.NewYCbCr(src.Rect, r)
		for y := range src.Rect.Dy() {
			for x := range src.Rect.Dx() {
				c := src.RGBAAt(x, y)
				yy, cb, cr := color.RGBToYCbCr(c.R, c.G, c.B)
				m.Y[m.YOffset(x, y)], m.Cb[m.COffset(x, y)], m.Cr[m.COffset(x, y)] = yy, cb, cr
			}
		}
		return m
	}
	nrgba := image.NewNRGBA(src.Rect)
	copy(nrgba.Pix, src.Pix)
	gray := image.NewGray(src.Rect)
	draw.Draw(gray, gray.Rect, src, image.Point{}, draw.Src)
	tests := []struct {
		name string
		img  image.Image
		opt  Subsampling
		want image.YCbCrSubsampleRatio // -1: gray
		psnr float64
	}{
		{"rgba", src, Default, image.YCbCrSubsampleRatio420, 28},
		{"rgba 444", src, S444, image.YCbCrSubsampleRatio444, 35},
		{"nrgba 422", nrgba, S422, image.YCbCrSubsampleRatio422, 30},
		{"gray", gray, Default, -1, 40},
		{"ycbcr 420 as is", ycc(image.YCbCrSubsampleRatio420), Default, image.YCbCrSubsampleRatio420, 28},
		{"ycbcr 444 as is", ycc(image.YCbCrSubsampleRatio444), Default, image.YCbCrSubsampleRatio444, 35},
		{"ycbcr 444 to 420", ycc(image.YCbCrSubsampleRatio444), S420, image.YCbCrSubsampleRatio420, 28},
		{"ycbcr 444 to 422", ycc(image.YCbCrSubsampleRatio444), S422, image.YCbCrSubsampleRatio422, 30},
		{"ycbcr 422 to 444 through RGB", ycc(image.YCbCrSubsampleRatio422), S444, image.YCbCrSubsampleRatio444, 30},
		{"ycbcr 410 through RGB", ycc(image.YCbCrSubsampleRatio410), Default, image.YCbCrSubsampleRatio420, 25},
		{"ycbcr sub-image", ycc(image.YCbCrSubsampleRatio420).SubImage(image.Rect(2, 2, 30, 20)), Default, image.YCbCrSubsampleRatio420, 28},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := Encode(tt.img, EncodeOptions{Quality: 95, Subsampling: tt.opt})
			if err != nil {
				t.Fatal(err)
			}
			back, err := jpeg.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			switch m := back.(type) {
			case *image.YCbCr:
				if m.SubsampleRatio != tt.want {
					t.Errorf("written as %v, want %v", m.SubsampleRatio, tt.want)
				}
			case *image.Gray:
				if tt.want != -1 {
					t.Errorf("written as gray")
				}
			}
			if p := psnr(t, back, tt.img); p < tt.psnr {
				t.Errorf("PSNR %.1f dB, want ≥ %.0f", p, tt.psnr)
			}
		})
	}
	for _, q := range []int{0, 101} {
		if _, err := Encode(src, EncodeOptions{Quality: q}); err == nil {
			t.Errorf("quality %d accepted", q)
		}
	}
	if _, err := Encode(image.NewRGBA64(src.Rect), EncodeOptions{Quality: 90}); err == nil {
		t.Error("RGBA64 accepted")
	}
}

func TestVersion(t *testing.T) {
	if v := Version(); !strings.HasPrefix(v, "libjpeg-turbo ") || !strings.Contains(v, ".") {
		t.Errorf("Version() = %q", v)
	}
}

// TestNoFrame: a file that ends before its frame header, which TurboJPEG
// reads as a header of a 0×0 image, is an error, not an image of no
// pixels to decode into.
func TestNoFrame(t *testing.T) {
	file, err := Encode(photo(16, 16, 1), EncodeOptions{Quality: 90})
	if err != nil {
		t.Fatal(err)
	}
	sof := bytes.Index(file, []byte{0xff, 0xc0})
	for _, n := range []int{4, 20, sof} {
		if hd, err := ReadHeader(file[:n]); err == nil {
			t.Errorf("%d bytes: header %+v", n, hd)
		}
		if img, _, err := Decode(file[:n], 1); err == nil {
			t.Errorf("%d bytes: decoded as %v", n, img.Bounds())
		}
	}
}

// TestWarningOnEveryThread: libjpeg-turbo 2.1 keeps a warning's text in a
// thread-local buffer, so it must be read on the OS thread that decoded;
// a goroutine moved to another thread between the two cgo calls read that
// thread's "No error" (seen in the golden test on a loaded machine). Many
// goroutines that yield between decodes make such moves likely.
func TestWarningOnEveryThread(t *testing.T) {
	file, err := Encode(photo(64, 64, 1), EncodeOptions{Quality: 90})
	if err != nil {
		t.Fatal(err)
	}
	truncated := file[:len(file)*2/3]
	var wg sync.WaitGroup
	var mu sync.Mutex
	var wrong []string
	for range 4 * runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				_, warn, err := Decode(truncated, 1)
				runtime.Gosched()
				if err != nil || warn == nil || warn.Error() != "libjpeg-turbo: Premature end of JPEG file" {
					mu.Lock()
					wrong = append(wrong, fmt.Sprintf("%v, %v", warn, err))
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	if len(wrong) > 0 {
		t.Errorf("%d of the decodes gave another warning, first %s", len(wrong), wrong[0])
	}
}
