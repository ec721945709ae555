package backend

import (
	"errors"
	"image"
	"image/color"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/corescale/corescale"
	"github.com/corescale/corescale/cpu/prime"
	"github.com/corescale/corescale/cpu/resize"
	"github.com/corescale/corescale/gpu"
	"github.com/corescale/corescale/gpu/emu"
	"github.com/corescale/corescale/internal/imagefile"
	"github.com/corescale/corescale/internal/thumbnail"
)

func TestChoose(t *testing.T) {
	t.Setenv("CORESCALE_CUDA_LIBRARY", "/nonexistent/libcuda.so.1")
	big := Job{Kind: Numbers, Size: GPUMinNumbers}
	for _, tc := range []struct {
		name    string
		req     Request
		backend corescale.Backend
		workers int
		why     string // a part of Why
		err     error  // matched with errors.Is; nil: no error
		errText string // a part of the error's text
	}{
		{"serial", Request{Backend: corescale.Serial, Workers: 4}, corescale.Serial, 1, "one goroutine", nil, ""},
		{"parallel", Request{Backend: corescale.Parallel, Workers: 3}, corescale.Parallel, 3, "as asked: 3 workers", nil, ""},
		{"emulator", Request{Backend: corescale.GPUEmu, Workers: 2}, corescale.GPUEmu, 2, "emulated driver", nil, ""},
		{"emulator, fast", Request{Backend: corescale.GPUEmu, Workers: 2, Job: Job{CPUOnly: "--fast on the CPU"}}, "", 0, "", ErrCPUOnly, "--fast on the CPU"},
		{"gpu, none", Request{Backend: corescale.GPU, Workers: 2, Job: big}, "", 0, "", gpu.ErrUnavailable, "no NVIDIA driver library"},
		{"gpu, fast", Request{Backend: corescale.GPU, Workers: 2, Job: Job{CPUOnly: "--linear"}}, "", 0, "", ErrCPUOnly, "--linear"},
		{"auto, few numbers", Request{Backend: corescale.Auto, Workers: 2, Job: Job{Kind: Numbers, Size: 3}}, corescale.Parallel, 2, "3 numbers (under 1048576), too small to be worth starting a GPU", nil, ""},
		{"auto, one number", Request{Backend: corescale.Auto, Workers: 2, Job: Job{Kind: Numbers, Size: 1}}, corescale.Parallel, 2, "1 number (under", nil, ""},
		{"auto, exact numbers", Request{Backend: corescale.Auto, Workers: 2, Job: Job{Kind: Numbers, Size: 299926}}, corescale.Parallel, 2, ": 299926 numbers (under 1048576)", nil, ""},
		{"auto, estimated numbers", Request{Backend: corescale.Auto, Workers: 2, Job: Job{Kind: Numbers, Size: 299926, Estimated: true}}, corescale.Parallel, 2, ": about 300,000 numbers (under 1048576)", nil, ""},
		{"auto, small images", Request{Backend: corescale.Auto, Workers: 1, Job: Job{Kind: Images, Size: 5000}}, corescale.Parallel, 1, "5000 bytes of images (under 16 MiB)", nil, ""},
		{"auto, many numbers, no GPU", Request{Backend: corescale.Auto, Workers: 2, Job: big}, corescale.Parallel, 2, "auto chose parallel with 2 workers: no usable GPU: no NVIDIA driver library", nil, ""},
		{"auto, unknown size, no GPU", Request{Backend: corescale.Auto, Workers: 2, Job: Job{Size: -1}}, corescale.Parallel, 2, "no usable GPU", nil, ""},
		{"auto, fast", Request{Backend: corescale.Auto, Workers: 2, Job: Job{Kind: Images, Size: 1 << 40, CPUOnly: "--fast runs on the CPU"}}, corescale.Parallel, 2, "--fast runs on the CPU", nil, ""},
		{"no workers", Request{Backend: corescale.Parallel, Workers: 0}, "", 0, "", nil, "0 workers: want 1 or more"},
		{"unknown", Request{Backend: "warp", Workers: 1}, "", 0, "", nil, `unknown backend "warp"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Choose(tc.req)
			if tc.err != nil || tc.errText != "" {
				if err == nil || tc.err != nil && !errors.Is(err, tc.err) || !strings.Contains(err.Error(), tc.errText) {
					t.Fatalf("error %v, want %v holding %q", err, tc.err, tc.errText)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Backend != tc.backend || c.Workers != tc.workers || !strings.Contains(c.Why, tc.why) {
				t.Errorf("%s on %d workers, why %q; want %s on %d, why holding %q", c.Backend, c.Workers, c.Why, tc.backend, tc.workers, tc.why)
			}
		})
	}
}

// Probed tells a caller whether the driver's library may be mapped: auto
// looked for a GPU only for a job large enough.
func TestChooseProbed(t *testing.T) {
	t.Setenv("CORESCALE_CUDA_LIBRARY", "/nonexistent/libcuda.so.1")
	for _, tc := range []struct {
		req    Request
		probed bool
	}{
		{Request{Backend: corescale.Auto, Workers: 2, Job: Job{Kind: Numbers, Size: GPUMinNumbers}}, true},
		{Request{Backend: corescale.Auto, Workers: 2, Job: Job{Kind: Sieved, Size: GPUMinSieved}}, true},
		{Request{Backend: corescale.Auto, Workers: 2, Job: Job{Kind: Sieved, Size: GPUMinSieved - 1}}, false},
		{Request{Backend: corescale.Parallel, Workers: 2, Job: Job{Kind: Sieved, Size: GPUMinSieved}}, false},
	} {
		c, err := Choose(tc.req)
		if err != nil {
			t.Fatal(err)
		}
		if c.Probed != tc.probed {
			t.Errorf("%s, %+v: probed %v, want %v", tc.req.Backend, tc.req.Job, c.Probed, tc.probed)
		}
	}
}

func TestResizeJob(t *testing.T) {
	for _, tc := range []struct {
		opt     resize.Options
		cpuOnly bool
	}{
		{resize.Options{}, false},
		{resize.Options{Filter: corescale.Mitchell}, false},
		{resize.Options{Fast: true}, true},
		{resize.Options{Linear: true}, true},
	} {
		j := ResizeJob(tc.opt, 123)
		if j.Kind != Images || j.Size != 123 || (j.CPUOnly != "") != tc.cpuOnly {
			t.Errorf("%+v: %+v", tc.opt, j)
		}
	}
}

func TestLabel(t *testing.T) {
	for _, tc := range []struct {
		c    Choice
		want string
	}{
		{Choice{Backend: corescale.Serial, Workers: 1}, "serial"},
		{Choice{Backend: corescale.Parallel, Workers: 4}, "parallel×4"},
		{Choice{Backend: corescale.GPUEmu, Driver: &emu.Driver{}}, "gpu-emu (emulated; not a speed)"},
	} {
		if got := tc.c.Label(); got != tc.want {
			t.Errorf("%+v: label %q, want %q", tc.c, got, tc.want)
		}
	}
}

func TestPrimeTesters(t *testing.T) {
	ns := []uint64{0, 1, 2, 97, 561, 1<<61 - 1, 18446744073709551557}
	want := make([]bool, len(ns))
	if err := (prime.Serial{}).TestPrimes(ns, want); err != nil {
		t.Fatal(err)
	}
	for _, c := range []Choice{
		{Backend: corescale.Serial, Workers: 1},
		{Backend: corescale.Parallel, Workers: 2},
		{Backend: corescale.GPUEmu, Workers: 2, Driver: &emu.Driver{}},
	} {
		eng, err := c.PrimeTester()
		if err != nil {
			t.Fatalf("%s: %v", c.Backend, err)
		}
		got := make([]bool, len(ns))
		if err := eng.TestPrimes(ns, got); err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %v %v, want %v", c.Backend, got, err, want)
		}
		if closer, ok := eng.(interface{ Close() error }); ok {
			closer.Close()
		}
	}
}

// brokenDriver is a GPU whose every context fails to open.
type brokenDriver struct{ *emu.Driver }

func (brokenDriver) Emulated() bool { return false }
func (brokenDriver) Open(int) (gpu.Context, error) {
	return nil, errors.New("out of memory")
}

// TestAutoFallsBack: a GPU that auto chose but that fails to start sends
// the work to the parallel path, saying why; an explicit gpu fails.
func TestAutoFallsBack(t *testing.T) {
	c := Choice{Backend: corescale.GPU, Workers: 2, Driver: brokenDriver{&emu.Driver{}}, auto: true}
	eng, err := c.PrimeTester()
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := eng.(prime.Parallel); !ok || c.Backend != corescale.Parallel || !strings.Contains(c.Why, "the GPU failed to start: ") || !strings.Contains(c.Why, "out of memory") {
		t.Errorf("engine %T, choice %+v", eng, c)
	}
	c = Choice{Backend: corescale.GPU, Workers: 2, Driver: brokenDriver{&emu.Driver{}}, auto: true}
	if r, err := c.Resizer(resize.Options{}); err != nil || c.Backend != corescale.Parallel {
		t.Errorf("resizer %T, %v, choice %+v", r, err, c)
	}
	c = Choice{Backend: corescale.GPU, Workers: 2, Driver: brokenDriver{&emu.Driver{}}}
	if _, err := c.PrimeTester(); err == nil || !strings.Contains(err.Error(), "out of memory") {
		t.Errorf("explicit gpu: %v", err)
	}
}

func TestGPUResizerIsExactOnly(t *testing.T) {
	c := Choice{Backend: corescale.GPUEmu, Workers: 1, Driver: &emu.Driver{}}
	for _, opt := range []resize.Options{{Fast: true}, {Linear: true}} {
		if _, err := c.Resizer(opt); !errors.Is(err, ErrCPUOnly) {
			t.Errorf("%+v: %v, want ErrCPUOnly", opt, err)
		}
	}
}

// TestThumbnails: the CPU shares its workers between files and rows as the
// batch's Split says; the emulated GPU's adapter gives the bytes of the CPU
// engine on the same 8-bit raster.
func TestThumbnails(t *testing.T) {
	dir := t.TempDir()
	m := image.NewNRGBA(image.Rect(0, 0, 61, 47))
	for y := range 47 {
		for x := range 61 {
			m.SetNRGBA(x, y, color.NRGBA{uint8(x * 4), uint8(y * 5), uint8(x ^ y), 255})
		}
	}
	for _, name := range []string{"a.png", "b.png", "c.png"} {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := imagefile.Encode(f, m, imagefile.PNG, 0); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	many, err := thumbnail.Plan([]string{dir}, filepath.Join(dir, "out"), imagefile.Keep)
	if err != nil {
		t.Fatal(err)
	}
	one, err := thumbnail.Plan([]string{filepath.Join(dir, "a.png")}, filepath.Join(dir, "out"), imagefile.Keep)
	if err != nil {
		t.Fatal(err)
	}
	cpu := Choice{Backend: corescale.Parallel, Workers: 4}
	if _, files, err := cpu.Thumbnails(resize.Options{}, many); err != nil || files != 3 {
		t.Errorf("3 files on 4 workers: %d at once, %v", files, err)
	}
	if _, files, err := cpu.Thumbnails(resize.Options{}, one); err != nil || files != 1 {
		t.Errorf("1 file on 4 workers: %d at once, %v", files, err)
	}
	if _, _, err := cpu.Thumbnails(resize.Options{Filter: "cubic"}, one); err == nil {
		t.Error("an unknown filter was taken")
	}

	device := Choice{Backend: corescale.GPUEmu, Workers: 3, Driver: &emu.Driver{}}
	r, files, err := device.Thumbnails(resize.Options{Filter: corescale.Mitchell}, many)
	if err != nil || files != 3 {
		t.Fatalf("emulated GPU: %d files at once, %v", files, err)
	}
	defer r.(interface{ Close() error }).Close()
	got, err := r.ResizeImage(m, 23, 17)
	if err != nil {
		t.Fatal(err)
	}
	e, _ := resize.New(resize.Options{Filter: corescale.Mitchell, Workers: 1})
	want := corescale.NewRaster(23, 17, 3)
	if err := e.Resize(want, resize.FromImage(m)); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(resize.FromImage(got).Pix, want.Pix) {
		t.Error("the GPU adapter's image differs from the CPU engine's")
	}
	if _, _, err := device.Thumbnails(resize.Options{Fast: true}, many); !errors.Is(err, ErrCPUOnly) {
		t.Errorf("fast on the GPU: %v", err)
	}
}

// TestDeviceImagesYCbCr: the GPU adapter resizes JPEG's YCbCr as the CPU
// engine does — a 4:4:4 YCbCr of the same bytes, chroma sited the same —
// for every subsampling, a sub-image at odd coordinates, every filter;
// at negative coordinates both convert to RGB.
func TestDeviceImagesYCbCr(t *testing.T) {
	device := Choice{Backend: corescale.GPUEmu, Workers: 2, Driver: &emu.Driver{}}
	dir := t.TempDir()
	in := filepath.Join(dir, "a.png")
	f, err := os.Create(in)
	if err != nil {
		t.Fatal(err)
	}
	if err := imagefile.Encode(f, image.NewGray(image.Rect(0, 0, 4, 4)), imagefile.PNG, 0); err != nil {
		t.Fatal(err)
	}
	f.Close()
	b, err := thumbnail.Plan([]string{in}, filepath.Join(dir, "out"), imagefile.Keep)
	if err != nil {
		t.Fatal(err)
	}
	full := image.Rect(0, 0, 97, 71)
	for _, ratio := range []image.YCbCrSubsampleRatio{image.YCbCrSubsampleRatio420, image.YCbCrSubsampleRatio422,
		image.YCbCrSubsampleRatio440, image.YCbCrSubsampleRatio411, image.YCbCrSubsampleRatio410, image.YCbCrSubsampleRatio444} {
		m := image.NewYCbCr(full, ratio)
		for i := range m.Y {
			m.Y[i] = uint8(i * 7)
		}
		for i := range m.Cb {
			m.Cb[i], m.Cr[i] = uint8(i*5+i/13), uint8(255-i*3)
		}
		neg := *m
		neg.Rect = full.Sub(image.Pt(4, 2))
		for name, img := range map[string]image.Image{
			"whole": m, "sub": m.SubImage(image.Rect(3, 1, 96, 70)), "negative": &neg,
		} {
			for _, f := range corescale.Filters {
				r, _, err := device.Thumbnails(resize.Options{Filter: f}, b)
				if err != nil {
					t.Fatal(err)
				}
				cpu, _ := resize.New(resize.Options{Filter: f, Workers: 1})
				for _, sz := range [][2]int{{31, 17}, {150, 99}, {93, 20}} {
					got, err := r.ResizeImage(img, sz[0], sz[1])
					if err != nil {
						t.Fatal(err)
					}
					want, err := cpu.ResizeImage(img, sz[0], sz[1])
					if err != nil {
						t.Fatal(err)
					}
					if !sameImage(got, want) {
						t.Errorf("%v %s, %s, to %dx%d: the GPU adapter gave %T %s, the CPU %T %s", ratio, name, f, sz[0], sz[1], got, describe(got), want, describe(want))
					}
					// And to 4:2:0, as a JPEG output asks.
					if m, ok := img.(*image.YCbCr); ok && name != "negative" {
						got, err := r.(interface {
							ResizeYCbCr(*image.YCbCr, int, int, image.YCbCrSubsampleRatio) (*image.YCbCr, error)
						}).ResizeYCbCr(m, sz[0], sz[1], image.YCbCrSubsampleRatio420)
						if err != nil {
							t.Fatal(err)
						}
						want, err := cpu.ResizeYCbCr(m, sz[0], sz[1], image.YCbCrSubsampleRatio420)
						if err != nil {
							t.Fatal(err)
						}
						if !sameImage(got, want) {
							t.Errorf("%v %s, %s, to %dx%d 4:2:0: the GPU adapter's planes differ from the CPU's", ratio, name, f, sz[0], sz[1])
						}
					}
				}
				r.(interface{ Close() error }).Close()
			}
		}
	}
}

// sameImage reports whether a and b are images of the same type, bounds
// and samples.
func sameImage(a, b image.Image) bool {
	if reflect.TypeOf(a) != reflect.TypeOf(b) || a.Bounds() != b.Bounds() {
		return false
	}
	if ya, ok := a.(*image.YCbCr); ok {
		yb := b.(*image.YCbCr)
		return ya.SubsampleRatio == yb.SubsampleRatio && reflect.DeepEqual(ya.Y, yb.Y) && reflect.DeepEqual(ya.Cb, yb.Cb) && reflect.DeepEqual(ya.Cr, yb.Cr)
	}
	return reflect.DeepEqual(resize.FromImage(a).Pix, resize.FromImage(b).Pix)
}

func describe(m image.Image) string {
	if y, ok := m.(*image.YCbCr); ok {
		return y.SubsampleRatio.String()
	}
	return ""
}

// TestBigPrimeTester: a GPU choice makes the big-number engine on its
// driver, a CPU choice none; a GPU that auto chose but whose big engine
// fails says why and leaves the choice as it is (its 64-bit engine may be
// running); an explicit gpu fails.
func TestBigPrimeTester(t *testing.T) {
	c := Choice{Backend: corescale.GPUEmu, Workers: 2, Driver: &emu.Driver{}}
	e, why, err := c.BigPrimeTester()
	if err != nil || e == nil || why != "" {
		t.Fatalf("gpu-emu: %T %q %v", e, why, err)
	}
	n := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 127), big.NewInt(1))
	ns := []*big.Int{n, new(big.Int).Add(n, big.NewInt(2))}
	got := make([]bool, 2)
	if err := e.TestBig(ns, got); err != nil || !got[0] || got[1] {
		t.Errorf("gpu-emu: %v %v, want [true false]", got, err)
	}
	e.(io.Closer).Close()
	c = Choice{Backend: corescale.Parallel, Workers: 2}
	if e, why, err := c.BigPrimeTester(); e != nil || why != "" || err != nil {
		t.Errorf("parallel: %T %q %v", e, why, err)
	}
	c = Choice{Backend: corescale.GPU, Workers: 2, Driver: brokenDriver{&emu.Driver{}}, auto: true}
	if e, why, err := c.BigPrimeTester(); e != nil || err != nil || !strings.Contains(why, "out of memory") || c.Backend != corescale.GPU {
		t.Errorf("auto: %T %q %v, choice %+v", e, why, err, c)
	}
	c = Choice{Backend: corescale.GPU, Workers: 2, Driver: brokenDriver{&emu.Driver{}}}
	if _, _, err := c.BigPrimeTester(); err == nil || !strings.Contains(err.Error(), "out of memory") {
		t.Errorf("explicit gpu: %v", err)
	}
}

// TestBigPrimeTesterSkipsLost: the big-number engine, made after the
// 64-bit one has dropped a device, opens only the others; with none left
// it says so.
func TestBigPrimeTesterSkipsLost(t *testing.T) {
	c := Choice{Backend: corescale.GPUEmu, Workers: 2, Driver: &emu.Driver{Memories: []int64{1 << 30, 1 << 30}}}
	c.lostDevices().add(0)
	e, _, err := c.BigPrimeTester()
	if err != nil {
		t.Fatal(err)
	}
	p := e.(*gpu.BigPrimeDevices)
	if len(p.Engines) != 1 || p.Engines[0].Device() != 1 {
		t.Errorf("%d engines, want device 1's alone", len(p.Engines))
	}
	p.Close()
	c.lostDevices().add(1)
	if _, _, err := c.BigPrimeTester(); err == nil || !strings.Contains(err.Error(), "every device was lost") {
		t.Errorf("all lost: %v", err)
	}
}

func TestApproximate(t *testing.T) {
	for _, tc := range []struct {
		n    int64
		want string
	}{
		{0, "0"}, {7, "7"}, {99, "99"}, {104, "100"}, {155, "160"}, {999, "1,000"},
		{12_345, "12,000"}, {299_926, "300,000"}, {1_048_575, "1,000,000"}, {1_234_567_890, "1,200,000,000"},
	} {
		if got := approximate(tc.n); got != tc.want {
			t.Errorf("approximate(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
}
