package emu

import (
	"encoding/binary"
	"math/big"
	"testing"
	"unsafe"

	"github.com/corescale/corescale/cpu/prime"
	"github.com/corescale/corescale/internal/numbers"
	"github.com/corescale/corescale/kernels"
)

// TestPrimeKernel runs kernels/prime.cu's is_prime_u64 through the
// emulator — device buffers, explicit copies, the driver's argument list, a
// grid with a ragged last block — and compares every verdict with the CPU
// engine, on random odd 64-bit numbers, numbers near 2^64, small numbers
// and base-2 strong pseudoprimes.
func TestPrimeKernel(t *testing.T) {
	ns := numbers.Odd64(20000, 9)
	for i := uint64(0); i < 3000; i++ {
		ns = append(ns, i, ^uint64(0)-i)
	}
	ns = append(ns, 2047, 3215031751, 3825123056546413051, 1194649, 12327121, 4294967297)
	want := make([]bool, len(ns))
	prime.Serial{}.TestPrimes(ns, want)

	mem := newDeviceMemory()
	in, err := mem.Alloc(8 * len(ns))
	if err != nil {
		t.Fatal(err)
	}
	defer mem.Free(in)
	out, err := mem.Alloc(len(ns))
	if err != nil {
		t.Fatal(err)
	}
	defer mem.Free(out)
	if err := mem.CopyToDevice(in, unsafe.Slice((*byte)(unsafe.Pointer(&ns[0])), 8*len(ns))); err != nil {
		t.Fatal(err)
	}
	count := uint32(len(ns))
	const block = 256
	grid := (count + block - 1) / block
	if err := launch("is_prime_u64", [3]uint32{grid, 1, 1}, [3]uint32{block, 1, 1}, []unsafe.Pointer{unsafe.Pointer(&in), unsafe.Pointer(&out), unsafe.Pointer(&count)}); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, len(ns))
	if err := mem.CopyToHost(got, out); err != nil {
		t.Fatal(err)
	}
	for i, n := range ns {
		if (got[i] == 1) != want[i] {
			t.Fatalf("%d: kernel says %d, CPU engine %v (math/big %v)", n, got[i], want[i], new(big.Int).SetUint64(n).ProbablyPrime(0))
		}
	}
}

func TestMemoryChecks(t *testing.T) {
	mem := newDeviceMemory()
	p, _ := mem.Alloc(16)
	defer mem.Free(p)
	if err := mem.CopyToDevice(p, make([]byte, 17)); err == nil {
		t.Error("copy of 17 bytes into 16: no error")
	}
	if err := mem.CopyToHost(make([]byte, 8), p+12); err == nil {
		t.Error("copy past the end: no error")
	}
	if err := mem.Free(p + 1); err == nil {
		t.Error("free of an address inside a block: no error")
	}
	if err := launch("is_prime_u64", [3]uint32{1, 1, 1}, [3]uint32{1, 1, 1}, nil); err == nil {
		t.Error("launch with no arguments: no error")
	}
	if err := launch("no_such_kernel", [3]uint32{1, 1, 1}, [3]uint32{1, 1, 1}, nil); err == nil {
		t.Error("launch of an unknown kernel: no error")
	}
}

// TestArgumentCounts: the emulator's trampolines unpack as many arguments
// as the kernels declare (and kernels' own test ties those to the PTX).
func TestArgumentCounts(t *testing.T) {
	for _, k := range kernels.All {
		args := make([]unsafe.Pointer, len(k.Params)+1)
		if err := launch(k.Name, [3]uint32{0, 1, 1}, [3]uint32{1, 1, 1}, args); err == nil {
			t.Errorf("%s: %d arguments accepted, the kernel declares %d", k.Name, len(args), len(k.Params))
		}
		if err := launch(k.Name, [3]uint32{0, 1, 1}, [3]uint32{1, 1, 1}, args[:len(k.Params)]); err != nil {
			t.Errorf("%s: %v", k.Name, err)
		}
	}
}

// TestBlockReduction runs sieve.cu's sum_u8, a tree reduction in shared
// memory between __syncthreads, over many blocks that add their sums to
// one global counter: wrong unless the barrier holds every thread of a
// block until all have written their part, shared memory is the block's
// own, and the atomic adds of blocks running in parallel are atomic.
func TestBlockReduction(t *testing.T) {
	for _, c := range []struct{ n, grid, block int }{{100000, 37, 256}, {5000, 3, 1024}, {1, 1, 32}, {70000, 200, 64}} {
		v := make([]byte, c.n)
		var want uint64
		for i := range v {
			v[i] = byte(i*7919 + i>>8)
			want += uint64(v[i])
		}
		mem := newDeviceMemory()
		in, _ := mem.Alloc(len(v))
		total, _ := mem.Alloc(8)
		if err := mem.CopyToDevice(in, v); err != nil {
			t.Fatal(err)
		}
		if err := mem.CopyToDevice(total, make([]byte, 8)); err != nil {
			t.Fatal(err)
		}
		n := uint32(c.n)
		if err := launch("sum_u8", [3]uint32{uint32(c.grid), 1, 1}, [3]uint32{uint32(c.block), 1, 1}, []unsafe.Pointer{unsafe.Pointer(&in), unsafe.Pointer(&n), unsafe.Pointer(&total)}); err != nil {
			t.Fatal(err)
		}
		got := make([]byte, 8)
		if err := mem.CopyToHost(got, total); err != nil {
			t.Fatal(err)
		}
		if g := binary.LittleEndian.Uint64(got); g != want {
			t.Errorf("%d bytes on %d blocks of %d: sum_u8 says %d, want %d", c.n, c.grid, c.block, g, want)
		}
		mem.Free(in)
		mem.Free(total)
	}
}
