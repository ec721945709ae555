//go:build !cgo

package jpegturbo

import "image"

// Available reports whether libjpeg-turbo is linked in.
const Available = false

// Version names the linked library; without cgo there is none.
func Version() string { return "" }

// ReadHeader reads a JPEG's header; without cgo it returns ErrUnavailable.
func ReadHeader(data []byte) (Header, error) { return Header{}, ErrUnavailable }

// Decode decodes a JPEG; without cgo it returns ErrUnavailable.
func Decode(data []byte, shrink int) (image.Image, *Warning, error) {
	return nil, nil, ErrUnavailable
}

// DecodeRGB decodes a JPEG as RGB; without cgo it returns ErrUnavailable.
func DecodeRGB(data []byte, shrink int) (image.Image, *Warning, error) {
	return nil, nil, ErrUnavailable
}

// Encode compresses a JPEG; without cgo it returns ErrUnavailable.
func Encode(img image.Image, opt EncodeOptions) ([]byte, error) { return nil, ErrUnavailable }
