package imagefile

import (
	"image"
	"image/color"
	"image/draw"
)

// normalize returns img as one of the types listed in the package doc, with
// its origin at (0, 0). canvas is the image size the header announced: a GIF
// frame may cover only part of it, and is placed on a transparent canvas of
// that size as viewers show it.
func normalize(img image.Image, canvas image.Rectangle) image.Image {
	switch m := img.(type) {
	case *image.Paletted:
		return fromPaletted(m, canvas)
	case *image.CMYK:
		return fromCMYK(m)
	case *image.NYCbCrA:
		return fromNYCbCrA(m)
	case *image.Gray, *image.Gray16, *image.YCbCr, *image.RGBA, *image.NRGBA, *image.RGBA64, *image.NRGBA64:
		if img.Bounds().Min == (image.Point{}) {
			return img
		}
		// Only a decoder change could get here; moving the origin keeps the
		// promise of the package doc without copying pixels.
		return atOrigin(img)
	}
	switch img.ColorModel() {
	case color.RGBA64Model, color.NRGBA64Model, color.Gray16Model, color.Alpha16Model:
		return toNRGBA64(img)
	}
	return toNRGBA(img)
}

// atOrigin returns a view of m with its bounds moved to start at (0, 0).
func atOrigin(img image.Image) image.Image {
	b := img.Bounds()
	r := image.Rect(0, 0, b.Dx(), b.Dy())
	switch m := img.(type) {
	case *image.Gray:
		return &image.Gray{Pix: m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], Stride: m.Stride, Rect: r}
	case *image.Gray16:
		return &image.Gray16{Pix: m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], Stride: m.Stride, Rect: r}
	case *image.RGBA:
		return &image.RGBA{Pix: m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], Stride: m.Stride, Rect: r}
	case *image.NRGBA:
		return &image.NRGBA{Pix: m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], Stride: m.Stride, Rect: r}
	case *image.RGBA64:
		return &image.RGBA64{Pix: m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], Stride: m.Stride, Rect: r}
	case *image.NRGBA64:
		return &image.NRGBA64{Pix: m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], Stride: m.Stride, Rect: r}
	}
	// A YCbCr's chroma grid is tied to its absolute coordinates, so it is
	// copied rather than re-based.
	out := image.NewRGBA(r)
	draw.Draw(out, r, img, b.Min, draw.Src)
	return out
}

// fromPaletted expands p through a 256-entry table onto a canvas of the
// given size. Indices past the palette read as opaque black, as image/png
// pads short palettes, instead of panicking as At would.
func fromPaletted(p *image.Paletted, canvas image.Rectangle) image.Image {
	if canvas.Empty() || !p.Rect.In(canvas) {
		canvas = p.Rect
	}
	var lut [256][4]uint8
	for i := range lut {
		lut[i] = [4]uint8{0, 0, 0, 0xff}
	}
	opaque := true
	for i, c := range p.Palette[:min(len(p.Palette), 256)] {
		n := color.NRGBAModel.Convert(c).(color.NRGBA)
		lut[i] = [4]uint8{n.R, n.G, n.B, n.A}
		if n.A != 0xff {
			opaque = false
		}
	}
	if p.Rect != canvas {
		opaque = false
	}
	size := image.Rect(0, 0, canvas.Dx(), canvas.Dy())
	var pix []uint8
	var stride int
	var out image.Image
	if opaque {
		// Opaque colours are the same bytes premultiplied or not, and RGBA
		// spares the resize engine a premultiplication.
		m := image.NewRGBA(size)
		pix, stride, out = m.Pix, m.Stride, m
	} else {
		m := image.NewNRGBA(size)
		pix, stride, out = m.Pix, m.Stride, m
	}
	w := p.Rect.Dx()
	for y := p.Rect.Min.Y; y < p.Rect.Max.Y; y++ {
		in := p.Pix[p.PixOffset(p.Rect.Min.X, y):][:w]
		o := (y-canvas.Min.Y)*stride + (p.Rect.Min.X-canvas.Min.X)*4
		row := pix[o : o+4*w]
		for x, idx := range in {
			copy(row[4*x:4*x+4], lut[idx][:])
		}
	}
	return out
}

// fromCMYK converts with the same arithmetic as color.CMYK.RGBA, so the
// result equals what draw.Draw would give, only without a call per pixel.
// image/jpeg has already undone Adobe's inverted storage of CMYK and YCCK.
func fromCMYK(m *image.CMYK) *image.RGBA {
	b := m.Rect
	w := b.Dx()
	out := image.NewRGBA(image.Rect(0, 0, w, b.Dy()))
	for y := range b.Dy() {
		in := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):][:4*w]
		row := out.Pix[y*out.Stride:][:4*w]
		for i := 0; i < len(in); i += 4 {
			k := 0xffff - uint32(in[i+3])*0x101
			row[i+0] = uint8((0xffff - uint32(in[i+0])*0x101) * k / 0xffff >> 8)
			row[i+1] = uint8((0xffff - uint32(in[i+1])*0x101) * k / 0xffff >> 8)
			row[i+2] = uint8((0xffff - uint32(in[i+2])*0x101) * k / 0xffff >> 8)
			row[i+3] = 0xff
		}
	}
	return out
}

// fromNYCbCrA converts WebP's lossy-with-alpha frames; image/draw has no
// fast path from them to a non-premultiplied destination.
func fromNYCbCrA(m *image.NYCbCrA) *image.NRGBA {
	b := m.Rect
	out := image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	for y := b.Min.Y; y < b.Max.Y; y++ {
		row := out.Pix[(y-b.Min.Y)*out.Stride:]
		for x := b.Min.X; x < b.Max.X; x++ {
			yi, ci := m.YOffset(x, y), m.COffset(x, y)
			r, g, bl := color.YCbCrToRGB(m.Y[yi], m.Cb[ci], m.Cr[ci])
			i := 4 * (x - b.Min.X)
			row[i], row[i+1], row[i+2], row[i+3] = r, g, bl, m.A[m.AOffset(x, y)]
		}
	}
	return out
}

func toNRGBA(img image.Image) *image.NRGBA {
	b := img.Bounds()
	out := image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(out, out.Rect, img, b.Min, draw.Src)
	return out
}

func toNRGBA64(img image.Image) *image.NRGBA64 {
	b := img.Bounds()
	out := image.NewNRGBA64(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(out, out.Rect, img, b.Min, draw.Src)
	return out
}
