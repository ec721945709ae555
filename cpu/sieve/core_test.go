package sieve

import (
	"math/rand/v2"
	"testing"
)

// presieve against the definition, byte by byte: a bit stays set when its
// number has no prime factor up to presieveMax or is one of those primes.
// The lengths are not multiples of 32 and the starts fall anywhere in the
// patterns' periods, so both the assembly and the byte loop after it run.
func TestPresieve(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	starts := []uint64{0, 1, 5, 6, 33299*14141 - 1, 1 << 40}
	// Segments that run into each pattern's repeated start.
	for _, g := range presieveGroups {
		period := uint64(1)
		for _, p := range g {
			period *= p
		}
		starts = append(starts, period-3, 5*period-segBytes/2)
	}
	for range 20 {
		starts = append(starts, rng.Uint64N(1<<50))
	}
	for _, j0 := range starts {
		for _, n := range []int{1, 31, 32, 33, 1000, segBytes} {
			seg := make([]byte, n)
			presieve(seg, j0)
			for j := range n {
				for t8 := range 8 {
					x := 30*(j0+uint64(j)) + wheel[t8]
					want := x != 1
					for p := uint64(7); p <= presieveMax && want; p += 2 {
						if x%p == 0 && x != p {
							want = false
						}
					}
					if got := seg[j]>>t8&1 == 1; got != want {
						t.Fatalf("presieve from byte %d, %d bytes: %d is %v, want %v", j0, n, x, got, want)
					}
				}
			}
		}
	}
}

// crossSorted against cross, the plain loop, on primes of every residue
// class started anywhere in their cycle, over areas from empty to a few
// cycles long, area after area: the bytes crossed and the states left.
func TestCrossSorted(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var ps []uint64
	for p := uint64(4099); len(ps) < 400; p += 2 {
		if isPrimeSmall(p) {
			ps = append(ps, p)
		}
	}
	ps = append(ps, 1000003, 16777213)
	for _, n := range []int{0, 1, 7, 4096, 100000, 1 << 20} {
		j0 := rng.Uint64N(1 << 30)
		var cur, next [64][]mprime
		want := make([]sprime, len(ps))
		for i, p := range ps {
			want[i] = start(p, j0, 3*n+5)
			cur[want[i].wi] = append(cur[want[i].wi], mprime{k: want[i].k, idx: want[i].idx})
		}
		for area := range 3 {
			got := make([]byte, n, n+3)
			exp := make([]byte, n)
			for i := range got {
				got[i], exp[i] = 0xff, 0xff
			}
			crossSorted(got, &cur, &next)
			cur, next = next, cur
			cross(exp, want)
			if string(got) != string(exp) {
				t.Fatalf("area %d of %d bytes from %d: crossSorted and cross differ", area, n, j0)
			}
			have := map[sprime]int{}
			for wi, l := range cur {
				for _, s := range l {
					have[sprime{k: s.k, idx: s.idx, wi: uint8(wi)}]++
				}
			}
			for _, s := range want {
				if have[s] == 0 {
					t.Fatalf("area %d of %d bytes: state %+v lost", area, n, s)
				}
				have[s]--
			}
		}
	}
}

// crossSorted against cross on medium primes put at every wheel index
// where the unrolled loop's bound falls, on entry and after a turn (the
// cycle's last multiple just before, at and past the end), and at the
// area's ends, area after area.
func TestCrossSortedBounds(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	var ps []uint64
	for p := uint64(4099); len(ps) < 60; p += 2 {
		if isPrimeSmall(p) {
			ps = append(ps, p)
		}
	}
	ps = append(ps, 65537, 1000003, 2097143)
	for _, n := range []int{1, 4096, 100000, 1 << 20} {
		var cur, next [64][]mprime
		var want []sprime
		for _, p := range ps {
			i := bitOf[p%30]
			last := int(p/30*28 + wheel[i]*29/30) // the cycle's last multiple from its first
			for wi := range 8 {
				b := n - last
				for _, x := range []int{0, 1, b - 1, b, b + 1, b - int(p) - 1, b - int(p), b - int(p) + 1, n - 1, n, int(rng.Uint64N(uint64(n + 1)))} {
					if x < 0 || x > n {
						continue
					}
					st := sprime{k: uint32(p / 30), idx: uint32(x), wi: 8*i + uint8(wi)}
					want = append(want, st)
					cur[st.wi] = append(cur[st.wi], mprime{k: st.k, idx: st.idx})
				}
			}
		}
		for area := range 3 {
			got := make([]byte, n, n+3)
			exp := make([]byte, n)
			for i := range got {
				got[i], exp[i] = 0xff, 0xff
			}
			crossSorted(got, &cur, &next)
			cur, next = next, cur
			cross(exp, want)
			if string(got) != string(exp) {
				t.Fatalf("area %d of %d bytes: crossSorted and cross differ", area, n)
			}
			have := map[sprime]int{}
			for wi, l := range cur {
				for _, s := range l {
					have[sprime{k: s.k, idx: s.idx, wi: uint8(wi)}]++
				}
			}
			for _, s := range want {
				if have[s] == 0 {
					t.Fatalf("area %d of %d bytes: state %+v lost", area, n, s)
				}
				have[s]--
			}
		}
	}
}

func isPrimeSmall(n uint64) bool {
	for d := uint64(2); d*d <= n; d++ {
		if n%d == 0 {
			return false
		}
	}
	return n >= 2
}

// popcount against a bit-by-bit count on every length across its 32- and
// 8-byte loops and their tails, from offsets that leave b unaligned.
func TestPopcount(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	buf := make([]byte, 200)
	for i := range buf {
		buf[i] = byte(rng.Uint32())
	}
	buf[0], buf[199] = 0xff, 0xff
	for off := range 9 {
		for n := 0; off+n <= len(buf); n++ {
			b := buf[off : off+n]
			var want uint64
			for _, x := range b {
				for ; x != 0; x &= x - 1 {
					want++
				}
			}
			if got := popcount(b); got != want {
				t.Fatalf("popcount of %d bytes from %d = %d, want %d", n, off, got, want)
			}
		}
	}
}

// crossClasses against cross, the plain loop, on primes of every residue
// class started anywhere in their cycle, over areas shorter than one cycle
// of eight multiples, exactly one (the unrolled loop's bound) and many: the
// bytes crossed and the states left.
func TestCrossClasses(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	var ps []uint64
	for p := uint64(181); p < smallMax; p += 2 {
		if isPrimeSmall(p) && (p < 400 || rng.IntN(8) == 0) {
			ps = append(ps, p)
		}
	}
	for _, n := range []int{0, 1, 29, 181, 182, 197, 1000, segBytes} {
		var classes [8][]sprime
		var want []sprime
		for _, p := range ps {
			// Every wheel index, at the ends of the area and where the
			// last whole cycle of eight multiples (p bytes) ends at, just
			// before or just past the end.
			for wi := range 8 {
				for _, x := range []int{0, 1, n - int(p) - 1, n - int(p), n - int(p) + 1, n - 1, n, int(rng.Uint64N(uint64(n + 1)))} {
					if x < 0 || x > n {
						continue
					}
					st := sprime{k: uint32(p / 30), idx: uint32(x), wi: 8*bitOf[p%30] + uint8(wi)}
					want = append(want, st)
					classes[bitOf[p%30]] = append(classes[bitOf[p%30]], st)
				}
			}
		}
		for area := range 3 {
			got := make([]byte, n, n+3)
			exp := make([]byte, n)
			for i := range got {
				got[i], exp[i] = 0xff, 0xff
			}
			crossClasses(got, &classes)
			cross(exp, want)
			if string(got) != string(exp) {
				t.Fatalf("area %d of %d bytes: crossClasses and cross differ", area, n)
			}
			have := map[sprime]int{}
			for _, l := range classes {
				for _, s := range l {
					have[s]++
				}
			}
			for _, s := range want {
				if have[s] == 0 {
					t.Fatalf("area %d of %d bytes: state %+v lost", area, n, s)
				}
				have[s]--
			}
		}
	}
}

// A task is crossed in areas of about one size, none past areaBytes.
func TestAreaSize(t *testing.T) {
	for _, n := range []int{1, 63, 64, areaBytes - 1, areaBytes, areaBytes + 1, 8<<20 + 100, 8737426, 64 << 20} {
		a := areaSize(n)
		areas := (n + a - 1) / a
		last := n - (areas-1)*a
		if a > areaBytes || areas != (n+areaBytes-1)/areaBytes || last+64*areas < a {
			t.Errorf("%d bytes: areas of %d, %d of them, the last %d", n, a, areas, last)
		}
	}
}
