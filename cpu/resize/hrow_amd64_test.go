//go:build amd64 && !purego

package resize

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"github.com/corescale/corescale"
)

// TestHrowMatchesGo: the AVX2 row loop must give the Go loop's bytes, on
// every filter, with tap counts that exercise its 4-, 2- and 1-tap steps.
func TestHrowMatchesGo(t *testing.T) {
	if !haveHrow4 {
		t.Skip("no AVX2 on this machine")
	}
	defer func(v bool) { haveHrow4 = v }(haveHrow4)
	for _, f := range corescale.Filters[1:] {
		for _, ch := range []int{1, 3, 4} {
			for _, w := range []int{1, 2, 3, 5, 17, 64, 301, 999} {
				src := noise(157, 9, ch, uint64(w))
				haveHrow4 = true
				simd := resized(t, Options{Filter: f, Workers: 1}, src, w, 5)
				haveHrow4 = false
				plain := resized(t, Options{Filter: f, Workers: 1}, src, w, 5)
				if !bytes.Equal(simd.Pix, plain.Pix) {
					t.Errorf("%s, %d channels, width %d: AVX2 and Go differ", f, ch, w)
				}
			}
		}
	}
}

// TestPadRGB: the PSHUFB padding and the Go tail pad every length right.
func TestPadRGB(t *testing.T) {
	for n := range 100 {
		in := make([]uint8, 3*n)
		for i := range in {
			in[i] = uint8(i*7 + 1)
		}
		out := make([]uint8, 4*n)
		for i := range out {
			out[i] = 0xee
		}
		padRGB(out, in)
		for p := range n {
			want := []uint8{in[3*p], in[3*p+1], in[3*p+2], 0}
			if !bytes.Equal(out[4*p:4*p+4], want) {
				t.Fatalf("%d pixels: pixel %d is %v, want %v", n, p, out[4*p:4*p+4], want)
			}
		}
	}
}

// TestAvgPairsMatchesGo: the AVX2 pair averages are pairAverage's bytes,
// on every length (the steps of 16 and the count it returns), the largest
// sums and every block height it takes.
func TestAvgPairsMatchesGo(t *testing.T) {
	if !haveHrow4 {
		t.Skip("no AVX2 on this machine")
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for _, rows := range []int{1, 2, 3, 7, 64, 127, maxPairRows} {
		half, inv := pairDivisor(rows)
		for n := range 70 {
			cols := make([]uint16, 2*n+1) // one spare column: not read
			for i := range cols {
				cols[i] = uint16(rng.IntN(255*rows + 1))
				if i%5 == 0 {
					cols[i] = uint16(255 * rows)
				}
			}
			out := make([]uint8, n+1)
			done := avgPairs16(out[:n], cols, half, inv)
			if done != n&^15 {
				t.Fatalf("%d rows, %d outputs: did %d, want %d", rows, n, done, n&^15)
			}
			for x := range done {
				if want := pairAverage(uint32(cols[2*x])+uint32(cols[2*x+1]), half, inv); out[x] != want {
					t.Fatalf("%d rows, %d outputs: output %d is %d, want %d", rows, n, x, out[x], want)
				}
			}
			if out[n] != 0 || (done < n && out[done] != 0) {
				t.Fatalf("%d rows, %d outputs: wrote past the steps it reported", rows, n)
			}
		}
	}
}

// setSIMD turns the AVX2 loops on or off for a test, and reports that it
// could.
func setSIMD(on bool) bool {
	haveHrow4 = on
	return true
}
