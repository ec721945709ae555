package imagefile

import (
	"bufio"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	"io"
)

// The TIFF tags the decoder reads.
const (
	tagImageWidth      = 256
	tagImageLength     = 257
	tagBitsPerSample   = 258
	tagCompression     = 259
	tagPhotometric     = 262
	tagFillOrder       = 266
	tagStripOffsets    = 273
	tagSamplesPerPixel = 277
	tagRowsPerStrip    = 278
	tagStripByteCounts = 279
	tagPlanarConfig    = 284
	tagPredictor       = 317
	tagColorMap        = 320
	tagTileWidth       = 322
	tagTileLength      = 323
	tagTileOffsets     = 324
	tagTileByteCounts  = 325
	tagInkSet          = 332
	tagExtraSamples    = 338
	tagSampleFormat    = 339
)

// tiffTagNames names the tags in refusals, so that a user can look them up.
var tiffTagNames = map[uint16]string{
	tagImageWidth: "ImageWidth", tagImageLength: "ImageLength", tagBitsPerSample: "BitsPerSample",
	tagCompression: "Compression", tagPhotometric: "PhotometricInterpretation", tagFillOrder: "FillOrder",
	tagStripOffsets: "StripOffsets", tagSamplesPerPixel: "SamplesPerPixel", tagRowsPerStrip: "RowsPerStrip",
	tagStripByteCounts: "StripByteCounts", tagPlanarConfig: "PlanarConfiguration", tagPredictor: "Predictor",
	tagColorMap: "ColorMap", tagTileWidth: "TileWidth", tagTileLength: "TileLength",
	tagTileOffsets: "TileOffsets", tagTileByteCounts: "TileByteCounts", tagInkSet: "InkSet",
	tagExtraSamples: "ExtraSamples", tagSampleFormat: "SampleFormat",
}

// Compression values.
const (
	tiffNone        = 1
	tiffLZW         = 5
	tiffDeflate     = 8
	tiffDeflateOld  = 32946
	tiffPackBits    = 32773
	tiffCompJPEGOld = 6
	tiffCompJPEG    = 7
)

var tiffCompressionNames = map[uint32]string{
	2: "CCITT RLE", 3: "CCITT Group 3 fax", 4: "CCITT Group 4 fax", tiffLZW: "LZW",
	tiffCompJPEGOld: "old-style JPEG", tiffCompJPEG: "JPEG", tiffDeflate: "Deflate",
	32946: "Deflate", tiffPackBits: "PackBits", 34676: "SGI LogLuv", 34677: "SGI LogLuv 24",
	34712: "JPEG 2000", 34887: "LERC", 34925: "LZMA", 50000: "Zstandard", 50001: "WebP",
	50002: "JPEG XL",
}

// Photometric interpretations.
const (
	tiffWhiteIsZero = 0
	tiffBlackIsZero = 1
	tiffRGB         = 2
	tiffPalette     = 3
	tiffSeparated   = 5
)

var tiffPhotometricNames = map[uint32]string{
	tiffWhiteIsZero: "WhiteIsZero", tiffBlackIsZero: "BlackIsZero", tiffRGB: "RGB",
	tiffPalette: "Palette", 4: "TransparencyMask", tiffSeparated: "Separated (CMYK)", 6: "YCbCr",
	8: "CIELab", 9: "ICCLab", 10: "ITULab", 32803: "CFA", 32844: "LogL", 32845: "LogLuv",
	34892: "LinearRaw",
}

// Extra sample kinds.
const (
	tiffAlphaNone       = 0
	tiffAlphaAssociated = 1
	tiffAlphaStraight   = 2
)

// maxTIFFTile bounds a tile's width and height. Real files use 16 to 1024;
// the bound keeps a row buffer small whatever a header claims.
const maxTIFFTile = 1 << 16

// tiffImage is the first image of a TIFF file as far as the decoder reads
// it: everything checked, nothing guessed.
type tiffImage struct {
	d           *tiffDir
	w, h        int
	bps, spp    int
	colors      int // colour samples: 1 (grey, palette), 3 (RGB) or 4 (CMYK)
	alpha       uint32
	photometric uint32
	planar      bool
	compression uint32
	predictor   uint32
	fillRev     bool // FillOrder 2: bits stored least significant first
	tiled       bool
	tileW       int // strips: the image width
	tileH       int // strips: rows per strip
	offsets     []uint32
	counts      []uint32 // nil for an uncompressed file that omits them
	palette     color.Palette
}

// tiffRefusal is the error for a file the decoder does not read, naming the
// tag and its value.
func tiffRefusal(tag uint16, v uint32, why string) error {
	name := tiffTagNames[tag]
	switch tag {
	case tagCompression:
		if n, ok := tiffCompressionNames[v]; ok {
			return fmt.Errorf("TIFF %s %d (%s): %s", name, v, n, why)
		}
	case tagPhotometric:
		if n, ok := tiffPhotometricNames[v]; ok {
			return fmt.Errorf("TIFF %s %d (%s): %s", name, v, n, why)
		}
	}
	return fmt.Errorf("TIFF %s (tag %d) %d: %s", name, tag, v, why)
}

// tiffConfig reads and checks the first image's header: every field the
// colour model depends on, so that a variant the decoder does not read is
// refused before any memory is committed to it. Where the strips or tiles
// are is read by decode, once the caller has checked the size: their count
// follows from it.
func tiffConfig(ra io.ReaderAt) (*tiffImage, image.Config, error) {
	d, err := readTIFFDir(ra)
	if err != nil {
		return nil, image.Config{}, err
	}
	t := &tiffImage{d: d}
	if err := t.parse(); err != nil {
		return nil, image.Config{}, err
	}
	return t, image.Config{ColorModel: t.model(), Width: t.w, Height: t.h}, nil
}

func (t *tiffImage) parse() error {
	d := t.d
	for _, tag := range []uint16{tagImageWidth, tagImageLength, tagPhotometric} {
		if !d.has(tag) {
			return fmt.Errorf("TIFF %s (tag %d) missing", tiffTagNames[tag], tag)
		}
	}
	w, err := d.uint(tagImageWidth, 0)
	if err != nil {
		return err
	}
	h, err := d.uint(tagImageLength, 0)
	if err != nil {
		return err
	}
	if w == 0 || h == 0 || w > maxSide || h > maxSide {
		return fmt.Errorf("TIFF image of %d×%d: %w", w, h, ErrSize)
	}
	t.w, t.h = int(w), int(h)

	spp, err := d.uint(tagSamplesPerPixel, 1)
	if err != nil {
		return err
	}
	if spp < 1 || spp > 16 {
		return tiffRefusal(tagSamplesPerPixel, spp, "not 1 to 16")
	}
	t.spp = int(spp)
	bps := []uint32{1}
	if d.has(tagBitsPerSample) {
		if bps, err = d.uints(tagBitsPerSample, 16); err != nil {
			return err
		}
	}
	for _, b := range bps[1:] {
		if b != bps[0] {
			return tiffRefusal(tagBitsPerSample, b, fmt.Sprintf("samples of different sizes (%v) are not read", bps))
		}
	}
	switch bps[0] {
	case 1, 2, 4, 8, 16:
	case 32, 64:
		return tiffRefusal(tagBitsPerSample, bps[0], "32- and 64-bit samples (floating point or integer) are not read")
	default:
		return tiffRefusal(tagBitsPerSample, bps[0], "only 1, 2, 4, 8 and 16 bits a sample are read")
	}
	t.bps = int(bps[0])
	if d.has(tagSampleFormat) {
		sf, err := d.uints(tagSampleFormat, 16)
		if err != nil {
			return err
		}
		for _, f := range sf {
			if f != 1 {
				return tiffRefusal(tagSampleFormat, f, "only unsigned integer samples (1) are read")
			}
		}
	}

	comp, err := d.uint(tagCompression, tiffNone)
	if err != nil {
		return err
	}
	switch comp {
	case tiffNone, tiffLZW, tiffDeflate, tiffDeflateOld, tiffPackBits:
	default:
		return tiffRefusal(tagCompression, comp, "only uncompressed, LZW, Deflate and PackBits data are read")
	}
	t.compression = comp
	pred, err := d.uint(tagPredictor, 1)
	if err != nil {
		return err
	}
	// libtiff applies the predictor only in the codecs that define it
	// (LZW and Deflate here) and ignores it otherwise; so does this.
	if comp != tiffLZW && comp != tiffDeflate && comp != tiffDeflateOld {
		pred = 1
	}
	switch {
	case pred == 1:
	case pred == 2 && (t.bps == 8 || t.bps == 16):
	case pred == 2:
		return tiffRefusal(tagPredictor, pred, fmt.Sprintf("horizontal differencing of %d-bit samples is not read", t.bps))
	default:
		return tiffRefusal(tagPredictor, pred, "only no predictor (1) and horizontal differencing (2) are read")
	}
	t.predictor = pred
	fill, err := d.uint(tagFillOrder, 1)
	if err != nil {
		return err
	}
	if fill != 1 && fill != 2 {
		return tiffRefusal(tagFillOrder, fill, "not 1 or 2")
	}
	t.fillRev = fill == 2

	pc, err := d.uint(tagPlanarConfig, 1)
	if err != nil {
		return err
	}
	if pc != 1 && pc != 2 {
		return tiffRefusal(tagPlanarConfig, pc, "not 1 (chunky) or 2 (planar)")
	}
	t.planar = pc == 2 && t.spp > 1

	return t.parseColour()
}

// parseColour reads the photometric interpretation and what goes with it:
// the palette, the ink set, the extra samples.
func (t *tiffImage) parseColour() error {
	d := t.d
	ph, err := d.uint(tagPhotometric, 0)
	if err != nil {
		return err
	}
	t.photometric = ph
	switch ph {
	case tiffWhiteIsZero, tiffBlackIsZero:
		t.colors = 1
	case tiffRGB:
		t.colors = 3
	case tiffPalette:
		t.colors = 1
	case tiffSeparated:
		ink, err := d.uint(tagInkSet, 1)
		if err != nil {
			return err
		}
		if ink != 1 {
			return tiffRefusal(tagInkSet, ink, "only CMYK inks (1) are read")
		}
		t.colors = 4
	default:
		return tiffRefusal(tagPhotometric, ph, "only WhiteIsZero, BlackIsZero, RGB, Palette and CMYK are read")
	}
	if t.spp < t.colors {
		return tiffRefusal(tagSamplesPerPixel, uint32(t.spp), fmt.Sprintf("%s needs %d", tiffPhotometricNames[ph], t.colors))
	}
	if t.colors > 1 && t.bps < 8 {
		return tiffRefusal(tagBitsPerSample, uint32(t.bps), fmt.Sprintf("%s of fewer than 8 bits a sample is not read", tiffPhotometricNames[ph]))
	}
	if extra := t.spp - t.colors; extra > 0 && d.has(tagExtraSamples) {
		es, err := d.uints(tagExtraSamples, 16)
		if err != nil {
			return err
		}
		if len(es) != extra {
			return fmt.Errorf("TIFF ExtraSamples (tag %d) has %d values for %d extra samples", tagExtraSamples, len(es), extra)
		}
		switch es[0] {
		case tiffAlphaNone, tiffAlphaAssociated, tiffAlphaStraight:
			t.alpha = es[0]
		default:
			return tiffRefusal(tagExtraSamples, es[0], "not 0 (unspecified), 1 (associated alpha) or 2 (unassociated alpha)")
		}
	}
	// Extra samples without ExtraSamples are unspecified, as libtiff takes
	// them: not alpha, and left out.
	if t.alpha != tiffAlphaNone {
		switch {
		case t.bps < 8:
			return tiffRefusal(tagBitsPerSample, uint32(t.bps), "alpha of fewer than 8 bits a sample is not read")
		case ph == tiffPalette || ph == tiffSeparated:
			return tiffRefusal(tagPhotometric, ph, "with an alpha sample is not read")
		}
	}
	if ph == tiffPalette {
		if t.bps > 8 {
			return tiffRefusal(tagBitsPerSample, uint32(t.bps), "a palette of more than 256 colours is not read")
		}
		n := 1 << t.bps
		if !d.has(tagColorMap) {
			return fmt.Errorf("TIFF Palette image without a ColorMap (tag %d)", tagColorMap)
		}
		cm, err := d.uints(tagColorMap, 3*256)
		if err != nil {
			return err
		}
		if len(cm) != 3*n {
			return fmt.Errorf("TIFF ColorMap (tag %d) has %d values, want %d for %d-bit indices", tagColorMap, len(cm), 3*n, t.bps)
		}
		t.palette = make(color.Palette, n)
		for i := range n {
			// The high byte, as libtiff's and Pillow's 8-bit readings do.
			t.palette[i] = color.RGBA{uint8(cm[i] >> 8), uint8(cm[n+i] >> 8), uint8(cm[2*n+i] >> 8), 0xff}
		}
	}
	return nil
}

// parseLayout reads where the strips or tiles are.
func (t *tiffImage) parseLayout() error {
	d := t.d
	offTag, countTag := uint16(tagStripOffsets), uint16(tagStripByteCounts)
	if d.has(tagTileWidth) || d.has(tagTileLength) || d.has(tagTileOffsets) {
		t.tiled = true
		offTag, countTag = tagTileOffsets, tagTileByteCounts
		tw, err := d.uint(tagTileWidth, 0)
		if err != nil {
			return err
		}
		th, err := d.uint(tagTileLength, 0)
		if err != nil {
			return err
		}
		if tw == 0 || tw > maxTIFFTile {
			return tiffRefusal(tagTileWidth, tw, fmt.Sprintf("not 1 to %d", maxTIFFTile))
		}
		if th == 0 || th > maxTIFFTile {
			return tiffRefusal(tagTileLength, th, fmt.Sprintf("not 1 to %d", maxTIFFTile))
		}
		t.tileW, t.tileH = int(tw), int(th)
	} else {
		rps, err := d.uint(tagRowsPerStrip, 1<<32-1)
		if err != nil {
			return err
		}
		if rps == 0 {
			return tiffRefusal(tagRowsPerStrip, rps, "zero rows a strip")
		}
		t.tileW, t.tileH = t.w, int(min(uint64(rps), uint64(t.h)))
	}
	n := t.chunks()
	if !d.has(offTag) {
		return fmt.Errorf("TIFF %s (tag %d) missing", tiffTagNames[offTag], offTag)
	}
	var err error
	if t.offsets, err = d.uints(offTag, n); err != nil {
		return fmt.Errorf("%w (the image has %d)", err, n)
	}
	if len(t.offsets) != n {
		return fmt.Errorf("TIFF %s (tag %d) has %d values, want %d", tiffTagNames[offTag], offTag, len(t.offsets), n)
	}
	if !d.has(countTag) {
		if t.compression != tiffNone {
			return fmt.Errorf("TIFF %s (tag %d) missing", tiffTagNames[countTag], countTag)
		}
		return nil // uncompressed: each chunk's size is known
	}
	if t.counts, err = d.uints(countTag, n); err != nil {
		return fmt.Errorf("%w (the image has %d)", err, n)
	}
	if len(t.counts) != n {
		return fmt.Errorf("TIFF %s (tag %d) has %d values, want %d", tiffTagNames[countTag], countTag, len(t.counts), n)
	}
	return nil
}

// across and down are the number of tiles (or strips) in a row and a
// column of one plane.
func (t *tiffImage) across() int { return ceilDiv(t.w, t.tileW) }
func (t *tiffImage) down() int   { return ceilDiv(t.h, t.tileH) }

// planes is how many separately stored sample planes there are.
func (t *tiffImage) planes() int {
	if t.planar {
		return t.spp
	}
	return 1
}

// chunks is the number of strips or tiles.
func (t *tiffImage) chunks() int { return t.across() * t.down() * t.planes() }

// model is the colour model of the image decode returns (before normalize,
// which turns a palette and CMYK into RGBA or NRGBA).
func (t *tiffImage) model() color.Model {
	wide := t.bps == 16
	switch {
	case t.photometric == tiffPalette:
		return t.palette
	case t.photometric == tiffSeparated:
		return color.CMYKModel
	case t.colors == 1 && t.alpha == tiffAlphaNone:
		if wide {
			return color.Gray16Model
		}
		return color.GrayModel
	case t.alpha == tiffAlphaStraight:
		if wide {
			return color.NRGBA64Model
		}
		return color.NRGBAModel
	}
	// RGB, or grey or RGB with premultiplied alpha.
	if wide {
		return color.RGBA64Model
	}
	return color.RGBAModel
}

// tiffOut is the image being written and how samples land in it.
type tiffOut struct {
	img    image.Image
	pix    []byte
	stride int
	oc     int // channels a pixel: 1 or 4
	ob     int // bytes a channel: 1 or 2 (big-endian, as Go's 16-bit images)
	// dst lists, for each sample of a pixel, the channels it goes to; an
	// unspecified extra sample goes nowhere.
	dst [][]int
}

func (t *tiffImage) newOut() *tiffOut {
	r := image.Rect(0, 0, t.w, t.h)
	o := &tiffOut{oc: 4, ob: 1}
	switch m := t.model(); m {
	case color.GrayModel:
		g := image.NewGray(r)
		o.img, o.pix, o.stride, o.oc = g, g.Pix, g.Stride, 1
	case color.Gray16Model:
		g := image.NewGray16(r)
		o.img, o.pix, o.stride, o.oc, o.ob = g, g.Pix, g.Stride, 1, 2
	case color.CMYKModel:
		c := image.NewCMYK(r)
		o.img, o.pix, o.stride = c, c.Pix, c.Stride
	case color.NRGBAModel:
		c := image.NewNRGBA(r)
		o.img, o.pix, o.stride = c, c.Pix, c.Stride
	case color.NRGBA64Model:
		c := image.NewNRGBA64(r)
		o.img, o.pix, o.stride, o.ob = c, c.Pix, c.Stride, 2
	case color.RGBAModel:
		c := image.NewRGBA(r)
		o.img, o.pix, o.stride = c, c.Pix, c.Stride
	case color.RGBA64Model:
		c := image.NewRGBA64(r)
		o.img, o.pix, o.stride, o.ob = c, c.Pix, c.Stride, 2
	default: // the palette
		p := image.NewPaletted(r, t.palette)
		o.img, o.pix, o.stride, o.oc = p, p.Pix, p.Stride, 1
	}
	o.dst = make([][]int, t.spp)
	switch {
	case o.oc == 1:
		o.dst[0] = []int{0}
	case t.colors == 1:
		o.dst[0] = []int{0, 1, 2}
	default:
		for i := range t.colors {
			o.dst[i] = []int{i}
		}
	}
	if t.alpha != tiffAlphaNone {
		o.dst[t.colors] = []int{3}
	}
	return o
}

// decode decodes the first image.
func (t *tiffImage) decode() (image.Image, error) {
	if err := t.parseLayout(); err != nil {
		return nil, err
	}
	o := t.newOut()
	nIn := t.spp // samples a pixel in one chunk
	if t.planar {
		nIn = 1
	}
	rowBytes := (t.tileW*nIn*t.bps + 7) / 8
	row := make([]byte, rowBytes)
	perPlane := t.across() * t.down()
	var cr chunkReaders
	for i := range t.chunks() {
		plane, c := i/perPlane, i%perPlane
		x0, y0 := c%t.across()*t.tileW, c/t.across()*t.tileH
		rows := min(t.tileH, t.h-y0)
		cw := min(t.tileW, t.w-x0)
		if err := t.readChunk(&cr, i, rows, row, func(y int, row []byte) {
			t.put(o, row, x0, y0+y, cw, nIn, plane)
		}); err != nil {
			kind := "strip"
			if t.tiled {
				kind = "tile"
			}
			return nil, fmt.Errorf("TIFF %s %d of %d: %w", kind, i, t.chunks(), err)
		}
	}
	t.finish(o)
	return o.img, nil
}

// chunkReaders are the readers decode reuses from one strip or tile to the
// next: a file of many small tiles would otherwise allocate a buffer and a
// decompressor's state for each.
type chunkReaders struct {
	br  *bufio.Reader
	zr  io.ReadCloser
	lzw *lzwReader
}

// readChunk decompresses the first rows rows of chunk i, calling fn with
// each (row's length is one row of the chunk).
func (t *tiffImage) readChunk(cr *chunkReaders, i, rows int, row []byte, fn func(y int, row []byte)) error {
	off := int64(t.offsets[i])
	var size int64 = 1<<63 - 1
	if t.counts != nil {
		size = int64(t.counts[i])
	}
	var src io.Reader = io.NewSectionReader(t.d.ra, off, size)
	if t.fillRev {
		src = &bitReverser{r: src}
	}
	if cr.br == nil {
		cr.br = bufio.NewReaderSize(src, 32<<10)
	} else {
		cr.br.Reset(src)
	}
	br := cr.br
	var r io.Reader
	switch t.compression {
	case tiffNone:
		r = br
	case tiffLZW:
		// Old-style LZW (before TIFF 6) starts with a clear code
		// written least significant bit first; read as the standard
		// kind it would give garbage.
		if b, err := br.Peek(2); err == nil && b[0] == 0 && b[1]&1 != 0 {
			return errors.New("old-style (pre-TIFF 6) LZW is not read")
		}
		if cr.lzw == nil {
			cr.lzw = new(lzwReader)
		}
		cr.lzw.reset(br)
		r = cr.lzw
	case tiffDeflate, tiffDeflateOld:
		var err error
		if cr.zr == nil {
			cr.zr, err = zlib.NewReader(br)
		} else {
			err = cr.zr.(zlib.Resetter).Reset(br, nil)
		}
		if err != nil {
			cr.zr = nil // a failed reset leaves it unusable
			return fmt.Errorf("deflate data: %w", noEOF(err))
		}
		r = cr.zr
	case tiffPackBits:
		r = &packBitsReader{r: br}
	}
	for y := range rows {
		if _, err := io.ReadFull(r, row); err != nil {
			return fmt.Errorf("row %d: %w", y, noEOF(err))
		}
		if t.predictor == 2 {
			t.undoPredictor(row)
		}
		fn(y, row)
	}
	return nil
}

// undoPredictor reverses horizontal differencing in one row of one chunk.
func (t *tiffImage) undoPredictor(row []byte) {
	n := t.spp
	if t.planar {
		n = 1
	}
	if t.bps == 8 {
		for i := n; i < len(row); i++ {
			row[i] += row[i-n]
		}
		return
	}
	bo := t.d.bo
	for i := 2 * n; i+1 < len(row); i += 2 {
		bo.PutUint16(row[i:], bo.Uint16(row[i:])+bo.Uint16(row[i-2*n:]))
	}
}

// put writes cw pixels of one decoded row of a chunk (nIn samples each, the
// plane-th sample alone when planar) at (x0, y).
func (t *tiffImage) put(o *tiffOut, row []byte, x0, y, cw, nIn, plane int) {
	base := y*o.stride + x0*o.oc*o.ob
	// The common layouts: 8-bit samples straight into 8-bit channels.
	if t.bps == 8 && !t.planar && t.photometric != tiffWhiteIsZero {
		switch {
		case o.oc == 1 && nIn == 1:
			copy(o.pix[base:base+cw], row[:cw])
			return
		case o.oc == 4 && t.colors == 3 && nIn == 3:
			dst := o.pix[base : base+4*cw]
			for x := range cw {
				dst[4*x], dst[4*x+1], dst[4*x+2] = row[3*x], row[3*x+1], row[3*x+2]
			}
			return
		case o.oc == 4 && nIn == 4 && (t.colors == 4 || t.colors == 3 && t.alpha != tiffAlphaNone):
			copy(o.pix[base:base+4*cw], row[:4*cw])
			return
		}
	}
	bo := t.d.bo
	scale := uint32(1)
	if t.photometric != tiffPalette && t.bps < 8 {
		scale = 255 / (1<<t.bps - 1)
	}
	mask := uint32(1)<<t.bps - 1
	// 16-bit CMYK goes into image.CMYK's bytes, by the high byte as
	// Pillow reads it; the conversion to RGB is 8-bit anyway.
	shift := 0
	if t.bps == 16 && o.ob == 1 {
		shift = 8
	}
	for x := range cw {
		for k := range nIn {
			s := plane + k
			dst := o.dst[s]
			if len(dst) == 0 {
				continue
			}
			i := x*nIn + k
			var v uint32
			switch t.bps {
			case 8:
				v = uint32(row[i])
			case 16:
				v = uint32(bo.Uint16(row[2*i:]))
			default:
				bit := i * t.bps
				v = uint32(row[bit/8]) >> (8 - t.bps - bit%8) & mask * scale
			}
			p := base + x*o.oc*o.ob
			for _, c := range dst {
				if o.ob == 1 {
					o.pix[p+c] = uint8(v >> shift)
				} else {
					binary.BigEndian.PutUint16(o.pix[p+2*c:], uint16(v))
				}
			}
		}
	}
}

// finish fills what the samples did not: opaque alpha where the file has
// none, grey inverted for WhiteIsZero, and premultiplied colour kept at or
// under its alpha (a file breaking that rule would otherwise make colours
// the resize engine cannot blend).
func (t *tiffImage) finish(o *tiffOut) {
	if o.oc != 4 || t.photometric == tiffSeparated {
		if t.photometric == tiffWhiteIsZero {
			for i := range o.pix {
				o.pix[i] = ^o.pix[i]
			}
		}
		return
	}
	px := 4 * o.ob
	for y := range t.h {
		line := o.pix[y*o.stride : y*o.stride+t.w*px]
		for p := 0; p < len(line); p += px {
			if o.ob == 1 {
				q := line[p : p+4]
				if t.photometric == tiffWhiteIsZero {
					q[0], q[1], q[2] = ^q[0], ^q[1], ^q[2]
				}
				switch t.alpha {
				case tiffAlphaNone:
					q[3] = 0xff
				case tiffAlphaAssociated:
					q[0], q[1], q[2] = min(q[0], q[3]), min(q[1], q[3]), min(q[2], q[3])
				}
				continue
			}
			q := line[p : p+8]
			be := binary.BigEndian
			if t.photometric == tiffWhiteIsZero {
				for c := 0; c < 6; c++ {
					q[c] = ^q[c]
				}
			}
			switch t.alpha {
			case tiffAlphaNone:
				q[6], q[7] = 0xff, 0xff
			case tiffAlphaAssociated:
				a := be.Uint16(q[6:])
				for c := 0; c < 6; c += 2 {
					be.PutUint16(q[c:], min(be.Uint16(q[c:]), a))
				}
			}
		}
	}
}

// packBitsReader decodes PackBits (Apple's byte-oriented run-length code).
type packBitsReader struct {
	r       *bufio.Reader
	literal int  // literal bytes left in the current run
	repeat  int  // repeats left of b
	b       byte // the repeated byte
}

func (p *packBitsReader) Read(out []byte) (int, error) {
	n := 0
	for n < len(out) {
		switch {
		case p.literal > 0:
			k, err := io.ReadFull(p.r, out[n:n+min(p.literal, len(out)-n)])
			n += k
			p.literal -= k
			if err != nil {
				return n, noEOF(err)
			}
		case p.repeat > 0:
			k := min(p.repeat, len(out)-n)
			for i := range k {
				out[n+i] = p.b
			}
			n += k
			p.repeat -= k
		default:
			c, err := p.r.ReadByte()
			if err != nil {
				if n > 0 {
					return n, nil
				}
				return 0, err
			}
			switch h := int8(c); {
			case h >= 0:
				p.literal = int(h) + 1
			case h != -128: // -128 is a no-op
				if p.b, err = p.r.ReadByte(); err != nil {
					return n, noEOF(err)
				}
				p.repeat = 1 - int(h)
			}
		}
	}
	return n, nil
}

// bitReverser reverses the bits of every byte, for FillOrder 2.
type bitReverser struct{ r io.Reader }

func (b *bitReverser) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	for i := range p[:n] {
		p[i] = reverseBits[p[i]]
	}
	return n, err
}

var reverseBits = func() (t [256]byte) {
	for i := range t {
		for b := range 8 {
			if i&(1<<b) != 0 {
				t[i] |= 0x80 >> b
			}
		}
	}
	return t
}()
