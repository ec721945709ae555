package gpu_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/corescale/corescale/cpu/sieve"
	"github.com/corescale/corescale/gpu"
	"github.com/corescale/corescale/gpu/emu"
)

// sieveRange is a range for the GPU sieve's tests, and the engine options
// that make it take many segments or chunks, or the hybrid.
type sieveRange struct {
	a, b uint64
	o    gpu.SieveOptions
}

const top = ^uint64(0)

// sieveRanges are the ranges the GPU sieve must agree with cpu/sieve on:
// at 0, 10^6, 10^12, 10^18 and touching 2^64−1; ends at primes and at
// squares of primes; ends on segment and chunk boundaries; many segments
// and several chunks; the exact sieve and the hybrid.
func sieveRanges() []sieveRange {
	many := gpu.SieveOptions{SegmentWords: 2, ChunkSegments: 3} // 128 numbers a segment, 384 a chunk
	rs := []sieveRange{
		{0, 0, gpu.SieveOptions{}}, {0, 1, gpu.SieveOptions{}}, {0, 2, gpu.SieveOptions{}}, {2, 2, gpu.SieveOptions{}},
		{3, 3, gpu.SieveOptions{}}, {1, 1, gpu.SieveOptions{}}, {4, 4, gpu.SieveOptions{}}, {0, 100, gpu.SieveOptions{}},
		{0, 1_000_000, gpu.SieveOptions{}},
		{0, 300_000, gpu.SieveOptions{SegmentWords: 64, ChunkSegments: 5}},
		{999_000, 1_001_000, many},
		{1_000_000, 1_300_000, gpu.SieveOptions{SegmentWords: 64, ChunkSegments: 7}},
		{1_000_000_000_000, 1_000_000_000_000 + 2_000_000, gpu.SieveOptions{}},
		{1_000_000_000_000, 1_000_000_000_000 + 100_000, gpu.SieveOptions{}}, // the hybrid
		{1_000_000_000_000, 1_000_000_000_000 + 100_000, gpu.SieveOptions{SegmentWords: 16, ChunkSegments: 4}},
		{1_000_000_000_000_000_000, 1_000_000_000_000_000_000 + 100_000, gpu.SieveOptions{}},
		{1_000_000_000_000_000_000 - 50_000, 1_000_000_000_000_000_000 + 50_000, gpu.SieveOptions{SegmentWords: 32, ChunkSegments: 3}},
		{top - 100_000, top, gpu.SieveOptions{}},
		{top - 20_000, top, gpu.SieveOptions{SegmentWords: 8, ChunkSegments: 5}},
		{top - 58, top - 58, gpu.SieveOptions{}}, // 2^64−59, the largest prime below 2^64
		{top, top, gpu.SieveOptions{}},
		// Ends at primes and at squares of primes, sieved and hybrid.
		{999_983, 1_000_003, gpu.SieveOptions{}},
		{1009 * 1009, 1013 * 1013, many},
		{999_983 * 999_983, 999_983*999_983 + 30_000, gpu.SieveOptions{}},
		{999_983*999_983 - 30_000, 999_983 * 999_983, gpu.SieveOptions{Limit: 1000}},
		{4_294_967_291 * 4_294_967_291, 4_294_967_291*4_294_967_291 + 20_000, gpu.SieveOptions{}},
		{4_294_967_291*4_294_967_291 - 20_000, 4_294_967_291 * 4_294_967_291, gpu.SieveOptions{SegmentWords: 8, ChunkSegments: 2}},
		// The hybrid low down, and with no sieving prime at all.
		{0, 30_000, gpu.SieveOptions{Limit: 50, SegmentWords: 16, ChunkSegments: 3}},
		{0, 10_000, gpu.SieveOptions{Limit: 2}},
	}
	// Ends on and beside segment and chunk boundaries: with many, bit k
	// of a range from a stands for a−1+2k+1 (a odd), a segment 64 bits.
	for _, a := range []uint64{3, 5, 1001} {
		for _, span := range []uint64{127, 128, 129, 255, 256, 257, 767, 768, 769, 1535, 1537} {
			rs = append(rs, sieveRange{a, a + span, many}, sieveRange{a - 1, a + span + 1, many})
		}
	}
	return rs
}

// TestSieveEngineEmulated: the GPU sieve's counts and primes equal
// cpu/sieve's, through the emulated driver.
func TestSieveEngineEmulated(t *testing.T) {
	engines := map[gpu.SieveOptions]*gpu.SieveEngine{}
	defer func() {
		for _, e := range engines {
			e.Close()
		}
	}()
	for _, r := range sieveRanges() {
		e := engines[r.o]
		if e == nil {
			var err error
			if e, err = gpu.NewSieveEngine(&emu.Driver{}, 0, r.o); err != nil {
				t.Fatal(err)
			}
			engines[r.o] = e
		}
		name := fmt.Sprintf("[%d, %d] %+v", r.a, r.b, r.o)
		// cpu/sieve's exact sieve low down, its hybrid or per-number
		// test (Baillie-PSW) high up.
		method := sieve.Sieve
		if r.b-r.a > 1_000_000 || r.b > 1<<36 {
			method = sieve.Auto
		}
		want := sieve.Primes(r.a, r.b, sieve.Options{Method: method})
		n, err := e.Count(r.a, r.b)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if n != uint64(len(want)) {
			t.Errorf("%s: count %d, cpu/sieve %d (%s)", name, n, len(want), e.Plan(r.a, r.b).Why)
		}
		var got []uint64
		chunks := e.Chunks
		if err := e.Primes(r.a, r.b, func(ps []uint64) error { got = append(got, ps...); return nil }); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: %d primes, cpu/sieve %d; first difference %s (%s)", name, len(got), len(want), firstDifference(got, want), e.Plan(r.a, r.b).Why)
		}
		if r.o.ChunkSegments > 0 && r.b-r.a > 10_000 && e.Chunks-chunks < 2 {
			t.Errorf("%s: %d chunk(s), want several", name, e.Chunks-chunks)
		}
	}
}

func firstDifference(got, want []uint64) string {
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			return fmt.Sprintf("at %d: %d, want %d", i, got[i], want[i])
		}
	}
	return fmt.Sprintf("at %d", min(len(got), len(want)))
}

// TestSievePlan: the exact sieve low down and on long ranges, the hybrid
// where the square root outgrows the range, or when a limit asks for it.
func TestSievePlan(t *testing.T) {
	e, err := gpu.NewSieveEngine(&emu.Driver{}, 0, gpu.SieveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	for _, c := range []struct {
		a, b   uint64
		hybrid bool
		limit  uint64
	}{
		{0, 1_000_000, false, 1000},
		{1e12, 1e12 + 1e9, false, 1_000_499},
		{1e12, 1e12 + 1e5, true, 1562},
		{1e18, 1e18 + 1e8, true, 1_562_500},
		{top - 1e9, top, true, gpu.SieveMaxPrime},
	} {
		p := e.Plan(c.a, c.b)
		if p.Hybrid != c.hybrid || p.Limit != c.limit {
			t.Errorf("[%d, %d]: %+v, want hybrid %v up to %d", c.a, c.b, p, c.hybrid, c.limit)
		}
	}
}

// TestSieveEngineSmallDevice: a device too small for a full segment gets
// smaller segments, and still the right count.
func TestSieveEngineSmallDevice(t *testing.T) {
	e, err := gpu.NewSieveEngine(&emu.Driver{Memory: 64 << 10}, 0, gpu.SieveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	n, err := e.Count(0, 1_000_000)
	if err != nil {
		t.Fatal(err)
	}
	if n != 78498 {
		t.Errorf("π(10^6) = %d, want 78498", n)
	}
	if e.Chunks < 2 {
		t.Errorf("%d chunk(s) on a 64 KiB device", e.Chunks)
	}
	// At 10^12 the 78,498 primes up to the square root (314 KB) do not
	// fit: the hybrid sieves by fewer.
	a, b := uint64(1e12), uint64(1e12+1_200_000)
	if n, err = e.Count(a, b); err != nil {
		t.Fatal(err)
	}
	if want := sieve.Count(a, b, sieve.Options{}); n != want {
		t.Errorf("[%d, %d] on a 64 KiB device: %d primes, cpu/sieve %d (%s)", a, b, n, want, e.Plan(a, b).Why)
	}
}
