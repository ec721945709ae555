package gpu_test

import (
	"bufio"
	"math/bits"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/corescale/corescale/cpu/prime"
	"github.com/corescale/corescale/gpu"
	"github.com/corescale/corescale/gpu/emu"
	"github.com/corescale/corescale/internal/numbers"
)

// listed reads the numbers of a cpu/prime/testdata list (first field of each
// line, # comments skipped), keeping those below 2^64.
func listed(t *testing.T, name string) []uint64 {
	t.Helper()
	f, err := os.Open("../cpu/prime/testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var ns []uint64
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line, _, _ := strings.Cut(sc.Text(), "#")
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		if n, err := strconv.ParseUint(fields[0], 10, 64); err == nil {
			ns = append(ns, n)
		}
	}
	if len(ns) == 0 {
		t.Fatalf("%s: no numbers", name)
	}
	return ns
}

// TestPrimeEngineEmulated runs the GPU engine — chunking, two streams,
// pinned buffers, argument lists, events — on the emulated driver with its
// device memory shrunk so the batch takes many chunks, and compares every
// verdict with the CPU engine's on the kinds of numbers the CPU tests use:
// random odd 64-bit numbers, the numbers just above 0, around 2^63 and just
// below 2^64, products and squares of primes near 2^32, k·2^m+1, strong
// pseudoprimes and Carmichael numbers.
func TestPrimeEngineEmulated(t *testing.T) {
	ns := numbers.Odd64(40000, 11)
	for i := uint64(0); i < 3000; i++ {
		ns = append(ns, i, ^uint64(0)-i, 1<<63+i, 1<<63-i)
	}
	for _, f := range []string{"spsp2_below_1e8.txt", "carmichael_below_1e8.txt", "spsp_large.txt"} {
		ns = append(ns, listed(t, f)...)
	}
	// Products and squares of primes near 2^32 (hard composites near
	// 2^64), and k·2^m+1, as the CPU engine's oracle test has.
	var near []uint64
	for p := uint64(1<<32 - 1); len(near) < 60; p -= 2 {
		if prime.IsPrime(p) {
			near = append(near, p)
		}
	}
	for i, p := range near {
		ns = append(ns, p*p)
		for _, q := range near[i+1:] {
			ns = append(ns, p*q)
		}
	}
	for k := uint64(1); k < 200; k += 2 {
		for m := 1; m < 64-bits.Len64(k); m++ {
			ns = append(ns, k<<m+1)
		}
	}
	want := make([]bool, len(ns))
	prime.Serial{}.TestPrimes(ns, want)

	e, err := gpu.NewPrimeEngine(&launchLimits{Driver: &emu.Driver{Memory: 64 << 10}, t: t}, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if e.Chunk() >= len(ns)/4 {
		t.Fatalf("chunk of %d numbers: the test means to force many chunks", e.Chunk())
	}
	got := make([]bool, len(ns))
	for range 2 { // a second batch reuses the buffers
		clear(got)
		if err := e.TestPrimes(ns, got); err != nil {
			t.Fatal(err)
		}
		for i, n := range ns {
			if got[i] != want[i] {
				t.Fatalf("%d: GPU engine (emulated) says %v, CPU %v", n, got[i], want[i])
			}
		}
	}
	if want := 2 * ((len(ns) + e.Chunk() - 1) / e.Chunk()); e.Timings.Chunks != want {
		t.Errorf("%d chunks timed, want %d", e.Timings.Chunks, want)
	}
	if e.Timings.Kernel <= 0 {
		t.Errorf("kernel time %v", e.Timings.Kernel)
	}
	// Odd sizes: empty, one number, one chunk exactly, one past it.
	for _, n := range []int{0, 1, e.Chunk(), e.Chunk() + 1} {
		out := make([]bool, n)
		if err := e.TestPrimes(ns[:n], out); err != nil {
			t.Fatal(err)
		}
		for i := range out {
			if out[i] != want[i] {
				t.Fatalf("batch of %d: %d wrong", n, ns[i])
			}
		}
	}
	if err := e.TestPrimes(ns[:10], make([]bool, 9)); err == nil {
		t.Error("short output: no error")
	}
}

func TestPrimeEngineTooLittleMemory(t *testing.T) {
	if _, err := gpu.NewPrimeEngine(&emu.Driver{Memory: 1024}, 0, 0); err == nil {
		t.Error("1 KiB of device memory: no error")
	}
	if _, err := gpu.NewPrimeEngine(&emu.Driver{}, 1, 0); err == nil {
		t.Error("device 1 of an emulator with one: no error")
	}
}
