package thumbnail

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/corescale/corescale"
	"github.com/corescale/corescale/cpu/resize"
)

// Options are the per-file settings of a batch.
type Options struct {
	Size      Size
	Fit       Fit // Contain when empty
	NoEnlarge bool

	Filter corescale.Filter // lanczos3 when empty
	Fast   bool
	Gap    float64 // 3 when zero
	Linear bool    // resize in linear light

	Quality   int   // JPEG, 1–100; 0 is imagefile.DefaultQuality
	MaxPixels int64 // per input and per output; 0 is imagefile.DefaultMaxPixels
	Overwrite bool

	// Workers is the number of cores to use; 0 means all of them. Files
	// are spread over up to Workers goroutines, each resizing its image
	// with Workers divided by the goroutines: a batch is split across
	// images, a single file across rows. 1 is the serial path.
	Workers int

	// Resizer, when set (the GPU engines), resizes every image as an 8-bit
	// raster, one image at a time, in place of the CPU engine; decoding
	// and encoding still spread over Workers goroutines. Fast and Linear
	// are CPU features and must be off.
	Resizer corescale.Resizer

	// OnResult, if set, is called once per result as it comes, from one
	// goroutine at a time (the one calling Run).
	OnResult func(Result)

	// onLive, set by tests, sees each decoded image come (+1) and go (-1).
	onLive func(delta int)
}

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
	// Goroutines is the number of files worked on at once, and
	// ImageWorkers the goroutines each image's resize is split over.
	Goroutines, ImageWorkers int
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
	if opt.Resizer != nil && (opt.Fast || opt.Linear) {
		return nil, fmt.Errorf("the fast mode and linear light run on the CPU engine only")
	}
	cores := opt.Workers
	if cores <= 0 {
		cores = runtime.GOMAXPROCS(0)
	}
	g := max(min(cores, len(b.jobs)), 1)
	eng, err := resize.New(resize.Options{Filter: opt.Filter, Fast: opt.Fast, Gap: opt.Gap, Linear: opt.Linear, Workers: cores / g})
	if err != nil {
		return nil, err
	}
	s := &Summary{Goroutines: g, ImageWorkers: cores / g}
	w := &worker{batch: b, opt: opt, eng: eng, claims: map[string]string{}}

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
	for _, e := range b.errs {
		record(Result{Input: e.Path, Status: Failed, Err: e})
	}

	// One goroutine feeds the jobs in order; g take them one file at a
	// time, so at most g decoded images are alive at once.
	jobs := make(chan *job)
	results := make(chan Result, g)
	go func() {
		defer close(jobs)
		for i := range b.jobs {
			if ctx.Err() != nil {
				return
			}
			select {
			case jobs <- &b.jobs[i]:
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
	if err := ctx.Err(); err != nil {
		s.NotDone += len(b.jobs) - seen
		s.Elapsed = time.Since(start)
		return s, err
	}
	s.Elapsed = time.Since(start)
	return s, nil
}
