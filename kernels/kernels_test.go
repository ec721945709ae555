package kernels

import (
	"fmt"
	"regexp"
	"slices"
	"testing"
)

// TestSignatures checks every kernel's Go-side parameter list — count,
// sizes, order — against the .entry signature in the committed PTX, so an
// argument list that drifts from the kernel fails here rather than on a
// GPU; and that every .entry of every module is in All, so a new kernel
// cannot be launched by name before it is declared.
func TestSignatures(t *testing.T) {
	found := map[string][]int{}
	for _, ptx := range []string{PrimePTX, ResizePTX, SievePTX, BigPrimePTX} {
		entries, err := Entries(ptx)
		if err != nil {
			t.Fatal(err)
		}
		for name, params := range entries {
			if _, twice := found[name]; twice {
				t.Errorf("%s: an .entry of two modules", name)
			}
			found[name] = params
		}
	}
	declared := map[string]bool{}
	for _, k := range All {
		declared[k.Name] = true
		got, ok := found[k.Name]
		if !ok {
			t.Errorf("%s: no .entry in any module", k.Name)
			continue
		}
		if !slices.Equal(got, k.Params) {
			t.Errorf("%s: PTX parameters %v, Go side %v", k.Name, got, k.Params)
		}
	}
	for name := range found {
		if !declared[name] {
			t.Errorf("%s: an .entry that kernels.All does not list", name)
		}
	}
}

func TestEntriesParse(t *testing.T) {
	ptx := `
.visible .entry k(
	.param .u64 k_param_0,
	.param .u32 k_param_1,
	.param .f32 k_param_2
)
.visible .entry empty(
)`
	e, err := Entries(ptx)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(e["k"], []int{8, 4, 4}) || len(e["empty"]) != 0 || len(e) != 2 {
		t.Errorf("parsed %v", e)
	}
	if _, err := Entries(".entry bad(\n.param .u128 x\n)"); err == nil {
		t.Error("unknown type: no error")
	}
}

func TestPTXVersion(t *testing.T) {
	for _, c := range []struct {
		ptx          string
		major, minor int
		ok           bool
	}{
		{"//\n// Based on NVVM 7.0.1\n//\n\n.version 6.0\n.target sm_70\n", 6, 0, true},
		{".version 7.8\n", 7, 8, true},
		{"\t.version  12.10 \n", 12, 10, true},
		{"// .version 5.0 in a comment\n.target sm_70\n", 0, 0, false},
		{".version 99999999999999999999.0\n", 0, 0, false},
		{"", 0, 0, false},
	} {
		major, minor, err := PTXVersion(c.ptx)
		if (err == nil) != c.ok || major != c.major || minor != c.minor {
			t.Errorf("%q: %d.%d, %v", c.ptx, major, minor, err)
		}
	}
}

// TestPTXDeclaresLowestISA: the committed PTX declares the lowest PTX ISA
// its .target admits (nvcc writes its own, 7.8 for CUDA 11.8, which only
// drivers from 520 on load; make ptx lowers it, and ptxas in make
// ptx-check refuses an instruction the declared ISA lacks).
func TestPTXDeclaresLowestISA(t *testing.T) {
	// The first PTX ISA of each target (PTX ISA manual, "PTX ISA
	// Version" notes).
	lowest := map[string]string{"sm_70": "6.0", "sm_75": "6.3", "sm_80": "7.0", "sm_86": "7.1", "sm_89": "7.8", "sm_90": "7.8"}
	targetRE := regexp.MustCompile(`(?m)^\.target\s+(\w+)`)
	for name, ptx := range map[string]string{"prime.ptx": PrimePTX, "resize.ptx": ResizePTX, "bigprime.ptx": BigPrimePTX} {
		major, minor, err := PTXVersion(ptx)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		m := targetRE.FindStringSubmatch(ptx)
		if m == nil {
			t.Fatalf("%s: no .target", name)
		}
		want, ok := lowest[m[1]]
		if !ok {
			t.Fatalf("%s: target %s is not in the test's table", name, m[1])
		}
		if got := fmt.Sprintf("%d.%d", major, minor); got != want {
			t.Errorf("%s: .version %s for .target %s, whose lowest is %s: run make ptx", name, got, m[1], want)
		}
	}
}
