package prime

import (
	"math"
	"math/bits"
	"sync"
)

// lucasParameter returns the P of Baillie's method for the extra strong
// Lucas test: the first P = 3, 4, 5, … with Jacobi symbol ((P²−4)/n) = −1.
// ok is false when the search proves n composite: a symbol of 0 shows a
// common factor, and a perfect square has no such P at all.
func lucasParameter(n uint64) (p uint64, ok bool) {
	if isSquare(n) {
		return 0, false
	}
	switch e := firstP()[n%firstPModulus]; e {
	case 0:
		return 0, false
	case firstPNone:
	default:
		return uint64(e), true
	}
	r := uint32(n % jacobiModulus) // a multiplication: the modulus is constant
	ds := smallD()
	for p = firstPLast + 1; ; p++ {
		var j int
		if p < uint64(len(ds)) && ds[p].odd != 0 {
			j = ds[p].symbol(n, r)
		} else {
			j = jacobi(p*p-4, n)
		}
		switch j {
		case -1:
			return p, true
		case 0:
			// gcd(P²−4, n) > 1 and n is larger than P²−4: composite.
			return 0, false
		}
	}
}

// The symbols ((P²−4)/n) for P = 3 … firstPLast depend on n mod 8 (the
// factors 2 and reciprocity) and on n mod the odd parts of P²−4, which all
// divide 9·5·7·11: firstP holds, for each n mod firstPModulus, where the
// search over those P stops — the P of the first symbol −1, 0 for a first
// symbol 0, firstPNone when none stops it (about 3% of numbers) — so that
// most searches are one table read instead of a branch per P, each
// mispredicted about half the time.
const (
	firstPLast    = 10
	firstPModulus = 8 * 9 * 5 * 7 * 11
	firstPNone    = 0xff
)

var firstP = sync.OnceValue(func() *[firstPModulus]uint8 {
	var t [firstPModulus]uint8
	ds := smallD()
	for i := range t {
		t[i] = firstPNone
		if i&1 == 0 {
			continue
		}
		for p := 3; p <= firstPLast; p++ {
			switch ds[p].symbol(uint64(i), uint32(i%(firstPModulus/8))) {
			case -1:
				t[i] = uint8(p)
			case 0:
				t[i] = 0
			default:
				continue
			}
			break
		}
	}
	return &t
})

// jacobiModulus is divisible by the odd part of P²−4 for most small P, so
// that one reduction of n by it yields every symbol the search for P usually
// needs, with no 64-bit division.
const jacobiModulus = 9 * 5 * 7 * 11 * 13 * 17 * 19 * 23

// reducedD is P²−4 = 2^twos · odd, for a P whose odd part divides
// jacobiModulus (odd is 0 for the others), with (ρ/odd) for every residue ρ
// in two bit sets: the search for P took a tenth of a prime's time in
// Euclid's divisions when it computed the symbol.
type reducedD struct {
	twos int
	odd  uint32
	// reciprocal is ⌈2^64/odd⌉: r mod odd in two multiplications (D. Lemire,
	// O. Kaser, N. Kurz, "Faster remainder by direct computation", 2019).
	reciprocal uint64
	// neg and zero have bit ρ set when (ρ/odd) is −1 and 0; odd < 512.
	neg, zero [8]uint64
}

// smallD is made on first use, with firstP: some 10,000 Jacobi symbols,
// 0.08 ms that every run of corescale paid at start, most of them testing
// no number.
var smallD = sync.OnceValue(func() *[24]reducedD {
	var ds [24]reducedD
	for p := 3; p < len(ds); p++ {
		d := p*p - 4
		twos := bits.TrailingZeros(uint(d))
		odd := d >> twos
		if jacobiModulus%odd != 0 {
			continue
		}
		rd := reducedD{twos: twos, odd: uint32(odd), reciprocal: ^uint64(0)/uint64(odd) + 1}
		for rho := range uint32(odd) {
			switch jacobi(rho, uint32(odd)) {
			case -1:
				rd.neg[rho/64] |= 1 << (rho % 64)
			case 0:
				rd.zero[rho/64] |= 1 << (rho % 64)
			}
		}
		ds[p] = rd
	}
	return &ds
})

// symbol returns the Jacobi symbol (P²−4 / n) from r = n mod jacobiModulus:
// (2/n) per factor 2, then reciprocity turns (odd/n) into (r mod odd / odd).
func (d *reducedD) symbol(n uint64, r uint32) int {
	t := 1
	if d.twos&1 == 1 && (n&7 == 3 || n&7 == 5) {
		t = -t
	}
	if d.odd&3 == 3 && n&3 == 3 {
		t = -t
	}
	rho, _ := bits.Mul64(d.reciprocal*uint64(r), uint64(d.odd))
	switch {
	case d.zero[rho/64]>>(rho%64)&1 != 0:
		return 0
	case d.neg[rho/64]>>(rho%64)&1 != 0:
		return -t
	}
	return t
}

// squaresMod64 has bit r set when r is a square modulo 64.
var squaresMod64 = func() (m uint64) {
	for r := range uint64(64) {
		m |= 1 << (r * r % 64)
	}
	return m
}()

// isSquare reports whether n is a perfect square. Only 12 of the 64
// residues modulo 64 are squares, which settles most numbers without a root.
func isSquare(n uint64) bool {
	if squaresMod64>>(n%64)&1 == 0 {
		return false
	}
	r := isqrt(n)
	return r*r == n
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

// jacobi returns the Jacobi symbol (a/n) for odd n.
func jacobi[T uint32 | uint64](a, n T) int {
	if a >= n {
		a %= n
	}
	t := 1
	for a != 0 {
		z := bits.TrailingZeros64(uint64(a))
		a >>= z
		if z&1 == 1 && (n&7 == 3 || n&7 == 5) {
			t = -t
		}
		if a&3 == 3 && n&3 == 3 {
			t = -t
		}
		a, n = n%a, a
	}
	if n == 1 {
		return t
	}
	return 0
}

// extraStrongLucas reports, for each of the first k numbers of ns with
// parameters ps from lucasParameter, whether it is an extra strong Lucas
// probable prime: with Q = 1, D = P²−4 and n+1 = d·2^s, d odd, either
// U_d ≡ 0 and V_d ≡ ±2, or V_(d·2^r) ≡ 0 for some r < s−1.
//
// Only V is computed, by the ladder (V_k, V_(k+1)) → (V_2k, V_(2k+1)) or
// (V_(2k+1), V_(2k+2)), two independent multiplications per bit; U_d ≡ 0
// is read off as 2·V_(d+1) ≡ P·V_d, which holds because D·U_k = 2V_(k+1) − P·V_k
// and D is prime to n. As in strongBase2, k numbers advance together.
func extraStrongLucas(ns, ps *[maxLanes]uint64, pass *[maxLanes]bool, k int) {
	var vk, vk1, d, inv, two, mp [maxLanes]uint64
	var s [maxLanes]int
	top := 0
	for l := range k {
		n := ns[l]
		m := newMontgomery(n)
		inv[l] = m.inv
		two[l] = add(m.one, m.one, n)
		mp[l] = m.toMontgomery(ps[l])
		s[l] = bits.TrailingZeros64(n + 1)
		d[l] = (n + 1) >> s[l]
		vk[l], vk1[l] = two[l], mp[l] // V_0 = 2, V_1 = P; leading zero bits keep them so
		top = max(top, bits.Len64(d[l]))
	}
	for i := top - 1; i >= 0; i-- {
		for l := range k {
			n, bit := ns[l], d[l]>>i&1
			a := pick(vk[l], vk1[l], bit)
			sq := sub(mul(a, a, n, inv[l]), two[l], n)
			pr := sub(mul(vk[l], vk1[l], n, inv[l]), mp[l], n)
			vk[l], vk1[l] = pick(sq, pr, bit), pick(pr, sq, bit)
		}
	}
	for l := range k {
		n := ns[l]
		v := vk[l]
		uZero := add(vk1[l], vk1[l], n) == mul(v, mp[l], n, inv[l])
		ok := uZero && (v == two[l] || v == n-two[l])
		for r := 0; r < s[l]-1 && !ok; r++ {
			ok = v == 0
			v = sub(mul(v, v, n, inv[l]), two[l], n)
		}
		pass[l] = ok
	}
}
