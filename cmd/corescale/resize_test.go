package main

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/corescale/corescale/gpu"
	"github.com/corescale/corescale/internal/imagefile"
	"github.com/corescale/corescale/internal/thumbnail"
	"github.com/urfave/cli/v2"
)

// writePNG writes a w×h colour ramp, different for each seed.
func writePNG(t *testing.T, path string, w, h, seed int) {
	t.Helper()
	m := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			copy(m.Pix[y*m.Stride+4*x:], []uint8{uint8(x*255/w + seed*30), uint8(y * 255 / h), uint8((x + y + seed) * 3), 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, m); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// files lists the files under dir, relative and sorted.
func files(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, path)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	sort.Strings(out)
	return out
}

func TestResizeUsage(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "a.png")
	writePNG(t, in, 20, 10, 1)
	other := filepath.Join(dir, "b.png")
	writePNG(t, other, 20, 10, 2)
	out := filepath.Join(dir, "out")
	for _, tc := range []struct {
		args   []string
		stderr string
	}{
		{[]string{"--size", "10x", "--out", out}, "no inputs"},
		{[]string{"--size", "10x", in}, "missing --out"},
		{[]string{"--out", out, in}, "missing --size"},
		{[]string{"--size", "10", "--out", out, in}, `--size: size "10": want WxH, Wx or xH`},
		{[]string{"--size", "0x10", "--out", out, in}, "width 0: want 1 to"},
		{[]string{"--size", "10x-1", "--out", out, in}, "height -1: want 1 to"},
		{[]string{"--size", "10x", "--fit", "crop", "--out", out, in}, `unknown fit "crop"`},
		{[]string{"--size", "10x", "--filter", "bicubic", "--out", out, in}, `unknown filter "bicubic" (want nearest, box, linear, catmullrom, mitchell, lanczos2, lanczos3)`},
		{[]string{"--size", "10x", "--gap", "2", "--out", out, in}, "--gap goes with --fast"},
		{[]string{"--size", "10x", "--fast", "--gap", "0.5", "--out", out, in}, "--gap 0.5: want a number, 1 or more"},
		{[]string{"--size", "10x", "--format", "webp", "--out", out, in}, `unknown output format "webp"`},
		{[]string{"--size", "10x", "--quality", "0", "--out", out, in}, "--quality 0: want 1 to 100"},
		{[]string{"--size", "10x", "--quality", "101", "--out", out, in}, "--quality 101"},
		{[]string{"--size", "10x", "--backend", "gpu-emu", "--fast", "--out", out, in}, "run on the CPU engine only"},
		{[]string{"--size", "10x", "--backend", "cloud", "--out", out, in}, `unknown backend "cloud"`},
		{[]string{"--size", "10x", "--workers", "0", "--out", out, in}, "--workers 0: want 1 or more"},
		{[]string{"--size", "10x", "--max-pixels", "0", "--out", out, in}, "--max-pixels 0: want a positive number"},
		{[]string{"--size", "10x", "--quiet", "--verbose", "--out", out, in}, "choose one"},
		{[]string{"--size", "10x", "--out", out, filepath.Join(dir, "none.png")}, "none.png: stat: no such file or directory"},
		{[]string{"--size", "10x", "--out", other, in, in}, "is a file; several inputs or a folder need an output folder"},
		{[]string{"--size", "10x", "--out", other, dir}, "is a file; several inputs or a folder need an output folder"},
		{[]string{"--size", "10x", "--format", "jpeg", "--out", filepath.Join(dir, "t.png"), in}, "the name says png but the format asked for is jpeg"},
		{[]string{"--size", "10x", "--nope", "--out", out, in}, "flag provided but not defined: -nope"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			stdout, stderr, code := runCLI("", append([]string{"resize"}, tc.args...)...)
			if code != 2 || !strings.Contains(stderr, tc.stderr) || stdout != "" {
				t.Errorf("exit %d, stdout %q, stderr %q; want 2 and %q", code, stdout, stderr, tc.stderr)
			}
		})
	}
	if got := files(t, dir); len(got) != 2 {
		t.Errorf("bad usage wrote files: %q", got)
	}
}

func TestResizeHelp(t *testing.T) {
	out, _, code := runCLI("", "resize", "--help")
	for _, want := range []string{"--out PATH", "--size WxH", "--fit", "cover", "--no-enlarge", "lanczos3", "mitchell", "--fast", "--gap G", "--linear",
		"--format FORMAT", "--quality", "--backend", "--workers", "--max-pixels", "--overwrite", "--quiet", "--verbose", "Examples", "Exit status"} {
		if !strings.Contains(out, want) {
			t.Errorf("resize --help does not mention %q", want)
		}
	}
	if code != 0 {
		t.Errorf("exit %d", code)
	}
	if out, _, _ := runCLI("", "--help"); !strings.Contains(out, "resize") {
		t.Error("corescale --help does not list resize")
	}
}

// TestResizeBatch runs a folder with a corrupt file in the middle, then
// again to skip, then with --overwrite.
func TestResizeBatch(t *testing.T) {
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in"), filepath.Join(dir, "out")
	writePNG(t, filepath.Join(in, "a.png"), 80, 60, 1)
	writePNG(t, filepath.Join(in, "sub", "c.png"), 60, 80, 3)
	bad := filepath.Join(in, "b.png")
	if err := os.WriteFile(bad, []byte("\x89PNG\r\n\x1a\nbroken"), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := runCLI("", "resize", "--size", "40x40", "--fit", "cover", "--out", out, in)
	if code != 1 || stdout != "" {
		t.Errorf("exit %d, stdout %q; want 1 and nothing", code, stdout)
	}
	for _, want := range []string{"corescale: " + bad + ": reading png header: ", "done 2, skipped 0, failed 1, ", " megapixels/s\n", "corescale: 1 of 3 inputs failed\n"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr %q does not hold %q", stderr, want)
		}
	}
	if got := files(t, out); strings.Join(got, " ") != "a.png sub/c.png" {
		t.Errorf("outputs %q", got)
	}
	for _, f := range []string{"a.png", "sub/c.png"} {
		if info, err := imagefile.Probe(filepath.Join(out, f), imagefile.Limits{}); err != nil || info.Width != 40 || info.Height != 40 {
			t.Errorf("%s: %+v %v, want 40×40", f, info, err)
		}
	}
	os.Remove(bad)
	_, stderr, code = runCLI("", "resize", "--size", "40x40", "--fit", "cover", "--out", out, in)
	if code != 0 || !strings.Contains(stderr, "done 0, skipped 2, failed 0") || !strings.Contains(stderr, "--overwrite replaces them") {
		t.Errorf("second run: exit %d, stderr %q", code, stderr)
	}
	_, stderr, code = runCLI("", "resize", "--quiet", "--overwrite", "--size", "20x", "--out", out, in)
	if code != 0 || stderr != "" {
		t.Errorf("--quiet --overwrite: exit %d, stderr %q", code, stderr)
	}
	if info, err := imagefile.Probe(filepath.Join(out, "a.png"), imagefile.Limits{}); err != nil || info.Width != 20 {
		t.Errorf("not overwritten: %+v %v", info, err)
	}
	_, stderr, code = runCLI("", "resize", "--verbose", "--workers", "3", "--overwrite", "--size", "20x", "--out", out, in)
	for _, want := range []string{"backend auto chose parallel with 3 workers", "a.png → ", "80×60 to 20×15", "2 files at a time, each resized on 1 goroutine\n", "decode "} {
		if code != 0 || !strings.Contains(stderr, want) {
			t.Errorf("--verbose: exit %d, stderr %q does not hold %q", code, stderr, want)
		}
	}
}

// TestResizeFlagsAfterInputs: corescale resize photos/ --size 600x --out
// thumbs is the same command as with the flags first.
func TestResizeFlagsAfterInputs(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "photos")
	writePNG(t, filepath.Join(in, "a.png"), 80, 60, 1)
	writePNG(t, filepath.Join(dir, "-b.png"), 60, 80, 2)
	first, second := filepath.Join(dir, "first"), filepath.Join(dir, "second")
	if _, stderr, code := runCLI("", "resize", "--quiet", "--size", "20x", "--out", first, in); code != 0 {
		t.Fatalf("flags first: exit %d, %q", code, stderr)
	}
	if _, stderr, code := runCLI("", "resize", in, "--size", "20x", "-q", "--out", second, "--", filepath.Join(dir, "-b.png")); code != 0 {
		t.Fatalf("flags after: exit %d, %q", code, stderr)
	}
	if !bytes.Equal(readFile(t, filepath.Join(first, "a.png")), readFile(t, filepath.Join(second, "a.png"))) {
		t.Error("the outputs differ")
	}
	if got := files(t, second); strings.Join(got, " ") != "-b.png a.png" {
		t.Errorf("outputs %q", got)
	}
}

func TestResizeNoImages(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := runCLI("", "resize", "--size", "10x", "--out", filepath.Join(dir, "out"), dir)
	if code != 0 || !strings.Contains(stderr, "corescale: no image files in "+dir) || !strings.Contains(stderr, "done 0, skipped 0, failed 0") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

func TestResizeInputNeverOverwritten(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "a.png")
	writePNG(t, in, 30, 30, 1)
	before, _ := os.ReadFile(in)
	for _, out := range []string{dir, in} {
		_, stderr, code := runCLI("", "resize", "--overwrite", "--size", "10x", "--format", "png", "--out", out, in)
		if code != 1 || !strings.Contains(stderr, "corescale: "+in+": output "+in+" would overwrite its input\n") {
			t.Errorf("--out %s: exit %d, stderr %q", out, code, stderr)
		}
	}
	if after, _ := os.ReadFile(in); !bytes.Equal(before, after) {
		t.Error("the input was overwritten")
	}
}

func TestResizeMaxPixels(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "a.png")
	writePNG(t, in, 300, 200, 1)
	_, stderr, code := runCLI("", "resize", "--max-pixels", "0.05", "--size", "10x", "--out", filepath.Join(dir, "out"), in)
	if code != 1 || !strings.Contains(stderr, "corescale: "+in+": 300×200 is 0.1 megapixels, over the limit of 0.05 (see --max-pixels)") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

func TestResizeSingleFile(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "photo.png")
	writePNG(t, in, 90, 60, 1)
	thumb := filepath.Join(dir, "thumb.jpg")
	if _, stderr, code := runCLI("", "resize", "--quiet", "--size", "x20", "--out", thumb, in); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if info, err := imagefile.Probe(thumb, imagefile.Limits{}); err != nil || info.Format != imagefile.JPEG || info.Width != 30 || info.Height != 20 {
		t.Errorf("%+v %v; want a 30×20 JPEG", info, err)
	}
}

// TestResizeBackendsIdentical: serial, a batch across images and one image
// across rows write the same bytes.
func TestResizeBackendsIdentical(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	for i := range 4 {
		writePNG(t, filepath.Join(in, fmt.Sprintf("%d.png", i)), 310+i*7, 170+i*11, i)
	}
	args := []string{"resize", "--quiet", "--size", "101x67", "--fit", "cover"}
	runs := map[string][]string{
		"serial":   {"--backend", "serial"},
		"parallel": {"--backend", "parallel", "--workers", "3"},
		"fast":     {"--backend", "parallel", "--workers", "2", "--format", "jpeg", "--fast"},
		"fast1":    {"--backend", "serial", "--format", "jpeg", "--fast"},
		"linear":   {"--backend", "parallel", "--workers", "2", "--linear"},
		"linear1":  {"--backend", "serial", "--linear"},
		"gpu-emu":  {"--backend", "gpu-emu", "--workers", "2"},
	}
	for name, flags := range runs {
		if _, stderr, code := runCLI("", append(append(append([]string{}, args...), flags...), "--out", filepath.Join(dir, name), in)...); code != 0 {
			t.Fatalf("%s: exit %d: %s", name, code, stderr)
		}
	}
	single := filepath.Join(dir, "single.png")
	if _, stderr, code := runCLI("", append(args, "--workers", "4", "--out", single, filepath.Join(in, "2.png"))...); code != 0 {
		t.Fatalf("single: exit %d: %s", code, stderr)
	}
	for _, pair := range [][2]string{{"serial", "parallel"}, {"fast1", "fast"}, {"linear1", "linear"}, {"serial", "gpu-emu"}} {
		for _, f := range files(t, filepath.Join(dir, pair[0])) {
			a, _ := os.ReadFile(filepath.Join(dir, pair[0], f))
			b, err := os.ReadFile(filepath.Join(dir, pair[1], f))
			if err != nil || !bytes.Equal(a, b) {
				t.Errorf("%s: %s and %s differ (%v)", f, pair[0], pair[1], err)
			}
		}
	}
	a, _ := os.ReadFile(filepath.Join(dir, "serial", "2.png"))
	if b, _ := os.ReadFile(single); !bytes.Equal(a, b) {
		t.Error("one file on 4 workers differs from the serial output")
	}
}

// TestResizeNoGPU: without a usable GPU, --backend gpu fails with the reason
// and exit 1, writing nothing; auto runs on the CPU.
func TestResizeNoGPU(t *testing.T) {
	if gpu.ProbeDriver(gpu.Library()).Err == nil {
		t.Skip("this machine has a GPU")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "in.png")
	writePNG(t, in, 40, 30, 1)
	out := filepath.Join(dir, "out")
	_, stderr, code := runCLI("", "resize", "--size", "10x", "--backend", "gpu", "--out", out, in)
	if code != 1 || !strings.Contains(stderr, "no usable GPU") {
		t.Errorf("gpu: exit %d, %q", code, stderr)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("gpu without a GPU wrote output")
	}
	if _, stderr, code := runCLI("", "resize", "--verbose", "--size", "10x", "--backend", "auto", "--out", out, in); code != 0 || !strings.Contains(stderr, "auto chose parallel") {
		t.Errorf("auto: exit %d, %q", code, stderr)
	}
}

// TestResizeLinear shrinks black and white stripes: averaged as stored
// sRGB values they give a mid grey near 128, in linear light the grey of
// half the light, near 188.
func TestResizeLinear(t *testing.T) {
	dir := t.TempDir()
	m := image.NewGray(image.Rect(0, 0, 64, 64))
	for i := range m.Pix {
		if i/64%2 == 0 {
			m.Pix[i] = 255
		}
	}
	in := filepath.Join(dir, "stripes.png")
	var b bytes.Buffer
	if err := png.Encode(&b, m); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(in, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		flag     string
		min, max int
	}{{"--linear=false", 118, 138}, {"--linear", 178, 198}} {
		out := filepath.Join(dir, "out"+tc.flag+".png")
		if _, stderr, code := runCLI("", "resize", "--quiet", tc.flag, "--size", "16x", "--out", out, in); code != 0 {
			t.Fatalf("%s: exit %d: %s", tc.flag, code, stderr)
		}
		d, err := imagefile.Open(out, imagefile.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		g, ok := d.Image.(*image.Gray)
		if !ok {
			t.Fatalf("%s: %T, want gray", tc.flag, d.Image)
		}
		sum := 0
		for _, v := range g.Pix {
			sum += int(v)
		}
		if mean := sum / len(g.Pix); mean < tc.min || mean > tc.max {
			t.Errorf("%s: mean %d, want %d to %d", tc.flag, mean, tc.min, tc.max)
		}
	}
}

// TestResizeOrientation resizes the eight EXIF orientation test files:
// every output must be the same upright card.
func TestResizeOrientation(t *testing.T) {
	src := filepath.Join("..", "..", "internal", "imagefile", "testdata")
	var inputs []string
	for o := 1; o <= 8; o++ {
		p := filepath.Join(src, fmt.Sprintf("orientation-%d.jpg", o))
		if _, err := os.Stat(p); err != nil {
			t.Skipf("no orientation test files: %v", err)
		}
		inputs = append(inputs, p)
	}
	out := t.TempDir()
	if _, stderr, code := runCLI("", append([]string{"resize", "--quiet", "--size", "32x", "--format", "png", "--out", out}, inputs...)...); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	load := func(o int) image.Image {
		d, err := imagefile.Open(filepath.Join(out, fmt.Sprintf("orientation-%d.png", o)), imagefile.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		if b := d.Image.Bounds(); b.Dx() != 32 || b.Dy() != 24 {
			t.Fatalf("orientation %d: %v, want 32×24 (upright)", o, b)
		}
		return d.Image
	}
	ref := load(1)
	// The card's corner cells are four different strong colours, so a
	// flip or turn moves at least two of them.
	corners := []image.Point{{2, 2}, {29, 2}, {2, 21}, {29, 21}}
	for o := 2; o <= 8; o++ {
		got := load(o)
		for _, p := range corners {
			if d := colourDistance(got.At(p.X, p.Y), ref.At(p.X, p.Y)); d > 40 {
				t.Errorf("orientation %d: pixel %v is %v, upright it is %v", o, p, got.At(p.X, p.Y), ref.At(p.X, p.Y))
			}
		}
	}
	for i, p := range corners {
		for _, q := range corners[i+1:] {
			if colourDistance(ref.At(p.X, p.Y), ref.At(q.X, q.Y)) < 100 {
				t.Errorf("corners %v and %v of the card look alike: the test would not see a flip", p, q)
			}
		}
	}
}

func colourDistance(a, b color.Color) int {
	ar, ag, ab, _ := a.RGBA()
	br, bg, bb, _ := b.RGBA()
	d := func(x, y uint32) int {
		if x > y {
			return int(x-y) >> 8
		}
		return int(y-x) >> 8
	}
	return d(ar, br) + d(ag, bg) + d(ab, bb)
}

// TestResizeInterrupt sends SIGINT to a batch in a child process: it
// stops with exit status 1, leaving whole outputs and no temporary file.
func TestResizeInterrupt(t *testing.T) {
	if args := os.Getenv("CORESCALE_RESIZE_CHILD"); args != "" {
		os.Exit(run(append([]string{"corescale"}, strings.Split(args, "\n")...), os.Stdin, os.Stdout, os.Stderr))
	}
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in"), filepath.Join(dir, "out")
	const n = 40
	first := filepath.Join(in, "00.png")
	writePNG(t, first, 640, 480, 0)
	data, err := os.ReadFile(first)
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < n; i++ {
		if err := os.WriteFile(filepath.Join(in, fmt.Sprintf("%02d.png", i)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestResizeInterrupt$")
	cmd.Env = append(os.Environ(), "CORESCALE_RESIZE_CHILD="+strings.Join([]string{"resize", "--workers", "1", "--size", "100x", "--out", out, in}, "\n"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait for the first output renamed into place; the temporary files
	// are hidden.
	committed := func() bool {
		for _, f := range files(t, out) {
			if !strings.HasPrefix(filepath.Base(f), ".") {
				return true
			}
		}
		return false
	}
	for deadline := time.Now().Add(20 * time.Second); !committed() && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != 1 || !strings.Contains(stderr.String(), "corescale: interrupted: ") {
		t.Fatalf("exit %d (%v), stderr %q; want 1 and interrupted", code, err, stderr.String())
	}
	got := files(t, out)
	t.Logf("%d of %d outputs written before the signal took effect", len(got), n)
	if len(got) == 0 || len(got) == n {
		t.Errorf("%d of %d outputs: the signal did not land mid-batch", len(got), n)
	}
	for _, f := range got {
		if strings.HasPrefix(filepath.Base(f), ".") {
			t.Errorf("temporary file left: %s", f)
			continue
		}
		if _, err := imagefile.Open(filepath.Join(out, f), imagefile.Limits{}); err != nil {
			t.Errorf("half-written output: %v", err)
		}
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestResizeQuotesNames: a file name with a newline or an escape sequence
// is printed quoted, in failures and in --verbose lines alike, so it can
// neither split a message nor reach the terminal; ordinary names are not.
func TestResizeQuotesNames(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	bad := filepath.Join(in, "evil\n\x1b[2Jname.png")
	if err := os.MkdirAll(in, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte("\x89PNG\r\n\x1a\nbroken"), 0o644); err != nil {
		t.Fatal(err)
	}
	writePNG(t, filepath.Join(in, "red\x1b[31m.png"), 20, 10, 1)
	writePNG(t, filepath.Join(in, "plain name.png"), 20, 10, 2)
	out := filepath.Join(dir, "out")
	_, stderr, code := runCLI("", "resize", "--verbose", "--size", "10x", "--out", out, in)
	if code != 1 || strings.Contains(stderr, "\x1b") {
		t.Errorf("exit %d, stderr %q: want 1 and no escape character", code, stderr)
	}
	for _, want := range []string{
		"corescale: " + strconv.Quote(bad) + ": ",
		"corescale: " + strconv.Quote(filepath.Join(in, "red\x1b[31m.png")) + " → " + strconv.Quote(filepath.Join(out, "red\x1b[31m.png")) + ": ",
		"corescale: " + filepath.Join(in, "plain name.png") + " → " + filepath.Join(out, "plain name.png") + ": ",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr %q does not hold %q", stderr, want)
		}
	}
	for _, line := range strings.Split(strings.TrimSuffix(stderr, "\n"), "\n") {
		if !strings.HasPrefix(line, "corescale: ") && !strings.HasPrefix(line, "done ") {
			t.Errorf("a message split: line %q", line)
		}
	}
}

// TestResizeLinkedFolder names a link to a folder, without a trailing
// slash: it is walked as the folder.
func TestResizeLinkedFolder(t *testing.T) {
	dir := t.TempDir()
	writePNG(t, filepath.Join(dir, "photos", "a.png"), 20, 10, 1)
	link := filepath.Join(dir, "link")
	if err := os.Symlink(filepath.Join(dir, "photos"), link); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := runCLI("", "resize", "--size", "10x", "--out", filepath.Join(dir, "out"), link)
	if code != 0 || !strings.Contains(stderr, "done 1, skipped 0, failed 0") {
		t.Errorf("exit %d, stderr %q; want the folder's file done", code, stderr)
	}
}

// TestResizeBadInputsAmongGood: a missing file and a FIFO among good
// inputs are reported and the rest is done, exit 1; all inputs missing is
// still bad usage.
func TestResizeBadInputsAmongGood(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.png")
	writePNG(t, good, 20, 10, 1)
	missing, fifo := filepath.Join(dir, "missing.png"), filepath.Join(dir, "fifo.png")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	_, stderr, code := runCLI("", "resize", "--size", "10x", "--out", out, missing, good, fifo)
	for _, want := range []string{
		"corescale: " + missing + ": stat: no such file or directory\n",
		"corescale: " + fifo + ": not a file or folder\n",
		"done 1, skipped 0, failed 2",
		"corescale: 2 of 3 inputs failed\n",
	} {
		if code != 1 || !strings.Contains(stderr, want) {
			t.Errorf("exit %d, stderr %q; want 1 and %q", code, stderr, want)
		}
	}
	if got := files(t, out); strings.Join(got, " ") != "good.png" {
		t.Errorf("outputs %q", got)
	}
	_, stderr, code = runCLI("", "resize", "--size", "10x", "--out", out, missing, fifo)
	if code != 2 || !strings.Contains(stderr, "missing.png: stat: no such file or directory (and 1 more input that cannot be read)") {
		t.Errorf("all bad: exit %d, stderr %q", code, stderr)
	}
}

// TestResizeOutputNotWritable: an output folder that cannot be written
// gives one message before any input is decoded, not one per file, and is
// bad usage (exit 2) as an uncreatable output is for every command.
func TestResizeOutputNotWritable(t *testing.T) {
	dir := t.TempDir()
	var inputs []string
	for i := range 5 {
		p := filepath.Join(dir, fmt.Sprintf("%d.png", i))
		writePNG(t, p, 20, 10, i)
		inputs = append(inputs, p)
	}
	outs := map[string]string{}
	if runtime.GOOS == "linux" {
		// /proc takes no new folder, whoever runs the test.
		outs["/proc/corescale-test/out"] = "corescale: cannot write to /proc/corescale-test/out: no such file or directory\n"
	}
	if os.Geteuid() != 0 {
		ro := filepath.Join(dir, "ro")
		if err := os.Mkdir(ro, 0o555); err != nil {
			t.Fatal(err)
		}
		outs[ro] = "corescale: cannot write to " + ro + ": permission denied\n"
	}
	for out, want := range outs {
		_, stderr, code := runCLI("", append([]string{"resize", "--size", "10x", "--out", out}, inputs...)...)
		if code != 2 || stderr != want {
			t.Errorf("--out %s: exit %d, stderr %q; want 2 and %q", out, code, stderr, want)
		}
	}
}

// TestResizeRerun runs the same command twice where the inputs name the
// outputs of the first run: the glob that now holds the output folder,
// and the input folder as the output with another format. The second run
// skips, and fails nothing.
func TestResizeRerun(t *testing.T) {
	dir := t.TempDir()
	photos := filepath.Join(dir, "photos")
	writePNG(t, filepath.Join(photos, "a.png"), 40, 30, 1)
	writeJPEG(t, filepath.Join(photos, "b.jpg"), 40, 30)
	glob := func() []string {
		m, err := filepath.Glob(filepath.Join(photos, "*"))
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	thumbs := filepath.Join(photos, "thumbs")
	for run := range 2 {
		_, stderr, code := runCLI("", append([]string{"resize", "--size", "10x", "--out", thumbs}, glob()...)...)
		want := "done 2, skipped 0, failed 0"
		if run == 1 {
			want = "corescale: " + thumbs + ": skipped, it is the output folder\ndone 0, skipped 2, failed 0"
		}
		if code != 0 || !strings.Contains(stderr, want) {
			t.Errorf("--out thumbs, run %d: exit %d, stderr %q; want 0 and %q", run, code, stderr, want)
		}
	}
	os.RemoveAll(thumbs)
	for run := range 2 {
		_, stderr, code := runCLI("", append([]string{"resize", "--verbose", "--format", "png", "--size", "10x", "--out", photos}, glob()...)...)
		// a.png is its own output either way.
		want := "corescale: " + filepath.Join(photos, "b.png") + ": skipped, it is the output of " + filepath.Join(photos, "b.jpg") + "\n"
		if run == 0 {
			want = "done 1, skipped 0, failed 1"
		}
		if code != 1 || !strings.Contains(stderr, want) || !strings.Contains(stderr, "a.png would overwrite its input") {
			t.Errorf("--format png --out photos, run %d: exit %d, stderr %q; want 1 and %q", run, code, stderr, want)
		}
		if run == 1 && !strings.Contains(stderr, "done 0, skipped 1, failed 1") {
			t.Errorf("second run: stderr %q", stderr)
		}
	}
}

// TestResizeKeepWebP: --format keep writes a WebP as PNG, lossy or not,
// so photo.webp never takes photo.jpg's output name, as --help says.
func TestResizeKeepWebP(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	writeJPEG(t, filepath.Join(in, "photo.jpg"), 40, 30)
	webp, err := os.ReadFile(filepath.Join("..", "..", "internal", "imagefile", "testdata", "lossy.webp"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(in, "photo.webp"), webp, 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	if _, stderr, code := runCLI("", "resize", "--quiet", "--size", "10x", "--out", out, in); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if got := files(t, out); strings.Join(got, " ") != "photo.jpg photo.png" {
		t.Errorf("outputs %q", got)
	}
	help, _, _ := runCLI("", "resize", "--help")
	if !strings.Contains(help, "WebP become PNG") {
		t.Errorf("--help does not say what keep makes of WebP:\n%s", help)
	}
}

// TestResizeQualityWithPNG: --quality with PNG outputs does nothing, and
// says so; the outputs are written all the same.
func TestResizeQualityWithPNG(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "a.png")
	writePNG(t, in, 20, 10, 1)
	for _, args := range [][]string{
		{"--format", "png", "--quality", "90", "--out", filepath.Join(dir, "out")},
		{"--quality", "90", "--out", filepath.Join(dir, "thumb.png")},
	} {
		_, stderr, code := runCLI("", append(append([]string{"resize", "--quiet", "--size", "10x"}, args...), in)...)
		if code != 0 || stderr != "corescale: warning: --quality applies to JPEG only, and the outputs are PNG\n" {
			t.Errorf("%q: exit %d, stderr %q", args, code, stderr)
		}
	}
	// JPEG, or keep with inputs that may be JPEG: no warning.
	for _, format := range []string{"jpeg", "keep"} {
		if _, stderr, code := runCLI("", "resize", "--quiet", "--size", "10x", "--format", format, "--quality", "90", "--out", filepath.Join(dir, "out-"+format), in); code != 0 || stderr != "" {
			t.Errorf("--format %s: exit %d, stderr %q", format, code, stderr)
		}
	}
}

// writeJPEG writes a w×h JPEG.
func writeJPEG(t *testing.T, path string, w, h int) {
	t.Helper()
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range m.Pix {
		m.Pix[i] = uint8(i * 7)
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, nil); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestResizeMaxMemory: --max-memory takes sizes with units and refuses
// others; a file that needs more than the budget fails alone, with a
// message that names the flag, and the others are done.
func TestResizeMaxMemory(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	writePNG(t, filepath.Join(in, "small.png"), 40, 30, 1)
	writePNG(t, filepath.Join(in, "large.png"), 1200, 900, 2)
	out := filepath.Join(dir, "out")
	if _, stderr, code := runCLI("", "resize", "--max-memory", "1.5X", "--size", "20x", "--out", out, in); code != 2 || !strings.Contains(stderr, "--max-memory") {
		t.Errorf("bad size: exit %d, %q", code, stderr)
	}
	_, stderr, code := runCLI("", "resize", "--quiet", "--max-memory", "5M", "--size", "20x", "--out", out, in)
	if code != 1 || !strings.Contains(stderr, "large.png") || !strings.Contains(stderr, "over the memory budget") || !strings.Contains(stderr, "--max-memory") {
		t.Errorf("tiny budget: exit %d, %q", code, stderr)
	}
	if got := files(t, out); strings.Join(got, " ") != "small.png" {
		t.Errorf("outputs %q, want the small file done", got)
	}
}

// TestResizeNames runs a tree whose folders hold inputs of one stem
// (a.jpg, a.png, a.gif; A.jpg another name here) as JPEG: every input
// gets an output, the clashing ones under their whole names, and the
// summary says so; then with a --name template.
func TestResizeNames(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	for i, name := range []string{"a.png", "a.gif", "A.png", "b.png", "sub/a.png", "sub/a.gif", "sub/c.png"} {
		writePNG(t, filepath.Join(in, name), 20, 10, i)
	}
	writeJPEG(t, filepath.Join(in, "a.jpg"), 20, 10)
	out := filepath.Join(dir, "out")
	_, stderr, code := runCLI("", "resize", "--size", "10x", "--format", "jpeg", "--out", out, in)
	if code != 0 || !strings.Contains(stderr, "done 8, skipped 0, failed 0") ||
		!strings.Contains(stderr, "5 outputs named by their input's whole name (a.png.jpg): their inputs share a name in one folder") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	want := []string{"A.jpg", "a.gif.jpg", "a.jpg.jpg", "a.png.jpg", "b.jpg", "sub/a.gif.jpg", "sub/a.png.jpg", "sub/c.jpg"}
	if got := files(t, out); !reflect.DeepEqual(got, want) {
		t.Errorf("outputs %q, want %q", got, want)
	}
	named := filepath.Join(dir, "named")
	// One worker, so that "the second" is the second in the folder's
	// order.
	_, stderr, code = runCLI("", "resize", "--size", "10x", "--workers", "1", "--name", "{stem}_thumb.{ext}", "--out", named, in)
	for _, dir := range []string{"", "sub"} {
		clash := "corescale: " + filepath.Join(in, dir, "a.png") + ": output " + filepath.Join(named, dir, "a_thumb.png") + ": another input has the same output: " + filepath.Join(in, dir, "a.gif") + "\n"
		if !strings.Contains(stderr, clash) {
			t.Errorf("--name {stem}_thumb.{ext}: stderr %q; want %q", stderr, clash)
		}
	}
	if code != 1 || !strings.Contains(stderr, "done 6, skipped 0, failed 2") || strings.Contains(stderr, "whole name") {
		t.Errorf("--name {stem}_thumb.{ext}: exit %d, stderr %q", code, stderr)
	}
	want = []string{"A_thumb.png", "a_thumb.jpg", "a_thumb.png", "b_thumb.png", "sub/a_thumb.png", "sub/c_thumb.png"}
	if got := files(t, named); !reflect.DeepEqual(got, want) {
		t.Errorf("outputs %q, want %q", got, want)
	}
	// Run again, the first finds every output there by its name.
	_, stderr, code = runCLI("", "resize", "--size", "10x", "--format", "jpeg", "--out", out, in)
	if code != 0 || !strings.Contains(stderr, "done 0, skipped 8, failed 0") {
		t.Errorf("rerun: exit %d, stderr %q", code, stderr)
	}
	if got := len(files(t, out)); got != 8 {
		t.Errorf("%d outputs after the rerun, want 8", got)
	}
}

// TestResizeNameUsage: a template that cannot name the outputs apart, or
// names a path, or with an output that is one file, is bad usage naming
// the flag and its value, and nothing is written.
func TestResizeNameUsage(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "a.png")
	writePNG(t, in, 20, 10, 1)
	out := filepath.Join(dir, "out")
	for _, tc := range []struct {
		args   []string
		stderr string
	}{
		{[]string{"--name", "thumb.jpg", "--out", out, in}, `--name "thumb.jpg": no {stem} or {name}: every input would have the same output name`},
		{[]string{"--name", "{stem}/t.{ext}", "--out", out, in}, `--name "{stem}/t.{ext}": a slash`},
		{[]string{"--name", "{base}.{ext}", "--out", out, in}, `--name "{base}.{ext}": unknown placeholder {base}: use {stem}, {name} and {ext}`},
		{[]string{"--name", "{stem}_{w}x{h}.{ext}", "--out", out, in}, `--name "{stem}_{w}x{h}.{ext}": {w}: the output size is no placeholder`},
		{[]string{"--name", "", "--out", out, in}, `--name "": empty`},
		{[]string{"--name", "{stem}_t.png", "--format", "jpeg", "--out", out, in}, `--name "{stem}_t.png": the name says png but the format asked for is jpeg`},
		{[]string{"--name", "{stem}.gif", "--out", out, in}, `--name "{stem}.gif": only JPEG (.jpg, .jpeg) and PNG (.png) files can be written`},
		{[]string{"--name", "{stem}_t.{ext}", "--out", filepath.Join(dir, "t.png"), in}, `--name "{stem}_t.{ext}": output ` + filepath.Join(dir, "t.png") + ": a name template names the outputs in a folder"},
	} {
		t.Run(strings.Join(tc.args[:4], " "), func(t *testing.T) {
			stdout, stderr, code := runCLI("", append([]string{"resize", "--size", "10x"}, tc.args...)...)
			if code != 2 || !strings.Contains(stderr, tc.stderr) || stdout != "" {
				t.Errorf("exit %d, stdout %q, stderr %q; want 2 and %q", code, stdout, stderr, tc.stderr)
			}
		})
	}
	if got := files(t, dir); len(got) != 1 {
		t.Errorf("bad usage wrote files: %q", got)
	}
}

// TestResizeSRGBFlag: --srgb reaches the batch's options, and --help
// says what it and --name do.
func TestResizeSRGBFlag(t *testing.T) {
	for _, srgb := range []bool{false, true} {
		cmd := resizeCommand()
		var got *resizeSettings
		cmd.Action = func(c *cli.Context) error {
			var err error
			got, err = resizeFlags(c)
			return err
		}
		app := &cli.App{Name: "corescale", Commands: []*cli.Command{cmd}, Writer: io.Discard, ErrWriter: io.Discard}
		args := []string{"corescale", "resize", "--size", "10x", "--out", "out"}
		if srgb {
			args = append(args, "--srgb")
		}
		if err := app.Run(append(args, "in.jpg")); err != nil {
			t.Fatal(err)
		}
		if got == nil || got.opt.SRGB != srgb {
			t.Errorf("--srgb %v: settings %+v", srgb, got)
		}
	}
	out, _, _ := runCLI("", "resize", "--help")
	for _, want := range []string{"--srgb", "convert images with an embedded colour profile to sRGB (Little CMS); without it the profile is kept",
		"--name TEMPLATE", "{stem}", "a.png.jpg"} {
		if !strings.Contains(out, want) {
			t.Errorf("resize --help does not mention %q", want)
		}
	}
}

// TestResizeResultLines: what is said of each result, from results made
// up here as the pipeline fills them: the decoder and its DCT reduction
// with --verbose, and a decode warning always, as a warning, not a
// failure.
func TestResizeResultLines(t *testing.T) {
	done := thumbnail.Result{Input: "in/a.jpg", Output: "out/a.jpg", Status: thumbnail.Done, SrcW: 4000, SrcH: 3000, W: 600, H: 450}
	turbo := done
	turbo.Decoder, turbo.Shrink = "libjpeg-turbo", 4
	full := turbo
	full.Shrink = 1
	warned := turbo
	warned.Warning = errors.New("premature end of JPEG data")
	named := warned
	named.Warning = fmt.Errorf("in/a.jpg: %w", errors.New("corrupt data"))
	failed := thumbnail.Result{Input: "in/b.jpg", Status: thumbnail.Failed, Err: &thumbnail.FileError{Path: "in/b.jpg", Err: errors.New("not an image")}}
	skipped := thumbnail.Result{Input: "in/c.jpg", Output: "out/c.jpg", Status: thumbnail.Skipped}
	for _, tc := range []struct {
		r       thumbnail.Result
		verbose bool
		want    []string
	}{
		{done, false, nil},
		{done, true, []string{"corescale: in/a.jpg → out/a.jpg: 4000×3000 to 600×450"}},
		{turbo, true, []string{"corescale: in/a.jpg → out/a.jpg: 4000×3000 to 600×450, decoded by libjpeg-turbo at 1/4 scale"}},
		{full, true, []string{"corescale: in/a.jpg → out/a.jpg: 4000×3000 to 600×450, decoded by libjpeg-turbo"}},
		{warned, false, []string{"corescale: in/a.jpg: warning: premature end of JPEG data"}},
		{warned, true, []string{"corescale: in/a.jpg → out/a.jpg: 4000×3000 to 600×450, decoded by libjpeg-turbo at 1/4 scale",
			"corescale: in/a.jpg: warning: premature end of JPEG data"}},
		{named, false, []string{"corescale: in/a.jpg: warning: corrupt data"}},
		{failed, false, []string{"corescale: in/b.jpg: not an image"}},
		{skipped, false, nil},
		{skipped, true, []string{"corescale: in/c.jpg: skipped, out/c.jpg exists (--overwrite replaces it)"}},
	} {
		if got := resultLines(tc.r, tc.verbose); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%+v, verbose %v:\n got %q\nwant %q", tc.r, tc.verbose, got, tc.want)
		}
	}
}
