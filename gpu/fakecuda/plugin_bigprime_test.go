//go:build cgo

package fakecuda

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// bigMix is the CLI's file of mixed 64-bit and big numbers: every GPU size
// class, Mersenne, k·2^m±1, Chernick, squares of primes, a few over 4096
// bits (cmd/corescale's TestBigMix keeps it).
const bigMix = "../../cmd/corescale/testdata/bigmix.txt"

// bigOnly writes bigMix's numbers of 2^64 and above to a file, so that a
// device's launches past the first few are the big-number engine's.
func bigOnly(t *testing.T) string {
	data, err := os.ReadFile(bigMix)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if len(line) > 20 {
			b.WriteString(line + "\n")
		}
	}
	path := filepath.Join(t.TempDir(), "big.txt")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestPluginBigCLI: prime --backend gpu sends the numbers of 65 to 4096
// bits to the GPU big-number engine through the real plugin, and prints
// what --backend serial prints, on one device and two, with a device lost
// mid-batch (its chunks finish on the other), for files, --random and a
// range above 2^64; a big engine that cannot start fails gpu (exit 1, the
// CUresult, no output file) and sends auto's big numbers to the CPU.
func TestPluginBigCLI(t *testing.T) {
	big := bigOnly(t)
	for _, c := range []struct {
		name     string
		settings []string
		args     []string
		stderr   string
	}{
		{"mixed, 1 device", []string{"FAKECUDA_MEMORY=1M", "FAKECUDA_STRICT=1"}, []string{"--input", bigMix}, ""},
		{"mixed, 2 devices", []string{"FAKECUDA_DEVICES=2", "FAKECUDA_MEMORY=1M,2M", "FAKECUDA_SMS=20,80"}, []string{"--input", bigMix}, ""},
		{"mixed, device 1", []string{"FAKECUDA_DEVICES=2"}, []string{"--input", bigMix, "--devices", "1"}, ""},
		{"mixed, eager streams", []string{"FAKECUDA_STREAMS=eager"}, []string{"--input", bigMix, "--format", "json"}, ""},
		// Device 1's first three launches test the file's 64-bit
		// placeholders; from its sixth, big numbers.
		{"device 1 lost mid-batch", []string{"FAKECUDA_DEVICES=2", "FAKECUDA_MEMORY=1M,1M", "FAKECUDA_LOSE_DEVICE=6@1"}, []string{"--input", big},
			"GPU 1 failed and is no longer used; the others test its big numbers"},
		{"device 1 lost before the big engine starts", []string{"FAKECUDA_DEVICES=2", "FAKECUDA_MEMORY=1M,1M", "FAKECUDA_LOSE_DEVICE=2@1"}, []string{"--input", big},
			"GPU 1 failed and is no longer used; the others test its numbers"},
		{"random 128", nil, []string{"--random", "300", "--bits", "128", "--seed", "3"}, ""},
		{"random 256", []string{"FAKECUDA_DEVICES=2"}, []string{"--random", "200", "--bits", "256", "--seed", "4"}, ""},
		{"random 1000", nil, []string{"--random", "60", "--bits", "1000", "--seed", "5"}, ""},
		{"range above 2^64", []string{"FAKECUDA_DEVICES=2"}, []string{"--from", "1267650600228229401496703205376", "--to", "1267650600228229401496703209376"}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"prime", "--print", "all"}, c.args...)
			want, stderr, code := runCLI(t, nil, append(args, "--backend", "serial")...)
			if code != 0 {
				t.Fatalf("serial: exit %d: %s", code, stderr)
			}
			got, stderr, code := runCLI(t, c.settings, append(args, "--backend", "gpu", "--verbose")...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if got != want {
				t.Errorf("the GPU's output differs from serial's")
			}
			if !strings.Contains(stderr, "the GPU big-number engine started") || !strings.Contains(stderr, c.stderr) {
				t.Errorf("stderr %q, want the big engine started and %q", stderr, c.stderr)
			}
		})
	}
	t.Run("gpu, big engine cannot start", func(t *testing.T) {
		// The range is above 2^64: no sieve and no 64-bit engine, so
		// the first allocation is the big engine's.
		out := filepath.Join(t.TempDir(), "out.txt")
		_, stderr, code := runCLI(t, []string{"FAKECUDA_FAIL_ALLOC=1"}, "prime", "--backend", "gpu", "--output", out,
			"--from", "1267650600228229401496703205376", "--to", "1267650600228229401496703206376")
		if code != 1 || !strings.Contains(stderr, "gpu big prime engine: ") || !strings.Contains(stderr, "CUDA_ERROR_OUT_OF_MEMORY") {
			t.Errorf("exit %d, stderr %q: want 1, the engine and the CUresult", code, stderr)
		}
		if _, err := os.Stat(out); err == nil {
			t.Error("an output file was left")
		}
	})
	t.Run("auto, big engine cannot start", func(t *testing.T) {
		// auto takes the GPU for a file of 2^20 numbers and more (the
		// lines of its first 64 KiB, scaled to its size).
		var b strings.Builder
		for i := range 1<<20 + 1000 {
			fmt.Fprintf(&b, "%d\n", i)
		}
		small := filepath.Join(t.TempDir(), "small.txt")
		if err := os.WriteFile(small, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(big)
		if err != nil {
			t.Fatal(err)
		}
		mixed := filepath.Join(t.TempDir(), "mixed.txt")
		if err := os.WriteFile(mixed, []byte(b.String()+string(data)), 0o644); err != nil {
			t.Fatal(err)
		}
		// The 64-bit engine's allocations, counted on the run without
		// big numbers: the next is the big engine's first.
		trace := filepath.Join(t.TempDir(), "trace.txt")
		_, stderr, code := runCLI(t, []string{"FAKECUDA_TRACE=" + trace}, "prime", "--backend", "auto", "--verbose", "--input", small, "--print", "count")
		text, err := os.ReadFile(trace)
		if code != 0 || err != nil || !strings.Contains(stderr, "auto chose the GPU") {
			t.Fatalf("64-bit run: exit %d, %v, stderr %q", code, err, stderr)
		}
		allocs := strings.Count(string(text), " fn=cuMemAlloc_v2 ")
		want, _, _ := runCLI(t, nil, "prime", "--backend", "serial", "--input", mixed, "--print", "primes")
		got, stderr, code := runCLI(t, []string{fmt.Sprintf("FAKECUDA_FAIL_ALLOC=%d", allocs+1)}, "prime", "--backend", "auto", "--verbose", "--input", mixed, "--print", "primes")
		if code != 0 || got != want {
			t.Errorf("exit %d, stderr %q; output the same as serial's: %v", code, stderr, got == want)
		}
		if !strings.Contains(stderr, "the GPU big-number engine failed to start") || !strings.Contains(stderr, "go to the CPU multi-precision engine") || !strings.Contains(stderr, "CUDA_ERROR_OUT_OF_MEMORY") {
			t.Errorf("stderr %q: want the fallback and why", stderr)
		}
	})
}
