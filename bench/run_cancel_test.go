package bench

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
)

// TestRunCancelled: a run whose context ends stops between runs with the
// context's error and leaves nothing in its scratch folder's parent, the
// thumbnail batch's files included.
func TestRunCancelled(t *testing.T) {
	cfg := tinyConfig(t, Serial(), CPU(1))
	cfg.Workloads = []string{Thumbnail, PrimeU32}
	cfg.Repeat = 1000
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	sawInputs := false
	cfg.Progress = func(_, _ int, what string) {
		if strings.Contains(what, "timing") {
			es, _ := os.ReadDir(cfg.TempDir)
			sawInputs = len(es) == 1
			cancel()
		}
	}
	rep, err := Run(ctx, cfg)
	if rep != nil || !errors.Is(err, context.Canceled) {
		t.Errorf("Run = %v, %v; want no report and context.Canceled", rep, err)
	}
	if !sawInputs {
		t.Error("no scratch folder while running")
	}
	if es, _ := os.ReadDir(cfg.TempDir); len(es) != 0 {
		t.Errorf("left behind: %v", es)
	}
}
