package imagefile

import (
	"bytes"
	"errors"
	"fmt"
)

// Format names an image file format. Its values are the names the command
// line uses.
type Format string

// The formats this package reads; only JPEG and PNG can be written. Keep is
// not a file format but the output choice "the input's own format where
// sensible", settled per file by [Format.Resolve].
const (
	JPEG Format = "jpeg"
	PNG  Format = "png"
	GIF  Format = "gif"
	BMP  Format = "bmp"
	TIFF Format = "tiff"
	WebP Format = "webp"
	Keep Format = "keep"
)

// ErrFormat is wrapped by the error for content that is none of the formats
// this package reads.
var ErrFormat = errors.New("not a JPEG, PNG, GIF, BMP, TIFF or WebP file")

// ParseOutput parses the value of an output-format option: "jpeg" (or
// "jpg"), "png" or "keep".
func ParseOutput(s string) (Format, error) {
	switch s {
	case "jpeg", "jpg":
		return JPEG, nil
	case "png":
		return PNG, nil
	case "keep":
		return Keep, nil
	}
	return "", fmt.Errorf("unknown output format %q (want jpeg, png or keep)", s)
}

// Resolve returns the format to write d in when f was asked for: f itself,
// unless f is Keep. Keep means JPEG for JPEG input and PNG for everything
// else: PNG stays PNG, and GIF, BMP, TIFF and WebP become PNG. A lossy
// WebP photograph would be smaller as JPEG, but then photo.webp would be
// written as photo.jpg, the name of another input's output in a folder
// that holds photo.jpg too; --format jpeg asks for it. Resolve reads only
// d.Format, so a Decoded holding just the Info of [Probe] will do.
func (f Format) Resolve(d *Decoded) Format {
	if f != Keep {
		return f
	}
	if d.Format == JPEG {
		return JPEG
	}
	return PNG
}

// Ext returns the usual file extension of f, with its dot.
func (f Format) Ext() string {
	switch f {
	case JPEG:
		return ".jpg"
	case TIFF:
		return ".tif"
	case Keep, "":
		return ""
	}
	return "." + string(f)
}

// sniff recognises a format from the first bytes of a file. The signatures
// are the ones the decoders themselves insist on, so a file sniffed as X is
// never handed to X's decoder with a header it will not accept for the
// wrong reason.
func sniff(head []byte) (Format, bool) {
	switch {
	case bytes.HasPrefix(head, []byte("\xff\xd8\xff")):
		return JPEG, true
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return PNG, true
	case bytes.HasPrefix(head, []byte("GIF87a")), bytes.HasPrefix(head, []byte("GIF89a")):
		return GIF, true
	case bytes.HasPrefix(head, []byte("BM")):
		return BMP, true
	case bytes.HasPrefix(head, []byte("II*\x00")), bytes.HasPrefix(head, []byte("MM\x00*")):
		return TIFF, true
	case len(head) >= 15 && string(head[:4]) == "RIFF" && string(head[8:15]) == "WEBPVP8":
		return WebP, true
	}
	return "", false
}

// sniffLen is how many leading bytes sniff needs.
const sniffLen = 16
