package icc

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf16"
)

// ErrUnavailable is returned by conversions in a build without cgo, where
// Little CMS is not linked in.
var ErrUnavailable = errors.New("icc: colour management unavailable (built without cgo)")

// ErrUnsupported is wrapped by conversions refused because of what the
// profile is (a colour space or class other than RGB, gray or CMYK input)
// or because it does not fit the image's layout (an RGB profile on a gray
// image); the image is left as it was.
var ErrUnsupported = errors.New("icc: unsupported conversion")

// Space is a profile's data colour space, as far as conversion cares.
type Space int

const (
	SpaceOther Space = iota // Lab, XYZ, n-colour…: refused for conversion
	SpaceRGB
	SpaceGray
	SpaceCMYK
)

func (s Space) String() string {
	switch s {
	case SpaceRGB:
		return "RGB"
	case SpaceGray:
		return "gray"
	case SpaceCMYK:
		return "CMYK"
	}
	return "other"
}

// headerSize is the fixed header plus the tag count that follows it.
const headerSize = 132

// Profile is a parsed ICC profile. It holds no C memory, so it needs no
// Close and may be shared between goroutines.
type Profile struct {
	data    []byte   // as given to Parse
	body    []byte   // data cut to the header's size field
	sum     [32]byte // SHA-256 of body: the transform cache's key
	space   Space
	sig     string // data colour space signature, for messages
	class   string // device class signature
	version string
	desc    string
	srgb    bool
}

// Bytes returns the profile's bytes as given to Parse (to be embedded in
// an output unchanged). The caller must not modify them.
func (p *Profile) Bytes() []byte { return p.data }

// Space returns the profile's data colour space.
func (p *Profile) Space() Space { return p.space }

// Description returns the profile's 'desc' tag (English when it has
// several languages), or "" when it has none.
func (p *Profile) Description() string { return p.desc }

// Version returns the ICC version of the profile, such as "2.1" or "4.3".
func (p *Profile) Version() string { return p.version }

// IsSRGB reports whether converting through the profile to sRGB changes
// no 8-bit colour by more than one level, so that the conversion can be
// skipped: see Parse.
func (p *Profile) IsSRGB() bool { return p.srgb }

// String names the profile for messages: its description (or "unnamed"),
// colour space and version.
func (p *Profile) String() string {
	name := p.desc
	if name == "" {
		name = "unnamed"
	}
	return fmt.Sprintf("%q (%s, ICC v%s)", name, strings.TrimSpace(p.sig), p.version)
}

// Parse validates an ICC profile and reads what the pipeline needs from
// it: colour space, description and whether it is sRGB already. It
// copies b. Structural faults (a short or truncated profile, no 'acsp'
// signature, a tag table pointing past the end) are errors naming the
// value found; so is a profile Little CMS cannot open, when it is linked
// in. A profile of a colour space that cannot be converted parses (its
// bytes can still be carried to the output); ToSRGB refuses it.
//
// Whether a profile is sRGB is decided by what converting does, not by
// its name or MD5 profile ID: Parse builds the profile's transform to
// sRGB (which ToSRGB then reuses from the cache) and runs it over every
// level of each channel and of gray and a 17³ grid; when no output moves
// by more than one level from its input, the profile is sRGB. That
// catches every variant of sRGB in the wild (v2 with a 1024-entry curve,
// v4 parametric, the IEC and HP ones with slightly different colorants,
// profiles with a zero or a wrong ID) without a list to maintain, and
// never takes for sRGB a profile named "sRGB" that is not. Gray profiles
// whose curve is sRGB's count as sRGB too. Without cgo it is always false.
func Parse(b []byte) (*Profile, error) {
	p, err := parseHeader(b)
	if err != nil {
		return nil, err
	}
	if err := check(p); err != nil {
		return nil, err
	}
	return p, nil
}

// parseHeader is Parse's pure-Go half: it trusts nothing in b.
func parseHeader(b []byte) (*Profile, error) {
	if len(b) < headerSize {
		return nil, fmt.Errorf("icc: profile is %d bytes, shorter than an ICC header (%d)", len(b), headerSize)
	}
	size := binary.BigEndian.Uint32(b)
	if uint64(size) > uint64(len(b)) {
		return nil, fmt.Errorf("icc: profile header gives a size of %d bytes but %d are there (truncated)", size, len(b))
	}
	if size < headerSize {
		return nil, fmt.Errorf("icc: profile header gives a size of %d bytes, shorter than the header itself", size)
	}
	if sig := string(b[36:40]); sig != "acsp" {
		return nil, fmt.Errorf("icc: not an ICC profile: signature %q at byte 36, want \"acsp\"", printable(sig))
	}
	body := b[:size]
	count := binary.BigEndian.Uint32(body[128:])
	if uint64(count) > uint64(size-headerSize)/12 {
		return nil, fmt.Errorf("icc: profile's tag table of %d tags does not fit in its %d bytes", count, size)
	}
	data := append([]byte(nil), b...)
	p := &Profile{
		data:    data,
		body:    data[:size],
		sum:     sha256.Sum256(body),
		sig:     printable(string(body[16:20])),
		class:   printable(string(body[12:16])),
		version: fmt.Sprintf("%d.%d", body[8], body[9]>>4),
	}
	switch p.sig {
	case "RGB ":
		p.space = SpaceRGB
	case "GRAY":
		p.space = SpaceGray
	case "CMYK":
		p.space = SpaceCMYK
	}
	for i := range count {
		e := body[headerSize+12*i:]
		tag := string(e[:4])
		off, n := binary.BigEndian.Uint32(e[4:]), binary.BigEndian.Uint32(e[8:])
		if uint64(off)+uint64(n) > uint64(size) {
			return nil, fmt.Errorf("icc: profile's tag %q (%d bytes at offset %d) runs past its end (%d bytes)", printable(tag), n, off, size)
		}
		if tag == "desc" {
			p.desc = description(body[off : off+n])
		}
	}
	return p, nil
}

// description reads a 'desc' tag of type textDescriptionType (v2: ASCII)
// or multiLocalizedUnicodeType (v4: UTF-16BE records, the English one
// preferred). A malformed tag gives "": a name is for messages only and
// is no reason to refuse a profile.
func description(t []byte) string {
	if len(t) < 12 {
		return ""
	}
	be := binary.BigEndian
	switch string(t[:4]) {
	case "desc":
		n := be.Uint32(t[8:])
		if uint64(n) > uint64(len(t)-12) {
			return ""
		}
		s, _, _ := strings.Cut(string(t[12:12+n]), "\x00")
		return clean(s)
	case "mluc":
		if len(t) < 16 {
			return ""
		}
		n, recSize := be.Uint32(t[8:]), be.Uint32(t[12:])
		if recSize < 12 || uint64(n)*uint64(recSize) > uint64(len(t)-16) {
			return ""
		}
		best := ""
		for i := range n {
			r := t[16+i*recSize:]
			length, off := be.Uint32(r[4:]), be.Uint32(r[8:])
			if uint64(off)+uint64(length) > uint64(len(t)) {
				continue
			}
			u := make([]uint16, length/2)
			for j := range u {
				u[j] = be.Uint16(t[off+2*uint32(j):])
			}
			s := clean(string(utf16.Decode(u)))
			if string(r[:2]) == "en" && s != "" {
				return s
			}
			if best == "" {
				best = s
			}
		}
		return best
	}
	return ""
}

// clean keeps a name fit for a one-line message: no control characters,
// no padding.
func clean(s string) string {
	s = strings.Map(func(r rune) rune {
		if !unicode.IsPrint(r) {
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// printable shows a four-byte signature in a message, bytes that are not
// printable ASCII as '?'.
func printable(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c < 0x20 || c > 0x7e {
			b[i] = '?'
		}
	}
	return string(b)
}

// convertible says why a profile cannot be a conversion's source, or nil.
func (p *Profile) convertible() error {
	switch p.class {
	case "link", "abst", "nmcl":
		return fmt.Errorf("%w: profile %s is of class %q (device link, abstract or named colour), not an input colour space", ErrUnsupported, p, p.class)
	}
	if p.space == SpaceOther {
		return fmt.Errorf("%w: profile %s is in colour space %q; only RGB, gray and CMYK convert", ErrUnsupported, p, p.sig)
	}
	return nil
}
