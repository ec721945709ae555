package resize

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/corescale/corescale"
	"github.com/corescale/corescale/internal/resample"
	"github.com/corescale/corescale/internal/testchart"
)

// chromaRamp returns a YCbCr image over r of the given subsampling whose Cb
// rises by slope levels a luma column and Cr by slope a luma row, measured
// at each chroma sample's JPEG siting (the centre of the luma it covers) on
// the absolute grid: a resize that sites chroma right reproduces the ramp,
// one that drifts or shifts does not.
func chromaRamp(r image.Rectangle, ratio image.YCbCrSubsampleRatio, slope float64) *image.YCbCr {
	m := image.NewYCbCr(r, ratio)
	sx, sy, _ := chromaFactors(ratio)
	for i := range m.Y {
		m.Y[i] = 128
	}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			o := m.COffset(x, y)
			cx := float64(x/sx*sx) + float64(sx)/2
			cy := float64(y/sy*sy) + float64(sy)/2
			m.Cb[o] = uint8(math.Round(10.2 + slope*cx))
			m.Cr[o] = uint8(math.Round(10.2 + slope*cy))
		}
	}
	return m
}

// TestYCbCrFullChroma: ResizeImage of a subsampled YCbCr image returns
// 4:4:4 whose chroma follows the luma's geometry: a chroma ramp (Cb along
// x, Cr along y) comes out as the ramp at each output pixel's centre, to
// within a level, for every subsampling, odd sizes and sub-images starting
// half-way through a chroma sample, enlarged and reduced. Resampling each
// chroma plane to its rounded-up share of the output (scale ⌈W/2⌉/w, not
// W/w) drifts the colours across the image.
func TestYCbCrFullChroma(t *testing.T) {
	cases := []struct {
		full, sub image.Rectangle
		w, h      int
		filter    corescale.Filter
		slope     float64
	}{
		{image.Rect(0, 0, 23, 17), image.Rect(1, 1, 22, 16), 63, 45, corescale.Linear, 7.3},
		{image.Rect(0, 0, 21, 15), image.Rect(0, 0, 21, 15), 63, 45, corescale.Linear, 7.3},
		{image.Rect(0, 0, 403, 301), image.Rect(3, 5, 400, 300), 61, 37, corescale.Lanczos3, 0.37},
		{image.Rect(0, 0, 403, 301), image.Rect(0, 0, 403, 301), 61, 37, corescale.Linear, 0.37},
	}
	ratios := []image.YCbCrSubsampleRatio{image.YCbCrSubsampleRatio420, image.YCbCrSubsampleRatio422,
		image.YCbCrSubsampleRatio440, image.YCbCrSubsampleRatio411, image.YCbCrSubsampleRatio410, image.YCbCrSubsampleRatio444}
	for _, c := range cases {
		for _, ratio := range ratios {
			for _, fast := range []bool{false, true} {
				name := fmt.Sprintf("%v-%v-to-%dx%d-%s-fast%v", ratio, c.sub, c.w, c.h, c.filter, fast)
				t.Run(name, func(t *testing.T) {
					m := chromaRamp(c.full, ratio, c.slope).SubImage(c.sub).(*image.YCbCr)
					e, err := New(Options{Filter: c.filter, Fast: fast, Gap: 2, Workers: 2})
					if err != nil {
						t.Fatal(err)
					}
					got, err := e.ResizeImage(m, c.w, c.h)
					if err != nil {
						t.Fatal(err)
					}
					out, ok := got.(*image.YCbCr)
					if !ok || out.SubsampleRatio != image.YCbCrSubsampleRatio444 {
						t.Errorf("came back as %T %v, want 4:4:4 *image.YCbCr", got, ratioOf(got))
					}
					// The fast mode rounds once more, after its box.
					tol := 1.0
					if fast {
						tol = 1.5
					}
					checkRamp(t, got, m, c.w, c.h, c.filter, c.slope, 1, 1, tol)
				})
			}
		}
	}
}

// checkRamp checks the chroma of got, m resized to w×h, against the ramp of
// chromaRamp at each output pixel's centre, to within tol levels, wherever
// the filter's taps (in luma columns, times a margin for a fast mode's
// box) stay inside m. ox and oy are the output's chroma factors: a
// subsampled output's chroma sample covers ox×oy output pixels, and is
// checked at their centre.
func checkRamp(t *testing.T, got image.Image, m *image.YCbCr, w, h int, f corescale.Filter, slope float64, ox, oy int, tol float64) {
	t.Helper()
	k, _ := resample.KernelOf(f)
	b := m.Bounds()
	sx, sy, _ := chromaFactors(m.SubsampleRatio)
	scaleX, scaleY := float64(b.Dx())/float64(w), float64(b.Dy())/float64(h)
	// Reach of the taps in luma pixels, with the fast mode's box and a
	// chroma sample's width on top.
	reachX := k.Support*max(float64(ox)*scaleX, float64(sx)) + 3*scaleX + float64(sx)
	reachY := k.Support*max(float64(oy)*scaleY, float64(sy)) + 3*scaleY + float64(sy)
	checked := 0
	for y := 0; y < h; y += oy {
		py := float64(b.Min.Y) + (float64(y)+float64(oy)/2)*scaleY
		for x := 0; x < w; x += ox {
			px := float64(b.Min.X) + (float64(x)+float64(ox)/2)*scaleX
			if px-reachX < float64(b.Min.X) || px+reachX > float64(b.Max.X) || py-reachY < float64(b.Min.Y) || py+reachY > float64(b.Max.Y) {
				continue
			}
			checked++
			c := color.YCbCrModel.Convert(got.At(x, y)).(color.YCbCr)
			wantCb, wantCr := 10.2+slope*px, 10.2+slope*py
			if math.Abs(float64(c.Cb)-wantCb) > tol || math.Abs(float64(c.Cr)-wantCr) > tol {
				t.Fatalf("output (%d,%d), at source (%.2f,%.2f): Cb %d Cr %d, want %.1f %.1f", x, y, px, py, c.Cb, c.Cr, wantCb, wantCr)
			}
		}
	}
	if checked == 0 {
		t.Fatal("no output pixel far enough from the edges to check")
	}
}

func ratioOf(m image.Image) string {
	if y, ok := m.(*image.YCbCr); ok {
		return y.SubsampleRatio.String()
	}
	return ""
}

// TestYCbCrAgainstPillow: a 4:2:0 JPEG of the photo-like chart, decoded by
// Go and resized in its planes, agrees with Pillow's full decode (libjpeg's
// fancy upsampling to RGB) and LANCZOS resize on each of Y, Cb and Cr, at
// the bar for the exact resize, 49 dB (the 4:2:0 output of old
// reached about 41 dB on chroma), and at Pillow's own reducing_gap=3
// figure, 45.8 dB, in the fast mode.
func TestYCbCrAgainstPillow(t *testing.T) {
	if err := exec.Command(pillowPython, "-c", "import PIL").Run(); err != nil {
		t.Skipf("no Pillow (apt-get install python3-pil): %v", err)
	}
	dir := t.TempDir()
	var data bytes.Buffer
	if err := jpeg.Encode(&data, testchart.Photo(1200, 800, 4), &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(dir, "chart.jpg")
	if err := os.WriteFile(in, data.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	decoded, err := jpeg.Decode(bytes.NewReader(data.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	m, ok := decoded.(*image.YCbCr)
	if !ok || m.SubsampleRatio != image.YCbCrSubsampleRatio420 {
		t.Fatalf("the chart decoded as %T %s, want 4:2:0", decoded, ratioOf(decoded))
	}
	sizes := [][2]int{{300, 200}, {97, 61}, {600, 400}}
	script := "from PIL import Image\nim = Image.open(" + fmt.Sprintf("%q", in) + ")\n"
	for _, sz := range sizes {
		script += fmt.Sprintf("im.resize((%d, %d), Image.LANCZOS).save(%q)\n", sz[0], sz[1], filepath.Join(dir, fmt.Sprintf("%dx%d.png", sz[0], sz[1])))
	}
	if out, err := exec.Command(pillowPython, "-c", script).CombinedOutput(); err != nil {
		t.Fatalf("Pillow: %v\n%s", err, out)
	}
	for _, sz := range sizes {
		want := readPNG(t, filepath.Join(dir, fmt.Sprintf("%dx%d.png", sz[0], sz[1])))
		for _, fast := range []bool{false, true} {
			e, err := New(Options{Filter: corescale.Lanczos3, Fast: fast})
			if err != nil {
				t.Fatal(err)
			}
			got, err := e.ResizeImage(m, sz[0], sz[1])
			if err != nil {
				t.Fatal(err)
			}
			bar := 49.0
			if fast {
				bar = 45.8
			}
			for i, psnr := range planePSNR(got, want) {
				name := []string{"Y", "Cb", "Cr"}[i]
				if psnr < bar {
					t.Errorf("%dx%d fast=%v: %s %.1f dB against Pillow, want at least %.1f", sz[0], sz[1], fast, name, psnr, bar)
				} else {
					t.Logf("%dx%d fast=%v: %s %.1f dB", sz[0], sz[1], fast, name, psnr)
				}
			}
		}
	}
}

// planePSNR returns the PSNR of a's Y, Cb and Cr against b's, each image
// read through At (a subsampled YCbCr as its nearest chroma, as an encoder
// of RGB sees it) and taken to YCbCr by color.RGBToYCbCr where RGB.
func planePSNR(a, b image.Image) [3]float64 {
	ycc := func(m image.Image, x, y int) [3]uint8 {
		if c, ok := m.At(x, y).(color.YCbCr); ok {
			return [3]uint8{c.Y, c.Cb, c.Cr}
		}
		c := color.RGBAModel.Convert(m.At(x, y)).(color.RGBA)
		yy, cb, cr := color.RGBToYCbCr(c.R, c.G, c.B)
		return [3]uint8{yy, cb, cr}
	}
	var se [3]float64
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			p, q := ycc(a, x, y), ycc(b, x, y)
			for i := range 3 {
				d := float64(p[i]) - float64(q[i])
				se[i] += d * d
			}
		}
	}
	var psnr [3]float64
	for i := range 3 {
		psnr[i] = 10 * math.Log10(255*255/(se[i]/float64(r.Dx()*r.Dy())))
	}
	return psnr
}

// TestResizeYCbCrSubsampled: ResizeYCbCr to a subsampled layout, which a
// 4:2:0 JPEG output asks for, sites each output chroma sample at the
// centre of the output pixels it covers, odd output sizes included (the
// last sample covers one column), from every input subsampling.
func TestResizeYCbCrSubsampled(t *testing.T) {
	cases := []struct {
		full, sub image.Rectangle
		w, h      int
		filter    corescale.Filter
		slope     float64
	}{
		{image.Rect(0, 0, 23, 17), image.Rect(1, 1, 22, 16), 63, 45, corescale.Linear, 7.3},
		{image.Rect(0, 0, 403, 301), image.Rect(3, 5, 400, 300), 61, 37, corescale.Lanczos3, 0.37},
		{image.Rect(0, 0, 403, 301), image.Rect(0, 0, 403, 301), 80, 60, corescale.Mitchell, 0.37},
	}
	outs := []image.YCbCrSubsampleRatio{image.YCbCrSubsampleRatio420, image.YCbCrSubsampleRatio422, image.YCbCrSubsampleRatio440}
	for _, c := range cases {
		for _, in := range []image.YCbCrSubsampleRatio{image.YCbCrSubsampleRatio420, image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio411} {
			for _, ratio := range outs {
				t.Run(fmt.Sprintf("%v-%v-to-%dx%d-%v", in, c.sub, c.w, c.h, ratio), func(t *testing.T) {
					m := chromaRamp(c.full, in, c.slope).SubImage(c.sub).(*image.YCbCr)
					e, err := New(Options{Filter: c.filter, Workers: 2})
					if err != nil {
						t.Fatal(err)
					}
					got, err := e.ResizeYCbCr(m, c.w, c.h, ratio)
					if err != nil {
						t.Fatal(err)
					}
					if got.SubsampleRatio != ratio || got.Rect != image.Rect(0, 0, c.w, c.h) {
						t.Fatalf("got %v over %v, want %v over 0,0-%dx%d", got.SubsampleRatio, got.Rect, ratio, c.w, c.h)
					}
					ox, oy, _ := chromaFactors(ratio)
					checkRamp(t, got, m, c.w, c.h, c.filter, c.slope, ox, oy, 1)
				})
			}
		}
	}
}

// TestResizeYCbCrAgrees: ResizeYCbCr to 4:4:4 is what ResizeImage returns,
// on any number of workers; to the input's own subsampling its luma is the
// same.
func TestResizeYCbCrAgrees(t *testing.T) {
	m := noiseYCbCr(301, 203, image.YCbCrSubsampleRatio420, 4)
	for _, fast := range []bool{false, true} {
		one, _ := New(Options{Fast: fast, Workers: 1})
		three, _ := New(Options{Fast: fast, Workers: 3})
		a, err := one.ResizeImage(m, 71, 45)
		if err != nil {
			t.Fatal(err)
		}
		b, err := three.ResizeYCbCr(m, 71, 45, image.YCbCrSubsampleRatio444)
		if err != nil {
			t.Fatal(err)
		}
		if !samePixels(a, b) {
			t.Errorf("fast=%v: ResizeImage on one worker and ResizeYCbCr 4:4:4 on three differ", fast)
		}
		c, err := three.ResizeYCbCr(m, 71, 45, image.YCbCrSubsampleRatio420)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(c.Y, b.Y) || len(c.Cb) != 36*23 {
			t.Errorf("fast=%v: 4:2:0 output: luma differs from 4:4:4's, or %d chroma samples, want 36×23", fast, len(c.Cb))
		}
	}
}

// TestResizeYCbCrRefuses: what ResizeYCbCr cannot do is an error that says
// why, not a wrong image.
func TestResizeYCbCrRefuses(t *testing.T) {
	m := noiseYCbCr(40, 30, image.YCbCrSubsampleRatio420, 1)
	plain, _ := New(Options{})
	linear, _ := New(Options{Linear: true})
	neg := image.NewYCbCr(image.Rect(-3, -1, 20, 20), image.YCbCrSubsampleRatio420)
	for _, c := range []struct {
		e     *Engine
		m     *image.YCbCr
		w, h  int
		ratio image.YCbCrSubsampleRatio
		says  string
	}{
		{linear, m, 10, 10, image.YCbCrSubsampleRatio444, "linear light"},
		{plain, neg, 10, 10, image.YCbCrSubsampleRatio444, "negative coordinates"},
		{plain, m, 10, 10, image.YCbCrSubsampleRatio(99), "subsampling"},
		{plain, m, 0, 10, image.YCbCrSubsampleRatio444, "sizes must be positive"},
		{plain, m.SubImage(image.Rect(5, 5, 5, 9)).(*image.YCbCr), 10, 10, image.YCbCrSubsampleRatio444, "sizes must be positive"},
	} {
		if _, err := c.e.ResizeYCbCr(c.m, c.w, c.h, c.ratio); err == nil || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%v to %dx%d %v: %v, want an error saying %q", c.m.Rect, c.w, c.h, c.ratio, err, c.says)
		}
	}
	// ResizeImage still takes both, through RGB.
	for _, c := range []struct {
		e *Engine
		m image.Image
	}{{linear, m}, {plain, neg}} {
		if out, err := c.e.ResizeImage(c.m, 10, 10); err != nil || out.Bounds() != image.Rect(0, 0, 10, 10) {
			t.Errorf("ResizeImage of %v: %v, %v", c.m.Bounds(), out.Bounds(), err)
		}
	}
}
