//go:build amd64 && !purego

package prime

import (
	"encoding/binary"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
	"unsafe"
)

// TestIFMALayout pins the field offsets ifma_amd64.s uses.
func TestIFMALayout(t *testing.T) {
	var b base2Lanes
	var l lucasLanes
	var nb narrowBase2
	var nl narrowLucas
	const row = 8 * ifmaLanes
	for _, c := range []struct {
		name      string
		got, want uintptr
	}{
		{"base2 x0", unsafe.Offsetof(b.x0), 0},
		{"base2 x1", unsafe.Offsetof(b.x1), row},
		{"base2 e", unsafe.Offsetof(b.e), 2 * row},
		{"base2 n0", unsafe.Offsetof(b.n0), 3 * row},
		{"base2 n1", unsafe.Offsetof(b.n1), 4 * row},
		{"base2 ninv", unsafe.Offsetof(b.ninv), 5 * row},
		{"lucas a0", unsafe.Offsetof(l.a0), 0},
		{"lucas a1", unsafe.Offsetof(l.a1), row},
		{"lucas b0", unsafe.Offsetof(l.b0), 2 * row},
		{"lucas b1", unsafe.Offsetof(l.b1), 3 * row},
		{"lucas g", unsafe.Offsetof(l.g), 4 * row},
		{"lucas n0", unsafe.Offsetof(l.n0), 5 * row},
		{"lucas n1", unsafe.Offsetof(l.n1), 6 * row},
		{"lucas ninv", unsafe.Offsetof(l.ninv), 7 * row},
		{"lucas k20", unsafe.Offsetof(l.k20), 8 * row},
		{"lucas k21", unsafe.Offsetof(l.k21), 9 * row},
		{"lucas kp0", unsafe.Offsetof(l.kp0), 10 * row},
		{"lucas kp1", unsafe.Offsetof(l.kp1), 11 * row},
		{"narrow base2 x", unsafe.Offsetof(nb.x), 0},
		{"narrow base2 e", unsafe.Offsetof(nb.e), row},
		{"narrow base2 n", unsafe.Offsetof(nb.n), 2 * row},
		{"narrow base2 ninv", unsafe.Offsetof(nb.ninv), 3 * row},
		{"narrow lucas a", unsafe.Offsetof(nl.a), 0},
		{"narrow lucas b", unsafe.Offsetof(nl.b), row},
		{"narrow lucas g", unsafe.Offsetof(nl.g), 2 * row},
		{"narrow lucas n", unsafe.Offsetof(nl.n), 3 * row},
		{"narrow lucas ninv", unsafe.Offsetof(nl.ninv), 4 * row},
		{"narrow lucas k2", unsafe.Offsetof(nl.k2), 5 * row},
		{"narrow lucas kp", unsafe.Offsetof(nl.kp), 6 * row},
	} {
		if c.got != c.want {
			t.Errorf("%s at offset %d, the assembly reads %d", c.name, c.got, c.want)
		}
	}
}

// ifmaCases returns odd numbers above the trial bound of every kind the
// stages see: composites that trial division misses, primes of every size,
// base-2 strong pseudoprimes, numbers next to 2^64, to the limb boundaries
// and just above 61.
func ifmaCases(t *testing.T) []uint64 {
	var ns []uint64
	for _, n := range engineMix(30000, 11) {
		if _, decided := screen(n); !decided {
			ns = append(ns, n)
		}
	}
	for _, ps := range enginePrimes()[7:] {
		ns = append(ns, ps...)
	}
	ns = append(ns, testdataNumbers(t)...)
	for n := uint64(math.MaxUint64); n > math.MaxUint64-2000; n -= 2 {
		ns = append(ns, n)
	}
	for n := uint64(63); n < 4000; n += 2 {
		ns = append(ns, n)
	}
	// Around the limb boundary 2^52 (the high limb 0 or 1) and 2^40 (below
	// it, 2^104 mod n takes a reduced high word).
	for _, edge := range []uint64{1 << 52, 1 << 40, 1 << 32} {
		for n := edge - 999; n < edge+1000; n += 2 {
			ns = append(ns, n)
		}
	}
	return ns
}

// TestIFMAStages checks the IFMA base-2 and Lucas stages, two-limb and
// one-limb, against the scalar ones, lane for lane, in full and partial
// groups.
func TestIFMAStages(t *testing.T) {
	if !haveIFMA {
		t.Skip("no AVX-512 IFMA on this CPU")
	}
	all := ifmaCases(t)
	var narrow []uint64
	for _, n := range all {
		if n < narrowLimit {
			narrow = append(narrow, n)
		}
	}
	for n := uint64(narrowLimit - 1); n > narrowLimit-3000; n -= 2 {
		narrow = append(narrow, n)
	}
	for _, ps := range enginePrimes()[7:49] {
		narrow = append(narrow, ps...)
	}
	stages := []struct {
		name   string
		ns     []uint64
		strong func([]uint64, []bool)
		lucas  func([]uint64, []uint64, []bool)
	}{
		{"two limbs", all, strongBase2IFMA, extraStrongLucasIFMA},
		{"one limb", narrow, strongBase2Narrow, extraStrongLucasNarrow},
	}
	for _, st := range stages {
		t.Run(st.name, func(t *testing.T) { checkStages(t, st.ns, st.strong, st.lucas) })
	}
}

func checkStages(t *testing.T, ns []uint64, strong func([]uint64, []bool), lucas func([]uint64, []uint64, []bool)) {
	var ps []uint64
	var lucasNs []uint64
	for _, n := range ns {
		if p, ok := lucasParameter(n); ok {
			lucasNs = append(lucasNs, n)
			ps = append(ps, p)
		}
	}
	bad := 0
	for _, size := range []int{ifmaLanes, 1, 7, 13} {
		for i := 0; i < len(ns); i += size {
			g := ns[i:min(i+size, len(ns))]
			var got [ifmaLanes]bool
			strong(g, got[:len(g)])
			for l, n := range g {
				var one [maxLanes]uint64
				var want [maxLanes]bool
				one[0] = n
				strongBase2(&one, &want, 1)
				if got[l] != want[0] {
					if bad++; bad <= 10 {
						t.Errorf("strong base 2, %d lanes: %d: got %v, want %v", len(g), n, got[l], want[0])
					}
				}
			}
		}
		for i := 0; i < len(lucasNs); i += size {
			end := min(i+size, len(lucasNs))
			g, gp := lucasNs[i:end], ps[i:end]
			var got [ifmaLanes]bool
			lucas(g, gp, got[:len(g)])
			for l, n := range g {
				var one, p [maxLanes]uint64
				var want [maxLanes]bool
				one[0], p[0] = n, gp[l]
				extraStrongLucas(&one, &p, &want, 1)
				if got[l] != want[0] {
					if bad++; bad <= 10 {
						t.Errorf("Lucas, %d lanes: %d (P = %d): got %v, want %v", len(g), n, gp[l], got[l], want[0])
					}
				}
			}
		}
	}
	t.Logf("%d numbers, %d with a Lucas parameter", len(ns), len(lucasNs))
}

// TestScreen8 checks screen8 against screen on every kind of number.
func TestScreen8(t *testing.T) {
	if !haveIFMA {
		t.Skip("no AVX-512 on this CPU")
	}
	ns := engineMix(40000, 5)
	for n := uint64(0); n < 10000; n++ {
		ns = append(ns, n)
	}
	ns = append(ns, trialSquare-2, trialSquare-1, trialSquare, trialSquare+1, trialSquare+2)
	for len(ns)%8 != 0 {
		ns = append(ns, 1)
	}
	bad := 0
	for i := 0; i < len(ns); i += 8 {
		cand, small := screen8((*[8]uint64)(ns[i:i+8]), divisors)
		for l, n := range ns[i : i+8] {
			_, decided := screen(n)
			gotSmall := small>>l&1 == 1
			gotCand := cand>>l&1 == 1
			if gotSmall != (n < trialSquare) || !gotSmall && gotCand == decided {
				if bad++; bad <= 10 {
					t.Errorf("%d: screen8 says small %v, candidate %v; screen says decided %v", n, gotSmall, gotCand, decided)
				}
			}
		}
	}
}

// FuzzIFMAStages feeds arbitrary odd numbers straight to the IFMA stages,
// past trial division, and compares every lane with the scalar stages: the
// engine's own inputs are mostly settled before the Lucas test, so this is
// where the vector arithmetic meets composite moduli of every shape. The
// bytes are read as up to 24 little-endian words, each made odd and above
// the trial bound; when the first byte is odd, they are also cut below
// narrowLimit and go to the one-limb loops.
func FuzzIFMAStages(f *testing.F) {
	if !haveIFMA {
		f.Skip("no AVX-512 IFMA on this CPU")
	}
	for _, seed := range [][]uint64{
		{math.MaxUint64, 1<<63 + 1, 1 << 52, 1<<52 + 1, 1<<40 - 1, 63},
		{3215031751, 2152302898747, 3474749660383, 341550071728321, 3825123056546413051},
		{18446744073709551557, 4294967291, 4503599627370449, 1099511627689},
	} {
		var b []byte
		for _, n := range seed {
			b = binary.LittleEndian.AppendUint64(b, n)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var ns, ps, lucasNs []uint64
		for i := 0; i+8 <= len(data) && len(ns) < ifmaLanes; i += 8 {
			n := binary.LittleEndian.Uint64(data[i:]) | 1
			if n <= trialBound {
				n += trialBound + 1
			}
			ns = append(ns, n)
			if p, ok := lucasParameter(n); ok {
				lucasNs, ps = append(lucasNs, n), append(ps, p)
			}
		}
		if len(ns) == 0 {
			return
		}
		var got [ifmaLanes]bool
		strong, lucas := strongBase2IFMA, extraStrongLucasIFMA
		if data[0]&1 == 1 {
			// The one-limb loops, on the same words cut below narrowLimit.
			strong, lucas = strongBase2Narrow, extraStrongLucasNarrow
			lucasNs, ps = lucasNs[:0], ps[:0]
			for l := range ns {
				ns[l] = ns[l]%narrowLimit | 1
				if ns[l] <= trialBound {
					ns[l] += trialBound + 1
				}
				if p, ok := lucasParameter(ns[l]); ok {
					lucasNs, ps = append(lucasNs, ns[l]), append(ps, p)
				}
			}
		}
		strong(ns, got[:len(ns)])
		for l, n := range ns {
			var one [maxLanes]uint64
			var want [maxLanes]bool
			one[0] = n
			strongBase2(&one, &want, 1)
			if got[l] != want[0] {
				t.Errorf("strong base 2: %d: IFMA %v, scalar %v", n, got[l], want[0])
			}
		}
		if len(lucasNs) == 0 {
			return
		}
		lucas(lucasNs, ps, got[:len(lucasNs)])
		for l, n := range lucasNs {
			var one, p [maxLanes]uint64
			var want [maxLanes]bool
			one[0], p[0] = n, ps[l]
			extraStrongLucas(&one, &p, &want, 1)
			if got[l] != want[0] {
				t.Errorf("Lucas: %d (P = %d): IFMA %v, scalar %v", n, ps[l], got[l], want[0])
			}
		}
	})
}

// BenchmarkIFMALoops measures the two-limb exponent loops alone, without
// their set-up and tails, in ns per lane and step: one step is one
// Montgomery squaring (base 2) or one squaring and one product (Lucas) of
// each of the 24 lanes. Cycles per lane-step are this times the clock.
func BenchmarkIFMALoops(b *testing.B) {
	if !haveIFMA {
		b.Skip("no AVX-512 IFMA")
	}
	const steps = 64
	ns := benchWorkloads()[1].ns[:ifmaLanes]
	b.Run("base2", func(b *testing.B) {
		var st base2Lanes
		for l, n := range ns {
			st.set(l, n)
		}
		for b.Loop() {
			for l, n := range ns {
				one := r104(n)
				st.x0[l], st.x1[l], st.e[l] = one&limb, one>>52, n
			}
			base2LoopIFMA(&st, steps)
		}
		b.ReportMetric(b.Elapsed().Seconds()*1e9/float64(b.N*steps*ifmaLanes), "ns/lane-step")
	})
	b.Run("lucas", func(b *testing.B) {
		var st lucasLanes
		for l, n := range ns {
			st.set(l, n)
		}
		for b.Loop() {
			for l, n := range ns {
				st.a0[l], st.a1[l], st.b0[l], st.b1[l], st.g[l] = 2, 0, 3, 0, n
			}
			lucasLoopIFMA(&st, steps)
		}
		b.ReportMetric(b.Elapsed().Seconds()*1e9/float64(b.N*steps*ifmaLanes), "ns/lane-step")
	})
}

// TestR104 checks r104, the Montgomery form of 1 every IFMA lane starts
// from, against math/big: around 2^40 (where 2^40 mod n stops being
// 2^40), 2^52, 2^63 and 2^64, at powers of two and their neighbours, and
// at random odd moduli.
func TestR104(t *testing.T) {
	var ns []uint64
	for _, edge := range []uint64{1 << 40, 1 << 52, 1 << 53, 1 << 63} {
		for n := edge - 2001; n < edge+2000; n += 2 {
			ns = append(ns, n)
		}
	}
	for n := uint64(math.MaxUint64); n > math.MaxUint64-4000; n -= 2 {
		ns = append(ns, n)
	}
	for k := 40; k < 64; k++ {
		ns = append(ns, 1<<k-1, 1<<k+1, 1<<k+1<<(k-20)+1, 1<<k-1<<(k-30)-1)
	}
	r := rand.New(rand.NewPCG(104, 104))
	for range 100000 {
		ns = append(ns, r.Uint64()>>r.IntN(24)|1)
	}
	var p104, x, m big.Int
	p104.Lsh(big.NewInt(1), 104)
	for _, n := range ns {
		m.SetUint64(n)
		if want := x.Mod(&p104, &m).Uint64(); r104(n) != want {
			t.Errorf("r104(%d) = %d, want %d", n, r104(n), want)
		}
	}
}
