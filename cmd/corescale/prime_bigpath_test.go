package main

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/corescale/corescale/internal/primecases"
)

// bigMixPath holds mixed 64-bit and big numbers, every GPU size class and
// the hard cases (go test -run BigMix -update rewrites it from bigMix);
// gpu/fakecuda's tests and check.sh read it too.
const bigMixPath = "testdata/bigmix.txt"

func pow2(e int) *big.Int { return new(big.Int).Lsh(big.NewInt(1), uint(e)) }

// bigMix returns the lines of bigMixPath: numbers below 2^64 between
// numbers of 65 to 4096 bits (both ends of each of the GPU's size classes
// 128, 192, 256, 384, 512, 1024, 2048 and 4096 bits, Mersenne primes and
// composites, k·2^m±1, Chernick's Carmichael numbers (6k+1)(12k+1)(18k+1),
// Arnault's strong pseudoprimes to many bases, squares and products of
// primes, random odd numbers) and a few over 4096 bits, which math/big
// tests.
func bigMix() []string {
	var lines []string
	r := rand.New(rand.NewPCG(16, 2026))
	small := func() {
		// A 64-bit number between big ones keeps the 64-bit engine's
		// blocks and the big engine's batches interleaved.
		lines = append(lines, fmt.Sprint(r.Uint64()>>r.IntN(64)))
	}
	add := func(n *big.Int) {
		lines = append(lines, n.String())
		small()
	}
	one := big.NewInt(1)
	randomBits := func(bits int) *big.Int {
		n := new(big.Int)
		for n.BitLen() < bits {
			n.Lsh(n, 32).Or(n, big.NewInt(int64(r.Uint32())))
		}
		n.Rsh(n, uint(n.BitLen()-bits))
		n.SetBit(n, bits-1, 1)
		return n.SetBit(n, 0, 1)
	}
	randomPrime := func(bits int) *big.Int {
		for {
			if p := randomBits(bits); p.ProbablyPrime(20) {
				return p
			}
		}
	}
	lines = append(lines, "18446744073709551615", "18446744073709551616", "18446744073709551557")
	prev := 64
	for _, b := range []int{128, 192, 256, 384, 512, 1024, 2048, 4096} {
		for _, j := range []int64{1, 3, 13, 59} {
			add(new(big.Int).Add(pow2(prev), big.NewInt(j)))
			add(new(big.Int).Sub(pow2(b), big.NewInt(j)))
		}
		add(randomBits(b))
		add(randomBits(prev + 1 + r.IntN(b-prev)))
		prev = b
	}
	for _, p := range []int{67, 89, 107, 127, 521, 607, 1279, 2203, 2281, 3217, 4093} {
		add(new(big.Int).Sub(pow2(p), one)) // primes but 67 and 4093
	}
	for _, m := range []int{64, 127, 255, 511, 1023} {
		for _, k := range []int64{3, 5, 15, 27} {
			km := new(big.Int).Mul(big.NewInt(k), pow2(m))
			add(new(big.Int).Add(km, one))
			add(new(big.Int).Sub(km, one))
		}
	}
	for _, kbits := range []int{22, 48, 100} {
		for _, c := range primecases.Chernick(kbits, 2) {
			add(c.N)
		}
	}
	for _, bits := range []int{66, 130, 256, 512, 1024, 2048} {
		p := randomPrime(bits / 2)
		add(new(big.Int).Mul(p, p))
		add(new(big.Int).Mul(p, randomPrime(bits/2)))
	}
	for range 4 {
		add(randomPrime(128))
		add(randomPrime(256))
	}
	// Strong pseudoprimes to every prime base to 31, 61 and 101, which
	// only the Lucas test rejects.
	ra := rand.New(rand.NewPCG(1995, 30))
	for _, bound := range []int64{31, 61, 101} {
		n, _, err := primecases.Arnault(ra, bound)
		if err != nil {
			panic(err)
		}
		add(n)
	}
	// Over 4096 bits: math/big on every backend.
	add(new(big.Int).Add(pow2(4096), one))
	add(new(big.Int).Sub(pow2(4423), one))
	return lines
}

// TestBigMix: testdata/bigmix.txt is what bigMix makes.
func TestBigMix(t *testing.T) {
	want := strings.Join(bigMix(), "\n") + "\n"
	if *update {
		if err := os.WriteFile(bigMixPath, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(bigMixPath)
	if err != nil || string(got) != want {
		t.Fatalf("%s is not what bigMix makes (%v): go test -run BigMix -update", bigMixPath, err)
	}
}

// TestBigOnGPUAgrees: on gpu-emu the numbers of 2^64 to 4096 bits go to
// the GPU big-number engine, and every source prints what serial prints,
// byte for byte.
func TestBigOnGPUAgrees(t *testing.T) {
	lines := bigMix()
	cases := [][]string{
		{"--input", bigMixPath, "--print", "all"},
		{"--input", bigMixPath, "--print", "primes", "--format", "csv"},
		{"--input", bigMixPath, "--print", "all", "--format", "json"},
		{"--input", bigMixPath, "--print", "count"},
		append([]string{"--print", "all"}, lines[:40]...),
		{"--random", "200", "--bits", "128", "--seed", "7", "--print", "all"},
		{"--random", "100", "--bits", "256", "--seed", "8", "--print", "all"},
		{"--random", "40", "--bits", "1000", "--seed", "9", "--print", "primes"},
		{"--from", "1267650600228229401496703205376", "--to", "1267650600228229401496703207376", "--print", "all"},
		{"--from", "1267650600228229401496703205376", "--to", "1267650600228229401496703207376", "--print", "primes", "--range-method", "test"},
		{"--from", "18446744073709550615", "--to", "18446744073709552615", "--print", "primes"},
	}
	for _, args := range cases {
		args = append([]string{"prime"}, args...)
		name := strings.Join(args, " ")
		if len(name) > 120 {
			name = name[:120] + "…"
		}
		want, errOut, code := runCLI("", append(args, "--backend", "serial")...)
		if code != 0 {
			t.Fatalf("%s serial: exit %d: %s", name, code, errOut)
		}
		got, errOut, code := runCLI("", append(args, "--backend", "gpu-emu", "--verbose")...)
		if code != 0 || got != want {
			t.Errorf("%s gpu-emu: exit %d %s\n%.300s\nwant:\n%.300s", name, code, errOut, got, want)
		}
		if !strings.Contains(errOut, "the GPU big-number engine started") {
			t.Errorf("%s gpu-emu: the big numbers did not go to the GPU:\n%s", name, errOut)
		}
	}
	// stdin
	in := strings.Join(lines, "\n")
	want, _, _ := runCLI(in, "prime", "--input", "-", "--print", "all", "--backend", "serial")
	got, errOut, code := runCLI(in, "prime", "--input", "-", "--print", "all", "--backend", "gpu-emu")
	if code != 0 || got != want {
		t.Errorf("stdin gpu-emu: exit %d %s", code, errOut)
	}
}

// TestBigEngineLazy: a run of numbers below 2^64 on a GPU never starts
// the big-number engine (nor loads its module); --verbose says where big
// numbers would go.
func TestBigEngineLazy(t *testing.T) {
	in := filepath.Join(t.TempDir(), "small.txt")
	if err := os.WriteFile(in, []byte("1\n2\n18446744073709551557\n18446744073709551615\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, errOut, code := runCLI("", "prime", "--input", in, "--backend", "gpu-emu", "--verbose")
	if code != 0 || strings.Contains(errOut, "big-number engine started") || !strings.Contains(errOut, "numbers of 2^64 to 4096 bits go to the GPU big-number engine") {
		t.Errorf("exit %d, stderr:\n%s", code, errOut)
	}
	_, errOut, code = runCLI("", "prime", "--input", in, "--backend", "serial", "--verbose")
	if code != 0 || strings.Contains(errOut, "GPU") {
		t.Errorf("serial: exit %d, stderr:\n%s", code, errOut)
	}
}
