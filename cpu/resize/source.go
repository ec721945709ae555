package resize

import (
	"image"
	"image/color"
	"image/draw"

	"github.com/corescale/corescale"
)

// sample is what the passes filter: 8-bit samples, or 16-bit ones for
// 16-bit images and linear light.
type sample interface{ uint8 | uint16 }

// source is an image as the passes read it: width×height pixels of
// channels interleaved samples, the colour premultiplied by alpha when there
// is one. A pass asks for the rows it needs one at a time. Rows that the
// image already holds in this layout are read in place; the others are
// converted as they are asked for, into a row buffer of the asking
// goroutine. So resizing a decoded image never makes a converted copy of all
// of it beside it: for a 196-megapixel 16-bit photo that copy was 1.2 GB.
type source[T sample] struct {
	width, height, channels int
	// pix and stride, when pix is not nil, are the image's own samples in
	// this layout.
	pix    []T
	stride int
	// convert writes row y into out (width·channels samples); scratch
	// belongs to the calling goroutine.
	convert func(y int, out []T, scratch *rowScratch)
	// rgbx, for some 3-channel sources of 4-byte pixels (opaque RGBA and
	// NRGBA), returns row y as those pixels, the fourth byte to be ignored:
	// the AVX2 pass takes 4-byte pixels, so the alpha need not be dropped
	// and padded back.
	rgbx func(y int) []uint8
}

// rowScratch is what a conversion may need beyond the output row, kept per
// goroutine so that a pass allocates it once, not per row.
type rowScratch struct {
	line  *image.NRGBA   // a row drawn by image/draw
	inner *reader[uint8] // the 8-bit rows under a linear-light source
}

// inPlace reports whether the source's rows are the image's own memory.
func (s *source[T]) inPlace() bool { return s.pix != nil }

// reader returns a reader of s's rows for one goroutine.
func (s *source[T]) reader() *reader[T] { return &reader[T]{src: s} }

// reader reads the rows of a source on one goroutine.
type reader[T sample] struct {
	src     *source[T]
	buf     []T
	scratch rowScratch
}

// row returns row y of the source. A converted row lives in the reader's
// buffer until the next call.
func (r *reader[T]) row(y int) []T {
	s := r.src
	n := s.width * s.channels
	if s.pix != nil {
		return s.pix[y*s.stride : y*s.stride+n]
	}
	if r.buf == nil {
		r.buf = make([]T, n)
	}
	s.convert(y, r.buf, &r.scratch)
	return r.buf
}

// rasterSource reads a Raster in place.
func rasterSource(r *corescale.Raster) *source[uint8] {
	return &source[uint8]{width: r.Width, height: r.Height, channels: r.Channels, pix: r.Pix, stride: r.Stride}
}

// raster16Source reads a raster16 in place.
func raster16Source(r *raster16) *source[uint16] {
	return &source[uint16]{width: r.Width, height: r.Height, channels: r.Channels, pix: r.Pix, stride: r.Stride}
}

// imageSource reads img at 8 bits as FromImage describes: gray and
// translucent RGBA in place, the rest converted a row at a time.
func imageSource(img image.Image) *source[uint8] {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	s := &source[uint8]{width: w, height: h}
	// opaque4 reads rows of opaque 4-byte pixels as RGB.
	opaque4 := func(pix []uint8, stride int) {
		s.channels = 3
		s.convert = func(y int, out []uint8, _ *rowScratch) { dropAlpha(out, pix[y*stride:][:4*w]) }
		s.rgbx = func(y int) []uint8 { return pix[y*stride:][:4*w] }
	}
	switch m := img.(type) {
	case *image.Gray:
		s.channels, s.pix, s.stride = 1, m.Pix, m.Stride
		return s
	case *image.RGBA:
		if m.Opaque() {
			opaque4(m.Pix, m.Stride)
			return s
		}
		s.channels, s.pix, s.stride = 4, m.Pix, m.Stride
		return s
	case *image.NRGBA:
		if m.Opaque() {
			opaque4(m.Pix, m.Stride)
			return s
		}
		s.channels = 4
		s.convert = func(y int, out []uint8, _ *rowScratch) { premultiply(out, m.Pix[y*m.Stride:][:4*w]) }
		return s
	case *image.YCbCr:
		s.channels = 3
		s.convert = func(y int, out []uint8, _ *rowScratch) {
			for x := range w {
				yi, ci := m.YOffset(b.Min.X+x, b.Min.Y+y), m.COffset(b.Min.X+x, b.Min.Y+y)
				out[3*x], out[3*x+1], out[3*x+2] = color.YCbCrToRGB(m.Y[yi], m.Cb[ci], m.Cr[ci])
			}
		}
		return s
	}
	// Everything else is drawn into NRGBA a row at a time, as image/draw
	// converts it; whether every row comes out opaque takes a pass first.
	draw1 := func(y int, scratch *rowScratch) *image.NRGBA {
		if scratch.line == nil {
			scratch.line = image.NewNRGBA(image.Rect(0, 0, w, 1))
		}
		draw.Draw(scratch.line, scratch.line.Rect, img, image.Pt(b.Min.X, b.Min.Y+y), draw.Src)
		return scratch.line
	}
	var first rowScratch
	opaque := true
	for y := 0; y < h && opaque; y++ {
		opaque = draw1(y, &first).Opaque()
	}
	if opaque {
		s.channels = 3
		s.convert = func(y int, out []uint8, scratch *rowScratch) { dropAlpha(out, draw1(y, scratch).Pix) }
	} else {
		s.channels = 4
		s.convert = func(y int, out []uint8, scratch *rowScratch) { premultiply(out, draw1(y, scratch).Pix) }
	}
	return s
}

// imageSource16 reads a 16-bit image (Gray16, RGBA64, NRGBA64) as gray, as
// RGB when opaque, else as premultiplied RGBA, converting each row from
// the image's big-endian samples; ok is false for other images.
func imageSource16(img image.Image) (s *source[uint16], ok bool) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	s = &source[uint16]{width: w, height: h}
	switch m := img.(type) {
	case *image.Gray16:
		s.channels = 1
		s.convert = func(y int, out []uint16, _ *rowScratch) {
			in := m.Pix[y*m.Stride:][:2*w]
			for x := range out {
				out[x] = uint16(in[2*x])<<8 | uint16(in[2*x+1])
			}
		}
	case *image.RGBA64:
		s.channels = channels16(m.Opaque())
		s.convert = func(y int, out []uint16, _ *rowScratch) {
			rgba64Row(out, m.Pix[y*m.Stride:][:8*w], s.channels, false)
		}
	case *image.NRGBA64:
		s.channels = channels16(m.Opaque())
		s.convert = func(y int, out []uint16, _ *rowScratch) {
			rgba64Row(out, m.Pix[y*m.Stride:][:8*w], s.channels, true)
		}
	default:
		return nil, false
	}
	return s, true
}

func channels16(opaque bool) int {
	if opaque {
		return 3
	}
	return 4
}

// rgba64Row reads a row of 8-byte RGBA64 or NRGBA64 pixels into ch (3 or
// 4) samples a pixel, premultiplying NRGBA64 as color.NRGBA64.RGBA does.
func rgba64Row(out []uint16, in []uint8, ch int, straight bool) {
	for len(in) >= 8 && len(out) >= ch {
		r := uint32(in[0])<<8 | uint32(in[1])
		g := uint32(in[2])<<8 | uint32(in[3])
		bl := uint32(in[4])<<8 | uint32(in[5])
		a := uint32(in[6])<<8 | uint32(in[7])
		if straight {
			r, g, bl = r*a/0xffff, g*a/0xffff, bl*a/0xffff
		}
		out[0], out[1], out[2] = uint16(r), uint16(g), uint16(bl)
		if ch == 4 {
			out[3] = uint16(a)
		}
		in, out = in[8:], out[ch:]
	}
}

// linearSource reads an 8-bit source in linear light at 16 bits (see
// linear.go), a row at a time.
func linearSource(src *source[uint8]) *source[uint16] {
	ch := src.channels
	return &source[uint16]{
		width: src.width, height: src.height, channels: ch,
		convert: func(y int, out []uint16, scratch *rowScratch) {
			if scratch.inner == nil {
				scratch.inner = src.reader()
			}
			toLinearRow(out, scratch.inner.row(y), ch)
		},
	}
}

// window holds consecutive rows of a source, each converted once, for a
// pass whose outputs read rows [start, end) with starts that never go
// back: the vertical pass straight from a source. It holds at most size
// rows, which must be at least the most any output reads.
type window[T sample] struct {
	src          *source[T]
	pix          []T
	stride, size int
	lo, hi       int // the source rows held, from pix's first row
	scratch      rowScratch
}

func newWindow[T sample](src *source[T], size int) *window[T] {
	n := src.width * src.channels
	w := &window[T]{src: src, stride: n, size: size}
	if !src.inPlace() {
		w.pix = make([]T, size*n)
	}
	return w
}

// load makes rows [start, end) readable.
func (w *window[T]) load(start, end int) {
	if w.src.inPlace() {
		return
	}
	switch {
	case start >= w.hi:
		w.lo, w.hi = start, start
	case end-w.lo > w.size:
		// Move the rows still needed to the front.
		copy(w.pix, w.pix[(start-w.lo)*w.stride:(w.hi-w.lo)*w.stride])
		w.lo = start
	}
	for ; w.hi < end; w.hi++ {
		i := (w.hi - w.lo) * w.stride
		w.src.convert(w.hi, w.pix[i:i+w.stride], &w.scratch)
	}
}

// row returns source row i, which load has made readable.
func (w *window[T]) row(i int) []T {
	if w.src.inPlace() {
		return w.src.pix[i*w.src.stride : i*w.src.stride+w.stride]
	}
	return w.pix[(i-w.lo)*w.stride : (i-w.lo+1)*w.stride]
}
