package imagefile

import (
	"bufio"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"os"

	"golang.org/x/image/webp"
)

// Info is what the header of an image file tells.
type Info struct {
	Format Format
	// Width and Height are the upright size, after Orientation.
	Width, Height int
	// Orientation is how the stored image is turned upright: from EXIF in
	// JPEG (APP1), PNG (eXIf) and WebP (EXIF), and TIFF's Orientation tag;
	// Upright for GIF and BMP and for files without a usable one.
	Orientation Orientation
	// Model is the colour model of the image Decode returns, as far as
	// the header tells: the model of one of the types the package doc
	// lists, NRGBA where transparency shows only in the pixels (GIF, a
	// palette in BMP or TIFF).
	Model color.Model
	// ImageBytes is about what the decoded image takes in memory, and
	// DecodeBytes about what Decode allocates in all: the image as the
	// decoder makes it, the decoder's own buffers (a progressive JPEG's
	// coefficients, an interlaced PNG's passes, a TIFF strip), and the
	// conversion or upright turn beside it, garbage included, since it
	// takes memory until the collector runs. Both come from the header, so
	// that a batch can budget memory before decoding (see memory.go).
	ImageBytes, DecodeBytes int64
	// FileBytes is the size of the file, where the reader could tell it
	// (0 otherwise): libjpeg-turbo decodes from the whole file in memory.
	FileBytes int64
}

// Decoded is an upright decoded image file.
type Decoded struct {
	Info
	// Image is upright, has its origin at (0, 0) and is one of the types
	// listed in the package doc. It is Info's size divided by Shrink,
	// rounded up.
	Image image.Image
	// Shrink is the factor the decoder reduced the image by (1, 2, 4 or
	// 8) when DecodeOptions.AtLeast allowed it; 1 for a full decode.
	Shrink int
	// ICC is the embedded ICC colour profile, byte for byte, or nil.
	ICC []byte
	// Decoder names what decoded the pixels, for --verbose.
	Decoder string
	// Warning, when not nil, says the file was damaged but decoded, as
	// libjpeg-turbo decodes a truncated JPEG (the rest grey): the image is
	// usable, and the user should hear about it.
	Warning error
}

// DecodeOptions says what a decode may do beyond the plain full decode.
type DecodeOptions struct {
	Limits
	// AtLeast, when not zero, is the smallest upright size the caller
	// needs: a decoder that can reduce the image cheaply while decoding
	// (JPEG, in the DCT domain) may return it reduced by the largest
	// factor of 2, 4 or 8 that keeps both sides at least this large.
	AtLeast image.Point
	// FullChroma says the caller keeps full-resolution chroma (a PNG, a
	// 4:4:4 JPEG): a subsampled JPEG then comes as RGB, its chroma
	// upsampled by libjpeg as Pillow and libvips decode it (reduced, at
	// the file's own chroma resolution, where planes would have halved it
	// again: see jpegturbo.DecodeRGB), rather than as planes. Planes are
	// faster where the output keeps them.
	FullChroma bool
}

// Open reads the image file at path, refusing it from its header alone if it
// is over the limits. Errors name the file.
func Open(path string, limits Limits) (*Decoded, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err // *fs.PathError already names the file
	}
	defer f.Close()
	return Decode(f, path, limits)
}

// Probe reads the header of the image file at path and applies the limits,
// without decoding any pixel.
func Probe(path string, limits Limits) (Info, error) {
	f, err := os.Open(path)
	if err != nil {
		return Info{}, err
	}
	defer f.Close()
	return ProbeReader(f, path, limits)
}

// Decode reads an image file from r; name is used in errors. r is read from
// offset 0 several times (sniffing, EXIF, header, scan count, pixels), which
// is why it must seek: the header is checked before any pixel is decoded,
// without holding the file in memory. Decode, Open and Probe may be called
// from many goroutines at once.
func Decode(r io.ReadSeeker, name string, limits Limits) (*Decoded, error) {
	return DecodeWith(r, name, DecodeOptions{Limits: limits})
}

// DecodeWith is Decode with options: see DecodeOptions.
func DecodeWith(r io.ReadSeeker, name string, opt DecodeOptions) (*Decoded, error) {
	limits := opt.Limits
	name = displayName(name)
	s := newSource(r)
	info, cfg, err := s.probe(name, limits)
	if err != nil {
		return nil, err
	}
	if err := s.rewind(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	px, err := s.decodePixels(info, cfg, opt)
	if err != nil {
		return nil, fmt.Errorf("%s: decoding %s: %w", name, info.Format, err)
	}
	img := px.img
	// The header promised the size the limit was checked against; a decoder
	// that disagreed would have allocated something else, so say so.
	b := img.Bounds()
	wantW, wantH := ceilDiv(cfg.Width, px.shrink), ceilDiv(cfg.Height, px.shrink)
	if info.Format != GIF && (b.Dx() != wantW || b.Dy() != wantH) {
		return nil, fmt.Errorf("%s: decoding %s: image is %d×%d but its header says %d×%d",
			name, info.Format, b.Dx(), b.Dy(), wantW, wantH)
	}
	if info.Format == WebP {
		expandVP8Range(img)
	}
	icc := px.icc
	if icc == nil {
		icc = s.icc(info.Format)
	}
	warning := px.warning
	if cmyk, ok := img.(*image.CMYK); ok && icc != nil {
		// No output holds CMYK, and its profile is the only right way
		// to RGB (cmyk.go).
		img, icc, warning = cmykThroughProfile(cmyk, icc, warning)
	}
	img = normalize(img, image.Rect(0, 0, wantW, wantH))
	img = orientImage(img, info.Orientation)
	return &Decoded{Info: info, Image: img, Shrink: px.shrink, ICC: icc, Decoder: px.decoder, Warning: warning}, nil
}

// icc reads the embedded colour profile. A missing, truncated or
// inconsistent one means "no profile": the pixels are good without it, and
// viewers show such files unmanaged too.
func (s *source) icc(f Format) []byte {
	var p []byte
	switch f {
	case TIFF, BMP:
		// Both point to the profile by offset, which may lie before the
		// header that points to it.
		p, _ = iccAt(f, s.readerAtOnly())
	default:
		if err := s.rewind(); err != nil {
			return nil
		}
		p, _ = readICC(f, s.br)
	}
	return p
}

// pixels is what a format's decoder gives back.
type pixels struct {
	img     image.Image
	shrink  int    // 1, or the factor a scaled decode reduced by
	icc     []byte // the embedded ICC profile, if the decoder read it
	decoder string // what decoded it, for --verbose
	warning error  // damaged but decoded (see Decoded.Warning)
}

// decodePixels decodes the file from its start. JPEG goes its own way
// (jpeg.go: scaled decoding, the scan check); every other format through
// its Go decoder.
func (s *source) decodePixels(info Info, cfg image.Config, opt DecodeOptions) (pixels, error) {
	if info.Format == JPEG {
		return s.decodeJPEG(info, cfg, opt)
	}
	img, err := s.decode(info.Format)
	if err != nil {
		return pixels{}, err
	}
	return pixels{img: img, shrink: 1, decoder: goDecoder(info.Format)}, nil
}

// goDecoder names the Go decoder of a format.
func goDecoder(f Format) string {
	switch f {
	case JPEG:
		return "Go image/jpeg"
	case PNG:
		return "Go image/png"
	case GIF:
		return "Go image/gif"
	case TIFF:
		return "corescale TIFF"
	case BMP:
		return "corescale BMP"
	}
	return "golang.org/x/image/" + string(f)
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// ProbeReader is Probe for an open file; see Decode for r and name.
func ProbeReader(r io.ReadSeeker, name string, limits Limits) (Info, error) {
	info, _, err := newSource(r).probe(name, limits)
	return info, err
}

// displayName is the name errors use for a file given without one.
func displayName(name string) string {
	if name == "" {
		return "image"
	}
	return name
}

// source reads one file several times from its start through one buffer.
type source struct {
	r  io.ReadSeeker
	br *bufio.Reader
}

func newSource(r io.ReadSeeker) *source {
	return &source{r: r, br: bufio.NewReaderSize(r, bufferSize)}
}

// rewind moves to the start of the file and returns a fresh buffer over it.
func (s *source) rewind() error {
	if _, err := s.r.Seek(0, io.SeekStart); err != nil {
		return err
	}
	s.br.Reset(s.r)
	return nil
}

// probe sniffs the format, reads the orientation and the header, and
// applies the limits. It leaves the reader anywhere.
func (s *source) probe(name string, limits Limits) (Info, image.Config, error) {
	name = displayName(name)
	if err := s.rewind(); err != nil {
		return Info{}, image.Config{}, fmt.Errorf("%s: %w", name, err)
	}
	head, err := s.br.Peek(sniffLen)
	if err != nil && !errors.Is(err, io.EOF) {
		return Info{}, image.Config{}, fmt.Errorf("%s: %w", name, err)
	}
	format, ok := sniff(head)
	if !ok {
		return Info{}, image.Config{}, fmt.Errorf("%s: %w", name, ErrFormat)
	}
	info := Info{Format: format, Orientation: Upright}
	switch format {
	case JPEG:
		info.Orientation = jpegOrientation(s.br)
	case PNG:
		info.Orientation = pngOrientation(s.readerAtOnly())
	case TIFF:
		info.Orientation = tiffOrientation(s.readerAtOnly())
	case WebP:
		info.Orientation = webpOrientation(s.readerAtOnly())
	}
	if err := s.rewind(); err != nil {
		return Info{}, image.Config{}, fmt.Errorf("%s: %w", name, err)
	}
	cfg, err := s.decodeConfig(format)
	if err != nil {
		return Info{}, image.Config{}, fmt.Errorf("%s: reading %s header: %w", name, format, err)
	}
	info.Width, info.Height = info.Orientation.uprightSize(cfg.Width, cfg.Height)
	if err := checkSize(name, info.Width, info.Height, limits); err != nil {
		return Info{}, image.Config{}, err
	}
	// The memory a decode takes depends on more of the header than
	// image.Config says for PNG (interlace, tRNS) and JPEG (sampling,
	// progressive, RGB or YCbCr).
	var hd header
	if format == PNG || format == JPEG {
		if err := s.rewind(); err != nil {
			return Info{}, image.Config{}, fmt.Errorf("%s: %w", name, err)
		}
		hd = readHeader(s.br, format)
	}
	if end, err := s.r.Seek(0, io.SeekEnd); err == nil {
		info.FileBytes = end
	}
	estimate(&info, format, cfg, hd)
	return info, cfg, nil
}

func (s *source) decodeConfig(f Format) (image.Config, error) {
	switch f {
	case JPEG:
		return jpeg.DecodeConfig(s.br)
	case PNG:
		return png.DecodeConfig(s.br)
	case GIF:
		return gif.DecodeConfig(s.br)
	case BMP:
		return decodeBMPConfig(s.br)
	case TIFF:
		_, cfg, err := tiffConfig(s.readerAtOnly())
		return cfg, err
	case WebP:
		return webp.DecodeConfig(s.br)
	}
	return image.Config{}, ErrFormat
}

func (s *source) decode(f Format) (image.Image, error) {
	switch f {
	case PNG:
		return png.Decode(s.br)
	case GIF:
		return gif.Decode(s.br) // the first frame only
	case BMP:
		return decodeBMP(s.br)
	case TIFF:
		t, _, err := tiffConfig(s.readerAtOnly())
		if err != nil {
			return nil, err
		}
		return t.decode()
	case WebP:
		return webp.Decode(s.br)
	}
	return nil, ErrFormat
}

// readerAtOnly gives random access to the file, which TIFF needs (its
// directory and strips may sit anywhere) and the chunk walks use to pass
// over pixel data unread. It moves the file's offset when it has to seek:
// rewind after use.
func (s *source) readerAtOnly() io.ReaderAt {
	if ra, ok := s.r.(io.ReaderAt); ok {
		return ra
	}
	return &seekReaderAt{r: s.r}
}

// seekReaderAt implements io.ReaderAt with Seek and Read for readers that
// only seek. It is not safe for concurrent use, which the TIFF decoder
// does not need.
type seekReaderAt struct {
	r io.ReadSeeker
}

func (s *seekReaderAt) Read(p []byte) (int, error) { return s.r.Read(p) }

func (s *seekReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if _, err := s.r.Seek(off, io.SeekStart); err != nil {
		return 0, err
	}
	n, err := io.ReadFull(s.r, p)
	if errors.Is(err, io.ErrUnexpectedEOF) {
		err = io.EOF // what io.ReaderAt promises for a short read
	}
	return n, err
}
