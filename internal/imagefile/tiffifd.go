package imagefile

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
)

// TIFF field types.
const (
	tiffByte      = 1
	tiffASCII     = 2
	tiffRational  = 5
	tiffSByte     = 6
	tiffUndefined = 7
	tiffSShort    = 8
	tiffSLong     = 9
	tiffSRational = 10
	tiffFloat     = 11
	tiffDouble    = 12
)

// tiffTypeSize is the size in bytes of one value of each field type.
var tiffTypeSize = [...]int{
	tiffByte: 1, tiffASCII: 1, tiffShort: 2, tiffLong: 4, tiffRational: 8,
	tiffSByte: 1, tiffUndefined: 1, tiffSShort: 2, tiffSLong: 4, tiffSRational: 8,
	tiffFloat: 4, tiffDouble: 8,
}

// tiffEntry is one directory entry as stored: its value, or the offset of
// its value when that does not fit in four bytes.
type tiffEntry struct {
	typ   uint16
	count uint32
	value [4]byte
}

// tiffDir is the first image directory of a TIFF file.
type tiffDir struct {
	ra      io.ReaderAt
	bo      binary.ByteOrder
	entries map[uint16]tiffEntry
}

// readTIFFDir reads the header and the first directory. Only classic TIFF
// (42) is read: BigTIFF (43) is not sniffed as TIFF at all.
func readTIFFDir(ra io.ReaderAt) (*tiffDir, error) {
	var h [8]byte
	if _, err := ra.ReadAt(h[:], 0); err != nil {
		return nil, fmt.Errorf("TIFF header: %w", noEOF(err))
	}
	d := &tiffDir{ra: ra, entries: map[uint16]tiffEntry{}}
	switch string(h[:4]) {
	case "II*\x00":
		d.bo = binary.LittleEndian
	case "MM\x00*":
		d.bo = binary.BigEndian
	default:
		return nil, errors.New("not a TIFF header")
	}
	off := int64(d.bo.Uint32(h[4:]))
	if off < 8 {
		return nil, fmt.Errorf("TIFF first directory at offset %d", off)
	}
	var nb [2]byte
	if _, err := ra.ReadAt(nb[:], off); err != nil {
		return nil, fmt.Errorf("TIFF directory at offset %d: %w", off, noEOF(err))
	}
	n := int(d.bo.Uint16(nb[:]))
	if n == 0 {
		// Said outright: reading its zero bytes would succeed or fail
		// by the kind of reader.
		return nil, fmt.Errorf("TIFF directory at offset %d has no entries", off)
	}
	raw := make([]byte, 12*n)
	if _, err := ra.ReadAt(raw, off+2); err != nil {
		return nil, fmt.Errorf("TIFF directory of %d entries at offset %d: %w", n, off, noEOF(err))
	}
	for i := range n {
		e := raw[12*i:]
		tag := d.bo.Uint16(e)
		if _, dup := d.entries[tag]; dup {
			// Which of the two a reader uses differs; neither is safe.
			return nil, fmt.Errorf("TIFF tag %d appears twice", tag)
		}
		var te tiffEntry
		te.typ = d.bo.Uint16(e[2:])
		te.count = d.bo.Uint32(e[4:])
		copy(te.value[:], e[8:12])
		d.entries[tag] = te
	}
	return d, nil
}

// noEOF turns a short read into io.ErrUnexpectedEOF: inside a file whose
// header promised more, running out is a truncation.
func noEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

// has reports whether the directory holds tag.
func (d *tiffDir) has(tag uint16) bool {
	_, ok := d.entries[tag]
	return ok
}

// raw returns the bytes of tag's values, at most max values.
func (d *tiffDir) raw(tag uint16, max int) (tiffEntry, []byte, error) {
	e := d.entries[tag]
	if int(e.typ) >= len(tiffTypeSize) || tiffTypeSize[e.typ] == 0 {
		return e, nil, fmt.Errorf("TIFF tag %d has unknown field type %d", tag, e.typ)
	}
	if uint64(e.count) > uint64(max) {
		return e, nil, fmt.Errorf("TIFF tag %d has %d values, more than %d", tag, e.count, max)
	}
	size := int(e.count) * tiffTypeSize[e.typ]
	if size <= 4 {
		return e, e.value[:size], nil
	}
	off := int64(d.bo.Uint32(e.value[:]))
	b, err := readAtGrowing(d.ra, off, size)
	if err != nil {
		return e, nil, fmt.Errorf("TIFF tag %d: %d bytes at offset %d: %w", tag, size, off, noEOF(err))
	}
	return e, b, nil
}

// readAtGrowing reads size bytes at off, growing its buffer as the data
// turns out to be there rather than allocating size at once: size comes
// from the file, and a few bytes claiming gigabytes must cost no more
// than the file holds. It reads in increasing offsets only, which
// forwardReaderAt needs.
func readAtGrowing(ra io.ReaderAt, off int64, size int) ([]byte, error) {
	const first = 64 << 10
	b := make([]byte, 0, min(size, first))
	for len(b) < size {
		k := min(size-len(b), max(len(b), first))
		b = slices.Grow(b, k)
		n, err := ra.ReadAt(b[len(b):len(b)+k], off+int64(len(b)))
		b = b[:len(b)+n]
		if n < k {
			if err == nil {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
	}
	return b, nil
}

// uints returns tag's values, which must be unsigned integers (BYTE, SHORT
// or LONG), at most max of them.
func (d *tiffDir) uints(tag uint16, max int) ([]uint32, error) {
	e, b, err := d.raw(tag, max)
	if err != nil {
		return nil, err
	}
	// Every caller reads at least the first value; a tag that is present
	// with none is malformed, not a default.
	if e.count == 0 {
		return nil, fmt.Errorf("TIFF tag %d has no values", tag)
	}
	out := make([]uint32, e.count)
	switch e.typ {
	case tiffByte:
		for i := range out {
			out[i] = uint32(b[i])
		}
	case tiffShort:
		for i := range out {
			out[i] = uint32(d.bo.Uint16(b[2*i:]))
		}
	case tiffLong:
		for i := range out {
			out[i] = d.bo.Uint32(b[4*i:])
		}
	default:
		return nil, fmt.Errorf("TIFF tag %d has field type %d, not an unsigned integer", tag, e.typ)
	}
	return out, nil
}

// uint returns tag's single value, or def when the tag is absent. A tag
// with other than one value is an error: which one to use is a guess.
func (d *tiffDir) uint(tag uint16, def uint32) (uint32, error) {
	if !d.has(tag) {
		return def, nil
	}
	v, err := d.uints(tag, 1)
	if err != nil {
		return 0, err
	}
	if len(v) != 1 {
		return 0, fmt.Errorf("TIFF tag %d has %d values, want 1", tag, len(v))
	}
	return v[0], nil
}

// tiffOrientation returns the Orientation tag (274) of the first directory,
// or Upright when it is absent or not one of the eight values, as for EXIF.
func tiffOrientation(ra io.ReaderAt) Orientation {
	d, err := readTIFFDir(ra)
	if err != nil {
		return Upright
	}
	return d.orientation()
}

func (d *tiffDir) orientation() Orientation {
	if !d.has(tagOrientation) {
		return Upright
	}
	e := d.entries[tagOrientation]
	if e.count != 1 { // as for EXIF: see exifOrientation
		return Upright
	}
	var v uint32
	switch e.typ {
	case tiffShort:
		v = uint32(d.bo.Uint16(e.value[:]))
	case tiffLong:
		v = d.bo.Uint32(e.value[:])
	default:
		return Upright
	}
	if v < 1 || v > 8 {
		return Upright
	}
	return Orientation(v)
}
