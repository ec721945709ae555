package imagefile

import (
	"encoding/binary"
	"image"
	"image/draw"
)

// Orientation is the EXIF orientation of a stored image: how its rows and
// columns map to the upright picture. The values are the EXIF ones.
type Orientation uint8

// The eight EXIF orientations, named by the operation that makes the stored
// image upright.
const (
	Upright    Orientation = 1 // as stored
	FlipH      Orientation = 2 // mirror left–right
	Rotate180  Orientation = 3
	FlipV      Orientation = 4 // mirror top–bottom
	Transpose  Orientation = 5 // mirror along the top-left–bottom-right diagonal
	Rotate90   Orientation = 6 // rotate clockwise
	Transverse Orientation = 7 // mirror along the top-right–bottom-left diagonal
	Rotate270  Orientation = 8 // rotate counter-clockwise
)

// SwapsAxes reports whether the upright image is the stored one with width
// and height exchanged.
func (o Orientation) SwapsAxes() bool { return o >= Transpose && o <= Rotate270 }

// uprightSize returns the upright size of a w×h stored image.
func (o Orientation) uprightSize(w, h int) (int, int) {
	if o.SwapsAxes() {
		return h, w
	}
	return w, h
}

// walk describes where the stored pixel (x, y) of a w×h image lands in the
// upright one: at offset origin + x·stepX + y·stepY, in bytes. Every
// orientation is such an affine map, so one loop serves all eight.
type walk struct {
	origin, stepX, stepY int
}

// walkFor returns the walk for o when the destination has the given stride
// and bpp bytes per pixel.
func (o Orientation) walkFor(w, h, stride, bpp int) walk {
	switch o {
	case FlipH:
		return walk{(w - 1) * bpp, -bpp, stride}
	case Rotate180:
		return walk{(h-1)*stride + (w-1)*bpp, -bpp, -stride}
	case FlipV:
		return walk{(h - 1) * stride, bpp, -stride}
	case Transpose: // (x, y) → (y, x)
		return walk{0, stride, bpp}
	case Rotate90: // (x, y) → (h−1−y, x)
		return walk{(h - 1) * bpp, stride, -bpp}
	case Transverse: // (x, y) → (h−1−y, w−1−x)
		return walk{(w-1)*stride + (h-1)*bpp, -stride, -bpp}
	case Rotate270: // (x, y) → (y, w−1−x)
		return walk{(w - 1) * stride, -stride, bpp}
	}
	return walk{0, bpp, stride}
}

// transposeRun is how many destination bytes a transposing walk writes in
// one run: it reads that many bytes' worth of source rows at once, column
// by column, so the reads (one cache line per row) and the writes both stay
// in cache instead of striding across the whole image for every pixel. 32
// measured fastest for 1- and 4-byte pixels on 1080p planes (16 and 64 were
// 10–40% slower).
const transposeRun = 32

// orientPlane writes the w×h plane src (bpp bytes per pixel) into dst,
// turned by o. dst must have room for the upright plane.
func orientPlane(dst []byte, dstStride int, src []byte, srcStride, w, h, bpp int, o Orientation) {
	wk := o.walkFor(w, h, dstStride, bpp)
	if !o.SwapsAxes() {
		// Source rows map to destination rows: read and write in order.
		for y := range h {
			d := wk.origin + y*wk.stepY
			s := y * srcStride
			if wk.stepX == bpp {
				copy(dst[d:d+w*bpp], src[s:s+w*bpp])
				continue
			}
			movePixels(dst, src, d, wk.stepX, s, bpp, w, bpp)
		}
		return
	}
	// Source columns map to destination rows: walk bands of source rows
	// column by column, so each run writes consecutive destination bytes.
	band := max(1, transposeRun/bpp)
	for y0 := 0; y0 < h; y0 += band {
		n := min(band, h-y0)
		for x := range w {
			d := wk.origin + x*wk.stepX + y0*wk.stepY
			s := y0*srcStride + x*bpp
			movePixels(dst, src, d, wk.stepY, s, srcStride, n, bpp)
		}
	}
}

// movePixels copies n pixels of bpp bytes from src, starting at offset s
// and stepping sStep, to dst from d stepping dStep. The width is switched
// on once per run so the loops move whole pixels with single loads and
// stores.
func movePixels(dst, src []byte, d, dStep, s, sStep, n, bpp int) {
	switch bpp {
	case 1:
		for range n {
			dst[d] = src[s]
			d, s = d+dStep, s+sStep
		}
	case 2:
		for range n {
			binary.NativeEndian.PutUint16(dst[d:], binary.NativeEndian.Uint16(src[s:]))
			d, s = d+dStep, s+sStep
		}
	case 4:
		for range n {
			binary.NativeEndian.PutUint32(dst[d:], binary.NativeEndian.Uint32(src[s:]))
			d, s = d+dStep, s+sStep
		}
	case 8:
		for range n {
			binary.NativeEndian.PutUint64(dst[d:], binary.NativeEndian.Uint64(src[s:]))
			d, s = d+dStep, s+sStep
		}
	default:
		panic("imagefile: unsupported pixel width")
	}
}

// orientImage returns img turned upright by o. img must be one of the types
// normalize returns; the result has its origin at (0, 0) and the same type,
// except a *image.YCbCr whose chroma grid cannot be turned exactly.
func orientImage(img image.Image, o Orientation) image.Image {
	if o < FlipH || o > Rotate270 {
		return img
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	up := image.Rect(0, 0, w, h)
	if o.SwapsAxes() {
		up = image.Rect(0, 0, h, w)
	}
	switch m := img.(type) {
	case *image.Gray:
		out := image.NewGray(up)
		orientPlane(out.Pix, out.Stride, m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], m.Stride, w, h, 1, o)
		return out
	case *image.Gray16:
		out := image.NewGray16(up)
		orientPlane(out.Pix, out.Stride, m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], m.Stride, w, h, 2, o)
		return out
	case *image.RGBA:
		out := image.NewRGBA(up)
		orientPlane(out.Pix, out.Stride, m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], m.Stride, w, h, 4, o)
		return out
	case *image.NRGBA:
		out := image.NewNRGBA(up)
		orientPlane(out.Pix, out.Stride, m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], m.Stride, w, h, 4, o)
		return out
	case *image.RGBA64:
		out := image.NewRGBA64(up)
		orientPlane(out.Pix, out.Stride, m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], m.Stride, w, h, 8, o)
		return out
	case *image.NRGBA64:
		out := image.NewNRGBA64(up)
		orientPlane(out.Pix, out.Stride, m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], m.Stride, w, h, 8, o)
		return out
	case *image.YCbCr:
		if out := orientYCbCr(m, o); out != nil {
			return out
		}
		rgba := image.NewRGBA(image.Rect(0, 0, w, h))
		draw.Draw(rgba, rgba.Rect, m, b.Min, draw.Src)
		return orientImage(rgba, o)
	}
	// normalize never returns another type; turning it through NRGBA keeps
	// this total anyway.
	return orientImage(toNRGBA(img), o)
}

// chromaFactors returns the horizontal and vertical chroma subsampling of r.
func chromaFactors(r image.YCbCrSubsampleRatio) (sx, sy int, ok bool) {
	switch r {
	case image.YCbCrSubsampleRatio444:
		return 1, 1, true
	case image.YCbCrSubsampleRatio422:
		return 2, 1, true
	case image.YCbCrSubsampleRatio420:
		return 2, 2, true
	case image.YCbCrSubsampleRatio440:
		return 1, 2, true
	case image.YCbCrSubsampleRatio411:
		return 4, 1, true
	case image.YCbCrSubsampleRatio410:
		return 4, 2, true
	}
	return 0, 0, false
}

// transposedRatio returns the subsampling of a transposed image, if the
// image package has one.
func transposedRatio(r image.YCbCrSubsampleRatio) (image.YCbCrSubsampleRatio, bool) {
	switch r {
	case image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio420:
		return r, true
	case image.YCbCrSubsampleRatio422:
		return image.YCbCrSubsampleRatio440, true
	case image.YCbCrSubsampleRatio440:
		return image.YCbCrSubsampleRatio422, true
	}
	return 0, false
}

// orientYCbCr turns m plane by plane, which keeps JPEG's native layout for
// the resize engine. That is exact only when every chroma sample covers a
// whole block of pixels (the size is a multiple of the subsampling, and the
// origin is at (0, 0), as the decoders make it) and the turned subsampling
// exists; otherwise it returns nil and the caller goes through RGBA.
func orientYCbCr(m *image.YCbCr, o Orientation) *image.YCbCr {
	b := m.Rect
	w, h := b.Dx(), b.Dy()
	sx, sy, ok := chromaFactors(m.SubsampleRatio)
	if !ok || b.Min != (image.Point{}) || w%sx != 0 || h%sy != 0 {
		return nil
	}
	ratio := m.SubsampleRatio
	up := image.Rect(0, 0, w, h)
	if o.SwapsAxes() {
		if ratio, ok = transposedRatio(ratio); !ok {
			return nil
		}
		up = image.Rect(0, 0, h, w)
	}
	out := image.NewYCbCr(up, ratio)
	cw, ch := w/sx, h/sy
	orientPlane(out.Y, out.YStride, m.Y, m.YStride, w, h, 1, o)
	orientPlane(out.Cb, out.CStride, m.Cb, m.CStride, cw, ch, 1, o)
	orientPlane(out.Cr, out.CStride, m.Cr, m.CStride, cw, ch, 1, o)
	return out
}

// FlipsX reports whether the upright image's columns run the other way
// from the stored image's rows or columns they come from: the stored
// image's last, partial block (of a JPEG whose width is not a multiple of
// the block) is then at the upright image's left rather than its right.
func (o Orientation) FlipsX() bool {
	switch o {
	case FlipH, Rotate180, Rotate90, Transverse:
		return true
	}
	return false
}

// FlipsY is FlipsX for the upright image's rows: a partial block at the
// top rather than the bottom.
func (o Orientation) FlipsY() bool {
	switch o {
	case Rotate180, FlipV, Transverse, Rotate270:
		return true
	}
	return false
}
