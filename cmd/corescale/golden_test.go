package main

import (
	"bytes"
	"crypto/sha256"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/golden.txt from what the commands print now")

// goldenCommands is a fixed set of command lines whose every output —
// stdout, stderr, exit status and the files written — is pinned in
// testdata/golden.txt, so that a change meant to move code around shows
// that it changed no behaviour. $DIR stands for a scratch folder holding
// the inputs that goldenInputs writes. Timings and machine-specific text
// (--verbose, bench, progress) stay out: they differ from run to run.
var goldenCommands = []struct {
	stdin string
	args  string
}{
	{"", "prime 97 1000003 0xffffffffffffffc5 18446744073709551629 1"},
	{"", "prime --print all 0 1 2 3 4 341 561 3215031751 0x10000000000000000"},
	{"", "prime --from 1000000 --to 1000100 --print all"},
	{"", "prime --from 18446744073709551550 --to 18446744073709551700 --print all --format csv"},
	{"", "prime --random 2000 --bits 64 --seed 5 --print count"},
	{"", "prime --random 50 --bits 40 --seed 9 --print all --format json"},
	{"", "prime --random 8 --bits 200 --seed 2 --print all"},
	{"", "prime --random 5 --bits 100 --print count --format json"},
	{"2\n3\n# comment\n\n 0x11 \r\n25\n", "prime --input - --format csv"},
	{"2\n3\n5x\n", "prime --input -"},
	{"", "prime --backend serial --from 1 --to 1000 --print count --format csv"},
	{"", "prime --backend gpu-emu --random 3000 --bits 64 --seed 3 --print count"},
	{"", "prime --backend gpu 97"},
	{"", "prime --from 10 --to 5"},
	{"", "prime 12abc"},
	{"", "prime --print some 7"},
	{"", "prime"},
	{"", "prime --input $DIR/numbers.txt --print all"},
	{"", "prime --input $DIR/numbers.txt --output $DIR/primes.txt"},
	{"", "devices"},
	{"", "resize --quiet --size 40x --out $DIR/out $DIR/in"},
	{"", "resize --quiet --size 32x32 --fit cover --format png --filter mitchell --out $DIR/cover $DIR/in"},
	{"", "resize --quiet --size x20 --fast --out $DIR/fast $DIR/in"},
	{"", "resize --quiet --size 50x30 --fit fill --linear --format jpeg --quality 70 --out $DIR/linear $DIR/in"},
	{"", "resize --quiet --size 30x --backend gpu-emu --out $DIR/emu $DIR/in"},
	{"", "resize --quiet --size 30x --backend serial --out $DIR/one.png $DIR/in/ramp.png"},
	{"", "resize --quiet --size 40x --out $DIR/out $DIR/in"},
	{"", "resize --size 40x --out $DIR/bad $DIR/junk.jpg"},
	{"", "resize --size 40x $DIR/in"},
	{"", "resize --size 0x0 --out $DIR/x $DIR/in"},
	{"", "resize --backend gpu --size 40x --out $DIR/x $DIR/in"},
	{"", "resize --backend gpu-emu --fast --size 40x --out $DIR/x $DIR/in"},
	{"", "resize --quiet --size 20x --format png --name {stem}_t.{ext} --out $DIR/named $DIR/in/ramp.png $DIR/in/alpha"},
	{"", "resize --size 20x --name {stem}_{w}.{ext} --out $DIR/x $DIR/in"},
	{"", "bench --workload nope"},
	{"", "bench --backends serial,warp"},
}

// goldenInputs writes the inputs the golden commands read into dir.
func goldenInputs(t *testing.T, dir string) {
	in := filepath.Join(dir, "in")
	writePNG(t, filepath.Join(in, "ramp.png"), 97, 61, 1)
	writePNG(t, filepath.Join(in, "sub", "tall.png"), 23, 80, 2)
	m := image.NewYCbCr(image.Rect(0, 0, 120, 90), image.YCbCrSubsampleRatio420)
	for y := range 90 {
		for x := range 120 {
			m.Y[y*m.YStride+x] = uint8(x*2 + y)
		}
	}
	for i := range m.Cb {
		m.Cb[i], m.Cr[i] = uint8(i*7), uint8(255-i*3)
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	gray := image.NewGray(image.Rect(0, 0, 33, 33))
	for i := range gray.Pix {
		gray.Pix[i] = uint8(i * 13)
	}
	var g bytes.Buffer
	if err := jpeg.Encode(&g, gray, nil); err != nil {
		t.Fatal(err)
	}
	na := image.NewNRGBA(image.Rect(0, 0, 40, 30))
	for y := range 30 {
		for x := range 40 {
			na.SetNRGBA(x, y, color.NRGBA{uint8(x * 6), uint8(y * 8), 200, uint8(x * y)})
		}
	}
	for name, data := range map[string][]byte{
		"in/photo.jpg":     b.Bytes(),
		"in/gray.jpeg":     g.Bytes(),
		"in/broken.jpg":    b.Bytes()[:len(b.Bytes())/3],
		"in/notes.txt":     []byte("not an image"),
		"junk.jpg":         []byte("\xff\xd8\xffjunk"), // a JPEG signature, then nothing: no decoder gets an image
		"numbers.txt":      []byte("7\n8\n# x\n1000003\n0x1f\n\n340282366920938463463374607431768211507\n"),
		"in/alpha/a.png":   nil,
		"in/sub/empty.gif": {},
	} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if name == "in/alpha/a.png" {
			var a bytes.Buffer
			if err := png.Encode(&a, na); err != nil {
				t.Fatal(err)
			}
			data = a.Bytes()
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestGolden runs goldenCommands and compares everything they print and
// write with testdata/golden.txt (go test -run Golden -update rewrites it).
func TestGolden(t *testing.T) {
	t.Setenv("CORESCALE_CUDA_LIBRARY", "/nonexistent/libcuda.so.1")
	dir := t.TempDir()
	goldenInputs(t, dir)
	var got strings.Builder
	for _, c := range goldenCommands {
		args := strings.Fields(strings.ReplaceAll(c.args, "$DIR", dir))
		before := snapshot(t, dir)
		out, errOut, code := runCLI(c.stdin, args...)
		if args[0] == "resize" {
			// Files fail in whatever order the workers reach them.
			lines := strings.SplitAfter(errOut, "\n")
			slices.Sort(lines)
			errOut = strings.Join(lines, "")
		}
		fmt.Fprintf(&got, "$ corescale %s\n", c.args)
		if c.stdin != "" {
			fmt.Fprintf(&got, "stdin %q\n", c.stdin)
		}
		fmt.Fprintf(&got, "exit %d\n", code)
		for _, s := range []struct{ name, text string }{{"stdout", out}, {"stderr", errOut}} {
			if s.text != "" {
				fmt.Fprintf(&got, "%s:\n%s", s.name, strings.ReplaceAll(s.text, dir, "$DIR"))
				if !strings.HasSuffix(s.text, "\n") {
					got.WriteString("⏎ (no newline)\n")
				}
			}
		}
		after := snapshot(t, dir)
		for _, name := range sortedKeys(after) {
			if before[name] != after[name] {
				fmt.Fprintf(&got, "wrote %s %s\n", name, after[name])
			}
		}
		for _, name := range sortedKeys(before) {
			if _, ok := after[name]; !ok {
				fmt.Fprintf(&got, "removed %s\n", name)
			}
		}
		got.WriteString("\n")
	}
	path := filepath.Join("testdata", "golden.txt")
	if *update {
		if err := os.WriteFile(path, []byte(got.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -run Golden -update writes it)", err)
	}
	if got.String() != string(want) {
		gl, wl := strings.Split(got.String(), "\n"), strings.Split(string(want), "\n")
		for i := range max(len(gl), len(wl)) {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Fatalf("output differs from %s at line %d:\n got: %q\nwant: %q", path, i+1, g, w)
			}
		}
	}
}

// snapshot maps each file under dir to a digest of its contents.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	for _, rel := range files(t, dir) {
		b, err := os.ReadFile(filepath.Join(dir, rel))
		if err != nil {
			t.Fatal(err)
		}
		m[rel] = fmt.Sprintf("%d bytes sha256 %x", len(b), sha256.Sum256(b))
	}
	return m
}

func sortedKeys(m map[string]string) []string {
	return slices.Sorted(maps.Keys(m))
}
