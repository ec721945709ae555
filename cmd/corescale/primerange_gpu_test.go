package main

import (
	"strings"
	"testing"

	"github.com/corescale/corescale/gpu"
)

// TestGPURangeAgrees: --backend gpu-emu sieves a range on the (emulated)
// device and prints what --backend serial prints, byte for byte, in every
// mode and format, with segments and chunks small enough that the ranges
// take several of each; across 2^64 the rest goes to the CPU.
func TestGPURangeAgrees(t *testing.T) {
	gpuSieveOptions = &gpu.SieveOptions{SegmentWords: 16, ChunkSegments: 3}
	defer func() { gpuSieveOptions = nil }()
	ranges := [][2]string{
		{"0", "0"}, {"0", "2"}, {"2", "2"}, {"0", "3000"}, {"1009", "100489"}, // ends at 317², 33 chunks
		{"999999999989", "1000000003000"},                // starts on a prime, at 10^12
		{"999999999999999000", "1000000000000001000"},    // 10^18, the hybrid
		{"18446744073709551557", "18446744073709551615"}, // ends at 2^64−1
		{"18446744073709550615", "18446744073709551715"}, // across 2^64
	}
	for _, rg := range ranges {
		for _, print := range []string{"primes", "all", "count"} {
			for _, format := range []string{"text", "csv", "json"} {
				args := []string{"prime", "--from", rg[0], "--to", rg[1], "--print", print, "--format", format}
				want, errOut, code := runCLI("", append(args, "--backend", "serial")...)
				if code != 0 {
					t.Fatalf("%v serial: exit %d: %s", args, code, errOut)
				}
				got, errOut, code := runCLI("", append(args, "--backend", "gpu-emu", "--verbose")...)
				if !strings.Contains(errOut, " on the GPU: GPU ") {
					t.Errorf("%v gpu-emu: not sieved on the GPU:\n%s", args, errOut)
				}
				if code != 0 || got != want {
					t.Errorf("%v gpu-emu: exit %d %s\n%.300s\nwant:\n%.300s", args, code, errOut, got, want)
				}
			}
		}
	}
}

// TestGPURangeVerbose: --verbose says the range is sieved on the GPU, and
// how, and that the numbers above 2^64 are sieved on the CPU and their
// survivors tested on the GPU.
func TestGPURangeVerbose(t *testing.T) {
	_, errOut, code := runCLI("", "prime", "--from", "1000000", "--to", "2000000", "--print", "count", "--backend", "gpu-emu", "--verbose")
	if code != 0 || !strings.Contains(errOut, "1000000 to 2000000 on the GPU: GPU sieve by every prime up to the square root 1414") {
		t.Errorf("exit %d, stderr:\n%s", code, errOut)
	}
	_, errOut, code = runCLI("", "prime", "--from", "18446744073709551000", "--to", "18446744073709552000", "--print", "count", "--backend", "gpu-emu", "--verbose")
	if code != 0 || !strings.Contains(errOut, "on the GPU: GPU hybrid") || !strings.Contains(errOut, "2^64 and above are sieved on the CPU") || !strings.Contains(errOut, "GPU big-number engine started") {
		t.Errorf("exit %d, stderr:\n%s", code, errOut)
	}
	// --range-method test keeps the per-number path.
	_, errOut, _ = runCLI("", "prime", "--from", "1", "--to", "100", "--print", "count", "--backend", "gpu-emu", "--verbose", "--range-method", "test")
	if strings.Contains(errOut, "on the GPU") {
		t.Errorf("--range-method test sieved on the GPU:\n%s", errOut)
	}
}
