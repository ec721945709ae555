package resize

import (
	"bytes"
	"fmt"
	"image"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/corescale/corescale/internal/testchart"
)

// TestPillowSpan compares ResizeImageSpan with Pillow's resize with a box
// that does not fall on whole pixels, as the crop of a JPEG decoded
// reduced in the DCT domain does: RGB, gray and RGBA, exact and fast.
// Taps outside the box but inside the image count in both.
func TestPillowSpan(t *testing.T) {
	if err := exec.Command(pillowPython, "-c", "import PIL").Run(); err != nil {
		t.Skipf("no Pillow (apt-get install python3-pil): %v", err)
	}
	dir := t.TempDir()
	images := map[string]image.Image{
		"rgb":  testchart.Photo(301, 201, 1),
		"gray": testchart.PhotoGray(301, 201, 2),
		"rgba": testchart.Cutout(301, 201, 3),
	}
	// In the fast mode Pillow aligns its reduce's blocks with the box
	// less the filter's support, the engine with the image: they agree
	// where that is the image's corner, and the cover crop is left out.
	type spanCase struct {
		span   [4]float64
		w, h   int
		noFast bool
	}
	cases := []spanCase{
		{[4]float64{0, 0, 300.125, 200.375}, 64, 43, false},       // a partial last pixel
		{[4]float64{17.625, 0.875, 283.5, 200.375}, 48, 36, true}, // a cover crop of it
		{[4]float64{0.875, 0.625, 301, 201}, 37, 25, false},       // the partial pixel first
	}
	var script strings.Builder
	script.WriteString("from PIL import Image\n")
	for name, img := range images {
		in := filepath.Join(dir, name+".png")
		writePNG(t, in, img)
		fmt.Fprintf(&script, "im = Image.open(%q)\n", in)
		for i, c := range cases {
			for _, gap := range []string{"None", "2.0"} {
				resize := fmt.Sprintf("resize((%d, %d), Image.LANCZOS, box=(%g, %g, %g, %g), reducing_gap=%s)", c.w, c.h, c.span[0], c.span[1], c.span[2], c.span[3], gap)
				if name == "rgba" {
					resize = "convert('RGBa')." + resize + ".convert('RGBA')"
				}
				fmt.Fprintf(&script, "im.%s.save(%q)\n", resize, filepath.Join(dir, fmt.Sprintf("%s-%d-%s.png", name, i, gap)))
			}
		}
	}
	if out, err := exec.Command(pillowPython, "-c", script.String()).CombinedOutput(); err != nil {
		t.Fatalf("Pillow: %v\n%s", err, out)
	}
	for name, img := range images {
		for i, c := range cases {
			for _, fast := range []bool{false, true} {
				if fast && c.noFast {
					continue
				}
				gap, bar := "None", 49.0
				if fast {
					gap, bar = "2.0", 45.8
				}
				e, err := New(Options{Fast: fast, Gap: 2})
				if err != nil {
					t.Fatal(err)
				}
				got, err := e.ResizeImageSpan(img, c.span, c.w, c.h)
				if err != nil {
					t.Fatal(err)
				}
				want := FromImage(readPNG(t, filepath.Join(dir, fmt.Sprintf("%s-%d-%s.png", name, i, gap))))
				psnr, worst := compare(FromImage(got), want)
				if psnr < bar {
					t.Errorf("%s, span %v to %dx%d, fast %v: %.1f dB against Pillow (worst sample %d levels off), want at least %.1f", name, c.span, c.w, c.h, fast, psnr, worst, bar)
				}
			}
		}
	}
}

// TestSpanYCbCr: a span of a YCbCr image resizes as the same span of its
// planes, and the whole image as a span gives ResizeImage's bytes.
func TestSpanYCbCr(t *testing.T) {
	rgb := testchart.Photo(203, 141, 4)
	m := image.NewYCbCr(rgb.Bounds(), image.YCbCrSubsampleRatio444)
	for y := range 141 {
		for x := range 203 {
			c := rgb.RGBAAt(x, y)
			i := m.YOffset(x, y)
			m.Y[i], m.Cb[i], m.Cr[i] = c.R, c.G, c.B // any three planes do
		}
	}
	plane := func(p []uint8) *image.Gray {
		return &image.Gray{Pix: p, Stride: m.YStride, Rect: m.Rect}
	}
	span := [4]float64{3.375, 0.5, 202.25, 140.875}
	for _, fast := range []bool{false, true} {
		e, err := New(Options{Fast: fast, Gap: 2, Workers: 1})
		if err != nil {
			t.Fatal(err)
		}
		got, err := e.ResizeImageSpan(m, span, 41, 29)
		if err != nil {
			t.Fatal(err)
		}
		out := got.(*image.YCbCr)
		for i, p := range [][2][]uint8{{m.Y, out.Y}, {m.Cb, out.Cb}, {m.Cr, out.Cr}} {
			want, err := e.ResizeImageSpan(plane(p[0]), span, 41, 29)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(want.(*image.Gray).Pix, p[1][:len(want.(*image.Gray).Pix)]) {
				t.Errorf("fast %v: plane %d of the YCbCr span differs from the span of the plane", fast, i)
			}
		}
		for _, ratio := range []image.YCbCrSubsampleRatio{image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio420} {
			sub420 := image.NewYCbCr(m.Rect, image.YCbCrSubsampleRatio420)
			copy(sub420.Y, m.Y)
			for i := range sub420.Cb {
				sub420.Cb[i], sub420.Cr[i] = uint8(i*7), uint8(i*3+i/11)
			}
			whole, err := e.ResizeYCbCrSpan(sub420, [4]float64{0, 0, 203, 141}, 50, 33, ratio)
			if err != nil {
				t.Fatal(err)
			}
			plain, err := e.ResizeYCbCr(sub420, 50, 33, ratio)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(whole.Y, plain.Y) || !bytes.Equal(whole.Cb, plain.Cb) || !bytes.Equal(whole.Cr, plain.Cr) {
				t.Errorf("fast %v, %v: the whole image as a span differs from ResizeYCbCr", fast, ratio)
			}
		}
	}
}

// TestSpanRefused: spans that are empty, outside the image or not finite
// are errors, not reads outside the pixels.
func TestSpanRefused(t *testing.T) {
	e, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	img := image.NewGray(image.Rect(0, 0, 20, 10))
	ycc := image.NewYCbCr(image.Rect(0, 0, 20, 10), image.YCbCrSubsampleRatio420)
	nan := 0.0
	nan /= nan
	for _, span := range [][4]float64{
		{5, 0, 5, 10}, {0, 0, 20.5, 10}, {-0.5, 0, 20, 10}, {0, 0, 20, nan}, {3, 4, 2, 8},
	} {
		if _, err := e.ResizeImageSpan(img, span, 4, 2); err == nil {
			t.Errorf("gray, span %v: no error", span)
		}
		if _, err := e.ResizeYCbCrSpan(ycc, span, 4, 2, image.YCbCrSubsampleRatio420); err == nil {
			t.Errorf("YCbCr, span %v: no error", span)
		}
	}
}
