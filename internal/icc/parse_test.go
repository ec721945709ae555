package icc

import (
	"encoding/binary"
	"strings"
	"testing"
)

// header returns a minimal well-formed profile: a header, and a tag table
// of the given tags, each pointing at the bytes of its value.
func header(space string, tags map[string][]byte) []byte {
	b := make([]byte, headerSize+12*len(tags))
	copy(b[12:], "mntr")
	copy(b[16:], space)
	copy(b[20:], "XYZ ")
	copy(b[36:], "acsp")
	b[8], b[9] = 4, 0x30
	binary.BigEndian.PutUint32(b[128:], uint32(len(tags)))
	i := 0
	for sig, v := range tags {
		e := b[headerSize+12*i:]
		copy(e, sig)
		binary.BigEndian.PutUint32(e[4:], uint32(len(b)))
		binary.BigEndian.PutUint32(e[8:], uint32(len(v)))
		b = append(b, v...)
		i++
	}
	binary.BigEndian.PutUint32(b, uint32(len(b)))
	return b
}

func TestParseHeaderRefusesCorruptProfiles(t *testing.T) {
	good := header("RGB ", nil)
	truncated := header("RGB ", map[string][]byte{"desc": make([]byte, 40)})
	truncated = truncated[:len(truncated)-10]
	noSig := header("RGB ", nil)
	copy(noSig[36:], "xxxx")
	small := header("RGB ", nil)
	binary.BigEndian.PutUint32(small, 100)
	manyTags := header("RGB ", nil)
	binary.BigEndian.PutUint32(manyTags[128:], 1000)
	pastEnd := header("RGB ", map[string][]byte{"rXYZ": make([]byte, 20)})
	binary.BigEndian.PutUint32(pastEnd[headerSize+8:], 1<<31)
	for _, c := range []struct {
		name string
		b    []byte
		want string
	}{
		{"empty", nil, "0 bytes, shorter than an ICC header"},
		{"short", good[:100], "100 bytes, shorter"},
		{"truncated", truncated, "truncated"},
		{"no acsp", noSig, `signature "xxxx" at byte 36`},
		{"size below header", small, "size of 100 bytes, shorter than the header"},
		{"tag table too long", manyTags, "tag table of 1000 tags"},
		{"tag past end", pastEnd, `tag "rXYZ" (2147483648 bytes at offset 144) runs past its end`},
	} {
		_, err := parseHeader(c.b)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
	if _, err := parseHeader(good); err != nil {
		t.Errorf("well-formed header: %v", err)
	}
}

func TestParseHeaderReadsDescriptionsAndSpace(t *testing.T) {
	v2 := []byte("desc\x00\x00\x00\x00\x00\x00\x00\x0cCamera RGB\x00\x00")
	mluc := []byte("mluc\x00\x00\x00\x00\x00\x00\x00\x02\x00\x00\x00\x0c" +
		"deDE\x00\x00\x00\x04\x00\x00\x00\x28" + "enUS\x00\x00\x00\x06\x00\x00\x00\x2c" +
		"\x00F\x00a" + "\x00D\x00o\x00g")
	for _, c := range []struct {
		space, desc string
		tag         []byte
		want        Space
	}{
		{"RGB ", "Camera RGB", v2, SpaceRGB},
		{"GRAY", "Dog", mluc, SpaceGray},
		{"CMYK", "", []byte("junk"), SpaceCMYK},
		{"Lab ", "", []byte("mluc\x00\x00\x00\x00\xff\xff\xff\xff\x00\x00\x00\x0c"), SpaceOther},
	} {
		p, err := parseHeader(header(c.space, map[string][]byte{"desc": c.tag}))
		if err != nil {
			t.Fatalf("%q: %v", c.space, err)
		}
		if p.Description() != c.desc || p.Space() != c.want || p.Version() != "4.3" {
			t.Errorf("%q: description %q, space %v, version %s; want %q, %v, 4.3", c.space, p.Description(), p.Space(), p.Version(), c.desc, c.want)
		}
	}
}

func TestParseCopiesAndKeepsBytes(t *testing.T) {
	b := append(header("RGB ", nil), 0, 0, 0) // padding after the size field is kept
	p, err := parseHeader(b)
	if err != nil {
		t.Fatal(err)
	}
	want := string(b)
	b[0] = 0xff
	if string(p.Bytes()) != want {
		t.Errorf("Bytes() changed with the caller's slice or lost the padding")
	}
}
