package shard

import (
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
)

// Spec is shard K of N: 0 ≤ K < N, K counting from 0 as Slurm's array task
// ids (--array=0-(N-1)) and Kubernetes' completion indexes do.
type Spec struct {
	K, N int
}

// MaxShards bounds N: far more tasks than any array a scheduler runs
// (Slurm's MaxArraySize defaults to 1001), small enough that every
// boundary stays cheap to compute.
const MaxShards = 1 << 20

// Parse reads "K/N".
func Parse(s string) (Spec, error) {
	ks, ns, ok := strings.Cut(strings.TrimSpace(s), "/")
	if !ok {
		return Spec{}, fmt.Errorf("%q: want K/N, shard K of N counting from 0, such as 0/4", s)
	}
	n, err := strconv.Atoi(ns)
	if err != nil || n < 1 || n > MaxShards {
		return Spec{}, fmt.Errorf("%q: N %q is not a count of shards from 1 to %d", s, ns, MaxShards)
	}
	k, err := strconv.Atoi(ks)
	if err != nil || k < 0 || k >= n {
		return Spec{}, fmt.Errorf("%q: K %q is not a shard from 0 to %d", s, ks, n-1)
	}
	return Spec{K: k, N: n}, nil
}

// String returns "K/N".
func (s Spec) String() string { return fmt.Sprintf("%d/%d", s.K, s.N) }

// Valid reports whether 0 ≤ K < N ≤ MaxShards.
func (s Spec) Valid() bool { return s.N >= 1 && s.N <= MaxShards && s.K >= 0 && s.K < s.N }

// Part returns the items [lo, hi) of count that shard K takes: contiguous,
// in order, the first count mod N shards one item more than the others.
func (s Spec) Part(count int64) (lo, hi int64) {
	at := func(k int64) int64 {
		q, r := count/int64(s.N), count%int64(s.N)
		return k*q + min(k, r)
	}
	return at(int64(s.K)), at(int64(s.K) + 1)
}

// Weighted returns the items [lo, hi) of a list that shard K takes, given
// each item's weight (an image's pixels): contiguous, in order, each shard
// about total/N of the weight. An item goes to the shard in which its
// middle falls, so a heavy item goes where most of it lies, and an item
// of weight 0 goes with its neighbours. With no weight at all the items
// split by count.
func (s Spec) Weighted(weights []int64) (lo, hi int) {
	total := new(big.Int)
	for _, w := range weights {
		total.Add(total, big.NewInt(max(w, 0)))
	}
	if total.Sign() == 0 {
		l, h := s.Part(int64(len(weights)))
		return int(l), int(h)
	}
	// Item i is in shard floor(N·(2·before + w) / (2·total)).
	den := new(big.Int).Lsh(total, 1)
	before := new(big.Int)
	var x, q big.Int
	lo, hi = len(weights), len(weights)
	for i, w := range weights {
		w = max(w, 0)
		x.Lsh(before, 1)
		x.Add(&x, big.NewInt(w))
		x.Mul(&x, big.NewInt(int64(s.N)))
		q.Quo(&x, den)
		// A weightless item past the last weight would fall past the
		// last shard.
		k := min(int(q.Int64()), s.N-1)
		if k >= s.K && lo == len(weights) {
			lo = i
		}
		if k > s.K {
			hi = i
			break
		}
		before.Add(before, big.NewInt(w))
	}
	return lo, max(lo, hi)
}

// Work is the expected cost of deciding one number of the given bit length,
// in units of what the sieve spends on a number below 2^64: a range splits
// by it, so that every task takes about as long.
type Work func(bits int) *big.Int

// RangeWork is the cost Range uses for corescale prime --from/--to: below
// 2^64 the sieve decides a number in about a third of a nanosecond
// whatever its size; from 2^64 on, the hybrid crosses off the multiples of
// the primes below 2^16 and gives the survivors to math/big's Baillie–PSW
// test, whose multiplications grow as bits². bits² makes a 65-bit number
// 4,225 times a sieved one; one run of each here measured about 4,800
// (10^5 numbers from 2^64: 0.155 s; 10^8 from 10^12: 0.032 s, one core).
// Only the balance of the split depends on it, never the answer.
func RangeWork(bits int) *big.Int {
	if bits <= 64 {
		return big.NewInt(1)
	}
	b := big.NewInt(int64(bits))
	return b.Mul(b, b)
}

// Range returns the sub-range [lo, hi] of [a, b] that shard K takes:
// contiguous, in order, each about 1/N of the range's work by work (its
// numbers weighted by their bit length). ok is false when the shard is
// empty (N larger than the range, or a part too small to hold a number).
// a must not be negative, nor greater than b.
func (s Spec) Range(a, b *big.Int, work Work) (lo, hi *big.Int, ok bool, err error) {
	if a.Sign() < 0 || a.Cmp(b) > 0 {
		return nil, nil, false, errors.New("shard: a range from a negative number, or reversed")
	}
	// The numbers of one bit length have one cost: the range is a few
	// pieces of constant cost, [2^(n-1), 2^n - 1] cut to [a, b].
	type piece struct {
		start, length, cost *big.Int
	}
	var pieces []piece
	total := new(big.Int)
	one := big.NewInt(1)
	for n := a.BitLen(); n <= b.BitLen(); n++ {
		start := new(big.Int)
		if n > 0 {
			start.Lsh(one, uint(n-1))
		}
		end := new(big.Int).Lsh(one, uint(n))
		end.Sub(end, one)
		if start.Cmp(a) < 0 {
			start.Set(a)
		}
		if end.Cmp(b) > 0 {
			end.Set(b)
		}
		length := new(big.Int).Sub(end, start)
		length.Add(length, one)
		cost := work(n)
		if cost.Sign() <= 0 {
			cost = one
		}
		pieces = append(pieces, piece{start, length, cost})
		total.Add(total, new(big.Int).Mul(length, cost))
	}
	// boundary returns the first number of shard k: the least x with the
	// work of [a, x) at least total·k/N.
	boundary := func(k int) *big.Int {
		target := new(big.Int).Mul(total, big.NewInt(int64(k)))
		target.Quo(target, big.NewInt(int64(s.N)))
		for _, p := range pieces {
			w := new(big.Int).Mul(p.length, p.cost)
			if target.Cmp(w) <= 0 {
				// ceil(target / cost) numbers into the piece.
				m := new(big.Int).Add(target, p.cost)
				m.Sub(m, one)
				m.Quo(m, p.cost)
				return m.Add(m, p.start)
			}
			target.Sub(target, w)
		}
		return new(big.Int).Add(b, one)
	}
	lo = boundary(s.K)
	hi = boundary(s.K + 1)
	hi.Sub(hi, one)
	if lo.Cmp(hi) > 0 {
		return lo, hi, false, nil
	}
	return lo, hi, true, nil
}
