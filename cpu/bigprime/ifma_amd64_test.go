//go:build amd64 && !purego

package bigprime

import (
	"math/big"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"testing"
)

func skipWithoutIFMA(t testing.TB) {
	t.Helper()
	if !haveIFMA {
		t.Skip("the CPU has no AVX-512 IFMA")
	}
}

// laneOperands returns odd numbers of the lanes' classes: random ones at
// both ends and in the middle of each class, numbers whose 64- and 52-bit
// limbs are all ones, numbers just above 2^64·k and 2^52·k, primes, and
// base-2 pseudoprimes with n−1 = d·2^s for large s (2^e + 1).
func laneOperands(r *rand.Rand) []*big.Int {
	one := big.NewInt(1)
	var ns []*big.Int
	for _, bits := range []int{65, 66, 100, 104, 105, 127, 128, 129, 130, 156, 157, 191, 192, 193, 194, 208, 209, 240, 255, 256,
		257, 258, 260, 261, 312, 313, 320, 321, 384, 416, 448, 449, 468, 469, 500, 511, 512} {
		for range 6 {
			ns = append(ns, randomOdd(r, bits))
		}
		ns = append(ns, randomPrime(r, bits))
		ns = append(ns, new(big.Int).Sub(pow2(bits), one)) // all ones
	}
	for _, e := range []int{64, 104, 128, 156, 192, 208, 256, 260, 312, 320, 384, 416, 448, 468} {
		ns = append(ns, new(big.Int).Add(pow2(e), one), new(big.Int).Add(pow2(e), big.NewInt(3)))
	}
	for _, e := range []int{65, 96, 127, 129, 160, 192, 255, 257, 300, 383, 511} {
		ns = append(ns, new(big.Int).Add(pow2(e), one))
	}
	for _, p := range []int{67, 71, 127, 131, 251, 257, 263, 383, 509} {
		ns = append(ns, new(big.Int).Sub(pow2(p), one)) // 2^p−1: base-2 pseudoprimes
	}
	return ns
}

// groupsOf returns ns in groups of at most eight of one lane class, each
// number at every lane position across the groups: each group of a class
// is the class's list rotated by one more.
func groupsOf(ns []*big.Int) [][]*big.Int {
	var classes [3][]*big.Int
	for _, n := range ns {
		c := laneClass(len(toLimbs(nil, n)))
		classes[c] = append(classes[c], n)
	}
	var groups [][]*big.Int
	for _, c := range classes {
		for rot := range laneCount {
			rotated := append(append([]*big.Int(nil), c[rot:]...), c[:rot]...)
			for i := 0; i < len(rotated); i += laneCount {
				groups = append(groups, rotated[i:min(i+laneCount, len(rotated))])
			}
		}
	}
	return groups
}

func limbsOfAll(ns []*big.Int) [][]uint64 {
	ls := make([][]uint64, len(ns))
	for i, n := range ns {
		ls[i] = toLimbs(nil, n)
	}
	return ls
}

// laneY returns lane l's y, x/R, as a number.
func (b *laneBatch) laneY(l int) *big.Int {
	y := new(big.Int)
	for j := b.k - 1; j >= 0; j-- {
		y.Lsh(y, 52)
		y.Or(y, new(big.Int).SetUint64(b.st[(2*b.k+1+j)*laneCount+l]))
	}
	return y
}

// checkLanes holds one group's ladder, 2^d mod n, to math/big's Exp and its
// verdicts to strongBase2Big's.
func checkLanes(t *testing.T, group []*big.Int) {
	t.Helper()
	ls := limbsOfAll(group)
	var b laneBatch
	b.run(&b.e[0], b.load(ls))
	for l, n := range group {
		nm1 := new(big.Int).Sub(n, bigOne)
		d := new(big.Int).Rsh(nm1, nm1.TrailingZeroBits())
		want := new(big.Int).Exp(bigTwo, d, n)
		if got := b.laneY(l); got.Cmp(want) != 0 {
			t.Errorf("lane %d of %d: n = %#x: 2^d mod n = %#x, want %#x", l, len(group), n, got, want)
		}
	}
	pass := make([]bool, len(group))
	b.strongBase2(ls, pass)
	var tt Tester
	for l, n := range group {
		if want := tt.strongBase2Big(ls[l]); pass[l] != want {
			t.Errorf("lane %d of %d: n = %#x: strong base-2 test %v in the lanes, %v by math/big", l, len(group), n, pass[l], want)
		}
	}
}

// checkPair holds the paired kernel, on g0 and g1 (of the 3-limb class,
// g0 of eight, g1 of one to eight), to math/big's Exp in every lane of both groups, and
// strongBase2Pair's verdicts to strongBase2Big's.
func checkPair(t *testing.T, g0, g1 []*big.Int) {
	t.Helper()
	ls0, ls1 := limbsOfAll(g0), limbsOfAll(g1)
	var b0, b1 laneBatch
	base2LanesIFMA3x2(&b0.st, &b1.st, &b0.e[0], &b1.e[0], b0.loadPair(&b1, ls0, ls1))
	var tt Tester
	for gi, group := range [][]*big.Int{g0, g1} {
		b := []*laneBatch{&b0, &b1}[gi]
		for l, n := range group {
			nm1 := new(big.Int).Sub(n, bigOne)
			d := new(big.Int).Rsh(nm1, nm1.TrailingZeroBits())
			want := new(big.Int).Exp(bigTwo, d, n)
			if got := b.laneY(l); got.Cmp(want) != 0 {
				t.Errorf("paired kernel, group %d, lane %d of %d: n = %#x: 2^d mod n = %#x, want %#x", gi, l, len(group), n, got, want)
			}
		}
	}
	pass0, pass1 := make([]bool, len(g0)), make([]bool, len(g1))
	strongBase2Pair(&b0, &b1, ls0, ls1, pass0, pass1)
	for gi, ls := range [][][]uint64{ls0, ls1} {
		pass := [][]bool{pass0, pass1}[gi]
		for l := range ls {
			if want := tt.strongBase2Big(ls[l]); pass[l] != want {
				t.Errorf("paired kernel, group %d, lane %d: n = %#x: strong base-2 test %v, %v by math/big", gi, l, fromLimbs(ls[l]), pass[l], want)
			}
		}
	}
}

// TestPairedLanesAgainstMathBig runs the paired kernel on the 3-limb
// groups of groupsOf, which put every number in every lane, each group
// once as the first of a pair and once as the second, and with a second
// group of one to seven.
func TestPairedLanesAgainstMathBig(t *testing.T) {
	skipWithoutIFMA(t)
	r := rand.New(rand.NewPCG(16, 104))
	var groups [][]*big.Int
	for _, g := range groupsOf(laneOperands(r)) {
		if len(g) == laneCount && len(toLimbs(nil, g[0])) == 2 {
			groups = append(groups, g)
		}
	}
	if len(groups) < 2 {
		t.Fatalf("%d full groups of 3 limbs, want two or more", len(groups))
	}
	for i, g := range groups {
		checkPair(t, g, groups[(i+1)%len(groups)])
		checkPair(t, g, groups[(i+1)%len(groups)][:1+i%(laneCount-1)])
	}
}

// TestBatchUsesPairedLanes: testBatch gives 128-bit numbers to the paired
// kernel, 16 at a time, and still agrees with math/big.
func TestBatchUsesPairedLanes(t *testing.T) {
	skipWithoutIFMA(t)
	r := rand.New(rand.NewPCG(5, 16))
	var ns []*big.Int
	for range 48 {
		ns = append(ns, randomPrime(r, 128), randomOdd(r, 120))
	}
	idx := make([]int32, len(ns))
	for i := range idx {
		idx[i] = int32(i)
	}
	var tt Tester
	got := make([]bool, len(ns))
	tt.testBatch(ns, idx, got)
	if passes := tt.laneGroups[2]; passes < 3 {
		t.Errorf("%d passes of the paired kernel for 48 primes of 128 bits, want 3 or more", passes)
	}
	for i, n := range ns {
		if want := n.ProbablyPrime(0); got[i] != want {
			t.Errorf("%v: %v, math/big %v", n, got[i], want)
		}
	}
}

// lucasWant returns V_d and V_(d+1) mod n for P = p, Q = 1, n+1 = d·2^s,
// by math/big.
func lucasWant(n *big.Int, p uint64) (vd, vd1 *big.Int) {
	d := new(big.Int).Add(n, bigOne)
	d.Rsh(d, d.TrailingZeroBits())
	P := new(big.Int).SetUint64(p)
	step := func(x, y, c *big.Int) *big.Int {
		z := new(big.Int).Mul(x, y)
		z.Sub(z, c)
		return z.Mod(z, n)
	}
	vd, vd1 = big.NewInt(2), new(big.Int).Set(P)
	for i := d.BitLen() - 1; i >= 0; i-- {
		if d.Bit(i) == 1 {
			vd, vd1 = step(vd, vd1, P), step(vd1, vd1, bigTwo)
		} else {
			vd, vd1 = step(vd, vd, bigTwo), step(vd, vd1, P)
		}
	}
	return vd, vd1
}

// checkLucasLanes holds one group's Lucas ladder, (V_d, V_(d+1)), to
// math/big and its verdicts to the scalar test's, for the numbers of the
// group that have a Lucas parameter.
func checkLucasLanes(t *testing.T, group []*big.Int) {
	t.Helper()
	var lp lucasSearch
	var ls [][]uint64
	var ps []uint64
	var kept []*big.Int
	for _, n := range group {
		limbs := toLimbs(nil, n)
		if p, ok := lp.parameter(limbs); ok {
			ls, ps, kept = append(ls, limbs), append(ps, p), append(kept, n)
		}
	}
	if len(ls) == 0 {
		return
	}
	var b lucasBatch
	b.run(&b.e[0], b.load(ls, ps))
	for l, n := range kept {
		wd, wd1 := lucasWant(n, ps[l])
		vd, vd1 := make([]uint64, len(ls[l])), make([]uint64, len(ls[l]))
		b.plain(vd, 5*b.k+1, l, ls[l])
		b.plain(vd1, 6*b.k+1, l, ls[l])
		if fromLimbs(vd).Cmp(wd) != 0 || fromLimbs(vd1).Cmp(wd1) != 0 {
			t.Errorf("lane %d of %d: n = %#x, P = %d: (V_d, V_d+1) = (%#x, %#x), want (%#x, %#x)", l, len(kept), n, ps[l], fromLimbs(vd), fromLimbs(vd1), wd, wd1)
		}
	}
	pass := make([]bool, len(ls))
	b.extraStrongLucas(ls, ps, pass)
	for l, n := range kept {
		if want := lucasFixed(ls[l], ps[l]); pass[l] != want {
			t.Errorf("lane %d of %d: n = %#x: Lucas test %v in the lanes, %v in the scalar test", l, len(kept), n, pass[l], want)
		}
	}
}

// TestLanesAgainstMathBig holds the IFMA ladders and the strong and Lucas
// tests in the lanes to math/big and the scalar tests on laneOperands, every number in every lane position,
// in full groups and in a short one.
func TestLanesAgainstMathBig(t *testing.T) {
	skipWithoutIFMA(t)
	r := rand.New(rand.NewPCG(16, 52))
	ns := laneOperands(r)
	for _, g := range groupsOf(ns) {
		checkLanes(t, g)
		checkLucasLanes(t, g)
	}
	checkLanes(t, ns[:3])
	checkLucasLanes(t, ns[:3])
}

// TestLanesHardCases runs Test, whose chunks go through the lanes, on the
// hard cases of up to 256 bits against math/big.
func TestLanesHardCases(t *testing.T) {
	skipWithoutIFMA(t)
	var ns []*big.Int
	for _, c := range hardCases(t) {
		if c.N.BitLen() <= maxLaneBits {
			ns = append(ns, c.N)
		}
	}
	got := make([]bool, len(ns))
	Test(ns, got, 1)
	primes := 0
	for i, n := range ns {
		if want := n.ProbablyPrime(0); got[i] != want {
			t.Errorf("%d bits: %#x: Test says %v, math/big %v", n.BitLen(), n, got[i], want)
		}
		if got[i] {
			primes++
		}
	}
	if primes < 40 {
		t.Errorf("only %d primes: the hard cases hold more", primes)
	}
}

// TestBatchOutsideLanes checks that testBatch leaves the numbers
// the lanes do not take to ProbablyPrime: below 2^64, above 512 bits, even,
// zero and negative.
func TestBatchOutsideLanes(t *testing.T) {
	ns := []*big.Int{big.NewInt(0), big.NewInt(-7), big.NewInt(97), big.NewInt(91), pow2(100),
		new(big.Int).Sub(pow2(257), big.NewInt(1)), new(big.Int).Sub(pow2(513), big.NewInt(1)), new(big.Int).Sub(pow2(521), big.NewInt(1)),
		new(big.Int).Sub(pow2(127), big.NewInt(1))}
	idx := make([]int32, len(ns))
	for i := range idx {
		idx[i] = int32(i)
	}
	got := make([]bool, len(ns))
	var tt Tester
	tt.testBatch(ns, idx, got)
	for i, n := range ns {
		if want := n.ProbablyPrime(0); got[i] != want {
			t.Errorf("%d: testBatch says %v, math/big %v", n, got[i], want)
		}
	}
}

// FuzzLanesAgainstScalar holds the lanes to math/big and the scalar Lucas
// test on up to eight
// numbers the fuzzer makes of its bytes: the first byte picks the class
// (0x40 set: 64 bytes; else 0x80 set: 32; else 16) and the count, each
// number takes that many bytes (big-endian), made odd with above half its
// bytes' bits (2 limbs; 3 or 4; 5 to 8).
func FuzzLanesAgainstScalar(f *testing.F) {
	f.Add(append([]byte{0x07}, make([]byte, 128)...))
	f.Add(append([]byte{0x82}, bytesOf(0xff, 96)...))
	distinct := []byte{0x07} // eight different numbers, for the paired kernel
	for i := range 128 {
		distinct = append(distinct, byte(37*i+11))
	}
	f.Add(distinct)
	f.Add(append([]byte{0x47}, bytesOf(0xff, 512)...))
	wide := []byte{0x45} // six different numbers of 5 to 8 limbs
	for i := range 384 {
		wide = append(wide, byte(91*i+5))
	}
	f.Add(wide)
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) < 1 || !haveIFMA {
			return
		}
		size := 16
		switch {
		case b[0]&0x40 != 0:
			size = 64
		case b[0]&0x80 != 0:
			size = 32
		}
		count := int(b[0]&7) + 1
		b = b[1:]
		var group []*big.Int
		for range count {
			chunk := make([]byte, size)
			copy(chunk, b)
			b = b[min(size, len(b)):]
			n := new(big.Int).SetBytes(chunk)
			n.SetBit(n, 0, 1)
			if half := 4 * size; n.BitLen() <= half {
				n.SetBit(n, half+int(chunk[len(chunk)-1])%half, 1) // into the class, at a length of the bytes' choosing
			}
			group = append(group, n)
		}
		checkLanes(t, group)
		checkLucasLanes(t, group)
		if size == 16 {
			// The paired kernel: the group repeated to fill the first
			// eight lanes, and reversed in the second group.
			full := make([]*big.Int, laneCount)
			for l := range full {
				full[l] = group[l%count]
			}
			reversed := make([]*big.Int, count)
			for i, n := range group {
				reversed[count-1-i] = n
			}
			checkPair(t, full, reversed)
		}
	})
}

func bytesOf(v byte, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = v
	}
	return b
}

// BenchmarkLanes is testBatch on 4096 random odd numbers and on 512
// primes of 128, 256 and 512 bits, on the scalar path and in the IFMA lanes, in
// one run: ns/number is wall time per number, cpu-ns/number the thread's
// CPU time (on Linux), steadier on a shared machine.
func BenchmarkLanes(b *testing.B) {
	skipWithoutIFMA(b)
	for _, bits := range []int{128, 256, 512} {
		r := rand.New(rand.NewPCG(uint64(bits), 9))
		primes := make([]*big.Int, 512)
		for i := range primes {
			primes[i] = randomPrime(r, bits)
		}
		for _, set := range []struct {
			name string
			ns   []*big.Int
		}{{"random", randomBatch(bits, 4096)}, {"primes", primes}} {
			idx := make([]int32, len(set.ns))
			for i := range idx {
				idx[i] = int32(i)
			}
			out := make([]bool, len(set.ns))
			for _, path := range []string{"scalar", "ifma"} {
				b.Run("bits="+itoa(bits)+"/"+set.name+"/path="+path, func(b *testing.B) {
					defer func(saved bool) { haveIFMA = saved }(haveIFMA)
					haveIFMA = path == "ifma"
					var t Tester
					runtime.LockOSThread()
					defer runtime.UnlockOSThread()
					cpu0 := threadCPU()
					for b.Loop() {
						t.testBatch(set.ns, idx, out)
					}
					numbers := float64(b.N * len(set.ns))
					b.ReportMetric(float64(b.Elapsed().Nanoseconds())/numbers, "ns/number")
					if cpu := threadCPU() - cpu0; cpu > 0 {
						b.ReportMetric(float64(cpu.Nanoseconds())/numbers, "cpu-ns/number")
					}
				})
			}
		}
	}
}

func itoa(i int) string { return big.NewInt(int64(i)).String() }

// TestPow2ModN holds pow2ModN to math/big on the lanes' sizes and powers,
// with n's top 64 bits all ones, all zeros below the top bit, and random.
func TestPow2ModN(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 52))
	one := big.NewInt(1)
	var ns []*big.Int
	for _, bits := range []int{65, 100, 127, 128, 129, 191, 192, 193, 255, 256, 257, 320, 384, 449, 511, 512} {
		ns = append(ns, randomOdd(r, bits), randomOdd(r, bits), new(big.Int).Sub(pow2(bits), one), new(big.Int).Add(pow2(bits-1), one))
	}
	for _, n := range ns {
		limbs := toLimbs(nil, n)
		for _, e := range []int{n.BitLen() - 1, n.BitLen(), n.BitLen() + 31, n.BitLen() + 32, n.BitLen() + 33, 156, 260, 300, 520} {
			if e < n.BitLen()-1 {
				continue
			}
			got := make([]uint64, len(limbs))
			pow2ModN(got, limbs, e)
			want := new(big.Int).Exp(bigTwo, big.NewInt(int64(e)), n)
			if fromLimbs(got).Cmp(want) != 0 {
				t.Errorf("2^%d mod %#x = %x, want %#x", e, n, got, want)
			}
		}
	}
}

func fromLimbs(x []uint64) *big.Int {
	z := new(big.Int)
	for j := len(x) - 1; j >= 0; j-- {
		z.Lsh(z, 64)
		z.Or(z, new(big.Int).SetUint64(x[j]))
	}
	return z
}

// BenchmarkLaneKernels runs each kernel for 256 steps on eight random
// moduli (sixteen for the paired kernel, base2x2): ns/op over 256 is a
// step of eight lanes (sixteen); cpu-ns/number-step is the thread's CPU
// time per step of one number, steadier on a shared machine.
func BenchmarkLaneKernels(b *testing.B) {
	skipWithoutIFMA(b)
	r := rand.New(rand.NewPCG(3, 3))
	const steps = 256
	// timed runs f with the thread locked and reports the CPU time per
	// step of one of numbers lanes.
	timed := func(b *testing.B, numbers int, f func()) {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		cpu0 := threadCPU()
		for b.Loop() {
			f()
		}
		if cpu := threadCPU() - cpu0; cpu > 0 {
			b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N*steps*numbers), "cpu-ns/number-step")
		}
	}
	for _, bits := range []int{128, 256, 512} {
		ns := make([][]uint64, 2*laneCount)
		ps := make([]uint64, laneCount)
		for l := range ns {
			ns[l] = toLimbs(nil, randomOdd(r, bits))
		}
		for l := range ps {
			ps[l] = 3
		}
		b.Run("base2/bits="+itoa(bits), func(b *testing.B) {
			var lb laneBatch
			lb.load(ns[:laneCount])
			timed(b, laneCount, func() { lb.run(&lb.e[0], steps) })
		})
		if bits == 128 {
			b.Run("base2x2/bits="+itoa(bits), func(b *testing.B) {
				var b0, b1 laneBatch
				b0.loadPair(&b1, ns[:laneCount], ns[laneCount:])
				timed(b, 2*laneCount, func() { base2LanesIFMA3x2(&b0.st, &b1.st, &b0.e[0], &b1.e[0], steps) })
			})
		}
		b.Run("lucas/bits="+itoa(bits), func(b *testing.B) {
			var lb lucasBatch
			lb.load(ns[:laneCount], ps)
			timed(b, laneCount, func() { lb.run(&lb.e[0], steps) })
		})
	}
}

// TestBatchUsesLanes: with IFMA, testBatch and testBatchLimbs give the numbers of 65 to
// 512 bits to the lanes (all three classes), both tests, and still agrees with math/big.
func TestBatchUsesLanes(t *testing.T) {
	skipWithoutIFMA(t)
	r := rand.New(rand.NewPCG(3, 9))
	for _, bits := range []int{100, 128, 200, 256, 300, 512} {
		var ns []*big.Int
		for range 64 {
			ns = append(ns, randomOdd(r, bits), randomPrime(r, bits))
		}
		idx := make([]int32, len(ns))
		for i := range idx {
			idx[i] = int32(i)
		}
		var tt Tester
		got := make([]bool, len(ns))
		tt.testBatch(ns, idx, got)
		if tt.laneGroups[0] == 0 || tt.laneGroups[1] == 0 {
			t.Errorf("%d bits: %d base-2 and %d Lucas groups in the lanes, want both", bits, tt.laneGroups[0], tt.laneGroups[1])
		}
		// The same through the limb entry the CLI uses.
		var tl Tester
		limbs := make([][]uint64, len(ns))
		for i, n := range ns {
			limbs[i] = toLimbs(nil, n)
		}
		gotLimbs := make([]bool, len(ns))
		tl.testBatchLimbs(limbs, idx, gotLimbs)
		if tl.laneGroups[0] == 0 || tl.laneGroups[1] == 0 {
			t.Errorf("%d bits, limbs: %d base-2 and %d Lucas groups in the lanes, want both", bits, tl.laneGroups[0], tl.laneGroups[1])
		}
		for i, n := range ns {
			if want := n.ProbablyPrime(0); got[i] != want || gotLimbs[i] != want {
				t.Errorf("%d bits: %v: %v (limbs %v), math/big %v", bits, n, got[i], gotLimbs[i], want)
			}
		}
	}
}

// TestLanesTrialBound: testBatch leaves the numbers of each lane class
// whose least prime factor lies above laneTrialBound, though below
// trialBound, to the base-2 lanes, which find them composite.
func TestLanesTrialBound(t *testing.T) {
	skipWithoutIFMA(t)
	r := rand.New(rand.NewPCG(12, 15))
	for _, bits := range []int{128, 256, 512} {
		k := bits / 64
		var ns []*big.Int
		for p := int64(laneTrialBound(k)) + 1; len(ns) < laneCount; p += 2 {
			if p > int64(trialBound(k)) {
				t.Fatalf("%d bits: fewer than eight primes between %d and %d", bits, laneTrialBound(k), trialBound(k))
			}
			if big.NewInt(p).ProbablyPrime(0) {
				ns = append(ns, new(big.Int).Mul(big.NewInt(p), randomPrime(r, bits-16)))
			}
		}
		idx := make([]int32, len(ns))
		for i := range idx {
			idx[i] = int32(i)
		}
		var tt Tester
		got := make([]bool, len(ns))
		tt.testBatch(ns, idx, got)
		if tt.laneGroups[0] != 1 {
			t.Errorf("%d bits: %d base-2 groups in the lanes for eight numbers with a factor above %d, want 1", bits, tt.laneGroups[0], laneTrialBound(k))
		}
		for i, n := range ns {
			if got[i] || n.ProbablyPrime(0) {
				t.Errorf("%#x: testBatch says %v, math/big %v; want composite", n, got[i], n.ProbablyPrime(0))
			}
		}
	}
}

// TestWideLaneChunk: with IFMA, inSizeOrder hands out numbers of 512 bits
// in chunks of wideLaneChunk or more (the last may be shorter), so that a
// chunk's few primes fill a pass of the Lucas lanes.
func TestWideLaneChunk(t *testing.T) {
	skipWithoutIFMA(t)
	const count = 3*wideLaneChunk + 100
	var mu sync.Mutex
	var sizes []int
	inSizeOrder(count, func(int32) int { return 8 }, 2, func(_ *Tester, idx []int32) {
		mu.Lock()
		sizes = append(sizes, len(idx))
		mu.Unlock()
	})
	slices.Sort(sizes)
	if len(sizes) < 2 || sizes[1] < wideLaneChunk {
		t.Errorf("chunks of %v numbers of 8 words, want all but one of %d or more", sizes, wideLaneChunk)
	}
}

// TestLimbs52Headroom: every limb count the lanes take leaves R = 2^(52k)
// at least 16 times the largest number of its class, which the kernels'
// lazy reduction (values below 4n, see ifma_amd64.s) needs.
func TestLimbs52Headroom(t *testing.T) {
	for w := 2; w <= maxLaneBits/64; w++ {
		k := limbs52(w)
		if k == 0 || k > maxLimbs52 || 52*k < 64*w+4 {
			t.Errorf("%d words: %d limbs of 52 bits, want R = 2^(52k) ≥ 16·2^(64·%d) within %d limbs", w, k, w, maxLimbs52)
		}
	}
}
