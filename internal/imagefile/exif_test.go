package imagefile

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// byteOrder is what binary.LittleEndian and binary.BigEndian both are.
type byteOrder interface {
	binary.ByteOrder
	binary.AppendByteOrder
}

// tiffIFD builds the TIFF payload of an EXIF block by hand for the parser
// table: header (byte order, 42, IFD offset), then the raw IFD bytes.
func tiffIFD(order string, ifdOffset uint32, ifd []byte) []byte {
	var bo byteOrder = binary.LittleEndian
	if order == "MM" {
		bo = binary.BigEndian
	}
	b := []byte(order)
	b = bo.AppendUint16(b, 42)
	b = bo.AppendUint32(b, ifdOffset)
	return append(b, ifd...)
}

// entry is one 12-byte IFD entry.
func entry(bo byteOrder, tag, typ uint16, count uint32, value []byte) []byte {
	b := bo.AppendUint16(nil, tag)
	b = bo.AppendUint16(b, typ)
	b = bo.AppendUint32(b, count)
	v := make([]byte, 4)
	copy(v, value)
	return append(b, v...)
}

func ifd(bo byteOrder, entries ...[]byte) []byte {
	b := bo.AppendUint16(nil, uint16(len(entries)))
	for _, e := range entries {
		b = append(b, e...)
	}
	return bo.AppendUint32(b, 0)
}

func TestExifOrientation(t *testing.T) {
	le, be := binary.LittleEndian, binary.BigEndian
	short := func(bo byteOrder, v uint16) []byte { return bo.AppendUint16(nil, v) }
	long := func(bo byteOrder, v uint32) []byte { return bo.AppendUint32(nil, v) }
	other := entry(le, 0x010f, 2, 4, []byte("Go\x00\x00"))
	tests := []struct {
		name string
		b    []byte
		want Orientation
	}{
		{"intel short 6", tiffIFD("II", 8, ifd(le, entry(le, tagOrientation, tiffShort, 1, short(le, 6)))), Rotate90},
		{"motorola short 8", tiffIFD("MM", 8, ifd(be, entry(be, tagOrientation, tiffShort, 1, short(be, 8)))), Rotate270},
		{"long 3", tiffIFD("II", 8, ifd(le, entry(le, tagOrientation, tiffLong, 1, long(le, 3)))), Rotate180},
		{"after another tag", tiffIFD("II", 8, ifd(le, other, entry(le, tagOrientation, tiffShort, 1, short(le, 5)))), Transpose},
		{"IFD further on", tiffIFD("II", 12, append([]byte{9, 9, 9, 9}, ifd(le, entry(le, tagOrientation, tiffShort, 1, short(le, 2)))...)), FlipH},
		{"no orientation tag", tiffIFD("II", 8, ifd(le, other)), Upright},
		{"empty IFD", tiffIFD("II", 8, ifd(le)), Upright},
		{"value 0", tiffIFD("II", 8, ifd(le, entry(le, tagOrientation, tiffShort, 1, short(le, 0)))), Upright},
		{"value 9", tiffIFD("II", 8, ifd(le, entry(le, tagOrientation, tiffShort, 1, short(le, 9)))), Upright},
		{"long value past 16 bits", tiffIFD("II", 8, ifd(le, entry(le, tagOrientation, tiffLong, 1, long(le, 0x10006)))), Upright},
		{"count 0", tiffIFD("II", 8, ifd(le, entry(le, tagOrientation, tiffShort, 0, short(le, 6)))), Upright},
		// Orientation has one value; with more the entry holds an offset
		// (or two values), and which to take is a guess.
		{"count 3 shorts at offset 6", tiffIFD("II", 8, ifd(le, entry(le, tagOrientation, tiffShort, 3, long(le, 6)))), Upright},
		{"count 2 longs at offset 6", tiffIFD("II", 8, ifd(le, entry(le, tagOrientation, tiffLong, 2, long(le, 6)))), Upright},
		{"count 2 shorts in place", tiffIFD("II", 8, ifd(le, entry(le, tagOrientation, tiffShort, 2, append(short(le, 6), short(le, 6)...)))), Upright},
		{"type ASCII", tiffIFD("II", 8, ifd(le, entry(le, tagOrientation, 2, 1, short(le, 6)))), Upright},
		{"wrong byte order for the data", tiffIFD("MM", 8, ifd(le, entry(le, tagOrientation, tiffShort, 1, short(le, 6)))), Upright},
		{"bad byte order mark", append([]byte("IM"), tiffIFD("II", 8, ifd(le, entry(le, tagOrientation, tiffShort, 1, short(le, 6))))[2:]...), Upright},
		{"bad magic", func() []byte {
			b := tiffIFD("II", 8, ifd(le, entry(le, tagOrientation, tiffShort, 1, short(le, 6))))
			b[2] = 43
			return b
		}(), Upright},
		{"IFD offset inside the header", tiffIFD("II", 4, ifd(le, entry(le, tagOrientation, tiffShort, 1, short(le, 6)))), Upright},
		{"IFD offset past the end", tiffIFD("II", 1000, ifd(le, entry(le, tagOrientation, tiffShort, 1, short(le, 6)))), Upright},
		{"IFD offset near 2^32", tiffIFD("II", 0xfffffffe, nil), Upright},
		{"entry count larger than the data", func() []byte {
			b := tiffIFD("II", 8, ifd(le, entry(le, tagOrientation, tiffShort, 1, short(le, 6))))
			le.PutUint16(b[8:], 0xffff)
			return b
		}(), Rotate90}, // the entries present are read; the missing ones never are
		{"truncated entry", tiffIFD("II", 8, ifd(le, entry(le, tagOrientation, tiffShort, 1, short(le, 6))))[:8+2+10], Upright},
		{"header only", []byte("II*\x00\x08\x00\x00\x00"), Upright},
		{"short", []byte("II*"), Upright},
		{"empty", nil, Upright},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := exifOrientation(tt.b); got != tt.want {
				t.Errorf("exifOrientation = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestJPEGOrientationScan(t *testing.T) {
	base := encodeJPEG(t, image.NewGray(image.Rect(0, 0, 8, 8)), 90)
	exif6 := exifSegment(Rotate90, binary.BigEndian)
	app := func(marker byte, payload string) []byte {
		seg := []byte{0xff, marker, 0, 0}
		binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
		return append(seg, payload...)
	}
	jfif := app(0xe0, "JFIF\x00\x01\x02\x00\x00\x01\x00\x01\x00\x00")
	xmp := app(markerAPP1, "http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta/>")
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	tests := []struct {
		name string
		b    []byte
		want Orientation
	}{
		{"right after SOI", withSegment(base, exif6), Rotate90},
		{"after JFIF", withSegment(base, cat(jfif, exif6)), Rotate90},
		{"after XMP", withSegment(base, cat(xmp, exif6)), Rotate90},
		{"fill bytes before the marker", withSegment(base, cat([]byte{0xff, 0xff}, exif6)), Rotate90},
		{"first EXIF wins", withSegment(base, cat(exif6, exifSegment(Rotate180, binary.LittleEndian))), Rotate90},
		{"largest segment", withSegment(base, func() []byte {
			seg := exifSegment(Rotate90, binary.BigEndian)
			seg = append(seg, make([]byte, 0xffff+2-len(seg))...) // padding after the IFD
			binary.BigEndian.PutUint16(seg[2:], 0xffff)
			return seg
		}()), Rotate90},
		{"largest XMP before EXIF", withSegment(base, cat(app(markerAPP1, strings.Repeat("x", 0xffff-2)), exif6)), Rotate90},
		{"none", base, Upright},
		{"short APP1", withSegment(base, app(markerAPP1, "Exi")), Upright},
		{"segment length 1", withSegment(base, []byte{0xff, 0xe1, 0x00, 0x01}), Upright},
		{"truncated EXIF", withSegment(base, exif6)[:30], Upright},
		{"garbage between segments", withSegment(base, cat(jfif, []byte{0x12}, exif6)), Upright},
		{"not a JPEG", []byte("\x89PNG\r\n\x1a\n"), Upright},
		{"SOI only", []byte{0xff, 0xd8}, Upright},
		{"empty", nil, Upright},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := jpegOrientation(bufio.NewReaderSize(bytes.NewReader(tt.b), bufferSize)); got != tt.want {
				t.Errorf("jpegOrientation = %d, want %d", got, tt.want)
			}
		})
	}
}

// TestOrientationCards checks the eight EXIF test files: each stored image
// has the corners the EXIF table prescribes, and each decodes to the upright
// card. The files are also committed under testdata (go test -update
// rewrites them) for the command's tests.
func TestOrientationCards(t *testing.T) {
	// From the EXIF table ("0th row is the visual …, 0th column is the
	// visual …"): the upright corner where the stored image's first pixel,
	// and the last pixel of its first row, belong.
	corners := map[Orientation][2]color.RGBA{
		Upright:    {cardTL, cardTR},
		FlipH:      {cardTR, cardTL},
		Rotate180:  {cardBR, cardBL},
		FlipV:      {cardBL, cardBR},
		Transpose:  {cardTL, cardBL},
		Rotate90:   {cardTR, cardBR},
		Transverse: {cardBR, cardTR},
		Rotate270:  {cardBL, cardTL},
	}
	up := card()
	for o := Upright; o <= Rotate270; o++ {
		t.Run(fmt.Sprint(o), func(t *testing.T) {
			stored := refStored(up, o)
			sb := stored.Bounds()
			for i, p := range []image.Point{{0, 0}, {sb.Dx() - 1, 0}} {
				got := color.RGBAModel.Convert(stored.At(p.X, p.Y)).(color.RGBA)
				if got != corners[o][i] {
					t.Fatalf("stored pixel %v is %v, the EXIF table wants %v", p, got, corners[o][i])
				}
			}

			file := orientedJPEG(t, o)
			path := filepath.Join("testdata", fmt.Sprintf("orientation-%d.jpg", o))
			if *update {
				if err := os.WriteFile(path, file, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			for name, b := range map[string][]byte{"generated": file, "committed": readTestdata(t, filepath.Base(path))} {
				d, err := decodeBytes(b, path, Limits{})
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if d.Orientation != o {
					t.Errorf("%s: orientation %d, want %d", name, d.Orientation, o)
				}
				if d.Width != up.Rect.Dx() || d.Height != up.Rect.Dy() {
					t.Errorf("%s: Info says %d×%d, want %v", name, d.Width, d.Height, up.Rect.Size())
				}
				if _, ok := d.Image.(*image.YCbCr); !ok {
					t.Errorf("%s: %T, want *image.YCbCr kept through the rotation", name, d.Image)
				}
				worst, mean := maxDiff(t, d.Image, up)
				// Quality 95 on flat 16-pixel cells: a wrong orientation
				// differs by ~200 on whole cells.
				if c := centreDiff(d.Image, up); worst > 40 || mean > 3 || c > 8 {
					t.Errorf("%s: differs from the upright card by up to %d (%d at cell centres, mean %.2f)", name, worst, c, mean)
				}
			}
		})
	}
}

// TestOrientationImageMagick checks the committed files against an
// independent reader: ImageMagick's -auto-orient, where it is installed.
func TestOrientationImageMagick(t *testing.T) {
	const convert = "/usr/bin/convert"
	if _, err := os.Stat(convert); err != nil {
		t.Skip("ImageMagick not installed (apt-get install imagemagick)")
	}
	for o := Upright; o <= Rotate270; o++ {
		path := filepath.Join("testdata", fmt.Sprintf("orientation-%d.jpg", o))
		out, err := exec.Command(convert, path, "-auto-orient", "png:-").Output()
		if err != nil {
			t.Fatalf("%s: convert: %v", path, err)
		}
		want, err := decodeBytes(out, "convert output", Limits{})
		if err != nil {
			t.Fatal(err)
		}
		got, err := Open(path, Limits{})
		if err != nil {
			t.Fatal(err)
		}
		// Both decode the same JPEG data, but ImageMagick upsamples chroma
		// smoothly and image/jpeg by replication, which differs on the
		// cell edges only: compare the cell centres, and the mean.
		_, mean := maxDiff(t, got.Image, want.Image)
		if worst := centreDiff(got.Image, want.Image); worst > 16 || mean > 3 {
			t.Errorf("%s: differs from ImageMagick's upright image by up to %d at cell centres (mean %.2f)", path, worst, mean)
		}
	}
}

// FuzzExifOrientation: whatever the EXIF block, an orientation of the
// eight, through the JPEG segment scan too; and where the block is a whole
// TIFF directory, the TIFF decoder's own reading of tag 274 agrees.
func FuzzExifOrientation(f *testing.F) {
	for o := Upright; o <= Rotate270; o++ {
		f.Add(exifSegment(o, binary.LittleEndian)[4+len(exifHeader):])
		f.Add(exifSegment(o, binary.BigEndian)[4+len(exifHeader):])
	}
	f.Add([]byte("II*\x00\xff\xff\xff\xff"))
	f.Fuzz(func(t *testing.T, b []byte) {
		o := exifOrientation(b)
		if o < Upright || o > Rotate270 {
			t.Fatalf("orientation %d", o)
		}
		// readTIFFDir refuses what exifOrientation reads around (a cut
		// directory, a repeated tag); past it, they read the same entry.
		if d, err := readTIFFDir(bytes.NewReader(b)); err == nil && d.orientation() != o {
			t.Fatalf("EXIF scan says %d, the TIFF directory %d", o, d.orientation())
		}
		// The scan over a JPEG-ish wrapper must not fail either.
		seg := append([]byte{0xff, 0xd8, 0xff, markerAPP1, 0, 0}, exifHeader...)
		seg = append(seg, b...)
		binary.BigEndian.PutUint16(seg[4:], uint16(min(len(seg)-4, 0xffff)))
		if o := jpegOrientation(bufio.NewReaderSize(bytes.NewReader(seg), bufferSize)); o < Upright || o > Rotate270 {
			t.Fatalf("scan orientation %d", o)
		}
	})
}
