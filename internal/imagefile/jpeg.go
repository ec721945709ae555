package imagefile

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"io"

	"github.com/corescale/corescale/internal/jpegturbo"
)

// decodeJPEG decodes a JPEG file from its start, refusing first one with
// more scans than a decoder should be kept busy by (scans.go). With
// libjpeg-turbo it reads the file into memory once (TurboJPEG takes the
// whole file) and decodes it reduced in the DCT domain as far as
// opt.AtLeast allows; without it, Go's image/jpeg decodes it in full.
func (s *source) decodeJPEG(info Info, cfg image.Config, opt DecodeOptions) (pixels, error) {
	if !jpegturbo.Available {
		return s.decodeJPEGGo()
	}
	data, err := s.readAll()
	if err != nil {
		return pixels{}, err
	}
	px, warning, err := decodeJPEGBytes(data, info, cfg, opt)
	px.warning = warning
	return px, err
}

// decodeJPEGGo is the decode without libjpeg-turbo.
func (s *source) decodeJPEGGo() (pixels, error) {
	if err := s.checkJPEGScans(); err != nil {
		return pixels{}, err
	}
	if err := s.rewind(); err != nil {
		return pixels{}, err
	}
	img, err := jpeg.Decode(s.br)
	if err != nil {
		return pixels{}, err
	}
	return pixels{img: img, shrink: 1, decoder: goDecoder(JPEG)}, nil
}

// readAll reads the whole file, sized by seeking to its end so that it is
// read into one buffer of the right length.
func (s *source) readAll() ([]byte, error) {
	size, err := s.r.Seek(0, io.SeekEnd)
	if err != nil {
		return nil, err
	}
	if err := s.rewind(); err != nil {
		return nil, err
	}
	if size <= 0 || size > maxJPEGFile {
		return nil, fmt.Errorf("file of %d bytes: a JPEG within the pixel limits is between 1 byte and %d", size, int64(maxJPEGFile))
	}
	data := make([]byte, size)
	if _, err := io.ReadFull(s.br, data); err != nil {
		return nil, fmt.Errorf("reading the file: %w", err)
	}
	return data, nil
}

// maxJPEGFile bounds the file read into memory: 1 GiB, far past what a
// JPEG of the largest size the limits let through takes at quality 100.
const maxJPEGFile = 1 << 30

// decodeJPEGBytes decodes a whole JPEG file held in data through
// libjpeg-turbo. A warning (data decoded around) comes with the image; a
// fatal error without one.
func decodeJPEGBytes(data []byte, info Info, cfg image.Config, opt DecodeOptions) (px pixels, warning error, err error) {
	if err := newSource(bytes.NewReader(data)).checkJPEGScans(); err != nil {
		return pixels{}, nil, err
	}
	hd, err := jpegturbo.ReadHeader(data)
	if err != nil {
		return goJPEG(data, err)
	}
	if hd.Width != cfg.Width || hd.Height != cfg.Height {
		return pixels{}, nil, fmt.Errorf("libjpeg-turbo reads the frame as %d×%d, image/jpeg as %d×%d", hd.Width, hd.Height, cfg.Width, cfg.Height)
	}
	shrink := jpegShrink(cfg.Width, cfg.Height, info.Orientation, opt.AtLeast)
	decode := jpegturbo.Decode
	if opt.FullChroma {
		decode = jpegturbo.DecodeRGB
	}
	img, warn, err := decode(data, shrink)
	if err != nil {
		return goJPEG(data, err)
	}
	if warn != nil {
		warning = warn
	}
	return pixels{img: img, shrink: shrink, decoder: jpegturbo.Version()}, warning, nil
}

// jpegShrink is the DCT reduction for a w×h stored image whose upright
// size must stay at least atLeast: an orientation that swaps the axes
// swaps what each stored side is held to.
func jpegShrink(w, h int, o Orientation, atLeast image.Point) int {
	if o.SwapsAxes() {
		atLeast.X, atLeast.Y = atLeast.Y, atLeast.X
	}
	return jpegturbo.Shrink(w, h, atLeast)
}

// goJPEG decodes data with image/jpeg after libjpeg-turbo refused it
// with turboErr. libjpeg is the stricter of the two: chroma sampled in a
// way TurboJPEG has no name for, or a sequential file whose scan repeats,
// is an image image/jpeg reads right (in full: it cannot reduce). When
// both refuse, libjpeg's reason is the one given, as Pillow and libvips
// would give it.
func goJPEG(data []byte, turboErr error) (pixels, error, error) {
	img, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		return pixels{}, nil, turboErr
	}
	return pixels{img: img, shrink: 1, decoder: goDecoder(JPEG)}, nil, nil
}
