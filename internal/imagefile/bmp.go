package imagefile

// Our own BMP decoder. golang.org/x/image/bmp reads only the common
// layouts (no RLE, no bit-fields but the standard ones, no OS/2 headers)
// and Pillow reads a different set, so files users have were refused. This
// one reads every layout Pillow reads and a few it does not (2-bit
// palettes, OS/2 2.x 16-byte headers, bit-field masks of any contiguous
// width, BI_ALPHABITFIELDS), and refuses, naming the header field and its
// value, whatever it does not fully understand: it never guesses.
//
// Where Pillow's reading is deliberate, this follows it:
//   - 32-bit BI_RGB ignores the fourth byte (opaque);
//   - a bit-field channel of n bits becomes v×255/(2ⁿ−1), rounded down
//     (Pillow's BGR;15 and BGR;16 unpackers, carried to any width);
//   - a bfOffBits that points just past the header of a palette image is
//     taken to mean "after the palette";
//   - an RLE encoded run past the end of its row is cut at the row end,
//     and pixels an RLE stream skips (end-of-line, delta, end-of-bitmap)
//     get palette entry 0, as Pillow fills them with index 0.
//
// Where Pillow guesses, this refuses or reads the format as written:
//   - a pixel whose palette index lies beyond the palette is refused
//     (Pillow shows it as grey index/index/index, from its default palette);
//   - RLE data that ends before end-of-bitmap and before the last pixel is
//     refused, as Pillow 9.4 does ("not enough image data"); but an
//     end-of-bitmap before the last pixel is the format's way to leave the
//     rest blank, so it is read (Pillow 9.4 refuses that too);
//   - an RLE absolute run past the end of its row is refused (Pillow wraps
//     it into the next row);
//   - an end-of-line at the start of a row moves to the next row, as the
//     format says (Pillow 9.4 ignores it, shifting every later row);
//   - RLE4 absolute runs of odd length and deltas are read as the format
//     says (Pillow 9.4 misreads both);
//   - an alpha mask is applied at 16 bits as at 32 (Pillow ignores it at 16);
//   - bit-field masks that are zero, not contiguous, overlapping or wider
//     than the pixel are refused (Pillow refuses every mask set but a few
//     standard ones, and reads all-zero 32-bit masks as BGRA);
//   - OS/2 2.x compression 3 and 4 are Huffman 1D and RLE24, refused
//     (Pillow takes 3 for BI_BITFIELDS and reads masks from OS/2 fields).
//
// The decoded image is *image.RGBA when it cannot hold transparency
// (palettes, BI_RGB, bit-fields without an alpha mask) and *image.NRGBA
// when it has an alpha mask, which decodeBMPConfig's colour model tells.

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	"io"
	"math"
	"math/bits"
)

// BMP compression values (biCompression).
const (
	biRGB            = 0
	biRLE8           = 1
	biRLE4           = 2
	biBitfields      = 3
	biJPEG           = 4
	biPNG            = 5
	biAlphaBitfields = 6
	biCMYK           = 11
	biCMYKRLE8       = 12
	biCMYKRLE4       = 13
)

// bmpFileHeaderBytes is BITMAPFILEHEADER's length: "BM", file size, two
// reserved words, bfOffBits.
const bmpFileHeaderBytes = 14

// bmpMaxPaletteEntries is the most palette entries a header may claim
// (biClrUsed); more than Pillow's limit is a corrupt header.
const bmpMaxPaletteEntries = 1 << 16

// bmpHeader is what the file and info headers say, checked.
type bmpHeader struct {
	kind          string // the info header's name, for errors
	os2           bool   // OS/2 header: compression values differ
	width, height int
	topDown       bool
	bits          int
	compression   uint32
	// masks are the red, green, blue and alpha bit-fields of 16-, 24- and
	// 32-bit pixels (alpha 0: opaque), set for BI_RGB too.
	masks [4]uint32
	// palette entries: how many the header claims and their size in bytes
	// (3 in OS/2 1.x, else 4); paletteLen is how many lie before the pixel
	// data and may be indexed.
	paletteClaimed, paletteEntry, paletteLen int
	// headerEnd is where the headers (and masks that follow a 40-byte
	// header) end; dataStart is where the pixels start.
	headerEnd, dataStart int64
}

func (h *bmpHeader) paletted() bool { return h.bits <= 8 }
func (h *bmpHeader) rle() bool      { return h.compression == biRLE8 || h.compression == biRLE4 }
func (h *bmpHeader) alpha() bool    { return h.masks[3] != 0 }

// decodeBMPConfig reads the headers of a BMP file and checks everything
// about them that decodeBMP would, so that a file it cannot read is refused
// before any pixel is decoded.
func decodeBMPConfig(r io.Reader) (image.Config, error) {
	h, err := readBMPHeader(r)
	if err != nil {
		return image.Config{}, err
	}
	return image.Config{ColorModel: h.colorModel(), Width: h.width, Height: h.height}, nil
}

func (h *bmpHeader) colorModel() color.Model {
	if h.alpha() {
		return color.NRGBAModel
	}
	return color.RGBAModel
}

// decodeBMP decodes a BMP file: an *image.RGBA, or an *image.NRGBA when
// the header gives the pixels an alpha channel. The caller checks the
// size from decodeBMPConfig against its pixel limit first; decodeBMP only
// refuses sizes it could not allocate.
func decodeBMP(r io.Reader) (image.Image, error) {
	h, err := readBMPHeader(r)
	if err != nil {
		return nil, err
	}
	if int64(h.width)*int64(h.height) > math.MaxInt/bytesPerPixelMax {
		return nil, fmt.Errorf("%d×%d pixels are too many to decode", h.width, h.height)
	}
	pos := h.headerEnd
	var pal bmpPalette
	if h.paletted() {
		if err := pal.read(r, h); err != nil {
			return nil, err
		}
		pos += int64(h.paletteLen * h.paletteEntry)
	}
	if skip := h.dataStart - pos; skip > 0 {
		if n, err := io.CopyN(io.Discard, r, skip); err != nil {
			return nil, fmt.Errorf("file ends at byte %d, before the pixel data at bfOffBits %d: %w",
				pos+n, h.dataStart, bmpNoEOF(err))
		}
	}
	rect := image.Rect(0, 0, h.width, h.height)
	var pix []byte
	var img image.Image
	if h.alpha() {
		m := image.NewNRGBA(rect)
		pix, img = m.Pix, m
	} else {
		m := image.NewRGBA(rect)
		pix, img = m.Pix, m
	}
	d := bmpPixels{h: h, pal: &pal, pix: pix, stride: 4 * h.width}
	if h.rle() {
		br, ok := r.(io.ByteReader)
		if !ok {
			br = bufio.NewReader(r)
		}
		err = d.rle(br)
	} else {
		err = d.raw(r)
	}
	if err != nil {
		return nil, err
	}
	return img, nil
}

// bmpNoEOF turns a plain EOF in the middle of a file into ErrUnexpectedEOF.
func bmpNoEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

// readBMPHeader reads and checks BITMAPFILEHEADER, the info header and the
// bit-field masks that may follow it, leaving r at the palette (or at the
// pixels' gap, for images without one).
func readBMPHeader(r io.Reader) (*bmpHeader, error) {
	var buf [bmpFileHeaderBytes + 124 + 16]byte
	head := buf[:bmpFileHeaderBytes+4]
	if _, err := io.ReadFull(r, head); err != nil {
		return nil, fmt.Errorf("file header: %w", bmpNoEOF(err))
	}
	if string(head[:2]) != "BM" {
		return nil, errors.New(`not a BMP file: it does not start with "BM"`)
	}
	le := binary.LittleEndian
	offBits := le.Uint32(head[10:])
	size := le.Uint32(head[14:])
	h := &bmpHeader{paletteEntry: 4}
	switch size {
	case 12:
		h.kind, h.os2, h.paletteEntry = "BITMAPCOREHEADER", true, 3
	case 16, 64:
		h.kind, h.os2 = "OS/2 2.x BITMAPINFOHEADER2", true
	case 40:
		h.kind = "BITMAPINFOHEADER"
	case 52:
		h.kind = "BITMAPV2INFOHEADER"
	case 56:
		h.kind = "BITMAPV3INFOHEADER"
	case 108:
		h.kind = "BITMAPV4HEADER"
	case 124:
		h.kind = "BITMAPV5HEADER"
	default:
		return nil, fmt.Errorf("info header size (biSize) %d is none of BMP's: 12, 16, 40, 52, 56, 64, 108, 124", size)
	}
	info := buf[bmpFileHeaderBytes : bmpFileHeaderBytes+int(size)]
	if _, err := io.ReadFull(r, info[4:]); err != nil {
		return nil, fmt.Errorf("%s: %w", h.kind, bmpNoEOF(err))
	}
	h.headerEnd = bmpFileHeaderBytes + int64(size)

	var width, height int64
	if size == 12 {
		width, height = int64(le.Uint16(info[4:])), int64(le.Uint16(info[6:]))
		h.bits = int(le.Uint16(info[10:]))
	} else {
		width, height = int64(int32(le.Uint32(info[4:]))), int64(int32(le.Uint32(info[8:])))
		h.bits = int(le.Uint16(info[14:]))
	}
	if size >= 40 {
		h.compression = le.Uint32(info[16:])
		h.paletteClaimed = int(le.Uint32(info[32:]))
		if used := le.Uint32(info[32:]); used > bmpMaxPaletteEntries {
			if h.bits <= 8 {
				return nil, fmt.Errorf("%s: palette size (biClrUsed) %d is over %d", h.kind, used, bmpMaxPaletteEntries)
			}
			h.paletteClaimed = 0 // a palette that images of over 8 bits do not use
		}
	}
	if width <= 0 {
		return nil, fmt.Errorf("%s: width (biWidth) %d: %w", h.kind, width, ErrSize)
	}
	if height < 0 {
		height, h.topDown = -height, true
	}
	if height == 0 {
		return nil, fmt.Errorf("%s: height (biHeight) 0: %w", h.kind, ErrSize)
	}
	h.width, h.height = int(width), int(height)

	if err := h.checkCompression(); err != nil {
		return nil, err
	}
	if err := h.readMasks(r, info, buf[bmpFileHeaderBytes+int(size):]); err != nil {
		return nil, err
	}
	if err := h.locateData(offBits); err != nil {
		return nil, err
	}
	return h, nil
}

// bmpCompressionName names the biCompression values of Windows headers.
func bmpCompressionName(c uint32) string {
	switch c {
	case biRGB:
		return "BI_RGB"
	case biRLE8:
		return "BI_RLE8"
	case biRLE4:
		return "BI_RLE4"
	case biBitfields:
		return "BI_BITFIELDS"
	case biJPEG:
		return "BI_JPEG"
	case biPNG:
		return "BI_PNG"
	case biAlphaBitfields:
		return "BI_ALPHABITFIELDS"
	case biCMYK:
		return "BI_CMYK"
	case biCMYKRLE8:
		return "BI_CMYKRLE8"
	case biCMYKRLE4:
		return "BI_CMYKRLE4"
	}
	return "unknown"
}

// checkCompression accepts the pairs of biCompression and biBitCount this
// decoder reads, and says why it refuses the others.
func (h *bmpHeader) checkCompression() error {
	c := h.compression
	bad := func(why string) error {
		name := bmpCompressionName(c)
		if h.os2 {
			switch c {
			case 3:
				name = "Huffman 1D"
			case 4:
				name = "RLE24"
			}
		}
		return fmt.Errorf("%s: compression (biCompression) %d (%s) with %d bits per pixel (biBitCount): %s",
			h.kind, c, name, h.bits, why)
	}
	if h.os2 && c > biRLE4 {
		// OS/2 2.x numbers its own methods from 3: Huffman 1D (fax) and
		// RLE24, which no Windows decoder reads either.
		return bad("OS/2 Huffman 1D and RLE24 compression are not supported")
	}
	switch c {
	case biRGB, biRLE8, biRLE4, biBitfields, biAlphaBitfields:
	case biJPEG:
		return bad("a JPEG stream inside a BMP (a printer format) is not supported")
	case biPNG:
		return bad("a PNG stream inside a BMP (a printer format) is not supported")
	case biCMYK, biCMYKRLE8, biCMYKRLE4:
		return bad("CMYK BMP is not supported")
	default:
		return bad("not a known compression")
	}
	switch h.bits {
	case 1, 2, 4, 8, 16, 24, 32:
	default:
		return fmt.Errorf("%s: bits per pixel (biBitCount) %d is not supported: only 1, 2, 4, 8, 16, 24 and 32 are",
			h.kind, h.bits)
	}
	switch c {
	case biRGB:
		return nil
	case biRLE8:
		if h.bits != 8 {
			return bad("BI_RLE8 needs 8 bits per pixel")
		}
		return nil
	case biRLE4:
		if h.bits != 4 {
			return bad("BI_RLE4 needs 4 bits per pixel")
		}
		return nil
	case biBitfields, biAlphaBitfields:
		if h.bits < 16 {
			return bad("bit-fields need 16, 24 or 32 bits per pixel")
		}
		return nil
	}
	return nil
}

// readMasks sets the bit-field masks: the defaults of BI_RGB, or those of
// the header, which a 40-byte header keeps in the 12 bytes (16 with
// BI_ALPHABITFIELDS) that follow it. spare holds those bytes.
func (h *bmpHeader) readMasks(r io.Reader, info, spare []byte) error {
	switch h.bits {
	case 16:
		h.masks = [4]uint32{0x7c00, 0x03e0, 0x001f, 0}
	case 24, 32:
		h.masks = [4]uint32{0xff0000, 0x00ff00, 0x0000ff, 0}
	}
	c := h.compression
	if c != biBitfields && c != biAlphaBitfields {
		return nil
	}
	n := 3
	if c == biAlphaBitfields {
		n = 4
	}
	le := binary.LittleEndian
	var m []byte
	switch {
	case len(info) >= 56:
		// V3, V4 and V5 hold all four masks; the alpha mask counts with
		// BI_BITFIELDS too, as Pillow reads it.
		m, n = info[40:56], 4
	case len(info) >= 52:
		if n == 4 {
			return fmt.Errorf("%s: compression (biCompression) %d (BI_ALPHABITFIELDS) with a header that holds three masks: where the alpha mask is is unclear",
				h.kind, c)
		}
		m = info[40:52]
	default:
		m = spare[:4*n]
		if _, err := io.ReadFull(r, m); err != nil {
			return fmt.Errorf("%s: the bit-field masks after it: %w", h.kind, bmpNoEOF(err))
		}
		h.headerEnd += int64(4 * n)
	}
	h.masks = [4]uint32{}
	for i := range n {
		h.masks[i] = le.Uint32(m[4*i:])
	}
	return h.checkMasks()
}

var bmpMaskNames = [4]string{"red", "green", "blue", "alpha"}

// checkMasks refuses masks that do not describe channels in the pixel.
func (h *bmpHeader) checkMasks() error {
	var seen uint32
	for i, m := range h.masks {
		name := bmpMaskNames[i]
		if m == 0 {
			if i == 3 {
				continue // no alpha
			}
			return fmt.Errorf("%s: %s mask is 0: the pixels have no %s channel", h.kind, name, name)
		}
		if h.bits < 32 && m>>uint(h.bits) != 0 {
			return fmt.Errorf("%s: %s mask %#08x lies outside the %d bits of a pixel", h.kind, name, m, h.bits)
		}
		if v := m >> bits.TrailingZeros32(m); v&(v+1) != 0 {
			return fmt.Errorf("%s: %s mask %#08x is not one run of bits", h.kind, name, m)
		}
		if seen&m != 0 {
			return fmt.Errorf("%s: %s mask %#08x overlaps another mask", h.kind, name, m)
		}
		seen |= m
	}
	return nil
}

// locateData works out where the palette ends and the pixels begin from
// bfOffBits (offBits).
func (h *bmpHeader) locateData(offBits uint32) error {
	off := int64(offBits)
	if !h.paletted() {
		switch {
		case off == 0:
			h.dataStart = h.headerEnd
		case off < h.headerEnd:
			return fmt.Errorf("pixel data offset (bfOffBits) %d lies inside the %d bytes of headers", off, h.headerEnd)
		default:
			h.dataStart = off
		}
		return nil
	}
	claimed := h.paletteClaimed
	if claimed == 0 {
		claimed = 1 << h.bits
	}
	full := h.headerEnd + int64(claimed*h.paletteEntry)
	switch {
	case off == 0 || off == h.headerEnd:
		// Writers that leave bfOffBits 0 or pointing at the palette
		// mean the pixels follow it; Pillow reads them so.
		h.paletteLen, h.dataStart = claimed, full
	case off < h.headerEnd:
		return fmt.Errorf("pixel data offset (bfOffBits) %d lies inside the %d bytes of headers", off, h.headerEnd)
	default:
		// A palette that the pixel data cuts short is as long as the
		// room it has: pixels that index past it are refused.
		h.paletteLen = int(min(int64(claimed), (off-h.headerEnd)/int64(h.paletteEntry)))
		h.dataStart = off
		if h.paletteLen == 0 {
			return fmt.Errorf("pixel data offset (bfOffBits) %d leaves no room for a palette after the %d bytes of headers",
				off, h.headerEnd)
		}
	}
	return nil
}

// bmpPalette holds the palette entries as RGBA; n of them are real.
type bmpPalette struct {
	rgba [256][4]byte
	n    int
}

// read reads h.paletteLen entries from r, keeping those an index can reach.
func (p *bmpPalette) read(r io.Reader, h *bmpHeader) error {
	b := make([]byte, h.paletteLen*h.paletteEntry)
	if _, err := io.ReadFull(r, b); err != nil {
		return fmt.Errorf("palette of %d entries: %w", h.paletteLen, bmpNoEOF(err))
	}
	p.n = min(h.paletteLen, 1<<h.bits)
	for i := range p.n {
		e := b[i*h.paletteEntry:]
		// Entries are blue, green, red and, in 4-byte entries, a byte
		// that is reserved: not alpha.
		p.rgba[i] = [4]byte{e[2], e[1], e[0], 0xff}
	}
	return nil
}

// bmpPixels decodes pixel data into pix, rows of stride bytes, 4 a pixel.
type bmpPixels struct {
	h      *bmpHeader
	pal    *bmpPalette
	pix    []byte
	stride int
}

// rowOffset is where the row that comes i-th in the file starts in pix.
func (d *bmpPixels) rowOffset(i int) int {
	if d.h.topDown {
		return i * d.stride
	}
	return (d.h.height - 1 - i) * d.stride
}

// badIndex is the error for a palette index past the palette.
func (d *bmpPixels) badIndex(idx byte, x, i int) error {
	y := i
	if !d.h.topDown {
		y = d.h.height - 1 - i
	}
	return fmt.Errorf("pixel (%d, %d) has palette index %d, past the palette's %d entries (biClrUsed %d, bfOffBits %d)",
		x, y, idx, d.pal.n, d.h.paletteClaimed, d.h.dataStart)
}

// raw decodes uncompressed rows (BI_RGB, BI_BITFIELDS), each padded to 4
// bytes, except that the last row may lack its padding, as Pillow allows.
func (d *bmpPixels) raw(r io.Reader) error {
	h := d.h
	rowBytes := int((int64(h.width)*int64(h.bits) + 7) / 8)
	padded := (rowBytes + 3) &^ 3
	row := make([]byte, padded)
	var fields [4]bmpField
	for c := range fields {
		fields[c] = newBMPField(h.masks[c])
	}
	for i := range h.height {
		in := row
		if i == h.height-1 {
			in = row[:rowBytes]
		}
		if _, err := io.ReadFull(r, in); err != nil {
			return fmt.Errorf("pixel data ends in row %d of %d (file truncated): %w", i+1, h.height, bmpNoEOF(err))
		}
		out := d.pix[d.rowOffset(i):][:d.stride]
		switch {
		case h.paletted():
			if x, idx, ok := d.indexed(out, row); !ok {
				return d.badIndex(idx, x, i)
			}
		case h.bits == 24 && h.masks == [4]uint32{0xff0000, 0x00ff00, 0x0000ff, 0}:
			for x := range h.width {
				o, p := out[4*x:4*x+4:4*x+4], row[3*x:3*x+3:3*x+3]
				o[0], o[1], o[2], o[3] = p[2], p[1], p[0], 0xff
			}
		case h.bits == 32 && [3]uint32(h.masks[:3]) == [3]uint32{0xff0000, 0x00ff00, 0x0000ff} && (h.masks[3] == 0 || h.masks[3] == 0xff000000):
			alpha := h.masks[3] != 0
			for x := range h.width {
				o, p := out[4*x:4*x+4:4*x+4], row[4*x:4*x+4:4*x+4]
				o[0], o[1], o[2], o[3] = p[2], p[1], p[0], 0xff
				if alpha {
					o[3] = p[3]
				}
			}
		default:
			d.fields(out, row, &fields)
		}
	}
	return nil
}

// indexed looks up one row of 1-, 2-, 4- or 8-bit palette indices. It
// returns ok false, with the pixel and the index, at an index past the
// palette.
func (d *bmpPixels) indexed(out, row []byte) (x int, idx byte, ok bool) {
	bpp := uint(d.h.bits)
	mask := byte(1<<bpp - 1)
	perByte := 8 / int(bpp)
	for x = range d.h.width {
		b := row[x/perByte]
		shift := 8 - bpp*uint(x%perByte+1)
		idx = b >> shift & mask
		if int(idx) >= d.pal.n {
			return x, idx, false
		}
		copy(out[4*x:4*x+4], d.pal.rgba[idx][:])
	}
	return 0, 0, true
}

// fields decodes one row of 16-, 24- or 32-bit pixels through the masks.
func (d *bmpPixels) fields(out, row []byte, f *[4]bmpField) {
	n := d.h.bits / 8
	for x := range d.h.width {
		p := row[n*x : n*x+n]
		var v uint32
		for k := n - 1; k >= 0; k-- {
			v = v<<8 | uint32(p[k])
		}
		o := out[4*x : 4*x+4 : 4*x+4]
		o[0], o[1], o[2] = f[0].value(v), f[1].value(v), f[2].value(v)
		o[3] = 0xff
		if f[3].max != 0 {
			o[3] = f[3].value(v)
		}
	}
}

// bmpField extracts one channel of a bit-field pixel and scales it to 8
// bits as Pillow does: v×255/max, rounded down.
type bmpField struct {
	shift int
	max   uint32
	scale []byte // the scaled values of up to 12-bit channels
}

func newBMPField(mask uint32) bmpField {
	if mask == 0 {
		return bmpField{}
	}
	f := bmpField{shift: bits.TrailingZeros32(mask)}
	f.max = mask >> f.shift
	if f.max != 0xff && f.max < 1<<12 {
		f.scale = make([]byte, f.max+1)
		for v := range f.scale {
			f.scale[v] = byte(uint64(v) * 255 / uint64(f.max))
		}
	}
	return f
}

func (f *bmpField) value(px uint32) byte {
	v := px >> f.shift & f.max
	switch {
	case f.max == 0xff:
		return byte(v)
	case f.scale != nil:
		return f.scale[v]
	}
	return byte(uint64(v) * 255 / uint64(f.max))
}

// rle decodes BI_RLE8 and BI_RLE4 data. Pixels the stream does not reach
// get palette entry 0, which is what Pillow fills them with.
func (d *bmpPixels) rle(br io.ByteReader) error {
	h := d.h
	rle4 := h.compression == biRLE4
	fill := d.pal.rgba[0]
	for o := 0; o < len(d.pix); o += 4 {
		copy(d.pix[o:o+4], fill[:])
	}
	x, i := 0, 0 // the position, i counting rows in file order
	put := func(idx byte) error {
		if int(idx) >= d.pal.n {
			return d.badIndex(idx, x, i)
		}
		o := d.rowOffset(i) + 4*x
		copy(d.pix[o:o+4], d.pal.rgba[idx][:])
		return nil
	}
	// done says whether every pixel the stream may still draw is drawn.
	done := func() bool { return i >= h.height || i == h.height-1 && x >= h.width }
	next := func() (byte, error) {
		b, err := br.ReadByte()
		if err != nil {
			y := i
			if !h.topDown {
				y = h.height - 1 - i
			}
			return 0, fmt.Errorf("%s data ends at pixel (%d, %d), before its end-of-bitmap (file truncated): %w",
				bmpCompressionName(h.compression), min(x, h.width-1), y, bmpNoEOF(err))
		}
		return b, nil
	}
	for !done() {
		n, err := next()
		if err != nil {
			return err
		}
		b, err := next()
		if err != nil {
			return err
		}
		if n > 0 {
			// An encoded run: n pixels of b, or of b's two nibbles in
			// turn. Past the row end it is cut, as Pillow cuts it: RLE4
			// writers round odd runs up.
			for k := range int(n) {
				if x >= h.width {
					break
				}
				idx := b
				if rle4 {
					idx = b >> 4
					if k%2 == 1 {
						idx = b & 0x0f
					}
				}
				if err := put(idx); err != nil {
					return err
				}
				x++
			}
			continue
		}
		switch b {
		case 0: // end of line
			x, i = 0, i+1
		case 1: // end of bitmap
			return nil
		case 2: // delta: move right and on by the next two bytes
			dx, err := next()
			if err != nil {
				return err
			}
			dy, err := next()
			if err != nil {
				return err
			}
			x, i = x+int(dx), i+int(dy)
		default: // an absolute run of b pixels, padded to 2 bytes
			count := int(b)
			if x+count > h.width {
				return fmt.Errorf("%s absolute run of %d pixels at x=%d passes the end of the row (width %d)",
					bmpCompressionName(h.compression), count, x, h.width)
			}
			nbytes := count
			if rle4 {
				nbytes = (count + 1) / 2
			}
			for k := range nbytes + nbytes%2 {
				v, err := next()
				if err != nil {
					return err
				}
				if k >= nbytes {
					break // the padding byte
				}
				if !rle4 {
					if err := put(v); err != nil {
						return err
					}
					x++
					continue
				}
				for _, idx := range [2]byte{v >> 4, v & 0x0f} {
					if x >= h.width || count == 0 {
						break
					}
					if err := put(idx); err != nil {
						return err
					}
					x, count = x+1, count-1
				}
			}
		}
	}
	return nil
}
