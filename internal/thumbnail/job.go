package thumbnail

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"image"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/corescale/corescale/internal/atomicfile"
	"github.com/corescale/corescale/internal/icc"
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
	need, crop, ow, oh := w.need(info, format)
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
	d, err := imagefile.DecodeWith(f, j.in, w.decodeOptions(info, format, crop, ow, oh))
	f.Close()
	if err != nil {
		return fail(err)
	}
	r.Decoder, r.Shrink, r.Warning = d.Decoder, d.Shrink, d.Warning
	var span *[4]float64
	if d.Shrink > 1 {
		sp := shrinkSpan(crop, d)
		if _, ok := w.opt.Resizer.(SpanResizer); ok {
			span = &sp
		} else {
			crop = spanRect(sp, d.Image.Bounds())
		}
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
	out, err := w.resize(d, crop, span, ow, oh, format)
	profile := d.ICC
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

	out, profile, err = w.colour(out, profile, &r)
	if err != nil {
		return fail(err)
	}
	enc := imagefile.EncodeOptions{Quality: w.opt.Quality, ICC: profile, Subsampling: imagefile.SubsampleAuto}
	encode, write, err := w.write(ctx, r.Output, out, format, enc)
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

// resize returns the part crop of the decoded image at ow×oh, or, when
// span is not nil, the span of it (for a SpanResizer). A JPEG's planes stay
// planes: at the chroma resolution the output file keeps when that is a
// subsampled JPEG, at full resolution otherwise.
func (w *worker) resize(d *imagefile.Decoded, crop image.Rectangle, span *[4]float64, ow, oh int, format imagefile.Format) (image.Image, error) {
	img := d.Image
	if span != nil {
		// The whole image, not a sub-image around the span: the taps
		// just outside the span are weighed, as in a full decode.
		var out image.Image
		var err error
		sr := w.opt.Resizer.(SpanResizer)
		ycc, isYCbCr := img.(*image.YCbCr)
		if ratio, ok := w.planes(format); ok && isYCbCr && !w.convertsColour(d) {
			out, err = sr.ResizeYCbCrSpan(ycc, *span, ow, oh, ratio)
		} else {
			out, err = sr.ResizeImageSpan(img, *span, ow, oh)
		}
		if err != nil {
			return nil, fmt.Errorf("resizing: %w", err)
		}
		return out, nil
	}
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
	var out image.Image
	var err error
	ycc, isYCbCr := img.(*image.YCbCr)
	if ratio, ok := w.planes(format); ok && isYCbCr && !w.convertsColour(d) {
		out, err = w.opt.Resizer.(PlaneResizer).ResizeYCbCr(ycc, ow, oh, ratio)
	} else {
		out, err = w.opt.Resizer.ResizeImage(img, ow, oh)
	}
	if err != nil {
		return nil, fmt.Errorf("resizing: %w", err)
	}
	return out, nil
}

// PlaneResizer is a Resizer that can also give a YCbCr image's planes at a
// subsampled chroma resolution, for a JPEG output that keeps it: the
// encoder then takes the planes as they are.
type PlaneResizer interface {
	ResizeYCbCr(m *image.YCbCr, w, h int, ratio image.YCbCrSubsampleRatio) (*image.YCbCr, error)
}

// planes says whether a YCbCr image written as format is resized as
// planes, and at which chroma resolution: when the output is a JPEG with
// subsampled chroma, Options.Planes allows it and the Resizer can.
func (w *worker) planes(format imagefile.Format) (image.YCbCrSubsampleRatio, bool) {
	if _, ok := w.opt.Resizer.(PlaneResizer); !ok || !w.opt.Planes || format != imagefile.JPEG {
		return 0, false
	}
	switch imagefile.ResolveSubsampling(imagefile.SubsampleAuto, w.opt.Quality) {
	case imagefile.Subsample420:
		return image.YCbCrSubsampleRatio420, true
	case imagefile.Subsample422:
		return image.YCbCrSubsampleRatio422, true
	}
	return 0, false
}

// convertsColour says whether the decoded image's colours will be
// converted to sRGB after the resize, which takes RGB.
func (w *worker) convertsColour(d *imagefile.Decoded) bool {
	return w.opt.SRGB && d.ICC != nil
}

// colour settles the output's colours: with SRGB, an image with an
// embedded profile is converted to sRGB through Little CMS and written
// with none; otherwise the profile goes to the output byte for byte. A
// profile that cannot be read or applied is carried as it is, with a
// warning saying why.
func (w *worker) colour(img image.Image, profile []byte, r *Result) (image.Image, []byte, error) {
	if profile == nil || !w.opt.SRGB {
		return img, profile, nil
	}
	p, err := icc.Parse(profile)
	if err == nil {
		var conv image.Image
		if conv, err = icc.ToSRGB(img, p, w.imageWorkers()); err == nil {
			return conv, nil, nil
		}
	}
	if errors.Is(err, icc.ErrUnavailable) {
		return nil, nil, fmt.Errorf("--srgb: %w", err)
	}
	warn := fmt.Errorf("colour profile kept, not converted to sRGB: %w", err)
	if r.Warning != nil {
		warn = fmt.Errorf("%w; %w", r.Warning, warn)
	}
	r.Warning = warn
	return img, profile, nil
}

// shrinkSpan is crop, a rectangle of the full upright image, in d.Image,
// which the decoder reduced by d.Shrink in the DCT domain: as a span
// (x0, y0, x1, y1) that need not fall on whole pixels. Reduced pixel k
// covers full pixels k·s … k·s+s−1 of the stored image, the last one
// fewer when a side is not a multiple of s: the image ends at W/s, not at
// its ceiling. Where the orientation turns an axis around, that partial
// pixel is the upright image's first, and full position x is reduced
// position (x + pad − W)/s, pad = ⌈W/s⌉·s.
func shrinkSpan(crop image.Rectangle, d *imagefile.Decoded) [4]float64 {
	s := d.Shrink
	off := func(full int, flips bool) int {
		if !flips {
			return 0
		}
		return (full+s-1)/s*s - full
	}
	ox, oy := float64(off(d.Width, d.Orientation.FlipsX())), float64(off(d.Height, d.Orientation.FlipsY()))
	fs := float64(s)
	// Kept inside the image, should a decoder round its size otherwise.
	b := d.Image.Bounds()
	return [4]float64{
		(float64(crop.Min.X) + ox) / fs, (float64(crop.Min.Y) + oy) / fs,
		min((float64(crop.Max.X)+ox)/fs, float64(b.Dx())), min((float64(crop.Max.Y)+oy)/fs, float64(b.Dy())),
	}
}

// spanRect is span rounded outwards to whole pixels, so that no part of
// it is lost, and kept inside b: the crop for a Resizer that takes no
// spans.
func spanRect(span [4]float64, b image.Rectangle) image.Rectangle {
	return image.Rect(int(math.Floor(span[0])), int(math.Floor(span[1])), int(math.Ceil(span[2])), int(math.Ceil(span[3]))).Intersect(b)
}

// imageWorkers is the share of the cores one file's colour conversion
// takes: the files in flight share them.
func (w *worker) imageWorkers() int {
	return max(1, runtime.GOMAXPROCS(0)/max(1, w.opt.Workers))
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
func (w *worker) write(ctx context.Context, out string, img image.Image, format imagefile.Format, opt imagefile.EncodeOptions) (encode, write time.Duration, err error) {
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
	if err := imagefile.EncodeWith(bw, img, format, opt); err != nil {
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
