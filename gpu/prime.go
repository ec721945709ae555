package gpu

import (
	"fmt"
	"math/bits"
	"time"
	"unsafe"

	"github.com/corescale/corescale/kernels"
)

// PrimeEngine tests batches of numbers below 2^64 on one GPU; it implements
// corescale.PrimeTester with the CPU engines' exact verdicts (the kernels
// are the same method). PrimeDevices spreads a batch over several.
//
// Everything a batch needs is made once, when the engine starts, and kept
// until Close: the device's primary context, the module, the streams, the
// device and pinned buffers. A batch goes through in chunks sized to the
// device's free memory; each chunk passes through three kernels on the
// device (trial division, the base-2 test on its survivors, the Lucas test
// on theirs: see kernels/prime.cu), and only numbers in and verdicts out
// cross PCIe; a range (TestRange) or a run of --random numbers
// (TestRandom) is made on the device, and only the verdicts cross. Three slots, each with its own stream and buffers, take
// chunks in turn, so one chunk's numbers travel in while another's kernels
// run and a third's verdicts travel back.
type PrimeEngine struct {
	ctx    Context
	device int
	fns    [5]Function // the passes: trial (numbers), trial (range), base 2, Lucas, trial (random)
	chunk  int
	// strideGrid is the grid of the passes over survivors, whose count
	// only the device knows: enough blocks to fill every multiprocessor.
	strideGrid uint32
	slots      [primeSlots]*primeSlot
	ring       slotRing[primeJob] // which slots hold which chunk
	failed     error              // set when the device failed; the engine is unusable
	// Timings add up the phases of every chunk, from the device's events.
	Timings Timings
}

// Timings are the device-side times of a run, phase by phase.
type Timings struct {
	HostToDevice, Kernel, DeviceToHost time.Duration
	Chunks                             int
	// Items counts what the chunks held (numbers, for the prime engine),
	// so that a device's share of a batch gives its own throughput.
	Items int
}

func (t *Timings) add(u Timings) {
	t.HostToDevice += u.HostToDevice
	t.Kernel += u.Kernel
	t.DeviceToHost += u.DeviceToHost
	t.Chunks += u.Chunks
	t.Items += u.Items
}

// primeSlots is how many chunks a device has in flight: one copied in, one
// in its kernels, one copied out.
const primeSlots = 3

// primeBytes is the device memory a number takes in a slot: 8 bytes in, a
// verdict out, and room for it among the survivors of each of the first
// two passes (the number and its index).
const primeBytes = 8 + 1 + 12 + 12

// primeBlock is the number of threads per block: a multiple of the warp, and
// enough blocks per multiprocessor for any realistic chunk.
const primeBlock = 256

// primeMinSplit is the smallest chunk a batch is split into to keep every
// slot busy: below it, a chunk's fixed costs (launches, events) outweigh
// what overlap gains.
const primeMinSplit = 4096

// primeRandomRun is how many numbers a thread of prime_trial_random draws
// (CORESCALE_RANDOM_RUN in kernels/prime.cu).
const primeRandomRun = 16

// primeJob is a run of numbers and where their verdicts go: ns, or, when
// ns is nil, numbers made on the device: with bits zero first, first+1,
// …; else the draws of a PCG from state hi:lo (see RandomRun).
type primeJob struct {
	ns    []uint64
	first uint64
	out   []bool
	// random, when bits is not zero, says how the device draws the numbers.
	random RandomRun
}

// RandomRun is a run of random odd numbers of Bits bits (2 to 64) drawn as
// cmd/corescale's --random draws them: each the next Uint64 of
// math/rand/v2's PCG, from the state Hi:Lo it has before the run's first
// number, shifted right by 64−Bits, with the top bit and the last set.
type RandomRun struct {
	Hi, Lo uint64
	Bits   int
}

// advance returns the run from its n-th number on.
func (r RandomRun) advance(n uint64) RandomRun {
	r.Hi, r.Lo = advancePCG(r.Hi, r.Lo, n)
	return r
}

// Number returns the run's i-th number, as the device draws it: the host's
// reference, and what a caller prints.
func (r RandomRun) Number(i uint64) uint64 {
	s := r.advance(i + 1)
	hi := s.Hi
	hi ^= hi >> 32
	hi *= 0xda942042e4dd58b5
	hi ^= hi >> 48
	return (hi*(s.Lo|1))>>(64-r.Bits) | 1<<(r.Bits-1) | 1
}

// advancePCG returns the PCG state n steps after hi:lo: n steps of the
// linear congruential step fold into one multiply and add, squared up a
// bit of n at a time (internal/shard does the same for its jumps).
func advancePCG(hi, lo, n uint64) (uint64, uint64) {
	type u128 struct{ hi, lo uint64 }
	mulAdd := func(a, m, c u128) u128 {
		h, l := bits.Mul64(a.lo, m.lo)
		h += a.hi*m.lo + a.lo*m.hi
		l, carry := bits.Add64(l, c.lo, 0)
		h, _ = bits.Add64(h, c.hi, carry)
		return u128{h, l}
	}
	accM, accC := u128{0, 1}, u128{}
	m, c := u128{2549297995355413924, 4865540595714422341}, u128{6364136223846793005, 1442695040888963407}
	for ; n != 0; n >>= 1 {
		if n&1 == 1 {
			accM = mulAdd(accM, m, u128{})
			accC = mulAdd(accC, m, c)
		}
		m1 := mulAdd(m, u128{0, 1}, u128{0, 1})
		c = mulAdd(c, m1, u128{})
		m = mulAdd(m, m, u128{})
	}
	s := mulAdd(u128{hi, lo}, accM, accC)
	return s.hi, s.lo
}

func (j primeJob) slice(lo, hi int) primeJob {
	k := primeJob{first: j.first + uint64(lo), out: j.out[lo:hi], random: j.random}
	if j.ns != nil {
		k.ns = j.ns[lo:hi]
	}
	if j.random.Bits != 0 {
		k.random = j.random.advance(uint64(lo))
	}
	return k
}

type primeSlot struct {
	streamSlot
	hostIn   HostBuffer // the chunk's numbers, 8 bytes each
	hostOut  HostBuffer // its verdicts, a byte each
	hostZero HostBuffer // the passes' two counters as they start: zero
	devIn    DevPtr
	devOut   DevPtr
	devCount DevPtr // survivors of trial division, then of the base-2 test
	devN1    DevPtr // trial division's survivors: numbers and indices
	devI1    DevPtr
	devN2    DevPtr // the base-2 test's
	devI2    DevPtr
	// The launches' argument values, which the argument lists point at.
	count uint32
	first uint64
	// The random run's state and size.
	stateHi, stateLo uint64
	bits             uint32
	args             struct{ trial, trialRange, trialRandom, base2, lucas []unsafe.Pointer }
}

// NewPrimeEngine opens device on drv and prepares the prime kernels.
// maxChunk caps the numbers per chunk (zero: a million, which fills the
// largest GPUs with several waves of threads).
func NewPrimeEngine(drv Driver, device, maxChunk int) (*PrimeEngine, error) {
	ctx, sms, err := openDevice(drv, device)
	if err != nil {
		return nil, err
	}
	e := &PrimeEngine{ctx: ctx, device: device, ring: newSlotRing[primeJob](primeSlots)}
	if err := e.init(maxChunk, sms); err != nil {
		// Close releases what init made before it failed, then the
		// context: a driver reports what a context is released with.
		e.Close()
		return nil, fmt.Errorf("device %d: %w", device, err)
	}
	return e, nil
}

func (e *PrimeEngine) init(maxChunk, sms int) error {
	mod, err := e.ctx.Load(kernels.PrimePTX)
	if err != nil {
		return fmt.Errorf("load the prime kernels: %w", err)
	}
	for i, k := range []kernels.Kernel{kernels.PrimeTrialU64, kernels.PrimeTrialRange, kernels.PrimeBase2, kernels.PrimeLucas, kernels.PrimeTrialRandom} {
		if e.fns[i], err = mod.Function(k.Name); err != nil {
			return err
		}
	}
	free, _, err := e.ctx.MemInfo()
	if err != nil {
		return fmt.Errorf("device memory: %w", err)
	}
	if maxChunk <= 0 {
		maxChunk = 1 << 20
	}
	// The slots' buffers, leaving a fifth of the free memory to the
	// driver and other users; the kernels' counts are uint32.
	e.chunk = min(maxChunk, int(free*4/5/(primeSlots*primeBytes)), 1<<31)
	if e.chunk < primeBlock {
		return fmt.Errorf("device memory: %d bytes free, too little for %d chunks of %d numbers", free, primeSlots, primeBlock)
	}
	// 2,048 resident threads a multiprocessor on every GPU since Volta.
	e.strideGrid = uint32(max(1, sms) * 2048 / primeBlock)
	for i := range e.slots {
		s := &primeSlot{}
		e.slots[i] = s
		if err := s.open(e.ctx,
			[]hostBuffer{{&s.hostIn, 8 * e.chunk}, {&s.hostOut, e.chunk}, {&s.hostZero, 8}},
			[]devBuffer{{&s.devIn, 8 * e.chunk}, {&s.devOut, e.chunk}, {&s.devCount, 8}, {&s.devN1, 8 * e.chunk}, {&s.devI1, 4 * e.chunk}, {&s.devN2, 8 * e.chunk}, {&s.devI2, 4 * e.chunk}},
		); err != nil {
			return err
		}
		clear(s.hostZero.Bytes())
		s.args.trial = []unsafe.Pointer{unsafe.Pointer(&s.devIn), unsafe.Pointer(&s.devOut), unsafe.Pointer(&s.count), unsafe.Pointer(&s.devN1), unsafe.Pointer(&s.devI1), unsafe.Pointer(&s.devCount)}
		s.args.trialRange = []unsafe.Pointer{unsafe.Pointer(&s.first), unsafe.Pointer(&s.devOut), unsafe.Pointer(&s.count), unsafe.Pointer(&s.devN1), unsafe.Pointer(&s.devI1), unsafe.Pointer(&s.devCount)}
		s.args.trialRandom = []unsafe.Pointer{unsafe.Pointer(&s.stateHi), unsafe.Pointer(&s.stateLo), unsafe.Pointer(&s.bits), unsafe.Pointer(&s.devOut), unsafe.Pointer(&s.count), unsafe.Pointer(&s.devN1), unsafe.Pointer(&s.devI1), unsafe.Pointer(&s.devCount)}
		s.args.base2 = []unsafe.Pointer{unsafe.Pointer(&s.devN1), unsafe.Pointer(&s.devI1), unsafe.Pointer(&s.devN2), unsafe.Pointer(&s.devI2), unsafe.Pointer(&s.devCount)}
		s.args.lucas = []unsafe.Pointer{unsafe.Pointer(&s.devN2), unsafe.Pointer(&s.devI2), unsafe.Pointer(&s.devOut), unsafe.Pointer(&s.devCount)}
	}
	return nil
}

// Chunk returns the most numbers that go to the device at a time.
func (e *PrimeEngine) Chunk() int { return e.chunk }

// Device returns the device's number.
func (e *PrimeEngine) Device() int { return e.device }

// TestPrimes implements corescale.PrimeTester.
func (e *PrimeEngine) TestPrimes(ns []uint64, out []bool) error {
	if len(out) < len(ns) {
		return fmt.Errorf("gpu prime: %d verdicts for %d numbers", len(out), len(ns))
	}
	return runPrime([]*PrimeEngine{e}, primeJob{ns: ns, out: out[:len(ns)]}, nil)
}

// TestRange sets out[i] to whether first+i is prime, making the numbers
// on the device: only the verdicts cross PCIe.
func (e *PrimeEngine) TestRange(first uint64, out []bool) error {
	if err := checkRange(first, len(out)); err != nil {
		return err
	}
	return runPrime([]*PrimeEngine{e}, primeJob{first: first, out: out}, nil)
}

// TestRandom sets out[i] to whether the i-th number of run is prime, the
// numbers drawn on the device: only the PCG's state crosses PCIe, and the
// verdicts back.
func (e *PrimeEngine) TestRandom(run RandomRun, out []bool) error {
	if err := checkRandom(run); err != nil {
		return err
	}
	return runPrime([]*PrimeEngine{e}, primeJob{random: run, out: out}, nil)
}

func checkRandom(run RandomRun) error {
	if run.Bits < 2 || run.Bits > 64 {
		return fmt.Errorf("gpu prime: random numbers of %d bits: the device draws 2 to 64", run.Bits)
	}
	return nil
}

func checkRange(first uint64, n int) error {
	if n > 0 && first+uint64(n-1) < first {
		return fmt.Errorf("gpu prime: the range from %d of %d numbers passes 2^64", first, n)
	}
	return nil
}

// runPrime tests job on engines, which take its chunks as they free a
// slot (runOnDevices): a faster device takes more.
func runPrime(engines []*PrimeEngine, job primeJob, lost func(device int, err error)) error {
	plan := func(live []*PrimeEngine) *primeChunks {
		n := len(job.out)
		// Split small batches too, so that every slot of every device
		// has a chunk and copies overlap kernels.
		split := max(primeMinSplit, (n+primeSlots*len(live)-1)/(primeSlots*len(live)))
		return &primeChunks{job: job, split: split}
	}
	return runOnDevices(engines, plan, lost, "gpu prime")
}

// primeChunks cuts a batch into chunks only as engines take them, each to
// the taker's chunk size, since the devices' memory may differ.
type primeChunks struct {
	job   primeJob
	split int // the most numbers a chunk of job holds
	next  int // job's first number not yet taken
	// retry holds chunks a failed device gave back; they may be larger
	// than another device's chunk, so they are cut again when taken.
	retry []primeJob
}

func (q *primeChunks) take(e *PrimeEngine) (primeJob, bool) {
	most := e.chunk
	if k := len(q.retry); k > 0 {
		j := q.retry[k-1]
		q.retry = q.retry[:k-1]
		if len(j.out) > most {
			q.retry = append(q.retry, j.slice(most, len(j.out)))
			j = j.slice(0, most)
		}
		return j, true
	}
	if q.next >= len(q.job.out) {
		return primeJob{}, false
	}
	lo := q.next
	q.next = min(len(q.job.out), lo+min(most, q.split))
	return q.job.slice(lo, q.next), true
}

func (q *primeChunks) putBack(jobs []primeJob) { q.retry = append(q.retry, jobs...) }

func (q *primeChunks) done() bool { return len(q.retry) == 0 && q.next >= len(q.job.out) }

func (e *PrimeEngine) work(take func() (primeJob, bool)) ([]primeJob, error) {
	return e.ring.work(e, take)
}

func (e *PrimeEngine) failure() error { return e.failed }

func (e *PrimeEngine) fail(err error) { e.failed = err }

// queue sends j through slot's stream: counters zeroed and numbers
// copied in, the three passes, verdicts copied out, each phase between
// two events.
func (e *PrimeEngine) queue(slot int, j primeJob) error {
	s := e.slots[slot]
	n := len(j.out)
	s.count = uint32(n)
	s.first = j.first
	trial, args := e.fns[0], s.args.trial
	trialGrid := gridFor(n, primeBlock, MaxGridX)
	switch {
	case j.random.Bits != 0:
		s.stateHi, s.stateLo, s.bits = j.random.Hi, j.random.Lo, uint32(j.random.Bits)
		trial, args = e.fns[4], s.args.trialRandom
		trialGrid = gridFor((n+primeRandomRun-1)/primeRandomRun, primeBlock, MaxGridX)
	case j.ns == nil:
		trial, args = e.fns[1], s.args.trialRange
	}
	block := Dim3{primeBlock, 1, 1}
	in := []toDevice{{s.devCount, s.hostZero, 8}}
	if j.ns != nil {
		copy(s.hostIn.Bytes(), unsafe.Slice((*byte)(unsafe.Pointer(&j.ns[0])), 8*n))
		in = append(in, toDevice{s.devIn, s.hostIn, 8 * n})
	}
	// The later passes stride over survivors whose count is on the
	// device: a grid that fills it, or covers the chunk if that is less.
	grid := Dim3{min(e.strideGrid, gridFor(n, primeBlock, MaxGridX)), 1, 1}
	passes := []pass{
		{trial, Dim3{trialGrid, 1, 1}, block, args},
		{e.fns[2], grid, block, s.args.base2},
		{e.fns[3], grid, block, s.args.lucas},
	}
	if err := s.queue(in, passes, s.hostOut, s.devOut, n); err != nil {
		return fmt.Errorf("gpu prime: device %d: %w", e.device, err)
	}
	return nil
}

// wait waits for slot's chunk to come back.
func (e *PrimeEngine) wait(slot int) error {
	if err := e.slots[slot].stream.Synchronize(); err != nil {
		return fmt.Errorf("gpu prime: device %d: %w", e.device, err)
	}
	return nil
}

// deliver writes slot's verdicts into j and adds its timings.
func (e *PrimeEngine) deliver(slot int, j primeJob) error {
	s := e.slots[slot]
	for i, v := range s.hostOut.Bytes()[:len(j.out)] {
		j.out[i] = v != 0
	}
	if err := s.addTimes(&e.Timings); err != nil {
		return fmt.Errorf("gpu prime: device %d: %w", e.device, err)
	}
	e.Timings.Items += len(j.out)
	return nil
}

// Close releases the device buffers, streams and context.
func (e *PrimeEngine) Close() error {
	for _, s := range e.slots {
		if s != nil {
			s.close(e.ctx)
		}
	}
	return e.ctx.Close()
}

// PrimeDevices tests batches on several GPUs at once: each device's engine
// takes the batch's chunks as it frees a slot (work stealing from a shared
// queue, not a static split), so each device does what its speed allows.
//
// A device that fails mid-batch is dropped for the rest of the engine's
// life, and the chunks it had not delivered are tested by the others: its
// numbers are still on the host, any error leaves its context unusable,
// and the other devices run the same kernels, so the verdicts are the
// same. Only when every device has failed does a batch fail, naming each
// device's error; a fault of the kernels themselves, which every device
// would meet, ends the run that way. A device that fails to open (its
// context, module or buffers) is released and dropped the same way, and
// Engines holds only the devices that opened.
type PrimeDevices struct {
	Engines []*PrimeEngine
	// Lost, when set, hears of each device dropped: those that failed to
	// open at the first batch (or at Close), the others as they fail.
	Lost func(device int, err error)
	// Timings add up every device's phases; Each keeps them device by
	// device, in the order of Engines.
	Timings Timings
	Each    []Timings

	setUp setUpLosses // devices that failed to open, not yet told to Lost
}

// NewPrimeDevices opens an engine on each of devices (all of drv's when
// empty). A device that fails to open is released and dropped, as one
// failing mid-batch, and told to Lost at the first batch; it fails only
// when no device opens.
func NewPrimeDevices(drv Driver, devices []int, maxChunk int) (*PrimeDevices, error) {
	engines, losses, err := openEach(drv, devices, "gpu prime", func(d int) (*PrimeEngine, error) {
		return NewPrimeEngine(drv, d, maxChunk)
	})
	if err != nil {
		return nil, err
	}
	p := &PrimeDevices{Engines: engines}
	p.setUp.pending = losses
	return p, nil
}

// BatchSize is how many numbers a batch should hold to keep every slot of
// every device busy with full chunks.
func (p *PrimeDevices) BatchSize() int {
	n := 0
	for _, e := range p.Engines {
		n += primeSlots * e.chunk
	}
	return n
}

// TestPrimes implements corescale.PrimeTester.
func (p *PrimeDevices) TestPrimes(ns []uint64, out []bool) error {
	if len(out) < len(ns) {
		return fmt.Errorf("gpu prime: %d verdicts for %d numbers", len(out), len(ns))
	}
	p.setUp.tell(p.Lost)
	defer p.gather()
	return runPrime(p.Engines, primeJob{ns: ns, out: out[:len(ns)]}, p.Lost)
}

// TestRange sets out[i] to whether first+i is prime, the numbers made on
// the devices.
func (p *PrimeDevices) TestRange(first uint64, out []bool) error {
	if err := checkRange(first, len(out)); err != nil {
		return err
	}
	p.setUp.tell(p.Lost)
	defer p.gather()
	return runPrime(p.Engines, primeJob{first: first, out: out}, p.Lost)
}

// TestRandom sets out[i] to whether the i-th number of run is prime, the
// numbers drawn on the devices.
func (p *PrimeDevices) TestRandom(run RandomRun, out []bool) error {
	if err := checkRandom(run); err != nil {
		return err
	}
	p.setUp.tell(p.Lost)
	defer p.gather()
	return runPrime(p.Engines, primeJob{random: run, out: out}, p.Lost)
}

// gather moves the engines' timings into p's.
func (p *PrimeDevices) gather() {
	if len(p.Each) != len(p.Engines) {
		p.Each = make([]Timings, len(p.Engines))
	}
	for i, e := range p.Engines {
		p.Timings.add(e.Timings)
		p.Each[i].add(e.Timings)
		e.Timings = Timings{}
	}
}

// EachDevice returns the devices and each one's timings since they were
// last cleared (ClearTimings).
func (p *PrimeDevices) EachDevice() (devices []int, each []Timings) {
	for i, e := range p.Engines {
		devices = append(devices, e.device)
		if i < len(p.Each) {
			each = append(each, p.Each[i])
		} else {
			each = append(each, Timings{})
		}
	}
	return devices, each
}

// ClearTimings zeroes the timings, the sum and each device's.
func (p *PrimeDevices) ClearTimings() {
	p.Timings = Timings{}
	clear(p.Each)
}

// DeviceTimings returns the devices' per-phase timings.
func (p *PrimeDevices) DeviceTimings() *Timings { return &p.Timings }

// Close closes every engine; a device that failed can only report its
// failure again, which is not news.
func (p *PrimeDevices) Close() error {
	p.setUp.tell(p.Lost)
	var first error
	for _, e := range p.Engines {
		if err := e.Close(); err != nil && e.failed == nil && first == nil {
			first = err
		}
	}
	return first
}
