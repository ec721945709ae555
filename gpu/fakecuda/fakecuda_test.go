//go:build cgo

package fakecuda

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/corescale/corescale/kernels"
)

// setup gives the driver these settings ("NAME=value") and no other
// FAKECUDA_ variable, with its messages in a log file instead of stderr,
// initialises it, and locks the test to its OS thread, on which contexts
// are current. It returns the log's path.
func setup(t *testing.T, settings ...string) string {
	t.Helper()
	runtime.LockOSThread()
	t.Cleanup(runtime.UnlockOSThread)
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "FAKECUDA_") {
			t.Setenv(k, "")
			os.Unsetenv(k)
		}
	}
	log := filepath.Join(t.TempDir(), "fakecuda.log")
	t.Setenv("FAKECUDA_QUIET", "1")
	t.Setenv("FAKECUDA_LOG", log)
	for _, s := range settings {
		k, v, _ := strings.Cut(s, "=")
		t.Setenv(k, v)
	}
	reset()
	t.Cleanup(func() { reset() })
	return log
}

func mustInit(t *testing.T) {
	t.Helper()
	if err := initDriver(); err != nil {
		t.Fatalf("cuInit: %v", err)
	}
}

// logHas fails the test unless the driver's log holds want.
func logHas(t *testing.T, log, want string) {
	t.Helper()
	b, _ := os.ReadFile(log)
	if !strings.Contains(string(b), want) {
		t.Errorf("the driver's log does not say %q; it holds:\n%s", want, b)
	}
}

func newContext(t *testing.T) context {
	t.Helper()
	c, err := createContext(0)
	if err != nil {
		t.Fatalf("cuCtxCreate: %v", err)
	}
	return c
}

func is(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("%s: got %v, want %v", what, err, want)
	}
}

func u64(v uint64) []byte { return binary.LittleEndian.AppendUint64(nil, v) }
func u32(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }

// primeRun is what a caller of is_prime_u64 holds: the kernel, a stream,
// pinned buffers and device buffers for n numbers.
type primeRun struct {
	f         function
	s         stream
	in, out   pinned
	dIn, dOut devPtr
	n         int
	grid, blk dim3
}

func newPrimeRun(t *testing.T, n int) *primeRun {
	t.Helper()
	m, err := loadModule(kernels.PrimePTX)
	if err != nil {
		t.Fatalf("load the prime PTX: %v", err)
	}
	r := &primeRun{n: n, grid: dim3{uint32(n+255) / 256, 1, 1}, blk: dim3{256, 1, 1}}
	if r.f, err = m.function(kernels.IsPrimeU64.Name); err != nil {
		t.Fatal(err)
	}
	if r.s, err = streamCreate(); err != nil {
		t.Fatal(err)
	}
	if r.in, err = memAllocHost(8 * n); err != nil {
		t.Fatal(err)
	}
	if r.out, err = memAllocHost(n); err != nil {
		t.Fatal(err)
	}
	if r.dIn, err = memAlloc(8 * n); err != nil {
		t.Fatal(err)
	}
	if r.dOut, err = memAlloc(n); err != nil {
		t.Fatal(err)
	}
	return r
}

func (r *primeRun) put(ns []uint64) {
	b := r.in.bytes()
	for i, v := range ns {
		binary.LittleEndian.PutUint64(b[8*i:], v)
	}
}

func (r *primeRun) launch() error {
	return r.f.launch(r.s, r.grid, r.blk, u64(uint64(r.dIn)), u64(uint64(r.dOut)), u32(uint32(r.n)))
}

// verdicts are math/big's, exact below 2^64.
func verdicts(ns []uint64) []byte {
	v := make([]byte, len(ns))
	for i, n := range ns {
		if new(big.Int).SetUint64(n).ProbablyPrime(0) {
			v[i] = 1
		}
	}
	return v
}

func numbers(n int, seed uint64) []uint64 {
	rng := rand.New(rand.NewPCG(seed, seed))
	ns := make([]uint64, n)
	for i := range ns {
		ns[i] = rng.Uint64() | 1
	}
	ns[0], ns[1], ns[2] = 2, 561, 1<<64-59 // the largest prime below 2^64
	return ns
}

// TestPrimeKernel: a correct caller gets the kernel's verdicts, on lazy
// and on eager streams.
func TestPrimeKernel(t *testing.T) {
	for _, mode := range []string{"lazy", "eager"} {
		t.Run(mode, func(t *testing.T) {
			setup(t, "FAKECUDA_STREAMS="+mode)
			mustInit(t)
			c := newContext(t)
			ns := numbers(3000, 1)
			r := newPrimeRun(t, len(ns))
			r.put(ns)
			for _, err := range []error{r.s.copyToDevice(r.dIn, r.in, 0, 8*r.n), r.launch(), r.s.copyToHost(r.out, 0, r.dOut, r.n), r.s.synchronize()} {
				if err != nil {
					t.Fatal(err)
				}
			}
			if got, want := r.out.bytes(), verdicts(ns); string(got) != string(want) {
				t.Fatal("the kernel's verdicts differ from math/big's")
			}
			for _, err := range []error{memFree(r.dIn), memFree(r.dOut), r.in.free(), r.out.free(), r.s.destroy(), c.destroy()} {
				if err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// TestHostBufferReusedTooEarly: a caller that refills its pinned input for
// the next chunk before the stream has copied the current one gets the
// next chunk's verdicts for this one, every time, because the copy runs
// only when the host waits; and one that reads the output before waiting
// reads what was there before. The correct caller, which waits first, gets
// the right verdicts.
func TestHostBufferReusedTooEarly(t *testing.T) {
	setup(t)
	mustInit(t)
	c := newContext(t)
	defer c.destroy()
	primes := []uint64{97, 101, 103, 107, 109, 113, 127, 131}
	odd := []uint64{9, 15, 21, 25, 27, 33, 35, 39}
	r := newPrimeRun(t, len(primes))

	for _, waitFirst := range []bool{false, true} {
		r.put(primes)
		if err := r.s.copyToDevice(r.dIn, r.in, 0, 8*r.n); err != nil {
			t.Fatal(err)
		}
		if waitFirst {
			if err := r.s.synchronize(); err != nil {
				t.Fatal(err)
			}
		}
		r.put(odd) // the next chunk, written over the buffer the copy reads
		if err := r.launch(); err != nil {
			t.Fatal(err)
		}
		for i := range r.out.bytes() {
			r.out.bytes()[i] = 0xaa
		}
		if err := r.s.copyToHost(r.out, 0, r.dOut, r.n); err != nil {
			t.Fatal(err)
		}
		if got := r.out.bytes()[0]; got != 0xaa {
			t.Errorf("the output was written (%#x) before the host waited for the stream", got)
		}
		if err := r.s.synchronize(); err != nil {
			t.Fatal(err)
		}
		got := string(r.out.bytes())
		switch {
		case waitFirst && got != string(verdicts(primes)):
			t.Errorf("a caller that waits before reusing its buffer got %v", []byte(got))
		case !waitFirst && got != string(verdicts(odd)):
			t.Errorf("a buffer reused before its copy ran gave %v, not the wrong verdicts it should (%v)", []byte(got), verdicts(odd))
		}
	}
}

// TestWrongParameterSize: an argument given narrower than the kernel's
// parameter, an argument buffer too short for the .entry, and an argument
// list one entry short are each caught.
func TestWrongParameterSize(t *testing.T) {
	t.Run("a pointer passed as 4 bytes", func(t *testing.T) {
		log := setup(t)
		mustInit(t)
		c := newContext(t)
		r := newPrimeRun(t, 64)
		// What a caller that declares the out pointer as a 4-byte
		// parameter passes: the driver reads 8 bytes, the pointer's low
		// half and the count after it, which point nowhere.
		err := r.f.launch(r.s, r.grid, r.blk, u64(uint64(r.dIn)), u32(uint32(r.dOut)), u32(uint32(r.n)))
		if err != nil {
			t.Fatalf("launch: %v (the fault shows when the kernel runs)", err)
		}
		is(t, "synchronize", r.s.synchronize(), errIllegalAddress)
		logHas(t, log, "parameter 1 is")
		_, err = memAlloc(16)
		is(t, "a call after the fault", err, errIllegalAddress)
		if err := c.destroy(); err != nil {
			t.Fatalf("destroying the failed context: %v", err)
		}
	})
	t.Run("an argument buffer too short", func(t *testing.T) {
		log := setup(t)
		mustInit(t)
		c := newContext(t)
		defer c.destroy()
		r := newPrimeRun(t, 64)
		buf := append(append(u64(uint64(r.dIn)), u64(uint64(r.dOut))...), u32(uint32(r.n))...)
		is(t, "a 16-byte buffer for 20 bytes of parameters", r.f.launchExtra(r.s, r.grid, r.blk, buf[:16]), errInvalidValue)
		logHas(t, log, "take 20")
		for _, n := range []int{20, 24} { // exact, and padded as a C struct
			b := append(append([]byte(nil), buf...), 0, 0, 0, 0)[:n]
			if err := r.f.launchExtra(r.s, r.grid, r.blk, b); err != nil {
				t.Errorf("a %d-byte buffer: %v", n, err)
			}
		}
		if err := r.s.synchronize(); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("an argument list one short", func(t *testing.T) {
		log := setup(t)
		mustInit(t)
		c := newContext(t)
		defer c.destroy()
		r := newPrimeRun(t, 64)
		is(t, "two arguments for three parameters", r.f.launchShort(r.s, r.grid, r.blk, u64(uint64(r.dIn)), u64(uint64(r.dOut))), errInvalidValue)
		logHas(t, log, "kernelParams[2] cannot be read")
	})
}

// TestOutOfBoundsWrite: a kernel told of more numbers than its output
// buffer holds writes past the allocation's end; the guard after it
// shows it, and the next synchronisation reports it.
func TestOutOfBoundsWrite(t *testing.T) {
	log := setup(t)
	mustInit(t)
	c := newContext(t)
	r := newPrimeRun(t, 100)
	small, err := memAlloc(99)
	if err != nil {
		t.Fatal(err)
	}
	r.put(numbers(100, 2))
	if err := r.s.copyToDevice(r.dIn, r.in, 0, 800); err != nil {
		t.Fatal(err)
	}
	if err := r.f.launch(r.s, r.grid, r.blk, u64(uint64(r.dIn)), u64(uint64(small)), u32(100)); err != nil {
		t.Fatal(err)
	}
	is(t, "synchronize", r.s.synchronize(), errIllegalAddress)
	logHas(t, log, "wrote 1 byte(s) past the end of the 99-byte allocation")
	if err := c.destroy(); err != nil {
		t.Fatal(err)
	}
}

// TestNoCurrentContext: a call from a thread where no context is current —
// a goroutine that moved to another OS thread — fails, as does one after
// the context was popped, and one whose current context was destroyed.
func TestNoCurrentContext(t *testing.T) {
	setup(t)
	mustInit(t)
	c := newContext(t)
	if _, err := memAlloc(16); err != nil {
		t.Fatal(err)
	}
	is(t, "cuMemAlloc on another OS thread", allocOnNewThread(16), errInvalidContext)
	if err := popCurrent(); err != nil {
		t.Fatal(err)
	}
	_, err := memAlloc(16)
	is(t, "cuMemAlloc after the context was popped", err, errInvalidContext)
	if err := c.makeCurrent(); err != nil {
		t.Fatal(err)
	}
	d := newContext(t) // pushed above c
	if err := c.destroy(); err != nil {
		t.Fatal(err)
	}
	if err := popCurrent(); err != nil { // d off: the destroyed c is current again
		t.Fatal(err)
	}
	_, err = memAlloc(16)
	is(t, "cuMemAlloc in a destroyed context", err, errContextIsDestroyed)
	if err := d.destroy(); err != nil {
		t.Fatal(err)
	}
}

// TestAsyncCopies: an asynchronous copy from memory that is not page-locked
// is refused, and so are copies that run past a buffer's end.
func TestAsyncCopies(t *testing.T) {
	log := setup(t)
	mustInit(t)
	c := newContext(t)
	defer c.destroy()
	r := newPrimeRun(t, 16)
	is(t, "a copy from Go memory", r.s.copyFromGo(r.dIn, make([]byte, 8)), errInvalidValue)
	logHas(t, log, "is not page-locked memory")
	is(t, "a copy past the pinned buffer", r.s.copyToDevice(r.dIn, r.in, 8, 8*16), errInvalidValue)
	is(t, "a copy past the device buffer", r.s.copyToHost(r.out, 0, r.dOut+8, 16), errInvalidValue)
	is(t, "a synchronous copy past the device buffer", copyToDevice(r.dOut, make([]byte, 17)), errInvalidValue)
	if err := copyToDevice(r.dOut, make([]byte, 16)); err != nil {
		t.Errorf("a synchronous copy from Go memory: %v", err)
	}
}

var versionRE = regexp.MustCompile(`(?m)^\.version (\d+)\.(\d+)$`)

// withVersion returns ptx with its .version directive set to v.
func withVersion(ptx, v string) string { return versionRE.ReplaceAllString(ptx, ".version "+v) }

// testPTX has an entry with the wrong parameter sizes for the host build
// of is_prime_u64, one with a warp shuffle and one with a barrier of part
// of the block (which fibers switching at __syncthreads cannot run
// faithfully), and one with no host build.
const testPTX = `//
// written by hand
.version 7.8
.target sm_70
.address_size 64

.visible .entry is_prime_u64(.param .u64 a, .param .u64 b, .param .u64 c) { ret; }
.visible .entry warp(.param .u64 a)
{
	.reg .b32 %r<3>;
	.shared .align 4 .b8 marks[1024];
	bar.sync 0;
	shfl.sync.bfly.b32 %r1, %r2, 1, 31, -1;
	ret;
}
.visible .entry partial(.param .u64 a)
{
	bar.sync 1, 64;
	ret;
}
.visible .entry nohost(.param .align 8 .b8 s[12], .param .u32 n) { ret; }
`

// TestModules: the PTX's version against the driver's, its target against
// the device, and its entries against the host build.
func TestModules(t *testing.T) {
	t.Run("an old driver", func(t *testing.T) {
		log := setup(t, "FAKECUDA_DRIVER_VERSION=11040")
		mustInit(t)
		defer newContext(t).destroy()
		_, err := loadModule(withVersion(kernels.PrimePTX, "7.8"))
		is(t, "PTX 7.8 on driver 11.4", err, errUnsupportedPTXVersion)
		logHas(t, log, "PTX ISA 7.8 needs a driver for CUDA 11.8 (R520 or newer); this driver is CUDA 11.4 (R470)")
		if _, err := loadModule(withVersion(kernels.PrimePTX, "7.4")); err != nil {
			t.Errorf("PTX 7.4 on driver 11.4: %v", err)
		}
	})
	t.Run("corescale's PTX on the driver before its ISA", func(t *testing.T) {
		m := versionRE.FindStringSubmatch(kernels.PrimePTX)
		major, _ := strconv.Atoi(m[1])
		minor, _ := strconv.Atoi(m[2])
		need := isaDriver(major, minor)
		if need == 0 {
			t.Fatalf("fakecuda does not know PTX ISA %d.%d", major, minor)
		}
		for _, v := range []int{need - 10, need} {
			setup(t, "FAKECUDA_DRIVER_VERSION="+strconv.Itoa(v))
			mustInit(t)
			c := newContext(t)
			for _, ptx := range []string{kernels.PrimePTX, kernels.ResizePTX} {
				_, err := loadModule(ptx)
				if v < need {
					is(t, fmt.Sprintf("PTX %d.%d on driver %d", major, minor, v), err, errUnsupportedPTXVersion)
				} else if err != nil {
					t.Errorf("PTX %d.%d on driver %d: %v", major, minor, v, err)
				}
			}
			c.destroy()
		}
	})
	t.Run("an old device", func(t *testing.T) {
		setup(t, "FAKECUDA_CC=6.1")
		mustInit(t)
		defer newContext(t).destroy()
		_, err := loadModule(kernels.PrimePTX)
		is(t, ".target sm_70 on 6.1", err, errInvalidPTX)
	})
	t.Run("entries", func(t *testing.T) {
		log := setup(t)
		mustInit(t)
		defer newContext(t).destroy()
		m, err := loadModule(testPTX)
		if err != nil {
			t.Fatal(err)
		}
		_, err = m.function("is_prime_u64")
		is(t, "is_prime_u64 with a u64 count", err, errNotSupported)
		logHas(t, log, "(8,8,8) bytes, fakecuda's host build (8,8,4)")
		_, err = m.function("warp")
		is(t, "a kernel with a warp shuffle", err, errNotSupported)
		logHas(t, log, "kernel warp uses shfl.")
		_, err = m.function("partial")
		is(t, "a kernel with a barrier of 64 threads", err, errNotSupported)
		logHas(t, log, "kernel partial uses bar.sync 1, 64 (only bar.sync 0, __syncthreads)")
		_, err = m.function("nohost")
		is(t, "a kernel without a host build", err, errNotSupported)
		_, err = m.function("absent")
		is(t, "a kernel not in the module", err, errNotFound)
		if err := m.unload(); err != nil {
			t.Fatal(err)
		}
		_, err = m.function("warp")
		is(t, "a function of an unloaded module", err, errInvalidHandle)
	})
	t.Run("too much shared memory", func(t *testing.T) {
		log := setup(t)
		mustInit(t)
		defer newContext(t).destroy()
		big := strings.Replace(testPTX, "marks[1024]", "marks[49153]", 1)
		_, err := loadModule(big)
		is(t, "49,153 bytes of shared memory", err, errInvalidPTX)
		logHas(t, log, ".entry warp uses too much shared data: 49153 bytes, over the 48 KiB")
		if _, err := loadModule(strings.Replace(testPTX, "marks[1024]", "marks[49152]", 1)); err != nil {
			t.Errorf("48 KiB of shared memory: %v", err)
		}
	})
	t.Run("corescale's kernels", func(t *testing.T) {
		setup(t)
		mustInit(t)
		defer newContext(t).destroy()
		for _, ptx := range []string{kernels.PrimePTX, kernels.ResizePTX, kernels.SievePTX} {
			m, err := loadModule(ptx)
			if err != nil {
				t.Fatal(err)
			}
			entries, _ := kernels.Entries(ptx)
			for name := range entries {
				if _, err := m.function(name); err != nil {
					t.Errorf("%s: %v", name, err)
				}
			}
		}
	})
}

// TestLaunchLimits: grids and blocks beyond a GPU's limits are refused.
func TestLaunchLimits(t *testing.T) {
	setup(t)
	mustInit(t)
	c := newContext(t)
	defer c.destroy()
	r := newPrimeRun(t, 1)
	args := [][]byte{u64(uint64(r.dIn)), u64(uint64(r.dOut)), u32(0)}
	for _, l := range []struct{ grid, block dim3 }{
		{dim3{1, 65536, 1}, dim3{1, 1, 1}},
		{dim3{1, 1, 65536}, dim3{1, 1, 1}},
		{dim3{0, 1, 1}, dim3{1, 1, 1}},
		{dim3{1, 1, 1}, dim3{1025, 1, 1}},
		{dim3{1, 1, 1}, dim3{32, 32, 2}},
		{dim3{1, 1, 1}, dim3{1, 1, 65}},
	} {
		is(t, fmt.Sprintf("grid %v, block %v", l.grid, l.block),
			r.f.launch(r.s, l.grid, l.block, args...), errInvalidValue)
	}
	if err := r.f.launch(r.s, dim3{1, 65535, 1}, dim3{1024, 1, 1}, args...); err != nil {
		t.Errorf("the largest grid y and block x: %v", err)
	}
	if err := r.s.synchronize(); err != nil {
		t.Fatal(err)
	}
	if v, _ := deviceAttribute(0, attrMaxGridY); v != 65535 {
		t.Errorf("CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Y is %d", v)
	}
}

// TestEvents: an event is complete only once its stream has reached it,
// its time is real, and one never recorded has none.
func TestEvents(t *testing.T) {
	setup(t)
	mustInit(t)
	c := newContext(t)
	defer c.destroy()
	// Enough numbers that the stream is still working when it is asked:
	// the kernels run on the CPU, and a loaded machine may deschedule this
	// goroutine between the launch and the query.
	const n = 200000
	r := newPrimeRun(t, n)
	r.put(numbers(n, 3))
	var ev [2]event
	for i := range ev {
		var err error
		if ev[i], err = eventCreate(); err != nil {
			t.Fatal(err)
		}
	}
	_, err := ev[1].since(ev[0])
	is(t, "the time between events never recorded", err, errInvalidHandle)
	for _, err := range []error{ev[0].record(r.s), r.s.copyToDevice(r.dIn, r.in, 0, 8*n), r.launch(), ev[1].record(r.s)} {
		if err != nil {
			t.Fatal(err)
		}
	}
	if q := ev[1].query(); q == nil {
		// The stream got there first: then it must say it is idle, and
		// the time must be there.
		if err := r.s.query(); err != nil {
			t.Errorf("the event is complete but its stream says %v", err)
		}
		if _, err := ev[1].since(ev[0]); err != nil {
			t.Errorf("the event is complete but has no time: %v", err)
		}
		t.Log("the stream finished before the query; not-ready not observed this run")
	} else {
		is(t, "query before waiting", q, errNotReady)
		_, err = ev[1].since(ev[0])
		is(t, "the time before waiting", err, errNotReady)
	}
	if err := ev[1].synchronize(); err != nil {
		t.Fatal(err)
	}
	ms, err := ev[1].since(ev[0])
	if err != nil || ms < 0 {
		t.Errorf("the kernel's time: %v ms, %v", ms, err)
	}
	if err := r.s.query(); err != nil {
		t.Errorf("the stream after its last event: %v", err)
	}
	for _, e := range ev {
		if err := e.destroy(); err != nil {
			t.Fatal(err)
		}
	}
	is(t, "a destroyed event", ev[0].record(r.s), errInvalidHandle)
	if err := r.s.destroy(); err != nil {
		t.Fatal(err)
	}
	is(t, "a destroyed stream", r.s.synchronize(), errInvalidHandle)
}

// TestLeaks: a context destroyed with memory, streams or events alive is
// reported, and with FAKECUDA_STRICT=1 is an error.
func TestLeaks(t *testing.T) {
	for _, strict := range []bool{false, true} {
		t.Run("strict="+strconv.FormatBool(strict), func(t *testing.T) {
			log := setup(t, "FAKECUDA_STRICT="+map[bool]string{true: "1", false: "0"}[strict])
			mustInit(t)
			c := newContext(t)
			newPrimeRun(t, 10)
			err := c.destroy()
			if strict {
				is(t, "destroy", err, errIllegalState)
			} else if err != nil {
				t.Fatal(err)
			}
			logHas(t, log, "2 device allocation(s) (90 bytes), 2 page-locked host buffer(s) (90 bytes), 1 stream(s), 0 event(s) still alive")
		})
	}
	t.Run("none", func(t *testing.T) {
		log := setup(t, "FAKECUDA_STRICT=1")
		mustInit(t)
		c := newContext(t)
		p, _ := memAlloc(8)
		memFree(p)
		if err := c.destroy(); err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(log)
		if strings.Contains(string(b), "leak") {
			t.Errorf("a leak reported with none:\n%s", b)
		}
	})
}

// TestFaults: each fault the settings inject.
func TestFaults(t *testing.T) {
	t.Run("init", func(t *testing.T) {
		for code, want := range map[string]error{"803": errSystemDriverMismatch, "100": errNoDevice} {
			setup(t, "FAKECUDA_INIT="+code)
			is(t, "cuInit", initDriver(), want)
			_, err := deviceCount()
			is(t, "cuDeviceGetCount", err, errNotInitialized)
			if v, err := driverVersion(); err != nil || v != 11080 {
				t.Errorf("cuDriverGetVersion before a working cuInit: %d, %v", v, err)
			}
		}
		setup(t, "FAKECUDA_DEVICES=0")
		is(t, "cuInit with no devices", initDriver(), errNoDevice)
	})
	t.Run("settings", func(t *testing.T) {
		for _, s := range []string{"FAKECUDA_MEMROY=1G", "FAKECUDA_MEMORY=lots", "FAKECUDA_CC=7", "FAKECUDA_FAIL_ALLOC=0", "FAKECUDA_STREAMS=fast"} {
			log := setup(t, s)
			is(t, s, initDriver(), errInvalidValue)
			k, _, _ := strings.Cut(s, "=")
			if k == "FAKECUDA_MEMROY" {
				logHas(t, log, "unknown setting FAKECUDA_MEMROY")
			} else {
				logHas(t, log, s)
			}
		}
	})
	t.Run("alloc", func(t *testing.T) {
		log := setup(t, "FAKECUDA_FAIL_ALLOC=2")
		mustInit(t)
		defer newContext(t).destroy()
		for i, want := range []error{nil, errOutOfMemory, nil} {
			p, err := memAlloc(64)
			is(t, "allocation "+strconv.Itoa(i+1), err, want)
			if err == nil {
				memFree(p)
			}
		}
		logHas(t, log, "allocation 2 of 64 bytes fails as FAKECUDA_FAIL_ALLOC=2 asks")
	})
	t.Run("launch", func(t *testing.T) {
		log := setup(t, "FAKECUDA_FAIL_LAUNCH=2")
		mustInit(t)
		c := newContext(t)
		r := newPrimeRun(t, 8)
		for i, want := range []error{nil, errLaunchFailed} {
			if err := r.launch(); err != nil {
				t.Fatalf("launch %d: %v", i+1, err)
			}
			is(t, "synchronize after launch "+strconv.Itoa(i+1), r.s.synchronize(), want)
		}
		logHas(t, log, "launch 2 of is_prime_u64 failed as FAKECUDA_FAIL_LAUNCH=2 asks")
		_, err := memAlloc(8)
		is(t, "a call after the fault", err, errLaunchFailed)
		if err := c.destroy(); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("launch refused", func(t *testing.T) {
		setup(t, "FAKECUDA_FAIL_LAUNCH=1:701")
		mustInit(t)
		defer newContext(t).destroy()
		r := newPrimeRun(t, 8)
		is(t, "launch 1", r.launch(), errLaunchOutOfResources)
		if err := r.launch(); err != nil {
			t.Fatalf("launch 2: %v", err)
		}
		if err := r.s.synchronize(); err != nil {
			t.Fatal(err)
		}
	})
	for setting, want := range map[string]error{"FAKECUDA_LOSE_DEVICE=2": errUnknown, "FAKECUDA_LOSE_DEVICE=2:46": errDeviceUnavailable} {
		t.Run(setting, func(t *testing.T) {
			log := setup(t, setting)
			mustInit(t)
			c := newContext(t)
			r := newPrimeRun(t, 8)
			for i := 0; i < 2; i++ {
				if err := r.launch(); err != nil {
					t.Fatalf("launch %d: %v", i+1, err)
				}
			}
			is(t, "synchronize", r.s.synchronize(), want)
			is(t, "launch 3", r.launch(), want)
			_, err := deviceCount()
			is(t, "cuDeviceGetCount", err, want)
			is(t, "cuCtxDestroy", c.destroy(), want)
			logHas(t, log, "the device is lost after launch 2")
		})
	}
}

// TestDevices: devices, their attributes and memory come from the
// settings, and a device's memory is all there is.
func TestDevices(t *testing.T) {
	setup(t, "FAKECUDA_DEVICES=2", "FAKECUDA_CC=8.6,7.5", "FAKECUDA_SMS=108", "FAKECUDA_MEMORY=40G,64K", "FAKECUDA_NAME=big,small", "FAKECUDA_DRIVER_VERSION=12.4")
	mustInit(t)
	if n, err := deviceCount(); n != 2 || err != nil {
		t.Fatalf("%d devices, %v", n, err)
	}
	if v, _ := driverVersion(); v != 12040 {
		t.Errorf("driver version %d", v)
	}
	for dev, want := range []struct {
		name              string
		major, minor, sms int
		mem               int64
	}{{"big", 8, 6, 108, 40 << 30}, {"small", 7, 5, 108, 64 << 10}} {
		name, _ := deviceName(dev)
		major, _ := deviceAttribute(dev, attrMajor)
		minor, _ := deviceAttribute(dev, attrMinor)
		sms, _ := deviceAttribute(dev, attrMultiprocessors)
		mem, _ := deviceMemory(dev)
		if name != want.name || major != want.major || minor != want.minor || sms != want.sms || mem != want.mem {
			t.Errorf("device %d: %q %d.%d, %d SMs, %d bytes; want %+v", dev, name, major, minor, sms, mem, want)
		}
	}
	_, err := deviceName(2)
	is(t, "device 2", err, cuError(101))
	c, err := createContext(1)
	if err != nil {
		t.Fatal(err)
	}
	defer c.destroy()
	if free, total, err := memInfo(); free != 64<<10 || total != 64<<10 || err != nil {
		t.Errorf("memory info %d of %d, %v", free, total, err)
	}
	p, err := memAlloc(60 << 10)
	if err != nil {
		t.Fatal(err)
	}
	_, err = memAlloc(8 << 10)
	is(t, "beyond the device's memory", err, errOutOfMemory)
	memFree(p)
	if free, _, _ := memInfo(); free != 64<<10 {
		t.Errorf("%d bytes free after the free", free)
	}
}

// TestHeaderMatchesCudaH: every value fakecuda.h writes out is cuda.h's.
func TestHeaderMatchesCudaH(t *testing.T) {
	var cudaH []byte
	for _, dir := range []string{os.Getenv("CUDA_PATH"), os.Getenv("CUDA_HOME"), "/usr/local/cuda", "/usr"} {
		if dir == "" {
			continue
		}
		if b, err := os.ReadFile(filepath.Join(dir, "include", "cuda.h")); err == nil {
			cudaH = b
			break
		}
	}
	if cudaH == nil {
		t.Skip("no cuda.h (make cuda-toolkit installs one)")
	}
	ours, err := os.ReadFile("fakecuda.h")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`(?m)^\s*(CU[A-Z0-9_]+)\s*=\s*(0x[0-9a-fA-F]+|\d+)`)
	theirs := map[string]string{}
	for _, m := range re.FindAllStringSubmatch(string(cudaH), -1) {
		theirs[m[1]] = m[2]
	}
	n := 0
	for _, m := range re.FindAllStringSubmatch(string(ours), -1) {
		n++
		v, ok := theirs[m[1]]
		a, _ := strconv.ParseInt(m[2], 0, 64)
		b, _ := strconv.ParseInt(v, 0, 64)
		if !ok || a != b {
			t.Errorf("%s is %s in fakecuda.h, %q in cuda.h", m[1], m[2], v)
		}
	}
	if n < 100 {
		t.Errorf("only %d values read from fakecuda.h", n)
	}
}

// TestBlockReduction runs sieve.cu's sum_u8 — a tree reduction in shared
// memory between __syncthreads, one atomic add a block to a global total —
// through cuLaunchKernel: the fake runs a kernel whose PTX has barriers and
// shared memory cooperatively (a block's threads as fibers that meet at
// each barrier, shared memory per block, blocks in parallel), or the sum
// is wrong. The launch log reports the shared memory the kernel declares.
func TestBlockReduction(t *testing.T) {
	log := setup(t)
	mustInit(t)
	defer newContext(t).destroy()
	m, err := loadModule(kernels.SievePTX)
	if err != nil {
		t.Fatal(err)
	}
	f, err := m.function(kernels.SumU8.Name)
	if err != nil {
		t.Fatal(err)
	}
	s, err := streamCreate()
	if err != nil {
		t.Fatal(err)
	}
	defer s.destroy()
	for _, c := range []struct{ n, grid, block int }{{100000, 37, 256}, {5000, 3, 1024}, {1, 1, 32}, {70000, 200, 64}} {
		v := make([]byte, c.n)
		var want uint64
		for i := range v {
			v[i] = byte(i*7919 + i>>8)
			want += uint64(v[i])
		}
		in, err := memAlloc(c.n)
		if err != nil {
			t.Fatal(err)
		}
		total, err := memAlloc(8)
		if err != nil {
			t.Fatal(err)
		}
		for _, err := range []error{copyToDevice(in, v), copyToDevice(total, make([]byte, 8)),
			f.launch(s, dim3{uint32(c.grid), 1, 1}, dim3{uint32(c.block), 1, 1}, u64(uint64(in)), u32(uint32(c.n)), u64(uint64(total))),
			s.synchronize()} {
			if err != nil {
				t.Fatal(err)
			}
		}
		got := make([]byte, 8)
		if err := copyToHost(got, total); err != nil {
			t.Fatal(err)
		}
		if g := binary.LittleEndian.Uint64(got); g != want {
			t.Errorf("%d bytes on %d blocks of %d: sum_u8 says %d, want %d", c.n, c.grid, c.block, g, want)
		}
		memFree(in)
		memFree(total)
	}
	logHas(t, log, "sum_u8 grid 37,1,1 block 256,1,1 shared 8192")
}
