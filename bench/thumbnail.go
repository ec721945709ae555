package bench

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/corescale/corescale"
	"github.com/corescale/corescale/cpu/resize"
	"github.com/corescale/corescale/internal/imagefile"
	"github.com/corescale/corescale/internal/testchart"
	"github.com/corescale/corescale/internal/thumbnail"
)

// thumbnailWork is a batch of JPEG files made into thumbnails end to end:
// read, decode, resize, encode, write.
type thumbnailWork struct {
	in       string // folder of JPEGs
	tmp      string // scratch folder for outputs
	size     thumbnail.Size
	refFiles map[string][]byte
}

func (w *thumbnailWork) name() string { return Thumbnail }
func (w *thumbnailWork) kind() string { return "thumbnail" }

// engine is the resize the batch asks of every backend.
func (w *thumbnailWork) engine() resize.Options { return resize.Options{Filter: corescale.Lanczos3} }

// options are the batch's settings as corescale resize makes them in its
// exact mode: JPEGs decoded reduced, their planes resized as planes for the
// JPEG outputs.
func (w *thumbnailWork) options(r thumbnail.Resizer, workers int) thumbnail.Options {
	return thumbnail.Options{Size: w.size, Resizer: r, Workers: workers, ShrinkGap: thumbnail.ExactShrinkGap, Planes: true}
}

func (w *thumbnailWork) prepare(sz Sizes, seed uint64, tmp string) (string, float64, error) {
	w.tmp, w.in = tmp, filepath.Join(tmp, "thumbnail-in")
	w.size = thumbnail.Size{W: sz.ThumbOut, H: sz.ThumbOut}
	if err := os.MkdirAll(w.in, 0o755); err != nil {
		return "", 0, fmt.Errorf("inputs: %w", err)
	}
	for i := range sz.ThumbFiles {
		img := testchart.Photo(sz.ThumbSrc.X, sz.ThumbSrc.Y, seed+uint64(i))
		var buf bytes.Buffer
		if err := imagefile.Encode(&buf, img, imagefile.JPEG, 90); err != nil {
			return "", 0, fmt.Errorf("inputs: %w", err)
		}
		if err := os.WriteFile(filepath.Join(w.in, fmt.Sprintf("photo-%03d.jpg", i)), buf.Bytes(), 0o644); err != nil {
			return "", 0, fmt.Errorf("inputs: %w", err)
		}
	}
	opt := w.engine()
	opt.Workers = 1
	e, err := resize.New(opt)
	if err != nil {
		return "", 0, fmt.Errorf("serial reference: %w", err)
	}
	files, sum, err := w.runInto(w.options(e, 1), "reference")
	if err != nil {
		return "", 0, fmt.Errorf("serial reference: %w", err)
	}
	w.refFiles = files
	return "megapixels", float64(sum.Pixels) / 1e6, nil
}

func (w *thumbnailWork) task(b Backend) (*task, error) {
	if b.NewThumbnails == nil {
		return nil, ErrUnsupported
	}
	// The split between files and rows depends on the number of files
	// alone, the same for every run's output folder.
	planned, err := thumbnail.Plan([]string{w.in}, filepath.Join(w.tmp, "plan"), imagefile.JPEG)
	if err != nil {
		return nil, fmt.Errorf("plan: %w", err)
	}
	r, files, err := b.NewThumbnails(w.engine(), planned)
	if err != nil {
		return nil, err
	}
	opt := w.options(r, files)
	t := newTask()
	var total thumbnail.Phases
	n := 0
	dir := func() string { return filepath.Join(w.tmp, fmt.Sprintf("out-%s-%d-%d", b.Name, b.Workers, n)) }
	t.before = func() error {
		os.RemoveAll(dir())
		n++
		return nil
	}
	t.run = func() error {
		sum, err := w.batch(opt, dir())
		if sum != nil {
			total.Decode += sum.Decode
			total.Resize += sum.Resize
			total.Encode += sum.Encode
			total.Write += sum.Write
		}
		return err
	}
	t.check = func() error {
		files, _, err := w.runInto(opt, fmt.Sprintf("check-%s-%d", b.Name, b.Workers))
		if err != nil {
			return err
		}
		return compareFiles(files, w.refFiles)
	}
	engineTimings(t, r)
	device, deviceReset := t.phases, t.reset
	t.reset = func() { total = thumbnail.Phases{}; deviceReset() }
	t.phases = func(runs int) map[string]float64 {
		ph := device(runs)
		if ph == nil {
			ph = map[string]float64{}
		}
		r := float64(runs)
		ph["decode"] = total.Decode.Seconds() / r
		ph["resize"] = total.Resize.Seconds() / r
		ph["encode"] = total.Encode.Seconds() / r
		ph["write"] = total.Write.Seconds() / r
		return ph
	}
	engineClose := t.close
	t.close = func() {
		engineClose()
		os.RemoveAll(dir())
	}
	return t, nil
}

// runInto runs the batch into a fresh folder named out and returns what it
// wrote.
func (w *thumbnailWork) runInto(opt thumbnail.Options, out string) (map[string][]byte, *thumbnail.Summary, error) {
	dir := filepath.Join(w.tmp, out)
	os.RemoveAll(dir)
	defer os.RemoveAll(dir)
	sum, err := w.batch(opt, dir)
	if err != nil {
		return nil, nil, err
	}
	files := map[string][]byte{}
	err = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files[rel] = b
		return err
	})
	return files, sum, err
}

// batch makes the thumbnails of every input in dir.
func (w *thumbnailWork) batch(opt thumbnail.Options, dir string) (*thumbnail.Summary, error) {
	b, err := thumbnail.Plan([]string{w.in}, dir, imagefile.JPEG)
	if err != nil {
		return nil, fmt.Errorf("plan: %w", err)
	}
	sum, err := thumbnail.Run(context.Background(), b, opt)
	if err != nil {
		return nil, fmt.Errorf("run: %w", err)
	}
	if sum.Failed > 0 {
		return sum, fmt.Errorf("%d of %d files failed, first: %v", sum.Failed, sum.Failed+sum.Done, sum.Failures[0])
	}
	return sum, nil
}

func compareFiles(got, want map[string][]byte) error {
	names := make([]string, 0, len(want))
	for n := range want {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		g, ok := got[n]
		if !ok {
			return fmt.Errorf("%s: missing", n)
		}
		if !bytes.Equal(g, want[n]) {
			return fmt.Errorf("%s differs from the serial batch's output", n)
		}
	}
	if len(got) != len(want) {
		return fmt.Errorf("%d files, the serial batch wrote %d", len(got), len(want))
	}
	return nil
}
