package gpu

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
	"unsafe"

	"github.com/corescale/corescale/kernels"
)

// SieveEngine finds the primes of ranges below 2^64 on a GPU, with the
// same results as cpu/sieve: kernels/sieve.cu sieves the odd numbers in
// segments, one a block, each segment's bitmap in shared memory.
//
// Low down (the square root of the range's top up to SieveMaxPrime, and no
// more than the range is long) the sieve is exact: every odd prime up to
// the square root crosses off its multiples. Higher up, where those primes
// would outnumber the range, it sieves by the primes up to a bound only
// (the hybrid), compacts the survivors on the device, and is_prime_u64
// (prime.cu, exact below 2^64) decides them there.
//
// A range goes through in chunks of segments sized to the device's free
// memory. A count crosses back as one number for the whole range (the
// hybrid also reads each chunk's survivor count, to size the test); the
// primes come back as each chunk's bitmaps, or the hybrid's survivors and
// their verdicts. One stream: a chunk's results are read before the next
// chunk is queued.
type SieveEngine struct {
	ctx                               Context
	stream                            Stream
	segs, scan, compact, sum, isPrime Function

	segWords  int    // 32-bit words a segment (one block) sieves
	chunkSegs int    // segments a chunk
	limit     uint64 // SieveOptions.Limit
	maxPrime  uint64 // the largest sieving prime whose table fits the memory left

	dWords, dCounts, dOffsets, dSurvivors, dVerdicts, dTotal, dScratch DevPtr
	hWords, hSurvivors, hVerdicts, hSmall                              HostBuffer

	primes   []uint32 // the odd primes up to primesTo, on the host
	primesTo uint64
	dPrimes  DevPtr // the first dPrimesN of them on the device
	dPrimesN int
	hPrimes  HostBuffer

	// Chunks counts the chunks of every run, for tests.
	Chunks int
}

// SieveOptions tune a SieveEngine.
type SieveOptions struct {
	// SegmentWords is how many 32-bit words (64 odd numbers each) a
	// segment, one block's shared memory, holds: SieveMaxWords when zero,
	// fewer when the device is small. Tests make it small for many
	// segments.
	SegmentWords int
	// ChunkSegments caps the segments of a chunk (zero: 64, fewer when
	// the device memory is small). Tests make it small for many chunks.
	ChunkSegments int
	// Limit, when not zero, is the largest sieving prime: below the square
	// root of a range's top it makes the hybrid sieve by the primes up to
	// Limit only and test the survivors.
	Limit uint64
}

// SieveMaxWords is the largest segment: sieve.cu's SIEVE_MAX_WORDS, 32 KiB
// of shared memory a block.
const SieveMaxWords = 8192

// SieveMaxPrime bounds the sieving primes: ranges whose square root is
// larger go to the hybrid, which sieves by the primes up to a bound of at
// most SieveMaxPrime (295,947 primes, 1.2 MB on the device).
const SieveMaxPrime = 1 << 22

// sieveBlock is the threads per block of the sieve kernels (a power of two,
// as sum_u8's reduction needs).
const sieveBlock = 256

// bytesPerBit is the device memory a bit of a chunk takes: its share of
// the bitmap (1/8), and room for it as a survivor (8) with its verdict (1).
const bytesPerBit = 8 + 1 + 1.0/8

// NewSieveEngine opens device on drv and prepares the sieve kernels.
func NewSieveEngine(drv Driver, device int, o SieveOptions) (*SieveEngine, error) {
	ctx, err := drv.Open(device)
	if err != nil {
		return nil, fmt.Errorf("open %s device %d: %w", drv.Name(), device, err)
	}
	e := &SieveEngine{ctx: ctx}
	if err := e.init(o); err != nil {
		e.Close()
		return nil, err
	}
	return e, nil
}

func (e *SieveEngine) init(o SieveOptions) error {
	sieveMod, err := e.ctx.Load(kernels.SievePTX)
	if err != nil {
		return fmt.Errorf("load the sieve kernels: %w", err)
	}
	primeMod, err := e.ctx.Load(kernels.PrimePTX)
	if err != nil {
		return fmt.Errorf("load the prime kernels: %w", err)
	}
	for _, f := range []struct {
		mod Module
		k   kernels.Kernel
		fn  *Function
	}{
		{sieveMod, kernels.SieveSegments, &e.segs},
		{sieveMod, kernels.SieveScan, &e.scan},
		{sieveMod, kernels.SieveCompact, &e.compact},
		{sieveMod, kernels.SumU8, &e.sum},
		{primeMod, kernels.IsPrimeU64, &e.isPrime},
	} {
		if *f.fn, err = f.mod.Function(f.k.Name); err != nil {
			return err
		}
	}
	free, _, err := e.ctx.MemInfo()
	if err != nil {
		return fmt.Errorf("device memory: %w", err)
	}
	// Three fifths of the free memory for the chunk's buffers, one for the
	// table of sieving primes, one left to the driver (which rounds each
	// allocation up) and other users.
	fit := int(min(float64(free)*3/5/bytesPerBit/32, 1<<26)) // words of a chunk
	e.segWords = SieveMaxWords
	if o.SegmentWords > 0 {
		e.segWords = min(o.SegmentWords, SieveMaxWords)
	}
	e.segWords = min(e.segWords, fit)
	if e.segWords < 1 {
		return fmt.Errorf("device memory: %d bytes free, too little for a segment of the sieve", free)
	}
	e.chunkSegs = 64
	if o.ChunkSegments > 0 {
		e.chunkSegs = o.ChunkSegments
	}
	// A chunk's bits are counted in a uint32.
	e.chunkSegs = max(1, min(e.chunkSegs, fit/e.segWords, (1<<31)/(32*e.segWords)))
	e.limit = o.Limit
	// The table of sieving primes lives in the fifth left over: n primes
	// reach at most n(ln n + ln ln n) (Rosser), for n ≥ 6.
	n := float64(free) / 5 / 4
	e.maxPrime = SieveMaxPrime
	if n < 6 {
		e.maxPrime = 3
	} else if p := n * (math.Log(n) + math.Log(math.Log(n))); p < SieveMaxPrime {
		e.maxPrime = uint64(p)
	}
	words := e.chunkSegs * e.segWords
	bitsN := 32 * words
	if e.stream, err = e.ctx.NewStream(); err != nil {
		return err
	}
	for _, b := range []struct {
		p     *DevPtr
		bytes int
	}{
		{&e.dWords, 4 * words}, {&e.dCounts, 4 * e.chunkSegs}, {&e.dOffsets, 4 * (e.chunkSegs + 1)},
		{&e.dSurvivors, 8 * bitsN}, {&e.dVerdicts, bitsN}, {&e.dTotal, 8}, {&e.dScratch, 8},
	} {
		if *b.p, err = e.ctx.Alloc(b.bytes); err != nil {
			return fmt.Errorf("gpu sieve: %w", err)
		}
	}
	for _, b := range []struct {
		h     *HostBuffer
		bytes int
	}{
		{&e.hWords, 4 * words}, {&e.hSurvivors, 8 * bitsN}, {&e.hVerdicts, bitsN}, {&e.hSmall, 16},
	} {
		if *b.h, err = e.ctx.AllocHost(b.bytes); err != nil {
			return fmt.Errorf("gpu sieve: %w", err)
		}
	}
	return nil
}

// SievePlan is how the engine decides a range: the largest sieving prime,
// whether the survivors are tested (the hybrid) and why.
type SievePlan struct {
	Limit  uint64
	Hybrid bool
	Why    string
}

// Plan returns how the engine decides [a, b].
func (e *SieveEngine) Plan(a, b uint64) SievePlan {
	root := isqrt(b)
	length := b - a
	switch {
	case e.limit != 0 && min(e.limit, e.maxPrime) < root:
		limit := min(e.limit, e.maxPrime)
		return SievePlan{limit, true, fmt.Sprintf("GPU hybrid, as asked: sieve by the primes up to %d, is_prime_u64 on the survivors", limit)}
	case e.limit != 0 || root <= e.maxPrime && root <= length:
		return SievePlan{root, false, fmt.Sprintf("GPU sieve by every prime up to the square root %d, segments of %d numbers", root, 64*e.segWords)}
	}
	bound := min(max(length/64, 1<<10), e.maxPrime, root)
	return SievePlan{bound, true, fmt.Sprintf("GPU hybrid: the square root %d is large next to the %d numbers; sieve by the primes up to %d, is_prime_u64 on the survivors", root, length+1, bound)}
}

// Count returns how many primes lie in [a, b].
func (e *SieveEngine) Count(a, b uint64) (uint64, error) {
	var n uint64
	if a <= 2 && 2 <= b {
		n++
	}
	r, ok := e.odd(a, b)
	if !ok {
		return n, nil
	}
	plan := e.Plan(a, b)
	if err := e.upload(plan.Limit); err != nil {
		return 0, err
	}
	if err := e.zero(e.dTotal); err != nil {
		return 0, err
	}
	for c := range r.chunks(e) {
		var err error
		if plan.Hybrid {
			_, err = e.hybridChunk(c, true)
		} else {
			err = e.sieveChunk(c, e.dTotal)
		}
		if err != nil {
			return 0, err
		}
	}
	total, err := e.read64(e.dTotal)
	return n + total, err
}

// Primes calls f with the primes of [a, b] in order, a chunk's at a time;
// f must not keep the slice. It stops at f's first error and returns it.
func (e *SieveEngine) Primes(a, b uint64, f func([]uint64) error) error {
	if a <= 2 && 2 <= b {
		if err := f([]uint64{2}); err != nil {
			return err
		}
	}
	r, ok := e.odd(a, b)
	if !ok {
		return nil
	}
	plan := e.Plan(a, b)
	if err := e.upload(plan.Limit); err != nil {
		return err
	}
	var ps []uint64
	for c := range r.chunks(e) {
		ps = ps[:0]
		if plan.Hybrid {
			n, err := e.hybridChunk(c, false)
			if err != nil {
				return err
			}
			sv, vs := e.hSurvivors.Bytes(), e.hVerdicts.Bytes()
			for i := range n {
				if vs[i] != 0 {
					ps = append(ps, binary.LittleEndian.Uint64(sv[8*i:]))
				}
			}
		} else {
			if err := e.zero(e.dScratch); err != nil {
				return err
			}
			if err := e.sieveChunk(c, e.dScratch); err != nil {
				return err
			}
			words := c.blocks * e.segWords
			if err := e.stream.CopyToHost(e.hWords, 0, e.dWords, 4*words); err != nil {
				return fmt.Errorf("gpu sieve: %w", err)
			}
			if err := e.sync(); err != nil {
				return err
			}
			hw := e.hWords.Bytes()
			for i := range words {
				for v := binary.LittleEndian.Uint32(hw[4*i:]); v != 0; v &= v - 1 {
					ps = append(ps, c.base+2*(32*uint64(i)+uint64(bits.TrailingZeros32(v)))+1)
				}
			}
		}
		if err := f(ps); err != nil {
			return err
		}
	}
	return nil
}

// oddRange is the odd numbers from 3 of a range: bit k stands for
// base + 2k + 1, for k from 0 to last.
type oddRange struct {
	base, last uint64
}

// chunk is a run of a range's bits that one launch of sieve_segments
// covers: bits first to last (of the chunk) of blocks segments from base.
type chunk struct {
	base        uint64
	first, last uint32
	blocks      int
}

// odd returns the odd numbers of [a, b] above 1, or false if there are
// none.
func (e *SieveEngine) odd(a, b uint64) (oddRange, bool) {
	if a > b || b < 3 {
		return oddRange{}, false
	}
	lo, hi := max(a, 3)|1, b
	if hi&1 == 0 {
		hi--
	}
	if lo > hi {
		return oddRange{}, false
	}
	return oddRange{base: lo - 1, last: (hi - lo) / 2}, true
}

// chunks yields r's chunks in order.
func (r oddRange) chunks(e *SieveEngine) func(func(chunk) bool) {
	segBits := uint64(32 * e.segWords)
	size := uint64(e.chunkSegs) * segBits
	return func(yield func(chunk) bool) {
		for k := uint64(0); ; k += size {
			last := min(size-1, r.last-k)
			c := chunk{base: r.base + 2*k, last: uint32(last), blocks: int(last/segBits + 1)}
			if !yield(c) || r.last-k < size {
				return
			}
		}
	}
}

// sieveChunk queues sieve_segments over c, adding its survivors to the
// counter at total.
func (e *SieveEngine) sieveChunk(c chunk, total DevPtr) error {
	e.Chunks++
	base, first, last, seg, np := c.base, c.first, c.last, uint32(e.segWords), uint32(e.dPrimesN)
	args := []unsafe.Pointer{unsafe.Pointer(&base), unsafe.Pointer(&first), unsafe.Pointer(&last), unsafe.Pointer(&seg),
		unsafe.Pointer(&e.dPrimes), unsafe.Pointer(&np), unsafe.Pointer(&e.dWords), unsafe.Pointer(&e.dCounts), unsafe.Pointer(&total)}
	if err := launch(e.stream, e.segs, Dim3{uint32(c.blocks), 1, 1}, Dim3{sieveBlock, 1, 1}, args); err != nil {
		return fmt.Errorf("gpu sieve: %w", err)
	}
	return nil
}

// hybridChunk sieves c by the uploaded primes, compacts the survivors and
// tests them on the device. With count it adds the primes to the device's
// total; without, it copies the survivors and their verdicts to
// hSurvivors and hVerdicts. It returns how many survivors there were.
func (e *SieveEngine) hybridChunk(c chunk, count bool) (int, error) {
	if err := e.sieveChunk(c, e.dScratch); err != nil {
		return 0, err
	}
	blocks := uint32(c.blocks)
	base, seg := c.base, uint32(e.segWords)
	steps := []func() error{
		func() error {
			return launch(e.stream, e.scan, Dim3{1, 1, 1}, Dim3{sieveBlock, 1, 1},
				[]unsafe.Pointer{unsafe.Pointer(&e.dCounts), unsafe.Pointer(&e.dOffsets), unsafe.Pointer(&blocks)})
		},
		func() error {
			return launch(e.stream, e.compact, Dim3{blocks, 1, 1}, Dim3{sieveBlock, 1, 1},
				[]unsafe.Pointer{unsafe.Pointer(&base), unsafe.Pointer(&seg), unsafe.Pointer(&e.dWords), unsafe.Pointer(&e.dOffsets), unsafe.Pointer(&e.dSurvivors)})
		},
		// The survivors' count sizes the test: 4 bytes back.
		func() error { return e.stream.CopyToHost(e.hSmall, 0, e.dOffsets+DevPtr(4*blocks), 4) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return 0, fmt.Errorf("gpu sieve: %w", err)
		}
	}
	if err := e.sync(); err != nil {
		return 0, err
	}
	n := binary.LittleEndian.Uint32(e.hSmall.Bytes())
	if n == 0 {
		return 0, nil
	}
	grid := Dim3{(n + primeBlock - 1) / primeBlock, 1, 1}
	steps = []func() error{
		func() error {
			return launch(e.stream, e.isPrime, grid, Dim3{primeBlock, 1, 1},
				[]unsafe.Pointer{unsafe.Pointer(&e.dSurvivors), unsafe.Pointer(&e.dVerdicts), unsafe.Pointer(&n)})
		},
	}
	if count {
		sumGrid := Dim3{min(grid[0], 1024), 1, 1}
		steps = append(steps, func() error {
			return launch(e.stream, e.sum, sumGrid, Dim3{sieveBlock, 1, 1},
				[]unsafe.Pointer{unsafe.Pointer(&e.dVerdicts), unsafe.Pointer(&n), unsafe.Pointer(&e.dTotal)})
		})
	} else {
		steps = append(steps,
			func() error { return e.stream.CopyToHost(e.hSurvivors, 0, e.dSurvivors, 8*int(n)) },
			func() error { return e.stream.CopyToHost(e.hVerdicts, 0, e.dVerdicts, int(n)) },
			e.sync)
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return 0, fmt.Errorf("gpu sieve: %w", err)
		}
	}
	return int(n), nil
}

// upload puts the odd primes up to limit on the device.
func (e *SieveEngine) upload(limit uint64) error {
	if limit > e.primesTo {
		e.primes, e.primesTo = oddPrimes(limit), limit
	}
	n := 0
	for n < len(e.primes) && uint64(e.primes[n]) <= limit {
		n++
	}
	if e.dPrimes == 0 || n > e.dPrimesCap() {
		if e.dPrimes != 0 {
			if err := e.sync(); err != nil {
				return err
			}
			e.ctx.Free(e.dPrimes)
			e.dPrimes = 0
			e.hPrimes.Free()
			e.hPrimes = nil
		}
		var err error
		// The kernel takes a pointer into device memory even for no primes.
		if e.dPrimes, err = e.ctx.Alloc(4 * max(n, 1)); err != nil {
			return fmt.Errorf("gpu sieve: the sieving primes: %w", err)
		}
		if e.hPrimes, err = e.ctx.AllocHost(4 * max(n, 1)); err != nil {
			return fmt.Errorf("gpu sieve: the sieving primes: %w", err)
		}
	}
	if err := e.sync(); err != nil {
		return err
	}
	hp := e.hPrimes.Bytes()
	for i, p := range e.primes[:n] {
		binary.LittleEndian.PutUint32(hp[4*i:], p)
	}
	e.dPrimesN = n
	if n > 0 {
		if err := e.stream.CopyToDevice(e.dPrimes, e.hPrimes, 0, 4*n); err != nil {
			return fmt.Errorf("gpu sieve: %w", err)
		}
	}
	return nil
}

func (e *SieveEngine) dPrimesCap() int { return len(e.hPrimes.Bytes()) / 4 }

// zero queues a zeroing of the 8-byte counter at p.
func (e *SieveEngine) zero(p DevPtr) error {
	if err := e.sync(); err != nil {
		return err
	}
	clear(e.hSmall.Bytes()[8:])
	if err := e.stream.CopyToDevice(p, e.hSmall, 8, 8); err != nil {
		return fmt.Errorf("gpu sieve: %w", err)
	}
	return nil
}

// read64 waits for the stream and returns the 8-byte counter at p.
func (e *SieveEngine) read64(p DevPtr) (uint64, error) {
	if err := e.stream.CopyToHost(e.hSmall, 0, p, 8); err != nil {
		return 0, fmt.Errorf("gpu sieve: %w", err)
	}
	if err := e.sync(); err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint64(e.hSmall.Bytes()), nil
}

func (e *SieveEngine) sync() error {
	if err := e.stream.Synchronize(); err != nil {
		return fmt.Errorf("gpu sieve: %w", err)
	}
	return nil
}

// Close releases the device buffers, stream and context.
func (e *SieveEngine) Close() error {
	if e.stream != nil {
		// A failed call can leave work queued that still uses the
		// buffers freed below.
		e.stream.Synchronize()
		e.stream.Close()
	}
	for _, b := range []HostBuffer{e.hWords, e.hSurvivors, e.hVerdicts, e.hSmall, e.hPrimes} {
		if b != nil {
			b.Free()
		}
	}
	for _, p := range []DevPtr{e.dWords, e.dCounts, e.dOffsets, e.dSurvivors, e.dVerdicts, e.dTotal, e.dScratch, e.dPrimes} {
		if p != 0 {
			e.ctx.Free(p)
		}
	}
	return e.ctx.Close()
}

// isqrt returns ⌊√n⌋.
func isqrt(n uint64) uint64 {
	r := uint64(math.Sqrt(float64(n)))
	for r > math.MaxUint32 || r*r > n {
		r--
	}
	for r < math.MaxUint32 && (r+1)*(r+1) <= n {
		r++
	}
	return r
}

// oddPrimes returns the odd primes up to limit, by a sieve of the odd
// numbers on the host.
func oddPrimes(limit uint64) []uint32 {
	if limit < 3 {
		return nil
	}
	composite := make([]bool, limit/2+1) // i stands for 2i+1
	var ps []uint32
	for i := uint64(1); 2*i+1 <= limit; i++ {
		if composite[i] {
			continue
		}
		p := 2*i + 1
		ps = append(ps, uint32(p))
		for j := p * p / 2; j < uint64(len(composite)); j += p {
			composite[j] = true
		}
	}
	return ps
}
