package thumbnail

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"image"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/corescale/corescale/internal/atomicfile"
	"github.com/corescale/corescale/internal/imagefile"
)

// worker holds what the goroutines of one Run share.
type worker struct {
	opt Options
	out *outputs
	mem *budget // the memory budget the files share
}

// do turns one input into its output.
func (w *worker) do(ctx context.Context, j *job) (r Result) {
	r = Result{Input: j.in}
	if ctx.Err() != nil {
		r.Status = Cancelled
		return r
	}
	fail := func(err error) Result {
		r.Status, r.Err = Failed, fileError(j.in, err)
		return r
	}
	limits := imagefile.Limits{MaxPixels: w.opt.MaxPixels}

	t := time.Now()
	f, err := os.Open(j.in)
	if err != nil {
		return fail(err)
	}
	defer f.Close()
	// The header alone tells the size (refused here when over the limit)
	// and, for most inputs, the output format, so that an output already
	// there is skipped without decoding anything.
	info, err := imagefile.ProbeReader(f, j.in, limits)
	if err != nil {
		return fail(err)
	}
	// claim fixes the output path; stop says the file is done with,
	// skipped or failed.
	claim := func(format imagefile.Format) (stop bool) {
		out, skip, err := w.out.claim(j, format)
		r.Output = out
		switch {
		case err != nil:
			r = fail(err)
		case skip:
			r.Status = Skipped
		}
		return err != nil || skip
	}
	format := w.out.predict(j, info)
	if claim(format) {
		r.Phases.Decode = time.Since(t)
		return r
	}
	// The output's size and what the file needs in memory are known
	// from the header too: a file that cannot fit fails here, before
	// anything is decoded or allocated, and one that cannot fit yet
	// waits for files in flight to finish.
	need, crop, ow, oh := w.need(info)
	if px := int64(ow) * int64(oh); px > w.maxPixels() {
		return fail(fmt.Errorf("the output, %d×%d, would be over the limit of %g megapixels", ow, oh, float64(w.maxPixels())/1e6))
	}
	if need > w.mem.total {
		return fail(&overBudgetError{need: need, budget: w.mem.total, srcW: crop.Dx(), srcH: crop.Dy(), outW: ow, outH: oh})
	}
	waited := time.Now()
	if err := w.mem.acquire(ctx, need, w.opt.onWait); err != nil {
		r.Status = Cancelled
		return r
	}
	defer w.mem.release(need)
	t = t.Add(time.Since(waited)) // waiting is not decoding
	r.Memory = need
	d, err := imagefile.Decode(f, j.in, limits)
	f.Close()
	if err != nil {
		return fail(err)
	}
	w.live(+1)
	defer func() {
		if d != nil {
			w.live(-1)
		}
	}()
	r.Phases.Decode = time.Since(t)
	if ctx.Err() != nil {
		r.Status = Cancelled
		return r
	}

	t = time.Now()
	r.SrcW, r.SrcH = info.Width, info.Height
	out, err := w.resize(d, crop, ow, oh)
	d = nil
	w.live(-1)
	r.Phases.Resize = time.Since(t)
	if err != nil {
		return fail(err)
	}
	b := out.Bounds()
	r.W, r.H = b.Dx(), b.Dy()
	if ctx.Err() != nil {
		r.Status = Cancelled
		return r
	}

	encode, write, err := w.write(ctx, r.Output, out, format)
	r.Phases.Encode, r.Phases.Write = encode, write
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		r.Status = Cancelled
		return r
	}
	if status, settled := w.out.writeFailed(err); settled { // written meanwhile by another run, or the output is full: not this file's failure
		r.Status = status
		return r
	}
	if err != nil {
		return fail(err)
	}
	r.Status = Done
	return r
}

// resize returns the part crop of the decoded image at ow×oh.
func (w *worker) resize(d *imagefile.Decoded, crop image.Rectangle, ow, oh int) (image.Image, error) {
	img := d.Image
	if crop != img.Bounds() {
		// Every type imagefile returns has SubImage, a view that shares
		// the pixels (the same stride, an offset start): nothing is
		// copied, and the engine reads sub-images, JPEG's YCbCr included.
		sub, ok := img.(interface {
			SubImage(image.Rectangle) image.Image
		})
		if !ok {
			return nil, fmt.Errorf("cannot crop a %T", img)
		}
		img = sub.SubImage(crop)
	}
	out, err := w.opt.Resizer.ResizeImage(img, ow, oh)
	if err != nil {
		return nil, fmt.Errorf("resizing: %w", err)
	}
	return out, nil
}

func (w *worker) maxPixels() int64 {
	if w.opt.MaxPixels > 0 {
		return w.opt.MaxPixels
	}
	return imagefile.DefaultMaxPixels
}

// write encodes img into a temporary file next to out and renames it into
// place, unless ctx ends first. It returns the time spent encoding and the
// time spent making the file durable.
func (w *worker) write(ctx context.Context, out string, img image.Image, format imagefile.Format) (encode, write time.Duration, err error) {
	t := time.Now()
	if err := os.MkdirAll(filepath.Dir(out), 0o777); err != nil {
		return 0, 0, err
	}
	f, err := atomicfile.Create(out)
	if err != nil {
		return 0, 0, err
	}
	defer f.Abort()
	bw := bufio.NewWriterSize(f, 64<<10)
	if err := imagefile.Encode(bw, img, format, w.opt.Quality); err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) && pe.Path == out {
			return 0, 0, err // the file's own write error names it already
		}
		return 0, 0, fmt.Errorf("encoding %s: %w", out, err)
	}
	if err := bw.Flush(); err != nil {
		return 0, 0, err // atomicfile's write error names the file
	}
	encode = time.Since(t)
	if err := ctx.Err(); err != nil {
		return encode, 0, err
	}
	t = time.Now()
	err = w.out.commit(f, out) // never replaces an output that appeared meanwhile, unless Overwrite
	return encode, time.Since(t), err
}

func (w *worker) live(delta int) {
	if w.opt.onLive != nil {
		w.opt.onLive(delta)
	}
}
