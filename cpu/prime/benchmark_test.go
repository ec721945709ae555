package prime

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/corescale/corescale/internal/numbers"
)

const benchBatch = 1 << 16

// benchWorkloads are the three shapes of batch the closing figures use.
func benchWorkloads() []struct {
	name string
	ns   []uint64
} {
	return []struct {
		name string
		ns   []uint64
	}{
		{"odd64", numbers.Odd64(benchBatch, 1)},
		{"primes64", numbers.Primes64(benchBatch, 2, IsPrime)},
		{"uniform32", numbers.Uniform(benchBatch, 32, 3)},
	}
}

func reportRate(b *testing.B, perOp int) {
	b.ReportMetric(float64(b.N)*float64(perOp)/b.Elapsed().Seconds(), "numbers/s")
}

// BenchmarkLanes measures the interleaving: how many numbers one
// exponentiation loop carries at once. Width 1 is one dependency chain at a
// time; ifma is the engines' method where the CPU has AVX-512 IFMA.
func BenchmarkLanes(b *testing.B) {
	for _, w := range benchWorkloads()[:2] {
		out := make([]bool, len(w.ns))
		for _, width := range []int{1, 2, 3, 4, 6, 8} {
			b.Run(fmt.Sprintf("%s/width=%d", w.name, width), func(b *testing.B) {
				for b.Loop() {
					testBatch(w.ns, out, scalarMethod(width))
				}
				reportRate(b, len(w.ns))
			})
		}
		if m, ok := ifmaMethod(); ok {
			b.Run(fmt.Sprintf("%s/ifma", w.name), func(b *testing.B) {
				for b.Loop() {
					testBatch(w.ns, out, m)
				}
				reportRate(b, len(w.ns))
			})
		}
	}
}

// BenchmarkFourLanes compares the four-lane loops (assembly on amd64) with
// the general Go loops at width 4, on four 64-bit primes.
func BenchmarkFourLanes(b *testing.B) {
	w := benchWorkloads()[1].ns
	var ns [maxLanes]uint64
	var pass [maxLanes]bool
	var ps [maxLanes]uint64
	for l := range 4 {
		ps[l], _ = lucasParameter(w[l])
	}
	copy(ns[:], w)
	b.Run("strong/general", func(b *testing.B) {
		for b.Loop() {
			strongBase2(&ns, &pass, 4)
		}
	})
	b.Run("strong/four", func(b *testing.B) {
		for b.Loop() {
			strongBase2x4(&ns, &pass)
		}
	})
	b.Run("lucas/general", func(b *testing.B) {
		for b.Loop() {
			extraStrongLucas(&ns, &ps, &pass, 4)
		}
	})
	b.Run("lucas/four", func(b *testing.B) {
		for b.Loop() {
			extraStrongLucasx4(&ns, &ps, &pass)
		}
	})
}

// BenchmarkEngines compares the serial engine with the parallel one at each
// worker count on a batch of a million random odd 64-bit numbers: the
// parallel speedup is the ratio of their times.
func BenchmarkEngines(b *testing.B) {
	ns := numbers.Odd64(1_000_000, 4)
	out := make([]bool, len(ns))
	engines := []struct {
		name string
		t    interface {
			TestPrimes([]uint64, []bool) error
		}
	}{
		{"serial", Serial{}},
		{"parallel/workers=1", Parallel{Workers: 1}},
		{"parallel/workers=2", Parallel{Workers: 2}},
		{"parallel/workers=4", Parallel{Workers: 4}},
	}
	for _, e := range engines {
		b.Run(e.name, func(b *testing.B) {
			for b.Loop() {
				e.t.TestPrimes(ns, out)
			}
			reportRate(b, len(ns))
		})
	}
}

// BenchmarkStages measures each probable-prime stage on its own, per number,
// on 64-bit primes (which take the full exponentiations): the scalar
// four-lane loops against the engines' method (the IFMA loops where the CPU
// has them), in full groups.
func BenchmarkStages(b *testing.B) {
	ns := benchWorkloads()[1].ns[:maxGroup*64]
	ps := make([]uint64, len(ns))
	for i, n := range ns {
		ps[i], _ = lucasParameter(n)
	}
	pass := make([]bool, maxGroup)
	methods := []struct {
		name string
		m    method
	}{{"scalar", scalarMethod(lanes)}, {"fastest", fastest}}
	for _, m := range methods {
		w := m.m.width
		b.Run("strong/"+m.name, func(b *testing.B) {
			for b.Loop() {
				for i := 0; i+w <= len(ns); i += w {
					m.m.strong(ns[i:i+w], pass[:w])
				}
			}
			reportRate(b, len(ns)/w*w)
		})
		b.Run("lucas/"+m.name, func(b *testing.B) {
			for b.Loop() {
				for i := 0; i+w <= len(ns); i += w {
					m.m.lucas(ns[i:i+w], ps[i:i+w], pass[:w])
				}
			}
			reportRate(b, len(ns)/w*w)
		})
	}
	b.Run("parameter", func(b *testing.B) {
		for b.Loop() {
			for _, n := range ns {
				lucasParameter(n)
			}
		}
		reportRate(b, len(ns))
	})
	b.Run("screen", func(b *testing.B) {
		for b.Loop() {
			for _, n := range ns {
				screen(n)
			}
		}
		reportRate(b, len(ns))
	})
}

// BenchmarkSurvivors measures what the range hybrid pays per number that
// its sieve leaves: primes (base-2 test, parameter search and Lucas test,
// all in full) and composites with no prime factor below 2^22 (which the
// base-2 test stops), at 10^18 and just below 2^64, through the serial
// engine's batch entry and through TestSurvivors, which the hybrid calls,
// 4,096 at a time. cpu-ns/number is the benchmark thread's CPU time, the
// steadier figure on a shared machine.
func BenchmarkSurvivors(b *testing.B) {
	const n = 4096
	for _, at := range []struct {
		name string
		base uint64
	}{{"1e18", 1e18}, {"2^64", 1<<64 - 1<<40}} {
		var ps, cs []uint64
		for x := at.base | 1; len(ps) < n; x += 2 {
			if IsPrime(x) {
				ps = append(ps, x)
			}
		}
		// p·q with p, q above 2^22 and near the square root of base.
		r := uint64(1) << 32
		if at.base < 1<<63 {
			r = 1e9
		}
		var fs []uint64
		for x := r - 1; len(fs) < 2*n; x -= 2 {
			if IsPrime(x) {
				fs = append(fs, x)
			}
		}
		for i := 0; len(cs) < n; i += 2 {
			cs = append(cs, fs[i]*fs[i+1])
		}
		out := make([]bool, n)
		for _, c := range []struct {
			name string
			ns   []uint64
		}{{"primes", ps}, {"composites", cs}} {
			for _, e := range []struct {
				name string
				test func([]uint64, []bool) error
			}{{"TestPrimes", Serial{}.TestPrimes}, {"TestSurvivors", TestSurvivors}} {
				b.Run(at.name+"/"+c.name+"/"+e.name, func(b *testing.B) {
					runtime.LockOSThread()
					defer runtime.UnlockOSThread()
					cpu0, ok := threadCPU()
					for b.Loop() {
						e.test(c.ns, out)
					}
					b.ReportMetric(b.Elapsed().Seconds()*1e9/float64(b.N*n), "ns/number")
					if cpu1, ok1 := threadCPU(); ok && ok1 {
						b.ReportMetric(float64(cpu1-cpu0)/float64(b.N*n), "cpu-ns/number")
					}
				})
			}
		}
	}
}
