package imagefile

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/draw"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/corescale/corescale/internal/jpegturbo"
)

// fuzzMaxPixels keeps each fuzz input's allocation to a few megabytes, so
// the fuzzer spends its time on parsing rather than on clearing memory; the
// limit logic itself is the same for any value.
const fuzzMaxPixels = 1 << 20

// fastTypes are the types the package doc promises.
var fastTypes = map[string]bool{
	"*image.Gray": true, "*image.Gray16": true, "*image.YCbCr": true, "*image.RGBA": true,
	"*image.NRGBA": true, "*image.RGBA64": true, "*image.NRGBA64": true,
}

// FuzzDecode drives the whole entry point: sniffing, the EXIF scan, the
// header check, the decoders, normalisation and orientation. Whatever the
// bytes, it must return an error naming the file or an image that keeps
// every promise of the package doc, within the limit, promptly.
func FuzzDecode(f *testing.F) {
	for _, s := range samples(f) {
		f.Add(s.data)
	}
	for o := Upright; o <= Rotate270; o++ {
		f.Add(orientedJPEG(f, o))
	}
	// A 4:2:0 JPEG of odd size with an orientation that transposes it, which
	// takes the RGBA fallback.
	f.Add(withSegment(encodeJPEG(f, photo(17, 9, 4), 80), exifSegment(Rotate90, binary.LittleEndian)))
	f.Add(readTestdata(f, "progressive.jpg"))
	f.Add(manyScans(f, maxJPEGScans+1))
	for _, b := range bombs(f) {
		f.Add(b)
	}
	for _, b := range brokenJPEGs(f) {
		f.Add(b)
	}
	for _, b := range withProfilesAndEXIF(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		start := time.Now()
		// The last byte asks for a scaled decode, so that libjpeg-turbo's
		// reductions are fuzzed too.
		var atLeast image.Point
		if len(data) > 0 {
			c := data[len(data)-1]
			atLeast = image.Pt(int(c&15)*4, int(c>>4)*4)
		}
		d, err := DecodeWith(bytes.NewReader(data), "fuzz.img", DecodeOptions{Limits: Limits{MaxPixels: fuzzMaxPixels}, AtLeast: atLeast})
		if took := time.Since(start); took > 2*time.Second {
			t.Errorf("took %v on %d bytes", took, len(data))
		}
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.img: ") {
				t.Errorf("error does not name the file: %v", err)
			}
			return
		}
		b := d.Image.Bounds()
		if d.Shrink != 1 && d.Shrink != 2 && d.Shrink != 4 && d.Shrink != 8 || d.Shrink != 1 && d.Format != JPEG {
			t.Fatalf("shrink %d for %s", d.Shrink, d.Format)
		}
		if b.Min.X != 0 || b.Min.Y != 0 || b.Dx() != ceilDiv(d.Width, d.Shrink) || b.Dy() != ceilDiv(d.Height, d.Shrink) {
			t.Fatalf("bounds %v, Info %d×%d, shrink %d", b, d.Width, d.Height, d.Shrink)
		}
		if d.Shrink > 1 && (b.Dx() < atLeast.X || b.Dy() < atLeast.Y) {
			t.Fatalf("%v reduced below %v", b, atLeast)
		}
		if int64(d.Width)*int64(d.Height) > fuzzMaxPixels || d.Width <= 0 || d.Height <= 0 {
			t.Fatalf("%d×%d passed the limit", d.Width, d.Height)
		}
		// JPEG, PNG, TIFF and WebP carry an orientation; GIF and BMP none.
		if d.Orientation < Upright || d.Orientation > Rotate270 || (d.Format == GIF || d.Format == BMP) && d.Orientation != Upright {
			t.Fatalf("orientation %d for %s", d.Orientation, d.Format)
		}
		if typ := typeOf(d.Image); !fastTypes[typ] {
			t.Fatalf("decoded as %s", typ)
		}
		if f, ok := sniff(data[:min(len(data), sniffLen)]); !ok || f != d.Format {
			t.Fatalf("format %q, sniffed %q", d.Format, f)
		}
		// A profile comes back only when it could be one (checkICC), and
		// byte for byte, so no longer than the file.
		if d.ICC != nil && (checkICC(d.ICC) != nil || len(d.ICC) > len(data)) {
			t.Fatalf("a profile of %d bytes from a file of %d: %v", len(d.ICC), len(data), checkICC(d.ICC))
		}
		info, err := ProbeReader(bytes.NewReader(data), "fuzz.img", Limits{MaxPixels: fuzzMaxPixels})
		if err != nil || info != d.Info {
			t.Fatalf("ProbeReader = %+v, %v; Decode said %+v", info, err, d.Info)
		}
		// Whatever decodes must also encode; small images only, to keep the
		// fuzzer's pace.
		if b.Dx()*b.Dy() <= 64*64 {
			for _, f := range []Format{JPEG, PNG} {
				if err := Encode(io.Discard, d.Image, f, 0); err != nil {
					t.Fatalf("encoding %s: %v", f, err)
				}
			}
		}
	})
}

// withProfilesAndEXIF are files that carry an ICC profile in each format's
// own way (JPEG APP2 segments, PNG iCCP, WebP ICCP, TIFF tag 34675, a BMP
// V5 header's offset) and an orientation outside JPEG (PNG eXIf, TIFF tag
// 274), so that the fuzzer starts from the code that reads them rather
// than having to invent their structure.
func withProfilesAndEXIF(t testing.TB) [][]byte {
	prof := fakeICC(300)
	var pngFile bytes.Buffer
	if err := png.Encode(&pngFile, photo(9, 7, 2)); err != nil {
		t.Fatal(err)
	}
	exif := exifSegment(Rotate90, binary.LittleEndian)[4+len(exifHeader):]
	gray8 := tiffSpec{name: "gray8", bps: 8, spp: 1, photometric: tiffBlackIsZero}.file(false, 0)
	withTag := func(file []byte, tag, typ uint16, count, value uint32) []byte {
		b := bytes.Clone(file)
		le := binary.LittleEndian
		off := int(le.Uint32(b[4:]))
		for i := range int(le.Uint16(b[off:])) {
			e := off + 2 + 12*i
			if le.Uint16(b[e:]) == tagCompression { // absent means none, as it is
				le.PutUint16(b[e:], tag)
				le.PutUint16(b[e+2:], typ)
				le.PutUint32(b[e+4:], count)
				le.PutUint32(b[e+8:], value)
			}
		}
		return b
	}
	tiffProfile := append(bytes.Clone(gray8), prof...)
	// An extended WebP: VP8X with the ICC flag and the 64×32 canvas, ICCP,
	// then the lossless image's own chunk.
	lossless := readTestdata(t, "lossless.webp")
	vp8x := []byte{webpICCFlag, 0, 0, 0, 63, 0, 0, 31, 0, 0}
	webpFile := riff("VP8X", vp8x)
	webpFile = append(webpFile, riff("ICCP", prof)[12:]...)
	webpFile = append(webpFile, lossless[12:]...)
	binary.LittleEndian.PutUint32(webpFile[4:], uint32(len(webpFile)-8))
	return [][]byte{
		withSegment(encodeJPEG(t, photo(16, 8, 1), 90), jpegICCSegments(prof, 200, 2, []int{2, 1})),
		pngWithChunk(pngFile.Bytes(), pngChunk("iCCP", iccpData(prof))),
		pngWithChunk(pngFile.Bytes(), pngChunk("eXIf", exif)),
		bmpWithICC(prof, uint32(len(prof))),
		withTag(tiffProfile, tagICC, tiffUndefined, uint32(len(prof)), uint32(len(gray8))),
		withTag(gray8, tagOrientation, tiffShort, 1, 6),
		webpFile,
	}
}

// brokenJPEGs are JPEGs of every kind libjpeg-turbo decodes differently
// (4:2:0, 4:4:4, gray, CMYK, progressive, restart markers), whole, cut
// short at several places, and with bytes of their scans overwritten:
// each must give a clear error or a decode (with a warning), never a
// crash or a leak.
func brokenJPEGs(t testing.TB) [][]byte {
	src := photo(48, 40, 9)
	gray := image.NewGray(src.Rect)
	for i := range gray.Pix {
		gray.Pix[i] = src.Pix[4*i]
	}
	whole := [][]byte{encodeJPEG(t, src, 85), encodeJPEG(t, gray, 85), readTestdata(t, "progressive.jpg")}
	if jpegturbo.Available {
		for _, s := range []jpegturbo.Subsampling{jpegturbo.S444, jpegturbo.S422, jpegturbo.S440} {
			b, err := jpegturbo.Encode(src, jpegturbo.EncodeOptions{Quality: 85, Subsampling: s})
			if err != nil {
				t.Fatal(err)
			}
			whole = append(whole, b)
		}
		cmyk := image.NewCMYK(src.Rect)
		draw.Draw(cmyk, cmyk.Rect, src, image.Point{}, draw.Src)
		b, err := jpegturbo.Encode(cmyk, jpegturbo.EncodeOptions{Quality: 85})
		if err != nil {
			t.Fatal(err)
		}
		whole = append(whole, b)
	}
	whole = append(whole, withRestarts(t, encodeJPEG(t, src, 85)))
	var out [][]byte
	for _, j := range whole {
		out = append(out, j)
		sos := bytes.LastIndex(j, []byte{0xff, markerSOS})
		for _, cut := range []int{sos, sos + 20, (sos + len(j)) / 2, len(j) - 2} {
			out = append(out, j[:min(max(cut, 2), len(j))])
		}
		bad := bytes.Clone(j)
		for i := sos + 16; i < len(bad)-2; i += 37 {
			bad[i] ^= 0x5a
		}
		out = append(out, bad)
	}
	return out
}

// withRestarts is j re-encoded with a restart marker after every MCU (as
// cameras write them) by ImageMagick when it is installed; j itself
// otherwise.
func withRestarts(t testing.TB, j []byte) []byte {
	if _, err := exec.LookPath("convert"); err != nil {
		return j
	}
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.jpg"), filepath.Join(dir, "out.jpg")
	if err := os.WriteFile(in, j, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := exec.Command("convert", in, "-define", "jpeg:restart-interval=1", "-quality", "85", out).Run(); err != nil {
		return j
	}
	b, err := os.ReadFile(out)
	if err != nil {
		return j
	}
	return b
}
