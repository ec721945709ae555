package resize

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math/rand/v2"
	"reflect"
	"runtime"
	"testing"

	"github.com/corescale/corescale"
)

// kinds returns a w×h image of every type ResizeImage reads differently:
// the types imagefile returns (gray, 16-bit, opaque and translucent, JPEG's
// YCbCr) and two it leaves to image/draw (paletted, CMYK), with noisy
// samples and noisy alpha where there is alpha.
func kinds(w, h int, seed uint64) map[string]image.Image {
	rng := rand.New(rand.NewPCG(seed, 9))
	r := image.Rect(0, 0, w, h)
	gray, g16 := image.NewGray(r), image.NewGray16(r)
	rgbaO, rgbaT, nrgbaO, nrgbaT := image.NewRGBA(r), image.NewRGBA(r), image.NewNRGBA(r), image.NewNRGBA(r)
	r64O, r64T, n64O, n64T := image.NewRGBA64(r), image.NewRGBA64(r), image.NewNRGBA64(r), image.NewNRGBA64(r)
	cmyk := image.NewCMYK(r)
	pal := image.NewPaletted(r, color.Palette{color.NRGBA{1, 2, 3, 255}, color.NRGBA{200, 100, 50, 128}, color.NRGBA{}, color.NRGBA{255, 255, 255, 255}})
	palO := image.NewPaletted(r, color.Palette{color.NRGBA{1, 2, 3, 255}, color.NRGBA{200, 100, 50, 255}})
	for y := range h {
		for x := range w {
			c := color.NRGBA{uint8(rng.IntN(256)), uint8(rng.IntN(256)), uint8(rng.IntN(256)), uint8(rng.IntN(256))}
			c64 := color.NRGBA64{uint16(rng.IntN(65536)), uint16(rng.IntN(65536)), uint16(rng.IntN(65536)), uint16(rng.IntN(65536))}
			gray.SetGray(x, y, color.Gray{c.R})
			g16.SetGray16(x, y, color.Gray16{c64.R})
			rgbaO.Set(x, y, color.NRGBA{c.R, c.G, c.B, 255})
			rgbaT.Set(x, y, c)
			nrgbaO.SetNRGBA(x, y, color.NRGBA{c.R, c.G, c.B, 255})
			nrgbaT.SetNRGBA(x, y, c)
			r64O.Set(x, y, color.NRGBA64{c64.R, c64.G, c64.B, 0xffff})
			r64T.Set(x, y, c64)
			n64O.SetNRGBA64(x, y, color.NRGBA64{c64.R, c64.G, c64.B, 0xffff})
			n64T.SetNRGBA64(x, y, c64)
			cmyk.SetCMYK(x, y, color.CMYK{c.R, c.G, c.B, c.A})
			pal.SetColorIndex(x, y, uint8(rng.IntN(4)))
			palO.SetColorIndex(x, y, uint8(rng.IntN(2)))
		}
	}
	m := map[string]image.Image{
		"Gray": gray, "Gray16": g16, "CMYK": cmyk, "Paletted": pal, "Paletted-opaque": palO,
		"RGBA-opaque": rgbaO, "RGBA": rgbaT, "NRGBA-opaque": nrgbaO, "NRGBA": nrgbaT,
		"RGBA64-opaque": r64O, "RGBA64": r64T, "NRGBA64-opaque": n64O, "NRGBA64": n64T,
	}
	for _, ratio := range []image.YCbCrSubsampleRatio{image.YCbCrSubsampleRatio420, image.YCbCrSubsampleRatio411} {
		yc := image.NewYCbCr(r, ratio)
		for i := range yc.Y {
			yc.Y[i] = uint8(rng.IntN(256))
		}
		for i := range yc.Cb {
			yc.Cb[i], yc.Cr[i] = uint8(rng.IntN(256)), uint8(rng.IntN(256))
		}
		m["YCbCr-"+ratio.String()] = yc
	}
	return m
}

// engineBytes is the size of img converted whole to the engine's layout:
// what a second full copy would cost.
func engineBytes(img image.Image) int {
	px := img.Bounds().Dx() * img.Bounds().Dy()
	switch img.(type) {
	case *image.Gray:
		return px
	case *image.Gray16:
		return 2 * px
	case *image.RGBA64, *image.NRGBA64:
		return 6 * px
	}
	return 3 * px
}

// TestResizeImageReadsInPlace: ResizeImage reads the image's own pixels a
// row at a time and never makes a converted copy of the whole image next
// to it (the 16-bit path used to copy it into 16-bit samples, the 8-bit
// path every type but gray and translucent RGBA): what it allocates is the
// intermediate between the passes and the result, a fraction of the
// image. Every mode is measured: exact, fast, in linear light, and a resize
// of the height alone, which has no horizontal pass.
func TestResizeImageReadsInPlace(t *testing.T) {
	const w, h = 1200, 1600
	for name, img := range kinds(w, h, 1) {
		for _, c := range []struct {
			mode       string
			opt        Options
			outW, outH int
		}{
			{"exact", Options{Workers: 1}, 20, 27},
			{"fast", Options{Workers: 1, Fast: true}, 20, 27},
			{"linear", Options{Workers: 1, Linear: true}, 20, 27},
			{"height only", Options{Workers: 1}, w, 100},
		} {
			t.Run(fmt.Sprintf("%s/%s", name, c.mode), func(t *testing.T) {
				e, err := New(c.opt)
				if err != nil {
					t.Fatal(err)
				}
				// Once first, so the weight tables and pooled buffers
				// are not counted.
				if _, err := e.ResizeImage(img, c.outW, c.outH); err != nil {
					t.Fatal(err)
				}
				if raceEnabled {
					// sync.Pool drops items at random under the race
					// detector, so pooled buffers are allocated again.
					t.Skip("allocations are not compared under the race detector")
				}
				var before, after runtime.MemStats
				runtime.ReadMemStats(&before)
				out, err := e.ResizeImage(img, c.outW, c.outH)
				runtime.ReadMemStats(&after)
				if err != nil {
					t.Fatal(err)
				}
				// The result's own bytes (at most 8 a pixel, twice: the
				// raster and the image) are allowed on top.
				result := 2 * 8 * out.Bounds().Dx() * out.Bounds().Dy()
				allocated := int(after.TotalAlloc - before.TotalAlloc)
				if limit := engineBytes(img)/4 + result; allocated > limit {
					t.Errorf("allocated %d bytes for a %d-byte image (a whole copy is %d); want at most %d",
						allocated, w*h, engineBytes(img), limit)
				}
			})
		}
	}
}

// wholeImage is FromImage as it was before sources: the image converted
// whole, by a different route (image/draw and At for every type it does
// not read itself).
func wholeImage(img image.Image) *corescale.Raster {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	switch m := img.(type) {
	case *image.Gray:
		return &corescale.Raster{Pix: m.Pix, Width: w, Height: h, Stride: m.Stride, Channels: 1}
	case *image.RGBA:
		if !m.Opaque() {
			return &corescale.Raster{Pix: m.Pix, Width: w, Height: h, Stride: m.Stride, Channels: 4}
		}
	case *image.YCbCr:
		r := corescale.NewRaster(w, h, 3)
		for y := range h {
			for x := range w {
				c := m.YCbCrAt(b.Min.X+x, b.Min.Y+y)
				cr, cg, cb := color.YCbCrToRGB(c.Y, c.Cb, c.Cr)
				copy(r.Row(y)[3*x:], []uint8{cr, cg, cb})
			}
		}
		return r
	}
	n := image.NewNRGBA(image.Rect(0, 0, w, h))
	draw.Draw(n, n.Rect, img, b.Min, draw.Src)
	ch := 4
	if n.Opaque() {
		ch = 3
	}
	r := corescale.NewRaster(w, h, ch)
	for y := range h {
		for x := range w {
			c := n.NRGBAAt(x, y)
			px := []uint8{c.R, c.G, c.B, c.A}
			if ch == 4 {
				a := uint32(c.A)
				px = []uint8{mulDiv255(c.R, a), mulDiv255(c.G, a), mulDiv255(c.B, a), c.A}
			}
			copy(r.Row(y)[ch*x:], px[:ch])
		}
	}
	return r
}

// wholeImage16 is the old conversion of 16-bit images, whole, through At.
func wholeImage16(img image.Image) (*raster16, bool) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	ch := 4
	switch m := img.(type) {
	case *image.Gray16:
		ch = 1
	case *image.RGBA64:
		if m.Opaque() {
			ch = 3
		}
	case *image.NRGBA64:
		if m.Opaque() {
			ch = 3
		}
	default:
		return nil, false
	}
	r := newRaster16(w, h, ch)
	for y := range h {
		for x := range w {
			c := color.RGBA64Model.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.RGBA64)
			copy(r.Row(y)[ch*x:], []uint16{c.R, c.G, c.B, c.A}[:ch])
		}
	}
	return r, true
}

// TestResizeImageSameBytes: reading the image a row at a time gives the
// bytes of converting it whole first, for every kind of image, filter and
// mode, on sub-images, at sizes that take every path: both passes, one
// pass (through the sliding window when only the height changes), none,
// enlarging, and the fast mode's box reduce in bands of converted rows and
// row by row past 257 rows a block. (TestWorkersAgree shows that the
// workers agree; three run here.)
func TestResizeImageSameBytes(t *testing.T) {
	images := kinds(151, 103, 2)
	for name, img := range kinds(160, 110, 3) {
		images[name+"-sub"] = img.(interface {
			SubImage(image.Rectangle) image.Image
		}).SubImage(image.Rect(7, 3, 153, 107))
	}
	for name, img := range kinds(23, 1600, 4) {
		images[name+"-tall"] = img
	}
	// At negative coordinates a YCbCr's chroma grid is irregular: the
	// engine converts it row by row rather than resizing its planes.
	neg := image.NewYCbCr(image.Rect(-9, -5, 140, 96), image.YCbCrSubsampleRatio420)
	for i := range neg.Y {
		neg.Y[i] = uint8(i * 7)
	}
	for i := range neg.Cb {
		neg.Cb[i], neg.Cr[i] = uint8(i*5), uint8(i*3)
	}
	images["YCbCr-negative"] = neg
	for name, img := range images {
		b := img.Bounds()
		sizes := [][2]int{{37, 29}, {b.Dx(), 20}, {40, b.Dy()}, {b.Dx(), b.Dy()}, {230, 160}, {5, 2}, {1, 1}}
		whole := wholeImage(img)
		whole16, deep := wholeImage16(img)
		for _, f := range corescale.Filters {
			for _, mode := range []string{"exact", "fast", "linear"} {
				e, err := New(Options{Filter: f, Fast: mode == "fast", Linear: mode == "linear", Workers: 3})
				if err != nil {
					t.Fatal(err)
				}
				for _, sz := range sizes {
					got, err := e.ResizeImage(img, sz[0], sz[1])
					if err != nil {
						t.Fatal(err)
					}
					var want image.Image
					native := false
					if m, ok := img.(*image.YCbCr); ok && nativeYCbCr(m, e) {
						// The native path reads the planes in place,
						// before and after.
						want, err = e.ResizeYCbCr(m, sz[0], sz[1], image.YCbCrSubsampleRatio444)
						native = true
					}
					switch {
					case native:
					case deep:
						dst := newRaster16(sz[0], sz[1], whole16.Channels)
						err = e.resize16(dst, raster16Source(whole16), [4]float64{0, 0, float64(whole16.Width), float64(whole16.Height)})
						want = toImage16(dst)
					default:
						dst := corescale.NewRaster(sz[0], sz[1], whole.Channels)
						err = e.Resize(dst, whole)
						want = ToImage(dst)
					}
					if err != nil {
						t.Fatal(err)
					}
					if !samePixels(got, want) {
						t.Fatalf("%s, %s, %s, to %dx%d: not the bytes of converting the image whole", name, f, mode, sz[0], sz[1])
					}
				}
			}
		}
	}
}

func samePixels(a, b image.Image) bool {
	if reflect.TypeOf(a) != reflect.TypeOf(b) || a.Bounds() != b.Bounds() {
		return false
	}
	if ya, ok := a.(*image.YCbCr); ok {
		yb := b.(*image.YCbCr)
		return bytes.Equal(ya.Y, yb.Y) && bytes.Equal(ya.Cb, yb.Cb) && bytes.Equal(ya.Cr, yb.Cr)
	}
	pix := func(m image.Image) []uint8 { return reflect.ValueOf(m).Elem().FieldByName("Pix").Bytes() }
	return bytes.Equal(pix(a), pix(b))
}

// TestResizeBytesBoundsAllocation: ResizeBytes is at least what
// ResizeImage allocates on a fresh engine, tables and all, for every kind
// of image and mode, downscaling, enlarging and changing one side.
func TestResizeBytesBoundsAllocation(t *testing.T) {
	// Chunks as the engine makes them, not the tests' tiny ones, whose
	// scratch would count many times over.
	defer func(m int) { minSamplesPerWorker = m }(minSamplesPerWorker)
	minSamplesPerWorker = 1 << 21
	const w, h = 600, 400
	for name, img := range kinds(w, h, 5) {
		model := img.ColorModel()
		// As imagefile reports them: RGBA and RGBA64 for files without
		// alpha, the N types for the others.
		if o, ok := img.(interface{ Opaque() bool }); ok && !o.Opaque() {
			switch model {
			case color.RGBAModel:
				model = color.NRGBAModel
			case color.RGBA64Model:
				model = color.NRGBA64Model
			}
		}
		for _, opt := range []Options{{}, {Fast: true}, {Linear: true}, {Filter: corescale.Nearest}, {Filter: corescale.Mitchell}} {
			for _, sz := range [][2]int{{30, 20}, {w, 20}, {30, h}, {900, 700}} {
				opt.Workers = 2
				e, err := New(opt)
				if err != nil {
					t.Fatal(err)
				}
				var before, after runtime.MemStats
				runtime.ReadMemStats(&before)
				if _, err := e.ResizeImage(img, sz[0], sz[1]); err != nil {
					t.Fatal(err)
				}
				runtime.ReadMemStats(&after)
				allocated := int64(after.TotalAlloc - before.TotalAlloc)
				if est := e.ResizeBytes(model, w, h, sz[0], sz[1]); allocated > est {
					t.Errorf("%s, %+v, to %dx%d: allocated %d bytes, estimated %d", name, opt, sz[0], sz[1], allocated, est)
				}
			}
		}
	}
}
