package imagefile

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	xtiff "golang.org/x/image/tiff"
)

// tiffSpec describes a TIFF test image: its samples come from a hash of
// (x, y, sample), so every variant of one spec holds the same values.
type tiffSpec struct {
	name        string
	bps, spp    int
	photometric int
	extra       []uint16 // ExtraSamples, if any
	palette     bool
	tags        map[uint16]uint16 // more one-SHORT tags, for refusals
}

// The odd size makes partial tiles and strips, and rows of 1-, 2- and 4-bit
// samples that end inside a byte.
const tiffW, tiffH = 37, 23

func tiffHash(x, y, s int) uint32 {
	h := uint32(x)*0x9e3779b1 ^ uint32(y)*0x85ebca77 ^ uint32(s)*0xc2b2ae3d
	h ^= h >> 15
	h *= 0x2c1b3c6d
	h ^= h >> 12
	return h
}

// sample returns the value of sample s at (x, y). With associated alpha
// the colour is kept at or under the alpha, as premultiplication makes it.
func (sp tiffSpec) sample(x, y, s int) uint32 {
	max := uint32(1)<<sp.bps - 1
	v := tiffHash(x, y, s) & max
	colors := sp.spp - len(sp.extra)
	if len(sp.extra) > 0 && sp.extra[0] == tiffAlphaAssociated && s < colors {
		return v % (sp.sample(x, y, colors) + 1)
	}
	return v
}

// colormap is the ColorMap of a palette spec: 16-bit values whose low
// bytes differ from their high ones, so reading the wrong byte shows.
func (sp tiffSpec) colormap() []uint16 {
	n := 1 << sp.bps
	cm := make([]uint16, 3*n)
	for i := range cm {
		cm[i] = uint16(tiffHash(i, 7, 99))
	}
	return cm
}

// file writes the spec as a little-endian, uncompressed TIFF, in one strip
// a plane, or in tiles of tile×tile pixels when tile is not zero; tiffcp
// makes the other variants from it. Planar and tiled files are written
// here because tiffcp makes them only from 8-bit samples, and garbles
// 16-bit planar tiles (it swaps bytes between the planes).
func (sp tiffSpec) file(planar bool, tile int) []byte {
	planes, nIn := 1, sp.spp
	if planar {
		planes, nIn = sp.spp, 1
	}
	tw, th := tiffW, tiffH
	if tile > 0 {
		tw, th = tile, tile
	}
	across, down := ceilDiv(tiffW, tw), ceilDiv(tiffH, th)
	rowBytes := (tw*nIn*sp.bps + 7) / 8
	chunkBytes := rowBytes * th
	data := make([]byte, chunkBytes*across*down*planes)
	for y := range tiffH {
		for x := range tiffW {
			for s := range sp.spp {
				plane, i := 0, (x%tw)*nIn+s
				if planar {
					plane, i = s, x%tw
				}
				chunk := (plane*down+y/th)*across + x/tw
				row := data[chunk*chunkBytes+(y%th)*rowBytes:]
				v := sp.sample(x, y, s)
				switch sp.bps {
				case 16:
					binary.LittleEndian.PutUint16(row[2*i:], uint16(v))
				case 8:
					row[i] = uint8(v)
				default:
					bit := i * sp.bps
					row[bit/8] |= uint8(v) << (8 - sp.bps - bit%8)
				}
			}
		}
	}
	type entry struct {
		tag, typ uint16
		vals     []uint32
	}
	bps := make([]uint32, sp.spp)
	for i := range bps {
		bps[i] = uint32(sp.bps)
	}
	var offsets, counts []uint32
	for c := range len(data) / chunkBytes {
		offsets = append(offsets, uint32(8+c*chunkBytes))
		counts = append(counts, uint32(chunkBytes))
	}
	offTag, countTag := uint16(273), uint16(279)
	if tile > 0 {
		offTag, countTag = 324, 325
	}
	entries := []entry{
		{256, tiffShort, []uint32{tiffW}},
		{257, tiffShort, []uint32{tiffH}},
		{258, tiffShort, bps},
		{259, tiffShort, []uint32{1}},
		{262, tiffShort, []uint32{uint32(sp.photometric)}},
		{offTag, tiffLong, offsets},
		{277, tiffShort, []uint32{uint32(sp.spp)}},
		{countTag, tiffLong, counts},
		{284, tiffShort, []uint32{uint32(1 + btoi(planar))}},
	}
	if tile > 0 {
		entries = append(entries, entry{322, tiffShort, []uint32{uint32(tile)}}, entry{323, tiffShort, []uint32{uint32(tile)}})
	} else {
		entries = append(entries, entry{278, tiffShort, []uint32{tiffH}})
	}
	if sp.palette {
		var cm []uint32
		for _, v := range sp.colormap() {
			cm = append(cm, uint32(v))
		}
		entries = append(entries, entry{320, tiffShort, cm})
	}
	if len(sp.extra) > 0 {
		var es []uint32
		for _, v := range sp.extra {
			es = append(es, uint32(v))
		}
		entries = append(entries, entry{338, tiffShort, es})
	}
	for tag, v := range sp.tags {
		entries = append(entries, entry{tag, tiffShort, []uint32{uint32(v)}})
	}
	slices.SortFunc(entries, func(a, b entry) int { return int(a.tag) - int(b.tag) })
	le := binary.LittleEndian
	out := []byte("II*\x00")
	ifd := 8 + len(data)
	ifd += ifd & 1
	out = le.AppendUint32(out, uint32(ifd))
	out = append(out, data...)
	for len(out) < ifd {
		out = append(out, 0)
	}
	extraAt := ifd + 2 + 12*len(entries) + 4
	var extra []byte
	out = le.AppendUint16(out, uint16(len(entries)))
	for _, e := range entries {
		out = le.AppendUint16(out, e.tag)
		out = le.AppendUint16(out, e.typ)
		out = le.AppendUint32(out, uint32(len(e.vals)))
		var val []byte
		for _, v := range e.vals {
			if e.typ == tiffShort {
				val = le.AppendUint16(val, uint16(v))
			} else {
				val = le.AppendUint32(val, v)
			}
		}
		if len(val) <= 4 {
			val = append(val, make([]byte, 4-len(val))...)
			out = append(out, val...)
			continue
		}
		out = le.AppendUint32(out, uint32(extraAt+len(extra)))
		extra = append(extra, val...)
	}
	out = le.AppendUint32(out, 0)
	return append(out, extra...)
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// want is the image Decode must return for the spec, built pixel by pixel
// from the samples, as the package doc promises.
func (sp tiffSpec) want() image.Image {
	r := image.Rect(0, 0, tiffW, tiffH)
	colors := sp.spp - len(sp.extra)
	alpha := tiffAlphaNone
	if len(sp.extra) > 0 {
		alpha = int(sp.extra[0])
	}
	max := uint32(1)<<sp.bps - 1
	to8 := func(v uint32) uint8 { return uint8(v * 255 / max) }
	invert := sp.photometric == tiffWhiteIsZero
	var m image.Image
	switch {
	case sp.palette:
		cm := sp.colormap()
		n := 1 << sp.bps
		o := image.NewRGBA(r)
		for y := range tiffH {
			for x := range tiffW {
				i := sp.sample(x, y, 0)
				o.SetRGBA(x, y, color.RGBA{uint8(cm[i] >> 8), uint8(cm[n+int(i)] >> 8), uint8(cm[2*n+int(i)] >> 8), 0xff})
			}
		}
		m = o
	case sp.photometric == tiffSeparated:
		o := image.NewRGBA(r)
		for y := range tiffH {
			for x := range tiffW {
				var c [4]uint8
				for s := range c {
					c[s] = uint8(sp.sample(x, y, s) >> (sp.bps - 8))
				}
				o.Set(x, y, color.CMYK{C: c[0], M: c[1], Y: c[2], K: c[3]})
			}
		}
		m = o
	case colors == 1 && alpha == tiffAlphaNone && sp.bps == 16:
		o := image.NewGray16(r)
		for y := range tiffH {
			for x := range tiffW {
				v := uint16(sp.sample(x, y, 0))
				if invert {
					v = 0xffff - v
				}
				o.SetGray16(x, y, color.Gray16{v})
			}
		}
		m = o
	case colors == 1 && alpha == tiffAlphaNone:
		o := image.NewGray(r)
		for y := range tiffH {
			for x := range tiffW {
				v := to8(sp.sample(x, y, 0))
				if invert {
					v = 0xff - v
				}
				o.SetGray(x, y, color.Gray{v})
			}
		}
		m = o
	default:
		// RGB or grey, with or without alpha: four channels, 8 or 16 bits.
		px := func(x, y int) [4]uint32 {
			var c [4]uint32
			for i := range 3 {
				c[i] = sp.sample(x, y, min(i, colors-1))
			}
			c[3] = max
			if alpha != tiffAlphaNone {
				c[3] = sp.sample(x, y, colors)
			}
			return c
		}
		wide := sp.bps == 16
		for y := range tiffH {
			for x := range tiffW {
				c := px(x, y)
				switch {
				case alpha == tiffAlphaStraight && wide:
					if m == nil {
						m = image.NewNRGBA64(r)
					}
					m.(*image.NRGBA64).SetNRGBA64(x, y, color.NRGBA64{uint16(c[0]), uint16(c[1]), uint16(c[2]), uint16(c[3])})
				case alpha == tiffAlphaStraight:
					if m == nil {
						m = image.NewNRGBA(r)
					}
					m.(*image.NRGBA).SetNRGBA(x, y, color.NRGBA{uint8(c[0]), uint8(c[1]), uint8(c[2]), uint8(c[3])})
				case wide:
					if m == nil {
						m = image.NewRGBA64(r)
					}
					m.(*image.RGBA64).SetRGBA64(x, y, color.RGBA64{uint16(c[0]), uint16(c[1]), uint16(c[2]), uint16(c[3])})
				default:
					if m == nil {
						m = image.NewRGBA(r)
					}
					m.(*image.RGBA).SetRGBA(x, y, color.RGBA{uint8(c[0]), uint8(c[1]), uint8(c[2]), uint8(c[3])})
				}
			}
		}
	}
	return m
}

var tiffSpecs = []tiffSpec{
	{name: "gray1", bps: 1, spp: 1, photometric: tiffBlackIsZero},
	{name: "gray2", bps: 2, spp: 1, photometric: tiffBlackIsZero},
	{name: "gray4", bps: 4, spp: 1, photometric: tiffBlackIsZero},
	{name: "gray8", bps: 8, spp: 1, photometric: tiffBlackIsZero},
	{name: "gray16", bps: 16, spp: 1, photometric: tiffBlackIsZero},
	{name: "white1", bps: 1, spp: 1, photometric: tiffWhiteIsZero},
	{name: "white4", bps: 4, spp: 1, photometric: tiffWhiteIsZero},
	{name: "white8", bps: 8, spp: 1, photometric: tiffWhiteIsZero},
	{name: "white16", bps: 16, spp: 1, photometric: tiffWhiteIsZero},
	{name: "palette1", bps: 1, spp: 1, photometric: tiffPalette, palette: true},
	{name: "palette2", bps: 2, spp: 1, photometric: tiffPalette, palette: true},
	{name: "palette4", bps: 4, spp: 1, photometric: tiffPalette, palette: true},
	{name: "palette8", bps: 8, spp: 1, photometric: tiffPalette, palette: true},
	{name: "rgb8", bps: 8, spp: 3, photometric: tiffRGB},
	{name: "rgb16", bps: 16, spp: 3, photometric: tiffRGB},
	{name: "rgba8", bps: 8, spp: 4, photometric: tiffRGB, extra: []uint16{tiffAlphaStraight}},
	{name: "rgba16", bps: 16, spp: 4, photometric: tiffRGB, extra: []uint16{tiffAlphaStraight}},
	{name: "rgbpremul8", bps: 8, spp: 4, photometric: tiffRGB, extra: []uint16{tiffAlphaAssociated}},
	{name: "rgbpremul16", bps: 16, spp: 4, photometric: tiffRGB, extra: []uint16{tiffAlphaAssociated}},
	{name: "rgbx8", bps: 8, spp: 4, photometric: tiffRGB, extra: []uint16{0}},
	{name: "graya8", bps: 8, spp: 2, photometric: tiffBlackIsZero, extra: []uint16{tiffAlphaStraight}},
	{name: "graya16", bps: 16, spp: 2, photometric: tiffBlackIsZero, extra: []uint16{tiffAlphaStraight}},
	{name: "graypremul8", bps: 8, spp: 2, photometric: tiffBlackIsZero, extra: []uint16{tiffAlphaAssociated}},
	{name: "cmyk8", bps: 8, spp: 4, photometric: tiffSeparated},
	{name: "cmyk16", bps: 16, spp: 4, photometric: tiffSeparated},
}

// tiffcpVariants are the storage variants tiffcp makes of each spec: every
// compression, predictor, planar and tiled layout, strips of a few rows,
// big-endian, and bits stored least significant first.
var tiffcpVariants = []struct {
	name    string
	args    []string
	wideBPS bool // predictors need 8 or 16 bits a sample
	planar  bool // from the planar file, for specs of more than one sample
	tile    int  // from the file written in tiles of this size
}{
	{"none", nil, false, false, 0},
	{"strips", []string{"-r", "5"}, false, false, 0},
	{"lzw", []string{"-c", "lzw", "-r", "7"}, false, false, 0},
	{"lzw-pred", []string{"-c", "lzw:2", "-r", "7"}, true, false, 0},
	{"zip", []string{"-c", "zip"}, false, false, 0},
	{"zip-pred", []string{"-c", "zip:2"}, true, false, 0},
	{"packbits", []string{"-c", "packbits", "-r", "4"}, false, false, 0},
	{"planar", []string{"-r", "6"}, false, true, 0},
	{"planar-lzw-pred", []string{"-c", "lzw:2"}, true, true, 0},
	{"tiled", nil, false, false, 16},
	{"tiled-lzw-pred", []string{"-c", "lzw:2"}, true, false, 16},
	{"tiled-planar", nil, false, true, 16},
	{"tiled-planar-zip-pred", []string{"-c", "zip:2"}, true, true, 16},
	{"tiled-planar-packbits-be", []string{"-c", "packbits", "-B"}, false, true, 32},
	{"be", []string{"-B", "-r", "5"}, false, false, 0},
	{"be-lzw-pred", []string{"-B", "-c", "lzw:2"}, true, false, 0},
	{"fill-lsb", []string{"-f", "lsb2msb", "-c", "packbits"}, false, false, 0},
}

// needTool skips a test without the tool, except in CI, which installs it.
func needTool(t *testing.T, name, pkg string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is needed (%s): %v", name, pkg, err)
		}
		t.Skipf("no %s (%s)", name, pkg)
	}
}

// pillowDump has Pillow read each file and write name.txt: its mode, then
// one line of values a pixel (16-bit grey as is, premultiplied RGBa as is,
// everything else converted to RGBA), or name.err with its error.
const pillowDump = `
import sys
from PIL import Image
for name in sys.argv[1:]:
    try:
        im = Image.open(name)
        im.load()
    except Exception as e:
        open(name + ".err", "w").write(repr(e))
        continue
    mode = im.mode
    if mode not in ("I;16", "I;16B", "I;16L", "RGBa"):
        im = im.convert("RGBA")
        mode = "RGBA"
    with open(name + ".txt", "w") as f:
        f.write(mode + "\n")
        w, h = im.size
        for y in range(h):
            for x in range(w):
                p = im.getpixel((x, y))
                if not isinstance(p, tuple):
                    p = (p,)
                f.write(" ".join(str(v) for v in p) + "\n")
`

// pillowCompare compares m with Pillow's reading dumped in path.txt. It
// returns false when Pillow could not read the file.
func pillowCompare(t *testing.T, path string, m image.Image, tolerance int, premul bool) bool {
	t.Helper()
	f, err := os.Open(path + ".txt")
	if err != nil {
		return false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Scan()
	mode := sc.Text()
	b := m.Bounds()
	worst, where := 0, ""
	for y := range b.Dy() {
		for x := range b.Dx() {
			if !sc.Scan() {
				t.Fatalf("%s.txt: short", path)
			}
			var got []int
			for _, s := range strings.Fields(sc.Text()) {
				v, _ := strconv.Atoi(s)
				got = append(got, v)
			}
			var want []int
			c := m.At(x, y)
			switch mode {
			case "I;16", "I;16B", "I;16L":
				want = []int{int(color.Gray16Model.Convert(c).(color.Gray16).Y)}
			case "RGBa":
				r, g, bl, a := c.RGBA()
				want = []int{int(r >> 8), int(g >> 8), int(bl >> 8), int(a >> 8)}
			default:
				n := color.NRGBAModel.Convert(c).(color.NRGBA)
				if premul {
					// Compare premultiplied, as stored: unpremultiplied
					// 8-bit colour is meaningless at low alpha.
					r, g, bl, a := c.RGBA()
					want = []int{int(r >> 8), int(g >> 8), int(bl >> 8), int(a >> 8)}
					if len(got) == 4 {
						for i := range 3 {
							got[i] = (got[i]*got[3] + 127) / 255
						}
					}
					break
				}
				if m, ok := m.(*image.NRGBA64); ok {
					// Straight, as Pillow reads it: the high bytes.
					p := m.Pix[m.PixOffset(x, y):]
					n = color.NRGBA{p[0], p[2], p[4], p[6]}
				}
				want = []int{int(n.R), int(n.G), int(n.B), int(n.A)}
				if n.A == 0 && len(got) == 4 && got[3] == 0 {
					continue // no colour to compare
				}
			}
			if len(got) != len(want) {
				t.Fatalf("%s: Pillow gives %d values a pixel in mode %s", path, len(got), mode)
			}
			for i := range got {
				if d := max(got[i]-want[i], want[i]-got[i]); d > worst {
					worst, where = d, fmt.Sprintf("at (%d, %d) Pillow %v, ours %v", x, y, got, want)
				}
			}
		}
	}
	if worst > tolerance {
		t.Errorf("differs from Pillow (mode %s) by up to %d: %s", mode, worst, where)
	}
	return true
}

// TestTIFFVariants decodes every spec in every tiffcp variant and checks
// the result sample for sample against the values written, and against
// Pillow's reading of the same file.
func TestTIFFVariants(t *testing.T) {
	needTool(t, "tiffcp", "libtiff-tools")
	dir := t.TempDir()
	var paths []string
	for _, sp := range tiffSpecs {
		for _, v := range tiffcpVariants {
			if v.wideBPS && sp.bps < 8 || v.planar && sp.spp == 1 {
				continue
			}
			// tiffcp's copy of 16-bit planar tiles swaps bytes between
			// the planes (libtiff's own tiff2rgba reads it so too).
			if v.planar && v.tile > 0 && sp.bps == 16 && v.args != nil {
				continue
			}
			base := filepath.Join(dir, fmt.Sprintf("%s.%t.%d.tif", sp.name, v.planar, v.tile))
			writeFile(t, base, sp.file(v.planar, v.tile))
			out := filepath.Join(dir, sp.name+"-"+v.name+".tif")
			paths = append(paths, out)
			if v.args == nil {
				writeFile(t, out, readFile(t, base))
				continue
			}
			args := append(append([]string{}, v.args...), base, out)
			if b, err := exec.Command("tiffcp", args...).CombinedOutput(); err != nil {
				t.Fatalf("tiffcp %v: %v\n%s", args, err, b)
			}
		}
		// Compression 32946, the old code for Deflate, on the same data.
		old := filepath.Join(dir, sp.name+"-deflate-old.tif")
		writeFile(t, old, tiffSetTag(t, readFile(t, filepath.Join(dir, sp.name+"-zip.tif")), tagCompression, tiffDeflateOld))
		paths = append(paths, old)
	}
	pillow(t, dir, pillowDump, paths...)
	compared := 0
	for _, sp := range tiffSpecs {
		want := sp.want()
		for _, path := range paths {
			name := filepath.Base(path)
			if !strings.HasPrefix(name, sp.name+"-") {
				continue
			}
			t.Run(name, func(t *testing.T) {
				d, err := Open(path, Limits{})
				if err != nil {
					t.Fatal(err)
				}
				if typeOf(d.Image) != typeOf(want) {
					t.Fatalf("decoded a %s, want a %s", typeOf(d.Image), typeOf(want))
				}
				if i := firstPixDiff(d.Image, want); i != "" {
					t.Errorf("differs from the samples written: %s", i)
				}
				if why := pillowWrong(sp, name); why != "" {
					t.Logf("not compared with Pillow: %s", why)
					// tiff2rgba reads neither CMYK planar files nor the
					// partial tiles of 16-bit grey (it gives black where
					// Pillow and the samples written agree).
					if len(sp.extra) == 0 && sp.photometric != tiffSeparated && !strings.Contains(name, "tiled") {
						libtiffCompare(t, path, d.Image)
						compared++
					}
					return
				}
				// Pillow converts CMYK to RGB with rounding, which the
				// naive conversion here truncates; premultiplied colour
				// goes through Pillow's unpremultiplied 8 bits.
				tol := 0
				premul := len(sp.extra) > 0 && sp.extra[0] == tiffAlphaAssociated
				if sp.photometric == tiffSeparated || premul {
					tol = 1
				}
				if premul && sp.bps == 16 {
					tol = 2
				}
				if pillowCompare(t, path, d.Image, tol, premul) {
					compared++
				}
			})
		}
	}
	t.Logf("%d files, %d also compared with Pillow or libtiff", len(paths), compared)
}

// pillowWrong says why Pillow 9.4's reading of a variant is not a
// reference: where it was checked to disagree with the samples written and
// with libtiff's own reading (tiff2rgba).
func pillowWrong(sp tiffSpec, file string) string {
	planar := strings.Contains(file, "planar")
	switch {
	case sp.bps == 16 && planar:
		return "Pillow reads 16-bit planar samples with wrong values"
	case sp.photometric == tiffWhiteIsZero && sp.bps == 16:
		return "Pillow does not invert 16-bit WhiteIsZero"
	case sp.colors() == 1 && len(sp.extra) > 0 && planar:
		return "Pillow reads a planar grey+alpha file's alpha wrong"
	}
	return ""
}

// libtiffCompare compares m with libtiff's own reading of the file, through
// tiff2rgba (8-bit RGB, converted from 16 bits with rounding where this
// package takes the high byte: within 1).
func libtiffCompare(t *testing.T, path string, m image.Image) {
	t.Helper()
	out := path + ".rgba.tif"
	if b, err := exec.Command("tiff2rgba", "-c", "none", "-n", path, out).CombinedOutput(); err != nil {
		t.Fatalf("tiff2rgba: %v\n%s", err, b)
	}
	ref, err := Open(out, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if worst, _ := maxDiff(t, m, ref.Image); worst > 1 {
		t.Errorf("differs from libtiff's tiff2rgba by up to %d", worst)
	}
}

func (sp tiffSpec) colors() int { return sp.spp - len(sp.extra) }

// firstPixDiff compares two images of the same type byte for byte.
func firstPixDiff(a, b image.Image) string {
	pix := func(m image.Image) ([]byte, int) {
		switch m := m.(type) {
		case *image.Gray:
			return m.Pix, m.Stride
		case *image.Gray16:
			return m.Pix, m.Stride
		case *image.RGBA:
			return m.Pix, m.Stride
		case *image.NRGBA:
			return m.Pix, m.Stride
		case *image.RGBA64:
			return m.Pix, m.Stride
		case *image.NRGBA64:
			return m.Pix, m.Stride
		}
		return nil, 0
	}
	pa, sa := pix(a)
	pb, sb := pix(b)
	if a.Bounds() != b.Bounds() {
		return fmt.Sprintf("bounds %v and %v", a.Bounds(), b.Bounds())
	}
	bpp := sa / a.Bounds().Dx()
	for y := range a.Bounds().Dy() {
		ra, rb := pa[y*sa:y*sa+sa], pb[y*sb:y*sb+sa]
		if !bytes.Equal(ra, rb) {
			for i := range ra {
				if ra[i] != rb[i] {
					return fmt.Sprintf("at (%d, %d): % x, want % x", i/bpp, y, ra[i/bpp*bpp:][:bpp], rb[i/bpp*bpp:][:bpp])
				}
			}
		}
	}
	return ""
}

// tiffSetTag rewrites the value of a one-SHORT tag of the first IFD.
func tiffSetTag(t *testing.T, file []byte, tag uint16, v uint16) []byte {
	t.Helper()
	b := bytes.Clone(file)
	var bo binary.ByteOrder = binary.LittleEndian
	if string(b[:2]) == "MM" {
		bo = binary.BigEndian
	}
	off := int(bo.Uint32(b[4:]))
	for i := range int(bo.Uint16(b[off:])) {
		e := off + 2 + 12*i
		if bo.Uint16(b[e:]) == tag {
			if bo.Uint16(b[e+2:]) != tiffShort {
				t.Fatalf("tag %d is not a SHORT", tag)
			}
			bo.PutUint16(b[e+8:], v)
			return b
		}
	}
	t.Fatalf("no tag %d", tag)
	return nil
}

// tiffEditEntry returns a copy of a little-endian file with edit applied
// to tag's 12-byte entry in the first IFD.
func tiffEditEntry(t *testing.T, file []byte, tag uint16, edit func(entry []byte)) []byte {
	t.Helper()
	b := bytes.Clone(file)
	le := binary.LittleEndian
	off := int(le.Uint32(b[4:]))
	for i := range int(le.Uint16(b[off:])) {
		e := off + 2 + 12*i
		if le.Uint16(b[e:]) == tag {
			edit(b[e : e+12])
			return b
		}
	}
	t.Fatalf("no tag %d", tag)
	return nil
}

// tiffSetCount rewrites the value count of a tag of the first IFD.
func tiffSetCount(t *testing.T, file []byte, tag uint16, n uint32) []byte {
	t.Helper()
	return tiffEditEntry(t, file, tag, func(e []byte) { binary.LittleEndian.PutUint32(e[4:], n) })
}

// TestTIFFRefusals: variants the decoder does not read are refused, from
// the header, with the tag and value named, never decoded into a guess.
func TestTIFFRefusals(t *testing.T) {
	gray8 := tiffSpec{name: "gray8", bps: 8, spp: 1, photometric: tiffBlackIsZero}
	gray1 := tiffSpec{name: "gray1", bps: 1, spp: 1, photometric: tiffBlackIsZero}
	rgb8 := tiffSpec{name: "rgb8", bps: 8, spp: 3, photometric: tiffRGB}
	cmyk8 := tiffSpec{name: "cmyk8", bps: 8, spp: 4, photometric: tiffSeparated}
	with := func(sp tiffSpec, tags map[uint16]uint16) tiffSpec {
		sp.tags = tags
		return sp
	}
	set := func(file []byte, tag, v uint16) []byte { return tiffSetTag(t, file, tag, v) }
	palette16 := tiffSpec{name: "palette16", bps: 16, spp: 1, photometric: tiffPalette}
	oldLZW := set(gray8.file(false, 0), tagCompression, tiffLZW)
	oldLZW[8], oldLZW[9] = 0x00, 0x01 // a clear code written least significant bit first
	for _, tc := range []struct {
		name string
		file []byte
		want string
	}{
		{"float", set(with(gray8, map[uint16]uint16{tagSampleFormat: 3}).file(false, 0), tagBitsPerSample, 32),
			"BitsPerSample (tag 258) 32: 32- and 64-bit samples"},
		{"12-bit", set(gray8.file(false, 0), tagBitsPerSample, 12), "BitsPerSample (tag 258) 12"},
		{"signed", with(gray8, map[uint16]uint16{tagSampleFormat: 2}).file(false, 0), "SampleFormat (tag 339) 2"},
		{"float 16-bit", with(tiffSpec{bps: 16, spp: 1, photometric: tiffBlackIsZero}, map[uint16]uint16{tagSampleFormat: 3}).file(false, 0),
			"SampleFormat (tag 339) 3"},
		{"YCbCr", set(rgb8.file(false, 0), tagPhotometric, 6), "PhotometricInterpretation 6 (YCbCr)"},
		{"CIELab", set(rgb8.file(false, 0), tagPhotometric, 8), "PhotometricInterpretation 8 (CIELab)"},
		{"JPEG", set(rgb8.file(false, 0), tagCompression, tiffCompJPEG), "Compression 7 (JPEG)"},
		{"old JPEG", set(rgb8.file(false, 0), tagCompression, tiffCompJPEGOld), "Compression 6 (old-style JPEG)"},
		{"CCITT G4", set(gray1.file(false, 0), tagCompression, 4), "Compression 4 (CCITT Group 4 fax)"},
		{"Zstandard", set(rgb8.file(false, 0), tagCompression, 50000), "Compression 50000 (Zstandard)"},
		{"unknown compression", set(rgb8.file(false, 0), tagCompression, 12345), "Compression (tag 259) 12345"},
		{"float predictor", set(with(rgb8, map[uint16]uint16{tagPredictor: 3}).file(false, 0), tagCompression, tiffLZW),
			"Predictor (tag 317) 3"},
		{"old-style LZW", oldLZW, "old-style (pre-TIFF 6) LZW"},
		{"RGB 4-bit", tiffSpec{bps: 4, spp: 3, photometric: tiffRGB}.file(false, 0), "BitsPerSample (tag 258) 4: RGB of fewer than 8 bits"},
		{"ink set", with(cmyk8, map[uint16]uint16{tagInkSet: 2}).file(false, 0), "InkSet (tag 332) 2"},
		{"palette 16-bit", palette16.file(false, 0), "more than 256 colours"},
		{"extra sample kind", tiffSpec{bps: 8, spp: 4, photometric: tiffRGB, extra: []uint16{3}}.file(false, 0), "ExtraSamples (tag 338) 3"},
		{"no photometric", tiffWithoutTag(t, rgb8.file(false, 0), tagPhotometric), "PhotometricInterpretation (tag 262) missing"},
		{"no BitsPerSample values", tiffSetCount(t, gray8.file(false, 0), tagBitsPerSample, 0), "tag 258 has no values"},
		{"no SampleFormat values", tiffSetCount(t, with(gray8, map[uint16]uint16{tagSampleFormat: 1}).file(false, 0), tagSampleFormat, 0),
			"tag 339 has no values"},
		{"too few samples", set(rgb8.file(false, 0), tagSamplesPerPixel, 2), "SamplesPerPixel (tag 277) 2: RGB needs 3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := decodeBytes(tc.file, "bad.tif", Limits{})
			if err == nil {
				t.Fatalf("decoded a %s, want a refusal", typeOf(d.Image))
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "bad.tif: ") {
				t.Fatalf("error %q, want it to name the file and say %q", err, tc.want)
			}
		})
	}
}

// tiffWithoutTag renames tag in the first IFD to an unknown private tag, so
// the directory keeps its shape and the tag is gone.
func tiffWithoutTag(t *testing.T, file []byte, tag uint16) []byte {
	t.Helper()
	return tiffEditEntry(t, file, tag, func(e []byte) { binary.LittleEndian.PutUint16(e, 65000) })
}

// TestTIFFTruncated: a file cut short in its pixel data is an error naming
// the strip or tile, never an image with a missing part filled in.
func TestTIFFTruncated(t *testing.T) {
	for _, tc := range []struct {
		name string
		file []byte
		want string
	}{
		{"strip", tiffSpec{bps: 8, spp: 3, photometric: tiffRGB}.file(false, 0), "TIFF strip 0 of 1: row "},
		{"tile", tiffSpec{bps: 16, spp: 2, photometric: tiffBlackIsZero, extra: []uint16{tiffAlphaStraight}}.file(true, 16), "TIFF tile 11 of 12: row "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Point the last chunk's data at the file's last 10 bytes
			// (the IFD follows the data in these files), so that it ends
			// part of the way through.
			b := bytes.Clone(tc.file)
			le := binary.LittleEndian
			ifd := int(le.Uint32(b[4:]))
			d, err := readTIFFDir(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			offTag := uint16(tagStripOffsets)
			if d.has(tagTileOffsets) {
				offTag = tagTileOffsets
			}
			offs, err := d.uints(offTag, 1000)
			if err != nil {
				t.Fatal(err)
			}
			last := len(offs) - 1
			e := d.entries[offTag]
			at := int64(le.Uint32(e.value[:]))
			if e.count == 1 {
				at = -1
			}
			newOff := uint32(len(b) - 10)
			if at < 0 {
				// The value is in the entry itself.
				for i := range int(le.Uint16(b[ifd:])) {
					p := ifd + 2 + 12*i
					if le.Uint16(b[p:]) == offTag {
						le.PutUint32(b[p+8:], newOff)
					}
				}
			} else {
				le.PutUint32(b[at+int64(4*last):], newOff)
			}
			_, err = decodeBytes(b, "cut.tif", Limits{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one saying %q", err, tc.want)
			}
		})
	}
}

// TestTIFFLZWLarge: strips long and noisy enough that the LZW table fills,
// is cleared and fills again, with 12-bit codes, decode to the pixels
// written, with and without the predictor.
func TestTIFFLZWLarge(t *testing.T) {
	needTool(t, "tiffcp", "libtiff-tools")
	dir := t.TempDir()
	src := photo(600, 400, 5)
	var b bytes.Buffer
	if err := xtiff.Encode(&b, src, nil); err != nil {
		t.Fatal(err)
	}
	base := filepath.Join(dir, "base.tif")
	writeFile(t, base, b.Bytes())
	for _, args := range [][]string{{"-c", "lzw", "-r", "400"}, {"-c", "lzw:2", "-r", "400"}, {"-c", "lzw", "-t", "-w", "256", "-l", "256"}} {
		out := filepath.Join(dir, strings.Join(args, "")+".tif")
		if b, err := exec.Command("tiffcp", append(args, base, out)...).CombinedOutput(); err != nil {
			t.Fatalf("tiffcp %v: %v\n%s", args, err, b)
		}
		d, err := Open(out, Limits{})
		if err != nil {
			t.Fatal(err)
		}
		if worst, _ := maxDiff(t, d.Image, src); worst != 0 {
			t.Errorf("tiffcp %v: differs from the pixels written by up to %d", args, worst)
		}
	}
}

// tiffRewriteEntry rewrites the whole entry of tag in the first IFD: its
// tag, field type, count and value (or value offset).
func tiffRewriteEntry(t *testing.T, file []byte, tag, newTag, typ uint16, count, value uint32) []byte {
	t.Helper()
	b := bytes.Clone(file)
	le := binary.LittleEndian
	off := int(le.Uint32(b[4:]))
	for i := range int(le.Uint16(b[off:])) {
		e := off + 2 + 12*i
		if le.Uint16(b[e:]) == tag {
			le.PutUint16(b[e:], newTag)
			le.PutUint16(b[e+2:], typ)
			le.PutUint32(b[e+4:], count)
			le.PutUint32(b[e+8:], value)
			return b
		}
	}
	t.Fatalf("no tag %d", tag)
	return nil
}

// TestTIFFValuesPastTheEnd: a tag whose values would lie past the end of
// the file is an error naming the tag, found before the values are
// allocated: a file of a few hundred bytes must not make the decoder
// allocate what its counts claim (4 bytes for each of billions of strips).
func TestTIFFValuesPastTheEnd(t *testing.T) {
	gray8 := tiffSpec{name: "gray8", bps: 8, spp: 1, photometric: tiffBlackIsZero}.file(false, 0)
	// 50 million one-row strips of one pixel: 200 MB of StripOffsets.
	manyStrips := tiffSetCount(t, tiffSetTag(t, tiffWithSize(t, gray8, 1, 50_000_000), tagRowsPerStrip, 1), tagStripOffsets, 50_000_000)
	// A 30 MB profile at offset 8.
	bigICC := tiffRewriteEntry(t, gray8, tagCompression, tagICC, tiffUndefined, 30<<20, 8)
	for _, tc := range []struct {
		name string
		file []byte
		want string
	}{
		{"StripOffsets", manyStrips, "TIFF tag 273: 200000000 bytes at offset 8: unexpected EOF"},
		{"InterColorProfile", bigICC, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			d, err := decodeBytes(tc.file, "claims.tif", Limits{})
			runtime.ReadMemStats(&after)
			if tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "claims.tif: ")) {
				t.Errorf("error %v, want it to name the file and say %q", err, tc.want)
			}
			if tc.want == "" && err != nil {
				t.Errorf("error %v, want the pixels without a profile", err)
			}
			if tc.want == "" && err == nil && d.ICC != nil {
				t.Errorf("a profile of %d bytes, want none", len(d.ICC))
			}
			if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
				t.Errorf("allocated %d bytes for a file of %d", n, len(tc.file))
			}
		})
	}
}

// TestTIFFEmptyDirectory: a first directory of no entries is refused as
// such, whatever the reader: a zero-length read at the end of the file
// is io.EOF from a bytes.Reader and success from an *os.File, which made
// the same file a truncation through one and a missing tag through the
// other.
func TestTIFFEmptyDirectory(t *testing.T) {
	for name, file := range map[string][]byte{
		"at the end":    []byte("II*\x00\x08\x00\x00\x00\x00\x00"),
		"before more":   []byte("II*\x00\x08\x00\x00\x00\x00\x00\x00\x00\x00\x00"),
		"big-endian":    []byte("MM\x00*\x00\x00\x00\x08\x00\x00"),
		"fuzzer's find": append(append([]byte("II*\x00\xc8\x00\x00\x00"), bytes.Repeat([]byte("0"), 192)...), 0, 0),
	} {
		for _, r := range []io.ReadSeeker{bytes.NewReader(file), onlyReadSeeker{bytes.NewReader(file)}} {
			_, err := Decode(r, "empty.tif", Limits{})
			if err == nil || !strings.Contains(err.Error(), "has no entries") || !strings.HasPrefix(err.Error(), "empty.tif: ") {
				t.Errorf("%s, %T: error %v, want one naming the file and saying the directory has no entries", name, r, err)
			}
		}
	}
}

// TestTIFFOrientationCount: an Orientation tag of other than one value
// holds an offset, or two values, in its entry: upright, as a corrupt tag
// is, never a turn read from the offset's bytes.
func TestTIFFOrientationCount(t *testing.T) {
	gray8 := tiffSpec{name: "gray8", bps: 8, spp: 1, photometric: tiffBlackIsZero}.file(false, 0)
	for _, tc := range []struct {
		name  string
		typ   uint16
		count uint32
		want  Orientation
	}{
		{"one SHORT", tiffShort, 1, Rotate90},
		{"one LONG", tiffLong, 1, Rotate90},
		{"three SHORTs at offset 6", tiffShort, 3, Upright},
		{"two SHORTs in place", tiffShort, 2, Upright},
		{"two LONGs at offset 6", tiffLong, 2, Upright},
	} {
		file := tiffRewriteEntry(t, gray8, tagCompression, tagOrientation, tc.typ, tc.count, 6)
		if o := tiffOrientation(bytes.NewReader(file)); o != tc.want {
			t.Errorf("%s: orientation %d, want %d", tc.name, o, tc.want)
		}
	}
}
