package imagefile

import (
	"bufio"
	"encoding/binary"
	"io"
)

// The JPEG markers the EXIF scan cares about.
const (
	markerSOI  = 0xd8
	markerEOI  = 0xd9
	markerSOS  = 0xda
	markerAPP1 = 0xe1
	markerTEM  = 0x01
	markerRST0 = 0xd0
	markerRST7 = 0xd7
)

// bufferSize is the read buffer of a decode: large enough to hold any JPEG
// segment (at most 65535 bytes), so the EXIF scan can look at one in place.
const bufferSize = 64 << 10

// exifHeader starts the APP1 segment that holds EXIF (as opposed to XMP,
// which also uses APP1).
const exifHeader = "Exif\x00\x00"

// jpegOrientation reads the JPEG segments before the first scan and returns
// the orientation from the first EXIF segment. Anything unexpected (no EXIF,
// a truncated file, a malformed segment) gives Upright: a bad EXIF block is
// no reason to refuse pixels the JPEG decoder may still read, and viewers
// show such files unrotated too. r's buffer must be bufferSize.
func jpegOrientation(r *bufio.Reader) Orientation {
	var b [2]byte
	if _, err := io.ReadFull(r, b[:]); err != nil || b[0] != 0xff || b[1] != markerSOI {
		return Upright
	}
	for {
		c, err := r.ReadByte()
		if err != nil || c != 0xff {
			return Upright
		}
		// Any number of 0xff fill bytes may precede a marker.
		for c == 0xff {
			if c, err = r.ReadByte(); err != nil {
				return Upright
			}
		}
		switch {
		case c == markerSOS, c == markerEOI, c == markerSOI, c == 0:
			return Upright
		case c == markerTEM, c >= markerRST0 && c <= markerRST7:
			continue // standalone markers carry no length
		}
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return Upright
		}
		n := int(binary.BigEndian.Uint16(b[:]))
		if n < 2 {
			return Upright
		}
		n -= 2
		if c == markerAPP1 && n >= len(exifHeader) {
			// A segment is at most 65533 bytes, which the caller's buffer
			// holds: look at it in place rather than copy it.
			seg, err := r.Peek(n)
			if err != nil {
				return Upright
			}
			if string(seg[:len(exifHeader)]) == exifHeader {
				return exifOrientation(seg[len(exifHeader):])
			}
		}
		if _, err := r.Discard(n); err != nil {
			return Upright
		}
	}
}

// TIFF field types that may hold the orientation. The standard says SHORT;
// LONG is accepted because a few writers use it and the value is unambiguous.
const (
	tiffShort = 3
	tiffLong  = 4
)

const tagOrientation = 0x0112

// exifOrientation returns the orientation tag of IFD0 of b, a TIFF
// structure (the EXIF payload after "Exif\0\0"), or Upright when there is
// none or b is malformed. Every offset is checked against len(b) before use;
// the loop is bounded by the 16-bit entry count.
func exifOrientation(b []byte) Orientation {
	if len(b) < 8 {
		return Upright
	}
	var bo binary.ByteOrder
	switch string(b[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return Upright
	}
	if bo.Uint16(b[2:]) != 42 {
		return Upright
	}
	// uint64 so that an offset near 2^32 cannot wrap on 32-bit platforms.
	ifd := uint64(bo.Uint32(b[4:]))
	if ifd < 8 || ifd+2 > uint64(len(b)) {
		return Upright
	}
	n := uint64(bo.Uint16(b[ifd:]))
	for i := uint64(0); i < n; i++ {
		e := ifd + 2 + 12*i
		if e+12 > uint64(len(b)) {
			return Upright // a truncated IFD: use nothing from it
		}
		if bo.Uint16(b[e:]) != tagOrientation {
			continue
		}
		// One value, as the tag is defined: with more, the entry holds
		// an offset or two values, and reading either as the
		// orientation would be a guess (libtiff ignores such a tag;
		// Pillow gets a tuple and does not turn).
		if bo.Uint32(b[e+4:]) != 1 { // count
			return Upright
		}
		var v uint32
		switch bo.Uint16(b[e+2:]) {
		case tiffShort:
			v = uint32(bo.Uint16(b[e+8:]))
		case tiffLong:
			v = bo.Uint32(b[e+8:])
		default:
			return Upright
		}
		if v < 1 || v > 8 {
			return Upright
		}
		return Orientation(v)
	}
	return Upright
}

// maxEXIF bounds the EXIF block read for the orientation: a camera's,
// thumbnail included, is under 64 KiB; anything far larger is not worth
// reading for one tag.
const maxEXIF = 4 << 20

// exifPayload returns b without the "Exif\0\0" that some writers put before
// the TIFF structure in PNG's eXIf and WebP's EXIF, where the specs have
// the structure alone.
func exifPayload(b []byte) []byte {
	if len(b) >= len(exifHeader) && string(b[:len(exifHeader)]) == exifHeader {
		return b[len(exifHeader):]
	}
	return b
}

// pngOrientation returns the orientation from a PNG file's eXIf chunk. The
// spec puts eXIf before IDAT, but writers that add it after the pixels
// exist and libpng and Pillow read it there too, so the chunks are walked
// to IEND; only their 8-byte headers are read, the pixel data is passed
// over. Anything unexpected gives Upright, as for JPEG.
func pngOrientation(ra io.ReaderAt) Orientation {
	var h [8]byte
	if _, err := ra.ReadAt(h[:], 0); err != nil || string(h[:]) != pngMagic {
		return Upright
	}
	for off := int64(8); ; {
		if _, err := ra.ReadAt(h[:], off); err != nil {
			return Upright
		}
		n := int64(binary.BigEndian.Uint32(h[:4]))
		switch string(h[4:]) {
		case "IEND":
			return Upright
		case "eXIf":
			if n > maxEXIF {
				return Upright
			}
			b, err := readAtGrowing(ra, off+8, int(n))
			if err != nil {
				return Upright
			}
			return exifOrientation(exifPayload(b))
		}
		off += 12 + n
	}
}

// webpOrientation returns the orientation from the EXIF chunk of an
// extended (VP8X) WebP file, which the spec puts after the image data.
// Only chunk headers are read on the way.
func webpOrientation(ra io.ReaderAt) Orientation {
	var h [12]byte
	if _, err := ra.ReadAt(h[:], 0); err != nil || string(h[:4]) != "RIFF" || string(h[8:]) != "WEBP" {
		return Upright
	}
	end := 8 + int64(binary.LittleEndian.Uint32(h[4:]))
	for off := int64(12); off+8 <= end; {
		if _, err := ra.ReadAt(h[:8], off); err != nil {
			return Upright
		}
		typ := string(h[:4])
		n := int64(binary.LittleEndian.Uint32(h[4:8]))
		if off == 12 && typ != "VP8X" {
			return Upright // a simple file has one image chunk and nothing else
		}
		if typ == "EXIF" {
			if n > maxEXIF {
				return Upright
			}
			b, err := readAtGrowing(ra, off+8, int(n))
			if err != nil {
				return Upright
			}
			return exifOrientation(exifPayload(b))
		}
		off += 8 + n + n&1
	}
	return Upright
}
