//go:build cgo

package fakecuda

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/big"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/corescale/corescale/internal/primecases"
	"github.com/corescale/corescale/kernels"
)

// bigRun drives one size class of kernels/bigprime.cu through the fake
// driver as gpu/bigprime.go does: numbers in, the three passes with their
// survivor lists and counters on the device, verdicts out.
type bigRun struct {
	bits                            int
	trial, base2, lucas             function
	s                               stream
	in, out, zero                   pinned
	dIn, dOut, dSurv1, dSurv2, dCnt devPtr
	n                               int
}

func newBigRun(t *testing.T, bits, n int) *bigRun {
	t.Helper()
	m, err := loadModule(kernels.BigPrimePTX)
	if err != nil {
		t.Fatalf("load the big prime PTX: %v", err)
	}
	r := &bigRun{bits: bits, n: n}
	p := kernels.BigPrime(bits)
	for _, f := range []struct {
		fn *function
		k  kernels.Kernel
	}{{&r.trial, p.Trial}, {&r.base2, p.Base2}, {&r.lucas, p.Lucas}} {
		if *f.fn, err = m.function(f.k.Name); err != nil {
			t.Fatalf("%s: %v", f.k.Name, err)
		}
	}
	if r.s, err = streamCreate(); err != nil {
		t.Fatal(err)
	}
	for _, h := range []struct {
		p *pinned
		n int
	}{{&r.in, bits / 8 * n}, {&r.out, n}, {&r.zero, 8}} {
		if *h.p, err = memAllocHost(h.n); err != nil {
			t.Fatal(err)
		}
	}
	clear(r.zero.bytes())
	for _, d := range []struct {
		p *devPtr
		n int
	}{{&r.dIn, bits / 8 * n}, {&r.dOut, n}, {&r.dSurv1, 4 * n}, {&r.dSurv2, 4 * n}, {&r.dCnt, 8}} {
		if *d.p, err = memAlloc(d.n); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		r.s.synchronize()
		r.s.destroy()
		for _, p := range []devPtr{r.dIn, r.dOut, r.dSurv1, r.dSurv2, r.dCnt} {
			memFree(p)
		}
		for _, h := range []pinned{r.in, r.out, r.zero} {
			h.free()
		}
	})
	return r
}

func (r *bigRun) put(ns []*big.Int) {
	b := r.in.bytes()
	clear(b)
	for i, n := range ns {
		limbs := n.FillBytes(make([]byte, r.bits/8))
		for j := 0; j < r.bits/32; j++ {
			// FillBytes is big-endian; the kernel wants little-endian limbs.
			k := len(limbs) - 4*(j+1)
			binary.LittleEndian.PutUint32(b[(i*r.bits/32+j)*4:], binary.BigEndian.Uint32(limbs[k:]))
		}
	}
}

func p64(p devPtr) []byte { return u64(uint64(p)) }

// run queues the passes; lucasOnly skips trial division and the base-2
// test, handing every number to the Lucas pass (its survivor list set
// up by the host).
func (r *bigRun) run(t *testing.T, lucasOnly bool) []byte {
	t.Helper()
	grid, blk := dim3{uint32(r.n+127) / 128, 1, 1}, dim3{128, 1, 1}
	var steps []func() error
	steps = append(steps, func() error { return r.s.copyToDevice(r.dIn, r.in, 0, r.bits/8*r.n) })
	if lucasOnly {
		idx := make([]byte, 0, 4*r.n)
		for i := range r.n {
			idx = binary.LittleEndian.AppendUint32(idx, uint32(i))
		}
		steps = append(steps,
			func() error { return copyToDevice(r.dSurv2, idx) },
			func() error { return copyToDevice(r.dCnt, append(u32(0), u32(uint32(r.n))...)) },
			func() error {
				return r.lucas.launch(r.s, grid, blk, p64(r.dIn), p64(r.dSurv2), p64(r.dOut), p64(r.dCnt))
			})
	} else {
		steps = append(steps,
			func() error { return r.s.copyToDevice(r.dCnt, r.zero, 0, 8) },
			func() error {
				return r.trial.launch(r.s, grid, blk, p64(r.dIn), p64(r.dOut), u32(uint32(r.n)), p64(r.dSurv1), p64(r.dCnt))
			},
			func() error {
				return r.base2.launch(r.s, grid, blk, p64(r.dIn), p64(r.dSurv1), p64(r.dSurv2), p64(r.dCnt))
			},
			func() error {
				return r.lucas.launch(r.s, grid, blk, p64(r.dIn), p64(r.dSurv2), p64(r.dOut), p64(r.dCnt))
			})
	}
	steps = append(steps, func() error { return r.s.copyToHost(r.out, 0, r.dOut, r.n) }, r.s.synchronize)
	for _, step := range steps {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	return append([]byte(nil), r.out.bytes()...)
}

func oddOfBits(r *rand.Rand, bits int) *big.Int {
	n := new(big.Int)
	for n.BitLen() < bits {
		n.Lsh(n, 32).Or(n, big.NewInt(int64(r.Uint32())))
	}
	n.Rsh(n, uint(n.BitLen()-bits))
	n.SetBit(n, bits-1, 1)
	return n.SetBit(n, 0, 1)
}

// TestBigPrimeKernels runs each size class's passes, looked up by their
// .entry names and launched with the argument layout the fake checks
// against the PTX, on random numbers of the class, primes, composite
// Mersenne numbers of prime exponent (strong base-2 pseudoprimes that only
// the Lucas pass rejects), Chernick's Carmichael numbers and the class's
// ends, and compares the verdicts with math/big's ProbablyPrime(0).
func TestBigPrimeKernels(t *testing.T) {
	setup(t)
	mustInit(t)
	c := newContext(t)
	defer c.destroy()
	rng := rand.New(rand.NewPCG(7, 8))
	one := big.NewInt(1)
	prev := 64
	for _, bits := range kernels.BigPrimeClasses {
		if testing.Short() && bits > 1024 {
			break
		}
		// Not subtests: the context is current on this test's OS thread.
		func() {
			var ns []*big.Int
			for range 40 {
				ns = append(ns, oddOfBits(rng, bits), oddOfBits(rng, prev+1+rng.IntN(bits-prev)))
			}
			// Primes: a few, which math/big finds slowly at large sizes.
			for len(ns) < 80+min(4, 1024/bits*4) {
				if p := oddOfBits(rng, bits); p.ProbablyPrime(5) {
					ns = append(ns, p)
				}
			}
			for p, m := prev+1, 0; p <= bits && m < 12; p++ {
				if big.NewInt(int64(p)).ProbablyPrime(0) {
					m++
					ns = append(ns, new(big.Int).Sub(new(big.Int).Lsh(one, uint(p)), one))
				}
			}
			for j := int64(1); j < 20; j += 2 {
				ns = append(ns, new(big.Int).Add(new(big.Int).Lsh(one, uint(prev)), big.NewInt(j)),
					new(big.Int).Sub(new(big.Int).Lsh(one, uint(bits)), big.NewInt(j)))
			}
			// (6k+1)(12k+1)(18k+1) with all three prime, of about the
			// class's size (up to 384 bits: the search takes too long above).
			k := new(big.Int).Lsh(one, uint(max(22, (prev+1)/3-3)))
			for found := 0; found < 2 && bits <= 384; {
				k.Add(k, one)
				f := []*big.Int{new(big.Int).Mul(k, big.NewInt(6)), new(big.Int).Mul(k, big.NewInt(12)), new(big.Int).Mul(k, big.NewInt(18))}
				n := big.NewInt(1)
				ok := true
				for _, x := range f {
					x.Add(x, one)
					ok = ok && x.ProbablyPrime(5) // stops at the first composite
					n.Mul(n, x)
				}
				if ok && n.BitLen() > 64 && n.BitLen() <= bits {
					ns = append(ns, n)
					found++
				}
				if ok && n.BitLen() > bits {
					break
				}
			}
			r := newBigRun(t, bits, len(ns))
			r.put(ns)
			got := r.run(t, false)
			for i, n := range ns {
				want := byte(0)
				if n.ProbablyPrime(0) {
					want = 1
				}
				if got[i] != want {
					t.Errorf("class %d: %v (%d bits): verdict %d, math/big %d", bits, n, n.BitLen(), got[i], want)
				}
			}
		}()
		prev = bits
	}
}

// TestBigPrimeLucasSquares: a perfect square has no Lucas parameter P with
// (P²−4 / n) = −1; the Lucas pass, given squares directly, must give up and
// leave them to the host (verdict 2), not loop or call them prime.
func TestBigPrimeLucasSquares(t *testing.T) {
	setup(t)
	mustInit(t)
	c := newContext(t)
	defer c.destroy()
	rng := rand.New(rand.NewPCG(9, 10))
	var ns []*big.Int
	// Squares of primes: of composites, a small factor shared with
	// P²−4 could settle them first.
	for len(ns) < 4 {
		if p := oddOfBits(rng, 100); p.ProbablyPrime(5) {
			ns = append(ns, new(big.Int).Mul(p, p))
		}
	}
	r := newBigRun(t, 256, len(ns))
	r.put(ns)
	for i, v := range r.run(t, true) {
		if v != 2 {
			t.Errorf("square %v: Lucas verdict %d, want 2 (undecided)", ns[i], v)
		}
	}
}

// TestPluginBigPrime runs gpu.BigPrimeDevices through the real plugin
// (gorgonia.org/cu) on fakecuda, one device and two, from a small program
// (testdata/bigprimeplugin) built beside the plugin, on random numbers of
// every class below 2048 bits, primes, and primecases.Hard to 512 bits,
// and compares with math/big.
func TestPluginBigPrime(t *testing.T) {
	bin, lib := buildPlugin(t)
	prog := filepath.Join(filepath.Dir(bin), "bigprimeplugin")
	build := exec.Command("go", "build", "-o", prog, "./gpu/fakecuda/testdata/bigprimeplugin")
	build.Dir = "../.."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build bigprimeplugin: %v\n%s", err, out)
	}
	rng := rand.New(rand.NewPCG(11, 12))
	var ns []*big.Int
	prev := 64
	for _, bits := range kernels.BigPrimeClasses[:6] {
		for range 12 {
			ns = append(ns, oddOfBits(rng, bits), oddOfBits(rng, prev+1+rng.IntN(bits-prev)))
		}
		for found := 0; found < 2 && bits <= 512; {
			if p := oddOfBits(rng, bits); p.ProbablyPrime(5) {
				ns = append(ns, p)
				found++
			}
		}
		prev = bits
	}
	// The hard cases every engine's tests share, to 512 bits: Mersenne,
	// Fermat, Chernick, Arnault, ψ12, ψ13, squares, class ends.
	for _, c := range primecases.Hard(512, []int{64, 128, 192, 256, 384, 512}) {
		ns = append(ns, c.N)
	}
	var in, want strings.Builder
	for _, n := range ns {
		v := 0
		if n.ProbablyPrime(0) {
			v = 1
		}
		fmt.Fprintf(&in, "%s\n", n)
		fmt.Fprintf(&want, "%s %d\n", n, v)
	}
	for _, settings := range [][]string{{"FAKECUDA_MEMORY=1M"}, {"FAKECUDA_DEVICES=2", "FAKECUDA_MEMORY=1M,2M"}} {
		cmd := exec.Command(prog)
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, "FAKECUDA_") && !strings.HasPrefix(kv, "CORESCALE_") {
				cmd.Env = append(cmd.Env, kv)
			}
		}
		cmd.Env = append(cmd.Env, "CORESCALE_CUDA_LIBRARY="+lib, "FAKECUDA_QUIET=1", "FAKECUDA_STRICT=1")
		cmd.Env = append(cmd.Env, settings...)
		cmd.Stdin = strings.NewReader(in.String())
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("%v: %v\n%s", settings, err, stderr.String())
		}
		if stdout.String() != want.String() {
			t.Errorf("%v: verdicts through the plugin differ from math/big's", settings)
		}
	}
}
