//go:build cgo

package fakecuda

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestPrimaryContexts: a device's primary context is one context however
// often it is retained; it lives until released as often, and the last
// release reports what is still alive in it; cuCtxDestroy refuses it.
func TestPrimaryContexts(t *testing.T) {
	log := setup(t, "FAKECUDA_DEVICES=2")
	mustInit(t)
	a, err := retainPrimary(1)
	if err != nil {
		t.Fatal(err)
	}
	b, err := retainPrimary(1)
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Fatalf("device 1's primary context retained twice: %v and %v", a.h, b.h)
	}
	if c, _ := retainPrimary(0); c == a {
		t.Fatal("devices 0 and 1 share a primary context")
	}
	is(t, "cuCtxDestroy of a primary context", a.destroy(), errInvalidContext)
	if err := a.makeCurrent(); err != nil {
		t.Fatal(err)
	}
	if _, err := memAlloc(64); err != nil {
		t.Fatal(err)
	}
	if err := releasePrimary(1); err != nil {
		t.Fatal(err)
	}
	if _, err := memAlloc(64); err != nil {
		t.Fatalf("after one of two releases: %v", err)
	}
	if err := releasePrimary(1); err != nil {
		t.Fatal(err)
	}
	_, err = memAlloc(64)
	is(t, "after the last release", err, errContextIsDestroyed)
	logHas(t, log, "2 device allocation(s) (128 bytes)")
	is(t, "a third release", releasePrimary(1), errInvalidContext)
	if err := releasePrimary(0); err != nil {
		t.Fatal(err)
	}
}

// TestLoseOneDevice: FAKECUDA_LOSE_DEVICE=N@DEV loses device DEV after its
// own Nth launch; the other device goes on working.
func TestLoseOneDevice(t *testing.T) {
	log := setup(t, "FAKECUDA_DEVICES=2", "FAKECUDA_LOSE_DEVICE=2@1")
	mustInit(t)
	c0, _ := retainPrimary(0)
	c1, _ := retainPrimary(1)
	ns := numbers(64, 3)
	var runs [2]*primeRun
	for d, c := range []context{c0, c1} {
		if err := c.makeCurrent(); err != nil {
			t.Fatal(err)
		}
		runs[d] = newPrimeRun(t, len(ns))
		runs[d].put(ns)
		if err := runs[d].s.copyToDevice(runs[d].dIn, runs[d].in, 0, 8*len(ns)); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 3 {
		for d, c := range []context{c0, c1} {
			c.makeCurrent()
			err := runs[d].launch()
			if d == 1 && i == 2 {
				is(t, "device 1's third launch", err, errUnknown)
				continue
			}
			if err != nil {
				t.Fatalf("device %d launch %d: %v", d, i+1, err)
			}
		}
	}
	c1.makeCurrent()
	is(t, "device 1 synchronised", runs[1].s.synchronize(), errUnknown)
	c0.makeCurrent()
	r := runs[0]
	if err := r.s.copyToHost(r.out, 0, r.dOut, r.n); err != nil {
		t.Fatal(err)
	}
	if err := r.s.synchronize(); err != nil {
		t.Fatalf("device 0 after device 1 was lost: %v", err)
	}
	if got, want := string(r.out.bytes()), string(verdicts(ns)); got != want {
		t.Error("device 0's verdicts are wrong after device 1 was lost")
	}
	if n, err := deviceCount(); n != 2 || err != nil {
		t.Errorf("cuDeviceGetCount with one of two devices lost: %d, %v", n, err)
	}
	logHas(t, log, "the device is lost after launch 4 (device 1)")
	if err := releasePrimary(1); err != nil {
		t.Errorf("release of the lost device's context: %v", err)
	}
	for _, bad := range []string{"FAKECUDA_LOSE_DEVICE=2@2", "FAKECUDA_FAIL_ALLOC=2@2", "FAKECUDA_FAIL_LAUNCH=1@every"} {
		setup(t, "FAKECUDA_DEVICES=2", bad)
		is(t, bad, initDriver(), errInvalidValue)
	}
}

// TestTrace: FAKECUDA_TRACE writes a line per call with its device,
// context, stream and size, and, for a copy or launch, the launches then
// queued on the context's other streams.
func TestTrace(t *testing.T) {
	trace := filepath.Join(t.TempDir(), "trace")
	setup(t, "FAKECUDA_TRACE="+trace)
	mustInit(t)
	c, _ := retainPrimary(0)
	c.makeCurrent()
	ns := numbers(16, 1)
	a, b := newPrimeRun(t, len(ns)), newPrimeRun(t, len(ns))
	a.put(ns)
	b.put(ns)
	if err := a.s.copyToDevice(a.dIn, a.in, 0, 8*a.n); err != nil {
		t.Fatal(err)
	}
	if err := a.launch(); err != nil {
		t.Fatal(err)
	}
	if err := b.s.copyToDevice(b.dIn, b.in, 0, 8*b.n); err != nil {
		t.Fatal(err)
	}
	a.s.synchronize()
	b.s.synchronize()
	raw, err := os.ReadFile(trace)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
	want := []string{
		`^\d+ fn=cuInit r=0 dev=-1 ctx=-1$`,
		`^\d+ fn=cuDevicePrimaryCtxRetain r=0 dev=0 ctx=\d+$`,
		`^\d+ fn=cuMemAlloc_v2 r=0 dev=0 ctx=\d+ bytes=128$`,
		`^\d+ fn=cuMemAllocHost_v2 r=0 dev=0 ctx=\d+ bytes=16$`,
		`^\d+ fn=cuMemcpyHtoDAsync_v2 r=0 dev=0 ctx=\d+ stream=\d+ bytes=128 busy=0$`,
		`^\d+ fn=cuLaunchKernel r=0 dev=0 ctx=\d+ stream=\d+ kernel=is_prime_u64 grid=1,1,1 busy=0$`,
		`^\d+ fn=cuMemcpyHtoDAsync_v2 r=0 dev=0 ctx=\d+ stream=\d+ bytes=128 busy=1$`,
		`^\d+ fn=cuStreamSynchronize r=0 dev=0 ctx=\d+ stream=\d+$`,
	}
	for _, w := range want {
		re := regexp.MustCompile(w)
		found := false
		for _, l := range lines {
			found = found || re.MatchString(l)
		}
		if !found {
			t.Errorf("no line of the trace matches %s; it holds:\n%s", w, raw)
		}
	}
}

// TestFaultsPerDevice: FAKECUDA_FAIL_ALLOC and FAKECUDA_FAIL_LAUNCH count
// one device's own calls with @DEV, and each device's with @all, so that
// a test can fail one device of several, or every one, whichever device
// the scheduling puts the process's Nth call on.
func TestFaultsPerDevice(t *testing.T) {
	type step struct {
		dev  int
		want error
	}
	for _, c := range []struct {
		setting string
		steps   []step // allocations, or launches, in this order
	}{
		{"FAKECUDA_FAIL_ALLOC=2@1", []step{{0, nil}, {0, nil}, {1, nil}, {0, nil}, {1, errOutOfMemory}, {1, nil}}},
		{"FAKECUDA_FAIL_ALLOC=2@all", []step{{0, nil}, {1, nil}, {0, errOutOfMemory}, {0, nil}, {1, errOutOfMemory}}},
		{"FAKECUDA_FAIL_ALLOC=3", []step{{0, nil}, {1, nil}, {0, errOutOfMemory}, {1, nil}}},
		{"FAKECUDA_FAIL_LAUNCH=2:701@1", []step{{0, nil}, {1, nil}, {0, nil}, {1, errLaunchOutOfResources}}},
		{"FAKECUDA_FAIL_LAUNCH=1:701@all", []step{{1, errLaunchOutOfResources}, {0, errLaunchOutOfResources}, {0, nil}}},
	} {
		t.Run(c.setting, func(t *testing.T) {
			setup(t, "FAKECUDA_DEVICES=2", c.setting)
			mustInit(t)
			var ctxs [2]context
			var runs [2]*primeRun
			launches := strings.Contains(c.setting, "LAUNCH")
			for d := range ctxs {
				var err error
				if ctxs[d], err = retainPrimary(d); err != nil {
					t.Fatal(err)
				}
				if launches {
					ctxs[d].makeCurrent()
					runs[d] = newPrimeRun(t, 16)
					runs[d].put(numbers(16, 1))
				}
			}
			for i, s := range c.steps {
				if err := ctxs[s.dev].makeCurrent(); err != nil {
					t.Fatal(err)
				}
				var err error
				if launches {
					err = runs[s.dev].launch()
				} else {
					var p devPtr
					if p, err = memAlloc(64); err == nil {
						memFree(p)
					}
				}
				is(t, fmt.Sprintf("call %d, on device %d", i+1, s.dev), err, s.want)
			}
		})
	}
}

// TestLoseEveryDevice: with every device lost (@all), a call that names no
// device fails, but a lost device's context can still be made current, so
// that its owner's frees reach the driver (answering the loss) and the
// release that destroys it: as with one device of several lost.
func TestLoseEveryDevice(t *testing.T) {
	log := setup(t, "FAKECUDA_DEVICES=2", "FAKECUDA_LOSE_DEVICE=1@all")
	mustInit(t)
	var ptrs [2]devPtr
	var ctxs [2]context
	for d := range 2 {
		c, _ := retainPrimary(d)
		ctxs[d] = c
		if err := c.makeCurrent(); err != nil {
			t.Fatal(err)
		}
		r := newPrimeRun(t, 16)
		ptrs[d] = r.dIn
		if err := r.launch(); err != nil {
			t.Fatalf("device %d's launch: %v", d, err)
		}
	}
	_, err := deviceCount()
	is(t, "cuDeviceGetCount with every device lost", err, errUnknown)
	for d := range 2 {
		c, _ := retainPrimary(d)
		if c.h != nil {
			t.Errorf("device %d's primary context retained after it was lost", d)
		}
	}
	if err := ctxs[0].makeCurrent(); err != nil {
		t.Fatalf("making lost device 0's context current: %v", err)
	}
	is(t, "cuMemFree on lost device 0", memFree(ptrs[0]), errUnknown)
	for d := range 2 {
		if err := releasePrimary(d); err != nil {
			t.Errorf("device %d's release: %v", d, err)
		}
	}
	raw, _ := os.ReadFile(log)
	if n := strings.Count(string(raw), " ctx-destroy "); n != 2 {
		t.Errorf("%d contexts destroyed, want both; the log:\n%s", n, raw)
	}
}
