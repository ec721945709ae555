package imagefile

import (
	"bufio"
	"errors"
	"io"
)

// TIFF's LZW codes.
const (
	lzwClear = 256
	lzwEOI   = 257
	lzwFirst = 258
	lzwMax   = 4096
)

// lzwReader decodes TIFF's LZW: codes of 9 to 12 bits, most significant
// bit first, the width growing one code early (the "early change" that
// sets TIFF's LZW apart from GIF's and compress/lzw's). It is reset for
// each strip or tile and keeps its tables: golang.org/x/image/tiff/lzw
// allocates some 24 KB a reader, which a file of a million one-pixel tiles
// (8 MB) turned into 5 s of work.
type lzwReader struct {
	r       *bufio.Reader
	bits    uint32
	nbits   uint
	width   uint
	next    int // the next free code
	prev    int // the previous code, or -1 after a clear
	eof     bool
	err     error
	pending []byte // decoded and not yet read
	prefix  [lzwMax]uint16
	suffix  [lzwMax]byte
	first   [lzwMax]byte // the first byte of each code's string
	length  [lzwMax]uint16
	stack   [lzwMax]byte
}

var errLZWCode = errors.New("invalid LZW code")

func (z *lzwReader) reset(r *bufio.Reader) {
	z.r, z.bits, z.nbits = r, 0, 0
	z.eof, z.err, z.pending = false, nil, nil
	z.clear()
	for i := range 256 {
		z.suffix[i], z.first[i], z.length[i] = byte(i), byte(i), 1
	}
}

func (z *lzwReader) clear() {
	z.width, z.next, z.prev = 9, lzwFirst, -1
}

// code reads one code; the end of the data counts as EOI, as libtiff
// takes a strip without one.
func (z *lzwReader) code() (int, error) {
	for z.nbits < z.width {
		b, err := z.r.ReadByte()
		if err == io.EOF {
			return lzwEOI, nil
		}
		if err != nil {
			return 0, err
		}
		z.bits = z.bits<<8 | uint32(b)
		z.nbits += 8
	}
	z.nbits -= z.width
	return int(z.bits>>z.nbits) & (1<<z.width - 1), nil
}

// Read fills p as far as the data goes: a row takes one call, not one a
// code.
func (z *lzwReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if len(z.pending) > 0 {
			k := copy(p[n:], z.pending)
			z.pending = z.pending[k:]
			n += k
			continue
		}
		if z.err != nil || z.eof {
			break
		}
		z.pending, z.err = z.step()
	}
	switch {
	case n > 0:
		return n, nil
	case z.err != nil:
		return 0, z.err
	}
	return 0, io.EOF
}

// step decodes one code into the string it stands for.
func (z *lzwReader) step() ([]byte, error) {
	c, err := z.code()
	if err != nil {
		return nil, err
	}
	switch {
	case c == lzwEOI:
		z.eof = true
		return nil, nil
	case c == lzwClear:
		z.clear()
		return nil, nil
	case z.prev < 0:
		if c > 255 {
			return nil, errLZWCode
		}
		z.prev = c
		z.stack[0] = byte(c)
		return z.stack[:1], nil
	case c > z.next || c == z.next && z.next >= lzwMax:
		return nil, errLZWCode
	}
	// The new entry is the previous string and the first byte of this
	// one, which for the code being defined right now (c == next) is the
	// previous string's first byte.
	firstByte := z.first[z.prev]
	if c < z.next {
		firstByte = z.first[c]
	}
	if z.next < lzwMax {
		z.prefix[z.next] = uint16(z.prev)
		z.suffix[z.next] = firstByte
		z.first[z.next] = z.first[z.prev]
		z.length[z.next] = z.length[z.prev] + 1
		z.next++
		if z.next == 1<<z.width-1 && z.width < 12 {
			z.width++
		}
	}
	z.prev = c
	// Each entry is one longer than an earlier one since the last clear,
	// so a string is at most lzwMax bytes and fits the stack.
	n := int(z.length[c])
	s := z.stack[:n]
	for i := n - 1; i >= 0; i-- {
		s[i] = z.suffix[c]
		c = int(z.prefix[c])
	}
	return s, nil
}
