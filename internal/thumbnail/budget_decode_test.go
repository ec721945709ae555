package thumbnail

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/corescale/corescale/cpu/resize"
	"github.com/corescale/corescale/internal/imagefile"
)

// TestNeedCountsTheDecodeMade: the budget prices a file as it will be
// decoded. A 4:2:0 JPEG made into a PNG decodes to RGBA (four bytes a
// pixel, for libjpeg's chroma), into a JPEG to planes (one and a half); and
// the file itself, which libjpeg-turbo holds whole, counts at its real size.
func TestNeedCountsTheDecodeMade(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "photo.jpg")
	writeImage(t, path, 1200, 800, 3)
	info := probe(t, path)
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.FileBytes != st.Size() {
		t.Fatalf("Info.FileBytes %d, file %d bytes", info.FileBytes, st.Size())
	}
	e, err := resize.New(resize.Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	w := &worker{opt: Options{Size: Size{W: 1000}, Resizer: e, Planes: true, ShrinkGap: ExactShrinkGap}}
	asPNG, _, _, _ := w.need(info, imagefile.PNG)
	asJPEG, _, _, _ := w.need(info, imagefile.JPEG)
	if !turbo(t, path) {
		t.Skip("built without libjpeg-turbo: JPEG decodes in full through image/jpeg")
	}
	if asPNG < asJPEG+int64(1200*800*4-1200*800*3/2) {
		t.Errorf("PNG output of a 4:2:0 JPEG budgets %d, JPEG output %d: the RGBA decode is not counted", asPNG, asJPEG)
	}
	// A file far larger than the pixels suggest (noise at quality 100).
	big := filepath.Join(dir, "padded.jpg")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// Trailing bytes after EOI count for libjpeg-turbo's copy of the file.
	data = append(data, bytes.Repeat([]byte{0}, 32<<20)...)
	if err := os.WriteFile(big, data, 0o644); err != nil {
		t.Fatal(err)
	}
	bigInfo := probe(t, big)
	if n, _, _, _ := w.need(bigInfo, imagefile.JPEG); n < int64(len(data)) {
		t.Errorf("a %d-byte file budgets %d", len(data), n)
	}
}

// turbo says whether the file decodes through libjpeg-turbo.
func turbo(t *testing.T, path string) bool {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d, err := imagefile.Decode(f, path, imagefile.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	return strings.Contains(d.Decoder, "libjpeg-turbo")
}
