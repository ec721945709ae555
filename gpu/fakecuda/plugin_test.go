//go:build cgo

package fakecuda

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"math/big"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The tests here run the CLI with the real GPU plugin (gpu/cuda, on
// gorgonia.org/cu) on fakecuda, all three built into a temporary
// directory: what `make gpu-fake-check` does, for the multi-device engine
// and the structure its call log shows. They need cuda.h to build the
// plugin against, make and a C++ compiler, and are skipped without.

// pluginTools is the CLI and the library, built once for the tests here.
var pluginTools struct {
	bin, lib string
	err      error
	skip     string
	built    bool
}

func cudaHeader() string {
	for _, p := range []string{os.Getenv("CUDA_PATH"), os.Getenv("CUDA_HOME"), "/usr/local/cuda"} {
		if p != "" {
			if _, err := os.Stat(filepath.Join(p, "include", "cuda.h")); err == nil {
				return filepath.Join(p, "include")
			}
		}
	}
	if _, err := os.Stat("/usr/include/cuda.h"); err == nil {
		return "/usr/include"
	}
	return ""
}

// buildPlugin builds corescale, corescale-cuda.so beside it (as make cuda
// does: the cuda.h directory through CGO_CFLAGS) and fakecuda's
// libcuda.so.1 (make's own rule, aimed at dir) once per test binary.
func buildPlugin(t *testing.T) (bin, lib string) {
	t.Helper()
	p := &pluginTools
	if !p.built {
		p.built = true
		p.bin, p.lib, p.skip, p.err = buildPluginTools()
	}
	if p.skip != "" {
		t.Skip(p.skip)
	}
	if p.err != nil {
		t.Fatal(p.err)
	}
	return p.bin, p.lib
}

func buildPluginTools() (bin, lib, skip string, err error) {
	if testing.Short() {
		return "", "", "builds the CLI and the plugin: not with -short", nil
	}
	inc := cudaHeader()
	if inc == "" {
		return "", "", "no cuda.h to build the plugin against (make cuda-toolkit)", nil
	}
	for _, tool := range []string{"make", "go", "c++"} {
		if _, err := exec.LookPath(tool); err != nil {
			return "", "", "no " + tool, nil
		}
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		return "", "", "", err
	}
	// Not t.TempDir: the tools outlive the test that builds them.
	dir, err := os.MkdirTemp("", "corescale-plugin-test-")
	if err != nil {
		return "", "", "", err
	}
	bin, lib = filepath.Join(dir, "corescale"), filepath.Join(dir, "fakecuda", "libcuda.so.1")
	cflags := strings.TrimSpace("-I" + inc + " " + goEnv("CGO_CFLAGS"))
	steps := [][]string{
		{"go", "build", "-o", bin, "./cmd/corescale"},
		{"go", "build", "-tags", "cuda", "-buildmode=plugin", "-o", filepath.Join(dir, "corescale-cuda.so"), "./gpu/cuda"},
		{"make", "--no-print-directory", "-s", "FAKECUDA=" + lib, lib},
	}
	for i, s := range steps {
		cmd := exec.Command(s[0], s[1:]...)
		cmd.Dir = root
		if i == 1 {
			cmd.Env = append(os.Environ(), "CGO_CFLAGS="+cflags)
		}
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", "", "", fmt.Errorf("%s: %v\n%s", strings.Join(s, " "), err, out)
		}
	}
	return bin, lib, "", nil
}

func goEnv(k string) string {
	out, _ := exec.Command("go", "env", k).Output()
	return strings.TrimSpace(string(out))
}

func TestMain(m *testing.M) {
	code := m.Run()
	if pluginTools.bin != "" {
		os.RemoveAll(filepath.Dir(pluginTools.bin))
	}
	os.Exit(code)
}

// runCLI runs the CLI on fakecuda with settings ("NAME=value") and no
// other FAKECUDA_ variable; it returns stdout, stderr and the exit code.
func runCLI(t *testing.T, settings []string, args ...string) (string, string, int) {
	t.Helper()
	bin, lib := buildPlugin(t)
	cmd := exec.Command(bin, args...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "FAKECUDA_") && !strings.HasPrefix(kv, "CORESCALE_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "CORESCALE_CUDA_LIBRARY="+lib, "FAKECUDA_QUIET=1")
	cmd.Env = append(cmd.Env, settings...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return stdout.String(), stderr.String(), code
}

// hardFile writes numbers the CPU tests use: random odd 64-bit numbers,
// both ends of the range, around 2^63 and 2^32, strong pseudoprimes and
// Carmichael numbers, products and squares of primes near 2^32.
func hardFile(t *testing.T) string {
	var b strings.Builder
	r := rand.New(rand.NewPCG(15, 15))
	for range 60000 {
		fmt.Fprintln(&b, r.Uint64()|1)
	}
	for i := uint64(0); i < 3000; i++ {
		fmt.Fprintf(&b, "%d\n%d\n%d\n%d\n", i, ^uint64(0)-i, 1<<63+i, 1<<32+i)
	}
	for _, f := range []string{"spsp2_below_1e8.txt", "carmichael_below_1e8.txt", "spsp_large.txt"} {
		raw, err := os.ReadFile(filepath.Join("../../cpu/prime/testdata", f))
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(raw), "\n") {
			line, _, _ = strings.Cut(line, "#")
			if fs := strings.Fields(line); len(fs) > 0 {
				if _, err := strconv.ParseUint(fs[0], 10, 64); err == nil {
					fmt.Fprintln(&b, fs[0])
				}
			}
		}
	}
	var near []uint64
	for p := uint64(1<<32 - 1); len(near) < 40; p -= 2 {
		if new(big.Int).SetUint64(p).ProbablyPrime(0) {
			near = append(near, p)
		}
	}
	for i, p := range near {
		for _, q := range near[i:] {
			fmt.Fprintln(&b, p*q)
		}
	}
	path := filepath.Join(t.TempDir(), "numbers.txt")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestPluginDevices: through the real plugin on fakecuda, with 1, 2 and 4
// devices of different sizes (so different chunks, many of them), prime
// --backend gpu prints what --backend serial prints, byte for byte; with
// --devices naming some, and with one device lost mid-batch, whose chunks
// finish on the other. The only device lost: exit 1, the CUresult named,
// no output file.
func TestPluginDevices(t *testing.T) {
	file := hardFile(t)
	want, _, code := runCLI(t, nil, "prime", "--backend", "serial", "--print", "all", "--input", file)
	if code != 0 {
		t.Fatalf("serial: exit %d", code)
	}
	for _, c := range []struct {
		name     string
		settings []string
		args     []string
		stderr   string
	}{
		{"1 device", []string{"FAKECUDA_MEMORY=1M"}, nil, ""},
		{"2 devices", []string{"FAKECUDA_DEVICES=2", "FAKECUDA_MEMORY=1M,4M", "FAKECUDA_SMS=20,80"}, nil, ""},
		{"4 devices", []string{"FAKECUDA_DEVICES=4", "FAKECUDA_MEMORY=1M,2M,512K,4M", "FAKECUDA_SMS=40,80,20,132"}, nil, ""},
		{"devices 3,1", []string{"FAKECUDA_DEVICES=4", "FAKECUDA_MEMORY=1M,2M,512K,4M"}, []string{"--devices", "3,1"}, ""},
		{"device 1 lost", []string{"FAKECUDA_DEVICES=2", "FAKECUDA_MEMORY=1M,512K", "FAKECUDA_LOSE_DEVICE=2@1"}, nil,
			"GPU 1 failed and is no longer used; the others test its numbers"},
	} {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"prime", "--backend", "gpu", "--print", "all"}, c.args...)
			got, stderr, code := runCLI(t, c.settings, append(args, "--input", file)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if got != want {
				t.Errorf("the GPU's output differs from serial's")
			}
			if !strings.Contains(stderr, c.stderr) {
				t.Errorf("stderr %q, want %q", stderr, c.stderr)
			}
		})
	}
	t.Run("the only device lost", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "out.txt")
		_, stderr, code := runCLI(t, []string{"FAKECUDA_MEMORY=1M", "FAKECUDA_LOSE_DEVICE=8"}, "prime", "--backend", "gpu", "--output", out, "--input", file)
		if code != 1 || !strings.Contains(stderr, "CUDA_ERROR_UNKNOWN (999)") {
			t.Errorf("exit %d, stderr %q: want 1 and the CUresult", code, stderr)
		}
		if _, err := os.Stat(out); err == nil {
			t.Error("an output file was left")
		}
	})
	t.Run("no such device", func(t *testing.T) {
		_, stderr, code := runCLI(t, []string{"FAKECUDA_DEVICES=2"}, "prime", "--backend", "gpu", "--devices", "0,2", "--input", file)
		if code != 2 || !strings.Contains(stderr, "no device 2") {
			t.Errorf("--devices 0,2 of 2: exit %d, stderr %q", code, stderr)
		}
	})
}

type traceLine struct {
	n      int
	fn     string
	dev    int
	stream int
	bytes  int
	busy   int
}

var traceRE = regexp.MustCompile(`^(\d+) fn=(\w+) r=(-?\d+) dev=(-?\d+) ctx=(-?\d+)(?: stream=(\d+))?(?: bytes=(\d+))?(?: kernel=\w+ grid=[\d,]+)?(?: busy=(\d+))?$`)

func readTrace(t *testing.T, path string) []traceLine {
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var lines []traceLine
	for _, s := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		m := traceRE.FindStringSubmatch(s)
		if m == nil {
			t.Fatalf("trace line %q: not as FAKECUDA_TRACE writes", s)
		}
		atoi := func(s string) int {
			v, _ := strconv.Atoi(s)
			if s == "" {
				return -1
			}
			return v
		}
		lines = append(lines, traceLine{n: atoi(m[1]), fn: m[2], dev: atoi(m[4]), stream: atoi(m[6]), bytes: atoi(m[7]), busy: atoi(m[8])})
	}
	return lines
}

// TestPluginTrace: the structure of a 10-million-number batch on four
// devices of different sizes, from fakecuda's call log: each device's
// primary context retained once and no context created; no allocation or
// module load on a device after its first launch; every device used, for
// many chunks; copies issued while kernels on another stream of the
// device are queued and not yet run (they overlap on a GPU): the random
// numbers are drawn on the devices, so these are the verdicts' copies out,
// and no copy in is larger than the counters; and the count is the CPU's.
func TestPluginTrace(t *testing.T) {
	trace := filepath.Join(t.TempDir(), "trace")
	args := []string{"prime", "--random", "10000000", "--bits", "64", "--seed", "7", "--print", "count"}
	want, _, _ := runCLI(t, nil, append(args, "--backend", "parallel")...)
	got, stderr, code := runCLI(t, []string{"FAKECUDA_DEVICES=4", "FAKECUDA_MEMORY=16M,32M,8M,64M", "FAKECUDA_SMS=40,80,20,132", "FAKECUDA_TRACE=" + trace},
		append(args, "--backend", "gpu")...)
	if code != 0 || got != want {
		t.Fatalf("exit %d, count %q, want %q: %s", code, got, want, stderr)
	}
	lines := readTrace(t, trace)
	type perDev struct {
		retained, launches, overlapped int
		firstLaunch                    int
		lateSetup                      []string
		streams                        map[int]bool
	}
	devs := map[int]*perDev{}
	for _, l := range lines {
		if l.fn == "cuCtxCreate_v2" {
			t.Errorf("line %d: a context created, not the primary context retained", l.n)
		}
		if l.dev < 0 {
			continue
		}
		d := devs[l.dev]
		if d == nil {
			d = &perDev{streams: map[int]bool{}}
			devs[l.dev] = d
		}
		switch l.fn {
		case "cuDevicePrimaryCtxRetain":
			d.retained++
		case "cuLaunchKernel":
			if d.launches == 0 {
				d.firstLaunch = l.n
			}
			d.launches++
			d.streams[l.stream] = true
		case "cuMemAlloc_v2", "cuMemAllocHost_v2", "cuModuleLoadData":
			if d.launches > 0 {
				d.lateSetup = append(d.lateSetup, fmt.Sprintf("%s at line %d", l.fn, l.n))
			}
		case "cuMemcpyHtoDAsync_v2":
			if l.bytes > 8 {
				t.Errorf("line %d: %d bytes copied in for random numbers, which the device draws", l.n, l.bytes)
			}
		case "cuMemcpyDtoHAsync_v2":
			if l.busy > 0 {
				d.overlapped++
			}
		}
	}
	for dev := range 4 {
		d := devs[dev]
		if d == nil || d.launches == 0 {
			t.Errorf("device %d was not used", dev)
			continue
		}
		t.Logf("device %d: %d launches (%d chunks) on %d streams, %d copies out issued over queued kernels", dev, d.launches, d.launches/3, len(d.streams), d.overlapped)
		if d.retained != 1 {
			t.Errorf("device %d: primary context retained %d times", dev, d.retained)
		}
		if len(d.lateSetup) > 0 {
			t.Errorf("device %d: after its first launch (line %d): %s", dev, d.firstLaunch, strings.Join(d.lateSetup, ", "))
		}
		if d.launches < 3*2 {
			t.Errorf("device %d: %d launches: the batch should take several chunks on each device", dev, d.launches)
		}
		if len(d.streams) < 2 {
			t.Errorf("device %d: launches on %d stream(s)", dev, len(d.streams))
		}
		if d.overlapped == 0 {
			t.Errorf("device %d: no copy was issued while kernels on another stream were queued", dev)
		}
	}
}

// TestPluginResizeTrace: a 100-image batch of like images through the real
// plugin on fakecuda: the outputs are the serial path's, byte for byte, and
// the call log shows no allocation per image: the device and pinned
// allocations stop after the first images (each lane's buffers, the two
// tables), with the batch's later images running on what is there.
func TestPluginResizeTrace(t *testing.T) {
	in := t.TempDir()
	for i := range 100 {
		img := image.NewNRGBA(image.Rect(0, 0, 96, 64))
		for j := range img.Pix {
			img.Pix[j] = uint8((j*13 + i*7) % 251)
		}
		var buf bytes.Buffer
		if err := png.Encode(&buf, img); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(in, fmt.Sprintf("img%03d.png", i)), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	trace := filepath.Join(t.TempDir(), "trace")
	outs := map[string]string{}
	for _, b := range []string{"serial", "gpu"} {
		out := filepath.Join(t.TempDir(), b)
		_, stderr, code := runCLI(t, []string{"FAKECUDA_TRACE=" + trace}, "resize", "--size", "40x", "--backend", b, "--out", out, in)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", b, code, stderr)
		}
		outs[b] = out
	}
	for i := range 100 {
		name := fmt.Sprintf("img%03d.png", i)
		a, errA := os.ReadFile(filepath.Join(outs["serial"], name))
		b, errB := os.ReadFile(filepath.Join(outs["gpu"], name))
		if errA != nil || errB != nil || !bytes.Equal(a, b) {
			t.Fatalf("%s: the GPU's output differs from serial's (%v, %v)", name, errA, errB)
		}
	}
	allocs, launches, lastAlloc := 0, 0, 0
	for _, l := range readTrace(t, trace) {
		switch l.fn {
		case "cuMemAlloc_v2", "cuMemAllocHost_v2":
			allocs++
			lastAlloc = launches
		case "cuLaunchKernel":
			launches++
		}
	}
	t.Logf("%d allocations for 100 images, the last after %d of %d launches", allocs, lastAlloc, launches)
	if launches < 200 {
		t.Fatalf("%d launches for 100 images", launches)
	}
	// Three lanes of two slots (5 buffers each) and two tables of three
	// arrays, each table staged through a pinned buffer: 42, whatever the
	// number of images.
	if allocs > 3*2*5+2*3*2 {
		t.Errorf("%d allocations for 100 like images: some are per image", allocs)
	}
	if lastAlloc > 2*3*2 {
		t.Errorf("an allocation after %d launches: after the first images, none should be needed", lastAlloc)
	}
}

// TestPluginRange: a range tested number by number on the GPU (--backend
// gpu --range-method test) is made on the devices: the log shows no copy
// to a device larger than the passes' two counters, and the verdicts are
// the serial path's.
func TestPluginRange(t *testing.T) {
	trace := filepath.Join(t.TempDir(), "trace")
	args := []string{"prime", "--from", "18446744073699551615", "--to", "18446744073709551615", "--print", "all", "--range-method", "test"}
	want, _, _ := runCLI(t, nil, append(args, "--backend", "serial")...)
	got, stderr, code := runCLI(t, []string{"FAKECUDA_DEVICES=2", "FAKECUDA_MEMORY=8M,16M", "FAKECUDA_TRACE=" + trace}, append(args, "--backend", "gpu")...)
	if code != 0 || got != want {
		t.Fatalf("exit %d, the GPU's output differs from serial's: %s", code, stderr)
	}
	copies, launches := 0, 0
	for _, l := range readTrace(t, trace) {
		switch l.fn {
		case "cuMemcpyHtoDAsync_v2":
			copies++
			if l.bytes > 8 {
				t.Errorf("line %d: %d bytes copied to device %d for a range", l.n, l.bytes, l.dev)
			}
		case "cuLaunchKernel":
			launches++
		}
	}
	if launches == 0 || copies == 0 {
		t.Errorf("%d launches, %d copies: the range did not run on the devices", launches, copies)
	}
}

// TestPluginRandom: --random numbers of up to 64 bits are drawn on the
// devices (1 and 2 of them), unsharded and as shards of the batch: the
// output is the serial path's byte for byte, and the log shows no copy to
// a device larger than the passes' two counters.
func TestPluginRandom(t *testing.T) {
	for _, c := range []struct {
		devices string
		args    []string
	}{
		{"1", []string{"--random", "30000", "--bits", "64", "--seed", "3"}},
		{"2", []string{"--random", "30000", "--bits", "64", "--seed", "3"}},
		{"2", []string{"--random", "20000", "--bits", "37", "--seed", "8", "--shard", "2/3"}},
		{"2", []string{"--random", "20000", "--bits", "64", "--seed", "8", "--shard", "0/3"}},
		{"1", []string{"--random", "500", "--bits", "5", "--seed", "1"}},
	} {
		t.Run(c.devices+" "+strings.Join(c.args, " "), func(t *testing.T) {
			trace := filepath.Join(t.TempDir(), "trace")
			args := append([]string{"prime", "--print", "all"}, c.args...)
			want, stderr, code := runCLI(t, nil, append(args, "--backend", "serial")...)
			if code != 0 {
				t.Fatalf("serial: exit %d: %s", code, stderr)
			}
			got, stderr, code := runCLI(t, []string{"FAKECUDA_DEVICES=" + c.devices, "FAKECUDA_MEMORY=8M,16M", "FAKECUDA_TRACE=" + trace}, append(args, "--backend", "gpu")...)
			if code != 0 || got != want {
				t.Fatalf("exit %d, the GPU's output differs from serial's: %s", code, stderr)
			}
			copies, launches := 0, 0
			for _, l := range readTrace(t, trace) {
				switch l.fn {
				case "cuMemcpyHtoDAsync_v2":
					copies++
					if l.bytes > 8 {
						t.Errorf("line %d: %d bytes copied to device %d for random numbers", l.n, l.bytes, l.dev)
					}
				case "cuLaunchKernel":
					launches++
				}
			}
			if launches == 0 || copies == 0 {
				t.Errorf("%d launches, %d copies: the numbers were not tested on the devices", launches, copies)
			}
		})
	}
}

// TestPluginTraceInput: numbers from a file cross PCIe, and each device's
// copies in are issued while kernels on another of its streams are queued
// (they overlap on a GPU); the output is the serial path's.
func TestPluginTraceInput(t *testing.T) {
	in := filepath.Join(t.TempDir(), "numbers.txt")
	var b strings.Builder
	r := rand.New(rand.NewPCG(4, 4))
	for range 200000 {
		fmt.Fprintln(&b, r.Uint64()|1)
	}
	if err := os.WriteFile(in, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	trace := filepath.Join(t.TempDir(), "trace")
	args := []string{"prime", "--input", in, "--print", "count"}
	want, _, _ := runCLI(t, nil, append(args, "--backend", "serial")...)
	got, stderr, code := runCLI(t, []string{"FAKECUDA_DEVICES=2", "FAKECUDA_MEMORY=1M,2M", "FAKECUDA_TRACE=" + trace}, append(args, "--backend", "gpu")...)
	if code != 0 || got != want {
		t.Fatalf("exit %d, count %q, want %q: %s", code, got, want, stderr)
	}
	overlapped := map[int]int{}
	for _, l := range readTrace(t, trace) {
		if l.fn == "cuMemcpyHtoDAsync_v2" && l.bytes > 8 && l.busy > 0 {
			overlapped[l.dev]++
		}
	}
	for dev := range 2 {
		if overlapped[dev] == 0 {
			t.Errorf("device %d: no copy in was issued while kernels on another stream were queued (%v)", dev, overlapped)
		}
	}
}

// resizeInputs writes n PNGs into a new folder: of a few sizes and kinds
// (gray, RGB, RGBA) when varied, else all RGBA of one size.
func resizeInputs(t *testing.T, n int, varied bool) string {
	t.Helper()
	in := t.TempDir()
	sizes := [][2]int{{96, 64}, {157, 121}, {301, 257}, {64, 200}}
	for i := range n {
		r := image.Rect(0, 0, sizes[i%len(sizes)][0], sizes[i%len(sizes)][1])
		kind := i % 3
		if !varied {
			r, kind = image.Rect(0, 0, 157, 121), 2
		}
		var img image.Image
		switch kind {
		case 0:
			g := image.NewGray(r)
			for j := range g.Pix {
				g.Pix[j] = uint8((j*13 + i*7) % 251)
			}
			img = g
		case 1:
			m := image.NewNRGBA(r)
			for j := range m.Pix {
				m.Pix[j] = uint8((j*13 + i*7) % 251)
				if j%4 == 3 {
					m.Pix[j] = 255
				}
			}
			img = m
		default:
			m := image.NewNRGBA(r)
			for j := range m.Pix {
				m.Pix[j] = uint8((j*11 + i*3) % 251)
			}
			img = m
		}
		var buf bytes.Buffer
		if err := png.Encode(&buf, img); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(in, fmt.Sprintf("img%03d.png", i)), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return in
}

// sameFiles reports the files of got that differ from want's, and
// whether every file of want is in got.
func sameFiles(t *testing.T, want, got string) (differ []string, all bool) {
	t.Helper()
	entries, err := os.ReadDir(want)
	if err != nil {
		t.Fatal(err)
	}
	all = true
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(got, e.Name()))
		if err != nil {
			all = false
			continue
		}
		a, _ := os.ReadFile(filepath.Join(want, e.Name()))
		if !bytes.Equal(a, b) {
			differ = append(differ, e.Name())
		}
	}
	if gotEntries, _ := os.ReadDir(got); len(gotEntries) > len(entries) {
		differ = append(differ, fmt.Sprintf("%d files where serial wrote %d", len(gotEntries), len(entries)))
	}
	return differ, all
}

// TestPluginResizeDevices: through the real plugin on fakecuda, with 1, 2
// and 4 devices of different sizes (so different bands), resize --backend
// gpu writes serial's files byte for byte; with one device lost
// mid-batch, whose images are redone on the other, too. The only device
// lost: exit 1, the CUresult named, and every file written whole.
func TestPluginResizeDevices(t *testing.T) {
	in := resizeInputs(t, 30, true)
	args := []string{"resize", "--size", "97x61", "--fit", "fill", "--quiet", "--workers", "8"}
	want := filepath.Join(t.TempDir(), "serial")
	if _, stderr, code := runCLI(t, nil, append(args, "--backend", "serial", "--out", want, in)...); code != 0 {
		t.Fatalf("serial: exit %d: %s", code, stderr)
	}
	for _, c := range []struct {
		name     string
		settings []string
		stderr   string
	}{
		{"1 device", []string{"FAKECUDA_MEMORY=256K"}, ""},
		{"2 devices", []string{"FAKECUDA_DEVICES=2", "FAKECUDA_MEMORY=256K,4M"}, ""},
		{"4 devices", []string{"FAKECUDA_DEVICES=4", "FAKECUDA_MEMORY=1M,256K,2M,4M"}, ""},
		{"device 1 lost", []string{"FAKECUDA_DEVICES=2", "FAKECUDA_MEMORY=1M,512K", "FAKECUDA_LOSE_DEVICE=3@1"},
			"GPU 1 failed and is no longer used; the others resize its images"},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "gpu")
			_, stderr, code := runCLI(t, c.settings, append(args, "--backend", "gpu", "--out", out, in)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if differ, all := sameFiles(t, want, out); len(differ) > 0 || !all {
				t.Errorf("the GPU's files differ from serial's: %v (all written: %v)", differ, all)
			}
			if !strings.Contains(stderr, c.stderr) {
				t.Errorf("stderr %q, want %q", stderr, c.stderr)
			}
		})
	}
	t.Run("the only device lost", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "gpu")
		_, stderr, code := runCLI(t, []string{"FAKECUDA_MEMORY=1M", "FAKECUDA_LOSE_DEVICE=5"}, append(args, "--backend", "gpu", "--out", out, in)...)
		if code != 1 || !strings.Contains(stderr, "CUDA_ERROR_UNKNOWN (999)") {
			t.Errorf("exit %d, stderr %q: want 1 and the CUresult", code, stderr)
		}
		if differ, _ := sameFiles(t, want, out); len(differ) > 0 {
			t.Errorf("files not whole: %v", differ)
		}
	})
}

// TestPluginResizeDevicesTrace: a 100-image batch of like images on four
// devices of different sizes, from fakecuda's call log: every device
// resized images, and none allocates after its first images (each lane's
// buffers and the tables: at most 24 launches in), nor more than its lanes
// and tables need, whatever the number of images; and on each device at
// least half the images' copies, in and out, are issued while kernels on
// another of its streams are queued and not yet run (they overlap on a
// GPU): an image's two bands take the lane's two streams, so the second
// band's copies overlap the first's kernels even with one image in flight.
func TestPluginResizeDevicesTrace(t *testing.T) {
	in := resizeInputs(t, 100, false)
	trace := filepath.Join(t.TempDir(), "trace")
	args := []string{"resize", "--size", "97x61", "--fit", "fill", "--quiet", "--workers", "8"}
	want := filepath.Join(t.TempDir(), "serial")
	if _, stderr, code := runCLI(t, nil, append(args, "--backend", "serial", "--out", want, in)...); code != 0 {
		t.Fatalf("serial: exit %d: %s", code, stderr)
	}
	out := filepath.Join(t.TempDir(), "gpu")
	_, stderr, code := runCLI(t, []string{"FAKECUDA_DEVICES=4", "FAKECUDA_MEMORY=16M,32M,8M,64M", "FAKECUDA_TRACE=" + trace},
		append(args, "--backend", "gpu", "--out", out, in)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if differ, all := sameFiles(t, want, out); len(differ) > 0 || !all {
		t.Fatalf("the GPU's files differ from serial's: %v (all written: %v)", differ, all)
	}
	type perDev struct{ allocs, launches, lastAlloc, copies, overlapped int }
	devs := map[int]*perDev{}
	for _, l := range readTrace(t, trace) {
		if l.dev < 0 {
			continue
		}
		d := devs[l.dev]
		if d == nil {
			d = &perDev{}
			devs[l.dev] = d
		}
		switch l.fn {
		case "cuMemAlloc_v2", "cuMemAllocHost_v2":
			d.allocs++
			d.lastAlloc = d.launches
		case "cuLaunchKernel":
			d.launches++
		case "cuMemcpyHtoDAsync_v2", "cuMemcpyDtoHAsync_v2":
			d.copies++
			if l.busy > 0 {
				d.overlapped++
			}
		}
	}
	for dev := range 4 {
		d := devs[dev]
		if d == nil || d.launches == 0 {
			t.Errorf("device %d resized no image", dev)
			continue
		}
		t.Logf("device %d: %d launches (%d images), %d allocations, the last after %d launches; %d of %d copies issued over queued kernels", dev, d.launches, d.launches/4, d.allocs, d.lastAlloc, d.overlapped, d.copies)
		// Three lanes of two slots (5 buffers each) and two tables of
		// three arrays, each staged through a pinned buffer: 42.
		if d.allocs > 3*2*5+2*3*2 {
			t.Errorf("device %d: %d allocations for its images: some are per image", dev, d.allocs)
		}
		// Each lane's first image: two bands of two launches.
		if d.lastAlloc > 2*2*3*2 {
			t.Errorf("device %d: an allocation after %d of its launches: after its first images, none should be needed", dev, d.lastAlloc)
		}
		// The tables' six copies are synchronous, the images' are not.
		if 2*d.overlapped < d.copies-2*3 {
			t.Errorf("device %d: %d of %d copies issued while kernels on another stream were queued: want half the images' at least", dev, d.overlapped, d.copies)
		}
	}
}
