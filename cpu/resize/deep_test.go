package resize

import (
	"image"
	"image/color"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/corescale/corescale"
	"github.com/corescale/corescale/internal/resample"
)

// TestResize16Operator checks the 16-bit engine against the linear
// operator, as TestLinearOperator does for 8 bits: within one of 65535.
func TestResize16Operator(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 16))
	src := newRaster16(83, 59, 2)
	for i := range src.Pix {
		src.Pix[i] = uint16(rng.IntN(65536))
	}
	for _, f := range corescale.Filters[1:] {
		for _, sz := range [][2]int{{29, 17}, {120, 100}, {83, 20}} {
			e, _ := New(Options{Filter: f, Workers: 2})
			dst := newRaster16(sz[0], sz[1], src.Channels)
			if err := e.resize16(dst, raster16Source(src), [4]float64{0, 0, float64(src.Width), float64(src.Height)}); err != nil {
				t.Fatal(err)
			}
			k, _ := resample.KernelOf(f)
			ah := operator(resample.NewTable(src.Width, 0, float64(src.Width), dst.Width, k))
			av := operator(resample.NewTable(src.Height, 0, float64(src.Height), dst.Height, k))
			for c := range src.Channels {
				out := operatorResize(channel(src.Row, src.Width, src.Height, src.Channels, c), ah, av, 65535)
				for y := range dst.Height {
					for i := range dst.Width {
						if d := math.Abs(float64(dst.Row(y)[i*dst.Channels+c]) - math.Round(out.At(y, i))); d > 1 {
							t.Fatalf("%s to %dx%d: (%d,%d,%d) off the operator by %.0f", f, sz[0], sz[1], i, y, c, d)
						}
					}
				}
			}
		}
	}
}

// TestResizeImageKinds: 16-bit images keep 16 bits, 8-bit ones 8, and a
// flat colour survives at both depths.
func TestResizeImageKinds(t *testing.T) {
	e, _ := New(Options{})
	g16 := image.NewGray16(image.Rect(0, 0, 40, 30))
	n64 := image.NewNRGBA64(image.Rect(0, 0, 40, 30))
	for y := range 30 {
		for x := range 40 {
			g16.SetGray16(x, y, color.Gray16{Y: 40000})
			n64.SetNRGBA64(x, y, color.NRGBA64{R: 1000, G: 30000, B: 65000, A: 30000})
		}
	}
	out, err := e.ResizeImage(g16, 13, 7)
	if err != nil {
		t.Fatal(err)
	}
	if c, ok := out.At(5, 5).(color.Gray16); !ok || c.Y != 40000 {
		t.Errorf("Gray16 came back as %T %v", out.At(5, 5), out.At(5, 5))
	}
	out, err = e.ResizeImage(n64, 13, 7)
	if err != nil {
		t.Fatal(err)
	}
	c, ok := out.At(5, 5).(color.NRGBA64)
	if !ok || c.A != 30000 || absDiff(c.R, 1000) > 3 || absDiff(c.G, 30000) > 3 || absDiff(c.B, 65000) > 3 {
		t.Errorf("NRGBA64 came back as %T %v", out.At(5, 5), out.At(5, 5))
	}
}

func absDiff(a, b uint16) int {
	return int(math.Abs(float64(a) - float64(b)))
}

// TestLinearLight: a grating of black and white 1-pixel lines halved in
// size averages to half the light, which sRGB encodes as 188, not the 128
// of averaging the encoded samples; flat colours stay as they are, and a
// white shape on transparency keeps no dark fringe.
func TestLinearLight(t *testing.T) {
	src := corescale.NewRaster(64, 64, 1)
	for y := range 64 {
		for x := range 64 {
			if x%2 == 0 {
				src.Row(y)[x] = 255
			}
		}
	}
	for _, linear := range []bool{false, true} {
		dst := resized(t, Options{Filter: corescale.Box, Linear: linear}, src, 32, 32)
		want := map[bool]uint8{false: 128, true: 188}[linear]
		if got := dst.Row(10)[10]; absDiff(uint16(got), uint16(want)) > 1 {
			t.Errorf("linear %v: grating averages to %d, want %d", linear, got, want)
		}
	}
	flat := corescale.NewRaster(50, 40, 3)
	for i := range flat.Pix {
		flat.Pix[i] = []uint8{10, 120, 250}[i%3]
	}
	for _, f := range corescale.Filters {
		dst := resized(t, Options{Filter: f, Linear: true}, flat, 17, 9)
		for i, v := range dst.Pix {
			if want := []uint8{10, 120, 250}[i%3]; v != want {
				t.Fatalf("%s in linear light: flat sample %d is %d, want %d", f, i, v, want)
			}
		}
	}
	disc := image.NewNRGBA(image.Rect(0, 0, 200, 200))
	for y := range 200 {
		for x := range 200 {
			if dx, dy := x-100, y-100; dx*dx+dy*dy < 60*60 {
				disc.SetNRGBA(x, y, color.NRGBA{255, 255, 255, 255})
			}
		}
	}
	out := ToImage(resized(t, Options{Linear: true}, FromImage(disc), 23, 23)).(*image.NRGBA)
	for y := range 23 {
		for x := range 23 {
			if c := out.NRGBAAt(x, y); c.A > 0 && (c.R < uint8(255-255/int(c.A)) || c.R != c.G || c.G != c.B) {
				t.Fatalf("linear light: pixel (%d,%d) is %v: a dark fringe", x, y, c)
			}
		}
	}
}

// TestYCbCrNative: resizing JPEG's YCbCr planes directly agrees with
// resizing its RGB conversion to within the rounding of the two colour
// conversions, for every subsampling and an odd-sized sub-image.
func TestYCbCrNative(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for _, ratio := range []image.YCbCrSubsampleRatio{image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio422, image.YCbCrSubsampleRatio420, image.YCbCrSubsampleRatio440} {
		full := image.NewYCbCr(image.Rect(0, 0, 301, 201), ratio)
		// Smooth content: chroma subsampling makes noise incomparable.
		for y := range 201 {
			for x := range 301 {
				full.Y[full.YOffset(x, y)] = uint8(128 + 100*math.Sin(float64(x)/17+float64(y)/23))
			}
		}
		for i := range full.Cb {
			full.Cb[i] = uint8(100 + rng.IntN(8))
			full.Cr[i] = uint8(150 + rng.IntN(8))
		}
		m := full.SubImage(image.Rect(3, 5, 300, 200)).(*image.YCbCr)
		e, _ := New(Options{Filter: corescale.Linear})
		got, err := e.ResizeImage(m, 61, 37)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := got.(*image.YCbCr); !ok {
			t.Fatalf("%v: came back as %T", ratio, got)
		}
		want := ToImage(resized(t, Options{Filter: corescale.Linear}, FromImage(m), 61, 37))
		for y := range 37 {
			for x := range 61 {
				a := color.RGBAModel.Convert(got.At(x, y)).(color.RGBA)
				b := color.RGBAModel.Convert(want.At(x, y)).(color.RGBA)
				for i, d := range []int{int(a.R) - int(b.R), int(a.G) - int(b.G), int(a.B) - int(b.B)} {
					if d > 6 || d < -6 {
						t.Fatalf("%v: (%d,%d) channel %d: %v against %v", ratio, x, y, i, a, b)
					}
				}
			}
		}
	}
}
