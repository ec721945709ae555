package bench

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/corescale/corescale"
	"github.com/corescale/corescale/gpu/emu"
	"github.com/corescale/corescale/internal/backend"
)

// TestBigPrimeOnGPU: the prime-128/256/512/2048 workloads run on a GPU
// backend (its big-number engine), checked against the serial engine and
// labelled emulated on the emulator.
func TestBigPrimeOnGPU(t *testing.T) {
	choice := backend.Choice{Backend: corescale.GPUEmu, Workers: 1, Driver: &emu.Driver{}}
	cfg := tinyConfig(t, Serial(), FromChoice(choice))
	cfg.Workloads = []string{Prime128, Prime256, Prime512, Prime2048}
	rep, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	ran := 0
	for _, r := range rep.Results {
		if r.Backend != corescale.GPUEmu {
			continue
		}
		ran++
		if r.Status != StatusOK {
			t.Errorf("%s on %s: %s %s", r.Workload, r.Label, r.Status, r.Error)
		}
	}
	if ran != 4 {
		t.Errorf("%d gpu-emu rows, want 4", ran)
	}
	var tab bytes.Buffer
	rep.WriteTable(&tab)
	if !strings.Contains(tab.String(), "gpu-emu (emulated; not a speed)") {
		t.Errorf("table does not label the emulated rows:\n%s", tab.String())
	}
}
