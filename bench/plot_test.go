package bench

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
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
