package resize

import (
	"encoding/binary"
	"fmt"
	"math"
	"runtime"
	"sync"

	"github.com/corescale/corescale"
	"github.com/corescale/corescale/internal/chunk"
	"github.com/corescale/corescale/internal/resample"
)

// Options configure an Engine.
type Options struct {
	Filter corescale.Filter // lanczos3 when empty
	// Fast pre-reduces by an integer box average while the image stays at
	// least Gap times larger than the output (Gap 3 when zero).
	Fast bool
	Gap  float64
	// Linear resizes in linear light rather than on the sRGB-encoded
	// samples (see linear.go).
	Linear bool
	// Workers is how many goroutines share one image: 1 is the serial
	// engine, 0 all cores.
	Workers int
}

// Engine resizes rasters with fixed options. It keeps the weight tables of
// the sizes it has seen, so a batch of same-size images computes them once;
// it is safe for concurrent use.
type Engine struct {
	filter  corescale.Filter
	kernel  resample.Kernel
	fast    bool
	gap     float64
	linear  bool
	workers int

	mu     sync.Mutex
	tables map[tableKey]*resample.Table

	// scratch holds the intermediate rasters between the passes for
	// reuse: allocating and zeroing megabytes per image would be a serial
	// step that caps the parallel speedup, and work for the collector.
	scratch sync.Pool
}

type tableKey struct {
	in       int
	in0, in1 float64
	out      int
}

// New returns an engine with the given options.
func New(opt Options) (*Engine, error) {
	e := &Engine{filter: opt.Filter, fast: opt.Fast, gap: opt.Gap, linear: opt.Linear, workers: opt.Workers, tables: map[tableKey]*resample.Table{}}
	if e.filter == "" {
		e.filter = corescale.Lanczos3
	}
	if e.filter != corescale.Nearest {
		k, err := resample.KernelOf(e.filter)
		if err != nil {
			return nil, err
		}
		e.kernel = k
	}
	if e.gap == 0 {
		e.gap = 3
	}
	if e.fast && e.gap < 1 {
		return nil, fmt.Errorf("resize: gap %g: want 1 or more", e.gap)
	}
	if e.workers <= 0 {
		e.workers = runtime.GOMAXPROCS(0)
	}
	return e, nil
}

// Resize implements corescale.Resizer.
func (e *Engine) Resize(dst, src *corescale.Raster) error {
	return e.resize(dst, rasterSource(src))
}

// resize is Resize from any 8-bit source.
func (e *Engine) resize(dst *corescale.Raster, src *source[uint8]) error {
	return e.resizeBox(dst, src, [4]float64{0, 0, float64(src.width), float64(src.height)})
}

// resizeBox is resize of the span box (x0, y0, x1, y1) of src, in source
// pixels.
func (e *Engine) resizeBox(dst *corescale.Raster, src *source[uint8], box [4]float64) error {
	if dst.Channels != src.channels {
		return fmt.Errorf("resize: %d channels into %d", src.channels, dst.Channels)
	}
	if src.width <= 0 || src.height <= 0 || dst.Width <= 0 || dst.Height <= 0 {
		return fmt.Errorf("resize: %d×%d to %d×%d: sizes must be positive", src.width, src.height, dst.Width, dst.Height)
	}
	if src.channels < 1 || src.channels > 4 {
		return fmt.Errorf("resize: %d channels: want 1 to 4", src.channels)
	}
	if err := checkSpan(box, src.width, src.height); err != nil {
		return err
	}
	if e.linear && e.filter != corescale.Nearest {
		return e.resizeLinear(dst, src, box)
	}
	e.resizeSpan(dst, src, box)
	return nil
}

// checkSpan refuses a span that is empty, not finite or not inside a w×h
// source: the tables would weigh pixels that are not there.
func checkSpan(box [4]float64, w, h int) error {
	for _, v := range box {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("resize: span %v is not finite", box)
		}
	}
	if !(0 <= box[0] && box[0] < box[2] && box[2] <= float64(w) && 0 <= box[1] && box[1] < box[3] && box[3] <= float64(h)) {
		return fmt.Errorf("resize: span %v: want a non-empty box inside the %d×%d source", box, w, h)
	}
	return nil
}

// resizeSpan resizes the span box (x0, y0, x1, y1) of src, in source
// pixels, to dst, which the caller has checked. The span is the whole
// image but for chroma planes, whose samples are sited between the luma
// samples the span is measured against (see ycbcr.go).
func (e *Engine) resizeSpan(dst *corescale.Raster, src *source[uint8], box [4]float64) {
	if e.filter == corescale.Nearest {
		e.nearest(dst, src, box)
		return
	}
	if e.fast {
		// As Pillow's reducing_gap: the largest integer factor that
		// leaves the span at least gap times the output, per axis.
		fx := max(int((box[2]-box[0])/float64(dst.Width)/e.gap), 1)
		fy := max(int((box[3]-box[1])/float64(dst.Height)/e.gap), 1)
		if fx > 1 || fy > 1 {
			src = rasterSource(e.reduce(src, fx, fy))
			// Reduced pixel k averages source pixels k·f … k·f+f−1, so
			// a source position p lies at p/f in it.
			box = [4]float64{box[0] / float64(fx), box[1] / float64(fy), box[2] / float64(fx), box[3] / float64(fy)}
		}
	}
	e.resample(dst, src, box)
}

func (e *Engine) table(in int, in0, in1 float64, out int) *resample.Table {
	key := tableKey{in, in0, in1, out}
	e.mu.Lock()
	defer e.mu.Unlock()
	t, ok := e.tables[key]
	if !ok {
		t = resample.NewTable(in, in0, in1, out, e.kernel)
		e.tables[key] = t
	}
	return t
}

// resample resizes the span box of src into dst: a horizontal pass over
// the source rows the vertical pass will read, then the vertical pass. Like
// Pillow, it skips a pass that would change nothing.
func (e *Engine) resample(dst *corescale.Raster, src *source[uint8], box [4]float64) {
	th := e.table(src.width, box[0], box[2], dst.Width)
	tv := e.table(src.height, box[1], box[3], dst.Height)
	needH, needV := !copies(th), !copies(tv)
	switch {
	case needH && needV:
		first := int(tv.Start[0])
		last := int(tv.Start[dst.Height-1] + tv.Count[dst.Height-1])
		tmp := e.intermediate(dst.Width, last-first, src.channels)
		defer e.scratch.Put(tmp)
		e.rows(tmp.Height, passCost(dst, th), func(y0, y1 int) { horizontal(tmp, src, th, first, y0, y1) })
		e.rows(dst.Height, passCost(dst, tv), func(y0, y1 int) { vertical(dst, tmp, tv, first, y0, y1) })
	case needH:
		e.rows(dst.Height, passCost(dst, th), func(y0, y1 int) { horizontal(dst, src, th, 0, y0, y1) })
	case needV && src.inPlace():
		in := &corescale.Raster{Pix: src.pix, Width: src.width, Height: src.height, Stride: src.stride, Channels: src.channels}
		e.rows(dst.Height, passCost(dst, tv), func(y0, y1 int) { vertical(dst, in, tv, 0, y0, y1) })
	case needV:
		e.windowRows(dst.Height, passCost(dst, tv), func(y0, y1 int) { verticalConverted(dst, src, tv, y0, y1) })
	default:
		rd := src.reader()
		for y := range dst.Height {
			copy(dst.Row(y), rd.row(y))
		}
	}
}

// copies reports whether a pass with table t would copy its input: each
// output takes the input of the same index with weight one, all else zero.
// That is a resize of an axis to its own length with an interpolating
// kernel, and with Lanczos too, whose weights at whole distances are zero
// only once rounded to fixed point.
func copies(t *resample.Table) bool {
	if t.In != t.Out {
		return false
	}
	for x := range t.Out {
		start, _, w := t.Taps(x)
		for j, k := range w {
			want := int32(0)
			if start+j == x {
				want = 1 << fixedBits
			}
			if k != want {
				return false
			}
		}
	}
	return true
}

// intermediate returns a w×h raster of ch channels for the horizontal pass
// to fill, reusing an earlier one's memory when it is large enough. Its
// samples are not cleared: the pass writes every one.
func (e *Engine) intermediate(w, h, ch int) *corescale.Raster {
	r, _ := e.scratch.Get().(*corescale.Raster)
	if r == nil || cap(r.Pix) < w*h*ch {
		return corescale.NewRaster(w, h, ch)
	}
	*r = corescale.Raster{Pix: r.Pix[:w*h*ch], Width: w, Height: h, Stride: w * ch, Channels: ch}
	return r
}

// minSamplesPerWorker is the least work worth another goroutine, in
// weighted samples (one multiply-add per sample and tap): about 150 µs
// here. Below it, waking a goroutine and sharing the rows' cache lines
// cost as much as the goroutine saves, so a small image on two workers
// would take the time of one for more CPU.
// (A variable so that the tests split small images too.)
var minSamplesPerWorker = 1 << 21

// rows runs f over the rows [0, n) of a pass that costs perRow weighted
// samples a row, on as many of the engine's workers as that work keeps
// busy, in chunks taken from a shared counter (see internal/chunk).
func (e *Engine) rows(n, perRow int, f func(y0, y1 int)) {
	w := min(e.workers, n, max(1, n*perRow/minSamplesPerWorker))
	if passHook != nil {
		passHook(n, w)
	}
	chunk.Run(n, chunk.Size(n, w, 8), w, f)
}

// passHook, when a test sets it, hears each pass's rows and the number of
// goroutines that share them.
var passHook func(rows, workers int)

// windowRows is rows for a pass that reads the source through a window
// (see window): one chunk per worker, since each chunk fills a window of
// its own, converting again the rows it shares with the chunk above.
func (e *Engine) windowRows(n, perRow int, f func(y0, y1 int)) {
	w := min(e.workers, n, max(1, n*perRow/minSamplesPerWorker))
	if passHook != nil {
		passHook(n, w)
	}
	chunk.Run(n, chunk.Size(n, w, 1), w, f)
}

// passCost is the weighted samples per output row of a pass with table t
// into dst: every sample of the row, times the taps the loops run.
func passCost(dst *corescale.Raster, t *resample.Table) int {
	return dst.Width * dst.Channels * t.Stride
}

// nearest fills dst with the source pixel under each output pixel's centre.
func (e *Engine) nearest(dst *corescale.Raster, src *source[uint8], box [4]float64) {
	ch := src.channels
	xs := resample.NearestIndices(box[0], box[2], dst.Width, src.width)
	ys := resample.NearestIndices(box[1], box[3], dst.Height, src.height)
	e.rows(dst.Height, dst.Width*ch, func(y0, y1 int) {
		rd := src.reader()
		for y := y0; y < y1; y++ {
			in, out := rd.row(ys[y]), dst.Row(y)
			for x, sx := range xs {
				copy(out[x*ch:x*ch+ch], in[sx*ch:sx*ch+ch])
			}
		}
	})
}

// reduce returns src shrunk by fx×fy with an exact box average, rounded to
// nearest; the blocks at the right and bottom edges average the pixels
// they have. Each output row first sums its fy source rows column by
// column, then each block's fx columns.
func (e *Engine) reduce(src *source[uint8], fx, fy int) *corescale.Raster {
	ch := src.channels
	w, h := (src.width+fx-1)/fx, (src.height+fy-1)/fy
	dst := corescale.NewRaster(w, h, ch)
	n := src.width * ch
	avg := make([]uint8, 255*fx*fy+1)
	div := newDivider(uint32(fx * fy))
	for s := range avg {
		avg[s] = div.round(uint32(s))
	}
	e.rows(h, n*fy, func(y0, y1 int) {
		if haveHrow4 && fy <= 257 {
			// 16-bit column sums, 32 columns per AVX2 step. Rows that
			// are converted are summed a band at a time: the sums of
			// up to 257 rows fit 16 bits however they are split.
			cols := make([]uint16, n)
			var band []uint8
			var part []uint16
			var scratch rowScratch
			for y := y0; y < y1; y++ {
				rows := min(fy, src.height-y*fy)
				if src.inPlace() {
					sumColumns(cols, src.pix[y*fy*src.stride:], src.stride, rows)
				} else {
					if band == nil {
						band, part = make([]uint8, min(bandRows, fy)*n), make([]uint16, n)
					}
					for r0 := 0; r0 < rows; r0 += bandRows {
						k := min(bandRows, rows-r0)
						for r := range k {
							src.convert(y*fy+r0+r, band[r*n:(r+1)*n], &scratch)
						}
						if r0 == 0 {
							sumColumns(cols, band, n, k)
							continue
						}
						sumColumns(part, band, n, k)
						for i, v := range part {
							cols[i] += v
						}
					}
				}
				sumBlocks(dst.Row(y), cols, src.width, fx, ch, rows, avg)
			}
			return
		}
		var sums columnSums
		rd := src.reader()
		for y := y0; y < y1; y++ {
			rows := min(fy, src.height-y*fy)
			sums.reset(n)
			for r := range rows {
				sums.add(rd.row(y*fy + r))
			}
			sumBlocks(dst.Row(y), sums.columns(), src.width, fx, ch, rows, avg)
		}
	})
	return dst
}

// bandRows is how many converted rows the fast mode's AVX2 column sums
// take at once.
const bandRows = 16

// sumColumns sets cols[i] to the sum of column i over rows rows of first,
// stride bytes apart (1 to 257 rows, so that the sums fit 16 bits).
func sumColumns(cols []uint16, first []uint8, stride, rows int) {
	n := len(cols)
	sumRows16(cols, first, stride, rows)
	for i := n &^ 31; i < n; i++ {
		var s uint16
		for r := range rows {
			s += uint16(first[r*stride+i])
		}
		cols[i] = s
	}
}

// sumBlocks writes to out the rounded average of each block of fx columns
// of cols (sums over rows rows), per channel. The averages of full blocks
// come from avg, the average of every possible sum of fx·rows samples: a
// load instead of a division.
func sumBlocks[T uint16 | uint32](out []uint8, cols []T, width, fx, ch, rows int, avg []uint8) {
	w := (width + fx - 1) / fx
	full := width / fx
	if len(avg) != 255*fx*rows+1 {
		full = 0 // a short last row of blocks: the general loop
	}
	switch ch {
	case 1:
		// The planes of JPEG's YCbCr: a block is fx neighbouring sums.
		if fx == 2 {
			done := 0
			if c16, ok := any(cols).([]uint16); ok && haveHrow4 && rows <= maxPairRows {
				half, inv := pairDivisor(rows)
				done = avgPairs16(out[:full], c16[:2*full], half, inv)
			}
			c := cols[:2*full]
			for x := done; x < full; x++ {
				out[x] = avg[uint32(c[2*x])+uint32(c[2*x+1])]
			}
			break
		}
		if fx == 3 {
			c := cols[:3*full]
			for x := range out[:full] {
				out[x] = avg[uint32(c[3*x])+uint32(c[3*x+1])+uint32(c[3*x+2])]
			}
			break
		}
		for x := range full {
			var s uint32
			for _, v := range cols[x*fx : (x+1)*fx] {
				s += uint32(v)
			}
			out[x] = avg[s]
		}
	case 3:
		for x := range full {
			b := cols[x*fx*3 : (x+1)*fx*3]
			var s0, s1, s2 uint32
			for j := 0; j+2 < len(b); j += 3 {
				s0 += uint32(b[j])
				s1 += uint32(b[j+1])
				s2 += uint32(b[j+2])
			}
			o := out[3*x : 3*x+3]
			o[0], o[1], o[2] = avg[s0], avg[s1], avg[s2]
		}
	case 4:
		for x := range full {
			b := cols[x*fx*4 : (x+1)*fx*4]
			var s0, s1, s2, s3 uint32
			for j := 0; j+3 < len(b); j += 4 {
				s0 += uint32(b[j])
				s1 += uint32(b[j+1])
				s2 += uint32(b[j+2])
				s3 += uint32(b[j+3])
			}
			o := out[4*x : 4*x+4]
			o[0], o[1], o[2], o[3] = avg[s0], avg[s1], avg[s2], avg[s3]
		}
	default:
		full = 0 // the general loop below takes every block
	}
	for x := full; x < w; x++ {
		m := min(fx, width-x*fx) // the last block may be narrower
		d := newDivider(uint32(m * rows))
		block := cols[x*fx*ch : (x*fx+m)*ch]
		for c := range ch {
			var s uint32
			for j := c; j < len(block); j += ch {
				s += uint32(block[j])
			}
			out[x*ch+c] = d.round(s)
		}
	}
}

// maxPairRows is the most rows a 2-column block may have for avgPairs16:
// its pair sums, up to 2·255·rows, must fit 16 bits.
const maxPairRows = 128

// pairDivisor returns what avgPairs16 rounds the sums of 2×rows blocks
// with: half the block, to round to nearest, and the reciprocal of the
// block in single precision, nudged up by 2^-20 so that truncating
// (s+half)·inv gives the exact quotient. A sum that divides exactly comes
// out at or just above its quotient (the product's error is below
// 2^-22 of it, the nudge above 2^-20), and one that does not stays below
// the next integer while 256·2^-20 < 1/n, n below 4096. pairAverage
// is the same arithmetic in Go, and TestPairDivisor checks it against
// integer division for every sum of every block size allowed.
func pairDivisor(rows int) (half int32, inv float32) {
	n := 2 * rows
	return int32(n / 2), float32((1 + 0x1p-20) / float64(n))
}

// pairAverage is avgPairs16's arithmetic for one pair sum s.
func pairAverage(s uint32, half int32, inv float32) uint8 {
	return uint8(int32(float32(int32(s)+half) * inv))
}

// columnSums adds rows of samples eight at a time: a 64-bit word of eight
// samples splits into its even and odd bytes, each in a 16-bit lane, and
// the lanes add without carrying into each other for up to 257 rows.
type columnSums struct {
	n          int
	even, odd  []uint64
	tail, cols []uint32
	rows       int
}

const lowBytes = 0x00ff00ff00ff00ff

func (c *columnSums) reset(n int) {
	c.n, c.rows = n, 0
	if cap(c.cols) < n {
		c.even, c.odd = make([]uint64, n/8), make([]uint64, n/8)
		c.tail, c.cols = make([]uint32, n%8), make([]uint32, n)
	}
	c.even, c.odd, c.tail, c.cols = c.even[:n/8], c.odd[:n/8], c.tail[:n%8], c.cols[:n]
	clear(c.even)
	clear(c.odd)
	clear(c.tail)
	clear(c.cols)
}

func (c *columnSums) add(row []uint8) {
	if c.rows == 257 { // the 16-bit lanes are full: move them out
		c.flush()
	}
	c.rows++
	even, odd := c.even, c.odd[:len(c.even)]
	words := row[:8*len(even)]
	for i := range even {
		v := binary.LittleEndian.Uint64(words[8*i:])
		even[i] += v & lowBytes
		odd[i] += v >> 8 & lowBytes
	}
	for i, v := range row[8*len(even):] {
		c.tail[i] += uint32(v)
	}
}

// flush adds the lanes into cols and empties them.
func (c *columnSums) flush() {
	cols := c.cols[:8*len(c.even)]
	for i, e := range c.even {
		o := c.odd[i]
		col := cols[8*i : 8*i+8]
		for b := range 4 {
			col[2*b] += uint32(e >> (16 * b) & 0xffff)
			col[2*b+1] += uint32(o >> (16 * b) & 0xffff)
		}
	}
	clear(c.even)
	clear(c.odd)
	c.rows = 0
}

// columns returns the sum of each column over the rows added since reset.
func (c *columnSums) columns() []uint32 {
	c.flush()
	copy(c.cols[8*len(c.even):], c.tail)
	return c.cols
}

// divider rounds s/n to nearest by a multiplication, which costs a tenth
// of a division; it is exact for every sum of up to n samples while
// n < 46341 (the error term (s+n/2)·n/2^40 stays below 1/n), and divides
// above that.
type divider struct {
	n, inv uint64
}

func newDivider(n uint32) divider {
	return divider{n: uint64(n), inv: (1<<40 + uint64(n) - 1) / uint64(n)}
}

func (d divider) round(s uint32) uint8 {
	if d.n >= 46341 {
		return uint8((uint64(s) + d.n/2) / d.n)
	}
	return uint8((uint64(s) + d.n/2) * d.inv >> 40)
}
