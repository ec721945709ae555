package thumbnail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/corescale/corescale/internal/imagefile"
)

func TestMirror(t *testing.T) {
	dir := t.TempDir()
	in, other, out := filepath.Join(dir, "in"), filepath.Join(dir, "other"), filepath.Join(dir, "out")
	for _, f := range []string{"a.jpg", "sub/b.png", "sub/deep/c.GIF", "D.JPEG", "e.bmp", "sub/f.jpg"} {
		writeImage(t, filepath.Join(in, f), 40, 30, len(f))
	}
	writeFile(t, filepath.Join(in, "notes.txt"), []byte("not an image"))
	writeFile(t, filepath.Join(in, "sub", ".hidden.tmp-1234"), []byte("not an image"))
	// Named on the command line, a file is taken whatever its name.
	writeImage(t, filepath.Join(other, "picture.data"), 40, 30, 9)
	writeImage(t, filepath.Join(other, "g.jpg"), 40, 30, 10)

	b, err := Plan([]string{in, filepath.Join(other, "picture.data"), filepath.Join(other, "g.jpg")}, out, imagefile.Keep)
	if err != nil {
		t.Fatal(err)
	}
	if b.Single() || b.Files() != 8 || b.Len() != 8 {
		t.Errorf("single %v, %d files, %d results; want a batch of 8", b.Single(), b.Files(), b.Len())
	}
	var mu sync.Mutex
	var reported []string
	s, err := runCPU(context.Background(), t, b, Options{Size: Size{W: 20}, Workers: 2, OnResult: func(r Result) {
		mu.Lock()
		defer mu.Unlock()
		rel, _ := filepath.Rel(out, r.Output)
		reported = append(reported, filepath.ToSlash(rel))
	}})
	if err != nil {
		t.Fatal(err)
	}
	if s.Done != 8 || s.Failed != 0 || s.Skipped != 0 {
		t.Fatalf("done %d, failed %d %v, skipped %d", s.Done, s.Failed, s.Failures, s.Skipped)
	}
	want := []string{"D.JPEG", "a.jpg", "e.png", "g.jpg", "picture.png", "sub/b.png", "sub/deep/c.png", "sub/f.jpg"}
	if got := tree(t, out); !reflect.DeepEqual(got, want) {
		t.Errorf("outputs %q, want %q", got, want)
	}
	if len(reported) != 8 {
		t.Errorf("OnResult saw %q", reported)
	}
	for _, f := range want {
		info := probe(t, filepath.Join(out, f))
		wantFormat := imagefile.PNG
		if strings.HasSuffix(strings.ToLower(f), "jpg") || strings.HasSuffix(strings.ToLower(f), "jpeg") {
			wantFormat = imagefile.JPEG
		}
		if info.Format != wantFormat || info.Width != 20 || info.Height != 15 {
			t.Errorf("%s: %s %d×%d, want %s 20×15", f, info.Format, info.Width, info.Height, wantFormat)
		}
	}
	if mp := float64(s.Pixels) / 1e6; s.Pixels != 8*40*30 || s.MegapixelsPerSecond() <= 0 {
		t.Errorf("%.4f megapixels, %.1f MP/s", mp, s.MegapixelsPerSecond())
	}
	if s.Decode <= 0 || s.Resize <= 0 || s.Encode <= 0 {
		t.Errorf("phases %+v", s.Phases)
	}
}

// TestOutputInsideInput runs a batch whose output folder is inside its
// input folder, twice: the second walk must not take the first results as
// inputs.
func TestOutputInsideInput(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "thumbs")
	writeImage(t, filepath.Join(dir, "a.png"), 40, 30, 1)
	for range 2 {
		b, err := Plan([]string{dir}, out, imagefile.Keep)
		if err != nil {
			t.Fatal(err)
		}
		if b.Files() != 1 {
			t.Fatalf("%d files planned, want 1", b.Files())
		}
		if _, err := runCPU(context.Background(), t, b, Options{Size: Size{W: 20}}); err != nil {
			t.Fatal(err)
		}
	}
	if got := tree(t, dir); !reflect.DeepEqual(got, []string{"a.png", "thumbs/a.png"}) {
		t.Errorf("files %q", got)
	}
}

func TestSkipAndOverwrite(t *testing.T) {
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in"), filepath.Join(dir, "out")
	for i := range 3 {
		writeImage(t, filepath.Join(in, fmt.Sprintf("%d.png", i)), 30, 30, i)
	}
	// One output is there already, not even an image: it is left alone.
	writeFile(t, filepath.Join(out, "1.png"), []byte("mine"))
	s := runBatch(t, []string{in}, out, imagefile.Keep, Options{Size: Size{W: 10}})
	if s.Done != 2 || s.Skipped != 1 {
		t.Errorf("first run: done %d, skipped %d; want 2 and 1", s.Done, s.Skipped)
	}
	if got := string(readFile(t, filepath.Join(out, "1.png"))); got != "mine" {
		t.Errorf("an existing output was replaced: %q", got)
	}
	s = runBatch(t, []string{in}, out, imagefile.Keep, Options{Size: Size{W: 10}})
	if s.Done != 0 || s.Skipped != 3 || s.Failed != 0 {
		t.Errorf("second run: done %d, skipped %d, failed %d; want all skipped", s.Done, s.Skipped, s.Failed)
	}
	s = runBatch(t, []string{in}, out, imagefile.Keep, Options{Size: Size{W: 12}, Overwrite: true})
	if s.Done != 3 || s.Skipped != 0 {
		t.Errorf("with Overwrite: done %d, skipped %d; want 3 done", s.Done, s.Skipped)
	}
	for i := range 3 {
		if info := probe(t, filepath.Join(out, fmt.Sprintf("%d.png", i))); info.Width != 12 {
			t.Errorf("%d.png is %d wide after Overwrite, want 12", i, info.Width)
		}
	}
	noTemporaries(t, out)
}

// TestNeverOverwriteInput points the output at the inputs' own folder,
// named file by file as a shell glob does, where names collide, with and
// without Overwrite, and through a link to the folder, which only
// os.SameFile sees through.
func TestNeverOverwriteInput(t *testing.T) {
	files := []string{"a.jpg", "b.png", "c.gif", "c.png", "d.gif"}
	setup := func(t *testing.T) (in, link string, before map[string][]byte) {
		dir := t.TempDir()
		in = filepath.Join(dir, "in")
		before = map[string][]byte{}
		for i, f := range files {
			writeImage(t, filepath.Join(in, f), 30, 20, i)
			before[f] = readFile(t, filepath.Join(in, f))
		}
		link = filepath.Join(dir, "link")
		if err := os.Symlink(in, link); err != nil {
			t.Fatal(err)
		}
		return in, link, before
	}
	for _, tc := range []struct {
		out       string // "in" or "link"
		format    imagefile.Format
		overwrite bool
		done      []string
	}{
		// c.gif → c.png is an input; so is d.png after the first run.
		{"in", imagefile.Keep, false, []string{"d.png"}},
		{"in", imagefile.Keep, true, []string{"d.png"}},
		{"link", imagefile.PNG, true, []string{"a.png", "d.png"}},
		// c.gif and c.png would both be c.jpg: each takes its whole name.
		{"in/", imagefile.JPEG, true, []string{"b.jpg", "c.gif.jpg", "c.png.jpg", "d.jpg"}},
	} {
		t.Run(fmt.Sprintf("%s %s overwrite=%v", tc.out, tc.format, tc.overwrite), func(t *testing.T) {
			in, link, before := setup(t)
			out := map[string]string{"in": in, "in/": in + "/", "link": link}[tc.out]
			for run := range 2 {
				inputs, err := filepath.Glob(filepath.Join(in, "*"))
				if err != nil {
					t.Fatal(err)
				}
				b, err := Plan(inputs, out, tc.format)
				if err != nil {
					t.Fatal(err)
				}
				s, err := runCPU(context.Background(), t, b, Options{Size: Size{W: 10}, Overwrite: tc.overwrite, Workers: 1})
				if err != nil {
					t.Fatal(err)
				}
				// The second time, the first outputs are named as inputs
				// too: left out, and even Overwrite leaves them alone.
				done := len(tc.done) * (1 - run)
				if s.Done != done || s.Done+s.Failed+s.Skipped != len(inputs)-len(b.Notes()) {
					t.Errorf("run %d: done %d, skipped %d, failed %d %v, notes %v; want %d done", run, s.Done, s.Skipped, s.Failed, s.Failures, b.Notes(), done)
				}
				for _, e := range s.Failures {
					if !errors.Is(e, ErrInputCollision) && !errors.Is(e, ErrOutputClash) {
						t.Errorf("failure %v is no collision", e)
					}
				}
				for f, b := range before {
					if !bytes.Equal(readFile(t, filepath.Join(in, f)), b) {
						t.Fatalf("input %s was overwritten", f)
					}
				}
				if got, want := len(tree(t, in)), len(files)+len(tc.done); got != want {
					t.Errorf("%d files in the folder, want %d", got, want)
				}
			}
			noTemporaries(t, in)
			// The folder itself as the input: it is the output folder,
			// left out whole.
			b, err := Plan([]string{in}, out, tc.format)
			if err != nil || b.Files() != 0 || len(b.Notes()) != 1 || b.Notes()[0].Kind != OutputFolder || b.Notes()[0].Of != "" {
				t.Errorf("the folder as input: %v, %d files, notes %v", err, b.Files(), b.Notes())
			}
		})
	}
	in, _, before := setup(t)
	// The message says what happened, naming the file once.
	s := runBatch(t, []string{filepath.Join(in, "b.png")}, in, imagefile.Keep, Options{Size: Size{W: 10}, Overwrite: true})
	if s.Failed != 1 || s.Failures[0].Error() != filepath.Join(in, "b.png")+": output "+filepath.Join(in, "b.png")+" would overwrite its input" {
		t.Errorf("failures %v", s.Failures)
	}
	// One input file written to itself as its own output file.
	b := filepath.Join(in, "b.png")
	s = runBatch(t, []string{b}, b, imagefile.Keep, Options{Size: Size{W: 10}, Overwrite: true})
	if s.Failed != 1 || !errors.Is(s.Failures[0], ErrInputCollision) {
		t.Errorf("b.png onto itself: failures %v", s.Failures)
	}
	if !bytes.Equal(readFile(t, b), before["b.png"]) {
		t.Error("b.png was overwritten")
	}
	noTemporaries(t, in)
}

// TestOutputClash maps two inputs to one output: the second fails, the
// first is written.
func TestOutputClash(t *testing.T) {
	dir := t.TempDir()
	writeImage(t, filepath.Join(dir, "x", "a.png"), 30, 20, 1)
	writeImage(t, filepath.Join(dir, "y", "a.png"), 30, 20, 2)
	s := runBatch(t, []string{filepath.Join(dir, "x", "a.png"), filepath.Join(dir, "y", "a.png")}, filepath.Join(dir, "out"), imagefile.Keep,
		Options{Size: Size{W: 10}, Workers: 1})
	if s.Done != 1 || s.Failed != 1 || !errors.Is(s.Failures[0], ErrOutputClash) ||
		!strings.Contains(s.Failures[0].Error(), filepath.Join(dir, "x", "a.png")) {
		t.Errorf("done %d, failed %d %v", s.Done, s.Failed, s.Failures)
	}
	// The same file named twice is one job, not a clash.
	a := filepath.Join(dir, "x", "a.png")
	b, err := Plan([]string{a, filepath.Join(dir, "x", ".", "a.png"), filepath.Join(dir, "x")}, filepath.Join(dir, "out2"), imagefile.Keep)
	if err != nil || b.Files() != 1 {
		t.Errorf("%v, %d files; want 1", err, b.Files())
	}
}

// TestCorruptInTheMiddle puts bad files among good ones: each is reported
// with its path, and the others are done. A truncated JPEG is decoded with
// a warning by libjpeg-turbo (the missing part grey, as Pillow and libvips
// give it) and refused by Go's decoder: either way it is reported.
func TestCorruptInTheMiddle(t *testing.T) {
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in"), filepath.Join(dir, "out")
	for i := range 6 {
		writeImage(t, filepath.Join(in, fmt.Sprintf("%d.jpg", i)), 64, 48, i)
	}
	good := readFile(t, filepath.Join(in, "0.jpg"))
	writeFile(t, filepath.Join(in, "2.jpg"), good[:len(good)/2])         // truncated
	writeFile(t, filepath.Join(in, "3.jpg"), []byte("\xff\xd8\xffjunk")) // a JPEG signature, then nothing
	writeFile(t, filepath.Join(in, "4.jpg"), []byte("plain text"))
	_, truncatedErr := imagefile.Decode(bytes.NewReader(good[:len(good)/2]), "2.jpg", imagefile.Limits{})
	warned := map[string]error{}
	s := runBatch(t, []string{in}, out, imagefile.Keep, Options{Size: Size{W: 16}, Workers: 2,
		OnResult: func(r Result) {
			if r.Warning != nil {
				warned[filepath.Base(r.Input)] = r.Warning
			}
		}})
	wantDone, wantOut := 3, []string{"0.jpg", "1.jpg", "5.jpg"}
	if truncatedErr == nil {
		wantDone, wantOut = 4, []string{"0.jpg", "1.jpg", "2.jpg", "5.jpg"}
		if warned["2.jpg"] == nil || len(warned) != 1 {
			t.Errorf("warnings %v; want one, for the truncated 2.jpg", warned)
		}
	}
	if s.Done != wantDone || s.Failed != 6-wantDone {
		t.Fatalf("done %d, failed %d; want %d and %d", s.Done, s.Failed, wantDone, 6-wantDone)
	}
	failed := map[string]string{}
	for _, e := range s.Failures {
		failed[filepath.Base(e.Path)] = e.Error()
		if !strings.HasPrefix(e.Error(), e.Path+": ") || strings.Count(e.Error(), e.Path) != 1 {
			t.Errorf("message %q does not name %s once, at the front", e.Error(), e.Path)
		}
	}
	for _, f := range []string{"2.jpg", "3.jpg", "4.jpg"} {
		if failed[f] == "" && warned[f] == nil {
			t.Errorf("%s not reported; failures %v", f, s.Failures)
		}
	}
	if got := tree(t, out); !reflect.DeepEqual(got, wantOut) {
		t.Errorf("outputs %q", got)
	}
}

// TestUnreadableFolder: a folder the walk cannot read is a failure of
// that path, and the batch goes on.
func TestUnreadableFolder(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads every folder")
	}
	dir := t.TempDir()
	writeImage(t, filepath.Join(dir, "in", "a.png"), 20, 20, 1)
	locked := filepath.Join(dir, "in", "locked")
	writeImage(t, filepath.Join(locked, "b.png"), 20, 20, 2)
	if err := os.Chmod(locked, 0); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(locked, 0o755)
	s := runBatch(t, []string{filepath.Join(dir, "in")}, filepath.Join(dir, "out"), imagefile.Keep, Options{Size: Size{W: 10}})
	if s.Done != 1 || s.Failed != 1 || s.Failures[0].Path != locked {
		t.Errorf("done %d, failed %d %v", s.Done, s.Failed, s.Failures)
	}
}

func TestMaxPixels(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "big.png")
	writeImage(t, in, 100, 80, 1)
	s := runBatch(t, []string{in}, filepath.Join(dir, "out"), imagefile.Keep, Options{Size: Size{W: 10}, MaxPixels: 7999})
	if s.Failed != 1 || !errors.Is(s.Failures[0], imagefile.ErrTooLarge) ||
		s.Failures[0].Error() != in+": 100×80 is 0.0 megapixels, over the limit of 0.007999 (see --max-pixels)" {
		t.Errorf("failures %v", s.Failures)
	}
	s = runBatch(t, []string{in}, filepath.Join(dir, "out"), imagefile.Keep, Options{Size: Size{W: 10}, MaxPixels: 8000})
	if s.Done != 1 {
		t.Errorf("at the limit: failures %v", s.Failures)
	}
	// The output is held to the limit too: enlarging past it fails.
	s = runBatch(t, []string{in}, filepath.Join(dir, "out2"), imagefile.Keep, Options{Size: Size{W: 1000}, MaxPixels: 10000})
	if s.Failed != 1 || !strings.Contains(s.Failures[0].Error(), "the output, 1000×800, would be over the limit") {
		t.Errorf("enlarged: failures %v", s.Failures)
	}
	if _, err := os.Stat(filepath.Join(dir, "out2")); err == nil {
		t.Error("a failed batch created its output folder")
	}
}

func TestFormats(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	for _, f := range []string{"a.jpg", "b.png", "c.gif", "d.bmp"} {
		writeImage(t, filepath.Join(in, f), 40, 20, 3)
	}
	// WebP with "keep": PNG, lossy or lossless.
	for _, f := range []string{"lossy.webp", "lossless.webp"} {
		writeFile(t, filepath.Join(in, f), readFile(t, filepath.Join("..", "imagefile", "testdata", f)))
	}
	for _, tc := range []struct {
		format imagefile.Format
		want   map[string]imagefile.Format
	}{
		{imagefile.Keep, map[string]imagefile.Format{"a.jpg": imagefile.JPEG, "b.png": imagefile.PNG, "c.png": imagefile.PNG, "d.png": imagefile.PNG, "lossy.png": imagefile.PNG, "lossless.png": imagefile.PNG}},
		{imagefile.JPEG, map[string]imagefile.Format{"a.jpg": imagefile.JPEG, "b.jpg": imagefile.JPEG, "c.jpg": imagefile.JPEG, "d.jpg": imagefile.JPEG, "lossy.jpg": imagefile.JPEG, "lossless.jpg": imagefile.JPEG}},
		{imagefile.PNG, map[string]imagefile.Format{"a.png": imagefile.PNG, "b.png": imagefile.PNG, "c.png": imagefile.PNG, "d.png": imagefile.PNG, "lossy.png": imagefile.PNG, "lossless.png": imagefile.PNG}},
	} {
		t.Run(string(tc.format), func(t *testing.T) {
			out := filepath.Join(dir, "out-"+string(tc.format))
			s := runBatch(t, []string{in}, out, tc.format, Options{Size: Size{H: 10}})
			if s.Done != 6 {
				t.Fatalf("done %d, failures %v", s.Done, s.Failures)
			}
			got := map[string]imagefile.Format{}
			for _, f := range tree(t, out) {
				got[f] = probe(t, filepath.Join(out, f)).Format
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
			// A second run skips the WebP files too.
			if s := runBatch(t, []string{in}, out, tc.format, Options{Size: Size{H: 10}}); s.Skipped != 6 {
				t.Errorf("second run: skipped %d, want 6", s.Skipped)
			}
		})
	}
}

func TestSingleFile(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "photo.jpg")
	writeImage(t, in, 60, 40, 1)
	for _, tc := range []struct {
		out    string
		format imagefile.Format
		file   string // what is written, relative to dir
		want   imagefile.Format
	}{
		{"thumb.jpg", imagefile.Keep, "thumb.jpg", imagefile.JPEG},
		{"thumb.PNG", imagefile.Keep, "thumb.PNG", imagefile.PNG},
		{"thumb.png", imagefile.PNG, "thumb.png", imagefile.PNG},
		{"thumb.out", imagefile.Keep, "thumb.out", imagefile.JPEG},
		{"thumb.out2", imagefile.PNG, "thumb.out2", imagefile.PNG},
		{"folder", imagefile.Keep, "folder/photo.jpg", imagefile.JPEG},
		{"dir.d" + string(filepath.Separator), imagefile.Keep, "dir.d/photo.jpg", imagefile.JPEG},
	} {
		b, err := Plan([]string{in}, dir+string(filepath.Separator)+tc.out, tc.format)
		if err != nil {
			t.Fatalf("%s: %v", tc.out, err)
		}
		if b.Single() != !strings.Contains(tc.file, "/") {
			t.Errorf("%s: Single() = %v", tc.out, b.Single())
		}
		if s, err := runCPU(context.Background(), t, b, Options{Size: Size{W: 30}}); err != nil || s.Done != 1 {
			t.Fatalf("%s: %v %v", tc.out, err, s.Failures)
		}
		if info := probe(t, filepath.Join(dir, tc.file)); info.Format != tc.want || info.Width != 30 || info.Height != 20 {
			t.Errorf("%s: %s %d×%d, want %s 30×20", tc.out, info.Format, info.Width, info.Height, tc.want)
		}
	}
}

func TestPlanErrors(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.png"), filepath.Join(dir, "b.png")
	writeImage(t, a, 10, 10, 1)
	writeImage(t, b, 10, 10, 2)
	for _, tc := range []struct {
		inputs []string
		out    string
		format imagefile.Format
		want   string
	}{
		{nil, dir, imagefile.Keep, "no inputs"},
		{[]string{a}, "", imagefile.Keep, "no output path"},
		{[]string{filepath.Join(dir, "none.png")}, filepath.Join(dir, "out"), imagefile.Keep, "none.png: stat: no such file"},
		{[]string{a, b}, b, imagefile.Keep, "is a file; several inputs"},
		{[]string{dir}, b, imagefile.Keep, "is a file; several inputs or a folder"},
		{[]string{a}, filepath.Join(dir, "x.png"), imagefile.JPEG, "the name says png but the format asked for is jpeg"},
		{[]string{a}, filepath.Join(dir, "x.gif"), imagefile.Keep, "only JPEG (.jpg, .jpeg) and PNG (.png) files can be written"},
		{[]string{"/dev/null"}, filepath.Join(dir, "out"), imagefile.Keep, "/dev/null: not a file or folder"},
	} {
		_, err := Plan(tc.inputs, tc.out, tc.format)
		var pe *PlanError
		if !errors.As(err, &pe) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Plan(%q, %q): %v; want a PlanError holding %q", tc.inputs, tc.out, err, tc.want)
		}
	}
}

// TestCancel ends the context while files are in flight: the batch stops,
// what was finished is whole, and no temporary file is left.
func TestCancel(t *testing.T) {
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in"), filepath.Join(dir, "out")
	const n = 24
	for i := range n {
		writeImage(t, filepath.Join(in, fmt.Sprintf("%02d.png", i)), 200, 150, i)
	}
	for _, when := range []string{"after a result", "after a decode"} {
		t.Run(when, func(t *testing.T) {
			os.RemoveAll(out)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			b, err := Plan([]string{in}, out, imagefile.Keep)
			if err != nil {
				t.Fatal(err)
			}
			var decoded atomic.Int32
			opt := Options{Size: Size{W: 50}, Workers: 3}
			if when == "after a result" {
				opt.OnResult = func(Result) { cancel() }
			} else {
				// From a worker, between its decode and its write.
				opt.onLive = func(d int) {
					if d > 0 && decoded.Add(1) == 3 {
						cancel()
					}
				}
			}
			s, err := runCPU(ctx, t, b, opt)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("Run returned %v, want context.Canceled", err)
			}
			if s.Done+s.NotDone+s.Failed+s.Skipped != n || s.NotDone == 0 || s.Failed != 0 {
				t.Errorf("done %d, not done %d, failed %d, skipped %d", s.Done, s.NotDone, s.Failed, s.Skipped)
			}
			written := 0
			if _, err := os.Stat(out); err == nil {
				noTemporaries(t, out)
				for _, f := range tree(t, out) {
					if _, err := imagefile.Open(filepath.Join(out, f), imagefile.Limits{}); err != nil {
						t.Errorf("half-written output: %v", err)
					}
					written++
				}
			}
			if written != s.Done {
				t.Errorf("%d outputs for %d done", written, s.Done)
			}
		})
	}
}

// TestBoundedLive counts the decoded images alive at once.
func TestBoundedLive(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	for i := range 30 {
		writeImage(t, filepath.Join(in, fmt.Sprintf("%02d.png", i)), 120, 90, i)
	}
	for _, workers := range []int{1, 3} {
		var live, peak atomic.Int32
		opt := Options{Size: Size{W: 30}, Workers: workers, onLive: func(d int) {
			n := live.Add(int32(d))
			for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
			}
			if d > 0 {
				runtime.Gosched() // give the other goroutines a chance to pile up
			}
		}}
		s := runBatch(t, []string{in}, filepath.Join(dir, fmt.Sprint("out", workers)), imagefile.Keep, opt)
		if s.Done != 30 {
			t.Fatalf("done %d, failures %v", s.Done, s.Failures)
		}
		if p := peak.Load(); p < 1 || p > int32(workers+2) {
			t.Errorf("%d workers: %d decoded images alive at once, want at most %d", workers, p, workers+2)
		}
		if n := live.Load(); n != 0 {
			t.Errorf("%d workers: %d images still counted alive", workers, n)
		}
	}
}

// TestSerialParallelIdentical: the serial path, a batch split across
// images and one image split across rows give the same bytes.
func TestSerialParallelIdentical(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	for i, f := range []string{"a.jpg", "b.png", "c.jpg", "d.png", "e.gif"} {
		writeImage(t, filepath.Join(in, f), 301+i*17, 203+i*5, i)
	}
	for _, fit := range []Fit{Contain, Cover, Fill} {
		opt := Options{Size: Size{97, 61}, Fit: fit}
		var outs []string
		for _, workers := range []int{1, 2, 5} {
			out := filepath.Join(dir, fmt.Sprintf("%s-%d", fit, workers))
			opt.Workers = workers
			if s := runBatch(t, []string{in}, out, imagefile.Keep, opt); s.Done != 5 {
				t.Fatalf("done %d: %v", s.Done, s.Failures)
			}
			outs = append(outs, out)
			// One file on its own gets every worker for its rows.
			single := filepath.Join(dir, fmt.Sprintf("%s-%d-single.png", fit, workers))
			if s := runBatch(t, []string{filepath.Join(in, "b.png")}, single, imagefile.Keep, opt); s.Done != 1 {
				t.Fatalf("single: %v", s.Failures)
			}
		}
		for _, f := range tree(t, outs[0]) {
			want := readFile(t, filepath.Join(outs[0], f))
			if info := probe(t, filepath.Join(outs[0], f)); fit != Contain && (info.Width != 97 || info.Height != 61) {
				t.Errorf("%s %s: %d×%d", fit, f, info.Width, info.Height)
			}
			for _, o := range outs[1:] {
				if !bytes.Equal(readFile(t, filepath.Join(o, f)), want) {
					t.Errorf("%s differs from %s", filepath.Join(o, f), filepath.Join(outs[0], f))
				}
			}
		}
		for _, workers := range []int{2, 5} {
			single := readFile(t, filepath.Join(dir, fmt.Sprintf("%s-%d-single.png", fit, workers)))
			if !bytes.Equal(single, readFile(t, filepath.Join(outs[0], "b.png"))) {
				t.Errorf("%s: one file on %d workers differs from the serial output", fit, workers)
			}
		}
	}
}

func TestOptionErrors(t *testing.T) {
	dir := t.TempDir()
	writeImage(t, filepath.Join(dir, "a.png"), 10, 10, 1)
	b, err := Plan([]string{filepath.Join(dir, "a.png")}, filepath.Join(dir, "out"), imagefile.Keep)
	if err != nil {
		t.Fatal(err)
	}
	for _, opt := range []Options{
		{},
		{Size: Size{W: -1}},
		{Size: Size{W: 10}, Quality: 101},
	} {
		if _, err := runCPU(context.Background(), t, b, opt); err == nil {
			t.Errorf("%+v: no error", opt)
		}
	}
}

// TestCoverCropsTheCentre crops a red|green|blue image to its green middle,
// at an odd offset, from RGB (PNG) and from JPEG's subsampled YCbCr.
func TestCoverCropsTheCentre(t *testing.T) {
	dir := t.TempDir()
	m := image.NewRGBA(image.Rect(0, 0, 303, 100))
	for y := range 100 {
		for x := range 303 {
			c := color.RGBA{0, 255, 0, 255}
			switch {
			case x < 101:
				c = color.RGBA{255, 0, 0, 255}
			case x >= 201:
				c = color.RGBA{0, 0, 255, 255}
			}
			m.SetRGBA(x, y, c)
		}
	}
	var pngData, jpegData bytes.Buffer
	if err := png.Encode(&pngData, m); err != nil {
		t.Fatal(err)
	}
	if err := jpeg.Encode(&jpegData, m, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "in", "rgb.png"), pngData.Bytes())
	writeFile(t, filepath.Join(dir, "in", "ycc.jpg"), jpegData.Bytes())
	out := filepath.Join(dir, "out")
	if s := runBatch(t, []string{filepath.Join(dir, "in")}, out, imagefile.PNG, Options{Size: Size{50, 50}, Fit: Cover}); s.Done != 2 {
		t.Fatalf("failures %v", s.Failures)
	}
	for _, f := range []string{"rgb.png", "ycc.png"} {
		d, err := imagefile.Open(filepath.Join(out, f), imagefile.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		if b := d.Image.Bounds(); b.Dx() != 50 || b.Dy() != 50 {
			t.Fatalf("%s: %v", f, b)
		}
		// Lanczos rings a little at the cut edges; inside, pure green.
		for y := 0; y < 50; y += 7 {
			for x := 3; x < 47; x += 5 {
				r, g, b, _ := d.Image.At(x, y).RGBA()
				if r>>8 > 40 || g>>8 < 215 || b>>8 > 40 {
					t.Fatalf("%s: pixel %d,%d is %d,%d,%d, want green", f, x, y, r>>8, g>>8, b>>8)
				}
			}
		}
	}
}
