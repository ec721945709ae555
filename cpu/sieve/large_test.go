package sieve

import (
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"
	"testing"
)

// firstMultiple is the reference for largeStarts, in plain % and 128-bit
// products: the byte, counted from j0, and the bit of the first multiple
// p·q ≥ max(p², 30·j0) with q coprime to 30.
func firstMultiple(p, j0 uint64) (rel uint64, bit uint8) {
	s := max(p*p, 30*j0)
	q := s / p
	if s%p != 0 {
		q++
	}
	for q%2 == 0 || q%3 == 0 || q%5 == 0 {
		q++
	}
	hi, lo := bits.Mul64(p, q)
	byteOf, r := bits.Div64(hi, lo, 30)
	return byteOf - j0, bitOf[r]
}

// randomCoprime returns a number from lo to hi coprime to 30.
func randomCoprime(rng *rand.Rand, lo, hi uint64) uint64 {
	for {
		if p := lo + rng.Uint64N(hi-lo+1); p%2 != 0 && p%3 != 0 && p%5 != 0 {
			return p
		}
	}
}

// lowQuotients are numbers p coprime to 30 and tasks j0, found by search,
// whose quotient 30·j0/p a float division truncates one too low (30·j0,
// rounded to double, lies below p·⌊30·j0/p⌋), where ⌊30·j0/p⌋ is coprime to
// 30: a quotient taken so, uncorrected, would put the first multiple one
// before the task.
var lowQuotients = [][2]uint64{
	{1591311449, 446171511387998102}, {2052730577, 457192332940726647},
	{3033642559, 333213610660718754}, {831154603, 412933114259046700},
	{3390807173, 390692344397206011}, {3198024151, 398507409042140872},
}

// roundedAcrossHalf returns a task j0 from p²/30 to the top, where
// largeStarts16's estimate of j0/p is least exact, on which that estimate
// rounded to a whole number a (as the assembly takes it: J = j0/30 and
// 30/p in double, their product rounded to the nearest) lies on the other
// side of a half from the true quotient, so that j0 − a·p is more than p/2
// from 0: with past set, b = j0 mod p is above p/2 and a = ⌊j0/p⌋ (j0 −
// a·p = b); otherwise b is below p/2 and a = ⌊j0/p⌋ + 1 (j0 − a·p = b − p).
func roundedAcrossHalf(rng *rand.Rand, p uint64, past bool) (j0 uint64) {
	top := uint64(math.MaxUint64) / 30
	for {
		m := top/p - 1 - rng.Uint64N(1<<16)
		b := p/2 + 1 + rng.Uint64N(300)
		if !past {
			b = p/2 - rng.Uint64N(300)
		}
		j0 = m*p + b
		if p*p > 30*j0 {
			continue
		}
		a := uint64(math.RoundToEven(float64(j0) / 30 * (30 / float64(p))))
		if past && a == m || !past && a == m+1 {
			return j0
		}
	}
}

// pastInt32 are numbers p from largeVectorMax to 2^32 coprime to 30 (the
// first and last prime) and tasks j0 ≥ p²/30, found by search, on which
// j0 − a·p (see roundedAcrossHalf) is 2^31 or more, or below −2^31: its low
// 32 bits read as a signed number are not it, which is why starts gives
// these primes to start.
var pastInt32 = [][2]uint64{
	{4294967291, 614891468264658241}, // −2147483666
	{4294967279, 614891466546671352}, // 2^31
	{4294967143, 614891442781185601}, // −2147483767
}

// largeStates.starts against the plain remainder, on each path, for
// sieving primes (any number coprime to 30 does for the arithmetic) from
// above mediumMax to 2^32, some up to the square root of 30·j0 and some
// past it, a few at mediumMax and below, and tasks from low (where p² is
// the first multiple) to the top of 2^64, among them j0 mod p 0, 1 and p −
// 1, and j0/p's float estimate rounded across a half either way (for p
// just below largeVectorMax, where j0 − a·p comes closest to ±2^31, and
// pastInt32): the states kept are exactly start's that hit the task.
func TestLargeStarts(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 64))
	top := uint64(math.MaxUint64) / 30
	vectorRounds := 0
	const rounds = 3000
	const halfRounds = 40
	halfVector := 0
	for round := range rounds {
		var j0, special uint64
		switch {
		case round < len(lowQuotients):
			special, j0 = lowQuotients[round][0], lowQuotients[round][1]
		case round < len(lowQuotients)+len(pastInt32):
			special, j0 = pastInt32[round-len(lowQuotients)][0], pastInt32[round-len(lowQuotients)][1]
		case round < len(lowQuotients)+len(pastInt32)+halfRounds:
			special = randomCoprime(rng, largeVectorMax-200, largeVectorMax-1)
			j0 = roundedAcrossHalf(rng, special, round%2 == 0)
		case round%5 == 4:
			// 30·j0 just above or below a multiple of special: its
			// quotient within 2^-20 of a whole number, where a float
			// division rounds it to the wrong side, and j0 mod special
			// 0, 1 or special − 1.
			special = randomCoprime(rng, mediumMax+1, 1<<32-1)
			j0 = (top/special-rng.Uint64N(1<<20))*special + rng.Uint64N(3) - 1
		case round%4 == 0:
			j0 = top - rng.Uint64N(1<<36)
		case round%4 == 1:
			j0 = rng.Uint64N(top)
		case round%4 == 2:
			j0 = rng.Uint64N(1 << 40)
		default:
			j0 = top - rng.Uint64N(4)
		}
		lo, hi := uint64(mediumMax+1), min(1<<32-1, isqrt(30*j0))
		if round%3 == 0 && special == 0 {
			hi = 1<<32 - 1
		}
		if round%7 == 0 && special == 0 {
			lo = mediumMax - 1000
		}
		hi = max(hi, lo+2000)
		var ps []uint32
		for i := range 1 + rng.IntN(80) { // sixteens and the rest
			switch i % 4 {
			case 0, 1:
				ps = append(ps, uint32(randomCoprime(rng, lo, lo+1000)))
			case 2:
				ps = append(ps, uint32(randomCoprime(rng, hi-1000, hi)))
			default:
				ps = append(ps, uint32(randomCoprime(rng, lo, hi)))
			}
		}
		if special != 0 {
			ps[0] = uint32(special)
		}
		slices.Sort(ps) // as generated
		if last := uint64(ps[len(ps)-1]); ps[0] > mediumMax && last*last <= 30*j0 {
			vectorRounds++
			if special != 0 && special < largeVectorMax && round < len(lowQuotients)+len(pastInt32)+halfRounds {
				halfVector++
			}
		}
		n := 1 + rng.IntN(1<<24)
		if round%7 == 0 || special != 0 {
			n = 1 << 31 // special's first multiple is up to p/5 bytes on
		}
		var want []sprime
		for _, p := range ps {
			st := start(uint64(p), j0, n)
			rel, bit := firstMultiple(uint64(p), j0)
			if rel >= uint64(n) {
				continue
			}
			if uint64(st.idx) != rel || hitBit[st.wi] != bit {
				t.Fatalf("p %d, j0 %d: start gives byte %d bit %d, the remainder %d bit %d", p, j0, st.idx, hitBit[st.wi], rel, bit)
			}
			want = append(want, st)
		}
		for _, vec := range startPaths() {
			withAVX512(vec, func() {
				var ls largeStates
				ls.starts(ps, j0, n)
				if len(ls.k) != len(want) {
					t.Fatalf("AVX-512 %v: j0 %d, %d bytes: %d states, want %d", vec, j0, n, len(ls.k), len(want))
				}
				for i, w := range want {
					if got := (sprime{k: ls.k[i], idx: ls.idx[i], wi: uint8(ls.wi[i])}); got != w || ls.wi[i] > 63 {
						t.Fatalf("AVX-512 %v: j0 %d, %d bytes, p = 30·%d + …: state %+v (wi %d), want %+v", vec, j0, n, w.k, got, ls.wi[i], w)
					}
				}
			})
		}
	}
	for _, vec := range startPaths() {
		withAVX512(vec, func() {
			var ls largeStates
			ls.starts(nil, top, 1<<20)
			if len(ls.k) != 0 {
				t.Errorf("AVX-512 %v: %d states of no primes", vec, len(ls.k))
			}
		})
	}
	if halfVector < halfRounds {
		t.Errorf("%d rounds of %d rounded across a half on the vector path", halfVector, halfRounds)
	}
	if vectorRounds < rounds/3 {
		t.Errorf("%d rounds of %d for the vector path, want a third", vectorRounds, rounds)
	}
}

// startPaths are the paths of largeStates.starts this machine runs: the
// scalar one, and AVX-512's where the CPU has it.
func startPaths() []bool {
	if haveAVX512 {
		return []bool{false, true}
	}
	return []bool{false}
}

// withAVX512 runs f with the AVX-512 path of largeStates.starts on or off.
func withAVX512(on bool, f func()) {
	old := haveAVX512
	haveAVX512 = on
	defer func() { haveAVX512 = old }()
	f()
}

// vbmi2Paths are the extractions appendPrimes32 has with AVX-512 on or
// off: bitsToNumbers16, and bitsToNumbers64 where the CPU has VBMI2.
func vbmi2Paths(avx512 bool) []bool {
	if avx512 && haveVBMI2 {
		return []bool{false, true}
	}
	return []bool{false}
}

// withVBMI2 runs f with appendPrimes32's VBMI2 path on or off.
func withVBMI2(on bool, f func()) {
	old := haveVBMI2
	haveVBMI2 = on
	defer func() { haveVBMI2 = old }()
	f()
}

// BenchmarkLargeStarts is the start of each large prime on a task at the
// top, where most do not hit it: ns/prime, on each path.
func BenchmarkLargeStarts(b *testing.B) {
	ps := largePrimes(1<<31, 1<<13)
	j0 := uint64(math.MaxUint64-1e9) / 30
	for _, vec := range startPaths() {
		name := "scalar"
		if vec {
			name = "avx512"
		}
		b.Run(name, func(b *testing.B) {
			withAVX512(vec, func() {
				var ls largeStates
				for b.Loop() {
					ls.starts(ps, j0, 1<<24)
				}
			})
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(ps)), "ns/prime")
		})
	}
}

// largePrimes returns the primes generated from lo, up to n of them.
func largePrimes(lo uint64, n int) []uint32 {
	var ps []uint32
	var w worker
	w.generateBatches(lo, min(lo+uint64(n)*64, 1<<32-1), func(b []uint32) {
		ps = append(ps, b[:min(len(b), n-len(ps))]...)
	})
	return ps
}

// appendPrimes32 on each path against the bits read one by one: random
// bytes (all ones and zeros among them, so that words of more than 32
// numbers are common), lengths that are and are not whole words, bases up
// to the last below 2^32, onto a list not empty.
func TestAppendPrimes32(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 2))
	for round := range 500 {
		bs := make([]byte, rng.IntN(200))
		for i := range bs {
			switch rng.IntN(4) {
			case 0:
				bs[i] = 0xff
			case 1:
				bs[i] = 0
			default:
				bs[i] = byte(rng.Uint32())
			}
		}
		base := 30 * rng.Uint64N((1<<32-30*uint64(len(bs)))/30)
		if round%5 == 0 {
			base = (1<<32-1)/30*30 - 30*uint64(len(bs))
		}
		prefix := []uint32{uint32(round), 7}
		want := slices.Clone(prefix)
		for j, x := range bs {
			for b := range 8 {
				if x>>b&1 != 0 {
					want = append(want, uint32(base+30*uint64(j)+wheel[b]))
				}
			}
		}
		for _, vec := range startPaths() {
			for _, vbmi2 := range vbmi2Paths(vec) {
				withAVX512(vec, func() {
					withVBMI2(vbmi2, func() {
						if got := appendPrimes32(slices.Clone(prefix), bs, base); !slices.Equal(got, want) {
							t.Fatalf("AVX-512 %v, VBMI2 %v: %d bytes from %d: %d numbers, want %d", vec, vbmi2, len(bs), base, len(got), len(want))
						}
					})
				})
			}
		}
	}
}

// BenchmarkAppendPrimes32 is the extraction of the primes near 10^9 from
// their sieve (ns/prime), on each path.
func BenchmarkAppendPrimes32(b *testing.B) {
	var w worker
	var bs []byte
	lo := uint64(1e9 / 30 * 30)
	pl := newPlan(lo, lo+30<<16-1, isqrt(lo+30<<16), segBytes*8)
	pl.sieve(&w, 0, false, func(blk *Block) { bs = append(bs, blk.bits...) })
	for _, vec := range startPaths() {
		for _, vbmi2 := range vbmi2Paths(vec) {
			name := map[[2]bool]string{{false, false}: "scalar", {true, false}: "avx512", {true, true}: "vbmi2"}[[2]bool{vec, vbmi2}]
			b.Run(name, func(b *testing.B) {
				withAVX512(vec, func() {
					withVBMI2(vbmi2, func() {
						var dst []uint32
						n := 0
						for b.Loop() {
							dst = appendPrimes32(dst[:0], bs, lo)
							n += len(dst)
						}
						b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/prime")
					})
				})
			})
		}
	}
}
