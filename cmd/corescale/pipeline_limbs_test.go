package main

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBigBlocksAgreeWithMathBig runs `prime --print all` on 10,000 numbers
// of 2^64 and above whose sizes change from line to line (65 to 4096 bits,
// a few above, which math/big tests; a thousand primes), in decimal, zero-padded decimal and
// hex, so that the blocks of 4,096 the limb path reuses its buffers across
// each hold a different mix; every verdict and every number printed must
// be math/big's.
func TestBigBlocksAgreeWithMathBig(t *testing.T) {
	r := rand.New(rand.NewPCG(16, 6))
	var in, want strings.Builder
	for i := range 10000 {
		bits := 65 + r.IntN(448)
		switch {
		case i%2000 == 1999:
			bits = 4097 + r.IntN(200) // for math/big
		case i%500 == 499:
			bits = 1024 + r.IntN(3073)
		case i%10 == 0:
			bits = 65 + r.IntN(128)
		}
		n := new(big.Int)
		for n.BitLen() < bits {
			n.Lsh(n, 64).Or(n, new(big.Int).SetUint64(r.Uint64()))
		}
		n.Rsh(n, uint(n.BitLen()-bits))
		if i%10 == 0 {
			// A thousand primes, so that a wrong verdict cannot hide
			// among composites that trial division settles.
			for n.SetBit(n, 0, 1); !n.ProbablyPrime(0); {
				n.Add(n, big.NewInt(2))
			}
		}
		if i == 4096+1000 || i == 2*4096+1000 {
			// Blocks hold 4,096 numbers: these two, Mersenne primes
			// above 4096 bits that math/big tests, stand where the blocks
			// before held others, so limbs left from a block before would
			// give them a verdict that is not theirs.
			n = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), uint(4253+170*(i/8192))), big.NewInt(1))
		}
		switch i % 7 {
		case 1:
			fmt.Fprintf(&in, "0x%x\n", n)
		case 2:
			fmt.Fprintf(&in, "000%s\n", n)
		default:
			fmt.Fprintf(&in, "%s\n", n)
		}
		verdict := "composite"
		if n.ProbablyPrime(0) {
			verdict = "prime?"
		}
		fmt.Fprintf(&want, "%s %s\n", n, verdict)
	}
	path := filepath.Join(t.TempDir(), "mixed.txt")
	if err := os.WriteFile(path, []byte(in.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, workers := range []string{"1", "2"} {
		var stdout, stderr strings.Builder
		if code := run([]string{"corescale", "prime", "--input", path, "--print", "all", "--backend", "parallel", "--workers", workers}, strings.NewReader(""), &stdout, &stderr); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr.String())
		}
		got, wantLines := strings.Split(stdout.String(), "\n"), strings.Split(want.String(), "\n")
		if len(got) != len(wantLines) {
			t.Fatalf("%s workers: %d lines, want %d", workers, len(got), len(wantLines))
		}
		for i := range got {
			if got[i] != wantLines[i] {
				t.Fatalf("%s workers: line %d: %q, math/big says %q", workers, i+1, got[i], wantLines[i])
			}
		}
	}
}

// TestBigEngineNotStartedForHugeOnly checks that numbers above 4096 bits
// alone, which math/big tests, do not start the GPU big-number engine
// (made when the first number it takes comes), now that the limb path
// sorts the numbers before it asks for the engine.
func TestBigEngineNotStartedForHugeOnly(t *testing.T) {
	in := filepath.Join(t.TempDir(), "huge.txt")
	m := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 4253), big.NewInt(1)) // a Mersenne prime
	if err := os.WriteFile(in, []byte("7\n"+m.String()+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runCLI("", "prime", "--input", in, "--backend", "gpu-emu", "--verbose")
	if code != 0 || strings.Contains(errOut, "big-number engine started") || out != "7\n"+m.String()+"?\n" {
		t.Errorf("exit %d, stdout %.40q…, stderr:\n%s", code, out, errOut)
	}
}
