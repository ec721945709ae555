package imagefile

import (
	"bufio"
	"bytes"
	"image"
	"strings"
	"testing"
)

func TestCountJPEGScans(t *testing.T) {
	across := make([]byte, bufferSize+10)
	across[bufferSize-1], across[bufferSize] = 0xff, markerSOS // split between two buffers
	tests := []struct {
		name string
		b    []byte
		want int
	}{
		{"none", []byte{0xff, 0xd8, 0xff, 0xd9}, 0},
		{"one", []byte{0xff, 0xd8, 0xff, 0xda, 0x00, 0xff, 0xd9}, 1},
		{"fill bytes", []byte{0xff, 0xff, 0xff, 0xda}, 1},
		{"stuffed", []byte{0xff, 0x00, 0xda}, 0},
		{"across buffers", across, 1},
		{"empty", nil, 0},
	}
	for _, tt := range tests {
		n, err := countJPEGScans(bufio.NewReaderSize(bytes.NewReader(tt.b), bufferSize), 100)
		if n != tt.want || err != nil {
			t.Errorf("%s: %d, %v; want %d", tt.name, n, err, tt.want)
		}
	}
}

// manyScans repeats the scan of a sequential JPEG: image/jpeg decodes every
// repeat, as it would the scans of a progressive file.
func manyScans(t testing.TB, total int) []byte {
	j := encodeJPEG(t, image.NewGray(image.Rect(0, 0, 64, 64)), 90)
	sos := bytes.Index(j, []byte{0xff, markerSOS})
	scan := j[sos : len(j)-2]
	out := bytes.Clone(j[:len(j)-2])
	for range total - 1 {
		out = append(out, scan...)
	}
	return append(out, 0xff, markerEOI)
}

func TestJPEGScanLimit(t *testing.T) {
	if _, err := decodeBytes(manyScans(t, maxJPEGScans), "ok.jpg", Limits{}); err != nil {
		t.Errorf("%d scans: %v", maxJPEGScans, err)
	}
	_, err := decodeBytes(manyScans(t, maxJPEGScans+1), "slow.jpg", Limits{})
	if err == nil || !strings.HasPrefix(err.Error(), "slow.jpg: decoding jpeg: more than 100 scans") {
		t.Errorf("%d scans: %v", maxJPEGScans+1, err)
	}
}

// TestProgressive decodes a progressive JPEG (made by ImageMagick, see
// testdata/README.md), whose scans the limit must leave alone.
func TestProgressive(t *testing.T) {
	b := readTestdata(t, "progressive.jpg")
	if n, _ := countJPEGScans(bufio.NewReaderSize(bytes.NewReader(b), bufferSize), 100); n < 2 {
		t.Fatalf("%d scans: not progressive", n)
	}
	d, err := decodeBytes(b, "progressive.jpg", Limits{})
	if err != nil {
		t.Fatal(err)
	}
	checkPatches(t, d.Image, 8)
}
