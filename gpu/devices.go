package gpu

import (
	"errors"
	"fmt"
	"sync"
)

// The scheduler every multi-device engine shares (PrimeDevices,
// BigPrimeDevices): each device's engine takes chunks from one shared
// queue as it frees one of its slots, so a faster device takes more than
// a static split would give it; a device that fails is dropped for the
// engine's life and its undelivered chunks go back to the queue for the
// others, since their inputs are still on the host and the others run the
// same kernels.

// slotDevice is what a slotRing drives: a device with a fixed number of
// slots (each its stream and buffers), a chunk of type J in each.
type slotDevice[J any] interface {
	// queue sends job through slot's stream without waiting for it.
	queue(slot int, job J) error
	// wait waits for slot's chunk; after an error the chunk is not
	// delivered, and goes back to the queue.
	wait(slot int) error
	// deliver hands out slot's chunk once wait has succeeded. The chunk
	// counts as delivered even when it fails (a timing that cannot be
	// read): its results are already out, so it is not tested again.
	deliver(slot int, job J) error
}

// slotRing keeps which of a device's slots hold a chunk, and which.
type slotRing[J any] struct {
	jobs []J
	busy []bool // jobs[i] is queued and not yet delivered
}

func newSlotRing[J any](slots int) slotRing[J] {
	return slotRing[J]{jobs: make([]J, slots), busy: make([]bool, slots)}
}

// work queues the chunks take gives on d's slots in turn, delivering each
// slot's chunk before the slot takes another, until take has no more: so
// one chunk travels while another's kernels run. On a failure it returns
// the error and the chunks it had not delivered, and the ring is empty.
func (r *slotRing[J]) work(d slotDevice[J], take func() (J, bool)) ([]J, error) {
	n := len(r.jobs)
	k := 0
	for ; ; k++ {
		s := k % n
		if err := r.finish(d, s); err != nil {
			return r.unfinished(), err
		}
		j, ok := take()
		if !ok {
			break
		}
		r.jobs[s], r.busy[s] = j, true
		if err := d.queue(s, j); err != nil {
			return r.unfinished(), err
		}
	}
	// Deliver in the order queued: the oldest chunk is the next slot's.
	for i := range n {
		if err := r.finish(d, (k+i)%n); err != nil {
			return r.unfinished(), err
		}
	}
	return nil, nil
}

// finish delivers slot s's chunk, if it has one.
func (r *slotRing[J]) finish(d slotDevice[J], s int) error {
	if !r.busy[s] {
		return nil
	}
	if err := d.wait(s); err != nil {
		return err
	}
	j := r.jobs[s]
	var zero J
	// Free the slot before delivering: the chunk's results are out even
	// if deliver fails, and the slot's reference must not keep the
	// caller's buffers alive.
	r.jobs[s], r.busy[s] = zero, false
	return d.deliver(s, j)
}

// unfinished returns the chunks of the slots still busy, which are then
// free: the device failed, and another must test them.
func (r *slotRing[J]) unfinished() []J {
	var jobs []J
	var zero J
	for i, busy := range r.busy {
		if busy {
			jobs = append(jobs, r.jobs[i])
			r.jobs[i], r.busy[i] = zero, false
		}
	}
	return jobs
}

// deviceEngine is one device's engine as runOnDevices sees it.
type deviceEngine[J any] interface {
	Device() int
	// work is its slotRing's work on it.
	work(take func() (J, bool)) ([]J, error)
	// failure is why the device failed, nil while it is usable; fail
	// records it for the engine's life.
	failure() error
	fail(err error)
}

// chunkQueue is a batch's chunks not yet taken. runOnDevices calls its
// methods under one lock, so they need none.
type chunkQueue[E, J any] interface {
	// take returns the next chunk for engine e (chunks may be cut to
	// each engine's size), or false when none is left to take.
	take(e E) (J, bool)
	// putBack returns a failed device's undelivered chunks for the
	// others to take.
	putBack(jobs []J)
	// done reports whether every chunk has been taken and none put back.
	done() bool
}

// runOnDevices runs a batch on engines, each taking chunks from the queue
// plan makes for the engines still usable (which it may size them by).
// An engine whose device fails is dropped and its undelivered chunks go
// back to the queue; lost hears of it while others remain (with none left,
// the batch's error says it all). The batch fails, naming every device's
// error after what, only when no device is left.
func runOnDevices[E deviceEngine[J], J any, Q chunkQueue[E, J]](engines []E, plan func(live []E) Q, lost func(device int, err error), what string) error {
	live := usable(engines)
	if len(live) == 0 {
		return deviceErrors(engines, what)
	}
	q := plan(live)
	if q.done() {
		return nil
	}
	var mu sync.Mutex
	for {
		var wg sync.WaitGroup
		for _, e := range live {
			wg.Add(1)
			go func() {
				defer wg.Done()
				unfinished, err := e.work(func() (J, bool) {
					mu.Lock()
					defer mu.Unlock()
					return q.take(e)
				})
				if err == nil {
					return
				}
				mu.Lock()
				e.fail(err)
				q.putBack(unfinished)
				mu.Unlock()
			}()
		}
		wg.Wait()
		var dropped []E
		for _, e := range live {
			if e.failure() != nil {
				dropped = append(dropped, e)
			}
		}
		live = usable(engines)
		if lost != nil && len(live) > 0 {
			for _, e := range dropped {
				lost(e.Device(), e.failure())
			}
		}
		// A device may fail after delivering its last chunk: the batch
		// is still complete.
		if q.done() {
			return nil
		}
		if len(live) == 0 {
			return deviceErrors(engines, what)
		}
	}
}

// usable returns the engines whose device has not failed.
func usable[E deviceEngine[J], J any](engines []E) []E {
	var live []E
	for _, e := range engines {
		if e.failure() == nil {
			live = append(live, e)
		}
	}
	return live
}

// deviceErrors reports why every device failed: a single device's error
// as it is, since it already names the device.
func deviceErrors[E deviceEngine[J], J any](engines []E, what string) error {
	if len(engines) == 1 {
		return engines[0].failure()
	}
	var errs []error
	for _, e := range engines {
		errs = append(errs, e.failure())
	}
	return fmt.Errorf("%s: every device failed: %w", what, errors.Join(errs...))
}

// deviceLoss is a device dropped, and why.
type deviceLoss struct {
	device int
	err    error
}

// setUpLosses holds the devices that failed while a multi-device engine
// opened. They are dropped as a device that fails mid-batch is, and told
// to the engine's Lost, which its caller can set only once the
// constructor has returned: so at the engine's first batch, or at Close
// if none comes. Each is told once.
type setUpLosses struct {
	mu      sync.Mutex
	pending []deviceLoss
}

// tell hands the losses not yet told to lost; with no lost, they wait.
func (s *setUpLosses) tell(lost func(device int, err error)) {
	if lost == nil {
		return
	}
	s.mu.Lock()
	pending := s.pending
	s.pending = nil
	s.mu.Unlock()
	for _, l := range pending {
		lost(l.device, l.err)
	}
}

// openEach opens an engine on each of devices (all of drv's when empty)
// with open, which must release everything a device made when it fails.
// A device that fails to open (its context, module or memory) is left
// out, as one failing mid-batch is dropped, and its error returned among
// the losses; the error, naming each device's after what, comes only when
// no device opens. A device drv does not have is the caller's mistake,
// not a device failing, and fails at once.
func openEach[E any](drv Driver, devices []int, what string, open func(device int) (E, error)) ([]E, []deviceLoss, error) {
	devices, err := DeviceList(drv, devices)
	if err != nil {
		return nil, nil, err
	}
	if len(devices) == 0 {
		return nil, nil, fmt.Errorf("%s: no device to use", drv.Name())
	}
	devs, err := drv.Devices()
	if err != nil {
		return nil, nil, fmt.Errorf("%s devices: %w", drv.Name(), err)
	}
	for _, d := range devices {
		if d < 0 || d >= len(devs) {
			return nil, nil, fmt.Errorf("%s has no device %d (it has %d)", drv.Name(), d, len(devs))
		}
	}
	var engines []E
	var losses []deviceLoss
	var errs []error
	for _, d := range devices {
		e, err := open(d)
		if err != nil {
			losses = append(losses, deviceLoss{d, err})
			errs = append(errs, err)
			continue
		}
		engines = append(engines, e)
	}
	switch {
	case len(engines) > 0:
		return engines, losses, nil
	case len(errs) == 1:
		return nil, nil, errs[0]
	}
	return nil, nil, fmt.Errorf("%s: every device failed: %w", what, errors.Join(errs...))
}

// DeviceList returns devices, or every device of drv when it is empty (no
// --devices, or --devices all).
func DeviceList(drv Driver, devices []int) ([]int, error) {
	if len(devices) > 0 {
		return devices, nil
	}
	devs, err := drv.Devices()
	if err != nil {
		return nil, fmt.Errorf("%s devices: %w", drv.Name(), err)
	}
	all := make([]int, len(devs))
	for i := range all {
		all[i] = i
	}
	return all, nil
}
