//go:build amd64 && !purego

package bigprime

import "math/bits"

// lucasState is the Lucas kernels' state for k limbs: rows of eight lanes,
// a and b (k rows each: V_j and V_(j+1) in Montgomery form), n (k), −n⁻¹
// mod 2^52 (1), n−2 and n−P in Montgomery form (k each), then a/R and b/R
// (k each), written after the ladder, and at 10 limbs the kernel's scratch
// (k rows), where the values it keeps in registers at 3 and 5 limbs go.
type lucasState [(8*maxLimbs52 + 1) * laneCount]uint64

//go:noescape
func lucasLanesIFMA3(s *lucasState, e *uint64, steps int)

//go:noescape
func lucasLanesIFMA5(s *lucasState, e *uint64, steps int)

//go:noescape
func lucasLanesIFMA10(s *lucasState, e *uint64, steps int)

// lucasLaneFill is the fewest numbers worth a pass of the Lucas lanes;
// fewer take the scalar test. A pass costs about what two scalar tests do
// at 256 bits (BenchmarkLanes).
const lucasLaneFill = 3

// lucasBatch is the extra strong Lucas test of up to eight numbers of one
// class in the lanes, the parameters P found as the scalar test finds them.
type lucasBatch struct {
	k     int
	st    lucasState
	e     [(maxLaneBits/64 + 1) * laneCount]uint64
	zero  [laneCount]uint64
	s     [laneCount]int
	np1   [laneCount][maxLimbs52]uint64 // n+1
	limbs [maxLimbs52]uint64            // scratch
}

func (b *lucasBatch) row(r int) []uint64 { return b.st[r*laneCount : (r+1)*laneCount] }

func (b *lucasBatch) run(e *uint64, steps int) {
	switch b.k {
	case 3:
		lucasLanesIFMA3(&b.st, e, steps)
	case 5:
		lucasLanesIFMA5(&b.st, e, steps)
	default:
		lucasLanesIFMA10(&b.st, e, steps)
	}
}

// extraStrongLucas sets pass[i] to whether ns[i] (odd, of one class, at
// most eight) is an extra strong Lucas probable prime with parameter ps[i]
// (see mod2.extraStrongLucas). Lanes beyond len(ns) repeat ns[0].
func (b *lucasBatch) extraStrongLucas(ns [][]uint64, ps []uint64, pass []bool) {
	b.run(&b.e[0], b.load(ns, ps))
	b.verdicts(ns, ps, pass)
}

// set52 writes x's 52-bit limbs into lane l of rows r…r+k−1.
func (b *lucasBatch) set52(r, l int, x []uint64) {
	to52(b.limbs[:b.k], x)
	for j := range b.k {
		b.row(r + j)[l] = b.limbs[j]
	}
}

// load sets the lanes to ns and ps and returns the ladder's step count.
func (b *lucasBatch) load(ns [][]uint64, ps []uint64) (steps int) {
	k := limbs52(len(ns[0]))
	b.k = k
	for l := range laneCount {
		i := 0
		if l < len(ns) {
			i = l
		}
		n, p := ns[i], ps[i]
		w := len(n)
		var one, two, mp, k2, kp [maxLimbs52]uint64
		pow2ModN(one[:w], n, 52*k)
		addMod(two[:w], one[:w], one[:w], n)
		mulSmallMod(mp[:w], p, one[:w], n)
		subNoBorrow(k2[:w], n, two[:w]) // the kernel adds n−c to subtract c
		subNoBorrow(kp[:w], n, mp[:w])
		b.set52(0, l, two[:w]) // V_0 = 2
		b.set52(k, l, mp[:w])  // V_1 = P
		b.set52(2*k, l, n)
		b.row(3 * k)[l] = -inverse(n[0]) & limb52
		b.set52(3*k+1, l, k2[:w])
		b.set52(4*k+1, l, kp[:w])
		np1 := b.np1[l][:w+1]
		clear(np1)
		copy(np1, n)
		for j := range np1 {
			np1[j]++
			if np1[j] != 0 {
				break
			}
		}
		b.s[l] = trailingZerosPlusOne(n)
		steps = max(steps, bitLenWords(np1)-b.s[l])
	}
	packExponents(&b.e, steps, func(l int) ([]uint64, int) {
		if l >= len(ns) {
			l = 0
		}
		return b.np1[l][:len(ns[l])+1], b.s[l]
	})
	return steps
}

// bitLenWords returns the length of x in bits; x may have leading zero
// limbs.
func bitLenWords(x []uint64) int {
	for j := len(x) - 1; j >= 0; j-- {
		if x[j] != 0 {
			return 64*j + bits.Len64(x[j])
		}
	}
	return 0
}

// verdicts reads (V_d, V_(d+1)) off every lane: U_d ≡ 0 (2·V_(d+1) ≡ P·V_d)
// with V_d ≡ ±2, or V_(d·2^r) ≡ 0 for some r < s−1, the squarings
// V_2j = V_j²−2 run in the lanes for as long as a lane is undecided.
func (b *lucasBatch) verdicts(ns [][]uint64, ps []uint64, pass []bool) {
	k := b.k
	var decided [laneCount]bool
	longest := 0
	for l, n := range ns {
		w := len(n)
		var vd, vd1, lhs, rhs, nm2 [maxLimbs52]uint64
		b.plain(vd[:w], 5*k+1, l, n)
		b.plain(vd1[:w], 6*k+1, l, n)
		addMod(lhs[:w], vd1[:w], vd1[:w], n)
		mulSmallMod(rhs[:w], ps[l], vd[:w], n)
		two := vd[0] == 2 && isZeroLimbs(vd[1:w])
		var twoLimbs [maxLimbs52]uint64
		twoLimbs[0] = 2
		subNoBorrow(nm2[:w], n, twoLimbs[:w])
		if lhs == rhs && (two || vd == nm2) {
			pass[l], decided[l] = true, true
			continue
		}
		longest = max(longest, b.s[l])
	}
	for r := 0; r < longest-1; r++ {
		if r > 0 {
			b.run(&b.zero[0], 1) // a squaring: a = a²−2
		}
		for l := range ns {
			if decided[l] || r >= b.s[l]-1 {
				continue
			}
			if b.isZero(l) {
				pass[l], decided[l] = true, true
			}
		}
	}
	for l := range ns {
		if !decided[l] {
			pass[l] = false
		}
	}
}

// plain sets dst to the number in lane l of rows r…r+k−1 (at most n), with
// n taken to 0.
func (b *lucasBatch) plain(dst []uint64, r, l int, n []uint64) {
	clear(dst)
	for j := range b.k {
		v, pos := b.row(r + j)[l], 52*j
		if pos/64 >= len(dst) {
			break // above n: zero
		}
		dst[pos/64] |= v << (pos % 64)
		if pos%64 > 12 && pos/64+1 < len(dst) {
			dst[pos/64+1] |= v >> (64 - pos%64)
		}
	}
	if equalWords(dst, n) {
		clear(dst)
	}
}

// isZero reports whether lane l's a/R is 0 or n.
func (b *lucasBatch) isZero(l int) bool {
	k, zero, isN := b.k, true, true
	for j := range k {
		v := b.row(5*k + 1 + j)[l]
		zero = zero && v == 0
		isN = isN && v == b.row(2*k + j)[l]
	}
	return zero || isN
}

func equalWords(x, y []uint64) bool {
	for j := range x {
		if x[j] != y[j] {
			return false
		}
	}
	return true
}

func isZeroLimbs(x []uint64) bool {
	for _, v := range x {
		if v != 0 {
			return false
		}
	}
	return true
}

// addMod sets z = x+y mod n for x, y < n.
func addMod(z, x, y, n []uint64) {
	var c uint64
	var t [maxLimbs52]uint64
	for j := range n {
		t[j], c = bits.Add64(x[j], y[j], c)
	}
	var s [maxLimbs52]uint64
	var bw uint64
	for j := range n {
		s[j], bw = bits.Sub64(t[j], n[j], bw)
	}
	if c == 1 || bw == 0 {
		copy(z, s[:len(n)])
	} else {
		copy(z, t[:len(n)])
	}
}

// mulSmallMod sets z = p·x mod n for x < n, by doublings and additions.
func mulSmallMod(z []uint64, p uint64, x, n []uint64) {
	var r [maxLimbs52]uint64
	w := len(n)
	for i := bits.Len64(p) - 1; i >= 0; i-- {
		addMod(r[:w], r[:w], r[:w], n)
		if p>>i&1 != 0 {
			addMod(r[:w], r[:w], x, n)
		}
	}
	copy(z, r[:w])
}

// subNoBorrow sets z = x−y for x ≥ y.
func subNoBorrow(z, x, y []uint64) {
	var b uint64
	for j := range x {
		z[j], b = bits.Sub64(x[j], y[j], b)
	}
}
