package imagefile

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/corescale/corescale/internal/jpegturbo"
)

// fakeProfile is n bytes standing for an ICC profile: Encode embeds it
// without reading it, and readers check only its size and signature.
func fakeProfile(n int) []byte {
	p := make([]byte, n)
	for i := range p {
		p[i] = byte(i*7 + i/251)
	}
	binary.BigEndian.PutUint32(p, uint32(n))
	copy(p[36:], "acsp")
	return p
}

// TestEncodeICC: the profile is embedded byte for byte, in one APP2
// segment or several, and in PNG's iCCP, where readers find it, and the
// files still decode.
func TestEncodeICC(t *testing.T) {
	img := photo(40, 30, 3)
	for _, n := range []int{3144, iccChunk, iccChunk + 1, 150000} {
		for _, f := range []Format{JPEG, PNG} {
			icc := fakeProfile(n)
			var b bytes.Buffer
			if err := EncodeWith(&b, img, f, EncodeOptions{ICC: icc}); err != nil {
				t.Fatalf("%s, %d bytes: %v", f, n, err)
			}
			got, err := readICC(f, bufio.NewReaderSize(bytes.NewReader(b.Bytes()), bufferSize))
			if err != nil || !bytes.Equal(got, icc) {
				t.Errorf("%s, %d bytes: read back %d bytes, %v", f, n, len(got), err)
			}
			d, err := decodeBytes(b.Bytes(), "x"+f.Ext(), Limits{})
			if err != nil {
				t.Fatalf("%s, %d bytes: %v", f, n, err)
			}
			if !bytes.Equal(d.ICC, icc) {
				t.Errorf("%s, %d bytes: Decoded.ICC has %d bytes", f, n, len(d.ICC))
			}
			if f == PNG {
				if _, err := png.Decode(bytes.NewReader(b.Bytes())); err != nil {
					t.Errorf("image/png: %v", err) // it checks every chunk's CRC
				}
			}
		}
	}
	if err := EncodeWith(&bytes.Buffer{}, img, JPEG, EncodeOptions{ICC: fakeProfile(maxJPEGICC + 1)}); err == nil {
		t.Error("a profile over 255 segments accepted")
	}
}

// TestEncodeICCPillow: Pillow finds the profile in both formats.
func TestEncodeICCPillow(t *testing.T) {
	const py = "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import PIL").Run(); err != nil {
		t.Skip("no Pillow:", err)
	}
	dir := t.TempDir()
	icc := fakeProfile(100000)
	for _, f := range []Format{JPEG, PNG} {
		var b bytes.Buffer
		if err := EncodeWith(&b, photo(40, 30, 3), f, EncodeOptions{ICC: icc}); err != nil {
			t.Fatal(err)
		}
		in := filepath.Join(dir, "x"+f.Ext())
		if err := os.WriteFile(in, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(py, "-c", `import sys
from PIL import Image
im = Image.open(sys.argv[1]); im.load()
sys.stdout.buffer.write(im.info["icc_profile"])`, in).Output()
		if err != nil || !bytes.Equal(out, icc) {
			t.Errorf("%s: Pillow read %d bytes of the profile, %v", f, len(out), err)
		}
	}
}

// jpegSampling returns the sampling factors of a JPEG's components from
// its frame header, as "2x2,1x1,1x1".
func jpegSampling(t *testing.T, j []byte) string {
	t.Helper()
	hd := readHeader(bufio.NewReader(bytes.NewReader(j)), JPEG)
	if !hd.ok {
		t.Fatal("no frame header")
	}
	var s []string
	for _, c := range hd.comps {
		s = append(s, string(rune('0'+c.h))+"x"+string(rune('0'+c.v)))
	}
	return strings.Join(s, ",")
}

// TestEncodeSubsampling: libvips' choice by default (4:2:0 below quality
// 90, 4:4:4 from it), and what is asked for otherwise, from pixels and from
// planes.
func TestEncodeSubsampling(t *testing.T) {
	if !jpegturbo.Available {
		t.Skip("image/jpeg writes 4:2:0 only")
	}
	rgba := photo(48, 32, 1)
	ycc444 := image.NewYCbCr(rgba.Rect, image.YCbCrSubsampleRatio444)
	ycc420 := image.NewYCbCr(rgba.Rect, image.YCbCrSubsampleRatio420)
	tests := []struct {
		img  image.Image
		q    int
		s    Subsampling
		want string
	}{
		{rgba, 85, SubsampleAuto, "2x2,1x1,1x1"},
		{rgba, 90, SubsampleAuto, "1x1,1x1,1x1"},
		{rgba, 95, Subsample420, "2x2,1x1,1x1"},
		{rgba, 80, Subsample422, "2x1,1x1,1x1"},
		{ycc444, 85, SubsampleAuto, "2x2,1x1,1x1"},
		{ycc444, 95, SubsampleAuto, "1x1,1x1,1x1"},
		{ycc420, 85, SubsampleAuto, "2x2,1x1,1x1"},
		{ycc420, 85, Subsample444, "1x1,1x1,1x1"},
		{image.NewGray(rgba.Rect), 85, SubsampleAuto, "1x1"},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		if err := EncodeWith(&b, tt.img, JPEG, EncodeOptions{Quality: tt.q, Subsampling: tt.s}); err != nil {
			t.Fatal(err)
		}
		if got := jpegSampling(t, b.Bytes()); got != tt.want {
			t.Errorf("%T q%d %v: %s, want %s", tt.img, tt.q, tt.s, got, tt.want)
		}
	}
}
