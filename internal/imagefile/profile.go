package imagefile

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
)

// maxICC bounds an embedded profile. Real profiles are a few hundred bytes
// to a few megabytes (large LUT profiles); a PNG's iCCP is compressed, so a
// few bytes could otherwise inflate to gigabytes.
const maxICC = 32 << 20

// errNoICC says a file carries no embedded profile at all, as opposed to
// one that is there but unusable.
var errNoICC = errors.New("no embedded ICC profile")

// readICC returns the ICC profile embedded in a file of format f, read from
// its start through r (whose buffer must be bufferSize, as jpegOrientation
// needs). It returns errNoICC when there is none, and another error when a
// profile is there but truncated, inconsistent or not a profile: callers
// treat both as "no profile", since a bad profile is no reason to refuse
// the pixels, but may say why. A profile it returns is the embedded bytes
// exactly, reassembled where the format splits them.
//
// TIFF and BMP place the profile by offset; through r they are read
// forward only, so a profile stored before the directory pointing to it is
// reported as unreadable here: DecodeWith reads those two formats with
// random access instead.
func readICC(f Format, r *bufio.Reader) ([]byte, error) {
	switch f {
	case JPEG:
		return jpegICC(r)
	case PNG:
		return pngICC(r)
	case WebP:
		return webpICC(r)
	case TIFF:
		return tiffICC(&forwardReaderAt{r: r})
	case BMP:
		return bmpICC(&forwardReaderAt{r: r})
	}
	return nil, errNoICC
}

// iccAt is readICC for a file that can be read anywhere, which TIFF and BMP
// need to find a profile stored before the header that points to it.
func iccAt(f Format, ra io.ReaderAt) ([]byte, error) {
	switch f {
	case TIFF:
		return tiffICC(ra)
	case BMP:
		return bmpICC(ra)
	}
	return nil, errNoICC
}

// checkICC refuses bytes that cannot be an ICC profile: shorter than the
// 128-byte header and tag count, without the "acsp" signature, or shorter
// than the size the header declares. A longer buffer is kept as it is (some
// writers pad), since the profile is to be kept byte for byte.
func checkICC(p []byte) error {
	if len(p) < 132 {
		return fmt.Errorf("ICC profile of %d bytes is shorter than its header", len(p))
	}
	if string(p[36:40]) != "acsp" {
		return errors.New("ICC profile without the 'acsp' signature")
	}
	if n := binary.BigEndian.Uint32(p); uint64(n) > uint64(len(p)) {
		return fmt.Errorf("ICC profile declares %d bytes but %d are embedded", n, len(p))
	}
	return nil
}

// iccMarker starts the APP2 segments that hold an ICC profile, followed by
// the segment's sequence number (from 1) and the number of segments.
const iccMarker = "ICC_PROFILE\x00"

const markerAPP2 = 0xe2

// jpegICC reassembles the profile from the APP2 segments before the first
// scan. The parts may come in any order; a set with a missing, repeated or
// out-of-range part, or parts that disagree on the count, is refused
// rather than joined into a wrong profile.
func jpegICC(r *bufio.Reader) ([]byte, error) {
	var b [2]byte
	if _, err := io.ReadFull(r, b[:]); err != nil || b[0] != 0xff || b[1] != markerSOI {
		return nil, errNoICC
	}
	var parts [][]byte
	count := 0
	seen := 0
	for {
		c, err := r.ReadByte()
		if err != nil || c != 0xff {
			break
		}
		for c == 0xff {
			if c, err = r.ReadByte(); err != nil {
				break
			}
		}
		if err != nil || c == markerSOS || c == markerEOI || c == markerSOI || c == 0 {
			break
		}
		if c == markerTEM || c >= markerRST0 && c <= markerRST7 {
			continue
		}
		if _, err := io.ReadFull(r, b[:]); err != nil {
			break
		}
		n := int(binary.BigEndian.Uint16(b[:]))
		if n < 2 {
			break
		}
		n -= 2
		if c == markerAPP2 && n >= len(iccMarker)+2 {
			seg, err := r.Peek(n)
			if err != nil {
				if count > 0 {
					return nil, fmt.Errorf("ICC profile segment truncated: %w", err)
				}
				break
			}
			if string(seg[:len(iccMarker)]) == iccMarker {
				seq, cnt := int(seg[len(iccMarker)]), int(seg[len(iccMarker)+1])
				switch {
				case cnt == 0 || seq == 0 || seq > cnt:
					return nil, fmt.Errorf("ICC profile segment %d of %d", seq, cnt)
				case count != 0 && cnt != count:
					return nil, fmt.Errorf("ICC profile segments disagree on their count (%d and %d)", count, cnt)
				}
				if parts == nil {
					count = cnt
					parts = make([][]byte, cnt)
				}
				if parts[seq-1] != nil {
					return nil, fmt.Errorf("ICC profile segment %d of %d repeated", seq, cnt)
				}
				parts[seq-1] = bytes.Clone(seg[len(iccMarker)+2:])
				seen++
			}
		}
		if _, err := r.Discard(n); err != nil {
			break
		}
	}
	if count == 0 {
		return nil, errNoICC
	}
	if seen != count {
		return nil, fmt.Errorf("ICC profile has %d of its %d segments", seen, count)
	}
	p := bytes.Join(parts, nil)
	if err := checkICC(p); err != nil {
		return nil, err
	}
	return p, nil
}

// pngMagic starts every PNG file.
const pngMagic = "\x89PNG\r\n\x1a\n"

// pngChunks calls fn with each chunk's type and data, checked against its
// CRC, until fn returns false or the file ends. Chunks named in skip are
// passed over unread (the image data, which can be most of the file). The
// data slice is only valid during the call.
func pngChunks(r *bufio.Reader, skip func(typ string) bool, fn func(typ string, data []byte) (bool, error)) error {
	var head [8]byte
	if _, err := io.ReadFull(r, head[:]); err != nil || string(head[:]) != pngMagic {
		return errors.New("not a PNG signature")
	}
	var buf []byte
	for {
		if _, err := io.ReadFull(r, head[:]); err != nil {
			return nil // the end, or a truncated file: nothing more to find
		}
		n := binary.BigEndian.Uint32(head[:4])
		typ := string(head[4:8])
		if n > 1<<31-1 {
			return fmt.Errorf("PNG chunk %q of %d bytes", typ, n)
		}
		if skip(typ) || n > maxICC {
			if _, err := r.Discard(int(n) + 4); err != nil {
				return nil
			}
			continue
		}
		if cap(buf) < int(n)+4 {
			buf = make([]byte, int(n)+4)
		}
		buf = buf[:int(n)+4]
		if _, err := io.ReadFull(r, buf); err != nil {
			return nil
		}
		data := buf[:n]
		if crc32.Update(crc32.ChecksumIEEE(head[4:8]), crc32.IEEETable, data) != binary.BigEndian.Uint32(buf[n:]) {
			return fmt.Errorf("PNG chunk %q has a bad CRC", typ)
		}
		more, err := fn(typ, data)
		if err != nil || !more {
			return err
		}
		if typ == "IEND" {
			return nil
		}
	}
}

// pngICC inflates the iCCP chunk. The spec puts it before PLTE and IDAT;
// one after them is ignored, as libpng does.
func pngICC(r *bufio.Reader) ([]byte, error) {
	var p []byte
	found := false
	err := pngChunks(r, func(string) bool { return false }, func(typ string, data []byte) (bool, error) {
		switch typ {
		case "IDAT", "PLTE", "IEND":
			return false, nil
		case "iCCP":
			found = true
			var err error
			p, err = inflateICCP(data)
			return false, err
		}
		return true, nil
	})
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, errNoICC
	}
	if err := checkICC(p); err != nil {
		return nil, err
	}
	return p, nil
}

// inflateICCP decodes an iCCP chunk's data: a 1–79 byte name, a NUL, the
// compression method (0, zlib) and the compressed profile.
func inflateICCP(data []byte) ([]byte, error) {
	i := bytes.IndexByte(data, 0)
	if i < 1 || i > 79 || i+2 > len(data) {
		return nil, errors.New("PNG iCCP chunk without a valid profile name")
	}
	if data[i+1] != 0 {
		return nil, fmt.Errorf("PNG iCCP chunk with compression method %d", data[i+1])
	}
	zr, err := zlib.NewReader(bytes.NewReader(data[i+2:]))
	if err != nil {
		return nil, fmt.Errorf("PNG iCCP chunk: %w", err)
	}
	p, err := io.ReadAll(io.LimitReader(zr, maxICC+1))
	if err != nil {
		return nil, fmt.Errorf("PNG iCCP chunk: %w", err)
	}
	if len(p) > maxICC {
		return nil, fmt.Errorf("PNG iCCP profile over %d bytes", maxICC)
	}
	return p, nil
}

// webpChunks calls fn with each chunk of a RIFF WebP file after the RIFF
// header, until fn returns false or the file ends. Image data chunks are
// skipped unread; fn sees their type with nil data.
func webpChunks(r *bufio.Reader, fn func(fourcc string, data []byte) (bool, error)) error {
	var head [12]byte
	if _, err := io.ReadFull(r, head[:]); err != nil || string(head[:4]) != "RIFF" || string(head[8:]) != "WEBP" {
		return errors.New("not a WebP RIFF header")
	}
	for {
		var ch [8]byte
		if _, err := io.ReadFull(r, ch[:8]); err != nil {
			return nil
		}
		typ := string(ch[:4])
		n := int64(binary.LittleEndian.Uint32(ch[4:]))
		padded := n + n&1
		switch typ {
		case "VP8 ", "VP8L", "ALPH", "ANMF":
			if _, err := r.Discard(int(padded)); err != nil {
				return nil
			}
			if more, err := fn(typ, nil); err != nil || !more {
				return err
			}
			continue
		}
		if n > maxICC {
			return fmt.Errorf("WebP %q chunk of %d bytes", typ, n)
		}
		data := make([]byte, padded)
		if _, err := io.ReadFull(r, data); err != nil {
			if typ == "ICCP" || typ == "EXIF" {
				return fmt.Errorf("WebP %q chunk truncated", typ)
			}
			return nil
		}
		if more, err := fn(typ, data[:n]); err != nil || !more {
			return err
		}
	}
}

// webpICCFlag is the VP8X flag saying an ICCP chunk follows.
const webpICCFlag = 0x20

// webpICC returns the ICCP chunk of an extended (VP8X) WebP file. The
// spec puts it right after VP8X; it is taken wherever it is before the
// image data.
func webpICC(r *bufio.Reader) ([]byte, error) {
	var p []byte
	found, extended := false, false
	err := webpChunks(r, func(typ string, data []byte) (bool, error) {
		switch typ {
		case "VP8X":
			extended = true
			return len(data) >= 1 && data[0]&webpICCFlag != 0, nil
		case "ICCP":
			found = true
			p = bytes.Clone(data)
			return false, nil
		}
		return extended && data != nil, nil
	})
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, errNoICC
	}
	if err := checkICC(p); err != nil {
		return nil, err
	}
	return p, nil
}

// tagICC is TIFF's InterColorProfile tag.
const tagICC = 34675

// tiffICC reads the InterColorProfile of the first IFD.
func tiffICC(ra io.ReaderAt) ([]byte, error) {
	d, err := readTIFFDir(ra)
	if err != nil {
		return nil, errNoICC
	}
	return d.icc()
}

func (d *tiffDir) icc() ([]byte, error) {
	if !d.has(tagICC) {
		return nil, errNoICC
	}
	// UNDEFINED by the spec; BYTE from some writers means the same.
	e, p, err := d.raw(tagICC, maxICC)
	if err != nil {
		return nil, err
	}
	if e.typ != tiffUndefined && e.typ != tiffByte {
		return nil, fmt.Errorf("TIFF InterColorProfile of field type %d", e.typ)
	}
	if err := checkICC(p); err != nil {
		return nil, err
	}
	return bytes.Clone(p), nil
}

// BMP's BITMAPV5HEADER names an embedded profile with this colour space
// type ('MBED'); its data offset is from the start of the header.
const (
	bmpV5HeaderSize  = 124
	bmpProfileEmbed  = 0x4d424544
	bmpFileHeaderLen = 14
)

// bmpICC reads a BITMAPV5HEADER's embedded profile.
func bmpICC(ra io.ReaderAt) ([]byte, error) {
	var h [bmpFileHeaderLen + bmpV5HeaderSize]byte
	if _, err := ra.ReadAt(h[:], 0); err != nil {
		return nil, errNoICC
	}
	le := binary.LittleEndian
	if string(h[:2]) != "BM" || le.Uint32(h[14:]) < bmpV5HeaderSize {
		return nil, errNoICC
	}
	info := h[bmpFileHeaderLen:]
	if le.Uint32(info[56:]) != bmpProfileEmbed {
		return nil, errNoICC
	}
	off, size := le.Uint32(info[112:]), le.Uint32(info[116:])
	if size > maxICC {
		return nil, fmt.Errorf("BMP embedded profile of %d bytes", size)
	}
	p, err := readAtGrowing(ra, bmpFileHeaderLen+int64(off), int(size))
	if err != nil {
		return nil, fmt.Errorf("BMP embedded profile: %w", err)
	}
	if err := checkICC(p); err != nil {
		return nil, err
	}
	return p, nil
}

// forwardReaderAt serves ReadAt from a stream read once from its start, for
// offsets at or past what was already read: enough for files whose
// directory precedes the data it points to.
type forwardReaderAt struct {
	r   *bufio.Reader
	pos int64
}

var errBackwards = errors.New("data before the directory that points to it needs random access")

func (f *forwardReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off < f.pos {
		return 0, errBackwards
	}
	if _, err := f.r.Discard(int(off - f.pos)); err != nil {
		f.pos = off // a later, larger offset fails as it should
		return 0, io.EOF
	}
	n, err := io.ReadFull(f.r, p)
	f.pos = off + int64(n)
	if errors.Is(err, io.ErrUnexpectedEOF) {
		err = io.EOF
	}
	return n, err
}
