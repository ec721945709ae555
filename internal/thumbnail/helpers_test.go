package thumbnail

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/corescale/corescale/cpu/resize"
	"github.com/corescale/corescale/internal/imagefile"
	"golang.org/x/image/bmp"
)

// testImage is a smooth colour ramp with a little texture, different for
// each seed, that every encoder keeps recognisable.
func testImage(w, h, seed int) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			m.SetRGBA(x, y, color.RGBA{
				uint8(x*255/max(w-1, 1) + seed*40),
				uint8(y*255/max(h-1, 1) + seed*15),
				uint8((x ^ y) * 4),
				255,
			})
		}
	}
	return m
}

// writeImage writes a w×h test image at path, in the format its
// extension names (any other extension: PNG).
func writeImage(t testing.TB, path string, w, h, seed int) {
	t.Helper()
	img := testImage(w, h, seed)
	var b bytes.Buffer
	var err error
	switch strings.ToLower(filepath.Ext(path)) {
	case ".jpg", ".jpeg":
		err = jpeg.Encode(&b, img, &jpeg.Options{Quality: 90})
	case ".gif":
		err = gif.Encode(&b, img, nil)
	case ".bmp":
		err = bmp.Encode(&b, img)
	default:
		err = png.Encode(&b, img)
	}
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, path, b.Bytes())
}

func writeFile(t testing.TB, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// tree lists the files under dir, relative and sorted.
func tree(t testing.TB, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(dir, path)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

// noTemporaries fails if a temporary file of atomicfile is left under dir.
func noTemporaries(t testing.TB, dir string) {
	t.Helper()
	for _, f := range tree(t, dir) {
		if strings.HasPrefix(filepath.Base(f), ".") {
			t.Errorf("temporary file left behind: %s", f)
		}
	}
}

// probe returns the format and size of the image file at path.
func probe(t testing.TB, path string) imagefile.Info {
	t.Helper()
	info, err := imagefile.Probe(path, imagefile.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	return info
}

// runBatch plans and runs a batch, failing the test on a plan error.
func runBatch(t testing.TB, inputs []string, out string, format imagefile.Format, opt Options) *Summary {
	t.Helper()
	b, err := Plan(inputs, out, format)
	if err != nil {
		t.Fatal(err)
	}
	s, err := runCPU(context.Background(), t, b, opt)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// runCPU runs the batch with the CPU engine when opt has no Resizer,
// Workers being the cores to share between files and rows as Split says.
func runCPU(ctx context.Context, t testing.TB, b *Batch, opt Options) (*Summary, error) {
	t.Helper()
	if opt.Resizer == nil {
		cores := opt.Workers
		if cores <= 0 {
			cores = runtime.GOMAXPROCS(0)
		}
		files, perImage := b.Split(cores)
		eng, err := resize.New(resize.Options{Workers: perImage})
		if err != nil {
			t.Fatal(err)
		}
		opt.Resizer, opt.Workers = eng, files
	}
	return Run(ctx, b, opt)
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
