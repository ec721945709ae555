package thumbnail

import (
	"context"
	"fmt"
	"image"
	"runtime"
	"sync"
	"time"
)

// Resizer resizes decoded images for a batch: the CPU engine
// (cpu/resize.Engine) or an adapter of a GPU engine. Run calls it from
// several goroutines at once.
type Resizer interface {
	// ResizeImage returns img resized to w×h.
	ResizeImage(img image.Image, w, h int) (image.Image, error)
}

// SpanResizer is a Resizer that can resize a span (x0, y0, x1, y1) of an
// image, in pixels from its top-left corner, that need not fall on whole
// pixels: the crop of a JPEG decoded reduced in the DCT domain, whose
// last pixel on an axis covers less than the others, maps to one. A
// Resizer without it gets the span rounded outwards to whole pixels.
type SpanResizer interface {
	ResizeImageSpan(img image.Image, span [4]float64, w, h int) (image.Image, error)
	// ResizeYCbCrSpan is PlaneResizer's ResizeYCbCr of a span.
	ResizeYCbCrSpan(m *image.YCbCr, span [4]float64, w, h int, ratio image.YCbCrSubsampleRatio) (*image.YCbCr, error)
}

// Options are the per-file settings of a batch.
type Options struct {
	Size      Size
	Fit       Fit // Contain when empty
	NoEnlarge bool

	// SRGB converts images with an embedded ICC profile to sRGB through
	// Little CMS, and writes no profile; without it the profile is
	// carried to the output as it is, which keeps the colours only for
	// viewers that read it.
	SRGB bool

	// ShrinkGap lets a decoder that can reduce an image cheaply while
	// decoding (JPEG, in the DCT domain) do so while the image stays at
	// least ShrinkGap times the output on both sides; 0 decodes in full.
	// See ExactShrinkGap and FastShrinkGap.
	ShrinkGap float64

	// Planes lets a YCbCr image (JPEG) written as a JPEG with subsampled
	// chroma be resized as planes at that chroma resolution, when the
	// Resizer is a PlaneResizer: the encoder then takes them as they are,
	// with no conversion to RGB and back. Linear light resizes RGB, so
	// it leaves this off.
	Planes bool

	Quality   int   // JPEG, 1–100; 0 is imagefile.DefaultQuality
	MaxPixels int64 // per input and per output; 0 is imagefile.DefaultMaxPixels
	Overwrite bool

	// Resizer resizes every image; it is required.
	Resizer Resizer

	// Workers is how many files are worked on at once (0: one per
	// core); Batch.Split says how to share the cores between files and
	// the rows of each image.
	Workers int

	// MaxMemory is the memory budget of the batch in bytes (0:
	// DefaultMaxMemory). Each file, once its header is read, waits until
	// what it needs (decoding, resizing and encoding it, estimated from
	// the header) fits in the budget beside the files in flight; a file
	// that needs more than all of it fails alone, before it is decoded.
	// Run also gives the Go collector a soft memory limit from it (see
	// gcLimit), unless GOMEMLIMIT sets one.
	MaxMemory int64

	// OnResult, if set, is called once per result as it comes, from one
	// goroutine at a time (the one calling Run).
	OnResult func(Result)

	// onLive, set by tests, sees each decoded image come (+1) and go (-1).
	onLive func(delta int)
	// onWait, set by tests, is called when a file starts to wait for
	// memory.
	onWait func()
}

// The ShrinkGap of the command's two modes. The DCT's reduction is a
// coarse filter, which the resize must have room to smooth: at twice the
// output, as libvips' thumbnail leaves it, photo-like 2400×1600 JPEGs made
// into 300 px thumbnails fall to 46 dB on luma against Pillow's full decode
// + LANCZOS; at three times every input of the anchors stays above 49 dB.
// The fast mode reduces as far as Pillow's draft does at its default
// reducing_gap.
const (
	ExactShrinkGap = 3
	FastShrinkGap  = 2
)

// Status is what became of one input.
type Status int

const (
	Done      Status = iota
	Skipped          // the output exists and Overwrite is off
	Failed           // see Result.Err
	Cancelled        // the context ended before the file was finished
)

func (s Status) String() string {
	return [...]string{"done", "skipped", "failed", "cancelled"}[s]
}

// Phases are time spent per phase: reading and decoding, resizing (with
// the engine's conversions), encoding into the temporary file, and making
// it durable (sync and rename).
type Phases struct {
	Decode, Resize, Encode, Write time.Duration
}

func (p *Phases) add(q Phases) {
	p.Decode += q.Decode
	p.Resize += q.Resize
	p.Encode += q.Encode
	p.Write += q.Write
}

// Result is the outcome of one input.
type Result struct {
	Input  string
	Output string // "" when it failed before the output was known
	Status Status
	Err    *FileError // Failed only
	// Source is the decoded, upright input size; W and H the output's.
	SrcW, SrcH, W, H int
	// Memory is what the file was estimated to need, in bytes, and held
	// of the memory budget while it was worked on.
	Memory int64
	// Decoder names what decoded the input (imagefile.Decoded.Decoder),
	// and Shrink the reduction it decoded at (1, 2, 4 or 8: JPEG's DCT
	// scaling); for --verbose. "" and 0 when nothing was decoded.
	Decoder string
	Shrink  int
	// Warning is a decode problem that still gave an image, such as a
	// truncated JPEG whose missing rows are grey: the file is Done, and
	// the warning is for the user to see. Its message does not repeat
	// the input's path.
	Warning error
	Phases
}

// Summary is the outcome of a batch.
type Summary struct {
	Done, Skipped, Failed int
	// NotDone counts the files a cancelled batch did not finish,
	// started or not.
	NotDone  int
	Failures []*FileError
	// Pixels is the input pixels of the files done.
	Pixels  int64
	Elapsed time.Duration
	// Phases are summed over the goroutines, so they can exceed Elapsed.
	Phases
	// Goroutines is the number of files worked on at once.
	Goroutines int
	// MaxMemory is the memory budget the batch kept to, and PeakMemory
	// the most of it held at once, in bytes (see Options.MaxMemory).
	MaxMemory, PeakMemory int64
}

// MegapixelsPerSecond is the input megapixels done per second of wall
// time.
func (s *Summary) MegapixelsPerSecond() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.Pixels) / 1e6 / s.Elapsed.Seconds()
}

// Run resizes the batch. It returns an error only for options that cannot
// work or when ctx ends (then ctx's error, with the summary of what was
// finished); the failures of single files are in the summary.
func Run(ctx context.Context, b *Batch, opt Options) (*Summary, error) {
	start := time.Now()
	if opt.Fit == "" {
		opt.Fit = Contain
	}
	if opt.Quality < 0 || opt.Quality > 100 {
		return nil, fmt.Errorf("JPEG quality %d: want 1 to 100", opt.Quality)
	}
	if opt.Size.W < 0 || opt.Size.H < 0 || opt.Size.W > MaxSide || opt.Size.H > MaxSide ||
		opt.Size.W == 0 && opt.Size.H == 0 {
		return nil, fmt.Errorf("size %dx%d: want one or both sides from 1 to %d", opt.Size.W, opt.Size.H, MaxSide)
	}
	if opt.Resizer == nil {
		return nil, fmt.Errorf("no resizer")
	}
	g := opt.Workers
	if g <= 0 {
		g = runtime.GOMAXPROCS(0)
	}
	run := b.run()
	g = max(min(g, len(run)), 1)
	s := &Summary{Goroutines: g}
	ctx, stop := context.WithCancelCause(ctx) // an output that cannot take files stops the batch (outputs.writeFailed)
	defer stop(nil)
	w := &worker{opt: opt, out: newOutputs(b, opt.Overwrite, stop)}
	s.MaxMemory = opt.MaxMemory
	if s.MaxMemory <= 0 {
		s.MaxMemory, _ = DefaultMaxMemory()
	}
	w.mem = newBudget(s.MaxMemory)
	defer setGCLimit(s.MaxMemory)()

	record := func(r Result) {
		switch r.Status {
		case Done:
			s.Done++
			s.Pixels += int64(r.SrcW) * int64(r.SrcH)
		case Skipped:
			s.Skipped++
		case Failed:
			s.Failed++
			s.Failures = append(s.Failures, r.Err)
		case Cancelled:
			s.NotDone++
		}
		s.Phases.add(r.Phases)
		if opt.OnResult != nil {
			opt.OnResult(r)
		}
	}
	for _, e := range b.runErrs() {
		record(Result{Input: e.Path, Status: Failed, Err: e})
	}

	// One goroutine feeds the jobs in order; g take them one file at a
	// time, so at most g decoded images are alive at once, and fewer when
	// they would not fit in the memory budget together.
	jobs := make(chan *job)
	results := make(chan Result, g)
	go func() {
		defer close(jobs)
		for i := range run {
			if ctx.Err() != nil {
				return
			}
			select {
			case jobs <- &run[i]:
			case <-ctx.Done():
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for range g {
		wg.Go(func() {
			for j := range jobs {
				results <- w.do(ctx, j)
			}
		})
	}
	go func() {
		wg.Wait()
		close(results)
	}()
	seen := 0
	for r := range results {
		seen++
		record(r)
	}
	s.PeakMemory = w.mem.peak // every worker is done
	if err := ctx.Err(); err != nil {
		s.NotDone += len(run) - seen
		s.Elapsed = time.Since(start)
		return s, context.Cause(ctx) // the *OutputError that stopped it, or err
	}
	s.Elapsed = time.Since(start)
	return s, nil
}
