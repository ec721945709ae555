//go:build amd64 && !purego

package sieve

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// The assembly against pushRoundGo on rounds that start part way (i and
// kept anywhere), end before their slices do, and meet full blocks, with
// the task's bytes cutting the primes' next multiples anywhere.
func TestPushRoundAsm(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := range 3000 {
		n := uint32(1 + rng.IntN(4*bucketSpan))
		m := 1 + rng.IntN(300)
		var ks, idxs, wis []uint32
		for range m + rng.IntN(10) {
			ks = append(ks, uint32(rng.IntN(1<<14)))
			idxs = append(idxs, rng.Uint32N(n))
			wis = append(wis, rng.Uint32N(64))
		}
		pos := make([]uint32, (n+bucketSpan-1)/bucketSpan)
		for a := range pos {
			// None, or a block (1 to 3) anywhere in it, full or not.
			if c := rng.IntN(4); c > 0 {
				pos[a] = uint32(c*bucketLen + 1 + rng.IntN(blockRecords))
			}
		}
		i := rng.IntN(m)
		r := func() *pushArgs {
			return &pushArgs{pos: slices.Clone(pos), arena: make([]uint32, 4*bucketLen), ks: slices.Clone(ks), idxs: slices.Clone(idxs), wis: slices.Clone(wis), i: i, kept: rng.IntN(i + 1), end: m, n: n}
		}
		a := r()
		g := *a
		g.pos, g.arena, g.ks, g.idxs, g.wis = slices.Clone(a.pos), slices.Clone(a.arena), slices.Clone(a.ks), slices.Clone(a.idxs), slices.Clone(a.wis)
		ai, ak, af := pushRoundAsm(a)
		gi, gk, gf := pushRoundGo(&g)
		if ai != gi || ak != gk || af != gf {
			t.Fatalf("trial %d: the assembly stopped at %d with %d kept (area %d), pushRoundGo at %d with %d (area %d)", trial, ai, ak, af, gi, gk, gf)
		}
		if !slices.Equal(a.arena, g.arena) || !slices.Equal(a.pos, g.pos) || !slices.Equal(a.idxs, g.idxs) || !slices.Equal(a.ks, g.ks) || !slices.Equal(a.wis, g.wis) {
			t.Fatalf("trial %d: the assembly's records, positions or states differ from pushRoundGo's", trial)
		}
	}
}
