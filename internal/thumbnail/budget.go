package thumbnail

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/corescale/corescale/internal/imagefile"
)

// The memory budget. Workers bound how many files are in flight, but not
// what they cost: a 196-megapixel 16-bit PNG takes 1.6 GB decoded, a JPEG
// of the same size 300 MB, a thumbnail's output a few hundred kilobytes and
// an enlargement to 100000×100000 30 GB. So each file, once its header is
// read, asks the budget for what it will need at most (decoding it,
// resizing it, its result: see need) and waits until that much is free; a
// file that needs more than the whole budget fails alone, before anything
// is decoded or allocated.

// MemoryEstimator is implemented by a Resizer that can say how much memory
// ResizeImage needs beyond the image it is given, to resize a srcW×srcH
// image of colour model m to w×h (cpu/resize.Engine does). Without it the
// batch assumes a converted copy of the whole image at 4 bytes a pixel.
type MemoryEstimator interface {
	ResizeBytes(m color.Model, srcW, srcH, w, h int) int64
}

// ErrOverBudget is matched (errors.Is) by the failure of a file that needs
// more memory than the whole budget.
var ErrOverBudget = errors.New("over the memory budget")

// overBudgetError is a file that needs more than the whole budget.
type overBudgetError struct {
	need, budget           int64
	srcW, srcH, outW, outH int
}

func (e *overBudgetError) Error() string {
	return fmt.Sprintf("%d×%d to %d×%d needs about %s of memory, over the memory budget of %s (see --max-memory)",
		e.srcW, e.srcH, e.outW, e.outH, formatBytes(e.need), formatBytes(e.budget))
}

func (e *overBudgetError) Is(target error) bool { return target == ErrOverBudget }

// encodeBytes is what encoding the result takes besides it: the PNG
// encoder's deflate state, the write buffer.
const encodeBytes = 2 << 20

// need returns the memory the file with header info needs at most, and
// the part of it to resize and the output size: the more of decoding it
// (which Decode's estimate covers, garbage included) and holding the
// decoded image while it is resized, plus encoding the result.
func (w *worker) need(info imagefile.Info, format imagefile.Format) (n int64, crop image.Rectangle, ow, oh int) {
	crop, ow, oh = Geometry(info.Width, info.Height, w.opt.Size, w.opt.Fit, w.opt.NoEnlarge)
	opt := w.decodeOptions(info, format, crop, ow, oh)
	// A reduced decode gives the resize a smaller source.
	s := info.ShrinkAt(opt.AtLeast)
	cw, ch := (crop.Dx()+s-1)/s, (crop.Dy()+s-1)/s
	var resize int64
	if est, ok := w.opt.Resizer.(MemoryEstimator); ok {
		resize = est.ResizeBytes(info.ModelWith(opt), cw, ch, ow, oh)
	} else {
		// A converted copy of the source and the result, twice over.
		resize = 4*int64(cw)*int64(ch) + 16*int64(ow)*int64(oh)
	}
	decode, image := info.DecodeBytesWith(opt), info.ImageBytesWith(opt)
	return max(decode, image+resize) + encodeBytes, crop, ow, oh
}

// decodeOptions are how a file is decoded: reduced as far as ShrinkGap
// allows, to RGB when the output keeps full-resolution chroma.
func (w *worker) decodeOptions(info imagefile.Info, format imagefile.Format, crop image.Rectangle, ow, oh int) imagefile.DecodeOptions {
	_, planes := w.planes(format)
	return imagefile.DecodeOptions{
		Limits:     imagefile.Limits{MaxPixels: w.opt.MaxPixels},
		AtLeast:    w.atLeast(info, crop, ow, oh),
		FullChroma: !planes,
	}
}

// atLeast is the smallest upright size of the whole image that keeps the
// crop at least ShrinkGap times the output: what a reduced decode must
// keep (imagefile.DecodeOptions.AtLeast). Zero asks for a full decode.
func (w *worker) atLeast(info imagefile.Info, crop image.Rectangle, ow, oh int) image.Point {
	g := w.opt.ShrinkGap
	if g <= 0 || crop.Empty() {
		return image.Point{}
	}
	side := func(full, part, out int) int {
		return int(math.Ceil(g * float64(out) * float64(full) / float64(part)))
	}
	return image.Pt(side(info.Width, crop.Dx(), ow), side(info.Height, crop.Dy(), oh))
}

// budget shares a number of bytes between the files in flight. A file takes
// its share before decoding and gives it back when it is done; files that
// must wait are admitted in the order they asked, so a large one is not
// passed over for ever by small ones behind it.
//
// A share given back is memory the collector has not reclaimed yet: the
// file's decoded image is garbage, not free. Left to the pacer it stays
// until the heap doubles, and the next file's image is mapped beside it;
// under a limit on address space (ulimit -v, which counts every mapping
// Go keeps, freed or not) that is a fatal error. So a large share is
// collected (runtime.GC, quick on pixel buffers, which hold no pointers)
// before anyone else is let in.
type budget struct {
	mu          sync.Mutex
	total, used int64
	peak        int64 // the most in use at once
	queue       []*waiter
	collecting  int    // large shares being collected: nobody is let in
	collect     func() // runtime.GC; tests watch it
}

type waiter struct {
	n     int64
	ready chan struct{} // closed when admitted
}

func newBudget(total int64) *budget { return &budget{total: total, collect: runtime.GC} }

// large reports whether a share of n is worth a collection when it is
// given back.
func (b *budget) large(n int64) bool { return n >= b.total/16 }

// acquire takes n bytes (at most the total), waiting for them if need be;
// waiting, if set, is called when it starts to wait. It returns ctx's error,
// having taken nothing, if ctx ends first.
func (b *budget) acquire(ctx context.Context, n int64, waiting func()) error {
	b.mu.Lock()
	if len(b.queue) == 0 && b.collecting == 0 && b.used+n <= b.total {
		b.take(n)
		b.mu.Unlock()
		return nil
	}
	w := &waiter{n: n, ready: make(chan struct{})}
	b.queue = append(b.queue, w)
	b.mu.Unlock()
	if waiting != nil {
		waiting()
	}
	select {
	case <-w.ready:
		return nil
	case <-ctx.Done():
	}
	b.mu.Lock()
	select {
	case <-w.ready: // admitted meanwhile: give it back, untouched
		b.used -= n
	default:
		b.queue = slices.DeleteFunc(b.queue, func(q *waiter) bool { return q == w })
	}
	b.admit()
	b.mu.Unlock()
	return ctx.Err()
}

// release gives back n bytes taken by acquire, collecting first if the
// share was large.
func (b *budget) release(n int64) {
	b.mu.Lock()
	b.used -= n
	large := b.large(n)
	if large {
		b.collecting++
		b.mu.Unlock()
		b.collect()
		b.mu.Lock()
		b.collecting--
	}
	b.admit()
	b.mu.Unlock()
}

// admit lets in the waiters at the head of the queue that now fit, unless
// a collection is under way.
func (b *budget) admit() {
	for b.collecting == 0 && len(b.queue) > 0 && b.used+b.queue[0].n <= b.total {
		w := b.queue[0]
		b.queue = b.queue[1:]
		b.take(w.n)
		close(w.ready)
	}
}

func (b *budget) take(n int64) {
	b.used += n
	b.peak = max(b.peak, b.used)
}

// DefaultMaxMemory is the budget a zero Options.MaxMemory stands for: half
// of the least of the machine's physical memory, the memory limit of the
// process's cgroup and its address-space and data limits (RLIMIT_AS,
// RLIMIT_DATA), where each is known. The other half leaves room for the
// collector's garbage and the rest of the process. why names the limit it
// is half of.
func DefaultMaxMemory() (n int64, why string) {
	limit, why := memoryLimit()
	if limit <= 0 {
		limit, why = fallbackMemory, "an assumed "+formatBytes(fallbackMemory)+" of memory (none could be read)"
	}
	return limit / 2, "half of " + why
}

// unlimited is where a memory size stops meaning anything: cgroup v1
// writes "no limit" as the largest page-aligned int64.
const unlimited = 1 << 62

// fallbackMemory is the memory assumed where no limit can be read.
const fallbackMemory = 8 << 30

// gcLimit is the soft memory limit Run gives the Go collector for a
// budget: above the budget, since the estimates count what is live or about
// to be, and garbage awaits collection; it makes the collector run before
// garbage takes the process past the memory the budget was made from.
func gcLimit(budget int64) int64 {
	return max(budget+budget/2, 256<<20)
}

// setGCLimit sets the collector's soft memory limit for a budget unless one
// is set already (GOMEMLIMIT), and returns what undoes it.
func setGCLimit(budget int64) (undo func()) {
	if debug.SetMemoryLimit(-1) != math.MaxInt64 {
		return func() {}
	}
	prev := debug.SetMemoryLimit(gcLimit(budget))
	return func() { debug.SetMemoryLimit(prev) }
}

// ParseMemory parses a memory size: a number of bytes with an optional
// unit, decimal (k, M, G, T: powers of 1000) or binary (Ki, Mi, Gi, Ti:
// powers of 1024), with or without a B, in any case: 2G, 1.5GB, 512MiB,
// 1048576.
func ParseMemory(s string) (int64, error) {
	t := strings.TrimSpace(s)
	i := strings.IndexFunc(t, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	if i < 0 {
		i = len(t)
	}
	units := map[string]float64{"": 1, "k": 1e3, "m": 1e6, "g": 1e9, "t": 1e12, "ki": 1 << 10, "mi": 1 << 20, "gi": 1 << 30, "ti": 1 << 40}
	mult, ok := units[strings.TrimSuffix(strings.ToLower(strings.TrimSpace(t[i:])), "b")]
	v, err := strconv.ParseFloat(t[:i], 64)
	if n := v * mult; !ok || err != nil || !(n >= 1) || n > unlimited {
		return 0, fmt.Errorf("memory size %q: want a number of bytes with an optional unit, such as 2G, 1500M or 4GiB", s)
	}
	return int64(math.Round(v * mult)), nil
}

// FormatBytes says n in decimal units with one decimal, as messages about
// memory do: 2.4 GB.
func FormatBytes(n int64) string { return formatBytes(n) }

// formatBytes says n in decimal units, one decimal: 2.4 GB.
func formatBytes(n int64) string {
	if n < 1000 {
		return fmt.Sprintf("%d bytes", n)
	}
	v, unit := float64(n)/1000, "kB"
	for _, u := range []string{"MB", "GB", "TB"} {
		if v < 999.95 {
			break
		}
		v, unit = v/1000, u
	}
	return fmt.Sprintf("%.1f %s", v, unit)
}
