package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/corescale/corescale"
	"github.com/corescale/corescale/cpu/prime"
	"github.com/corescale/corescale/cpu/resize"
	"github.com/corescale/corescale/internal/thumbnail"
)

// tiny keeps every workload to milliseconds.
var tiny = Sizes{Numbers: 2000, Primes: 200,
	Large: image.Pt(120, 80), LargeOut: image.Pt(12, 8),
	Small: image.Pt(40, 30), SmallOut: image.Pt(10, 8),
	ThumbFiles: 2, ThumbSrc: image.Pt(64, 48), ThumbOut: 16, SpinSteps: 1000}

func tinyConfig(t *testing.T, backends ...Backend) Config {
	return Config{Backends: backends, Sizes: tiny, SizeName: "tiny", Seed: 3, Repeat: 1,
		Machine: DescribeMachine(nil, errors.New("test: no GPU")), TempDir: t.TempDir()}
}

func TestRunEndToEnd(t *testing.T) {
	cfg := tinyConfig(t, Serial(), CPU(1), CPU(2))
	last, lastTotal := 0, 0
	cfg.Progress = func(done, total int, what string) {
		if done < last {
			t.Errorf("progress went back from %d to %d (%s)", last, done, what)
		}
		last, lastTotal = done, total
	}
	rep, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Failed() {
		t.Fatalf("failures: %+v", rep.Results)
	}
	if want := len(WorkloadNames) * 4; last != want || lastTotal != want {
		t.Errorf("progress ended at %d of %d, want %d of %d", last, lastTotal, want, want)
	}

	// The table: one row per workload and backend, and the scaling.
	var tab bytes.Buffer
	if err := rep.WriteTable(&tab); err != nil {
		t.Fatal(err)
	}
	out := tab.String()
	for _, want := range []string{"corescale bench:", "GOMAXPROCS", "GPU: none: test: no GPU", "WORKLOAD", "SPEEDUP", "KARP-FLATT", "SERIAL FRACTION", "Host probe: spin", "on 2 workers"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	for _, w := range WorkloadNames {
		var rows []string
		for _, l := range strings.Split(out, "\n") {
			if f := strings.Fields(l); len(f) > 3 && f[0] == w && f[len(f)-1] == "ok" {
				rows = append(rows, f[1]+" "+f[2])
			}
		}
		want := []string{"serial 1", "parallel 1", "parallel 2"}
		if !reflect.DeepEqual(rows, want) {
			t.Errorf("%s: rows %q, want %q", w, rows, want)
		}
	}
	if len(rep.Scaling) != len(WorkloadNames) {
		t.Errorf("%d scaling fits, want %d", len(rep.Scaling), len(WorkloadNames))
	}
	for _, r := range rep.Results {
		if r.Wall == nil || r.Repeats < 1 || r.Throughput <= 0 || r.Speedup == nil {
			t.Errorf("%s on %s: incomplete %+v", r.Workload, r.Label, r)
		}
		if r.Workload == Thumbnail && r.Phases["decode"] <= 0 {
			t.Errorf("thumbnail on %s: no decode phase: %v", r.Label, r.Phases)
		}
	}

	// The JSON has the documented schema, field for field.
	var js bytes.Buffer
	if err := rep.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(js.Bytes()))
	dec.DisallowUnknownFields()
	var back Report
	if err := dec.Decode(&back); err != nil {
		t.Fatalf("JSON does not decode into Report: %v", err)
	}
	if back.Schema != SchemaVersion || len(back.Results) != len(rep.Results) || back.Machine.Cores < 1 {
		t.Errorf("JSON round trip: %+v", back)
	}
	var generic map[string]any
	if err := json.Unmarshal(js.Bytes(), &generic); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"schema", "started", "elapsed_s", "machine", "config", "results", "scaling"} {
		if _, ok := generic[k]; !ok {
			t.Errorf("JSON lacks %q", k)
		}
	}
	res0 := generic["results"].([]any)[0].(map[string]any)
	for _, k := range []string{"workload", "kind", "unit", "units_per_run", "backend", "label", "workers", "emulated",
		"status", "repeats", "wall_s", "cpu_s", "throughput", "speedup", "efficiency"} {
		if _, ok := res0[k]; !ok {
			t.Errorf("JSON result lacks %q: %v", k, res0)
		}
	}
	for _, k := range []string{"n", "median", "min", "max", "mean", "sd", "ci_low", "ci_high"} {
		if _, ok := res0["wall_s"].(map[string]any)[k]; !ok {
			t.Errorf("JSON wall_s lacks %q", k)
		}
	}

	// CSV and Markdown: a line per result.
	var csvb, md bytes.Buffer
	if err := rep.WriteCSV(&csvb); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(csvb.String(), "\n"); n != len(rep.Results)+1 {
		t.Errorf("CSV has %d lines, want %d", n, len(rep.Results)+1)
	}
	if err := rep.WriteMarkdown(&md); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(md.String(), "| prime-odd64 | parallel | 2 |") {
		t.Errorf("Markdown lacks a row:\n%s", md.String())
	}

	// The plots are PNGs.
	dir := filepath.Join(t.TempDir(), "plots")
	files, err := rep.WritePlots(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2*len(WorkloadNames) {
		t.Errorf("%d plots, want %d", len(files), 2*len(WorkloadNames))
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Errorf("%s: %v", f, err)
		} else if img.Bounds().Dx() < 100 {
			t.Errorf("%s: %v", f, img.Bounds())
		}
	}
}

// wrongPrimes flips the verdict of the first number.
type wrongPrimes struct{}

func (wrongPrimes) TestPrimes(ns []uint64, out []bool) error {
	if err := (prime.Serial{}).TestPrimes(ns, out); err != nil {
		return err
	}
	out[0] = !out[0]
	return nil
}

// wrongResize brightens one byte.
type wrongResize struct{ e corescale.Resizer }

func (w wrongResize) Resize(dst, src *corescale.Raster) error {
	if err := w.e.Resize(dst, src); err != nil {
		return err
	}
	dst.Pix[len(dst.Pix)/2]++
	return nil
}

// wrongImages is the CPU engine with one pixel of each image changed.
type wrongImages struct{ e *resize.Engine }

func (w wrongImages) ResizeImage(img image.Image, width, height int) (image.Image, error) {
	out, err := w.e.ResizeImage(img, width, height)
	if m, ok := out.(*image.YCbCr); ok {
		m.Y[len(m.Y)/2] ^= 0x40
	} else if m, ok := out.(*image.RGBA); ok {
		m.Pix[len(m.Pix)/2] ^= 0x40
	}
	return out, err
}

func TestMismatchCaught(t *testing.T) {
	bad := Backend{Name: "bad", Workers: 1,
		NewPrimeTester: func() (corescale.PrimeTester, error) { return wrongPrimes{}, nil },
		NewResizer: func(opt resize.Options) (corescale.Resizer, error) {
			opt.Workers = 1
			e, err := resize.New(opt)
			return wrongResize{e}, err
		},
		NewThumbnails: func(opt resize.Options, b *thumbnail.Batch) (thumbnail.Resizer, int, error) {
			opt.Workers = 1
			e, err := resize.New(opt)
			return wrongImages{e}, 1, err
		},
	}
	broken := Backend{Name: "broken", NewPrimeTester: func() (corescale.PrimeTester, error) {
		return nil, errors.New("no engine")
	}}
	cfg := tinyConfig(t, Serial(), bad, broken)
	rep, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Failed() {
		t.Error("the report does not say it failed")
	}
	for _, r := range rep.Results {
		var want string
		switch {
		case r.Backend == "serial":
			want = StatusOK
		case r.Workload == Spin || strings.HasPrefix(r.Workload, "prime-range") ||
			slices.Contains([]string{Prime128, Prime256, Prime512, Prime2048}, r.Workload):
			// The probe, the sieve of a range and the multi-limb engine
			// run the same code on every CPU backend.
			want = map[bool]string{true: StatusOK, false: StatusSkipped}[r.Workers > 0]
		case r.Backend == "bad":
			want = StatusMismatch
		case r.Kind == "prime":
			want = StatusError
		default:
			want = StatusSkipped
		}
		if r.Status != want {
			t.Errorf("%s on %s: status %s (%s), want %s", r.Workload, r.Backend, r.Status, r.Error, want)
		}
		if r.Status != StatusOK && (r.Wall != nil || r.Repeats != 0) {
			t.Errorf("%s on %s: timed after a %s", r.Workload, r.Backend, r.Status)
		}
		if r.Status == StatusMismatch && !strings.Contains(r.Error, "differ") {
			t.Errorf("%s: mismatch message %q", r.Workload, r.Error)
		}
	}
	var tab bytes.Buffer
	rep.WriteTable(&tab)
	if !strings.Contains(tab.String(), "prime-odd64 on bad: mismatch: 1 of 2000 verdicts differ") {
		t.Errorf("table does not report the mismatch:\n%s", tab.String())
	}
}

func TestEmulatedNotCompared(t *testing.T) {
	emu := CPU(1)
	emu.Name, emu.Workers, emu.Emulated = "gpu-emu", 0, true
	cfg := tinyConfig(t, Serial(), emu)
	cfg.Workloads = []string{"prime-u32"}
	rep, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	r := rep.Results[1]
	if r.Status != StatusOK || r.Label != "gpu-emu (emulated; not a speed)" || r.Speedup != nil || r.Efficiency != nil {
		t.Errorf("emulated result: %+v", r)
	}
}

func TestSelectWorkloads(t *testing.T) {
	tests := []struct {
		in   []string
		want []string
		err  bool
	}{
		{nil, WorkloadNames, false},
		{[]string{"all"}, WorkloadNames, false},
		{[]string{"thumbnail", "prime-u32"}, []string{PrimeU32, Thumbnail}, false},
		{[]string{"prime"}, []string{PrimeOdd64, PrimePrimes64, PrimeU32, PrimeRange12, PrimeRange18, PrimeRange64, Prime128, Prime256, Prime512, Prime2048}, false},
		{[]string{"resize"}, []string{ResizeLarge, ResizeLargeFast, ResizeSmall, ResizeSmallFast}, false},
		{[]string{"nope"}, nil, true},
		{[]string{"prime", ""}, nil, true},
		{[]string{" "}, nil, true},
	}
	for _, tt := range tests {
		got, err := SelectWorkloads(tt.in)
		if (err != nil) != tt.err || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("SelectWorkloads(%q) = %q, %v", tt.in, got, err)
		}
	}
}

func TestWorkerCounts(t *testing.T) {
	for cores, want := range map[int][]int{1: {1}, 2: {1, 2}, 4: {1, 2, 4}, 6: {1, 2, 4, 6}, 8: {1, 2, 4, 8}} {
		if got := WorkerCounts(cores); !reflect.DeepEqual(got, want) {
			t.Errorf("WorkerCounts(%d) = %v, want %v", cores, got, want)
		}
	}
}

func TestSizesFor(t *testing.T) {
	for _, n := range []string{"small", "medium", "large"} {
		if _, err := SizesFor(n); err != nil {
			t.Error(err)
		}
	}
	if _, err := SizesFor("huge"); err == nil {
		t.Error("huge accepted")
	}
}

// loggedPrimes is the serial engine, noting each call in a shared log and
// sleeping for cost.
type loggedPrimes struct {
	name string
	log  *[]string
	cost time.Duration
}

func (l loggedPrimes) TestPrimes(ns []uint64, out []bool) error {
	*l.log = append(*l.log, l.name)
	time.Sleep(l.cost)
	return prime.Serial{}.TestPrimes(ns, out)
}

// TestRoundsInterleave checks the order of the runs: one checked run and
// one warm-up run of each backend, then rounds that each hold a fixed
// number k of runs of the faster backend and one of the slower, until both
// have their runs, then the emulated backend on its own.
func TestRoundsInterleave(t *testing.T) {
	var log []string
	logged := func(name string, workers int, cost time.Duration) Backend {
		b := Serial()
		b.Name, b.Workers = corescale.Backend(name), workers
		b.NewPrimeTester = func() (corescale.PrimeTester, error) { return loggedPrimes{name, &log, cost}, nil }
		return b
	}
	emu := logged("e", 0, 20*time.Millisecond)
	emu.Emulated = true
	cfg := tinyConfig(t, logged("a", 1, 5*time.Millisecond), logged("b", 2, 20*time.Millisecond), emu)
	cfg.Workloads, cfg.Repeat, cfg.MinTime, cfg.MaxRepeat = []string{PrimeU32}, 2, 30*time.Millisecond, 50
	rep, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(log, "")
	if !strings.HasPrefix(got, "abeabe") {
		t.Fatalf("runs %q: want the checks and the warm-ups, abeabe, first", got)
	}
	timed, ok := strings.CutSuffix(got[6:], "ee")
	k := strings.Index(timed, "b")
	if !ok || k < 1 || len(timed)%(k+1) != 0 || timed != strings.Repeat(strings.Repeat("a", k)+"b", len(timed)/(k+1)) {
		t.Errorf("timed runs %q: want rounds of some number of a then one b, then ee", got[6:])
	}
	for _, r := range rep.Results {
		if r.Repeats < cfg.Repeat {
			t.Errorf("%s: %d timed runs, want at least %d", r.Backend, r.Repeats, cfg.Repeat)
		}
	}
}

// TestSpinSplit checks that the spin probe computes every bundle once,
// whatever the worker count.
func TestSpinSplit(t *testing.T) {
	ref := make([]uint64, spinBundles)
	spin(ref, 50, 1)
	for _, w := range []int{2, 3, 5, 7, 12, 1000, 2000} {
		out := make([]uint64, spinBundles)
		spin(out, 50, w)
		if bad, first := differences(out, ref); bad > 0 {
			t.Errorf("%d workers: %d bundles differ from one worker's, first %d", w, bad, first)
		}
	}
}
