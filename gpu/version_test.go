package gpu

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestReleaseForISA(t *testing.T) {
	for _, c := range []struct {
		major, minor int
		cuda         int
		driver       string
	}{
		{5, 0, 9000, "384.81"}, // older than any driver in the table reads it
		{6, 0, 9000, "384.81"},
		{6, 5, 10020, "440.33"},
		{7, 0, 11000, "450.36.06"},
		{7, 8, 11080, "520.61.05"},
		{8, 0, 12000, "525.60.13"},
		{8, 4, 12040, "550.54.14"},
	} {
		r, err := releaseForISA(c.major, c.minor)
		if err != nil || r.cuda != c.cuda || r.driver != c.driver {
			t.Errorf("ISA %d.%d: %+v, %v; want CUDA %d, driver %s", c.major, c.minor, r, err, c.cuda, c.driver)
		}
	}
	if r, err := releaseForISA(99, 0); err == nil {
		t.Errorf("ISA 99.0: %+v, no error", r)
	}
	for i := 1; i < len(cudaReleases); i++ {
		a, b := cudaReleases[i-1], cudaReleases[i]
		if a.cuda >= b.cuda || a.isa[0] > b.isa[0] || a.isa[0] == b.isa[0] && a.isa[1] > b.isa[1] {
			t.Errorf("cudaReleases out of order at %+v, %+v", a, b)
		}
	}
}

// TestEmbeddedPTXNeed: the kernels' PTX needs CUDA 9.0's driver, 384 or
// newer, not the 520 of CUDA 11.8, whose nvcc made it.
func TestEmbeddedPTXNeed(t *testing.T) {
	need, err := embeddedPTXNeed()
	if err != nil {
		t.Fatal(err)
	}
	if need.isa != [2]int{6, 0} || need.release.cuda != 9000 {
		t.Errorf("the embedded PTX needs %+v, want ISA 6.0 and CUDA 9.0", need)
	}
	mixed, err := ptxNeedOf(".version 6.0\n", ".version 7.8\n", ".version 6.5\n")
	if err != nil || mixed.isa != [2]int{7, 8} || mixed.release.cuda != 11080 {
		t.Errorf("modules of ISA 6.0, 7.8, 6.5 need %+v, %v; want the newest", mixed, err)
	}
	if _, err := ptxNeedOf(".target sm_70\n"); err == nil {
		t.Error("PTX without .version: no error")
	}
}

func TestCheckDriverForPTX(t *testing.T) {
	need, _ := ptxNeedOf(".version 7.8\n")
	for _, ok := range []int{0, 11080, 11080 + 10, 12000} {
		if err := checkDriverForPTX(ok, need); err != nil {
			t.Errorf("driver %d: %v", ok, err)
		}
	}
	err := checkDriverForPTX(11040, need)
	if err == nil {
		t.Fatal("CUDA 11.4 driver for ISA 7.8: no error")
	}
	want := "the NVIDIA driver (CUDA 11.4) is too old for corescale's kernels: their PTX (ISA 7.8) needs a driver for CUDA 11.8 or newer, NVIDIA 520.61.05 or newer; update the driver"
	if err.Error() != want {
		t.Errorf("got  %q\nwant %q", err, want)
	}
}

func TestCUresult(t *testing.T) {
	for r, want := range map[CUresult]string{
		100:  "CUDA_ERROR_NO_DEVICE (100)",
		803:  "CUDA_ERROR_SYSTEM_DRIVER_MISMATCH (803)",
		999:  "CUDA_ERROR_UNKNOWN (999)",
		2:    "CUDA_ERROR_OUT_OF_MEMORY (2)",
		4242: "CUresult 4242",
	} {
		if got := r.Error(); got != want {
			t.Errorf("%d: %q, want %q", int(r), got, want)
		}
	}
	var r CUresult
	if err := fmt.Errorf("cuMemAlloc: %w", CUresult(2)); !errors.As(err, &r) || r != 2 {
		t.Errorf("a wrapped CUresult is not found by errors.As: %v", r)
	}
}

// TestCUresultTable checks the table against the enum of the cuda.h
// installed, where there is one: every code of the header is in the table
// under the header's name.
func TestCUresultTable(t *testing.T) {
	var header string
	for _, dir := range []string{os.Getenv("CUDA_PATH"), os.Getenv("CUDA_HOME"), "/usr/local/cuda", "/usr"} {
		if dir == "" {
			continue
		}
		if b, err := os.ReadFile(filepath.Join(dir, "include", "cuda.h")); err == nil {
			header = string(b)
			break
		}
	}
	if header == "" {
		t.Skip("no cuda.h installed (make cuda-toolkit)")
	}
	start := strings.Index(header, "typedef enum cudaError_enum")
	end := strings.Index(header[max(start, 0):], "} CUresult;")
	if start < 0 || end < 0 {
		t.Fatal("cuda.h has no enum cudaError_enum")
	}
	codes := regexp.MustCompile(`(?m)^\s*(CUDA_[A-Z0-9_]+)\s*=\s*(\d+)`).FindAllStringSubmatch(header[start:start+end], -1)
	if len(codes) < 50 {
		t.Fatalf("read only %d codes from cuda.h", len(codes))
	}
	for _, c := range codes {
		n, _ := strconv.Atoi(c[2])
		if got := CUresult(n).Name(); got != c[1] {
			t.Errorf("%d: the table says %q, cuda.h %s", n, got, c[1])
		}
	}
}

// fakeResult stands for gorgonia.org/cu's cuResult: an integer type whose
// text is a short name.
type fakeResult int

func (r fakeResult) Error() string { return "OutOfMemory" }

type causer struct{ cause error }

func (c causer) Error() string { return "wrapped: " + c.cause.Error() }
func (c causer) Cause() error  { return c.cause }

func TestCUresultIn(t *testing.T) {
	const pkg = "github.com/corescale/corescale/gpu"
	for _, err := range []error{
		fakeResult(2),
		fmt.Errorf("cuMemAlloc: %w", fakeResult(2)),
		causer{fakeResult(2)},
		fmt.Errorf("load: %w", causer{fakeResult(2)}),
	} {
		r, ok := CUresultIn(err, pkg)
		if !ok || r != 2 || r.Error() != "CUDA_ERROR_OUT_OF_MEMORY (2)" {
			t.Errorf("%v: %v, %v", err, r, ok)
		}
	}
	for _, err := range []error{nil, errors.New("x"), fakeResult(2)} {
		if r, ok := CUresultIn(err, "gorgonia.org/cu"); ok {
			t.Errorf("%v from another package: %v", err, r)
		}
	}
}
