package imagefile

import (
	"image"
	"image/jpeg"
)

// decodeJPEG decodes a JPEG file from its start, refusing first one with
// more scans than a decoder should be kept busy by (scans.go).
func (s *source) decodeJPEG(info Info, cfg image.Config, opt DecodeOptions) (pixels, error) {
	_, _ = info, cfg
	_ = opt
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
