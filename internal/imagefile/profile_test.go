package imagefile

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"image/png"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// fakeICC returns an n-byte buffer shaped like an ICC profile (its size,
// the 'acsp' signature, no tags) with a pattern that shows any byte moved.
func fakeICC(n int) []byte {
	p := make([]byte, n)
	for i := range p {
		p[i] = byte(i*7 + i/251)
	}
	binary.BigEndian.PutUint32(p, uint32(n))
	copy(p[36:], "acsp")
	binary.BigEndian.PutUint32(p[128:], 0)
	return p
}

// jpegICCSegments splits p into APP2 segments as numbered by seqs (1-based)
// with the given count, each of at most chunk bytes of profile.
func jpegICCSegments(p []byte, chunk int, count int, seqs []int) []byte {
	var parts [][]byte
	for len(p) > 0 {
		n := min(chunk, len(p))
		parts = append(parts, p[:n])
		p = p[n:]
	}
	var out []byte
	for _, s := range seqs {
		payload := append([]byte(iccMarker), byte(s), byte(count))
		payload = append(payload, parts[s-1]...)
		out = append(out, 0xff, markerAPP2)
		out = binary.BigEndian.AppendUint16(out, uint16(len(payload)+2))
		out = append(out, payload...)
	}
	return out
}

func TestICCFromAssembledJPEG(t *testing.T) {
	prof := fakeICC(70000) // more than one segment holds
	base := encodeJPEG(t, photo(16, 8, 1), 90)
	for _, tc := range []struct {
		name  string
		seqs  []int
		count int
		want  bool
	}{
		{"in order", []int{1, 2}, 2, true},
		{"out of order", []int{2, 1}, 2, true},
		{"missing part", []int{1}, 2, false},
		{"repeated part", []int{1, 1, 2}, 2, false},
		{"sequence past count", []int{1, 2}, 1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			seg := jpegICCSegments(prof, 60000, tc.count, tc.seqs)
			d, err := decodeBytes(withSegment(base, seg), "icc.jpg", Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if tc.want && !bytes.Equal(d.ICC, prof) {
				t.Fatalf("ICC is %d bytes, want the %d embedded", len(d.ICC), len(prof))
			}
			if !tc.want && d.ICC != nil {
				t.Fatalf("an inconsistent set gave a %d-byte profile, want none", len(d.ICC))
			}
		})
	}
}

// pngChunk returns one PNG chunk with its CRC.
func pngChunk(typ string, data []byte) []byte {
	out := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	out = append(out, typ...)
	out = append(out, data...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(out[4:]))
}

// pngWithChunk inserts chunk right after IHDR of the PNG file b.
func pngWithChunk(b, chunk []byte) []byte {
	const ihdrEnd = 8 + 8 + 13 + 4
	out := append([]byte{}, b[:ihdrEnd]...)
	out = append(out, chunk...)
	return append(out, b[ihdrEnd:]...)
}

func iccpData(p []byte) []byte {
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(p)
	zw.Close()
	return append([]byte("test\x00\x00"), z.Bytes()...)
}

func TestICCFromAssembledPNG(t *testing.T) {
	var b bytes.Buffer
	if err := png.Encode(&b, photo(8, 8, 2)); err != nil {
		t.Fatal(err)
	}
	prof := fakeICC(3000)
	good := pngChunk("iCCP", iccpData(prof))
	badZlib := pngChunk("iCCP", append([]byte("test\x00\x00"), 1, 2, 3, 4))
	notICC := pngChunk("iCCP", iccpData(make([]byte, 500)))
	for _, tc := range []struct {
		name  string
		chunk []byte
		want  []byte
	}{
		{"valid", good, prof},
		{"bad zlib", badZlib, nil},
		{"not a profile", notICC, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := decodeBytes(pngWithChunk(b.Bytes(), tc.chunk), "icc.png", Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(d.ICC, tc.want) {
				t.Fatalf("ICC is %d bytes, want %d", len(d.ICC), len(tc.want))
			}
		})
	}
}

func TestICCFromAssembledBMP(t *testing.T) {
	prof := fakeICC(400)
	d, err := decodeBytes(bmpWithICC(prof, uint32(len(prof))), "icc.bmp", Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(d.ICC, prof) {
		t.Fatalf("ICC is %d bytes, want the %d embedded", len(d.ICC), len(prof))
	}
}

// bmpWithICC is a 2×1 24-bit BMP with a BITMAPV5HEADER and prof after the
// pixels, where writers put it, the header giving its size as size.
func bmpWithICC(prof []byte, size uint32) []byte {
	const pixOff = 14 + 124
	pix := []byte{0, 0, 255, 0, 255, 0, 0, 0} // two pixels, row padded to 8
	b := []byte("BM")
	b = binary.LittleEndian.AppendUint32(b, uint32(pixOff+len(pix)+len(prof)))
	b = binary.LittleEndian.AppendUint32(b, 0)
	b = binary.LittleEndian.AppendUint32(b, pixOff)
	h := make([]byte, 124)
	le := binary.LittleEndian
	le.PutUint32(h[0:], 124)
	le.PutUint32(h[4:], 2)
	le.PutUint32(h[8:], 1)
	le.PutUint16(h[12:], 1)
	le.PutUint16(h[14:], 24)
	le.PutUint32(h[20:], uint32(len(pix)))
	le.PutUint32(h[56:], bmpProfileEmbed)
	le.PutUint32(h[112:], uint32(124+len(pix))) // from the header's start
	le.PutUint32(h[116:], size)
	b = append(b, h...)
	b = append(b, pix...)
	return append(b, prof...)
}

// TestICCClaimsPastTheEnd: a profile whose header claims more bytes than
// the file holds is no profile, and costs no more memory than the file:
// the pixels decode, without one.
func TestICCClaimsPastTheEnd(t *testing.T) {
	for _, tc := range []struct {
		name string
		file []byte
	}{
		{"BMP profile of 30 MB", bmpWithICC(fakeICC(400), 30<<20)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			d, err := decodeBytes(tc.file, "claims", Limits{})
			runtime.ReadMemStats(&after)
			if err != nil {
				t.Fatal(err)
			}
			if d.ICC != nil {
				t.Errorf("a profile of %d bytes, want none", len(d.ICC))
			}
			if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
				t.Errorf("allocated %d bytes for a file of %d", n, len(tc.file))
			}
		})
	}
}

// TestICCFromPillow has Pillow embed a profile in every format that carries
// one and checks it comes back byte for byte, and that files without one
// give none.
func TestICCFromPillow(t *testing.T) {
	dir := t.TempDir()
	small, large := fakeICC(1000), fakeICC(150000) // large: three JPEG segments
	for name, p := range map[string][]byte{"small.icc": small, "large.icc": large} {
		if err := os.WriteFile(filepath.Join(dir, name), p, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	pillow(t, dir, `
from PIL import Image
im = Image.new("RGB", (24, 16), (200, 30, 40))
for prof in ("small", "large"):
    b = open(prof + ".icc", "rb").read()
    im.save(prof + ".jpg", quality=90, icc_profile=b)
    im.save(prof + ".png", icc_profile=b)
    im.save(prof + ".tif", icc_profile=b)
    im.save(prof + "-lzw.tif", icc_profile=b, compression="tiff_lzw", tiffinfo={})
    im.save(prof + ".webp", icc_profile=b, lossless=True)
    im.save(prof + "-lossy.webp", icc_profile=b, quality=80)
    im.convert("CMYK").save(prof + "-cmyk.tif", icc_profile=b, compression="tiff_adobe_deflate")
for ext in ("jpg", "png", "tif", "webp", "gif", "bmp"):
    im.save("none." + ext)
`)
	for _, prof := range []string{"small", "large"} {
		want := small
		if prof == "large" {
			want = large
		}
		for _, ext := range []string{".jpg", ".png", ".tif", "-lzw.tif", ".webp", "-lossy.webp"} {
			name := prof + ext
			d, err := Open(filepath.Join(dir, name), Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(d.ICC, want) {
				t.Errorf("%s: ICC is %d bytes, want the %d embedded", name, len(d.ICC), len(want))
			}
		}
	}
	// A CMYK file's profile is spent converting it (cmyk.go); this one,
	// not a real profile, leaves the naive conversion and says why.
	d, err := Open(filepath.Join(dir, "small-cmyk.tif"), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if d.ICC != nil || d.Warning == nil || !strings.Contains(d.Warning.Error(), "CMYK converted without its colour profile") {
		t.Errorf("small-cmyk.tif: ICC of %d bytes, warning %v; want none and a warning", len(d.ICC), d.Warning)
	}
	for _, ext := range []string{"jpg", "png", "tif", "webp", "gif", "bmp"} {
		d, err := Open(filepath.Join(dir, "none."+ext), Limits{})
		if err != nil {
			t.Fatal(err)
		}
		if d.ICC != nil {
			t.Errorf("none.%s: a %d-byte profile from a file without one", ext, len(d.ICC))
		}
	}
}

// TestReadICCForward checks readICC's stream path for the offset formats:
// a TIFF whose profile follows its directory is read, one whose profile
// precedes it is reported, not misread.
func TestReadICCForward(t *testing.T) {
	prof := fakeICC(200)
	le := binary.LittleEndian
	// Header, IFD at 8 with one entry, then the profile.
	ifdAfter := []byte("II*\x00")
	ifdAfter = le.AppendUint32(ifdAfter, 8)
	ifdAfter = le.AppendUint16(ifdAfter, 1)
	ifdAfter = le.AppendUint16(ifdAfter, tagICC)
	ifdAfter = le.AppendUint16(ifdAfter, 7)
	ifdAfter = le.AppendUint32(ifdAfter, uint32(len(prof)))
	ifdAfter = le.AppendUint32(ifdAfter, 8+2+12+4)
	ifdAfter = le.AppendUint32(ifdAfter, 0)
	ifdAfter = append(ifdAfter, prof...)
	p, err := readICC(TIFF, newSource(bytes.NewReader(ifdAfter)).br)
	if err != nil || !bytes.Equal(p, prof) {
		t.Fatalf("profile after the IFD: %d bytes, %v", len(p), err)
	}
	// The profile first, at 8, and the IFD after it.
	before := []byte("II*\x00")
	before = le.AppendUint32(before, uint32(8+len(prof)))
	before = append(before, prof...)
	before = le.AppendUint16(before, 1)
	before = le.AppendUint16(before, tagICC)
	before = le.AppendUint16(before, 7)
	before = le.AppendUint32(before, uint32(len(prof)))
	before = le.AppendUint32(before, 8)
	before = le.AppendUint32(before, 0)
	if p, err := readICC(TIFF, newSource(bytes.NewReader(before)).br); err == nil || p != nil {
		t.Fatalf("profile before the IFD read forward: %d bytes, %v; want an error", len(p), err)
	}
	if p, err := iccAt(TIFF, bytes.NewReader(before)); err != nil || !bytes.Equal(p, prof) {
		t.Fatalf("profile before the IFD with random access: %d bytes, %v", len(p), err)
	}
}
