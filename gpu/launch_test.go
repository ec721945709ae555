package gpu

import (
	"strings"
	"testing"
)

func TestCheckLaunch(t *testing.T) {
	for _, c := range []struct {
		grid, block Dim3
		want        string // in the error; "" for none
	}{
		{Dim3{MaxGridX, MaxGridYZ, MaxGridYZ}, Dim3{1024, 1, 1}, ""},
		{Dim3{1, 1, 1}, Dim3{16, 16, 4}, ""},
		{Dim3{1 << 31, 1, 1}, Dim3{1, 1, 1}, "grid limits"},
		{Dim3{1, 65536, 1}, Dim3{1, 1, 1}, "grid limits"},
		{Dim3{1, 1, 65536}, Dim3{1, 1, 1}, "grid limits"},
		{Dim3{1, 1, 1}, Dim3{1025, 1, 1}, "block limits"},
		{Dim3{1, 1, 1}, Dim3{1, 1, 65}, "block limits"},
		{Dim3{1, 1, 1}, Dim3{64, 32, 1}, "block limits"}, // 2,048 threads
		{Dim3{0, 1, 1}, Dim3{1, 1, 1}, "empty"},
		{Dim3{1, 1, 1}, Dim3{1, 0, 1}, "empty"},
	} {
		err := CheckLaunch(c.grid, c.block)
		if (err == nil) != (c.want == "") || err != nil && !strings.Contains(err.Error(), c.want) {
			t.Errorf("grid %v, block %v: %v, want %q", c.grid, c.block, err, c.want)
		}
	}
}

func TestGridFor(t *testing.T) {
	for _, c := range []struct {
		n, per int
		limit  uint32
		want   uint32
	}{
		{1, 4, MaxGridYZ, 1},
		{0, 4, MaxGridYZ, 1},
		{262_140, 4, MaxGridYZ, 65535},
		{262_141, 4, MaxGridYZ, 65535},
		{1 << 20, 2, MaxGridYZ, 65535},
		{1 << 22, 128, MaxGridX, 1 << 15},
	} {
		if got := gridFor(c.n, c.per, c.limit); got != c.want {
			t.Errorf("gridFor(%d, %d, %d) = %d, want %d", c.n, c.per, c.limit, got, c.want)
		}
	}
}
