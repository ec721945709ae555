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
		if h.os2 && c > biRLE4 {
			name = "unknown"
			switch c {
			case 3:
				name = "Huffman 1D"
			case 4:
				name = "RLE24"
			}
		}
		return fmt.Errorf("%s: compression (biCompression) %d (%s): %s", h.kind, c, name, why)
	}
	badBits := func(why string) error {
		return fmt.Errorf("%s: compression (biCompression) %d (%s) with %d bits per pixel (biBitCount): %s",
			h.kind, c, bmpCompressionName(c), h.bits, why)
	}
	if h.os2 && c > biRLE4 {
		// OS/2 2.x numbers its own methods from 3: Huffman 1D (fax) and
		// RLE24, which no Windows decoder reads either.
		return bad("OS/2 Huffman 1D, RLE24 and unknown compression are not supported")
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
			return badBits("BI_RLE8 needs 8 bits per pixel")
		}
		return nil
	case biRLE4:
		if h.bits != 4 {
			return badBits("BI_RLE4 needs 4 bits per pixel")
		}
		return nil
	case biBitfields, biAlphaBitfields:
		if h.bits < 16 {
			return badBits("bit-fields need 16, 24 or 32 bits per pixel")
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

// bmpPalette holds the palette entries as RGBA pixels, red in the low
// byte; n of them are real.
type bmpPalette struct {
	rgba [256]uint32
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
		p.rgba[i] = bmpRGBA(e[2], e[1], e[0], 0xff)
	}
	return nil
}

// bmpRGBA packs a pixel as the 4 bytes of *image.RGBA's Pix.
func bmpRGBA(r, g, b, a byte) uint32 {
	return uint32(r) | uint32(g)<<8 | uint32(b)<<16 | uint32(a)<<24
}

// bmpPixels decodes pixel data into pix, rows of stride bytes, 4 a pixel.
type bmpPixels struct {
	h      *bmpHeader
	pal    *bmpPalette
	pix    []byte
	stride int
}

// row is the row of pixels that comes i-th in the file.
func (d *bmpPixels) row(i int) []byte {
	y := d.h.height - 1 - i
	if d.h.topDown {
		y = i
	}
	return d.pix[y*d.stride : (y+1)*d.stride]
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
	row := make([]byte, (rowBytes+3)&^3)
	// convert decodes one row; at a palette index past the palette it
	// returns the pixel's x and false.
	var convert func(out, row []byte) (int, bool)
	std := [3]uint32(h.masks[:3]) == [3]uint32{0xff0000, 0x00ff00, 0x0000ff}
	switch {
	case h.bits == 8:
		convert = d.indexed8
	case h.paletted():
		convert = d.indexed
	case h.bits == 24 && std:
		convert = bmpBGR
	case h.bits == 32 && std && h.masks[3] == 0:
		convert = bmpBGRX
	case h.bits == 32 && std && h.masks[3] == 0xff000000:
		convert = bmpBGRA
	case h.bits == 16 && h.width*h.height >= 1<<16:
		// A table of every pixel value costs 64 Ki look-ups through
		// the masks, paid back once the image has as many pixels.
		convert = newBMPTable16(h.masks).convert
	default:
		convert = newBMPFields(h).convert
	}
	for i := range h.height {
		in := row
		if i == h.height-1 {
			in = row[:rowBytes]
		}
		if _, err := io.ReadFull(r, in); err != nil {
			return fmt.Errorf("pixel data ends in row %d of %d (file truncated): %w", i+1, h.height, bmpNoEOF(err))
		}
		if x, ok := convert(d.row(i), row[:rowBytes]); !ok {
			return d.badIndex(indexAt(row, x, h.bits), x, i)
		}
	}
	return nil
}

// indexAt is the palette index of pixel x in a row of bits-bit indices.
func indexAt(row []byte, x, bits int) byte {
	per := 8 / bits
	return row[x/per] >> (8 - bits*(x%per+1)) & byte(1<<bits-1)
}

func (d *bmpPixels) indexed8(out, row []byte) (int, bool) {
	out = out[:4*len(row)]
	for x, idx := range row {
		if int(idx) >= d.pal.n {
			return x, false
		}
		binary.LittleEndian.PutUint32(out[4*x:], d.pal.rgba[idx])
	}
	return 0, true
}

// indexed looks up a row of 1-, 2- or 4-bit palette indices.
func (d *bmpPixels) indexed(out, row []byte) (int, bool) {
	for x := range d.h.width {
		idx := indexAt(row, x, d.h.bits)
		if int(idx) >= d.pal.n {
			return x, false
		}
		binary.LittleEndian.PutUint32(out[4*x:], d.pal.rgba[idx])
	}
	return 0, true
}

func bmpBGR(out, row []byte) (int, bool) {
	for i, j := 0, 0; j+3 <= len(row); i, j = i+4, j+3 {
		o, p := out[i:i+4:i+4], row[j:j+3:j+3]
		o[0], o[1], o[2], o[3] = p[2], p[1], p[0], 0xff
	}
	return 0, true
}

func bmpBGRX(out, row []byte) (int, bool) {
	for i := 0; i+4 <= len(row); i += 4 {
		o, p := out[i:i+4:i+4], row[i:i+4:i+4]
		o[0], o[1], o[2], o[3] = p[2], p[1], p[0], 0xff
	}
	return 0, true
}

func bmpBGRA(out, row []byte) (int, bool) {
	for i := 0; i+4 <= len(row); i += 4 {
		o, p := out[i:i+4:i+4], row[i:i+4:i+4]
		o[0], o[1], o[2], o[3] = p[2], p[1], p[0], p[3]
	}
	return 0, true
}

// bmpTable16 holds the pixel of every 16-bit value.
type bmpTable16 []uint32

func newBMPTable16(masks [4]uint32) bmpTable16 {
	f := newBMPFields(&bmpHeader{bits: 16, masks: masks})
	t := make(bmpTable16, 1<<16)
	for v := range t {
		t[v] = f.pixel(uint32(v))
	}
	return t
}

func (t bmpTable16) convert(out, row []byte) (int, bool) {
	for i, j := 0, 0; j+2 <= len(row); i, j = i+4, j+2 {
		binary.LittleEndian.PutUint32(out[i:], t[binary.LittleEndian.Uint16(row[j:])])
	}
	return 0, true
}

// bmpFields decodes 16-, 24- and 32-bit pixels through their masks.
type bmpFields struct {
	bytes int // a pixel's
	f     [4]bmpField
}

func newBMPFields(h *bmpHeader) *bmpFields {
	fs := &bmpFields{bytes: h.bits / 8}
	for c := range fs.f {
		fs.f[c] = newBMPField(h.masks[c])
	}
	return fs
}

func (fs *bmpFields) pixel(v uint32) uint32 {
	a := byte(0xff)
	if fs.f[3].max != 0 {
		a = fs.f[3].value(v)
	}
	return bmpRGBA(fs.f[0].value(v), fs.f[1].value(v), fs.f[2].value(v), a)
}

func (fs *bmpFields) convert(out, row []byte) (int, bool) {
	n := fs.bytes
	for i, j := 0, 0; j+n <= len(row); i, j = i+4, j+n {
		var v uint32
		for k := n - 1; k >= 0; k-- {
			v = v<<8 | uint32(row[j+k])
		}
		binary.LittleEndian.PutUint32(out[i:], fs.pixel(v))
	}
	return 0, true
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
	name := bmpCompressionName(h.compression)
	pal := &d.pal.rgba
	for o := 0; o < len(d.pix); o += 4 {
		binary.LittleEndian.PutUint32(d.pix[o:], pal[0])
	}
	x, i := 0, 0 // the position, i counting rows in file order
	var row []byte
	if i < h.height {
		row = d.row(i)
	}
	next := func() (byte, error) {
		b, err := br.ReadByte()
		if err != nil {
			y := i
			if !h.topDown {
				y = h.height - 1 - i
			}
			return 0, fmt.Errorf("%s data ends at pixel (%d, %d), before its end-of-bitmap (file truncated): %w",
				name, min(x, h.width-1), y, bmpNoEOF(err))
		}
		return b, nil
	}
	// Until every pixel the stream may still draw is drawn.
	for i < h.height && !(i == h.height-1 && x >= h.width) {
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
			n := min(int(n), max(h.width-x, 0))
			idx := [2]byte{b, b}
			if rle4 {
				idx = [2]byte{b >> 4, b & 0x0f}
			}
			for k := range min(n, 2) {
				if int(idx[k]) >= d.pal.n {
					return d.badIndex(idx[k], x+k, i)
				}
			}
			px := [2]uint32{pal[idx[0]], pal[idx[1]]}
			for k := range n {
				binary.LittleEndian.PutUint32(row[4*(x+k):], px[k&1])
			}
			x += n
			continue
		}
		switch b {
		case 0: // end of line
			x, i = 0, i+1
			if i < h.height {
				row = d.row(i)
			}
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
			if i < h.height {
				row = d.row(i)
			}
		default: // an absolute run of b pixels, padded to 2 bytes
			count := int(b)
			if x+count > h.width {
				return fmt.Errorf("%s absolute run of %d pixels at x=%d passes the end of the row (width %d)",
					name, count, x, h.width)
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
				idx := [2]byte{v, 0}
				m := 1
				if rle4 {
					idx, m = [2]byte{v >> 4, v & 0x0f}, min(2, count)
				}
				for _, c := range idx[:m] {
					if int(c) >= d.pal.n {
						return d.badIndex(c, x, i)
					}
					binary.LittleEndian.PutUint32(row[4*x:], pal[c])
					x, count = x+1, count-1
				}
			}
		}
	}
	return nil
}
