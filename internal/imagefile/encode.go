package imagefile

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"
	"io"
	"sync"
)

// DefaultQuality is the JPEG quality a zero quality stands for: the usual
// compromise of image tools (ImageMagick's default is 92, Pillow's 75,
// libvips' 75); 85 keeps thumbnails free of visible blocking.
const DefaultQuality = 85

// Encode writes img to w as format, JPEG or PNG. quality applies to JPEG:
// 1–100, or 0 for DefaultQuality.
//
// JPEG has no alpha: translucent pixels are flattened onto white, as a page
// shows them, instead of the black that image/jpeg would give. 16-bit images
// are written as 8-bit JPEG and as 16-bit PNG.
func Encode(w io.Writer, img image.Image, format Format, quality int) error {
	switch format {
	case JPEG:
		if quality == 0 {
			quality = DefaultQuality
		}
		if quality < 1 || quality > 100 {
			return fmt.Errorf("JPEG quality %d is outside 1–100", quality)
		}
		return jpeg.Encode(w, forJPEG(img), &jpeg.Options{Quality: quality})
	case PNG:
		return pngEncoder.Encode(w, forPNG(img))
	}
	return fmt.Errorf("cannot write %q files (only jpeg and png)", string(format))
}

// forJPEG returns img in a type image/jpeg encodes without a call per pixel
// (*image.Gray, *image.YCbCr, opaque *image.RGBA), flattening alpha.
func forJPEG(img image.Image) image.Image {
	switch m := img.(type) {
	case *image.Gray, *image.YCbCr:
		return img
	case *image.RGBA:
		if m.Opaque() {
			return m
		}
	case *image.NRGBA:
		if m.Opaque() {
			// Opaque non-premultiplied pixels are already RGBA bytes.
			return &image.RGBA{Pix: m.Pix, Stride: m.Stride, Rect: m.Rect}
		}
	case *image.Gray16:
		b := m.Rect
		out := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
		for y := range b.Dy() {
			in := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):][:2*b.Dx()]
			row := out.Pix[y*out.Stride:][:b.Dx()]
			for x := range row {
				row[x] = in[2*x] // the high byte, as color.GrayModel converts
			}
		}
		return out
	}
	return flatten(img)
}

// flatten composites img over white into an opaque *image.RGBA. image/draw
// has fast paths for RGBA and NRGBA sources, the common translucent ones.
func flatten(img image.Image) *image.RGBA {
	b := img.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(out, out.Rect, image.NewUniform(color.White), image.Point{}, draw.Src)
	draw.Draw(out, out.Rect, img, b.Min, draw.Over)
	return out
}

// forPNG returns img in a type image/png writes at its own depth: the PNG
// encoder would write a *image.YCbCr as 16-bit, and only row-copies
// RGBA, NRGBA, Gray and Paletted.
func forPNG(img image.Image) image.Image {
	if m, ok := img.(*image.YCbCr); ok {
		b := m.Rect
		out := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
		draw.Draw(out, out.Rect, m, b.Min, draw.Src)
		return out
	}
	return img
}

// pngEncoder reuses its compressor state across files: a zlib writer is
// about 1 MB of tables to allocate and clear for each thumbnail.
var pngEncoder = &png.Encoder{CompressionLevel: png.DefaultCompression, BufferPool: &pngPool{}}

type pngPool struct{ p sync.Pool }

func (p *pngPool) Get() *png.EncoderBuffer {
	b, _ := p.p.Get().(*png.EncoderBuffer)
	return b
}

func (p *pngPool) Put(b *png.EncoderBuffer) { p.p.Put(b) }
