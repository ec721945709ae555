package resize

import (
	"fmt"
	"image"
	"image/color"

	"github.com/corescale/corescale"
	"github.com/corescale/corescale/internal/resample"
)

// raster16 is a Raster of 16-bit samples: 1 to 4 interleaved channels, the
// colour premultiplied by alpha when there is one. The engine resizes 16-bit
// images at full depth, and resizes in linear light through it.
type raster16 struct {
	Pix                             []uint16
	Width, Height, Stride, Channels int
}

// newRaster16 returns a zeroed w×h raster of ch 16-bit channels.
func newRaster16(w, h, ch int) *raster16 {
	return &raster16{Pix: make([]uint16, w*h*ch), Width: w, Height: h, Stride: w * ch, Channels: ch}
}

// Row returns the samples of row y.
func (r *raster16) Row(y int) []uint16 {
	return r.Pix[y*r.Stride : y*r.Stride+r.Width*r.Channels]
}

// resize16 is Resize for 16-bit rasters. The sums are 64-bit with the same
// fixed-point weights, and the horizontal pass keeps 16 bits, so it is as
// exact as the 8-bit engine at 256 times the resolution. The fast mode's
// pre-reduce is not applied at this depth: it would trade away the
// precision the caller asked for.
func (e *Engine) resize16(dst *raster16, src *source[uint16], box [4]float64) error {
	if dst.Channels != src.channels || src.channels < 1 || src.channels > 4 {
		return fmt.Errorf("resize: %d channels into %d: want the same, 1 to 4", src.channels, dst.Channels)
	}
	if src.width <= 0 || src.height <= 0 || dst.Width <= 0 || dst.Height <= 0 {
		return fmt.Errorf("resize: %d×%d to %d×%d: sizes must be positive", src.width, src.height, dst.Width, dst.Height)
	}
	if e.filter == corescale.Nearest {
		ch := src.channels
		xs := resample.NearestIndices(box[0], box[2], dst.Width, src.width)
		ys := resample.NearestIndices(box[1], box[3], dst.Height, src.height)
		rd := src.reader()
		for y := range dst.Height {
			in, out := rd.row(ys[y]), dst.Row(y)
			for x, sx := range xs {
				copy(out[x*ch:x*ch+ch], in[sx*ch:sx*ch+ch])
			}
		}
		return nil
	}
	th := e.table(src.width, box[0], box[2], dst.Width)
	tv := e.table(src.height, box[1], box[3], dst.Height)
	verticalCost := dst.Width * dst.Channels * tv.Stride
	if copies(th) {
		// The horizontal pass would copy every sample, so the vertical
		// pass reads the source itself, through a window of its rows
		// rather than an intermediate the size of the image.
		e.windowRows(dst.Height, verticalCost, func(y0, y1 int) {
			win := newWindow(src, 2*tv.Stride)
			vertical16(dst, tv, y0, y1, win.load, win.row)
		})
		return nil
	}
	first := int(tv.Start[0])
	last := int(tv.Start[dst.Height-1] + tv.Count[dst.Height-1])
	tmp := newRaster16(dst.Width, last-first, src.channels)
	perRow := dst.Width * dst.Channels * th.Stride
	e.rows(tmp.Height, perRow, func(y0, y1 int) {
		rd := src.reader()
		for y := y0; y < y1; y++ {
			in, out := rd.row(first+y), tmp.Row(y)
			ch := src.channels
			for x := range th.Out {
				start, _, w := th.Taps(x)
				px := in[start*ch : (start+len(w))*ch]
				for c := range ch {
					out[x*ch+c] = sum16(px[c:], ch, w)
				}
			}
		}
	})
	e.rows(dst.Height, verticalCost, func(y0, y1 int) {
		vertical16(dst, tv, y0, y1, nil, func(i int) []uint16 { return tmp.Row(i - first) })
	})
	return nil
}

// vertical16 is the vertical pass at 16 bits for output rows [y0, y1) of
// dst: each output sums the rows row(start…) that its taps weigh, after
// load(start, end), when given, has made rows [start, end) readable.
func vertical16(dst *raster16, tv *resample.Table, y0, y1 int, load func(start, end int), row func(i int) []uint16) {
	acc := make([]int64, dst.Width*dst.Channels)
	for y := y0; y < y1; y++ {
		start, _, w := tv.Taps(y)
		if load != nil {
			load(start, start+len(w))
		}
		for i := range acc {
			acc[i] = half
		}
		for j, k := range w {
			in := row(start + j)
			for i, v := range in {
				acc[i] += int64(v) * int64(k)
			}
		}
		out := dst.Row(y)
		for i, s := range acc {
			out[i] = clip16(s)
		}
	}
}

// sum16 weighs every step-th sample of px, from the first, by w.
func sum16(px []uint16, step int, w []int32) uint16 {
	s := int64(half)
	for i, k := range w {
		s += int64(px[i*step]) * int64(k)
	}
	return clip16(s)
}

func clip16(s int64) uint16 {
	if s <= 0 {
		return 0
	}
	return uint16(min(s>>fixedBits, 65535))
}

// toImage16 returns r as a 16-bit image: gray, opaque RGBA64, or NRGBA64
// with the premultiplication undone.
func toImage16(r *raster16) image.Image {
	rect := image.Rect(0, 0, r.Width, r.Height)
	switch r.Channels {
	case 1:
		m := image.NewGray16(rect)
		for y := range r.Height {
			for x, v := range r.Row(y) {
				m.SetGray16(x, y, color.Gray16{Y: v})
			}
		}
		return m
	case 3:
		m := image.NewRGBA64(rect)
		for y := range r.Height {
			row := r.Row(y)
			for x := range r.Width {
				m.SetRGBA64(x, y, color.RGBA64{R: row[3*x], G: row[3*x+1], B: row[3*x+2], A: 0xffff})
			}
		}
		return m
	}
	m := image.NewNRGBA64(rect)
	ch := r.Channels
	for y := range r.Height {
		row := r.Row(y)
		for x := range r.Width {
			px := row[x*ch : x*ch+ch]
			a := uint32(px[ch-1])
			un := func(c uint16) uint16 {
				if a == 0 {
					return 0
				}
				return uint16(min(uint32(c)*0xffff/a, 0xffff))
			}
			if ch == 2 {
				g := un(px[0])
				m.SetNRGBA64(x, y, color.NRGBA64{R: g, G: g, B: g, A: px[1]})
				continue
			}
			m.SetNRGBA64(x, y, color.NRGBA64{R: un(px[0]), G: un(px[1]), B: un(px[2]), A: px[3]})
		}
	}
	return m
}

// ResizeImage returns img resized to w×h: 16-bit images at 16 bits, JPEG's
// YCbCr as 4:4:4 YCbCr whatever its subsampling (see ResizeYCbCr; unless
// in linear light, which needs RGB), all others at 8 bits as FromImage and
// ToImage convert them. It reads img's pixels a row
// at a time, converting each as the horizontal pass takes it, and holds no
// converted copy of the whole image: beyond img it needs the intermediate
// between the passes and the result (see ResizeBytes).
func (e *Engine) ResizeImage(img image.Image, w, h int) (image.Image, error) {
	b := img.Bounds()
	return e.ResizeImageSpan(img, [4]float64{0, 0, float64(b.Dx()), float64(b.Dy())}, w, h)
}

// ResizeImageSpan is ResizeImage of the span (x0, y0, x1, y1) of img, in
// pixels from img's top-left corner: a box that need not fall on whole
// pixels, as Pillow's resize takes one. A JPEG decoded reduced in the DCT
// domain needs it, its last pixel covering less than the others; taps
// outside the span but inside img are weighed, as Pillow weighs them.
func (e *Engine) ResizeImageSpan(img image.Image, span [4]float64, w, h int) (image.Image, error) {
	if m, ok := img.(*image.YCbCr); ok && nativeYCbCr(m, e) {
		return e.ResizeYCbCrSpan(m, span, w, h, image.YCbCrSubsampleRatio444)
	}
	if src, ok := imageSource16(img); ok {
		if err := checkSpan(span, src.width, src.height); err != nil {
			return nil, err
		}
		dst := newRaster16(w, h, src.channels)
		if err := e.resize16(dst, src, span); err != nil {
			return nil, err
		}
		return toImage16(dst), nil
	}
	src := imageSource(img)
	dst := corescale.NewRaster(w, h, src.channels)
	if err := e.resizeBox(dst, src, span); err != nil {
		return nil, err
	}
	return ToImage(dst), nil
}

// nativeYCbCr reports whether e resizes m in its own planes: not in linear
// light, and not at negative coordinates, where image.YCbCr's chroma grid
// is irregular and only its At reads it right.
func nativeYCbCr(m *image.YCbCr, e *Engine) bool {
	_, _, known := chromaFactors(m.SubsampleRatio)
	return known && !e.linear && m.Rect.Min.X >= 0 && m.Rect.Min.Y >= 0
}
