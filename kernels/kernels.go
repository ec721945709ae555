package kernels

import (
	_ "embed"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// PrimePTX is the PTX of prime.cu.
//
//go:embed prime.ptx
var PrimePTX string

// ResizePTX is the PTX of resize.cu.
//
//go:embed resize.ptx
var ResizePTX string

// BigPrimePTX is the PTX of bigprime.cu.
//
//go:embed bigprime.ptx
var BigPrimePTX string

// SievePTX is the PTX of sieve.cu.
//
//go:embed sieve.ptx
var SievePTX string

// Kernel is a kernel's name and the sizes in bytes of its parameters, in
// order, as its argument list must be laid out for a launch.
type Kernel struct {
	Name   string
	Params []int
}

// IsPrimeU64 is prime.cu's is_prime_u64(const uint64_t *ns, uint8_t *out,
// uint32_t count).
var IsPrimeU64 = Kernel{Name: "is_prime_u64", Params: []int{8, 8, 4}}

// The staged prime passes (see prime.cu): PrimeTrialU64(ns, out, count,
// surv_n, surv_i, counts), PrimeTrialRange(first, out, count, surv_n,
// surv_i, counts), PrimeTrialRandom(state_hi, state_lo, bits, out, count,
// surv_n, surv_i, counts), PrimeBase2(in_n, in_i, surv_n, surv_i, counts) and
// PrimeLucas(in_n, in_i, out, counts).
var (
	PrimeTrialU64    = Kernel{Name: "prime_trial_u64", Params: []int{8, 8, 4, 8, 8, 8}}
	PrimeTrialRange  = Kernel{Name: "prime_trial_range", Params: []int{8, 8, 4, 8, 8, 8}}
	PrimeTrialRandom = Kernel{Name: "prime_trial_random", Params: []int{8, 8, 4, 8, 4, 8, 8, 8}}
	PrimeBase2       = Kernel{Name: "prime_base2", Params: []int{8, 8, 8, 8, 8}}
	PrimeLucas       = Kernel{Name: "prime_lucas", Params: []int{8, 8, 8, 8}}
)

// ResizeH is resize.cu's resize_h_u8(const uint8_t *src, uint32_t
// src_stride, uint8_t *dst, uint32_t dst_stride, uint32_t out_w, uint32_t
// rows, uint32_t ch, const int32_t *start, const int32_t *count, const
// int32_t *weights, uint32_t wstride).
var ResizeH = Kernel{Name: "resize_h_u8", Params: []int{8, 4, 8, 4, 4, 4, 4, 8, 8, 8, 4}}

// ResizeV is resize.cu's resize_v_u8(const uint8_t *src, uint32_t
// src_stride, uint8_t *dst, uint32_t dst_stride, uint32_t row_len, uint32_t
// y0, uint32_t out_rows, uint32_t first, const int32_t *start, const
// int32_t *count, const int32_t *weights, uint32_t wstride).
var ResizeV = Kernel{Name: "resize_v_u8", Params: []int{8, 4, 8, 4, 4, 4, 4, 4, 8, 8, 8, 4}}

// SieveSegments is sieve.cu's sieve_segments(uint64_t base, uint32_t
// first, uint32_t last, uint32_t seg_words, const uint32_t *primes,
// uint32_t nprimes, uint32_t *words, uint32_t *counts, unsigned long long
// *total).
var SieveSegments = Kernel{Name: "sieve_segments", Params: []int{8, 4, 4, 4, 8, 4, 8, 8, 8}}

// SieveScan is sieve.cu's sieve_scan(const uint32_t *counts, uint32_t
// *offsets, uint32_t n).
var SieveScan = Kernel{Name: "sieve_scan", Params: []int{8, 8, 4}}

// SieveCompact is sieve.cu's sieve_compact(uint64_t base, uint32_t
// seg_words, const uint32_t *words, const uint32_t *offsets, uint64_t *out).
var SieveCompact = Kernel{Name: "sieve_compact", Params: []int{8, 4, 8, 8, 8}}

// SumU8 is sieve.cu's sum_u8(const uint8_t *v, uint32_t n, unsigned long
// long *total).
var SumU8 = Kernel{Name: "sum_u8", Params: []int{8, 4, 8}}

// BigPrimeClasses are bigprime.cu's size classes in bits, smallest first:
// a number goes to the smallest class that holds it.
var BigPrimeClasses = []int{128, 192, 256, 384, 512, 1024, 2048, 4096}

// BigPrimePasses are the passes of bigprime.cu for one size class:
// bigprime_trial_BITS(ns, out, count, surv1, counts),
// bigprime_base2_BITS(ns, surv1, surv2, counts) and
// bigprime_lucas_BITS(ns, surv2, out, counts).
type BigPrimePasses struct {
	Trial, Base2, Lucas Kernel
}

// BigPrime returns the passes of the size class of bits bits (one of
// BigPrimeClasses).
func BigPrime(bits int) BigPrimePasses {
	return BigPrimePasses{
		Trial: Kernel{Name: fmt.Sprintf("bigprime_trial_%d", bits), Params: []int{8, 8, 4, 8, 8}},
		Base2: Kernel{Name: fmt.Sprintf("bigprime_base2_%d", bits), Params: []int{8, 8, 8, 8}},
		Lucas: Kernel{Name: fmt.Sprintf("bigprime_lucas_%d", bits), Params: []int{8, 8, 8, 8}},
	}
}

// All lists every kernel, for the drivers that look kernels up by name.
var All = append([]Kernel{IsPrimeU64, PrimeTrialU64, PrimeTrialRange, PrimeTrialRandom, PrimeBase2, PrimeLucas, ResizeH, ResizeV, SieveSegments, SieveScan, SieveCompact, SumU8}, bigPrimeKernels()...)

func bigPrimeKernels() []Kernel {
	var ks []Kernel
	for _, bits := range BigPrimeClasses {
		p := BigPrime(bits)
		ks = append(ks, p.Trial, p.Base2, p.Lucas)
	}
	return ks
}

// The PTX readers' expressions are compiled on first use: every run of
// corescale initialises this package, and few read PTX.
var (
	versionRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?m)^\s*\.version\s+(\d+)\.(\d+)\s*$`) })
	entryRE   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?s)\.entry\s+(\w+)\s*\((.*?)\)`) })
	paramRE   = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`\.param\s+\.(\w+)\s+(?:\.ptr\s+[.\w\s]*)?(\w+)`)
	})
)

// PTXVersion returns the PTX ISA version a module declares (its .version
// directive): a driver loads the module only if it knows that ISA.
func PTXVersion(ptx string) (major, minor int, err error) {
	m := versionRE().FindStringSubmatch(ptx)
	if m == nil {
		return 0, 0, fmt.Errorf("no .version directive in the PTX")
	}
	major, err = strconv.Atoi(m[1])
	if err == nil {
		minor, err = strconv.Atoi(m[2])
	}
	if err != nil {
		return 0, 0, fmt.Errorf("PTX .version %s.%s: %w", m[1], m[2], err)
	}
	return major, minor, nil
}

// Entries returns the parameter sizes of every .entry in a PTX module.
func Entries(ptx string) (map[string][]int, error) {
	entries := map[string][]int{}
	for _, m := range entryRE().FindAllStringSubmatch(ptx, -1) {
		var sizes []int
		for _, p := range strings.Split(m[2], ",") {
			if strings.TrimSpace(p) == "" {
				continue
			}
			pm := paramRE().FindStringSubmatch(p)
			if pm == nil {
				return nil, fmt.Errorf("kernel %s: cannot read parameter %q", m[1], strings.TrimSpace(p))
			}
			size, err := typeSize(pm[1])
			if err != nil {
				return nil, fmt.Errorf("kernel %s: %w", m[1], err)
			}
			sizes = append(sizes, size)
		}
		entries[m[1]] = sizes
	}
	return entries, nil
}

// typeSize returns the size of a PTX fundamental type such as u64 or f32.
func typeSize(t string) (int, error) {
	switch t {
	case "u8", "s8", "b8":
		return 1, nil
	case "u16", "s16", "b16", "f16":
		return 2, nil
	case "u32", "s32", "b32", "f32":
		return 4, nil
	case "u64", "s64", "b64", "f64":
		return 8, nil
	}
	return 0, fmt.Errorf("unknown PTX type .%s", t)
}
