package imagefile

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	"io"
	"math/bits"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// bmpHdr is what a test writes into a BMP file's headers, field by field,
// so that any variant, valid or not, can be made.
type bmpHdr struct {
	size        int   // biSize: 12, 16, 40, 52, 56, 64, 108, 124 or any
	w, h        int32 // biWidth, biHeight as written (negative h: top-down)
	bits        int
	compression uint32
	clrUsed     uint32
	// masks go into the header when it holds them (52 bytes or more),
	// else right after it.
	masks   []uint32
	palette []byte // as written
	gap     []byte // between the palette and the pixels
	// offBits, when setOff, is written as bfOffBits; else it points just
	// past the gap.
	offBits uint32
	setOff  bool
}

func (b bmpHdr) file(data []byte) []byte {
	le := binary.LittleEndian
	info := make([]byte, b.size)
	le.PutUint32(info, uint32(b.size))
	var after []byte
	switch {
	case b.size == 12:
		le.PutUint16(info[4:], uint16(b.w))
		le.PutUint16(info[6:], uint16(b.h))
		le.PutUint16(info[8:], 1)
		le.PutUint16(info[10:], uint16(b.bits))
	case b.size >= 16:
		le.PutUint32(info[4:], uint32(b.w))
		le.PutUint32(info[8:], uint32(b.h))
		le.PutUint16(info[12:], 1)
		le.PutUint16(info[14:], uint16(b.bits))
		if b.size >= 40 {
			le.PutUint32(info[16:], b.compression)
			le.PutUint32(info[20:], uint32(len(data)))
			le.PutUint32(info[24:], 2835)
			le.PutUint32(info[28:], 2835)
			le.PutUint32(info[32:], b.clrUsed)
		}
		for i, m := range b.masks {
			if b.size >= 40+4*(i+1) && b.size != 64 {
				le.PutUint32(info[40+4*i:], m)
			} else {
				after = le.AppendUint32(after, m)
			}
		}
		if b.size >= 108 {
			le.PutUint32(info[56:], 0x73524742) // LCS_sRGB
		}
	}
	off := uint32(14 + len(info) + len(after) + len(b.palette) + len(b.gap))
	if b.setOff {
		off = b.offBits
	}
	f := []byte("BM")
	f = le.AppendUint32(f, off+uint32(len(data)))
	f = le.AppendUint32(f, 0)
	f = le.AppendUint32(f, off)
	f = append(f, info...)
	f = append(f, after...)
	f = append(f, b.palette...)
	f = append(f, b.gap...)
	return append(f, data...)
}

// bmpCase is a BMP file with the image it holds.
type bmpCase struct {
	name  string
	file  []byte
	want  *image.NRGBA
	alpha bool // an *image.NRGBA is expected, else an *image.RGBA
	// pillow: Pillow 9.4 reads the file and gives want.
	pillow bool
}

// bmpRandomPalette returns n distinct non-grey BGR(X) entries and their colours.
func bmpRandomPalette(rng *rand.Rand, n, entry int) ([]byte, []color.NRGBA) {
	var raw []byte
	var cols []color.NRGBA
	for i := range n {
		c := color.NRGBA{uint8(rng.IntN(256)), uint8(rng.IntN(256)), uint8(i), 0xff}
		if c.R == c.G && c.G == c.B {
			c.R ^= 0x80
		}
		cols = append(cols, c)
		raw = append(raw, c.B, c.G, c.R)
		if entry == 4 {
			raw = append(raw, uint8(rng.IntN(256))) // reserved, not alpha
		}
	}
	return raw, cols
}

// bmpRows orders rows as the file stores them and pads each to 4 bytes.
func bmpRows(rows [][]byte, topDown bool) []byte {
	var out []byte
	for i := range rows {
		r := rows[len(rows)-1-i]
		if topDown {
			r = rows[i]
		}
		out = append(out, r...)
		out = append(out, make([]byte, (4-len(r)%4)%4)...)
	}
	return out
}

// bmpPaletteCase makes a w×h image of random indices below used into a
// palette file; the header's size, bits, compression and clrUsed come from
// hd, the palette from pal (entry bytes each).
func bmpPaletteCase(name string, hd bmpHdr, w, h int, pal []color.NRGBA, palRaw []byte, used int, pillow bool) bmpCase {
	rng := rand.New(rand.NewPCG(uint64(len(name)), uint64(w*h)))
	want := image.NewNRGBA(image.Rect(0, 0, w, h))
	rows := make([][]byte, h)
	for y := range h {
		rows[y] = make([]byte, (w*hd.bits+7)/8)
		for x := range w {
			idx := rng.IntN(used)
			want.SetNRGBA(x, y, pal[idx])
			per := 8 / hd.bits
			rows[y][x/per] |= byte(idx) << (8 - hd.bits*(x%per+1))
		}
	}
	hd.w, hd.h = int32(w), int32(h)
	if strings.Contains(name, "top-down") {
		hd.h = -int32(h)
	}
	hd.palette = palRaw
	return bmpCase{name: name, file: hd.file(bmpRows(rows, hd.h < 0)), want: want, pillow: pillow}
}

// bmpScale is a bit-field channel scaled to 8 bits, v×255/(2ⁿ−1) rounded
// down, as Pillow's 15- and 16-bit unpackers do.
func bmpScale(px, mask uint32) uint8 {
	if mask == 0 {
		return 0xff
	}
	v := uint64(px&mask) >> bits.TrailingZeros32(mask)
	return uint8(v * 255 / (1<<bits.OnesCount32(mask) - 1))
}

// bmpFieldCase makes a w×h image of random pixels of hd.bits, every bit
// random (unused ones too), decoded through masks (red, green, blue,
// alpha; alpha 0 for opaque).
func bmpFieldCase(name string, hd bmpHdr, w, h int, masks [4]uint32, pillow bool) bmpCase {
	rng := rand.New(rand.NewPCG(uint64(len(name)), 7))
	want := image.NewNRGBA(image.Rect(0, 0, w, h))
	n := hd.bits / 8
	rows := make([][]byte, h)
	for y := range h {
		for x := range w {
			px := rng.Uint32()
			if n < 4 {
				px &= 1<<(8*n) - 1
			}
			want.SetNRGBA(x, y, color.NRGBA{bmpScale(px, masks[0]), bmpScale(px, masks[1]), bmpScale(px, masks[2]), bmpScale(px, masks[3])})
			for k := range n {
				rows[y] = append(rows[y], byte(px>>(8*k)))
			}
		}
	}
	hd.w, hd.h = int32(w), int32(h)
	if strings.Contains(name, "top-down") {
		hd.h = -hd.h
	}
	return bmpCase{name: name, file: hd.file(bmpRows(rows, hd.h < 0)), want: want, alpha: masks[3] != 0, pillow: pillow}
}

// bmpRLE encodes rows of indices (in file order) the way common writers
// do: runs of 2 or more as encoded runs, other pixels as absolute runs (of
// an even length for RLE4, which Pillow 9.4 misreads when odd), an
// end-of-line after each row and an end-of-bitmap at the end.
func bmpRLE(rows [][]byte, rle4 bool) []byte {
	var out []byte
	for _, r := range rows {
		for x := 0; x < len(r); {
			n := 1
			for x+n < len(r) && r[x+n] == r[x] && n < 255 {
				n++
			}
			if n >= 2 {
				out = append(out, byte(n), r[x]<<4|r[x])
				if !rle4 {
					out[len(out)-1] = r[x]
				}
				x += n
				continue
			}
			// Gather single pixels up to the next run.
			end := x
			for end < len(r) && end-x < 254 && (end+1 >= len(r) || r[end+1] != r[end]) {
				end++
			}
			lit := r[x:end]
			if rle4 && len(lit)%2 == 1 {
				lit = lit[:len(lit)-1]
			}
			if len(lit) < 3 {
				out = append(out, 1, r[x]<<4|r[x])
				if !rle4 {
					out[len(out)-1] = r[x]
				}
				x++
				continue
			}
			out = append(out, 0, byte(len(lit)))
			if rle4 {
				for i := 0; i < len(lit); i += 2 {
					out = append(out, lit[i]<<4|lit[i+1])
				}
			} else {
				out = append(out, lit...)
			}
			if (len(out))%2 == 1 {
				out = append(out, 0)
			}
			x += len(lit)
		}
		out = append(out, 0, 0)
	}
	return append(out, 0, 1)
}

// bmpRLECase makes a w×h RLE image with long runs and noise.
func bmpRLECase(name string, hd bmpHdr, w, h int, topDown bool) bmpCase {
	rng := rand.New(rand.NewPCG(uint64(len(name)), 3))
	rle4 := hd.compression == biRLE4
	used := 256
	if rle4 {
		used = 16
	}
	palRaw, pal := bmpRandomPalette(rng, used, 4)
	want := image.NewNRGBA(image.Rect(0, 0, w, h))
	rows := make([][]byte, h) // in file order
	for i := range h {
		y := h - 1 - i
		if topDown {
			y = i
		}
		rows[i] = make([]byte, w)
		for x := range w {
			idx := byte(rng.IntN(used))
			if x > 0 && rng.IntN(3) > 0 {
				idx = rows[i][x-1]
			}
			rows[i][x] = idx
			want.SetNRGBA(x, y, pal[idx])
		}
	}
	hd.w, hd.h, hd.palette = int32(w), int32(h), palRaw
	if topDown {
		hd.h = -hd.h
	}
	return bmpCase{name: name, file: hd.file(bmpRLE(rows, rle4)), want: want, pillow: true}
}

// bmpCases are files of every variant the decoder reads.
func bmpCases() []bmpCase {
	rng := rand.New(rand.NewPCG(12, 4))
	pal2, cols2 := bmpRandomPalette(rng, 2, 4)
	pal4, cols4 := bmpRandomPalette(rng, 4, 4)
	pal16, cols16 := bmpRandomPalette(rng, 16, 4)
	pal256, cols256 := bmpRandomPalette(rng, 256, 4)
	os2pal2, os2cols2 := bmpRandomPalette(rng, 2, 3)
	os2pal16, os2cols16 := bmpRandomPalette(rng, 16, 3)
	os2pal256, os2cols256 := bmpRandomPalette(rng, 256, 3)
	var greyRaw, bwRaw []byte
	var grey, bw []color.NRGBA
	for i := range 256 {
		greyRaw = append(greyRaw, byte(i), byte(i), byte(i), 0)
		grey = append(grey, color.NRGBA{uint8(i), uint8(i), uint8(i), 0xff})
	}
	for _, v := range []byte{0, 255} {
		bwRaw = append(bwRaw, v, v, v, 0)
		bw = append(bw, color.NRGBA{v, v, v, 0xff})
	}

	hd := func(size, bits int, compression, clrUsed uint32, masks ...uint32) bmpHdr {
		return bmpHdr{size: size, bits: bits, compression: compression, clrUsed: clrUsed, masks: masks}
	}
	const w, h = 37, 11 // odd: rows of every depth need padding
	cases := []bmpCase{
		bmpPaletteCase("1-bit", hd(40, 1, biRGB, 0), w, h, cols2, pal2, 2, true),
		bmpPaletteCase("1-bit black and white", hd(40, 1, biRGB, 2), w, h, bw, bwRaw, 2, true),
		bmpPaletteCase("2-bit", hd(40, 2, biRGB, 0), w, h, cols4, pal4, 4, false),
		bmpPaletteCase("2-bit short palette", hd(40, 2, biRGB, 3), w, h, cols4, pal4[:12], 3, false),
		bmpPaletteCase("4-bit", hd(40, 4, biRGB, 0), w, h, cols16, pal16, 16, true),
		bmpPaletteCase("4-bit short palette", hd(40, 4, biRGB, 5), w, h, cols16, pal16[:20], 5, true),
		bmpPaletteCase("4-bit with a 256-entry palette", hd(40, 4, biRGB, 256), w, h, cols256, pal256, 16, true),
		bmpPaletteCase("8-bit", hd(40, 8, biRGB, 0), w, h, cols256, pal256, 256, true),
		bmpPaletteCase("8-bit grey", hd(40, 8, biRGB, 256), w, h, grey, greyRaw, 256, true),
		bmpPaletteCase("8-bit short palette", hd(40, 8, biRGB, 20), w, h, cols256, pal256[:80], 20, true),
		bmpPaletteCase("8-bit top-down", hd(40, 8, biRGB, 0), w, h, cols256, pal256, 256, true),
		bmpPaletteCase("1-bit OS/2 1.x", hd(12, 1, biRGB, 0), w, h, os2cols2, os2pal2, 2, true),
		bmpPaletteCase("4-bit OS/2 1.x", hd(12, 4, biRGB, 0), w, h, os2cols16, os2pal16, 16, true),
		bmpPaletteCase("8-bit OS/2 1.x", hd(12, 8, biRGB, 0), w, h, os2cols256, os2pal256, 256, true),
		bmpPaletteCase("8-bit OS/2 2.x 64-byte", hd(64, 8, biRGB, 0), w, h, cols256, pal256, 256, true),
		bmpPaletteCase("4-bit OS/2 2.x 64-byte short palette", hd(64, 4, biRGB, 6), w, h, cols16, pal16[:24], 6, true),
		bmpPaletteCase("8-bit OS/2 2.x 16-byte", hd(16, 8, biRGB, 0), w, h, cols256, pal256, 256, false),
		bmpPaletteCase("8-bit V2 52-byte", hd(52, 8, biRGB, 0), w, h, cols256, pal256, 256, false),
		bmpPaletteCase("8-bit V3 56-byte", hd(56, 8, biRGB, 0), w, h, cols256, pal256, 256, false),
		bmpPaletteCase("8-bit V4", hd(108, 8, biRGB, 0), w, h, cols256, pal256, 256, true),
		bmpPaletteCase("4-bit V5 top-down", hd(124, 4, biRGB, 0), w, h, cols16, pal16, 16, true),

		bmpFieldCase("16-bit BI_RGB 555", hd(40, 16, biRGB, 0), w, h, [4]uint32{0x7c00, 0x3e0, 0x1f, 0}, true),
		bmpFieldCase("16-bit bit-fields 565", hd(40, 16, biBitfields, 0, 0xf800, 0x7e0, 0x1f), w, h, [4]uint32{0xf800, 0x7e0, 0x1f, 0}, true),
		bmpFieldCase("16-bit bit-fields 555 V5", hd(124, 16, biBitfields, 0, 0x7c00, 0x3e0, 0x1f, 0), w, h, [4]uint32{0x7c00, 0x3e0, 0x1f, 0}, true),
		bmpFieldCase("16-bit bit-fields 444", hd(40, 16, biBitfields, 0, 0xf00, 0xf0, 0xf), w, h, [4]uint32{0xf00, 0xf0, 0xf, 0}, false),
		bmpFieldCase("16-bit bit-fields 565 V2", hd(52, 16, biBitfields, 0, 0xf800, 0x7e0, 0x1f), w, h, [4]uint32{0xf800, 0x7e0, 0x1f, 0}, false),
		bmpFieldCase("16-bit bit-fields 1555 alpha V5", hd(124, 16, biBitfields, 0, 0x7c00, 0x3e0, 0x1f, 0x8000), w, h, [4]uint32{0x7c00, 0x3e0, 0x1f, 0x8000}, false),
		bmpFieldCase("16-bit alpha bit-fields 4444", hd(40, 16, biAlphaBitfields, 0, 0xf00, 0xf0, 0xf, 0xf000), w, h, [4]uint32{0xf00, 0xf0, 0xf, 0xf000}, false),
		bmpFieldCase("16-bit bit-fields 1-bit channels", hd(40, 16, biBitfields, 0, 4, 2, 1), w, h, [4]uint32{4, 2, 1, 0}, false),
		bmpFieldCase("24-bit", hd(40, 24, biRGB, 0), w, h, [4]uint32{0xff0000, 0xff00, 0xff, 0}, true),
		bmpFieldCase("24-bit top-down", hd(40, 24, biRGB, 0), w, h, [4]uint32{0xff0000, 0xff00, 0xff, 0}, true),
		bmpFieldCase("24-bit OS/2 1.x", hd(12, 24, biRGB, 0), w, h, [4]uint32{0xff0000, 0xff00, 0xff, 0}, true),
		bmpFieldCase("24-bit with an unused palette", bmpHdr{size: 40, bits: 24, clrUsed: 16, palette: pal16}, w, h, [4]uint32{0xff0000, 0xff00, 0xff, 0}, true),
		bmpFieldCase("24-bit bit-fields", hd(40, 24, biBitfields, 0, 0xff0000, 0xff00, 0xff), w, h, [4]uint32{0xff0000, 0xff00, 0xff, 0}, true),
		bmpFieldCase("24-bit bit-fields RGB order", hd(40, 24, biBitfields, 0, 0xff, 0xff00, 0xff0000), w, h, [4]uint32{0xff, 0xff00, 0xff0000, 0}, false),
		bmpFieldCase("32-bit BI_RGB", hd(40, 32, biRGB, 0), w, h, [4]uint32{0xff0000, 0xff00, 0xff, 0}, true),
		bmpFieldCase("32-bit BI_RGB V5 with an alpha mask", hd(124, 32, biRGB, 0, 0xff0000, 0xff00, 0xff, 0xff000000), w, h, [4]uint32{0xff0000, 0xff00, 0xff, 0}, true),
		bmpFieldCase("32-bit bit-fields BGRX", hd(40, 32, biBitfields, 0, 0xff0000, 0xff00, 0xff), w, h, [4]uint32{0xff0000, 0xff00, 0xff, 0}, true),
		bmpFieldCase("32-bit bit-fields XBGR", hd(40, 32, biBitfields, 0, 0xff000000, 0xff0000, 0xff00), w, h, [4]uint32{0xff000000, 0xff0000, 0xff00, 0}, true),
		bmpFieldCase("32-bit bit-fields BGRA V4", hd(108, 32, biBitfields, 0, 0xff0000, 0xff00, 0xff, 0xff000000), w, h, [4]uint32{0xff0000, 0xff00, 0xff, 0xff000000}, true),
		bmpFieldCase("32-bit bit-fields RGBA V5", hd(124, 32, biBitfields, 0, 0xff, 0xff00, 0xff0000, 0xff000000), w, h, [4]uint32{0xff, 0xff00, 0xff0000, 0xff000000}, true),
		bmpFieldCase("32-bit bit-fields ABGR V5", hd(124, 32, biBitfields, 0, 0xff000000, 0xff0000, 0xff00, 0xff), w, h, [4]uint32{0xff000000, 0xff0000, 0xff00, 0xff}, true),
		bmpFieldCase("32-bit bit-fields BGRA V5 top-down", hd(124, 32, biBitfields, 0, 0xff0000, 0xff00, 0xff, 0xff000000), w, h, [4]uint32{0xff0000, 0xff00, 0xff, 0xff000000}, true),
		bmpFieldCase("32-bit bit-fields BGRA V3", hd(56, 32, biBitfields, 0, 0xff0000, 0xff00, 0xff, 0xff000000), w, h, [4]uint32{0xff0000, 0xff00, 0xff, 0xff000000}, false),
		bmpFieldCase("32-bit alpha bit-fields BGRA", hd(40, 32, biAlphaBitfields, 0, 0xff0000, 0xff00, 0xff, 0xff000000), w, h, [4]uint32{0xff0000, 0xff00, 0xff, 0xff000000}, false),
		bmpFieldCase("32-bit bit-fields 10-10-10-2 V5", hd(124, 32, biBitfields, 0, 0x3ff00000, 0xffc00, 0x3ff, 0xc0000000), w, h, [4]uint32{0x3ff00000, 0xffc00, 0x3ff, 0xc0000000}, false),
		bmpFieldCase("32-bit bit-fields 12-12-8", hd(40, 32, biBitfields, 0, 0xfff00000, 0xfff00, 0xff), w, h, [4]uint32{0xfff00000, 0xfff00, 0xff, 0}, false),
		bmpFieldCase("32-bit bit-fields 16-8-8", hd(40, 32, biBitfields, 0, 0xffff0000, 0xff00, 0xff), w, h, [4]uint32{0xffff0000, 0xff00, 0xff, 0}, false),

		bmpRLECase("RLE8", hd(40, 8, biRLE8, 0), 70, 9, false),
		bmpRLECase("RLE8 top-down", hd(40, 8, biRLE8, 0), 70, 9, true),
		bmpRLECase("RLE8 V5", hd(124, 8, biRLE8, 0), 300, 5, false),
		bmpRLECase("RLE4", hd(40, 4, biRLE4, 0), 71, 9, false),
		bmpRLECase("RLE4 top-down", hd(40, 4, biRLE4, 0), 70, 9, true),
	}

	// Files whose pixel data does not start where the palette ends.
	c8 := bmpPaletteCase("", hd(40, 8, biRGB, 0), w, h, cols256, pal256, 16, true)
	c8.file = c8.file[14+40+1024:] // the pixels alone
	withPal := func(name string, hd bmpHdr, pillow bool) bmpCase {
		hd.size, hd.bits, hd.w, hd.h = 40, 8, w, h
		return bmpCase{name: name, file: hd.file(c8.file), want: c8.want, pillow: pillow}
	}
	cases = append(cases,
		withPal("8-bit bfOffBits 0", bmpHdr{palette: pal256, setOff: true}, true),
		withPal("8-bit bfOffBits at the palette", bmpHdr{palette: pal256, setOff: true, offBits: 54}, true),
		withPal("8-bit gap before the pixels", bmpHdr{palette: pal256, gap: []byte("junk junk")}, true),
		withPal("8-bit palette cut short by bfOffBits", bmpHdr{palette: pal256[:16*4]}, true),
	)
	return cases
}

// bmpPixOf returns the pixels of a decoded image, checking its type.
func bmpPixOf(t *testing.T, m image.Image, alpha bool) []byte {
	t.Helper()
	switch m := m.(type) {
	case *image.RGBA:
		if alpha {
			t.Errorf("got *image.RGBA, want *image.NRGBA")
		}
		return m.Pix
	case *image.NRGBA:
		if !alpha {
			t.Errorf("got *image.NRGBA, want *image.RGBA")
		}
		return m.Pix
	}
	t.Fatalf("got %T", m)
	return nil
}

// bmpFirstDiff describes the first pixel where a and b differ.
func bmpFirstDiff(a, b []byte, w int) string {
	if len(a) != len(b) {
		return fmt.Sprintf("%d bytes, want %d", len(a), len(b))
	}
	for i := 0; i < len(a); i += 4 {
		if !bytes.Equal(a[i:i+4], b[i:i+4]) {
			p := i / 4
			return fmt.Sprintf("pixel (%d, %d) is %v, want %v", p%w, p/w, a[i:i+4], b[i:i+4])
		}
	}
	return ""
}

// TestBMPVariants decodes a file of every variant and compares it with
// the image it was made from, and its header with decodeBMPConfig's.
func TestBMPVariants(t *testing.T) {
	for _, c := range bmpCases() {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := decodeBMPConfig(bytes.NewReader(c.file))
			if err != nil {
				t.Fatalf("decodeBMPConfig: %v", err)
			}
			b := c.want.Rect
			wantModel := color.Model(color.RGBAModel)
			if c.alpha {
				wantModel = color.NRGBAModel
			}
			if cfg.Width != b.Dx() || cfg.Height != b.Dy() || cfg.ColorModel != wantModel {
				t.Errorf("config %d×%d %v, want %d×%d %v", cfg.Width, cfg.Height, cfg.ColorModel, b.Dx(), b.Dy(), wantModel)
			}
			m, err := decodeBMP(bytes.NewReader(c.file))
			if err != nil {
				t.Fatalf("decodeBMP: %v", err)
			}
			if m.Bounds() != b {
				t.Fatalf("bounds %v, want %v", m.Bounds(), b)
			}
			if d := bmpFirstDiff(bmpPixOf(t, m, c.alpha), c.want.Pix, b.Dx()); d != "" {
				t.Error(d)
			}
		})
	}
}

// TestBMPAgainstPillow decodes every variant with Pillow too: where Pillow
// reads the file, the pixels must be Pillow's, byte for byte.
func TestBMPAgainstPillow(t *testing.T) {
	dir := t.TempDir()
	cases := bmpCases()
	var paths []string
	for i, c := range cases {
		p := filepath.Join(dir, fmt.Sprintf("%02d.bmp", i))
		if err := os.WriteFile(p, c.file, 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	pillow(t, dir, `
import sys
from PIL import Image
for p in sys.argv[1:]:
    try:
        with Image.open(p) as im:
            im.load()
            open(p + ".rgba", "wb").write(im.convert("RGBA").tobytes())
    except Exception as e:
        open(p + ".err", "w").write(type(e).__name__ + ": " + str(e))
`, paths...)
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ours, err := decodeBMP(bytes.NewReader(c.file))
			if err != nil {
				t.Fatal(err)
			}
			theirs, err := os.ReadFile(paths[i] + ".rgba")
			if err != nil {
				msg, _ := os.ReadFile(paths[i] + ".err")
				if c.pillow {
					t.Fatalf("Pillow did not read it: %s", msg)
				}
				t.Logf("Pillow refuses it: %s", msg)
				return
			}
			d := bmpFirstDiff(bmpPixOf(t, ours, c.alpha), theirs, c.want.Rect.Dx())
			switch {
			case c.pillow && d != "":
				t.Errorf("against Pillow: %s", d)
			case !c.pillow && d != "":
				t.Logf("Pillow reads it otherwise: %s", d)
			}
		})
	}
}

// TestBMPFieldScale pins the scaling of bit-field channels to Pillow's
// values, worked out by hand.
func TestBMPFieldScale(t *testing.T) {
	for _, c := range []struct {
		mask, px uint32
		want     uint8
	}{
		{0x1f, 0, 0}, {0x1f, 1, 8}, {0x1f, 16, 131}, {0x1f, 31, 255},
		{0x7e0, 1 << 5, 4}, {0x7e0, 32 << 5, 129}, {0x7e0, 63 << 5, 255},
		{0xf, 1, 17}, {0xf, 8, 136},
		{0x1, 1, 255}, {0x2, 2, 255}, {0x2, 1, 0},
		{0x3ff, 512, 127}, {0x3ff, 1023, 255}, {0x3ff, 1022, 254},
		{0xffff0000, 0x80000000, 127}, {0xffff0000, 0xffff0000, 255},
		{0xff000000, 0xab000000, 0xab},
		{0xfff, 0x800, 127},
	} {
		f := newBMPField(c.mask)
		if got := f.value(c.px); got != c.want {
			t.Errorf("mask %#x, pixel %#x: %d, want %d", c.mask, c.px, got, c.want)
		}
	}
}

// TestBMPRLE decodes hand-written RLE streams against pictures drawn by
// hand: '.' is a pixel the stream never reaches (palette entry 0, as
// Pillow fills them), a digit or letter its palette index.
func TestBMPRLE(t *testing.T) {
	pal := []byte{}
	var cols []color.NRGBA
	for i := range 16 {
		c := color.NRGBA{uint8(10 * i), uint8(200 - 10*i), uint8(7 * i), 0xff}
		cols = append(cols, c)
		pal = append(pal, c.B, c.G, c.R, 0)
	}
	for _, c := range []struct {
		name    string
		rle4    bool
		topDown bool
		data    []byte
		picture []string // top row first
	}{
		{"RLE8 end-of-line and end-of-bitmap", false, false,
			[]byte{3, 1, 1, 2, 0, 0, 4, 3, 0, 1},
			[]string{"....", "3333", "1112"}},
		{"RLE8 end-of-bitmap early", false, false,
			[]byte{2, 5, 0, 1},
			[]string{"....", "....", "55.."}},
		{"RLE8 end-of-line at the start of a row skips the row", false, false,
			[]byte{0, 0, 4, 7, 0, 0, 0, 1},
			[]string{"....", "7777", "...."}},
		{"RLE8 delta", false, false,
			[]byte{1, 9, 0, 2, 2, 1, 1, 4, 0, 1},
			[]string{"....", "...4", "9..."}},
		{"RLE8 encoded run past the row end is cut", false, false,
			[]byte{9, 6, 0, 0, 1, 2, 0, 1},
			[]string{"....", "2...", "6666"}},
		{"RLE8 absolute runs, odd and even, padded", false, false,
			[]byte{0, 3, 1, 2, 3, 0, 1, 4, 0, 0, 0, 4, 5, 6, 7, 8, 0, 1},
			[]string{"....", "5678", "1234"}},
		{"RLE8 last pixel drawn, no end-of-bitmap", false, false,
			[]byte{4, 1, 0, 0, 4, 2, 0, 0, 4, 3},
			[]string{"3333", "2222", "1111"}},
		{"RLE8 bytes after the last row are ignored", false, false,
			[]byte{4, 1, 0, 0, 4, 2, 0, 0, 4, 3, 0, 0, 0, 9, 9},
			[]string{"3333", "2222", "1111"}},
		{"RLE8 top-down", false, true,
			[]byte{4, 1, 0, 0, 2, 2, 0, 1},
			[]string{"1111", "22..", "...."}},
		{"RLE4 encoded runs alternate nibbles", true, false,
			[]byte{3, 0x12, 0, 0, 4, 0xab, 0, 1},
			[]string{"....", "abab", "121."}},
		{"RLE4 odd absolute run", true, false,
			[]byte{0, 3, 0x12, 0x30, 1, 0xf0, 0, 1},
			[]string{"....", "....", "123f"}},
		{"RLE4 absolute runs of 3 bytes are padded", true, false,
			[]byte{0, 5, 0x12, 0x34, 0x50, 0, 1, 0x60, 0, 0, 0, 6, 0xab, 0xcd, 0xef, 0, 0, 1},
			[]string{"......", "abcdef", "123456"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			w, h := len(c.picture[0]), len(c.picture)
			hd := bmpHdr{size: 40, w: int32(w), h: int32(h), bits: 8, compression: biRLE8, palette: pal, clrUsed: 16}
			if c.rle4 {
				hd.bits, hd.compression = 4, biRLE4
			}
			if c.topDown {
				hd.h = -hd.h
			}
			want := image.NewNRGBA(image.Rect(0, 0, w, h))
			for y, row := range c.picture {
				for x, ch := range row {
					idx := 0
					if ch != '.' {
						v, err := fmt.Sscanf(string(ch), "%x", &idx)
						if v != 1 || err != nil {
							t.Fatalf("picture: %q", ch)
						}
					}
					want.SetNRGBA(x, y, cols[idx])
				}
			}
			m, err := decodeBMP(bytes.NewReader(hd.file(c.data)))
			if err != nil {
				t.Fatal(err)
			}
			if d := bmpFirstDiff(bmpPixOf(t, m, false), want.Pix, w); d != "" {
				t.Error(d)
			}
		})
	}
}

// TestBMPRefused: what the decoder does not fully understand is refused
// with the header field and its value, or the place in the pixel data; a
// header the config refuses, the decoder refuses too.
func TestBMPRefused(t *testing.T) {
	pal := make([]byte, 4*16)
	ok := bmpHdr{size: 40, w: 4, h: 2, bits: 8, clrUsed: 16, palette: pal}
	with := func(f func(*bmpHdr)) bmpHdr {
		h := ok
		f(&h)
		return h
	}
	pixels := make([]byte, 8)
	for _, c := range []struct {
		name   string
		file   []byte
		header bool // refused from the header alone
		want   []string
	}{
		{"not BMP", []byte("BX" + strings.Repeat("\x00", 60)), true, []string{`"BM"`}},
		{"truncated file header", []byte("BM\x00\x00"), true, []string{"file header", "unexpected EOF"}},
		{"truncated info header", ok.file(nil)[:30], true, []string{"BITMAPINFOHEADER", "unexpected EOF"}},
		{"header size 20", with(func(h *bmpHdr) { h.size = 20 }).file(pixels), true, []string{"biSize", "20"}},
		{"header size 0", with(func(h *bmpHdr) { h.size = 4 }).file(pixels), true, []string{"biSize", "4"}},
		{"BI_JPEG", with(func(h *bmpHdr) { h.bits, h.compression, h.palette = 0, biJPEG, nil }).file(pixels), true,
			[]string{"biCompression", "4", "BI_JPEG", "JPEG"}},
		{"BI_PNG", with(func(h *bmpHdr) { h.bits, h.compression, h.palette = 0, biPNG, nil }).file(pixels), true,
			[]string{"biCompression", "5", "BI_PNG", "PNG"}},
		{"BI_CMYK", with(func(h *bmpHdr) { h.bits, h.compression = 32, biCMYK }).file(pixels), true,
			[]string{"biCompression", "11", "BI_CMYK", "CMYK"}},
		{"BI_CMYKRLE8", with(func(h *bmpHdr) { h.compression = biCMYKRLE8 }).file(pixels), true,
			[]string{"biCompression", "12", "BI_CMYKRLE8", "CMYK"}},
		{"BI_CMYKRLE4", with(func(h *bmpHdr) { h.bits, h.compression = 4, biCMYKRLE4 }).file(pixels), true,
			[]string{"biCompression", "13", "BI_CMYKRLE4"}},
		{"unknown compression", with(func(h *bmpHdr) { h.compression = 7 }).file(pixels), true,
			[]string{"biCompression", "7", "unknown"}},
		{"OS/2 Huffman 1D", with(func(h *bmpHdr) { h.size, h.bits, h.compression = 64, 1, 3 }).file(pixels), true,
			[]string{"OS/2", "biCompression", "3", "Huffman 1D"}},
		{"OS/2 RLE24", with(func(h *bmpHdr) { h.size, h.bits, h.compression = 64, 24, 4 }).file(pixels), true,
			[]string{"OS/2", "biCompression", "4", "RLE24"}},
		{"OS/2 compression 5", with(func(h *bmpHdr) { h.size, h.bits, h.compression = 64, 24, 5 }).file(pixels), true,
			[]string{"OS/2", "biCompression", "5", "unknown"}},
		{"64 bits", with(func(h *bmpHdr) { h.bits = 64 }).file(pixels), true, []string{"biBitCount", "64"}},
		{"0 bits", with(func(h *bmpHdr) { h.bits = 0 }).file(pixels), true, []string{"biBitCount", "0"}},
		{"RLE8 at 4 bits", with(func(h *bmpHdr) { h.bits, h.compression = 4, biRLE8 }).file(pixels), true,
			[]string{"biCompression", "BI_RLE8", "biBitCount", "4"}},
		{"RLE4 at 8 bits", with(func(h *bmpHdr) { h.compression = biRLE4 }).file(pixels), true,
			[]string{"biCompression", "BI_RLE4", "8"}},
		{"bit-fields at 8 bits", with(func(h *bmpHdr) { h.compression, h.masks = biBitfields, []uint32{0xe0, 0x1c, 0x3} }).file(pixels), true,
			[]string{"BI_BITFIELDS", "8 bits"}},
		{"width 0", with(func(h *bmpHdr) { h.w = 0 }).file(pixels), true, []string{"biWidth", "0"}},
		{"width negative", with(func(h *bmpHdr) { h.w = -4 }).file(pixels), true, []string{"biWidth", "-4"}},
		{"height 0", with(func(h *bmpHdr) { h.h = 0 }).file(pixels), true, []string{"biHeight", "0"}},
		{"palette too large", with(func(h *bmpHdr) { h.clrUsed = 70000 }).file(pixels), true, []string{"biClrUsed", "70000"}},
		{"bfOffBits inside the header", with(func(h *bmpHdr) { h.setOff, h.offBits = true, 30 }).file(pixels), true,
			[]string{"bfOffBits", "30"}},
		{"bfOffBits leaves no room for a palette", with(func(h *bmpHdr) { h.setOff, h.offBits = true, 56 }).file(pixels), true,
			[]string{"bfOffBits", "56", "palette"}},
		{"red mask zero", bmpHdr{size: 40, w: 2, h: 2, bits: 16, compression: biBitfields, masks: []uint32{0, 0x3e0, 0x1f}}.file(pixels), true,
			[]string{"red mask", "0"}},
		{"all masks zero", bmpHdr{size: 124, w: 2, h: 1, bits: 32, compression: biBitfields, masks: []uint32{0, 0, 0, 0}}.file(pixels), true,
			[]string{"red mask", "0"}},
		{"mask not contiguous", bmpHdr{size: 40, w: 2, h: 2, bits: 16, compression: biBitfields, masks: []uint32{0x7c00, 0x3e0, 0x15}}.file(pixels), true,
			[]string{"blue mask", "0x00000015", "one run"}},
		{"masks overlap", bmpHdr{size: 40, w: 2, h: 2, bits: 16, compression: biBitfields, masks: []uint32{0x7c00, 0x7e0, 0x1f}}.file(pixels), true,
			[]string{"green mask", "0x000007e0", "overlaps"}},
		{"mask outside the pixel", bmpHdr{size: 40, w: 2, h: 2, bits: 16, compression: biBitfields, masks: []uint32{0x1f0000, 0x3e0, 0x1f}}.file(pixels), true,
			[]string{"red mask", "0x001f0000", "16 bits"}},
		{"alpha mask outside the pixel", bmpHdr{size: 124, w: 2, h: 2, bits: 24, compression: biBitfields, masks: []uint32{0xff0000, 0xff00, 0xff, 0xff000000}}.file(pixels), true,
			[]string{"alpha mask", "0xff000000", "24 bits"}},
		{"alpha bit-fields in a V2 header", bmpHdr{size: 52, w: 2, h: 2, bits: 32, compression: biAlphaBitfields, masks: []uint32{0xff0000, 0xff00, 0xff}}.file(pixels), true,
			[]string{"BITMAPV2INFOHEADER", "BI_ALPHABITFIELDS"}},
		{"truncated masks", bmpHdr{size: 40, w: 2, h: 2, bits: 16, compression: biBitfields, masks: []uint32{0xf800, 0x7e0, 0x1f}}.file(nil)[:60], true,
			[]string{"masks", "unexpected EOF"}},

		{"truncated palette", ok.file(nil)[:60], false, []string{"palette of 16 entries", "unexpected EOF"}},
		{"pixels before bfOffBits missing", with(func(h *bmpHdr) { h.setOff, h.offBits = true, 5000 }).file(pixels), false,
			[]string{"bfOffBits 5000"}},
		{"truncated pixels", ok.file(pixels[:5]), false, []string{"row 2 of 2", "truncated"}},
		{"no pixels", ok.file(nil), false, []string{"row 1 of 2", "truncated"}},
		{"index past the palette", with(func(h *bmpHdr) { h.clrUsed, h.palette = 4, pal[:16] }).file([]byte{0, 1, 2, 3, 3, 9, 0, 0}), false,
			[]string{"pixel (1, 0)", "index 9", "4 entries", "biClrUsed 4"}},
		{"index past a palette cut short by bfOffBits", with(func(h *bmpHdr) { h.clrUsed, h.palette = 0, pal[:8] }).file([]byte{0, 1, 2, 1, 1, 0, 0, 0}), false,
			[]string{"pixel (2, 1)", "index 2", "2 entries"}},
		{"RLE8 index past the palette", with(func(h *bmpHdr) { h.compression = biRLE8 }).file([]byte{2, 3, 1, 16}), false,
			[]string{"pixel (2, 1)", "index 16"}},
		{"RLE8 truncated", with(func(h *bmpHdr) { h.compression = biRLE8 }).file([]byte{4, 3, 0, 0, 2, 1}), false,
			[]string{"BI_RLE8", "ends at pixel (2, 0)", "truncated"}},
		{"RLE8 truncated in a delta", with(func(h *bmpHdr) { h.compression = biRLE8 }).file([]byte{4, 3, 0, 2, 1}), false,
			[]string{"BI_RLE8", "truncated"}},
		{"RLE8 truncated in an absolute run", with(func(h *bmpHdr) { h.compression = biRLE8 }).file([]byte{0, 4, 1, 2}), false,
			[]string{"BI_RLE8", "truncated"}},
		{"RLE8 absolute run past the row end", with(func(h *bmpHdr) { h.compression = biRLE8 }).file([]byte{2, 3, 0, 3, 1, 1, 1, 0, 0, 1}), false,
			[]string{"absolute run of 3 pixels at x=2", "width 4"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, cfgErr := decodeBMPConfig(bytes.NewReader(c.file))
			if c.header != (cfgErr != nil) {
				t.Errorf("decodeBMPConfig: %v", cfgErr)
			}
			m, err := decodeBMP(bytes.NewReader(c.file))
			if err == nil {
				t.Fatalf("decoded a %v image", m.Bounds())
			}
			for _, s := range c.want {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not say %q", err, s)
				}
			}
			if cfgErr != nil && cfgErr.Error() != err.Error() {
				t.Errorf("decodeBMPConfig said %q, decodeBMP %q", cfgErr, err)
			}
		})
	}
}

// TestBMPSizeErrors: a zero or negative size is ErrSize, as for the other
// formats.
func TestBMPSizeErrors(t *testing.T) {
	for _, hd := range []bmpHdr{{size: 40, w: 0, h: 1, bits: 24}, {size: 40, w: 1, h: 0, bits: 24}, {size: 12, w: 5, h: 0, bits: 24}} {
		if _, err := decodeBMPConfig(bytes.NewReader(hd.file(nil))); !errors.Is(err, ErrSize) {
			t.Errorf("%d×%d: %v, want ErrSize", hd.w, hd.h, err)
		}
	}
}

// TestBMPReaderWithoutByteReader: RLE data read through a plain reader
// decodes as through a buffered one.
func TestBMPReaderWithoutByteReader(t *testing.T) {
	c := bmpRLECase("RLE8", bmpHdr{size: 40, bits: 8, compression: biRLE8}, 30, 4, false)
	m, err := decodeBMP(struct{ io.Reader }{bytes.NewReader(c.file)})
	if err != nil {
		t.Fatal(err)
	}
	if d := bmpFirstDiff(bmpPixOf(t, m, false), c.want.Pix, 30); d != "" {
		t.Error(d)
	}
}

// BenchmarkDecodeBMP decodes a 1920×1080 file of the common layouts.
func BenchmarkDecodeBMP(b *testing.B) {
	const w, h = 1920, 1080
	rng := rand.New(rand.NewPCG(1, 2))
	palRaw, pal := bmpRandomPalette(rng, 256, 4)
	for _, c := range []bmpCase{
		bmpPaletteCase("8-bit", bmpHdr{size: 40, bits: 8}, w, h, pal, palRaw, 256, true),
		bmpFieldCase("16-bit 565", bmpHdr{size: 40, bits: 16, compression: biBitfields, masks: []uint32{0xf800, 0x7e0, 0x1f}}, w, h, [4]uint32{0xf800, 0x7e0, 0x1f, 0}, true),
		bmpFieldCase("24-bit", bmpHdr{size: 40, bits: 24}, w, h, [4]uint32{0xff0000, 0xff00, 0xff, 0}, true),
		bmpFieldCase("32-bit BGRA", bmpHdr{size: 124, bits: 32, compression: biBitfields, masks: []uint32{0xff0000, 0xff00, 0xff, 0xff000000}}, w, h, [4]uint32{0xff0000, 0xff00, 0xff, 0xff000000}, true),
		bmpRLECase("RLE8", bmpHdr{size: 40, bits: 8, compression: biRLE8}, w, h, false),
	} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.file)))
			for b.Loop() {
				if _, err := decodeBMP(bufio.NewReader(bytes.NewReader(c.file))); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestBMPThroughDecode: through the package's entry point every variant
// gives the same pixels, Info's model is the image's, and a refusal names
// the file and the header field.
func TestBMPThroughDecode(t *testing.T) {
	for _, c := range bmpCases() {
		t.Run(c.name, func(t *testing.T) {
			d, err := decodeBytes(c.file, "x.bmp", Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if d.Format != BMP || d.Model != d.Image.ColorModel() {
				t.Errorf("format %s, model %v, image %T", d.Format, d.Model, d.Image)
			}
			if diff := bmpFirstDiff(bmpPixOf(t, d.Image, c.alpha), c.want.Pix, c.want.Rect.Dx()); diff != "" {
				t.Error(diff)
			}
		})
	}
	jpegInBMP := bmpHdr{size: 124, w: 8, h: 8, compression: biJPEG}.file([]byte("\xff\xd8\xff"))
	_, err := decodeBytes(jpegInBMP, "x.bmp", Limits{})
	if err == nil || !strings.HasPrefix(err.Error(), "x.bmp: ") || !strings.Contains(err.Error(), "biCompression") {
		t.Errorf("BI_JPEG: %v", err)
	}
	if _, err := ProbeReader(bytes.NewReader(jpegInBMP), "x.bmp", Limits{}); err == nil {
		t.Error("Probe took a BI_JPEG file")
	}
}

// TestBMPImageMagick decodes the BMP variants ImageMagick writes (OS/2 1.x
// core headers, V3 and V5 headers, 1-bit, 8-bit palettes, RLE8, 16-bit
// bit-fields with and without alpha, 32-bit BGRA) and compares them with
// Pillow's decode where Pillow reads them alike. Else ImageMagick's own
// decode is the reference, which rounds 5- and 6-bit channels where Pillow
// (and this decoder) rounds down: within 1 level; but it scales 4-bit
// channels by v<<4 and a 1-bit alpha to 128, short of 255, so there only
// the mapping is compared: one-to-one and in order, channel by channel.
func TestBMPImageMagick(t *testing.T) {
	const convert = "/usr/bin/convert"
	if _, err := os.Stat(convert); err != nil {
		t.Skipf("ImageMagick not installed: %v", err)
	}
	dir := t.TempDir()
	src := image.NewNRGBA(image.Rect(0, 0, 37, 11))
	rng := rand.New(rand.NewPCG(5, 6))
	for i := range src.Pix {
		src.Pix[i] = uint8(rng.IntN(256))
	}
	var png bytes.Buffer
	if err := Encode(&png, src, PNG, 0); err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(dir, "src.png")
	if err := os.WriteFile(in, png.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	variants := []struct {
		name string
		args []string
		// The header size, bits per pixel and compression ImageMagick
		// writes, so that the test covers what it says.
		size, bits, compression int
		// pillow: Pillow's decode is the reference, exactly; else
		// ImageMagick's, within 1 level, or in order only.
		pillow, order bool
	}{
		{"core-24", []string{"-alpha", "off", "BMP2:"}, 12, 24, 0, true, false},
		{"core-8", []string{"-alpha", "off", "-colors", "100", "-type", "Palette", "BMP2:"}, 12, 8, 0, true, false},
		{"core-1", []string{"-monochrome", "BMP2:"}, 12, 1, 0, true, false},
		{"v3-24", []string{"-alpha", "off", "BMP3:"}, 40, 24, 0, true, false},
		{"v3-1", []string{"-monochrome", "BMP3:"}, 40, 1, 0, true, false},
		{"v3-8-rle", []string{"-alpha", "off", "-colors", "200", "-type", "Palette", "BMP3:"}, 40, 8, biRLE8, true, false},
		{"v3-8", []string{"-alpha", "off", "-colors", "200", "-type", "Palette", "-compress", "None", "BMP3:"}, 40, 8, 0, true, false},
		{"v3-4", []string{"-alpha", "off", "-colors", "12", "-compress", "None", "BMP3:"}, 40, 4, 0, true, false},
		{"v5-8-rle", []string{"-alpha", "off", "-colors", "100", "-type", "Palette", "BMP:"}, 124, 8, biRLE8, true, false},
		{"v5-24", []string{"-alpha", "off", "BMP:"}, 124, 24, 0, true, false},
		{"v5-32-bgra", []string{"BMP:"}, 124, 32, biBitfields, true, false},
		{"v5-565", []string{"-alpha", "off", "-define", "bmp:subtype=RGB565", "BMP:"}, 124, 16, biBitfields, false, false},
		{"v5-555", []string{"-alpha", "off", "-define", "bmp:subtype=RGB555", "BMP:"}, 124, 16, biBitfields, false, false},
		{"v5-4444", []string{"-define", "bmp:subtype=ARGB4444", "BMP:"}, 124, 16, biBitfields, false, true},
		{"v5-1555", []string{"-define", "bmp:subtype=ARGB1555", "BMP:"}, 124, 16, biBitfields, false, true},
	}
	var paths []string
	for _, v := range variants {
		p := filepath.Join(dir, v.name+".bmp")
		args := append([]string{in}, v.args[:len(v.args)-1]...)
		args = append(args, v.args[len(v.args)-1]+p)
		if out, err := exec.Command(convert, args...).CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", v.name, err, out)
		}
		out, err := exec.Command(convert, p, "-depth", "8", "RGBA:"+p+".im").CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", v.name, err, out)
		}
		paths = append(paths, p)
	}
	pillow(t, dir, `
import sys
from PIL import Image
for p in sys.argv[1:]:
    try:
        with Image.open(p) as im:
            im.load()
            open(p + ".rgba", "wb").write(im.convert("RGBA").tobytes())
    except Exception as e:
        open(p + ".err", "w").write(type(e).__name__ + ": " + str(e))
`, paths...)
	for i, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			file, err := os.ReadFile(paths[i])
			if err != nil {
				t.Fatal(err)
			}
			le := binary.LittleEndian
			size, bits, compression := int(le.Uint32(file[14:])), int(le.Uint16(file[28:])), int(le.Uint32(file[30:]))
			if size == 12 {
				bits, compression = int(le.Uint16(file[24:])), 0
			}
			if size != v.size || bits != v.bits || compression != v.compression {
				t.Fatalf("ImageMagick wrote header %d, %d bits, compression %d; want %d, %d, %d",
					size, bits, compression, v.size, v.bits, v.compression)
			}
			cfg, err := decodeBMPConfig(bytes.NewReader(file))
			if err != nil {
				t.Fatal(err)
			}
			m, err := decodeBMP(bytes.NewReader(file))
			if err != nil {
				t.Fatal(err)
			}
			ours := bmpPixOf(t, m, cfg.ColorModel == color.NRGBAModel)
			if v.pillow {
				theirs, err := os.ReadFile(paths[i] + ".rgba")
				if err != nil {
					msg, _ := os.ReadFile(paths[i] + ".err")
					t.Fatalf("Pillow did not read it: %s", msg)
				}
				if d := bmpFirstDiff(ours, theirs, 37); d != "" {
					t.Errorf("against Pillow: %s", d)
				}
				return
			}
			im, err := os.ReadFile(paths[i] + ".im")
			if err != nil {
				t.Fatal(err)
			}
			if len(im) != len(ours) {
				t.Fatalf("ImageMagick gave %d bytes, want %d", len(im), len(ours))
			}
			if !v.order {
				for k := range ours {
					if d := int(ours[k]) - int(im[k]); d < -1 || d > 1 {
						t.Fatalf("pixel (%d, %d) channel %d: %d, ImageMagick %d", k/4%37, k/4/37, k%4, ours[k], im[k])
					}
				}
				return
			}
			for c := range 4 {
				var ourOf, imOf [256]int
				for k := range ourOf {
					ourOf[k], imOf[k] = -1, -1
				}
				for k := c; k < len(ours); k += 4 {
					o, m := int(ours[k]), int(im[k])
					if ourOf[m] >= 0 && ourOf[m] != o || imOf[o] >= 0 && imOf[o] != m {
						t.Fatalf("channel %d: ImageMagick's %d is our %d and %d", c, m, o, ourOf[m])
					}
					ourOf[m], imOf[o] = o, m
				}
				last := -1
				for m, o := range ourOf {
					if o < 0 {
						continue
					}
					if o <= last {
						t.Fatalf("channel %d: ImageMagick's %d is our %d, below a lower value's %d", c, m, o, last)
					}
					last = o
				}
			}
		})
	}
}

// TestBMPPillowWritten decodes the BMP files Pillow writes (modes 1, L, P,
// RGB and RGBA, the last as 32-bit BI_RGB, which Pillow reads back
// opaque) as Pillow reads them, byte for byte.
func TestBMPPillowWritten(t *testing.T) {
	dir := t.TempDir()
	modes := []string{"1", "L", "P", "RGB", "RGBA"}
	pillow(t, dir, `
import random, sys
from PIL import Image
rng = random.Random(7)
for mode in sys.argv[1:]:
    im = Image.frombytes("RGBA", (37, 11), bytes(rng.randrange(256) for _ in range(37 * 11 * 4)))
    if mode == "P":
        im = im.convert("RGB").quantize(200)
    else:
        im = im.convert(mode)
    im.save(mode + ".bmp")
    with Image.open(mode + ".bmp") as back:
        open(mode + ".rgba", "wb").write(back.convert("RGBA").tobytes())
`, modes...)
	for _, mode := range modes {
		t.Run(mode, func(t *testing.T) {
			file, err := os.ReadFile(filepath.Join(dir, mode+".bmp"))
			if err != nil {
				t.Fatal(err)
			}
			theirs, err := os.ReadFile(filepath.Join(dir, mode+".rgba"))
			if err != nil {
				t.Fatal(err)
			}
			m, err := decodeBMP(bytes.NewReader(file))
			if err != nil {
				t.Fatal(err)
			}
			if d := bmpFirstDiff(bmpPixOf(t, m, false), theirs, 37); d != "" {
				t.Error(d)
			}
		})
	}
}
