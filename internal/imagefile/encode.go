package imagefile

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"
	"io"
	"math"
	"sync"

	"github.com/corescale/corescale/internal/jpegturbo"
)

// DefaultQuality is the JPEG quality a zero quality stands for: the usual
// compromise of image tools (ImageMagick's default is 92, Pillow's 75,
// libvips' 75); 85 keeps thumbnails free of visible blocking.
const DefaultQuality = 85

// Subsampling is the chroma subsampling of a JPEG Encode writes.
type Subsampling = jpegturbo.Subsampling

// The subsamplings EncodeOptions may ask for.
const (
	// SubsampleAuto is 4:2:0 below quality 90 and 4:4:4 from 90, as
	// libvips chooses (Pillow's default is 4:2:0 at every quality).
	SubsampleAuto = jpegturbo.Default
	Subsample444  = jpegturbo.S444
	Subsample422  = jpegturbo.S422
	Subsample420  = jpegturbo.S420
)

// EncodeOptions says how Encode writes a file.
type EncodeOptions struct {
	// Quality applies to JPEG: 1–100, or 0 for DefaultQuality.
	Quality int
	// ICC is an ICC profile to embed, byte for byte (JPEG: APP2
	// ICC_PROFILE segments; PNG: an iCCP chunk); nil embeds none.
	ICC []byte
	// Subsampling of a JPEG's chroma. Only libjpeg-turbo heeds it: Go's
	// encoder, used when built without cgo, always writes 4:2:0.
	Subsampling Subsampling
}

// Encode writes img to w as format, JPEG or PNG. quality applies to JPEG:
// 1–100, or 0 for DefaultQuality.
//
// JPEG has no alpha: translucent pixels are flattened onto white, as a page
// shows them, instead of the black that image/jpeg would give. 16-bit images
// are written as 8-bit JPEG and as 16-bit PNG.
func Encode(w io.Writer, img image.Image, format Format, quality int) error {
	return EncodeWith(w, img, format, EncodeOptions{Quality: quality})
}

// EncodeWith is Encode with options: see EncodeOptions. JPEG goes through
// libjpeg-turbo when it is linked in, else through image/jpeg.
func EncodeWith(w io.Writer, img image.Image, format Format, opt EncodeOptions) error {
	switch format {
	case JPEG:
		q := opt.Quality
		if q == 0 {
			q = DefaultQuality
		}
		if q < 1 || q > 100 {
			return fmt.Errorf("JPEG quality %d is outside 1–100", q)
		}
		if len(opt.ICC) > maxJPEGICC {
			return fmt.Errorf("ICC profile of %d bytes: a JPEG holds at most %d", len(opt.ICC), maxJPEGICC)
		}
		img = forJPEG(img)
		if jpegturbo.Available {
			ss := opt.Subsampling
			if ss == SubsampleAuto {
				ss = Subsample420
				if q >= 90 {
					ss = Subsample444
				}
			}
			b, err := jpegturbo.Encode(img, jpegturbo.EncodeOptions{Quality: q, Subsampling: ss})
			if err != nil {
				return err
			}
			_, err = w.Write(withICC(b, opt.ICC))
			return err
		}
		if opt.ICC == nil {
			return jpeg.Encode(w, img, &jpeg.Options{Quality: q})
		}
		var b bytes.Buffer
		if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: q}); err != nil {
			return err
		}
		_, err := w.Write(withICC(b.Bytes(), opt.ICC))
		return err
	case PNG:
		if opt.ICC == nil {
			return pngEncoder.Encode(w, forPNG(img))
		}
		var b bytes.Buffer
		if err := pngEncoder.Encode(&b, forPNG(img)); err != nil {
			return err
		}
		out, err := withICCP(b.Bytes(), opt.ICC)
		if err != nil {
			return err
		}
		_, err = w.Write(out)
		return err
	}
	return fmt.Errorf("cannot write %q files (only jpeg and png)", string(format))
}

// iccChunk is what one APP2 segment holds of a profile: a segment is at
// most 65535 bytes with its length, after "ICC_PROFILE\0" and the
// sequence number and count.
const iccChunk = 65535 - 2 - 14

// maxJPEGICC is the largest profile a JPEG holds: 255 segments.
const maxJPEGICC = 255 * iccChunk

// withICC returns the JPEG file j with icc in APP2 segments right after
// SOI and a JFIF APP0, where readers look for them; j itself when icc is
// nil.
func withICC(j, icc []byte) []byte {
	if len(icc) == 0 || len(j) < 2 {
		return j
	}
	at := 2
	if len(j) >= 9 && j[2] == 0xff && j[3] == 0xe0 {
		at = 4 + int(binary.BigEndian.Uint16(j[4:6]))
	}
	n := (len(icc) + iccChunk - 1) / iccChunk
	out := make([]byte, 0, len(j)+len(icc)+n*18)
	out = append(out, j[:at]...)
	for i := range n {
		part := icc[i*iccChunk : min(len(icc), (i+1)*iccChunk)]
		out = append(out, 0xff, 0xe2)
		out = binary.BigEndian.AppendUint16(out, uint16(2+14+len(part)))
		out = append(out, "ICC_PROFILE\x00"...)
		out = append(out, byte(i+1), byte(n))
		out = append(out, part...)
	}
	return append(out, j[at:]...)
}

// withICCP returns the PNG file p with icc in an iCCP chunk right after
// IHDR (it must come before PLTE and IDAT).
func withICCP(p, icc []byte) ([]byte, error) {
	const ihdrEnd = 8 + 4 + 4 + 13 + 4 // signature, IHDR's length, type, data, CRC
	if len(p) < ihdrEnd {
		return nil, fmt.Errorf("PNG of %d bytes has no IHDR", len(p))
	}
	var z bytes.Buffer
	z.WriteString("ICC Profile\x00\x00") // the name, its end, method 0: zlib
	zw, err := zlib.NewWriterLevel(&z, zlib.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(icc); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	data := z.Bytes()
	if len(data) > math.MaxInt32 {
		return nil, fmt.Errorf("ICC profile of %d bytes is too large for PNG", len(icc))
	}
	out := make([]byte, 0, len(p)+len(data)+12)
	out = append(out, p[:ihdrEnd]...)
	out = binary.BigEndian.AppendUint32(out, uint32(len(data)))
	crc := crc32.NewIEEE()
	start := len(out)
	out = append(out, "iCCP"...)
	out = append(out, data...)
	crc.Write(out[start:])
	out = binary.BigEndian.AppendUint32(out, crc.Sum32())
	return append(out, p[ihdrEnd:]...), nil
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
