package imagefile

import (
	"bytes"
	"encoding/binary"
	"flag"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// update rewrites the generated files under testdata.
var update = flag.Bool("update", false, "rewrite the generated files under testdata")

// photo returns a w×h opaque image with smooth gradients, a little fine
// detail and noise, so JPEG sizes and timings resemble a photograph's rather
// than a flat test card's.
func photo(w, h int, seed uint64) *image.RGBA {
	rng := rand.New(rand.NewPCG(seed, 1))
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			fx, fy := float64(x)/float64(w), float64(y)/float64(h)
			r := 128 + 100*math.Sin(3*fx+1.3*fy) + 10*math.Sin(float64(x*x+y*y)/900)
			g := 110 + 90*math.Cos(2.1*fy-fx)
			b := 90 + 80*fx*fy + 30*math.Sin(float64(x)/7)
			n := rng.Float64()*16 - 8
			i := m.PixOffset(x, y)
			m.Pix[i+0] = clamp8(r + n)
			m.Pix[i+1] = clamp8(g + n)
			m.Pix[i+2] = clamp8(b + n)
			m.Pix[i+3] = 0xff
		}
	}
	return m
}

func clamp8(v float64) uint8 {
	return uint8(max(0, min(255, math.Round(v))))
}

// The corner colours of the orientation test card, upright.
var (
	cardTL = color.RGBA{0xe0, 0x20, 0x20, 0xff} // red
	cardTR = color.RGBA{0x20, 0xc0, 0x20, 0xff} // green
	cardBL = color.RGBA{0x20, 0x20, 0xe0, 0xff} // blue
	cardBR = color.RGBA{0xe0, 0xe0, 0x20, 0xff} // yellow
	cardL  = color.RGBA{0x10, 0x10, 0x10, 0xff} // the L
	cardBg = color.RGBA{0xf0, 0xf0, 0xf0, 0xff}
)

const cardCell = 16 // JPEG's 4:2:0 MCU, so cells survive compression intact

// card returns the upright orientation test card: 4×3 cells of 16 pixels
// (wider than tall, so a missed width/height swap shows), a distinct colour
// in each corner cell and an L (a vertical bar and a foot) that no flip or
// rotation maps onto itself.
func card() *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, 4*cardCell, 3*cardCell))
	cells := map[[2]int]color.RGBA{
		{0, 0}: cardTL, {3, 0}: cardTR, {0, 2}: cardBL, {3, 2}: cardBR,
		{1, 0}: cardL, {1, 1}: cardL, {1, 2}: cardL, {2, 2}: cardL,
	}
	for cy := range 3 {
		for cx := range 4 {
			c, ok := cells[[2]int{cx, cy}]
			if !ok {
				c = cardBg
			}
			for y := cy * cardCell; y < (cy+1)*cardCell; y++ {
				for x := cx * cardCell; x < (cx+1)*cardCell; x++ {
					m.SetRGBA(x, y, c)
				}
			}
		}
	}
	return m
}

// Reference geometry, built from the three primitive mirrors with At and
// Set, independently of the offset arithmetic of orient.go.

func refFlipH(m image.Image) *image.RGBA64 {
	b := m.Bounds()
	out := image.NewRGBA64(image.Rect(0, 0, b.Dx(), b.Dy()))
	for y := range b.Dy() {
		for x := range b.Dx() {
			out.Set(b.Dx()-1-x, y, m.At(b.Min.X+x, b.Min.Y+y))
		}
	}
	return out
}

func refFlipV(m image.Image) *image.RGBA64 {
	b := m.Bounds()
	out := image.NewRGBA64(image.Rect(0, 0, b.Dx(), b.Dy()))
	for y := range b.Dy() {
		for x := range b.Dx() {
			out.Set(x, b.Dy()-1-y, m.At(b.Min.X+x, b.Min.Y+y))
		}
	}
	return out
}

func refTranspose(m image.Image) *image.RGBA64 {
	b := m.Bounds()
	out := image.NewRGBA64(image.Rect(0, 0, b.Dy(), b.Dx()))
	for y := range b.Dy() {
		for x := range b.Dx() {
			out.Set(y, x, m.At(b.Min.X+x, b.Min.Y+y))
		}
	}
	return out
}

// refUpright turns a stored image upright by EXIF orientation o, as the
// EXIF table describes it: 6 is "rotate 90° clockwise", which is a
// transpose followed by a left–right mirror, and so on.
func refUpright(m image.Image, o Orientation) image.Image {
	switch o {
	case FlipH:
		return refFlipH(m)
	case Rotate180:
		return refFlipV(refFlipH(m))
	case FlipV:
		return refFlipV(m)
	case Transpose:
		return refTranspose(m)
	case Rotate90:
		return refFlipH(refTranspose(m))
	case Transverse:
		return refFlipV(refFlipH(refTranspose(m)))
	case Rotate270:
		return refFlipV(refTranspose(m))
	}
	return m
}

// refStored is the inverse of refUpright: the stored image that orientation
// o turns into the upright m.
func refStored(m image.Image, o Orientation) image.Image {
	switch o {
	case Rotate90:
		return refUpright(m, Rotate270)
	case Rotate270:
		return refUpright(m, Rotate90)
	}
	return refUpright(m, o) // the others are their own inverses
}

// exifSegment returns an APP1 segment holding a TIFF structure whose IFD0
// has the orientation tag (and a tag before it, so the parser must walk).
func exifSegment(o Orientation, bo binary.ByteOrder) []byte {
	var t bytes.Buffer
	if bo == binary.ByteOrder(binary.LittleEndian) {
		t.WriteString("II")
	} else {
		t.WriteString("MM")
	}
	w16 := func(v uint16) { _ = binary.Write(&t, bo, v) }
	w32 := func(v uint32) { _ = binary.Write(&t, bo, v) }
	w16(42)
	w32(8) // IFD0 right after the header
	w16(2) // two entries
	// ImageWidth (0x0100), LONG, 1, 64: a tag before the one we want.
	w16(0x0100)
	w16(tiffLong)
	w32(1)
	w32(64)
	// Orientation, SHORT, 1, value left-justified in the 4-byte field.
	w16(tagOrientation)
	w16(tiffShort)
	w32(1)
	w16(uint16(o))
	w16(0)
	w32(0) // no IFD1
	payload := append([]byte(exifHeader), t.Bytes()...)
	seg := []byte{0xff, markerAPP1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	return append(seg, payload...)
}

// withSegment splices seg into the JPEG file j right after SOI, where EXIF
// lives.
func withSegment(j, seg []byte) []byte {
	out := append([]byte{}, j[:2]...)
	out = append(out, seg...)
	return append(out, j[2:]...)
}

// encodeJPEG encodes m at quality q, failing the test on error.
func encodeJPEG(t testing.TB, m image.Image, q int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, &jpeg.Options{Quality: q}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// orientedJPEG is the test file for orientation o: the card stored so that
// o turns it upright, with EXIF saying o. Odd orientations use Intel byte
// order and even ones Motorola, so both are exercised.
func orientedJPEG(t testing.TB, o Orientation) []byte {
	var bo binary.ByteOrder = binary.BigEndian
	if o%2 == 1 {
		bo = binary.LittleEndian
	}
	return withSegment(encodeJPEG(t, refStored(card(), o), 95), exifSegment(o, bo))
}

// maxDiff returns the largest difference of any 8-bit channel between a and
// b, which must have the same size, and the mean absolute difference.
func maxDiff(t testing.TB, a, b image.Image) (worst int, mean float64) {
	t.Helper()
	ab, bb := a.Bounds(), b.Bounds()
	if ab.Dx() != bb.Dx() || ab.Dy() != bb.Dy() {
		t.Fatalf("sizes differ: %v and %v", ab, bb)
	}
	var sum, n float64
	for y := range ab.Dy() {
		for x := range ab.Dx() {
			ca := color.NRGBAModel.Convert(a.At(ab.Min.X+x, ab.Min.Y+y)).(color.NRGBA)
			cb := color.NRGBAModel.Convert(b.At(bb.Min.X+x, bb.Min.Y+y)).(color.NRGBA)
			for _, d := range [...]int{
				int(ca.R) - int(cb.R), int(ca.G) - int(cb.G), int(ca.B) - int(cb.B), int(ca.A) - int(cb.A),
			} {
				d = max(d, -d)
				worst = max(worst, d)
				sum += float64(d)
				n++
			}
		}
	}
	return worst, sum / n
}

// readTestdata returns a file under testdata.
func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// decodeBytes is Decode of an in-memory file.
func decodeBytes(b []byte, name string, l Limits) (*Decoded, error) {
	return Decode(bytes.NewReader(b), name, l)
}

// centreDiff returns the largest channel difference between a and b at the
// centres of the card's cells, away from the edges where chroma upsampling
// differs between decoders.
func centreDiff(a, b image.Image) int {
	worst := 0
	ab, bb := a.Bounds(), b.Bounds()
	for y := cardCell / 2; y < ab.Dy(); y += cardCell {
		for x := cardCell / 2; x < ab.Dx(); x += cardCell {
			ca := color.NRGBAModel.Convert(a.At(ab.Min.X+x, ab.Min.Y+y)).(color.NRGBA)
			cb := color.NRGBAModel.Convert(b.At(bb.Min.X+x, bb.Min.Y+y)).(color.NRGBA)
			for _, d := range [...]int{int(ca.R) - int(cb.R), int(ca.G) - int(cb.G), int(ca.B) - int(cb.B), int(ca.A) - int(cb.A)} {
				worst = max(worst, d, -d)
			}
		}
	}
	return worst
}

func putBE32(b []byte, v uint32) { binary.BigEndian.PutUint32(b, v) }
func putLE32(b []byte, v uint32) { binary.LittleEndian.PutUint32(b, v) }

// crcIHDR is the CRC of a PNG chunk over its type and data.
func crcIHDR(typeAndData []byte) uint32 { return crc32.ChecksumIEEE(typeAndData) }

// riff wraps one chunk in a WebP RIFF container.
func riff(fourcc string, payload []byte) []byte {
	chunk := []byte(fourcc)
	chunk = binary.LittleEndian.AppendUint32(chunk, uint32(len(payload)))
	chunk = append(chunk, payload...)
	if len(payload)%2 == 1 {
		chunk = append(chunk, 0)
	}
	b := []byte("RIFF")
	b = binary.LittleEndian.AppendUint32(b, uint32(4+len(chunk)))
	b = append(b, "WEBP"...)
	return append(b, chunk...)
}

// tiffWithSize rewrites the ImageWidth and ImageLength entries of the first
// IFD of a little-endian TIFF file as LONGs of the given values.
func tiffWithSize(t testing.TB, file []byte, w, h uint32) []byte {
	t.Helper()
	b := bytes.Clone(file)
	le := binary.LittleEndian
	if string(b[:2]) != "II" {
		t.Fatal("not a little-endian TIFF")
	}
	off := int(le.Uint32(b[4:]))
	n := int(le.Uint16(b[off:]))
	found := 0
	for i := range n {
		e := off + 2 + 12*i
		var v uint32
		switch le.Uint16(b[e:]) {
		case 256:
			v = w
		case 257:
			v = h
		default:
			continue
		}
		le.PutUint16(b[e+2:], tiffLong)
		le.PutUint32(b[e+4:], 1)
		le.PutUint32(b[e+8:], v)
		found++
	}
	if found != 2 {
		t.Fatal("TIFF without width and length entries")
	}
	return b
}

// typeOf is the Go type name of m, as the package doc lists them.
func typeOf(m image.Image) string { return fmt.Sprintf("%T", m) }
