package bench

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/corescale/corescale"
	"github.com/corescale/corescale/bench/chart"
	"github.com/corescale/corescale/bench/stats"
)

// TestWritePlotsGoesOn: a plot that cannot be written (a folder holds its
// name) is reported, and the others are still written.
func TestWritePlotsGoesOn(t *testing.T) {
	cfg := tinyConfig(t, Serial(), CPU(1), CPU(2))
	cfg.Workloads = []string{PrimeU32, ResizeSmall}
	rep, err := Run(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	blocked := filepath.Join(dir, "speedup-"+PrimeU32+".png")
	if err := os.Mkdir(blocked, 0o755); err != nil {
		t.Fatal(err)
	}
	files, err := rep.WritePlots(dir)
	if err == nil || !strings.Contains(err.Error(), blocked) {
		t.Errorf("error %v does not name %s", err, blocked)
	}
	if len(files) != 3 {
		t.Errorf("wrote %q, want the 3 other plots", files)
	}
	for _, f := range files {
		if st, err := os.Stat(f); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
}

func speedupOf(x float64) *float64 { return &x }

// plotReport is a run on 1, 2 and 4 workers (listed out of order) and two
// GPUs: the row of both, one device's row after it, and an emulated row.
func plotReport() *Report {
	r := &Report{Machine: Machine{CPU: "test CPU"}}
	r.Config.Workloads = []string{PrimeU32}
	row := func(b corescale.Backend, label string, workers, gpus int, throughput float64, speedup *float64, emulated bool) Result {
		return Result{Workload: PrimeU32, Unit: "numbers", Backend: b, Label: label, Workers: workers, GPUs: gpus,
			Emulated: emulated, Wall: &Stats{}, Throughput: throughput, Speedup: speedup}
	}
	r.Results = []Result{
		row(corescale.Serial, "serial", 1, 0, 10e6, speedupOf(1), false),
		row(corescale.Parallel, "parallel", 4, 0, 30e6, speedupOf(3), false),
		row(corescale.Parallel, "parallel", 1, 0, 9e6, speedupOf(0.9), false),
		row(corescale.Parallel, "parallel", 2, 0, 18e6, speedupOf(1.8), false),
		row(corescale.GPU, "gpu", 0, 2, 60e6, speedupOf(6), false),
		row(corescale.GPU, "gpu device 0", 0, 1, 35e6, speedupOf(3.5), false),
		row(corescale.GPUEmu, "gpu-emu (emulated; not a speed)", 0, 1, 1e6, nil, true),
	}
	r.Scaling = []Scaling{{Workload: PrimeU32, SerialFraction: 0.1}}
	return r
}

// TestSpeedupChart: the speedup chart holds the ideal line, the Amdahl
// fit, the measured points in order of workers and the line of the GPU
// row that uses every device, whichever row comes last.
func TestSpeedupChart(t *testing.T) {
	c := plotReport().speedupChart(PrimeU32)
	if c == nil {
		t.Fatal("no speedup chart")
	}
	var labels []string
	for _, s := range c.Series {
		labels = append(labels, s.Label)
	}
	want := []string{"ideal (S = p)", "Amdahl fit, f = 0.100", "measured (parallel)", "gpu (6.00×)"}
	if !slices.Equal(labels, want) {
		t.Fatalf("series %q, want %q", labels, want)
	}
	measured := c.Series[2].Points
	if wantPts := []chart.Point{{X: 1, Y: 0.9}, {X: 2, Y: 1.8}, {X: 4, Y: 3}}; !slices.Equal(measured, wantPts) {
		t.Errorf("measured %v, want %v", measured, wantPts)
	}
	for _, p := range c.Series[3].Points {
		if p.Y != 6 {
			t.Errorf("gpu line at %v, want 6", p.Y)
		}
	}
	for _, p := range c.Series[1].Points {
		if want := stats.Amdahl(0.1, p.X); p.Y != want {
			t.Errorf("Amdahl curve at %v is %v, want %v", p.X, p.Y, want)
		}
	}
	if c.X.Max != 4.5 || !c.X.Whole || c.Y.Max < 6 {
		t.Errorf("axes %+v and %+v do not hold whole workers to 4 and speedups to 6", c.X, c.Y)
	}
	if _, err := c.Draw(); err != nil {
		t.Error(err)
	}
}

// TestThroughputChart: a bar per timed backend but the emulated one, in
// millions of numbers a second.
func TestThroughputChart(t *testing.T) {
	c := plotReport().throughputChart(PrimeU32)
	if c == nil {
		t.Fatal("no throughput chart")
	}
	wantLabels := []string{"serial", "parallel×4", "parallel×1", "parallel×2", "gpu", "gpu device 0"}
	wantValues := []float64{10, 30, 9, 18, 60, 35}
	if !slices.Equal(c.Labels, wantLabels) || !slices.Equal(c.Values, wantValues) {
		t.Errorf("bars %q %v, want %q %v", c.Labels, c.Values, wantLabels, wantValues)
	}
	if c.YLabel != "million numbers/s" {
		t.Errorf("Y axis %q, want million numbers/s", c.YLabel)
	}
}

// superlinearReport is a run on 1 and 2 workers, the second faster than
// twice the first (caches), with the serial fraction f fitted to it.
func superlinearReport(f float64) *Report {
	r := &Report{Machine: Machine{CPU: "test CPU"}}
	r.Config.Workloads = []string{PrimeU32}
	for _, p := range []struct {
		workers int
		speedup float64
	}{{1, 1}, {2, 2.9}} {
		r.Results = append(r.Results, Result{Workload: PrimeU32, Unit: "numbers", Backend: corescale.Parallel, Label: "parallel",
			Workers: p.workers, Wall: &Stats{}, Throughput: 1e6 * p.speedup, Speedup: speedupOf(p.speedup)})
	}
	r.Scaling = []Scaling{{Workload: PrimeU32, SerialFraction: f}}
	return r
}

// TestSpeedupChartHoldsSuperlinear: a measured speedup above the workers'
// axis (2.9 on 2 workers, the axis to 2.5) stays on the chart.
func TestSpeedupChartHoldsSuperlinear(t *testing.T) {
	c := superlinearReport(0.1).speedupChart(PrimeU32)
	for _, p := range c.Series[2].Points {
		if p.X > c.X.Max || p.Y > c.Y.Max {
			t.Errorf("measured (%v, %v) lies outside the axes, to %v and %v", p.X, p.Y, c.X.Max, c.Y.Max)
		}
	}
	if _, err := c.Draw(); err != nil {
		t.Error(err)
	}
}

// TestSpeedupChartNegativeFraction: with a negative serial fraction the
// law's speedup grows to a pole at (1−f)/(−f) workers (2.25 at f = −0.8)
// and is negative past it; the curve stops where it leaves the top of the
// axes, short of the pole, rather than fall from +huge to below 0 in a
// vertical line.
func TestSpeedupChartNegativeFraction(t *testing.T) {
	const f = -0.8
	c := superlinearReport(f).speedupChart(PrimeU32)
	curve := c.Series[1].Points
	for i, p := range curve {
		if want := stats.Amdahl(f, p.X); p.Y != want {
			t.Errorf("Amdahl curve at %v is %v, want %v", p.X, p.Y, want)
		}
		if !(p.Y > 0 && p.Y <= 2*c.Y.Max) {
			t.Errorf("Amdahl curve at %v is %v: want it from 0 to a little above the axis's top, %v", p.X, p.Y, c.Y.Max)
		}
		if i > 0 && !(p.X > curve[i-1].X) {
			t.Errorf("Amdahl curve goes back from X %v to %v", curve[i-1].X, p.X)
		}
	}
	if last := curve[len(curve)-1]; last.Y < c.Y.Max {
		t.Errorf("Amdahl curve ends at (%v, %v), under the axis's top %v: it stops short", last.X, last.Y, c.Y.Max)
	}
	if _, err := c.Draw(); err != nil {
		t.Error(err)
	}
}
