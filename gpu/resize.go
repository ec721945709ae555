package gpu

import (
	"fmt"
	"sync"
	"time"
	"unsafe"

	"github.com/corescale/corescale"
	"github.com/corescale/corescale/internal/resample"
	"github.com/corescale/corescale/kernels"
)

// ResizeEngine resizes rasters on a GPU with the CPU engine's tap tables and
// fixed-point arithmetic, so it gives cpu/resize's bytes for the exact
// resize; it implements corescale.Resizer. (The fast mode's pre-reduce and
// linear light are the CPU engine's alone so far.)
//
// The output is made in bands of rows sized to the device's memory, two
// at least: each band uploads the source rows it reads, runs the
// horizontal kernel into an intermediate band and the vertical kernel into
// the output band, and copies that back. Two streams take turns, so one
// band's copies overlap the other's kernels, even for a lone image.
//
// It is safe for concurrent use, and built for a batch: several lanes,
// each with its two streams, events and buffers, resize an image each at
// the same time, so one image's copies overlap another's kernels. A lane's
// device and pinned buffers are kept from image to image and only grow
// when an image needs more; tap tables are uploaded once per size and
// kept, so a batch of like images allocates and uploads on its first
// images only.
type ResizeEngine struct {
	ctx    Context
	device int
	fnH    Function
	fnV    Function
	filter corescale.Filter
	kernel resample.Kernel
	lanes  chan *resizeLane
	all    []*resizeLane
	// share is a lane's part of four fifths of the memory free at the
	// start.
	share int64
	// Budget caps the device memory a resize may use, in bytes (zero:
	// the lane's share, or on a small device all that is free).
	Budget int64

	mu    sync.Mutex
	freed *sync.Cond // a lane went back: memory may be free
	// alone is the lane whose image has the device to itself (a device
	// too small for the lanes' shares), nil when none has.
	alone  *resizeLane
	tables map[tableKey]devTable
	tableS Stream // uploads tables
	// Timings add up the phases of every band, from the device's events.
	Timings Timings
}

// resizeLanes is how many images a ResizeEngine has in flight.
const resizeLanes = 3

// maxTables bounds the tables kept; past it, a table is uploaded for its
// image and freed after it.
const maxTables = 256

type tableKey struct {
	in, out  int
	in0, in1 float64
}

// resizeLane is what one image in flight needs: two streams that take
// its bands in turn, and each band slot's buffers and events.
type resizeLane struct {
	streams [2]Stream
	slots   [2]resizeSlot
	busy    bool // an image has work on the device through it (e.mu)
}

type resizeSlot struct {
	hostIn, hostOut     HostBuffer
	devIn, devMid, devO DevPtr
	sizeIn, sizeMid     int // bytes of devIn (and hostIn), devMid
	sizeO               int // of devO and hostOut
	marks               [4]Event
	pending             *band
}

// NewResizeEngine opens device on drv and prepares the resize kernels for
// filter.
func NewResizeEngine(drv Driver, device int, filter corescale.Filter) (*ResizeEngine, error) {
	e := &ResizeEngine{device: device, filter: filter, tables: map[tableKey]devTable{}}
	e.freed = sync.NewCond(&e.mu)
	if filter != corescale.Nearest {
		k, err := resample.KernelOf(filter)
		if err != nil {
			return nil, err
		}
		e.kernel = k
	}
	ctx, err := drv.Open(device)
	if err != nil {
		return nil, fmt.Errorf("open %s device %d: %w", drv.Name(), device, err)
	}
	e.ctx = ctx
	if err := e.init(); err != nil {
		e.Close() // the streams and events init made, then the context
		return nil, fmt.Errorf("device %d: %w", device, err)
	}
	return e, nil
}

func (e *ResizeEngine) init() error {
	mod, err := e.ctx.Load(kernels.ResizePTX)
	if err != nil {
		return fmt.Errorf("load the resize kernels: %w", err)
	}
	if e.fnH, err = mod.Function(kernels.ResizeH.Name); err != nil {
		return err
	}
	if e.fnV, err = mod.Function(kernels.ResizeV.Name); err != nil {
		return err
	}
	free, _, err := e.ctx.MemInfo()
	if err != nil {
		return fmt.Errorf("device memory: %w", err)
	}
	e.share = free * 4 / 5 / resizeLanes
	if e.tableS, err = e.ctx.NewStream(); err != nil {
		return err
	}
	e.lanes = make(chan *resizeLane, resizeLanes)
	for range resizeLanes {
		l := &resizeLane{}
		e.all = append(e.all, l)
		for i := range l.streams {
			if l.streams[i], err = e.ctx.NewStream(); err != nil {
				return err
			}
			for j := range l.slots[i].marks {
				if l.slots[i].marks[j], err = e.ctx.NewEvent(); err != nil {
					return err
				}
			}
		}
		e.lanes <- l
	}
	return nil
}

// Device is the engine's device number.
func (e *ResizeEngine) Device() int { return e.device }

// table returns the taps that resize the span [in0, in1) of an axis of in
// samples to out; nearest is a table of single taps of weight one.
func (e *ResizeEngine) table(in int, in0, in1 float64, out int) *resample.Table {
	if e.filter != corescale.Nearest {
		return resample.NewTable(in, in0, in1, out, e.kernel)
	}
	idx := resample.NearestIndices(in0, in1, out, in)
	t := &resample.Table{In: in, Out: out, Stride: 1, Start: make([]int32, out), Count: make([]int32, out), Weights: make([]float64, out), Fixed: make([]int32, out)}
	for i, s := range idx {
		t.Start[i], t.Count[i], t.Weights[i], t.Fixed[i] = int32(s), 1, 1, 1<<resample.FixedBits
	}
	return t
}

// devTable is a tap table in device memory.
type devTable struct {
	start, count, weights DevPtr
	stride                uint32
}

// deviceTable returns the table for key on the device, uploading it the
// first time; free, when not nil, must be called once the table's last
// kernel has run (a table past maxTables is not kept).
func (e *ResizeEngine) deviceTable(key tableKey) (devTable, func(), error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if d, ok := e.tables[key]; ok {
		return d, nil, nil
	}
	t := e.table(key.in, key.in0, key.in1, key.out)
	var made []DevPtr
	release := func() {
		for _, p := range made {
			e.ctx.Free(p)
		}
	}
	d := devTable{stride: uint32(t.Stride)}
	for _, part := range []struct {
		dst  *DevPtr
		vals []int32
	}{{&d.start, t.Start}, {&d.count, t.Count}, {&d.weights, t.Fixed}} {
		n := 4 * len(part.vals)
		// A table lives outside the lanes' shares, in the fifth they
		// leave; on a small device the lanes may hold it all: free the
		// idle ones', or wait for the images in flight.
		for {
			// An image that has the device alone planned its bands with
			// what was free: a table waits for it.
			for e.alone != nil {
				e.freed.Wait()
			}
			// Waiting lets go of e.mu: another image may have uploaded
			// this table meanwhile, and a second upload stored over it
			// would never be freed. Checked after every wait, the one
			// above included, with nothing letting go of e.mu between
			// here and the table's store.
			if kept, ok := e.tables[key]; ok {
				release()
				return kept, nil, nil
			}
			free, _, err := e.ctx.MemInfo()
			if err != nil {
				release()
				return d, nil, err
			}
			if free >= int64(n)+4096 {
				break
			}
			e.releaseIdle(nil)
			if free, _, err = e.ctx.MemInfo(); err != nil {
				release()
				return d, nil, err
			} else if free >= int64(n)+4096 {
				break
			}
			if !e.busyOthers(nil) {
				// Nothing in flight will give memory back.
				release()
				return d, nil, &bandTooLarge{"a tap table", int64(n), free - 4096}
			}
			e.freed.Wait()
		}
		p, err := e.ctx.Alloc(n)
		if err != nil {
			release()
			return d, nil, err
		}
		made = append(made, p)
		*part.dst = p
		h, err := e.ctx.AllocHost(n)
		if err != nil {
			release()
			return d, nil, err
		}
		copy(h.Bytes(), unsafe.Slice((*byte)(unsafe.Pointer(&part.vals[0])), n))
		err = e.tableS.CopyToDevice(p, h, 0, n)
		if err == nil {
			err = e.tableS.Synchronize()
		}
		// The staging buffer goes at once: a table is uploaded once.
		h.Free()
		if err != nil {
			release()
			return d, nil, err
		}
	}
	if len(e.tables) >= maxTables {
		return d, release, nil
	}
	e.tables[key] = d
	return d, nil, nil
}

// band is a run of output rows and the source rows they read.
type band struct{ y0, y1, first, last int }

// bands splits the output rows into bands of at most rows rows.
func bands(tv *resample.Table, rows int) []band {
	var bs []band
	for y0 := 0; y0 < tv.Out; y0 += rows {
		y1 := min(y0+rows, tv.Out)
		bs = append(bs, band{y0, y1, int(tv.Start[y0]), int(tv.Start[y1-1] + tv.Count[y1-1])})
	}
	return bs
}

// Resize implements corescale.Resizer.
func (e *ResizeEngine) Resize(dst, src *corescale.Raster) error {
	return e.ResizeSpan(dst, src, [4]float64{0, 0, float64(src.Width), float64(src.Height)})
}

// ResizeSpan resizes the span (x0, y0, x1, y1) of src, in source pixels,
// to dst, as the CPU engine resizes a plane of a YCbCr image (see
// resize.YCbCrPlanes): the tables are the CPU's for that span, so the
// bytes are too. Taps outside src are left out, as at its edges.
func (e *ResizeEngine) ResizeSpan(dst, src *corescale.Raster, span [4]float64) error {
	if err := checkResize(dst, src, span); err != nil {
		return err
	}
	ch := src.Channels
	// Only the vertical table's row ranges are needed on the host, to
	// plan the bands; the device keeps both tables.
	tv := e.table(src.Height, span[1], span[3], dst.Height)
	dh, freeH, err := e.deviceTable(tableKey{src.Width, dst.Width, span[0], span[2]})
	if err != nil {
		return fmt.Errorf("gpu resize: %w", err)
	}
	dv, freeV, err := e.deviceTable(tableKey{src.Height, dst.Height, span[1], span[3]})
	if err != nil {
		if freeH != nil {
			freeH()
		}
		return fmt.Errorf("gpu resize: %w", err)
	}
	l := <-e.lanes
	defer func() {
		// On an error, work queued before it may still be reading or
		// writing the lane's buffers and these tables: wait for both
		// streams before the lane goes back (their errors are the one
		// already returned, or none).
		for _, st := range l.streams {
			st.Synchronize()
		}
		for _, f := range []func(){freeH, freeV} {
			if f != nil {
				f()
			}
		}
		for i := range l.slots {
			l.slots[i].pending = nil
		}
		e.mu.Lock()
		l.busy = false
		if e.alone == l {
			e.alone = nil
		}
		e.freed.Broadcast()
		e.mu.Unlock()
		e.lanes <- l
	}()
	srcRow, midRow, dstRow := src.Width*ch, dst.Width*ch, dst.Width*ch
	plan, err := e.reserve(l, tv, srcRow, midRow, dstRow)
	if err != nil {
		return fmt.Errorf("gpu resize: %w", err)
	}
	finish := func(i int) error {
		s := &l.slots[i]
		if s.pending == nil {
			return nil
		}
		if err := l.streams[i].Synchronize(); err != nil {
			return fmt.Errorf("gpu resize: %w", err)
		}
		b := s.pending
		out := s.hostOut.Bytes()
		for y := b.y0; y < b.y1; y++ {
			copy(dst.Row(y), out[(y-b.y0)*dstRow:(y-b.y0+1)*dstRow])
		}
		s.pending = nil
		var ts [3]time.Duration
		for j := range ts {
			t, err := s.marks[j+1].Since(s.marks[j])
			if err != nil {
				return fmt.Errorf("gpu resize: timing: %w", err)
			}
			ts[j] = t
		}
		e.mu.Lock()
		e.Timings.add(Timings{HostToDevice: ts[0], Kernel: ts[1], DeviceToHost: ts[2], Chunks: 1})
		e.mu.Unlock()
		return nil
	}
	for i := range plan {
		b := &plan[i]
		k := i % 2
		if err := finish(k); err != nil {
			return err
		}
		s, st := &l.slots[k], l.streams[k]
		in := s.hostIn.Bytes()
		for y := b.first; y < b.last; y++ {
			copy(in[(y-b.first)*srcRow:], src.Row(y))
		}
		nIn, nOut := uint32(b.last-b.first), uint32(b.y1-b.y0)
		if err := st.Record(s.marks[0]); err != nil {
			return fmt.Errorf("gpu resize: %w", err)
		}
		if err := st.CopyToDevice(s.devIn, s.hostIn, 0, int(nIn)*srcRow); err != nil {
			return fmt.Errorf("gpu resize: %w", err)
		}
		if err := st.Record(s.marks[1]); err != nil {
			return fmt.Errorf("gpu resize: %w", err)
		}
		srcStride, midStride, dstStride := uint32(srcRow), uint32(midRow), uint32(dstRow)
		outW, chans, y0, first := uint32(dst.Width), uint32(ch), uint32(b.y0), uint32(b.first)
		rowLen := uint32(dstRow)
		argsH := []unsafe.Pointer{unsafe.Pointer(&s.devIn), unsafe.Pointer(&srcStride), unsafe.Pointer(&s.devMid), unsafe.Pointer(&midStride),
			unsafe.Pointer(&outW), unsafe.Pointer(&nIn), unsafe.Pointer(&chans), unsafe.Pointer(&dh.start), unsafe.Pointer(&dh.count), unsafe.Pointer(&dh.weights), unsafe.Pointer(&dh.stride)}
		gridH := Dim3{gridFor(dst.Width, 64, MaxGridX), gridFor(int(nIn), 4, MaxGridYZ), 1}
		if err := launch(st, e.fnH, gridH, Dim3{64, 4, 1}, argsH); err != nil {
			return fmt.Errorf("gpu resize: %w", err)
		}
		argsV := []unsafe.Pointer{unsafe.Pointer(&s.devMid), unsafe.Pointer(&midStride), unsafe.Pointer(&s.devO), unsafe.Pointer(&dstStride),
			unsafe.Pointer(&rowLen), unsafe.Pointer(&y0), unsafe.Pointer(&nOut), unsafe.Pointer(&first), unsafe.Pointer(&dv.start), unsafe.Pointer(&dv.count), unsafe.Pointer(&dv.weights), unsafe.Pointer(&dv.stride)}
		gridV := Dim3{gridFor(dstRow, 128, MaxGridX), gridFor(int(nOut), 2, MaxGridYZ), 1}
		if err := launch(st, e.fnV, gridV, Dim3{128, 2, 1}, argsV); err != nil {
			return fmt.Errorf("gpu resize: %w", err)
		}
		if err := st.Record(s.marks[2]); err != nil {
			return fmt.Errorf("gpu resize: %w", err)
		}
		if err := st.CopyToHost(s.hostOut, 0, s.devO, int(nOut)*dstRow); err != nil {
			return fmt.Errorf("gpu resize: %w", err)
		}
		if err := st.Record(s.marks[3]); err != nil {
			return fmt.Errorf("gpu resize: %w", err)
		}
		s.pending = b
	}
	for k := range l.slots {
		if err := finish(k); err != nil {
			return err
		}
	}
	return nil
}

// checkResize refuses what every device would refuse: a resize that is
// the input's fault, not a device's.
func checkResize(dst, src *corescale.Raster, span [4]float64) error {
	if dst.Channels != src.Channels || src.Channels < 1 || src.Channels > 4 {
		return fmt.Errorf("gpu resize: %d channels into %d", src.Channels, dst.Channels)
	}
	if src.Width <= 0 || src.Height <= 0 || dst.Width <= 0 || dst.Height <= 0 {
		return fmt.Errorf("gpu resize: %d×%d to %d×%d: sizes must be positive", src.Width, src.Height, dst.Width, dst.Height)
	}
	// The kernels take sizes, strides and row numbers as uint32 and step
	// through them by the grid's extent; below 2^31 neither overflows.
	if src.Width*src.Channels >= 1<<31 || dst.Width*src.Channels >= 1<<31 || src.Height >= 1<<31 || dst.Height >= 1<<31 {
		return fmt.Errorf("gpu resize: %d×%d to %d×%d: a side too large for the kernels", src.Width, src.Height, dst.Width, dst.Height)
	}
	if !(span[0] < span[2] && span[1] < span[3]) {
		return fmt.Errorf("gpu resize: span %v of %d×%d is empty", span, src.Width, src.Height)
	}
	return nil
}

// reserve plans the bands of an image on lane l and grows the lane's
// buffers for them. Each lane may take its share of four fifths of the
// memory free at the start, so that images in flight never compete for
// it; on a device too small for that share to hold one-row bands, an image
// takes the device alone: it waits for the images in flight, frees the idle
// lanes' buffers and plans with four fifths of what is free (or Budget).
func (e *ResizeEngine) reserve(l *resizeLane, tv *resample.Table, srcRow, midRow, dstRow int) ([]band, error) {
	// What two slots' buffers for the largest band of each kind take.
	need := func(bs []band) int64 {
		maxIn, maxRows := 0, 0
		for _, b := range bs {
			maxIn, maxRows = max(maxIn, b.last-b.first), max(maxRows, b.y1-b.y0)
		}
		return 2 * (int64(maxIn)*int64(srcRow+midRow) + int64(maxRows)*int64(dstRow))
	}
	planFor := func(budget int64) ([]band, bool) {
		// Two bands at least: the second's copy in, on the lane's other
		// stream, overlaps the first's kernels, and the first's copy out
		// the second's, however few images the caller keeps in flight
		// (the pipeline's workers, one or two per device on a small
		// machine). The cost is the source rows both bands read, copied
		// and filtered twice: the filter's support, a few rows.
		rows := max(1, (tv.Out+1)/2)
		plan := bands(tv, rows)
		for need(plan) > budget && rows > 1 {
			rows = (rows + 1) / 2
			plan = bands(tv, rows)
		}
		return plan, need(plan) <= budget
	}
	grow := func(plan []band) ([]band, error) {
		maxIn, maxRows := 0, 0
		for _, b := range plan {
			maxIn, maxRows = max(maxIn, b.last-b.first), max(maxRows, b.y1-b.y0)
		}
		for i := range l.slots {
			if err := e.grow(&l.slots[i], maxIn*srcRow, maxIn*midRow, maxRows*dstRow); err != nil {
				return nil, err
			}
		}
		l.busy = true
		return plan, nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.Budget > 0 {
		plan, ok := planFor(e.Budget)
		if !ok {
			return nil, &bandTooLarge{"a band of one output row", need(plan), e.Budget}
		}
		return grow(plan)
	}
	// Whether plan's buffers fit: grow keeps a buffer already larger than
	// asked, so what it needs is each buffer's growth, not the plan's
	// total less what the lane holds; less room for the allocations'
	// rounding.
	fits := func(plan []band) (bool, error) {
		free, _, err := e.ctx.MemInfo()
		maxIn, maxRows := 0, 0
		for _, b := range plan {
			maxIn, maxRows = max(maxIn, b.last-b.first), max(maxRows, b.y1-b.y0)
		}
		var growth int64
		for _, s := range l.slots {
			growth += int64(max(0, maxIn*srcRow-s.sizeIn) + max(0, maxIn*midRow-s.sizeMid) + max(0, maxRows*dstRow-s.sizeO))
		}
		return free-4096 >= growth, err
	}
	for {
		// An image that has the device alone planned with what was
		// free: nothing may grow until it is done.
		for e.alone != nil {
			e.freed.Wait()
		}
		plan, ok := planFor(e.share)
		if !ok {
			break
		}
		// A lane that took the device alone may still hold it.
		if ok, err := fits(plan); err != nil {
			return nil, fmt.Errorf("device memory: %w", err)
		} else if ok {
			return grow(plan)
		}
		e.releaseIdle(l)
		if ok, err := fits(plan); err != nil {
			return nil, fmt.Errorf("device memory: %w", err)
		} else if ok {
			return grow(plan)
		}
		if !e.busyOthers(l) {
			break
		}
		e.freed.Wait()
	}
	// One image at a time takes the device alone; the lanes waiting for
	// memory or for their turn have nothing in flight (busy is set only
	// once a lane's buffers are planned), so they never wait for each
	// other, and their buffers may be freed under them.
	for e.alone != nil {
		e.freed.Wait()
	}
	e.alone = l
	for e.busyOthers(l) {
		e.freed.Wait()
	}
	e.releaseIdle(l)
	// Its own buffers too: kept, one larger than the plan asks would
	// take memory the plan counts on.
	for i := range l.slots {
		e.release(&l.slots[i])
	}
	free, _, err := e.ctx.MemInfo()
	if err != nil {
		return nil, fmt.Errorf("device memory: %w", err)
	}
	budget := free * 4 / 5
	plan, ok := planFor(budget)
	if !ok {
		return nil, &bandTooLarge{"a band of one output row", need(plan), budget}
	}
	return grow(plan)
}

// bandTooLarge is an image too wide for the memory a device can give
// it: the device is fine, and a larger one may take the image.
type bandTooLarge struct {
	what        string
	need, avail int64
}

func (b *bandTooLarge) Error() string {
	return fmt.Sprintf("%s needs %d bytes, over the %d of device memory available", b.what, b.need, b.avail)
}

// busyOthers reports whether another lane than l has an image in flight
// (e.mu held).
func (e *ResizeEngine) busyOthers(l *resizeLane) bool {
	for _, o := range e.all {
		if o != l && o.busy {
			return true
		}
	}
	return false
}

// releaseIdle frees the buffers of the lanes other than l with no image
// in flight (e.mu held): they grow again as their next image needs.
func (e *ResizeEngine) releaseIdle(l *resizeLane) {
	for _, o := range e.all {
		if o != l && !o.busy {
			for i := range o.slots {
				e.release(&o.slots[i])
			}
		}
	}
}

// release frees s's buffers.
func (e *ResizeEngine) release(s *resizeSlot) {
	for _, p := range []*DevPtr{&s.devIn, &s.devMid, &s.devO} {
		if *p != 0 {
			e.ctx.Free(*p)
			*p = 0
		}
	}
	for _, h := range []*HostBuffer{&s.hostIn, &s.hostOut} {
		if *h != nil {
			(*h).Free()
			*h = nil
		}
	}
	s.sizeIn, s.sizeMid, s.sizeO = 0, 0, 0
}

// grow makes s's buffers at least as large as asked; the lane's streams
// are idle. Buffers only grow, so a batch of like images allocates on its
// first image only.
func (e *ResizeEngine) grow(s *resizeSlot, in, mid, out int) error {
	for _, b := range []struct {
		dev  *DevPtr
		host *HostBuffer
		size *int
		want int
	}{{&s.devIn, &s.hostIn, &s.sizeIn, in}, {&s.devMid, nil, &s.sizeMid, mid}, {&s.devO, &s.hostOut, &s.sizeO, out}} {
		if b.want <= *b.size {
			continue
		}
		if *b.dev != 0 {
			e.ctx.Free(*b.dev)
			*b.dev = 0
		}
		if b.host != nil && *b.host != nil {
			(*b.host).Free()
			*b.host = nil
		}
		*b.size = 0
		p, err := e.ctx.Alloc(b.want)
		if err != nil {
			return err
		}
		*b.dev = p
		if b.host != nil {
			if *b.host, err = e.ctx.AllocHost(b.want); err != nil {
				return err
			}
		}
		*b.size = b.want
	}
	return nil
}

// Close releases the lanes' buffers, events and streams, the tables and
// the context.
func (e *ResizeEngine) Close() error {
	for _, l := range e.all {
		for _, st := range l.streams {
			if st != nil {
				st.Synchronize()
				st.Close()
			}
		}
		for i := range l.slots {
			s := &l.slots[i]
			for _, p := range []DevPtr{s.devIn, s.devMid, s.devO} {
				if p != 0 {
					e.ctx.Free(p)
				}
			}
			for _, h := range []HostBuffer{s.hostIn, s.hostOut} {
				if h != nil {
					h.Free()
				}
			}
			for _, m := range s.marks {
				if m != nil {
					m.Close()
				}
			}
		}
	}
	for _, d := range e.tables {
		for _, p := range []DevPtr{d.start, d.count, d.weights} {
			e.ctx.Free(p)
		}
	}
	if e.tableS != nil {
		e.tableS.Close()
	}
	return e.ctx.Close()
}
