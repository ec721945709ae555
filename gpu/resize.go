package gpu

import (
	"fmt"
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
// The output is made in bands of rows sized to the device's free memory:
// each band uploads the source rows it reads, runs the horizontal kernel
// into an intermediate band and the vertical kernel into the output band,
// and copies that back. Two streams take turns, so one band's copies
// overlap the other's kernels.
type ResizeEngine struct {
	ctx    Context
	fnH    Function
	fnV    Function
	filter corescale.Filter
	kernel resample.Kernel
	slots  [2]Stream
	// Budget caps the device memory a resize may use, in bytes (zero: four
	// fifths of what is free).
	Budget int64
	// Timings add up the phases of every band, from the device's events.
	Timings Timings
}

// NewResizeEngine opens device on drv and prepares the resize kernels for
// filter.
func NewResizeEngine(drv Driver, device int, filter corescale.Filter) (*ResizeEngine, error) {
	e := &ResizeEngine{filter: filter}
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
		e.Close() // the streams init made, then the context
		return nil, err
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
	for i := range e.slots {
		if e.slots[i], err = e.ctx.NewStream(); err != nil {
			return err
		}
	}
	return nil
}

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

// upload copies a table to the device through a pinned buffer.
func (e *ResizeEngine) upload(t *resample.Table, s Stream, keep *[]func()) (devTable, error) {
	d := devTable{stride: uint32(t.Stride)}
	for _, part := range []struct {
		dst  *DevPtr
		vals []int32
	}{{&d.start, t.Start}, {&d.count, t.Count}, {&d.weights, t.Fixed}} {
		n := 4 * len(part.vals)
		p, err := e.ctx.Alloc(n)
		if err != nil {
			return d, err
		}
		*part.dst = p
		*keep = append(*keep, func() { e.ctx.Free(p) })
		h, err := e.ctx.AllocHost(n)
		if err != nil {
			return d, err
		}
		*keep = append(*keep, func() { h.Free() })
		copy(h.Bytes(), unsafe.Slice((*byte)(unsafe.Pointer(&part.vals[0])), n))
		if err := s.CopyToDevice(p, h, 0, n); err != nil {
			return d, err
		}
	}
	return d, s.Synchronize()
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
	if dst.Channels != src.Channels || src.Channels < 1 || src.Channels > 4 {
		return fmt.Errorf("gpu resize: %d channels into %d", src.Channels, dst.Channels)
	}
	if src.Width <= 0 || src.Height <= 0 || dst.Width <= 0 || dst.Height <= 0 {
		return fmt.Errorf("gpu resize: %d×%d to %d×%d: sizes must be positive", src.Width, src.Height, dst.Width, dst.Height)
	}
	ch := src.Channels
	// The kernels take sizes, strides and row numbers as uint32 and step
	// through them by the grid's extent; below 2^31 neither overflows.
	if src.Width*ch >= 1<<31 || dst.Width*ch >= 1<<31 || src.Height >= 1<<31 || dst.Height >= 1<<31 {
		return fmt.Errorf("gpu resize: %d×%d to %d×%d: a side too large for the kernels", src.Width, src.Height, dst.Width, dst.Height)
	}
	if !(span[0] < span[2] && span[1] < span[3]) {
		return fmt.Errorf("gpu resize: span %v of %d×%d is empty", span, src.Width, src.Height)
	}
	th, tv := e.table(src.Width, span[0], span[2], dst.Width), e.table(src.Height, span[1], span[3], dst.Height)
	var release []func()
	defer func() {
		// On an error, work queued before it may still be reading or
		// writing these buffers: wait for both streams before freeing
		// them (their errors are the one already returned, or none).
		for _, st := range e.slots {
			st.Synchronize()
		}
		for i := len(release) - 1; i >= 0; i-- {
			release[i]()
		}
	}()
	dh, err := e.upload(th, e.slots[0], &release)
	if err != nil {
		return fmt.Errorf("gpu resize: %w", err)
	}
	dv, err := e.upload(tv, e.slots[0], &release)
	if err != nil {
		return fmt.Errorf("gpu resize: %w", err)
	}
	budget := e.Budget
	if budget <= 0 {
		free, _, err := e.ctx.MemInfo()
		if err != nil {
			return fmt.Errorf("gpu resize: device memory: %w", err)
		}
		budget = free * 4 / 5
	}
	srcRow, midRow, dstRow := src.Width*ch, dst.Width*ch, dst.Width*ch
	// The largest band whose buffers, twice over, fit the budget.
	rows, plan := dst.Height, bands(tv, dst.Height)
	need := func(bs []band) int64 {
		var most int64
		for _, b := range bs {
			most = max(most, int64(b.last-b.first)*int64(srcRow+midRow)+int64(b.y1-b.y0)*int64(dstRow))
		}
		return 2 * most
	}
	for need(plan) > budget && rows > 1 {
		rows = (rows + 1) / 2
		plan = bands(tv, rows)
	}
	if need(plan) > budget {
		return fmt.Errorf("gpu resize: a band of one output row needs %d bytes, over the %d of device memory available", need(plan), budget)
	}
	maxIn, maxRows := 0, 0
	for _, b := range plan {
		maxIn, maxRows = max(maxIn, b.last-b.first), max(maxRows, b.y1-b.y0)
	}
	type slot struct {
		hostIn, hostOut     HostBuffer
		devIn, devMid, devO DevPtr
		marks               [4]Event // before and after each phase
		pending             *band
	}
	var slots [2]slot
	for i := range slots {
		s := &slots[i]
		for _, a := range []struct {
			p *DevPtr
			n int
		}{{&s.devIn, maxIn * srcRow}, {&s.devMid, maxIn * midRow}, {&s.devO, maxRows * dstRow}} {
			p, err := e.ctx.Alloc(a.n)
			if err != nil {
				return fmt.Errorf("gpu resize: %w", err)
			}
			*a.p = p
			release = append(release, func() { e.ctx.Free(p) })
		}
		if s.hostIn, err = e.ctx.AllocHost(maxIn * srcRow); err != nil {
			return fmt.Errorf("gpu resize: %w", err)
		}
		release = append(release, func() { s.hostIn.Free() })
		if s.hostOut, err = e.ctx.AllocHost(maxRows * dstRow); err != nil {
			return fmt.Errorf("gpu resize: %w", err)
		}
		release = append(release, func() { s.hostOut.Free() })
		for j := range s.marks {
			if s.marks[j], err = e.ctx.NewEvent(); err != nil {
				return fmt.Errorf("gpu resize: %w", err)
			}
			m := s.marks[j]
			release = append(release, func() { m.Close() })
		}
	}
	finish := func(i int) error {
		s := &slots[i]
		if s.pending == nil {
			return nil
		}
		if err := e.slots[i].Synchronize(); err != nil {
			return fmt.Errorf("gpu resize: %w", err)
		}
		b := s.pending
		out := s.hostOut.Bytes()
		for y := b.y0; y < b.y1; y++ {
			copy(dst.Row(y), out[(y-b.y0)*dstRow:(y-b.y0+1)*dstRow])
		}
		s.pending = nil
		for j, d := range []*time.Duration{&e.Timings.HostToDevice, &e.Timings.Kernel, &e.Timings.DeviceToHost} {
			t, err := s.marks[j+1].Since(s.marks[j])
			if err != nil {
				return fmt.Errorf("gpu resize: timing: %w", err)
			}
			*d += t
		}
		e.Timings.Chunks++
		return nil
	}
	for i := range plan {
		b := &plan[i]
		k := i % 2
		if err := finish(k); err != nil {
			return err
		}
		s, st := &slots[k], e.slots[k]
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
	for k := range slots {
		if err := finish(k); err != nil {
			return err
		}
	}
	return nil
}

// Close releases the streams and the context.
func (e *ResizeEngine) Close() error {
	for _, s := range e.slots {
		if s != nil {
			s.Close()
		}
	}
	return e.ctx.Close()
}
