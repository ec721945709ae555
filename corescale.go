package corescale

import (
	"fmt"
	"strings"
)

// Backend names a compute path.
type Backend string

// The backends a user may ask for. Auto picks the fastest one available.
const (
	Auto     Backend = "auto"
	Serial   Backend = "serial"
	Parallel Backend = "parallel"
	GPU      Backend = "gpu"
	// GPUEmu runs the GPU engine on the emulated driver: the kernels on
	// the host, for development and tests. It shows what a GPU computes,
	// never how fast.
	GPUEmu Backend = "gpu-emu"
)

// Backends lists every backend name in the order the help text shows them.
var Backends = []Backend{Auto, Serial, Parallel, GPU, GPUEmu}

// ParseBackend returns the backend named s, or an error listing the valid names.
func ParseBackend(s string) (Backend, error) { return parseName(s, Backends, "backend") }

// parseName returns the member of names spelled s, or an error that lists
// them, calling them what.
func parseName[T ~string](s string, names []T, what string) (T, error) {
	for _, n := range names {
		if string(n) == s {
			return n, nil
		}
	}
	list := make([]string, len(names))
	for i, n := range names {
		list[i] = string(n)
	}
	return "", fmt.Errorf("unknown %s %q (want %s)", what, s, strings.Join(list, ", "))
}

// PrimeTester tests batches of integers below 2^64 for primality. Every
// engine — serial, parallel and GPU — implements it, and every one gives the
// exact verdict for every number, so their results can be compared byte for
// byte.
type PrimeTester interface {
	// TestPrimes sets out[i] to whether ns[i] is prime. out must be at
	// least as long as ns. The error reports a failure of the engine itself
	// (a device error), never a property of the numbers.
	TestPrimes(ns []uint64, out []bool) error
}

// Filter names a resampling filter of the resize engines.
type Filter string

// The resampling filters, from the cheapest to the sharpest. Their
// definitions follow Pillow's where Pillow has them (nearest, box, linear as
// BILINEAR, catmullrom as BICUBIC, lanczos3 as LANCZOS).
const (
	Nearest    Filter = "nearest"
	Box        Filter = "box"
	Linear     Filter = "linear"
	CatmullRom Filter = "catmullrom"
	Mitchell   Filter = "mitchell"
	Lanczos2   Filter = "lanczos2"
	Lanczos3   Filter = "lanczos3"
)

// Filters lists every filter in the order the help text shows them.
var Filters = []Filter{Nearest, Box, Linear, CatmullRom, Mitchell, Lanczos2, Lanczos3}

// ParseFilter returns the filter named s, or an error listing the valid names.
func ParseFilter(s string) (Filter, error) { return parseName(s, Filters, "filter") }

// Raster is an 8-bit image of 1 to 4 interleaved channels: gray, gray and
// alpha, RGB, or RGBA. With alpha (2 or 4 channels) the colour channels are
// premultiplied by it, which is what filtering needs to leave no dark
// fringes around transparent areas. Every resize engine works on Rasters.
type Raster struct {
	Pix                             []uint8
	Width, Height, Stride, Channels int
}

// NewRaster returns a zeroed w×h raster of ch channels with no row padding.
func NewRaster(w, h, ch int) *Raster {
	return &Raster{Pix: make([]uint8, w*h*ch), Width: w, Height: h, Stride: w * ch, Channels: ch}
}

// Row returns the samples of row y.
func (r *Raster) Row(y int) []uint8 {
	return r.Pix[y*r.Stride : y*r.Stride+r.Width*r.Channels]
}

// Resizer resizes rasters. Every engine — serial, parallel, GPU —
// implements it, and they agree to within one level.
type Resizer interface {
	// Resize fills dst, whose size and channel count the caller sets,
	// with src resized to dst's size. src and dst have the same number of
	// channels.
	Resize(dst, src *Raster) error
}
