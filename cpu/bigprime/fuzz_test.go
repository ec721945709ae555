package bigprime

import (
	"math/big"
	"testing"
)

// FuzzAgainstMathBig holds the engine to math/big's ProbablyPrime(0) on
// any number the fuzzer makes of its bytes (big-endian, at most MaxBits
// bits), once as it is and once made odd with the top bit of its size
// set, where the engine does its work.
func FuzzAgainstMathBig(f *testing.F) {
	f.Add([]byte{1, 0, 0, 0, 0, 0, 0, 0, 0x3d})                         // 2^64 + 61
	f.Add([]byte{0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}) // 2^71 − 1, a base-2 pseudoprime
	f.Add(new(big.Int).Sub(pow2(521), big.NewInt(1)).Bytes())           // a Mersenne prime
	f.Fuzz(func(t *testing.T, b []byte) {
		// Up to 1024 bits: every generated size and the loop above them,
		// at a cost per input that lets CI's 200,000 inputs finish in
		// minutes (at 4096 bits math/big's test alone takes tens of
		// milliseconds; the GMP tests cover the largest classes).
		if len(b) > 1024/8 {
			b = b[:1024/8]
		}
		n := new(big.Int).SetBytes(b)
		checkAgainstBig(t, n, "as given")
		if n.BitLen() > 64 {
			n.SetBit(n, 0, 1)
			n.SetBit(n, 8*len(b)-1, 1)
			checkAgainstBig(t, n, "odd, top bit set")
		}
	})
}
