package imagefile

import (
	"bufio"
	"encoding/binary"
	"image"
	"image/color"
	"io"
	"math"

	"github.com/corescale/corescale/internal/jpegturbo"
)

// Memory estimates: what decoding a file will take, from its header alone,
// so that a batch can admit files against a memory budget before decoding
// them. The figures follow what Go's decoders allocate (image/jpeg,
// image/png, golang.org/x/image) and what normalize and orientImage add,
// garbage included (a buffer that grew, the image before normalize
// converted it, an interlaced PNG's passes): it takes memory until the
// collector runs. They are upper bounds within a few percent for the
// common files, and safe over-estimates where the header cannot tell (GIF's
// transparency, a TIFF's strips).

// decodeOverhead is what a decode holds besides pixels: the read buffer,
// zlib's window, Huffman tables.
const decodeOverhead = 512 << 10

// header holds what estimate reads from a file's header beyond
// image.Config.
type header struct {
	ok bool // the fields below were read
	// PNG
	colorType, depth byte
	interlaced, trns bool
	// JPEG
	progressive, jfif, adobe bool
	transform                byte // Adobe APP14's colour transform
	comps                    []jpegComp
}

type jpegComp struct{ id, h, v byte }

// readHeader reads the fields of header for PNG and JPEG from the start of
// r; for other formats, or a header it cannot follow, ok is false.
func readHeader(r *bufio.Reader, f Format) header {
	switch f {
	case PNG:
		return pngHeader(r)
	case JPEG:
		return jpegHeader(r)
	}
	return header{}
}

// pngHeader reads IHDR, and whether a tRNS chunk comes before the first
// IDAT (tRNS makes gray and truecolour decode with alpha).
func pngHeader(r *bufio.Reader) header {
	var h header
	if _, err := r.Discard(8); err != nil {
		return header{}
	}
	var b [8]byte
	for range 1000 { // chunks before the pixels; a bound against junk
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return header{}
		}
		n, typ := binary.BigEndian.Uint32(b[:4]), string(b[4:8])
		switch typ {
		case "IHDR":
			ihdr, err := r.Peek(13)
			if err != nil {
				return header{}
			}
			h.depth, h.colorType, h.interlaced = ihdr[8], ihdr[9], ihdr[12] == 1
			h.ok = true
		case "tRNS":
			h.trns = true
		case "IDAT", "IEND":
			return h
		}
		if n > math.MaxInt32-4 {
			return header{}
		}
		if _, err := r.Discard(int(n) + 4); err != nil { // data and CRC
			return header{}
		}
	}
	return header{}
}

// jpegHeader reads the segments up to the frame header: JFIF and Adobe
// markers, which decide whether three components are RGB, and the frame's
// kind and components.
func jpegHeader(r *bufio.Reader) header {
	var h header
	var b [2]byte
	if _, err := io.ReadFull(r, b[:]); err != nil || b[0] != 0xff || b[1] != markerSOI {
		return header{}
	}
	for {
		c, err := r.ReadByte()
		if err != nil || c != 0xff {
			return header{}
		}
		for c == 0xff {
			if c, err = r.ReadByte(); err != nil {
				return header{}
			}
		}
		switch {
		case c == markerSOS, c == markerEOI, c == markerSOI, c == 0:
			return header{} // no frame header before the scans
		case c == markerTEM, c >= markerRST0 && c <= markerRST7:
			continue
		}
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return header{}
		}
		n := int(binary.BigEndian.Uint16(b[:]))
		if n < 2 {
			return header{}
		}
		n -= 2
		seg, err := r.Peek(n) // at most 65533 bytes, within the buffer
		if err != nil {
			return header{}
		}
		switch c {
		case 0xe0: // APP0
			h.jfif = h.jfif || len(seg) >= 5 && string(seg[:5]) == "JFIF\x00"
		case 0xee: // APP14
			if len(seg) >= 12 && string(seg[:5]) == "Adobe" {
				h.adobe, h.transform = true, seg[11]
			}
		case 0xc0, 0xc1, 0xc2: // the frames image/jpeg reads
			if len(seg) < 6 || len(seg) < 6+3*int(seg[5]) {
				return header{}
			}
			h.progressive = c == 0xc2
			for i := range int(seg[5]) {
				p := seg[6+3*i:]
				h.comps = append(h.comps, jpegComp{id: p[0], h: p[1] >> 4, v: p[1] & 15})
			}
			h.ok = true
			return h
		}
		if _, err := r.Discard(n); err != nil {
			return header{}
		}
	}
}

// estimate fills info's Model, ImageBytes and DecodeBytes for a file of
// format f.
func estimate(info *Info, f Format, cfg image.Config, h header) {
	w, hgt := cfg.Width, cfg.Height
	px := float64(w) * float64(hgt)
	if f == JPEG && h.ok && jpegturbo.Available {
		turboEstimate(info, w, hgt, h)
		return
	}
	var m memory
	switch {
	case f == JPEG && h.ok:
		m = jpegMemory(w, hgt, h)
	case f == PNG && h.ok:
		m = pngMemory(px, h)
	default:
		m = configMemory(f, cfg, px)
	}
	// Turning a JPEG upright copies the normalized image; a YCbCr image
	// whose chroma grid does not turn exactly goes through two RGBA
	// images beside it.
	turn := m.final
	switch {
	case info.Orientation == Upright || info.Orientation == 0:
	case m.model == color.YCbCrModel && !turnsExactly(w, hgt, h, info.Orientation):
		m.model, turn = color.RGBAModel, m.final+8*px
		m.final = 4 * px
	default:
		turn = 2 * m.final
	}
	info.Model = m.model
	info.ImageBytes = int64(math.Ceil(m.final))
	info.DecodeBytes = int64(math.Ceil(max(m.decode, m.normalize, turn))) + decodeOverhead
}

// memory is what a decode holds, in bytes: at most while the decoder runs
// (its image and buffers), at most while normalize converts the image
// (both images), and the image it ends with, of colour model model.
type memory struct {
	model                    color.Model
	decode, normalize, final float64
}

// jpegMemory is estimate for JPEG. image/jpeg allocates its planes
// rounded up to whole MCUs, and a progressive file's coefficients at 4
// bytes a sample (a [64]int32 a block) for the whole decode.
func jpegMemory(w, h int, hd header) memory {
	hmax, vmax := 1, 1
	for _, c := range hd.comps {
		hmax, vmax = max(hmax, int(c.h)), max(vmax, int(c.v))
	}
	pw := float64((w + 8*hmax - 1) / (8 * hmax) * 8 * hmax)
	ph := float64((h + 8*vmax - 1) / (8 * vmax) * 8 * vmax)
	px := float64(w) * float64(h)
	samples := 0.0
	for _, c := range hd.comps {
		samples += pw * ph * float64(max(c.h, 1)) * float64(max(c.v, 1)) / float64(hmax*vmax)
	}
	coeffs := 0.0
	if hd.progressive {
		coeffs = 4 * samples
	}
	switch len(hd.comps) {
	case 1:
		return memory{color.GrayModel, samples + coeffs, samples, samples}
	case 3:
		// As image/jpeg's isRGB: Adobe's transform 0 means RGB, and so
		// do components named R, G, B, unless the file is JFIF.
		c := hd.comps
		if !hd.jfif && (hd.adobe && hd.transform == 0 || c[0].id == 'R' && c[1].id == 'G' && c[2].id == 'B') {
			return memory{color.RGBAModel, samples + coeffs + 4*px, 4 * px, 4 * px}
		}
		return memory{color.YCbCrModel, samples + coeffs, samples, samples}
	}
	// Four components: YCbCr and black planes, then a CMYK image, which
	// normalize turns into RGBA.
	return memory{color.RGBAModel, samples + coeffs + 8*px, 8 * px, 4 * px}
}

// turnsExactly reports whether orientYCbCr turns a JPEG's planes without
// going through RGBA.
func turnsExactly(w, h int, hd header, o Orientation) bool {
	if len(hd.comps) != 3 {
		return false
	}
	h0, v0, h1, v1 := int(hd.comps[0].h), int(hd.comps[0].v), int(hd.comps[1].h), int(hd.comps[1].v)
	if h0 == 0 || v0 == 0 || h1 == 0 || v1 == 0 || h0%h1 != 0 || v0%v1 != 0 {
		return false
	}
	sx, sy := h0/h1, v0/v1
	if w%sx != 0 || h%sy != 0 {
		return false
	}
	return !o.SwapsAxes() || sx == sy || sx*sy == 2
}

// PNG colour types.
const (
	pngGray      = 0
	pngTrueColor = 2
	pngPaletted  = 3
	pngGrayAlpha = 4
	pngRGBA      = 6
)

// pngMemory is estimate for PNG, whose decoder allocates the image it
// returns (and, for Adam7, each pass beside it: as much again in all).
func pngMemory(px float64, hd header) memory {
	deep := hd.depth == 16
	var m memory
	switch hd.colorType {
	case pngGray:
		switch {
		case hd.trns && deep:
			m = memory{model: color.NRGBA64Model, final: 8 * px}
		case hd.trns:
			m = memory{model: color.NRGBAModel, final: 4 * px}
		case deep:
			m = memory{model: color.Gray16Model, final: 2 * px}
		default:
			m = memory{model: color.GrayModel, final: px}
		}
	case pngTrueColor:
		switch {
		case hd.trns && deep:
			m = memory{model: color.NRGBA64Model, final: 8 * px}
		case hd.trns:
			m = memory{model: color.NRGBAModel, final: 4 * px}
		case deep:
			m = memory{model: color.RGBA64Model, final: 8 * px}
		default:
			m = memory{model: color.RGBAModel, final: 4 * px}
		}
	case pngGrayAlpha, pngRGBA:
		m = memory{model: color.NRGBAModel, final: 4 * px}
		if deep {
			m = memory{model: color.NRGBA64Model, final: 8 * px}
		}
	case pngPaletted:
		// One byte a pixel, expanded by normalize to RGBA, or NRGBA when
		// the palette has transparency.
		m = memory{model: color.RGBAModel, decode: px, normalize: 5 * px, final: 4 * px}
		if hd.trns {
			m.model = color.NRGBAModel
		}
	default:
		return memory{color.NRGBA64Model, 8 * px, 8 * px, 8 * px}
	}
	if m.decode == 0 {
		m.decode, m.normalize = m.final, m.final
	}
	if hd.interlaced {
		m.decode *= 2
	}
	return m
}

// configMemory is estimate from the colour model of the header alone: GIF,
// BMP, TIFF and WebP (and PNG or JPEG whose header could not be followed).
func configMemory(f Format, cfg image.Config, px float64) memory {
	var m memory
	switch cm := cfg.ColorModel; {
	case cm == color.GrayModel:
		m = memory{color.GrayModel, px, px, px}
	case cm == color.Gray16Model:
		m = memory{color.Gray16Model, 2 * px, 2 * px, 2 * px}
	case cm == color.RGBAModel:
		m = memory{color.RGBAModel, 4 * px, 4 * px, 4 * px}
	case cm == color.NRGBAModel:
		m = memory{color.NRGBAModel, 4 * px, 4 * px, 4 * px}
		if f == WebP {
			m.decode = 8 * px // the lossless decoder's transforms
		}
	case cm == color.RGBA64Model:
		m = memory{color.RGBA64Model, 8 * px, 8 * px, 8 * px}
	case cm == color.NRGBA64Model:
		m = memory{color.NRGBA64Model, 8 * px, 8 * px, 8 * px}
	case cm == color.YCbCrModel:
		// WebP's lossy frames are 4:2:0; a JPEG here is one whose header
		// was not followed: count 4:4:4.
		b := 3 * px
		if f == WebP {
			b = 1.5 * px
		}
		m = memory{color.YCbCrModel, b, b, b}
	case cm == color.NYCbCrAModel:
		// WebP with alpha: 4:2:0 and alpha planes, the alpha decoded
		// through a lossless image and its transforms, then NRGBA.
		m = memory{color.NRGBAModel, 12 * px, 6.5 * px, 4 * px}
	case cm == color.CMYKModel:
		m = memory{color.RGBAModel, 4 * px, 8 * px, 4 * px}
	default:
		if _, ok := cm.(color.Palette); ok {
			// GIF, BMP, TIFF with a palette: whether it is opaque
			// shows only in the pixels, so count alpha.
			m = memory{color.NRGBAModel, px, 5 * px, 4 * px}
		} else {
			m = memory{color.NRGBA64Model, 8 * px, 16 * px, 8 * px}
		}
	}
	if f == TIFF {
		// The decoder streams rows into the image; Deflate's Huffman
		// tables take about half a megabyte a block beside it.
		m.decode += 1 << 20
	}
	return m
}

// The estimate for JPEG through libjpeg-turbo, which decodes a file held
// whole in memory, straight into the planes of the image it returns (or
// gray, CMYK or RGBX pixels), possibly reduced by 2, 4 or 8. Its parts:
//   - a fixed part, the same at every scale: the file (whose size the
//     header does not tell: counted as turboFileBytes a sample) and, for a
//     progressive file, libjpeg's coefficients of the whole image (a
//     2-byte JCOEF a sample, in C memory);
//   - a part that scales with the image: the image, and what normalize
//     and orientImage make beside it, turboImageFactor times ImageBytes.
//
// DecodeBytes is the fixed part plus the scaling one at full size, so that
// DecodeBytesAt can find the fixed part again from Info alone.

// turboFileBytes is the file's size a sample (of the components at their
// own resolution) the estimate counts: noisy photos at quality 90 take
// 0.2–0.5 bytes a pixel in 4:2:0 (1.5 samples), 0.9 in CMYK at 95 (4).
const turboFileBytes = 0.5

// turboEstimate is estimate for JPEG through libjpeg-turbo.
func turboEstimate(info *Info, w, h int, hd header) {
	px := float64(w) * float64(h)
	hmax, vmax := 1, 1
	for _, c := range hd.comps {
		hmax, vmax = max(hmax, int(c.h)), max(vmax, int(c.v))
	}
	// TurboJPEG's planes are padded to whole MCUs of one block a sample
	// unit: even sides for 4:2:0.
	pw, ph := float64(pad(w, hmax)), float64(pad(h, vmax))
	samples := 0.0
	for _, c := range hd.comps {
		samples += pw * ph * float64(max(c.h, 1)) * float64(max(c.v, 1)) / float64(hmax*vmax)
	}
	file := turboFile(w, h, hd)
	if info.FileBytes > 0 {
		file = float64(info.FileBytes) // read whole into memory
	}
	fixed := file + turboCoefficients(w, h, hd)
	var model color.Model
	var final float64
	switch len(hd.comps) {
	case 1:
		model, final = color.GrayModel, pw*ph
	case 3:
		c := hd.comps
		model, final = color.YCbCrModel, samples
		if !hd.jfif && (hd.adobe && hd.transform == 0 || c[0].id == 'R' && c[1].id == 'G' && c[2].id == 'B') {
			model, final = color.RGBAModel, 4*px
		}
	default:
		model, final = color.RGBAModel, 4*px
	}
	if model == color.YCbCrModel && info.Orientation != Upright && info.Orientation != 0 && !turnsExactly(w, h, hd, info.Orientation) {
		model, final = color.RGBAModel, 4*px
	}
	info.Model = model
	info.ImageBytes = int64(math.Ceil(final))
	k := turboImageFactor(info.Model, info.Orientation)
	info.DecodeBytes = int64(math.Ceil(fixed)) + k*info.ImageBytes + decodeOverhead
}

// turboFile is the estimate of the file's size, which the header does not
// tell.
func turboFile(w, h int, hd header) float64 {
	hmax, vmax := 1, 1
	for _, c := range hd.comps {
		hmax, vmax = max(hmax, int(c.h)), max(vmax, int(c.v))
	}
	n := 0.0
	for _, c := range hd.comps {
		n += float64(w) * float64(h) * float64(max(c.h, 1)) * float64(max(c.v, 1)) / float64(hmax*vmax)
	}
	return turboFileBytes * n
}

// turboCoefficients is what libjpeg holds in C memory for the whole
// decode of a progressive file: its coefficient arrays, a 2-byte JCOEF a
// sample over whole MCUs, at full size whatever the scale. A sequential
// file is decoded an MCU row at a time.
func turboCoefficients(w, h int, hd header) float64 {
	if !hd.progressive {
		return 0
	}
	hmax, vmax := 1, 1
	for _, c := range hd.comps {
		hmax, vmax = max(hmax, int(c.h)), max(vmax, int(c.v))
	}
	bw, bh := float64(pad(w, 8*hmax)), float64(pad(h, 8*vmax))
	n := 0.0
	for _, c := range hd.comps {
		n += 2 * bw * bh * float64(max(c.h, 1)) * float64(max(c.v, 1)) / float64(hmax*vmax)
	}
	return n
}

// turboImageFactor is how many times its decoded image a libjpeg-turbo
// decode holds at once: 1 as decoded; CMYK (which shows as RGBA) converted
// beside it; a turned image beside the one it came from, and a YCbCr that
// does not turn exactly through two RGBA images beside its planes.
func turboImageFactor(model color.Model, o Orientation) int64 {
	turned := o != Upright && o != 0
	switch {
	case turned:
		return 3
	case model == color.RGBAModel:
		return 2
	}
	return 1
}

// ShrinkAt is the factor (1, 2, 4 or 8) DecodeWith reduces the image by
// when DecodeOptions.AtLeast is atLeast: only JPEG through libjpeg-turbo
// reduces.
func (i Info) ShrinkAt(atLeast image.Point) int {
	if i.Format != JPEG || !jpegturbo.Available || i.Width <= 0 || i.Height <= 0 {
		return 1
	}
	// Width and Height are upright, as atLeast is: the same factor as
	// decodeJPEG finds from the stored sides.
	return jpegturbo.Shrink(i.Width, i.Height, atLeast)
}

// ImageBytesAt is ImageBytes for a decode with DecodeOptions.AtLeast set
// to atLeast.
func (i Info) ImageBytesAt(atLeast image.Point) int64 {
	s := i.ShrinkAt(atLeast)
	if s == 1 {
		return i.ImageBytes
	}
	return int64(math.Ceil(float64(i.ImageBytes) * scaledShare(i.Width, i.Height, s)))
}

// DecodeBytesAt is DecodeBytes for a decode with DecodeOptions.AtLeast set
// to atLeast, so that a batch can budget a reduced decode before it: the
// fixed part of the estimate (the file, a progressive file's
// coefficients) stays, the image and its copies shrink.
func (i Info) DecodeBytesAt(atLeast image.Point) int64 {
	s := i.ShrinkAt(atLeast)
	if s == 1 {
		return i.DecodeBytes
	}
	k := turboImageFactor(i.Model, i.Orientation)
	fixed := i.DecodeBytes - decodeOverhead - k*i.ImageBytes
	return fixed + k*i.ImageBytesAt(atLeast) + decodeOverhead
}

// ModelWith, ImageBytesWith and DecodeBytesWith are Model, ImageBytes and
// DecodeBytes for a decode with the options opt: reduced as AtLeast
// allows, and, with FullChroma, a YCbCr JPEG decoded to RGBA through
// libjpeg-turbo, four bytes a pixel where its planes take one and a half.
func (i Info) ModelWith(opt DecodeOptions) color.Model {
	if i.rgbDecode(opt) {
		return color.RGBAModel
	}
	return i.Model
}

// ImageBytesWith: see ModelWith.
func (i Info) ImageBytesWith(opt DecodeOptions) int64 {
	if !i.rgbDecode(opt) {
		return i.ImageBytesAt(opt.AtLeast)
	}
	s := int64(i.ShrinkAt(opt.AtLeast))
	return 4 * ((int64(i.Width) + s - 1) / s) * ((int64(i.Height) + s - 1) / s)
}

// DecodeBytesWith: see ModelWith.
func (i Info) DecodeBytesWith(opt DecodeOptions) int64 {
	d := i.DecodeBytesAt(opt.AtLeast)
	if !i.rgbDecode(opt) {
		return d
	}
	// The planes' share swapped for the RGBA image's: one, or a turned
	// copy beside it.
	k := int64(1)
	if i.Orientation != Upright && i.Orientation != 0 {
		k = 2
	}
	planes := turboImageFactor(i.Model, i.Orientation) * i.ImageBytesAt(opt.AtLeast)
	return d - planes + k*i.ImageBytesWith(opt)
}

// rgbDecode says whether a decode with opt gives RGBA where the header's
// model is YCbCr (jpeg.go: FullChroma through libjpeg-turbo).
func (i Info) rgbDecode(opt DecodeOptions) bool {
	return opt.FullChroma && i.Format == JPEG && jpegturbo.Available && i.Model == color.YCbCrModel
}

// scaledShare is the share of a w×h image's planes that remains reduced by
// s: each side rounded up, and one more sample a side for the padding of
// the smaller MCUs.
func scaledShare(w, h, s int) float64 {
	return float64(ceilDiv(w, s)+1) * float64(ceilDiv(h, s)+1) / (float64(w) * float64(h))
}

func pad(n, m int) int { return (n + m - 1) / m * m }
