package gpu

import (
	"encoding/binary"
	"fmt"
	"math/big"
	"math/bits"
	"unsafe"

	"github.com/corescale/corescale/kernels"
)

// BigPrimeEngine tests batches of numbers from 2^64 to 2^4096 on one GPU
// with Baillie–PSW, the test math/big's ProbablyPrime(0) and cpu/prime
// make (kernels/bigprime.cu), so its verdicts are theirs: composites
// certain, the rest probable primes.
//
// As PrimeEngine, it makes everything once and keeps it until Close: the
// primary context, the module, the slots' streams and buffers. A batch is
// grouped by size class (128, 192, … 4096 bits: the smallest that holds
// each number), and each class goes through in chunks that fill a slot's
// input buffer; a chunk passes through the class's three kernels (trial
// division, the base-2 test on its survivors, the Lucas test on theirs).
// Two slots on two streams take chunks in turn, so one chunk's numbers
// travel while the other's kernels run.
type BigPrimeEngine struct {
	ctx    Context
	device int
	fns    map[int][3]Function // by class in bits: trial, base 2, Lucas
	// inBytes is a slot's input buffer; maxCount the most numbers of any
	// class a chunk holds (the index buffers' length).
	inBytes, maxCount int
	strideGrid        uint32
	slots             [bigPrimeSlots]*bigPrimeSlot
	ring              slotRing[bigPrimeJob]
	failed            error
	// Undecided counts the numbers the device left to the host (no
	// Lucas parameter up to the kernel's bound: perfect squares).
	Undecided int
	Timings   Timings
}

const bigPrimeSlots = 2

// bigPrimeBlock is the threads per block of the passes (kernels/sass.sh
// assumes it): a thread's operands grow with the class, and 128-thread
// blocks let a multiprocessor mix blocks when registers run short.
const bigPrimeBlock = 128

// bigPrimeMaxBits is the largest class.
const bigPrimeMaxBits = 4096

// bigPrimeJob is a chunk: numbers of one class and where each verdict goes.
type bigPrimeJob struct {
	bits int
	ns   []*big.Int
	out  []bool
	at   []int // a class's positions in the caller's batch
}

type bigPrimeSlot struct {
	streamSlot
	hostIn, hostOut, hostZero                 HostBuffer
	devIn, devOut, devSurv1, devSurv2, devCnt DevPtr
	count                                     uint32
	args                                      struct{ trial, base2, lucas []unsafe.Pointer }
}

// NewBigPrimeEngine opens device on drv and prepares the kernels.
// chunkBytes caps a slot's input buffer (zero: 16 MiB, 131,072 numbers of
// 1024 bits, several waves of threads on the largest GPUs).
func NewBigPrimeEngine(drv Driver, device, chunkBytes int) (*BigPrimeEngine, error) {
	ctx, sms, err := openDevice(drv, device)
	if err != nil {
		return nil, err
	}
	e := &BigPrimeEngine{ctx: ctx, device: device, fns: map[int][3]Function{}, ring: newSlotRing[bigPrimeJob](bigPrimeSlots)}
	if err := e.init(chunkBytes, sms); err != nil {
		e.Close()
		return nil, fmt.Errorf("device %d: %w", device, err)
	}
	return e, nil
}

func (e *BigPrimeEngine) init(chunkBytes, sms int) error {
	mod, err := e.ctx.Load(kernels.BigPrimePTX)
	if err != nil {
		return fmt.Errorf("load the big prime kernels: %w", err)
	}
	for _, b := range kernels.BigPrimeClasses {
		p := kernels.BigPrime(b)
		var fs [3]Function
		for i, k := range []kernels.Kernel{p.Trial, p.Base2, p.Lucas} {
			if fs[i], err = mod.Function(k.Name); err != nil {
				return err
			}
		}
		e.fns[b] = fs
	}
	free, _, err := e.ctx.MemInfo()
	if err != nil {
		return fmt.Errorf("device memory: %w", err)
	}
	if chunkBytes <= 0 {
		chunkBytes = 16 << 20
	}
	// Per byte of input, at worst (128-bit numbers, 16 bytes each): the
	// byte itself, and a verdict and two indices per 16 bytes. A fifth
	// of the free memory stays for the driver and others.
	const perByte = 1 + (1+4+4)/16.0
	e.inBytes = min(chunkBytes, int(float64(free)*4/5/(bigPrimeSlots*perByte)))
	e.inBytes -= e.inBytes % (bigPrimeMaxBits / 8)
	if e.inBytes < bigPrimeMaxBits/8 {
		return fmt.Errorf("device memory: %d bytes free, too little for %d chunks of one %d-bit number", free, bigPrimeSlots, bigPrimeMaxBits)
	}
	e.maxCount = e.inBytes / (kernels.BigPrimeClasses[0] / 8)
	e.strideGrid = uint32(max(1, sms) * 2048 / bigPrimeBlock)
	for i := range e.slots {
		s := &bigPrimeSlot{}
		e.slots[i] = s
		if err := s.open(e.ctx,
			[]hostBuffer{{&s.hostIn, e.inBytes}, {&s.hostOut, e.maxCount}, {&s.hostZero, 8}},
			[]devBuffer{{&s.devIn, e.inBytes}, {&s.devOut, e.maxCount}, {&s.devSurv1, 4 * e.maxCount}, {&s.devSurv2, 4 * e.maxCount}, {&s.devCnt, 8}},
		); err != nil {
			return err
		}
		clear(s.hostZero.Bytes())
		s.args.trial = []unsafe.Pointer{unsafe.Pointer(&s.devIn), unsafe.Pointer(&s.devOut), unsafe.Pointer(&s.count), unsafe.Pointer(&s.devSurv1), unsafe.Pointer(&s.devCnt)}
		s.args.base2 = []unsafe.Pointer{unsafe.Pointer(&s.devIn), unsafe.Pointer(&s.devSurv1), unsafe.Pointer(&s.devSurv2), unsafe.Pointer(&s.devCnt)}
		s.args.lucas = []unsafe.Pointer{unsafe.Pointer(&s.devIn), unsafe.Pointer(&s.devSurv2), unsafe.Pointer(&s.devOut), unsafe.Pointer(&s.devCnt)}
	}
	return nil
}

// Device returns the device's number.
func (e *BigPrimeEngine) Device() int { return e.device }

// BigPrimeClass returns the size class in bits of the kernels that test n:
// the smallest of kernels.BigPrimeClasses that holds it; an error names n
// when it is below 2^64 (the 64-bit engine's, exact) or above 2^4096.
func BigPrimeClass(n *big.Int) (int, error) {
	if n.Sign() < 0 || n.BitLen() <= 64 {
		return 0, fmt.Errorf("gpu big prime: %s is below 2^64 (the 64-bit engine tests it)", n)
	}
	for _, b := range kernels.BigPrimeClasses {
		if n.BitLen() <= b {
			return b, nil
		}
	}
	return 0, fmt.Errorf("gpu big prime: a number of %d bits is over the largest class, %d bits", n.BitLen(), bigPrimeMaxBits)
}

// bigPrimeJobs checks ns and groups them by class, out's entries beside
// theirs.
func bigPrimeJobs(ns []*big.Int, out []bool) ([]bigPrimeJob, error) {
	if len(out) < len(ns) {
		return nil, fmt.Errorf("gpu big prime: %d verdicts for %d numbers", len(out), len(ns))
	}
	byClass := map[int]*bigPrimeJob{}
	var order []int
	for i, n := range ns {
		b, err := BigPrimeClass(n)
		if err != nil {
			return nil, fmt.Errorf("number %d: %w", i+1, err)
		}
		j := byClass[b]
		if j == nil {
			j = &bigPrimeJob{bits: b}
			byClass[b] = j
			order = append(order, b)
		}
		j.ns = append(j.ns, n)
		j.at = append(j.at, i)
	}
	var jobs []bigPrimeJob
	for _, b := range order {
		j := byClass[b]
		j.out = make([]bool, len(j.ns))
		jobs = append(jobs, *j)
	}
	return jobs, nil
}

// TestBig sets out[i] to whether ns[i] is a probable prime (Baillie–PSW),
// for numbers above 2^64 of up to 4096 bits.
func (e *BigPrimeEngine) TestBig(ns []*big.Int, out []bool) error {
	return runBigPrime([]*BigPrimeEngine{e}, ns, out, nil)
}

// runBigPrime tests ns on engines, which take chunks as they free a slot
// (runOnDevices, as runPrime).
func runBigPrime(engines []*BigPrimeEngine, ns []*big.Int, out []bool, lost func(int, error)) error {
	classJobs, err := bigPrimeJobs(ns, out)
	if err != nil {
		return err
	}
	// The chunks: each class cut to the smallest slot's capacity, so that
	// any device can take any chunk, and small classes split so that
	// every slot of every device has work.
	plan := func(live []*BigPrimeEngine) *bigPrimeChunks {
		var q bigPrimeChunks
		for _, j := range classJobs {
			most := min(live[0].inBytes/(j.bits/8), live[0].maxCount)
			for _, e := range live[1:] {
				most = min(most, e.inBytes/(j.bits/8))
			}
			per := max(1, min(most, (len(j.ns)+bigPrimeSlots*len(live)-1)/(bigPrimeSlots*len(live))))
			for lo := 0; lo < len(j.ns); lo += per {
				hi := min(len(j.ns), lo+per)
				q = append(q, bigPrimeJob{bits: j.bits, ns: j.ns[lo:hi], out: j.out[lo:hi]})
			}
		}
		return &q
	}
	if err := runOnDevices(engines, plan, lost, "gpu big prime"); err != nil {
		return err
	}
	// Back to the caller's order.
	for _, j := range classJobs {
		for k, i := range j.at {
			out[i] = j.out[k]
		}
	}
	return nil
}

// bigPrimeChunks is a batch's chunks, cut before any is taken: every
// chunk fits every device.
type bigPrimeChunks []bigPrimeJob

func (q *bigPrimeChunks) take(*BigPrimeEngine) (bigPrimeJob, bool) {
	if len(*q) == 0 {
		return bigPrimeJob{}, false
	}
	j := (*q)[len(*q)-1]
	*q = (*q)[:len(*q)-1]
	return j, true
}

func (q *bigPrimeChunks) putBack(jobs []bigPrimeJob) { *q = append(*q, jobs...) }

func (q *bigPrimeChunks) done() bool { return len(*q) == 0 }

func (e *BigPrimeEngine) work(take func() (bigPrimeJob, bool)) ([]bigPrimeJob, error) {
	return e.ring.work(e, take)
}

func (e *BigPrimeEngine) failure() error { return e.failed }

func (e *BigPrimeEngine) fail(err error) { e.failed = err }

// putLimbs writes n as words little-endian 32-bit limbs into b.
func putLimbs(b []byte, n *big.Int, words int) {
	clear(b[:4*words])
	k := 0
	for _, w := range n.Bits() {
		for sh := 0; sh < bits.UintSize; sh += 32 {
			binary.LittleEndian.PutUint32(b[4*k:], uint32(uint(w)>>sh))
			k++
		}
	}
}

func (e *BigPrimeEngine) queue(slot int, j bigPrimeJob) error {
	s := e.slots[slot]
	n := len(j.ns)
	words := j.bits / 32
	in := s.hostIn.Bytes()
	for i, x := range j.ns {
		putLimbs(in[4*words*i:], x, words)
	}
	s.count = uint32(n)
	fs := e.fns[j.bits]
	block := Dim3{bigPrimeBlock, 1, 1}
	grid := Dim3{min(e.strideGrid, gridFor(n, bigPrimeBlock, MaxGridX)), 1, 1}
	copies := []toDevice{{s.devCnt, s.hostZero, 8}, {s.devIn, s.hostIn, 4 * words * n}}
	passes := []pass{
		{fs[0], grid, block, s.args.trial},
		{fs[1], grid, block, s.args.base2},
		{fs[2], grid, block, s.args.lucas},
	}
	if err := s.queue(copies, passes, s.hostOut, s.devOut, n); err != nil {
		return fmt.Errorf("gpu big prime: device %d: %w", e.device, err)
	}
	return nil
}

func (e *BigPrimeEngine) wait(slot int) error {
	if err := e.slots[slot].stream.Synchronize(); err != nil {
		return fmt.Errorf("gpu big prime: device %d: %w", e.device, err)
	}
	return nil
}

func (e *BigPrimeEngine) deliver(slot int, j bigPrimeJob) error {
	s := e.slots[slot]
	for i, v := range s.hostOut.Bytes()[:len(j.ns)] {
		switch v {
		case 0, 1:
			j.out[i] = v == 1
		default:
			// No Lucas parameter found on the device: math/big
			// checks for a square, the only way that happens.
			j.out[i] = j.ns[i].ProbablyPrime(0)
			e.Undecided++
		}
	}
	if err := s.addTimes(&e.Timings); err != nil {
		return fmt.Errorf("gpu big prime: device %d: %w", e.device, err)
	}
	return nil
}

// Close releases the buffers, streams and context.
func (e *BigPrimeEngine) Close() error {
	for _, s := range e.slots {
		if s != nil {
			s.close(e.ctx)
		}
	}
	return e.ctx.Close()
}

// BigPrimeDevices tests batches of big numbers on several GPUs, each
// device's engine taking chunks as it frees a slot, as PrimeDevices: a
// device that fails is dropped for the engine's life and its undelivered
// chunks are tested by the others; a batch fails, naming each device's
// error, only when every device has failed.
type BigPrimeDevices struct {
	Engines []*BigPrimeEngine
	Lost    func(device int, err error)

	setUp setUpLosses // devices that failed to open, not yet told to Lost
}

// NewBigPrimeDevices opens an engine on each of devices (all when empty),
// dropping one that fails to open as NewPrimeDevices does.
func NewBigPrimeDevices(drv Driver, devices []int, chunkBytes int) (*BigPrimeDevices, error) {
	engines, losses, err := openEach(drv, devices, "gpu big prime", func(d int) (*BigPrimeEngine, error) {
		return NewBigPrimeEngine(drv, d, chunkBytes)
	})
	if err != nil {
		return nil, err
	}
	p := &BigPrimeDevices{Engines: engines}
	p.setUp.pending = losses
	return p, nil
}

// TestBig sets out[i] to whether ns[i] is a probable prime.
func (p *BigPrimeDevices) TestBig(ns []*big.Int, out []bool) error {
	p.setUp.tell(p.Lost)
	return runBigPrime(p.Engines, ns, out, p.Lost)
}

// Close closes every engine.
func (p *BigPrimeDevices) Close() error {
	p.setUp.tell(p.Lost)
	var first error
	for _, e := range p.Engines {
		if err := e.Close(); err != nil && e.failed == nil && first == nil {
			first = err
		}
	}
	return first
}
