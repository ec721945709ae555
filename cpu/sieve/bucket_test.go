package sieve

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// withPool runs f with a pool of n blocks.
func withPool(n int, f func()) {
	old := bucketPool
	bucketPool = n
	defer func() { bucketPool = old }()
	f()
}

// The buckets against cross, the plain loop, on one task: primes just
// below and above an area's span and the task's, started anywhere, with
// pools from one block (every block filled runs it out) to many, and
// primes whose hits fill a block exactly, or one past.
func TestBuckets(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	var ps []uint64
	for _, c := range []uint64{4194319, 7 << 20, 30 * bucketSpan, 30 * 3 * bucketSpan, 30 * areaBytes, 1 << 31, 1<<32 - 100} {
		// 20 primes from c down and 20 from c up, below 2^32.
		for q, m := c, 0; m < 20; q-- {
			if isPrimeSmall(q) {
				ps, m = append(ps, q), m+1
			}
		}
		for q, m := c+1, 0; m < 20 && q < 1<<32; q++ {
			if isPrimeSmall(q) {
				ps, m = append(ps, q), m+1
			}
		}
	}
	// Thousands of primes above mediumMax: tens of blocks of hits.
	for q := uint64(mediumMax + 1); q < mediumMax+100000; q += 2 {
		if isPrimeSmall(q) {
			ps = append(ps, q)
		}
	}
	for _, n := range []int{1, 1000, bucketSpan - 1, bucketSpan, bucketSpan + 1, areaBytes, 3*bucketSpan + 5} {
		for _, pool := range []int{1, 2, 5, 512} {
			j0 := uint64(1<<40) + rng.Uint64N(1<<40)
			got := make([]byte, n, n+3)
			exp := make([]byte, n)
			for i := range got {
				got[i], exp[i] = byte(rng.Uint32()), 0
			}
			copy(exp, got)
			withPool(pool, func() {
				var b buckets
				b.reset(got, bucketPool)
				for _, p := range ps {
					st := start(p, j0, n)
					b.add(st)
					cross(exp, []sprime{st})
				}
				b.apply()
			})
			if string(got) != string(exp) {
				t.Fatalf("%d bytes from %d, pool of %d: buckets and cross differ", n, j0, pool)
			}
		}
	}
}

// Blocks filled exactly, and one record past, in two areas, with the pool
// running out at that moment: every record is applied.
func TestBucketBlockFull(t *testing.T) {
	for _, pool := range []int{1, 2, 3} {
		for _, extra := range []uint32{0, 1} {
			buf := make([]byte, 2*bucketSpan)
			for i := range buf {
				buf[i] = 0xff
			}
			var recs [][2]uint32
			withPool(pool, func() {
				var b buckets
				b.reset(buf[:bucketSpan+bucketSpan/2], bucketPool)
				for i := range uint32(blockRecords*pool) + extra {
					r := [2]uint32{i % 2, i / 2 * 37 % (bucketSpan * 4)}
					recs = append(recs, r)
					b.push(r[0], r[1])
				}
				b.apply()
			})
			want := make([]byte, 2*bucketSpan)
			for i := range want {
				want[i] = 0xff
			}
			for _, r := range recs {
				want[int(r[0])*bucketSpan+int(r[1]>>3)] &^= 1 << (r[1] & 7)
			}
			if string(buf) != string(want) {
				t.Fatalf("pool of %d blocks, %d records: some were not applied", pool, len(recs))
			}
		}
	}
}

// Ranges sieved through the buckets with a pool of two blocks, which runs
// out again and again, on one worker and several (tasks of an area or
// two), against the hybrid: ends at primes above mediumMax and their
// squares' neighbours, and across areas.
func TestBucketRanges(t *testing.T) {
	if short() {
		t.Skip("sieves by the primes to 3e7 per task")
	}
	withPool(2, func() {
		p := uint64(4194319) // the first prime past mediumMax
		for _, r := range [][2]uint64{
			{p * p, p*p + 1e5},
			{p*p - 1e5, p * p},
			{1e15 - 30*areaBytes - 1000, 1e15 - 30*areaBytes + 1000},
			{1e15, 1e15 + 3*30*areaBytes + 7},
		} {
			for _, w := range []int{1, 3} {
				want := Primes(r[0], r[1], Options{Method: Hybrid, Workers: 1})
				got := Primes(r[0], r[1], Options{Method: Sieve, Workers: w})
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("[%d, %d] on %d workers: %d primes, the hybrid finds %d", r[0], r[1], w, len(got), len(want))
				}
			}
		}
	})
}

// The workers of a run share bucketPool's blocks, down to poolLeast each:
// a pool of 4 MiB per worker took 8 workers near 2^64 from 81 to 106 MB.
func TestPoolShared(t *testing.T) {
	for _, c := range []struct{ pool, workers, want int }{
		{1024, 1, 1024}, {1024, 2, 512}, {1024, 4, 256}, {1024, 64, poolLeast}, {2, 3, 2}, {1, 1, 1},
	} {
		withPool(c.pool, func() {
			if got := poolBlocks(c.workers); got != c.want {
				t.Errorf("pool of %d, %d workers: %d blocks each, want %d", c.pool, c.workers, got, c.want)
			}
		})
	}
}
