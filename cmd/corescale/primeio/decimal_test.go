package primeio

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

// appendLine against strconv: every digit count, the edges of the eight
// low digits (10^8 ± 1, zeros inside), numbers going up and back down so
// that the kept high digits go stale, and 2^64 − 1.
func TestAppendLine(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	vs := []uint64{0, 1, 9, 10, 99, 100, 12345678, 99999999, 1e8, 1e8 + 1, 100000007, 1e9, 1e12 + 39, 123400000567, 1e19, math.MaxUint64, 7}
	for p := uint64(1); p < 1e19; p *= 10 {
		vs = append(vs, p-1, p, p+1)
	}
	for range 10000 {
		vs = append(vs, rng.Uint64()>>rng.IntN(64))
	}
	var d decimalLines
	b := make([]byte, 0, 2*lineRoom)
	for _, v := range vs {
		b = d.appendLine(b[:3], v)
		if got, want := string(b[3:]), strconv.FormatUint(v, 10)+"\n"; got != want {
			t.Fatalf("%d: %q, want %q", v, got, want)
		}
	}
}
