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

	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"
	"golang.org/x/image/webp"
)

// Info is what the header of an image file tells.
type Info struct {
	Format Format
	// Width and Height are the upright size, after Orientation.
	Width, Height int
	// Orientation is the EXIF orientation of a JPEG file; Upright for the
	// other formats and for JPEG without a usable one.
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
}

// Decoded is an upright decoded image file.
type Decoded struct {
	Info
	// Image is upright, has its origin at (0, 0) and is one of the types
	// listed in the package doc.
	Image image.Image
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
	name = displayName(name)
	s := newSource(r)
	info, cfg, err := s.probe(name, limits)
	if err != nil {
		return nil, err
	}
	if info.Format == JPEG {
		if err := s.rewind(); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if err := s.checkJPEGScans(); err != nil {
			return nil, fmt.Errorf("%s: decoding jpeg: %w", name, err)
		}
	}
	if err := s.rewind(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	img, err := s.decode(info.Format)
	if err != nil {
		return nil, fmt.Errorf("%s: decoding %s: %w", name, info.Format, err)
	}
	// The header promised the size the limit was checked against; a decoder
	// that disagreed would have allocated something else, so say so.
	b := img.Bounds()
	if info.Format != GIF && (b.Dx() != cfg.Width || b.Dy() != cfg.Height) {
		return nil, fmt.Errorf("%s: decoding %s: image is %d×%d but its header says %d×%d",
			name, info.Format, b.Dx(), b.Dy(), cfg.Width, cfg.Height)
	}
	if info.Format == WebP {
		expandVP8Range(img)
	}
	img = normalize(img, image.Rect(0, 0, cfg.Width, cfg.Height))
	img = orientImage(img, info.Orientation)
	return &Decoded{Info: info, Image: img}, nil
}

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
	if format == JPEG {
		info.Orientation = jpegOrientation(s.br)
		if err := s.rewind(); err != nil {
			return Info{}, image.Config{}, fmt.Errorf("%s: %w", name, err)
		}
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
		return bmp.DecodeConfig(s.br)
	case TIFF:
		return tiff.DecodeConfig(s.readerAt())
	case WebP:
		return webp.DecodeConfig(s.br)
	}
	return image.Config{}, ErrFormat
}

func (s *source) decode(f Format) (image.Image, error) {
	switch f {
	case JPEG:
		return jpeg.Decode(s.br)
	case PNG:
		return png.Decode(s.br)
	case GIF:
		return gif.Decode(s.br) // the first frame only
	case BMP:
		return bmp.Decode(s.br)
	case TIFF:
		return tiff.Decode(s.readerAt())
	case WebP:
		return webp.Decode(s.br)
	}
	return nil, ErrFormat
}

// readerAt gives the TIFF decoder random access, which it needs because a
// TIFF's directory may sit anywhere in the file; handed a plain reader it
// would read the whole file into memory first.
func (s *source) readerAt() io.Reader {
	if ra, ok := s.r.(io.ReaderAt); ok {
		// The TIFF decoder type-asserts io.ReaderAt on what it is given.
		return struct {
			io.Reader
			io.ReaderAt
		}{s.br, ra}
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
