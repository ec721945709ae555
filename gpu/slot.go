package gpu

import (
	"fmt"
	"time"
	"unsafe"
)

// openDevice opens device on drv, checking first that drv has it: the
// context, and the device's multiprocessor count (which sizes the grids of
// kernels that stride over their work).
func openDevice(drv Driver, device int) (Context, int, error) {
	devs, err := drv.Devices()
	if err != nil {
		return nil, 0, fmt.Errorf("%s devices: %w", drv.Name(), err)
	}
	if device < 0 || device >= len(devs) {
		return nil, 0, fmt.Errorf("%s has no device %d (it has %d)", drv.Name(), device, len(devs))
	}
	ctx, err := drv.Open(device)
	if err != nil {
		return nil, 0, fmt.Errorf("open %s device %d: %w", drv.Name(), device, err)
	}
	return ctx, devs[device].Multiprocessors, nil
}

// streamSlot is what one chunk in flight holds for the engines that test
// numbers in chunks: a stream, the pinned and device buffers it uses there,
// kept for the engine's life, and four events around its three phases
// (copies in, kernels, copy out), which time them.
type streamSlot struct {
	stream Stream
	marks  [4]Event
	hosts  []HostBuffer
	devs   []DevPtr
}

// hostBuffer and devBuffer ask open for a buffer of bytes, written to
// *to, which the engine's slot struct names and its argument lists point at.
type hostBuffer struct {
	to    *HostBuffer
	bytes int
}

type devBuffer struct {
	to    *DevPtr
	bytes int
}

// open makes the slot's stream, buffers and events on ctx. On an error
// what it made so far stays recorded, for close.
func (s *streamSlot) open(ctx Context, hosts []hostBuffer, devs []devBuffer) error {
	var err error
	if s.stream, err = ctx.NewStream(); err != nil {
		return err
	}
	for _, h := range hosts {
		if *h.to, err = ctx.AllocHost(h.bytes); err != nil {
			return err
		}
		s.hosts = append(s.hosts, *h.to)
	}
	for _, d := range devs {
		if *d.to, err = ctx.Alloc(d.bytes); err != nil {
			return err
		}
		s.devs = append(s.devs, *d.to)
	}
	for j := range s.marks {
		if s.marks[j], err = ctx.NewEvent(); err != nil {
			return err
		}
	}
	return nil
}

// close waits for the slot's stream, since a failed call can leave work
// queued that still uses the buffers, then releases everything open made.
func (s *streamSlot) close(ctx Context) {
	if s.stream != nil {
		s.stream.Synchronize()
		s.stream.Close()
	}
	for _, b := range s.hosts {
		b.Free()
	}
	for _, p := range s.devs {
		ctx.Free(p)
	}
	for _, m := range s.marks {
		if m != nil {
			m.Close()
		}
	}
}

// toDevice is a copy in; pass, a kernel launch.
type toDevice struct {
	to    DevPtr
	from  HostBuffer
	bytes int
}

type pass struct {
	fn          Function
	grid, block Dim3
	args        []unsafe.Pointer
}

// queue sends a chunk through the slot's stream: the copies in, the
// passes, and outBytes copied back from out into hostOut, each phase
// between two of the slot's events.
func (s *streamSlot) queue(in []toDevice, passes []pass, hostOut HostBuffer, out DevPtr, outBytes int) error {
	err := s.stream.Record(s.marks[0])
	for _, c := range in {
		if err == nil {
			err = s.stream.CopyToDevice(c.to, c.from, 0, c.bytes)
		}
	}
	if err == nil {
		err = s.stream.Record(s.marks[1])
	}
	for _, p := range passes {
		if err == nil {
			err = launch(s.stream, p.fn, p.grid, p.block, p.args)
		}
	}
	if err == nil {
		err = s.stream.Record(s.marks[2])
	}
	if err == nil {
		err = s.stream.CopyToHost(hostOut, 0, out, outBytes)
	}
	if err == nil {
		err = s.stream.Record(s.marks[3])
	}
	return err
}

// addTimes adds the phases of the chunk the slot last delivered to t,
// and counts the chunk.
func (s *streamSlot) addTimes(t *Timings) error {
	for i, d := range []*time.Duration{&t.HostToDevice, &t.Kernel, &t.DeviceToHost} {
		dt, err := s.marks[i+1].Since(s.marks[i])
		if err != nil {
			return fmt.Errorf("timing: %w", err)
		}
		*d += dt
	}
	t.Chunks++
	return nil
}
