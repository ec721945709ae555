package kernels

import (
	"slices"
	"testing"
)

// TestSignatures checks each kernel's Go-side parameter list — count, sizes,
// order — against the .entry signature in the committed PTX, so an argument
// list that drifts from the kernel fails here rather than on a GPU.
func TestSignatures(t *testing.T) {
	for _, c := range []struct {
		ptx string
		k   Kernel
	}{
		{PrimePTX, IsPrimeU64},
		{ResizePTX, ResizeH},
		{ResizePTX, ResizeV},
	} {
		entries, err := Entries(c.ptx)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := entries[c.k.Name]
		if !ok {
			t.Fatalf("%s: no .entry in the PTX (entries: %v)", c.k.Name, entries)
		}
		if !slices.Equal(got, c.k.Params) {
			t.Errorf("%s: PTX parameters %v, Go side %v", c.k.Name, got, c.k.Params)
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
