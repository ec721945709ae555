package resize

import (
	"bytes"
	"image"
	"image/color"
	"math/rand/v2"
	"testing"

	"github.com/corescale/corescale"
)

func noise(w, h, ch int, seed uint64) *corescale.Raster {
	rng := rand.New(rand.NewPCG(seed, 1))
	r := corescale.NewRaster(w, h, ch)
	for i := range r.Pix {
		r.Pix[i] = uint8(rng.IntN(256))
	}
	return r
}

func resized(t *testing.T, opt Options, src *corescale.Raster, w, h int) *corescale.Raster {
	t.Helper()
	e, err := New(opt)
	if err != nil {
		t.Fatal(err)
	}
	dst := corescale.NewRaster(w, h, src.Channels)
	if err := e.Resize(dst, src); err != nil {
		t.Fatal(err)
	}
	return dst
}

// TestWorkersAgree: the parallel engine splits rows between workers, and
// must give the serial engine's bytes for every filter, channel count and
// worker count, in normal and fast mode.
func TestWorkersAgree(t *testing.T) {
	for _, f := range corescale.Filters {
		for ch := 1; ch <= 4; ch++ {
			for _, fast := range []bool{false, true} {
				src := noise(301, 203, ch, uint64(ch))
				want := resized(t, Options{Filter: f, Fast: fast, Workers: 1}, src, 37, 29)
				for _, workers := range []int{2, 3, 8, 64} {
					got := resized(t, Options{Filter: f, Fast: fast, Workers: workers}, src, 37, 29)
					if !bytes.Equal(got.Pix, want.Pix) {
						t.Errorf("%s, %d channels, fast %v: %d workers differ from one", f, ch, fast, workers)
					}
				}
			}
		}
	}
}

// TestConstant: a flat image stays flat at any size: the weights of every
// output sum to one.
func TestConstant(t *testing.T) {
	for _, f := range corescale.Filters {
		for _, sz := range [][2]int{{1, 1}, {7, 300}, {50, 50}, {333, 3}, {1000, 700}} {
			src := corescale.NewRaster(120, 90, 3)
			for i := range src.Pix {
				src.Pix[i] = []uint8{17, 128, 240}[i%3]
			}
			dst := resized(t, Options{Filter: f}, src, sz[0], sz[1])
			for i, v := range dst.Pix {
				if want := []uint8{17, 128, 240}[i%3]; v != want {
					t.Fatalf("%s to %dx%d: sample %d is %d, want %d", f, sz[0], sz[1], i, v, want)
				}
			}
		}
	}
}

// TestSameSizeCopies: resizing to the same size with an interpolating
// filter is the identity.
func TestSameSizeCopies(t *testing.T) {
	src := noise(64, 48, 3, 9)
	for _, f := range []corescale.Filter{corescale.Nearest, corescale.Box, corescale.Linear, corescale.CatmullRom, corescale.Lanczos2, corescale.Lanczos3} {
		if got := resized(t, Options{Filter: f}, src, 64, 48); !bytes.Equal(got.Pix, src.Pix) {
			t.Errorf("%s changed an image resized to its own size", f)
		}
	}
}

// TestNoDarkFringe: a white disc on a transparent background, downscaled,
// must stay white wherever it is not fully transparent. Filtering
// unpremultiplied colour would mix in the black of the transparent pixels.
func TestNoDarkFringe(t *testing.T) {
	img := image.NewNRGBA(image.Rect(0, 0, 400, 300))
	for y := range 300 {
		for x := range 400 {
			if dx, dy := x-200, y-150; dx*dx+dy*dy < 100*100 {
				img.SetNRGBA(x, y, color.NRGBA{255, 255, 255, 255})
			}
		}
	}
	for _, f := range corescale.Filters {
		for _, sz := range [][2]int{{37, 29}, {100, 75}, {13, 11}} {
			src := FromImage(img)
			out := ToImage(resized(t, Options{Filter: f}, src, sz[0], sz[1])).(*image.NRGBA)
			edge := 0
			for y := range sz[1] {
				for x := range sz[0] {
					c := out.NRGBAAt(x, y)
					if c.A == 0 {
						continue
					}
					if c.A < 255 {
						edge++
					}
					// Small alphas carry colour in few bits: allow their
					// rounding, nothing like a fringe.
					if lo := uint8(255 - 255/int(c.A)); c.R < lo || c.G < lo || c.B < lo {
						t.Fatalf("%s to %dx%d: pixel (%d,%d) is %v: a dark fringe", f, sz[0], sz[1], x, y, c)
					}
				}
			}
			if edge == 0 && f != corescale.Nearest {
				t.Errorf("%s to %dx%d: no partly transparent pixel: the test shows nothing", f, sz[0], sz[1])
			}
		}
	}
}

func TestBadArguments(t *testing.T) {
	e, _ := New(Options{})
	cases := []struct{ dst, src *corescale.Raster }{
		{corescale.NewRaster(10, 10, 3), corescale.NewRaster(20, 20, 4)},
		{corescale.NewRaster(0, 10, 3), corescale.NewRaster(20, 20, 3)},
		{corescale.NewRaster(10, 10, 5), corescale.NewRaster(20, 20, 5)},
	}
	for i, c := range cases {
		if err := e.Resize(c.dst, c.src); err == nil {
			t.Errorf("case %d: no error", i)
		}
	}
	if _, err := New(Options{Filter: "sharp"}); err == nil {
		t.Error("unknown filter: no error")
	}
	if _, err := New(Options{Fast: true, Gap: 0.5}); err == nil {
		t.Error("gap 0.5: no error")
	}
}

// TestImageRoundTrip: FromImage and ToImage keep every pixel of each kind of
// image they take.
func TestImageRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	gray := image.NewGray(image.Rect(0, 0, 9, 7))
	rgba := image.NewRGBA(image.Rect(0, 0, 9, 7))
	nrgba := image.NewNRGBA(image.Rect(0, 0, 9, 7))
	for i := range gray.Pix {
		gray.Pix[i] = uint8(rng.IntN(256))
	}
	for i := range rgba.Pix {
		rgba.Pix[i] = uint8(rng.IntN(256))
		if i%4 == 3 {
			rgba.Pix[i] = 255
		}
	}
	for i := range nrgba.Pix {
		nrgba.Pix[i] = uint8(rng.IntN(256))
		if i%4 == 3 {
			nrgba.Pix[i] = 255
		}
	}
	for _, img := range []image.Image{gray, rgba, nrgba} {
		back := ToImage(FromImage(img))
		for y := range 7 {
			for x := range 9 {
				a, b := color.NRGBAModel.Convert(img.At(x, y)), color.NRGBAModel.Convert(back.At(x, y))
				if a != b {
					t.Fatalf("%T: pixel (%d,%d) %v came back as %v", img, x, y, a, b)
				}
			}
		}
	}
}

// TestDivider checks the rounded division by multiplication against
// integer division for every block size the fast mode can meet and every
// sum of samples it can see.
func TestDivider(t *testing.T) {
	for n := uint32(1); n < 5000; n += 1 + n/50 {
		d := newDivider(n)
		for s := uint32(0); s <= 255*n; s += 1 + n/7 {
			if got, want := d.round(s), uint8((s+n/2)/n); got != want {
				t.Fatalf("n %d, s %d: %d, want %d", n, s, got, want)
			}
		}
	}
	for _, n := range []uint32{46340, 46341, 65025} {
		d := newDivider(n)
		for _, s := range []uint32{0, n/2 - 1, n / 2, 255*n - n/2, 255 * n} {
			if got, want := d.round(s), uint8((s+n/2)/n); got != want {
				t.Fatalf("n %d, s %d: %d, want %d", n, s, got, want)
			}
		}
	}
}

// TestReduce checks the fast mode's box average against the plain
// definition, with blocks that do not divide the image and with more rows
// per block than the packed column sums hold at once.
func TestReduce(t *testing.T) {
	simd := haveHrow4
	defer setSIMD(simd)
	e, _ := New(Options{Workers: 2})
	for _, asm := range []bool{false, true} {
		if asm && !simd {
			t.Log("no AVX2 here: the Go loops alone")
			continue
		}
		if setSIMD(asm) {
			testReduce(t, e, asm)
		}
	}
}

func testReduce(t *testing.T, e *Engine, asm bool) {
	for ch := 1; ch <= 4; ch++ {
		// 1-channel 2-column blocks up to the 128 rows whose pair sums
		// fit 16 bits, and past them; a width with a tail after the
		// 16-output steps.
		for _, f := range [][2]int{{2, 2}, {3, 3}, {5, 2}, {1, 7}, {4, 300}, {13, 1}, {2, 1}, {2, 128}, {2, 129}, {4, 4}} {
			src := noise(61+2*ch*f[0], 611, ch, uint64(f[0]*f[1]))
			if f[1] < 100 {
				// All 255 in places: the largest sums.
				for i := range src.Pix[:len(src.Pix)/3] {
					src.Pix[i] = 255
				}
			}
			got := e.reduce(rasterSource(src), f[0], f[1])
			for y := range got.Height {
				for x := range got.Width {
					for c := range ch {
						var s, n int
						for yy := y * f[1]; yy < min((y+1)*f[1], src.Height); yy++ {
							for xx := x * f[0]; xx < min((x+1)*f[0], src.Width); xx++ {
								s += int(src.Row(yy)[xx*ch+c])
								n++
							}
						}
						if want := uint8((s + n/2) / n); got.Row(y)[x*ch+c] != want {
							t.Fatalf("asm %v, %d channels, %dx%d blocks: (%d,%d,%d) is %d, want %d", asm, ch, f[0], f[1], x, y, c, got.Row(y)[x*ch+c], want)
						}
					}
				}
			}
		}
	}
}

// TestPairDivisor: avgPairs16's float arithmetic rounds every sum of every
// 2-column block it may take (1 to maxPairRows rows) as integer division
// does.
func TestPairDivisor(t *testing.T) {
	for rows := 1; rows <= maxPairRows; rows++ {
		n := uint32(2 * rows)
		half, inv := pairDivisor(rows)
		for s := range 255*n + 1 {
			if got, want := pairAverage(s, half, inv), uint8((s+n/2)/n); got != want {
				t.Fatalf("%d rows, sum %d: %d, want %d", rows, s, got, want)
			}
		}
	}
}
