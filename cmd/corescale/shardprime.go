package main

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"math/big"
	"math/rand/v2"
	"os"
	"strconv"
	"sync"

	"github.com/corescale/corescale/cmd/corescale/primeio"
	"github.com/corescale/corescale/gpu"
	"github.com/corescale/corescale/internal/quote"
	"github.com/corescale/corescale/internal/shard"
)

// primeShard is the sharding of one prime run and the digest of its job.
type primeShard struct {
	sharding
	mode   primeio.Mode
	format primeio.Format
	job    hash.Hash
}

func newPrimeShard(s sharding, mode primeio.Mode, format primeio.Format) *primeShard {
	if !s.on {
		return nil
	}
	p := &primeShard{sharding: s, mode: mode, format: format, job: sha256.New()}
	fmt.Fprintf(p.job, "corescale prime\x00%d\x00%s\x00%s\x00", s.N, mode, format)
	return p
}

// describe adds the source of the numbers to the job's digest.
func (p *primeShard) describe(parts ...string) {
	for _, s := range parts {
		fmt.Fprintf(p.job, "%d:%s\x00", len(s), s)
	}
}

func (p *primeShard) digest() string { return hex.EncodeToString(p.job.Sum(nil)[:8]) }

// header is what the shard file says of itself.
func (p *primeShard) header() shardHeader {
	return shardHeader{spec: p.Spec, job: p.digest(), mode: p.mode, format: p.format}
}

// begin writes the shard file's header, before the output.
func (p *primeShard) begin(w io.Writer) error {
	if p == nil {
		return nil
	}
	return writeShardHeader(w, p.header())
}

// end closes what begin opened, after the output.
func (p *primeShard) end(w io.Writer) error {
	if p == nil {
		return nil
	}
	return writeShardTrailer(w, p.header())
}

// shardArgs returns the arguments of this shard, all of them when not
// sharded.
func (r *primeRun) shardArgs(args []string) []string {
	if r.shard == nil {
		return args
	}
	r.shard.describe(append([]string{"args"}, args...)...)
	lo, hi := r.shard.Part(int64(len(args)))
	return args[lo:hi]
}

// shardRange returns the source of this shard's part of [from, to]: a
// contiguous sub-range, balanced by expected work. r.from and r.to are
// set to it, for the sieve, when it holds any number.
func (r *primeRun) shardRange(from, to *big.Int) (primeio.Source, error) {
	if r.shard == nil {
		r.from, r.to = from, to
		return primeio.NewRange(from, to), nil
	}
	r.shard.describe("range", from.String(), to.String())
	lo, hi, ok, err := r.shard.Range(from, to, shard.RangeWork)
	if err != nil {
		return nil, err
	}
	if r.c.Bool("verbose") {
		fmt.Fprintf(r.c.App.ErrWriter, "corescale: shard %s (from %s): %s to %s\n", r.shard.Spec, r.shard.from, lo, hi)
	}
	if !ok {
		// More shards than the range has work for: this one has none.
		return primeio.NewArgs(nil), nil
	}
	r.from, r.to = lo, hi
	return primeio.NewRange(lo, hi), nil
}

// randomSource returns the source of this shard's part of n random odd
// numbers of bits bits: its numbers are the single run's, from its first,
// drawn after a jump of the generator past the numbers before them.
func (r *primeRun) randomSource(n, bits int, seed uint64) (primeio.Source, error) {
	if r.shard == nil {
		if bits <= 64 && bits >= 2 && n >= 0 {
			// The same numbers, from a source that can tell an engine
			// how to draw them itself (a GPU's device, see randomRun).
			return newRandomPart(bits, seed, 0, int64(n))
		}
		return primeio.NewRandom(n, bits, seed)
	}
	r.shard.describe("random", strconv.Itoa(n), strconv.Itoa(bits), strconv.FormatUint(seed, 10))
	if _, err := primeio.NewRandom(n, bits, seed); err != nil {
		return nil, err
	}
	lo, hi := r.shard.Part(int64(n))
	if r.c.Bool("verbose") {
		fmt.Fprintf(r.c.App.ErrWriter, "corescale: shard %s (from %s): random numbers %d to %d of %d\n", r.shard.Spec, r.shard.from, lo+1, hi, n)
	}
	return newRandomPart(bits, seed, lo, hi)
}

// randomPart is the source of the numbers lo+1 to hi of the sequence that
// primeio.NewRandom(n, bits, seed) gives. It draws as numbers.OddNumbers
// does, which keeps its generator to itself: a PCG seeded (seed,
// oddNumbersStream), one Uint64 a number up to 64 bits, the top bit and
// the last set; ⌈bits/64⌉ words a larger one, the words above bits
// cleared. TestRandomShardsAreTheSequence holds the two to the same
// numbers.
type randomPart struct {
	bits    int
	pcg     *rand.PCG
	rng     *rand.Rand
	pos, hi int64 // the next number's index in the whole sequence, and the end

	// runs holds, for each block last filled, the generator's state before
	// its first number. The pipeline fills one block while it tests
	// another, hence the lock.
	mu   sync.Mutex
	runs map[*primeio.Block]gpu.RandomRun
}

// oddNumbersStream is the PCG's second seed in numbers.NewOddNumbers.
const oddNumbersStream = 0x636f72657363616c

func newRandomPart(bits int, seed uint64, lo, hi int64) (*randomPart, error) {
	pcg := rand.NewPCG(seed, oddNumbersStream)
	each := uint64(1)
	if bits > 64 {
		each = uint64(bits+63) / 64
	}
	if err := shard.Skip(pcg, uint64(lo), each); err != nil {
		return nil, err
	}
	return &randomPart{bits: bits, pcg: pcg, rng: rand.New(pcg), pos: lo, hi: hi, runs: map[*primeio.Block]gpu.RandomRun{}}, nil
}

// Where implements primeio.Source: pos counts the whole sequence's numbers
// from 1, as the unsharded run names them.
func (p *randomPart) Where(pos int) string { return fmt.Sprintf("random number %d", pos) }

// maxBigBytes is primeio's bound on the big numbers of one block.
const maxBigBytes = 8 << 20

// randomRun says how b's numbers were drawn, for an engine that draws
// them again where it tests them: only when they are the single run's
// numbers of up to 64 bits.
func (p *randomPart) randomRun(b *primeio.Block) (gpu.RandomRun, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	run, ok := p.runs[b]
	return run, ok
}

// Fill implements primeio.Source.
func (p *randomPart) Fill(b *primeio.Block) error {
	b.Reset()
	if p.bits <= 64 {
		hi, lo, err := shard.PCGState(p.pcg)
		p.mu.Lock()
		if err == nil {
			p.runs[b] = gpu.RandomRun{Hi: hi, Lo: lo, Bits: p.bits}
		} else {
			// Tested on the host from the numbers drawn below.
			delete(p.runs, b)
		}
		p.mu.Unlock()
	}
	size, bigBytes := cap(b.Nums), 0
	for ; p.pos < p.hi && len(b.Nums) < size && bigBytes < maxBigBytes; p.pos++ {
		if p.bits <= 64 {
			b.Nums = append(b.Nums, p.rng.Uint64()>>(64-p.bits)|1<<(p.bits-1)|1)
			continue
		}
		words := make([]big.Word, (p.bits+63)/64)
		for i := range words {
			words[i] = big.Word(p.rng.Uint64())
		}
		z := new(big.Int).SetBits(words)
		for i := z.BitLen() - 1; i >= p.bits; i-- {
			z.SetBit(z, i, 0)
		}
		z.SetBit(z, p.bits-1, 1)
		z.SetBit(z, 0, 1)
		b.Big = append(b.Big, primeio.Big{At: len(b.Nums), N: z, Pos: int(p.pos) + 1})
		b.Nums = append(b.Nums, 0)
		bigBytes += len(words) * 8
	}
	if len(b.Nums) == 0 {
		return io.EOF
	}
	return nil
}

// shardInput returns the source of this shard's block of lines of the file
// at path: the lines that start in its N-th of the bytes, read from there,
// so that no task reads the whole file. With r.check set the block is read
// twice, as checkFile reads a whole file: once to check every line, once to
// test, and it must not change in between.
func (r *primeRun) shardInput(path string) (primeio.Source, func(), error) {
	if path == "-" {
		return nil, nil, usageErrorf("--input - with --shard %s: a shard reads its own block of a file, which stdin cannot seek to; give the file", r.shard.Spec)
	}
	name := quote.Name(path)
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, &usageError{fmt.Errorf("--input: %w", err)}
	}
	closeFile := func() { f.Close() }
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = usageErrorf("--input %s with --shard %s: not a regular file, whose blocks each shard can read", name, r.shard.Spec)
	}
	var lo, hi int64
	if err == nil {
		lo, hi, err = r.shard.Lines(f, fi.Size())
	}
	if err == nil {
		err = r.describeFile(f, fi.Size())
	}
	if err != nil {
		closeFile()
		var u *usageError
		if !errors.As(err, &u) {
			err = fmt.Errorf("read %s: %w", name, err)
		}
		return nil, nil, err
	}
	if r.c.Bool("verbose") {
		fmt.Fprintf(r.c.App.ErrWriter, "corescale: shard %s (from %s): bytes %d to %d of %s's %d\n", r.shard.Spec, r.shard.from, lo, hi, name, fi.Size())
	}
	// The lines of a block after the first are counted from its start.
	if lo > 0 {
		name = fmt.Sprintf("%s (from byte %d)", name, lo)
	}
	if !r.check {
		return primeio.NewReader(io.NewSectionReader(f, lo, hi-lo), name), closeFile, nil
	}
	first := &summer{r: io.NewSectionReader(f, lo, hi-lo), h: crc32.New(castagnoli())}
	err = checkLines(first, name, r.workers)
	if err == nil {
		if now, serr := f.Stat(); serr == nil && fileChanged(fi, now) {
			err = &inputChanged{name: name, when: "after it was checked"}
		}
	}
	if err != nil {
		closeFile()
		return nil, nil, err
	}
	second := &summer{r: io.NewSectionReader(f, lo, hi-lo), h: crc32.New(castagnoli()), verify: true, want: first.n, sum: first.h.Sum32()}
	return secondPass{primeio.NewReader(second, name), name}, closeFile, nil
}

// describeFile adds the file to the job's digest by its size and its first
// and last 64 KiB: enough to tell two inputs apart, where hashing it whole
// would make every task read every byte.
func (r *primeRun) describeFile(f *os.File, size int64) error {
	const edge = 64 << 10
	head := make([]byte, min(size, edge))
	tail := make([]byte, min(size, edge))
	if _, err := f.ReadAt(head, 0); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	if _, err := f.ReadAt(tail, size-int64(len(tail))); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	r.shard.describe("input", strconv.FormatInt(size, 10), string(head), string(tail))
	return nil
}
