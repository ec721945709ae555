package imagefile

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// TestOrientationSources has Pillow write the card, stored turned, with
// each orientation in each place other than JPEG's APP1 that carries one
// (PNG eXIf, TIFF tag 274, WebP EXIF, with and without the "Exif\0\0"
// prefix), and checks that Probe reports the upright size and Decode
// returns exactly what Pillow makes of the same file (ImageOps.exif_transpose;
// a TIFF Pillow turns as it loads), and the upright card.
func TestOrientationSources(t *testing.T) {
	dir := t.TempDir()
	for o := Upright; o <= Rotate270; o++ {
		var b bytes.Buffer
		if err := png.Encode(&b, refStored(card(), o)); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("stored%d.png", o)), b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	pillow(t, dir, `
from PIL import Image, ImageOps
for o in range(1, 9):
    im = Image.open("stored%d.png" % o).convert("RGB")
    exif = Image.Exif()
    exif[0x0112] = o
    im.save("o%d.png" % o, exif=exif)
    im.save("o%d-le.tif" % o, tiffinfo={0x0112: o})
    im.save("o%d.webp" % o, lossless=True, exif=exif.tobytes())
    im.save("o%d-bare.webp" % o, lossless=True, exif=exif.tobytes()[6:])
    for src in ("o%d.png", "o%d-le.tif", "o%d.webp", "o%d-bare.webp"):
        name = src % o
        ref = Image.open(name)
        ref.load()
        # Pillow turns a TIFF upright as it loads it but keeps the tag, so
        # exif_transpose would turn it twice.
        if not name.endswith(".tif"):
            ref = ImageOps.exif_transpose(ref)
        ref.convert("RGB").save(name + ".ref.png")
`)
	up := card()
	for o := Upright; o <= Rotate270; o++ {
		names := []string{"o%d.png", "o%d-le.tif", "o%d.webp", "o%d-bare.webp"}
		// eXIf after the image data, where libpng and Pillow read it too.
		after := pngExifAfterIDAT(t, readFile(t, filepath.Join(dir, fmt.Sprintf("o%d.png", o))))
		writeFile(t, filepath.Join(dir, fmt.Sprintf("o%d-late.png", o)), after)
		copyFile(t, filepath.Join(dir, fmt.Sprintf("o%d.png.ref.png", o)), filepath.Join(dir, fmt.Sprintf("o%d-late.png.ref.png", o)))
		names = append(names, "o%d-late.png")
		for _, n := range names {
			name := fmt.Sprintf(n, o)
			t.Run(name, func(t *testing.T) {
				path := filepath.Join(dir, name)
				info, err := Probe(path, Limits{})
				if err != nil {
					t.Fatal(err)
				}
				if info.Orientation != o || info.Width != up.Rect.Dx() || info.Height != up.Rect.Dy() {
					t.Fatalf("Probe: orientation %d, %d×%d; want %d, %d×%d", info.Orientation, info.Width, info.Height,
						o, up.Rect.Dx(), up.Rect.Dy())
				}
				d, err := Open(path, Limits{})
				if err != nil {
					t.Fatal(err)
				}
				ref, err := png.Decode(bytes.NewReader(readFile(t, path+".ref.png")))
				if err != nil {
					t.Fatal(err)
				}
				if worst, _ := maxDiff(t, d.Image, ref); worst != 0 {
					t.Errorf("differs from Pillow's upright image by up to %d", worst)
				}
				if worst, _ := maxDiff(t, d.Image, up); worst != 0 {
					t.Errorf("differs from the upright card by up to %d", worst)
				}
			})
		}
	}
}

// pngExifAfterIDAT moves the eXIf chunk of a PNG file to just before IEND.
func pngExifAfterIDAT(t *testing.T, b []byte) []byte {
	t.Helper()
	out := append([]byte{}, b[:8]...)
	var exif, iend []byte
	for off := 8; off < len(b); {
		n := int(binary.BigEndian.Uint32(b[off:]))
		chunk := b[off : off+12+n]
		switch string(chunk[4:8]) {
		case "eXIf":
			exif = chunk
		case "IEND":
			iend = chunk
		default:
			out = append(out, chunk...)
		}
		off += 12 + n
	}
	if exif == nil || iend == nil {
		t.Fatal("PNG without eXIf or IEND")
	}
	out = append(out, exif...)
	return append(out, iend...)
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func writeFile(t testing.TB, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func copyFile(t testing.TB, from, to string) {
	t.Helper()
	writeFile(t, to, readFile(t, from))
}

// TestPNGOrientationAssembled builds the PNG eXIf cases byte by byte, so
// that they run without Pillow: the chunk before IDAT and after it, the
// TIFF structure bare (as the spec has it) and after "Exif\0\0" (as some
// writers put it), and a corrupt one, which means upright.
func TestPNGOrientationAssembled(t *testing.T) {
	up := card()
	for o := Upright; o <= Rotate270; o++ {
		var b bytes.Buffer
		if err := png.Encode(&b, refStored(up, o)); err != nil {
			t.Fatal(err)
		}
		bo := binary.ByteOrder(binary.BigEndian)
		if o%2 == 1 {
			bo = binary.LittleEndian
		}
		prefixed := exifSegment(o, bo)[4:] // "Exif\0\0" and the TIFF structure
		bare := prefixed[len(exifHeader):]
		before := pngWithChunk(b.Bytes(), pngChunk("eXIf", bare))
		for name, file := range map[string][]byte{
			"bare":     before,
			"prefixed": pngWithChunk(b.Bytes(), pngChunk("eXIf", prefixed)),
			"after":    pngExifAfterIDAT(t, before),
		} {
			t.Run(fmt.Sprintf("%d/%s", o, name), func(t *testing.T) {
				d, err := decodeBytes(file, "o.png", Limits{})
				if err != nil {
					t.Fatal(err)
				}
				if d.Orientation != o {
					t.Fatalf("orientation %d, want %d", d.Orientation, o)
				}
				if worst, _ := maxDiff(t, d.Image, up); worst != 0 {
					t.Errorf("differs from the upright card by up to %d", worst)
				}
			})
		}
	}
	corrupt := exifSegment(Rotate90, binary.BigEndian)[4+len(exifHeader):]
	corrupt = bytes.Clone(corrupt)
	corrupt[2], corrupt[3] = 0xff, 0xff // not 42
	var b bytes.Buffer
	if err := png.Encode(&b, up); err != nil {
		t.Fatal(err)
	}
	d, err := decodeBytes(pngWithChunk(b.Bytes(), pngChunk("eXIf", corrupt)), "corrupt.png", Limits{})
	if err != nil {
		t.Fatalf("corrupt eXIf: %v; want an upright decode", err)
	}
	if d.Orientation != Upright {
		t.Fatalf("corrupt eXIf: orientation %d; want upright", d.Orientation)
	}
}

// TestOrientationClaimsPastTheEnd: an EXIF chunk whose length runs past
// the end of the file gives Upright, having allocated no more than the
// file holds (the orientation is read while probing, before any decoder
// would notice the truncation).
func TestOrientationClaimsPastTheEnd(t *testing.T) {
	exif := exifSegment(Rotate90, binary.BigEndian)[4+len(exifHeader):]
	pngFile := []byte(pngMagic)
	pngFile = binary.BigEndian.AppendUint32(pngFile, maxEXIF)
	pngFile = append(append(pngFile, "eXIf"...), exif...)
	webpFile := []byte("RIFF")
	webpFile = binary.LittleEndian.AppendUint32(webpFile, maxEXIF+100)
	webpFile = append(webpFile, "WEBPVP8X"...)
	webpFile = binary.LittleEndian.AppendUint32(webpFile, 10)
	webpFile = append(webpFile, make([]byte, 10)...)
	webpFile = append(webpFile, "EXIF"...)
	webpFile = binary.LittleEndian.AppendUint32(webpFile, maxEXIF)
	webpFile = append(webpFile, exif...)
	for _, tc := range []struct {
		name   string
		file   []byte
		orient func(io.ReaderAt) Orientation
	}{
		{"PNG eXIf", pngFile, pngOrientation},
		{"WebP EXIF", webpFile, webpOrientation},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			o := tc.orient(bytes.NewReader(tc.file))
			runtime.ReadMemStats(&after)
			if o != Upright {
				t.Errorf("orientation %d from a truncated chunk, want upright", o)
			}
			if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
				t.Errorf("allocated %d bytes for a file of %d", n, len(tc.file))
			}
		})
	}
}
