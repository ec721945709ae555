package gpu

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeChunk is the numbers lo to hi of a batch, in memory.
type fakeChunk struct{ lo, hi int }

// fakeEngine is a device with slots and no driver: queue notes the chunk,
// wait takes delay (so engines differ in speed), deliver counts each
// number. failAt makes a step fail: the failAt-th wait ("wait"), the
// failAt-th deliver ("deliver") or the failAt-th queue ("queue").
type fakeEngine struct {
	device    int
	chunk     int
	delay     time.Duration
	ring      slotRing[fakeChunk]
	delivered []int // shared by the engines of a batch, under mu
	mu        *sync.Mutex
	failStep  string
	failAt    int
	failed    error
	// hold, when set, holds every wait until it is closed; onFail runs
	// when the step fails. Together they make sure a device fails with
	// chunks left, before the others have taken them all.
	hold   chan struct{}
	onFail func()

	queued, waited, done int
	// inFlightAtFailure is how many chunks were queued and not delivered
	// when the device failed.
	inFlightAtFailure int
}

func (e *fakeEngine) Device() int { return e.device }

func (e *fakeEngine) work(take func() (fakeChunk, bool)) ([]fakeChunk, error) {
	return e.ring.work(e, take)
}

func (e *fakeEngine) failure() error { return e.failed }
func (e *fakeEngine) fail(err error) { e.failed = err }
func (e *fakeEngine) errAt(step string) error {
	e.inFlightAtFailure = e.queued - e.done
	if e.onFail != nil {
		e.onFail()
	}
	return fmt.Errorf("fake device %d: %s %d failed", e.device, step, e.failAt)
}

func (e *fakeEngine) queue(slot int, c fakeChunk) error {
	e.queued++
	if e.failStep == "queue" && e.queued == e.failAt {
		return e.errAt("queue")
	}
	return nil
}

func (e *fakeEngine) wait(slot int) error {
	if e.hold != nil {
		<-e.hold
	}
	time.Sleep(e.delay)
	e.waited++
	if e.failStep == "wait" && e.waited == e.failAt {
		return e.errAt("wait")
	}
	return nil
}

func (e *fakeEngine) deliver(slot int, c fakeChunk) error {
	e.mu.Lock()
	for i := c.lo; i < c.hi; i++ {
		e.delivered[i]++
	}
	e.mu.Unlock()
	e.done++
	if e.failStep == "deliver" && e.done == e.failAt {
		return e.errAt("deliver")
	}
	return nil
}

// fakeChunks cuts a batch lazily to each taker's chunk size, as
// primeChunks does, and cuts chunks put back again.
type fakeChunks struct {
	n, next int
	retry   []fakeChunk
}

func (q *fakeChunks) take(e *fakeEngine) (fakeChunk, bool) {
	if k := len(q.retry); k > 0 {
		c := q.retry[k-1]
		q.retry = q.retry[:k-1]
		if c.hi-c.lo > e.chunk {
			q.retry = append(q.retry, fakeChunk{c.lo + e.chunk, c.hi})
			c.hi = c.lo + e.chunk
		}
		return c, true
	}
	if q.next >= q.n {
		return fakeChunk{}, false
	}
	c := fakeChunk{q.next, min(q.n, q.next+e.chunk)}
	q.next = c.hi
	return c, true
}

func (q *fakeChunks) putBack(cs []fakeChunk) { q.retry = append(q.retry, cs...) }
func (q *fakeChunks) done() bool             { return len(q.retry) == 0 && q.next >= q.n }

// fakeDevices makes engines of the given chunk sizes, delays and
// failures, numbered in order, with rings of 3 and 2 slots in turn.
func fakeDevices(specs ...fakeEngine) []*fakeEngine {
	mu := &sync.Mutex{}
	var engines []*fakeEngine
	for i, s := range specs {
		e := s
		e.device = i
		e.mu = mu
		e.ring = newSlotRing[fakeChunk](3 - i%2)
		engines = append(engines, &e)
	}
	return engines
}

type lostLog struct {
	devices []int
	errs    []error
}

func (l *lostLog) lost(device int, err error) {
	l.devices = append(l.devices, device)
	l.errs = append(l.errs, err)
}

// runFake runs a batch of n numbers on engines and returns how many times
// each was delivered.
func runFake(engines []*fakeEngine, n int, l *lostLog) ([]int, error) {
	delivered := make([]int, n)
	for _, e := range engines {
		e.delivered = delivered
	}
	plan := func(live []*fakeEngine) *fakeChunks { return &fakeChunks{n: n} }
	return delivered, runOnDevices(engines, plan, l.lost, "fake")
}

func checkOnce(t *testing.T, delivered []int) {
	t.Helper()
	for i, c := range delivered {
		if c != 1 {
			t.Fatalf("number %d delivered %d times, want once", i, c)
		}
	}
}

// TestRunOnDevicesLoseOne: a device failing with chunks in flight is
// dropped, lost hears of it once, and its chunks are delivered by the
// others exactly once, whichever step failed.
func TestRunOnDevicesLoseOne(t *testing.T) {
	for _, step := range []string{"wait", "deliver", "queue"} {
		t.Run(step, func(t *testing.T) {
			const n = 10000
			hold := make(chan struct{})
			engines := fakeDevices(
				fakeEngine{chunk: 97, delay: 20 * time.Microsecond, hold: hold},
				fakeEngine{chunk: 61, hold: hold},
				fakeEngine{chunk: 250, delay: 50 * time.Microsecond, failStep: step, failAt: 4, onFail: func() { close(hold) }},
			)
			var l lostLog
			delivered, err := runFake(engines, n, &l)
			if err != nil {
				t.Fatalf("one of three devices failed, and the batch with it: %v", err)
			}
			checkOnce(t, delivered)
			bad := engines[2]
			if bad.failed == nil {
				t.Fatal("device 2 did not fail: the test tests nothing")
			}
			if bad.inFlightAtFailure < 2 {
				t.Fatalf("device 2 failed with %d chunks in flight, want several", bad.inFlightAtFailure)
			}
			if len(l.devices) != 1 || l.devices[0] != 2 || l.errs[0] != bad.failed {
				t.Fatalf("lost heard of %v (%v), want device 2 once with its error %v", l.devices, l.errs, bad.failed)
			}
			for _, e := range engines[:2] {
				if e.failed != nil || e.done == 0 {
					t.Errorf("device %d: failed %v, %d chunks delivered", e.device, e.failed, e.done)
				}
			}

			// The failed device is dropped for the engines' life.
			engines[0].hold, engines[1].hold = nil, nil
			queued := bad.queued
			delivered, err = runFake(engines, n, &l)
			if err != nil {
				t.Fatal(err)
			}
			checkOnce(t, delivered)
			if bad.queued != queued {
				t.Errorf("the failed device took %d chunks of the next batch", bad.queued-queued)
			}
			if len(l.devices) != 1 {
				t.Errorf("lost heard of %v, want device 2 once in all", l.devices)
			}
		})
	}
}

// TestRunOnDevicesAllFail: with every device failed the batch fails
// naming each device's error, and lost, with no device left, hears of
// none.
func TestRunOnDevicesAllFail(t *testing.T) {
	const n = 5000
	engines := fakeDevices(
		fakeEngine{chunk: 100, failStep: "wait", failAt: 3},
		fakeEngine{chunk: 300, delay: 10 * time.Microsecond, failStep: "queue", failAt: 2},
		fakeEngine{chunk: 50, failStep: "wait", failAt: 5},
	)
	var l lostLog
	_, err := runFake(engines, n, &l)
	if err == nil {
		t.Fatal("every device failed, and the batch did not")
	}
	if !strings.Contains(err.Error(), "fake: every device failed") {
		t.Errorf("error %q does not say every device failed", err)
	}
	for _, e := range engines {
		if e.failed == nil || !errors.Is(err, e.failed) {
			t.Errorf("error %q does not hold device %d's %v", err, e.device, e.failed)
		}
	}
	// Devices lost before the last are reported as they go; the last
	// leaves none, and the batch's error says it all.
	if len(l.devices) >= len(engines) {
		t.Errorf("lost heard of %v, all %d devices", l.devices, len(engines))
	}

	// A later batch, even an empty one, fails at once with the same.
	if _, err2 := runFake(engines, 0, &l); err2 == nil || err2.Error() != err.Error() {
		t.Errorf("after every device failed, an empty batch gave %v, want %v", err2, err)
	}
}

// TestRunOnDevicesOneFails: a lone device's error is the batch's as it
// is: it already names the device.
func TestRunOnDevicesOneFails(t *testing.T) {
	engines := fakeDevices(fakeEngine{chunk: 100, failStep: "wait", failAt: 2})
	var l lostLog
	_, err := runFake(engines, 1000, &l)
	if err == nil || err != engines[0].failed {
		t.Fatalf("got %v, want the device's own error %v", err, engines[0].failed)
	}
	if len(l.devices) != 0 {
		t.Errorf("lost heard of %v with no device left", l.devices)
	}
}

// TestRunOnDevicesEmpty: an empty batch succeeds without queueing.
func TestRunOnDevicesEmpty(t *testing.T) {
	engines := fakeDevices(fakeEngine{chunk: 10}, fakeEngine{chunk: 20})
	var l lostLog
	if _, err := runFake(engines, 0, &l); err != nil {
		t.Fatal(err)
	}
	for _, e := range engines {
		if e.queued != 0 {
			t.Errorf("device %d queued %d chunks of an empty batch", e.device, e.queued)
		}
	}
}

// TestSlotRingOrder: a device's ring refills a slot only after delivering
// its chunk, and delivers in the order it queued.
func TestSlotRingOrder(t *testing.T) {
	var log []string
	d := &orderDevice{log: &log}
	r := newSlotRing[int](3)
	next := 0
	_, err := r.work(d, func() (int, bool) {
		if next == 4 {
			return 0, false
		}
		next++
		return next, true
	})
	if err != nil {
		t.Fatal(err)
	}
	// The batch ends on slot 1, empty: slot 2's chunk is older than 0's.
	want := "q0:1 q1:2 q2:3 w0 d0:1 q0:4 w1 d1:2 w2 d2:3 w0 d0:4"
	if got := strings.Join(log, " "); got != want {
		t.Errorf("ring steps\n%s\nwant\n%s", got, want)
	}
}

type orderDevice struct{ log *[]string }

func (d *orderDevice) queue(slot, j int) error {
	*d.log = append(*d.log, fmt.Sprintf("q%d:%d", slot, j))
	return nil
}

func (d *orderDevice) wait(slot int) error {
	*d.log = append(*d.log, fmt.Sprintf("w%d", slot))
	return nil
}

func (d *orderDevice) deliver(slot, j int) error {
	*d.log = append(*d.log, fmt.Sprintf("d%d:%d", slot, j))
	return nil
}
