package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/corescale/corescale"
	"github.com/corescale/corescale/gpu/emu"
	"github.com/corescale/corescale/internal/backend"
)

// TestGPUDevicesAndSweep: on three emulated GPUs of different sizes, every
// GPU row reports each device's share and its kernel-only, with-copies and
// end-to-end throughputs from the engine's own per-device timings (the
// shares add up to the run), and the report carries the GPUs 1…3 sweep,
// labelled emulated and without speedups, in its table, Markdown and
// JSON.
func TestGPUDevicesAndSweep(t *testing.T) {
	drv := &emu.Driver{Memories: []int64{64 << 10, 128 << 10, 48 << 10}}
	choice := backend.Choice{Backend: corescale.GPUEmu, Workers: 1, Driver: drv}
	backends := append([]Backend{Serial(), FromChoice(choice)}, GPURows(3, func(d []int) Backend {
		c := choice
		c.Devices = d
		return FromChoice(c)
	})...)
	cfg := tinyConfig(t, backends...)
	cfg.Workloads = []string{"prime-odd64"}
	cfg.Sizes.Numbers = 40000
	rep, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Failed() {
		t.Fatalf("failures: %+v", rep.Results)
	}
	gpuRows := 0
	for _, r := range rep.Results {
		if r.Backend != corescale.GPUEmu {
			continue
		}
		gpuRows++
		if len(r.Devices) != r.GPUs {
			t.Errorf("%s: %d devices reported, %d used", r.Label, len(r.Devices), r.GPUs)
		}
		units := 0.0
		for _, d := range r.Devices {
			units += d.Units
			if d.Units <= 0 || d.Kernel <= 0 || d.WithCopies <= 0 || d.WithCopies > d.Kernel || d.EndToEnd <= 0 {
				t.Errorf("%s: device %+v", r.Label, d)
			}
		}
		if units != r.UnitsPerRun {
			t.Errorf("%s: the devices' shares add up to %g numbers a run, the run has %g", r.Label, units, r.UnitsPerRun)
		}
	}
	if gpuRows != 5 {
		t.Fatalf("%d GPU rows, want all three GPUs, each alone, GPUs 0-1", gpuRows)
	}
	if len(rep.GPUScaling) != 1 {
		t.Fatalf("GPU sweeps: %+v", rep.GPUScaling)
	}
	g := rep.GPUScaling[0]
	if !g.Emulated || len(g.Points) != 3 {
		t.Fatalf("sweep %+v", g)
	}
	for i, p := range g.Points {
		if p.GPUs != i+1 || p.Speedup != nil || !strings.Contains(p.Label, "emulated") {
			t.Errorf("sweep point %d: %+v", i, p)
		}
	}
	if g.Points[0].Label != "gpu-emu device 0 (emulated; not a speed)" || g.Points[2].Label != "gpu-emu (emulated; not a speed)" {
		t.Errorf("sweep rows %q … %q", g.Points[0].Label, g.Points[2].Label)
	}

	var tab, md, js bytes.Buffer
	if err := rep.WriteTable(&tab); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"GPU devices", "KERNEL-ONLY", "WITH COPIES", "END TO END", "Scaling over GPUs 1…N", "gpu-emu GPUs 0-1 (emulated; not a speed)"} {
		if !strings.Contains(tab.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, tab.String())
		}
	}
	if err := rep.WriteMarkdown(&md); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"## GPU devices", "## Scaling over GPUs"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("Markdown lacks %q", want)
		}
	}
	if err := rep.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(js.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if len(back.GPUScaling) != 1 || len(back.GPUScaling[0].Points) != 3 || len(back.Results[1].Devices) != 3 {
		t.Errorf("the JSON lost the sweep or the devices: %s", js.String())
	}
}

// TestGPUScalingSpeedups: on real GPUs the sweep's speedups are over
// device 0 alone; the other devices' own rows are not points of it.
func TestGPUScalingSpeedups(t *testing.T) {
	row := func(label string, gpus, device int, tput float64) Result {
		return Result{Workload: "w", Backend: corescale.GPU, Label: label, GPUs: gpus, Status: StatusOK, Throughput: tput,
			Devices: []DeviceResult{{Device: device}}}
	}
	rs := []Result{row("gpu", 3, 0, 270), row("gpu device 0", 1, 0, 100), row("gpu device 1", 1, 1, 50), row("gpu GPUs 0-1", 2, 0, 190),
		{Workload: "w", Backend: corescale.Parallel, Workers: 2, Status: StatusOK, Throughput: 10}}
	g := gpuScaling(rs, "w")
	if g == nil || g.Emulated || len(g.Points) != 3 {
		t.Fatalf("sweep %+v", g)
	}
	for i, want := range []float64{1, 1.9, 2.7} {
		if p := g.Points[i]; p.GPUs != i+1 || p.Speedup == nil || *p.Speedup != want {
			t.Errorf("point %d: %+v, want speedup %g", i, p, want)
		}
	}
	if gpuScaling(rs[1:2], "w") != nil {
		t.Errorf("one GPU makes a sweep")
	}
}
