package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/corescale/corescale/bench"
)

func TestBenchUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"workload", []string{"--workload", "nope"}, "unknown workload"},
		{"size", []string{"--size", "huge"}, "unknown size"},
		{"backend", []string{"--backends", "tpu"}, "unknown backend"},
		{"empty backends", []string{"--backends", ","}, "empty"},
		{"workers", []string{"--workers", "0"}, "worker count"},
		{"workers text", []string{"--workers", "two"}, "worker count"},
		{"repeat", []string{"--repeat", "0"}, "--repeat"},
		{"min-time", []string{"--min-time", "-1s"}, "--min-time"},
		{"bad flag", []string{"--nope"}, "nope"},
		{"argument", []string{"extra"}, "no arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := runCLI("", append([]string{"bench", "--quiet"}, tt.args...)...)
			if code != 2 {
				t.Errorf("exit %d, want 2; stderr %q", code, errOut)
			}
			if !strings.Contains(errOut, tt.want) {
				t.Errorf("stderr %q lacks %q", errOut, tt.want)
			}
			if out != "" {
				t.Errorf("stdout %q", out)
			}
		})
	}
}

func TestBenchRun(t *testing.T) {
	dir := t.TempDir()
	js, csvf, md, plots := filepath.Join(dir, "b.json"), filepath.Join(dir, "b.csv"), filepath.Join(dir, "b.md"), filepath.Join(dir, "plots")
	out, errOut, code := runCLI("", "bench", "--workload", "prime-u32", "--size", "small",
		"--workers", "1,2", "--repeat", "1", "--min-time", "0", "--seed", "5",
		"--json", js, "--csv", csvf, "--markdown", md, "--plot", plots)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(errOut, "bench [") {
		t.Errorf("no progress on stderr: %q", errOut)
	}
	for _, want := range []string{"GOMAXPROCS", "prime-u32  serial", "prime-u32  parallel  2", "SERIAL FRACTION"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	b, err := os.ReadFile(js)
	if err != nil {
		t.Fatal(err)
	}
	var rep bench.Report
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Schema != bench.SchemaVersion || len(rep.Results) != 3 || rep.Config.Seed != 5 || rep.Config.Size != "small" {
		t.Errorf("report %+v", rep)
	}
	for _, f := range []string{csvf, md, filepath.Join(plots, "speedup-prime-u32.png"), filepath.Join(plots, "throughput-prime-u32.png")} {
		if st, err := os.Stat(f); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
}

func TestBenchEmulatedGPU(t *testing.T) {
	out, errOut, code := runCLI("", "bench", "--quiet", "--workload", "prime-u32", "--size", "small",
		"--backends", "serial,gpu-emu", "--repeat", "1", "--min-time", "0")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "gpu-emu (emulated; not a speed)") {
		t.Errorf("no emulated row:\n%s", out)
	}
}
