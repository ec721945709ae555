package main

import (
	"math/big"
	"strings"
	"testing"

	"github.com/corescale/corescale/cpu/sieve"
	"github.com/corescale/corescale/internal/backend"
)

// Every range method prints what the per-number path prints, byte for
// byte, in every mode and format, on ranges at 0, at sieve task edges, at
// 10^12, up to and across 2^64.
func TestRangeMethodsAgree(t *testing.T) {
	ranges := [][2]string{
		{"0", "0"}, {"0", "1"}, {"2", "2"}, {"0", "200"}, {"7", "59"}, {"60", "61"},
		{"999000", "1001000"},
		{"31457000", "31458000"}, // 30 * 2^20, where the sieve's first area ends
		{"1000000000000", "1000000003000"},
		{"999999999989", "1000000000039"}, // ends on primes
		{"18446744073709551557", "18446744073709551615"},
		{"18446744073709551515", "18446744073709551715"}, // across 2^64
		{"0x10000000000000000", "0x10000000000000040"},   // above 2^64
		{"1" + strings.Repeat("0", 40), "1" + strings.Repeat("0", 37) + "700"},
	}
	for _, rg := range ranges {
		for _, print := range []string{"primes", "all", "count"} {
			for _, format := range []string{"text", "csv", "json"} {
				args := []string{"prime", "--from", rg[0], "--to", rg[1], "--print", print, "--format", format}
				want, errOut, code := runCLI("", append(args, "--range-method", "test")...)
				if code != 0 {
					t.Fatalf("%v test: exit %d: %s", args, code, errOut)
				}
				methods := []string{"auto", "sieve", "hybrid"}
				if len(rg[0]) > 15 {
					// The sieve generates the primes to 2^32 for these:
					// cpu/sieve's own tests cover it.
					methods = []string{"auto", "hybrid"}
				}
				for _, m := range methods {
					for _, w := range []string{"1", "2"} {
						got, errOut, code := runCLI("", append(args, "--range-method", m, "--workers", w)...)
						if code != 0 || got != want {
							t.Errorf("%v --range-method %s --workers %s: exit %d %s\n%.300s\nwant:\n%.300s", args, m, w, code, errOut, got, want)
						}
					}
				}
			}
		}
	}
}

func TestRangeMethodFlag(t *testing.T) {
	_, errOut, code := runCLI("", "prime", "--from", "1", "--to", "10", "--range-method", "magic")
	if code != 2 || !strings.Contains(errOut, `--range-method: unknown range method "magic"`) {
		t.Errorf("bad --range-method: exit %d, %q", code, errOut)
	}
	for m, why := range map[string]string{
		"auto":   "sieve: the primes up to the square root",
		"sieve":  "sieve asked for",
		"hybrid": "hybrid asked for",
	} {
		out, errOut, code := runCLI("", "prime", "--from", "100", "--to", "200", "--print", "count", "--verbose", "--range-method", m, "--workers", "2")
		if code != 0 || out != "21\n" || !strings.Contains(errOut, "100 to 200 on 2 workers: "+why) {
			t.Errorf("--range-method %s: exit %d, %q, stderr %q; want 21 and %q", m, code, out, errOut, why)
		}
	}
	// The serial path sieves on one goroutine.
	_, errOut, _ = runCLI("", "prime", "--from", "100", "--to", "200", "--verbose", "--backend", "serial", "--workers", "2")
	if !strings.Contains(errOut, "100 to 200 on 1 worker: ") {
		t.Errorf("--backend serial: stderr %q, want the sieve on 1 worker", errOut)
	}
	// High up, a short range goes to the hybrid.
	_, errOut, _ = runCLI("", "prime", "--from", "1000000000000000000", "--to", "1000000000000100000", "--print", "count", "--verbose")
	if !strings.Contains(errOut, "hybrid: the square root") {
		t.Errorf("short range at 10^18: stderr %q, want the hybrid", errOut)
	}
}

// A long range below 2^64 is sieved on the CPU whatever auto chooses, so
// auto does not wake a GPU for it (cuInit cost 13 ms of a 0.2 s count on a
// machine whose driver finds none); above 2^64, or tested number by
// number, the range's numbers still count.
func TestRangeDoesNotProbe(t *testing.T) {
	t.Setenv("CORESCALE_CUDA_LIBRARY", "/nonexistent/libcuda.so.1")
	for _, tc := range []struct {
		from, to, method string
		probe            bool
	}{
		{"1000000000000", "1000002000000", "auto", false},
		{"1000000000000", "1000002000000", "hybrid", false},
		{"1000000000000", "1000002000000", "test", true},
		{"18446744073707551615", "18446744073709551616", "auto", true},
	} {
		_, errOut, code := runCLI("", "prime", "--from", tc.from, "--to", tc.to, "--print", "count", "--verbose", "--workers", "1", "--range-method", tc.method)
		probed := strings.Contains(errOut, "/nonexistent/libcuda.so.1")
		if code != 0 || probed != tc.probe {
			t.Errorf("%s to %s, %s: exit %d, probed %v, want %v:\n%s", tc.from, tc.to, tc.method, code, probed, tc.probe, errOut)
		}
	}
}

// TestRangeJob: a sieved range wakes a GPU only when it is long enough to
// keep the cores busy for seconds; a range tested number by number, or one
// above 2^64, counts every number.
func TestRangeJob(t *testing.T) {
	num := func(s string) *big.Int {
		z, ok := new(big.Int).SetString(s, 10)
		if !ok {
			t.Fatalf("bad number %q", s)
		}
		return z
	}
	for _, tc := range []struct {
		from, to string
		method   sieve.Method
		worthGPU bool
	}{
		{"1000000000000", "1001000000000", sieve.Auto, false},
		{"0", "100000000000", sieve.Auto, true},
		{"0", "100000000000", sieve.Hybrid, true},
		{"1000000000000", "1000002000000", sieve.Test, true},
		{"18446744073707551615", "18446744073709551616", sieve.Auto, true},
		{"0", "18446744073709551615", sieve.Auto, true},
	} {
		job := rangeJob(num(tc.from), num(tc.to), tc.method)
		if worth := backend.Worth(job); worth != tc.worthGPU {
			t.Errorf("%s to %s, %s: %+v, worth a GPU %v, want %v", tc.from, tc.to, tc.method, job, worth, tc.worthGPU)
		}
	}
}
