package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/corescale/corescale/bench"
)

// The JSON reports of bench on several nodes merge into one table of 1 to
// N nodes; a node missing or given twice is refused, naming the file.
func TestBenchReportsMerge(t *testing.T) {
	dir := t.TempDir()
	bench := func(name string, env []string, extra ...string) string {
		p := filepath.Join(dir, name)
		args := append([]string{"bench", "--workload", "prime-odd64", "--size", "small", "--repeat", "1", "--min-time", "1ms",
			"--workers", "1", "--quiet", "--json", p}, extra...)
		if _, errOut, code := runBin(t, env, args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
		return p
	}
	n0 := bench("n0.json", nil, "--shard", "0/3")
	n1 := bench("n1.json", []string{"SLURM_ARRAY_TASK_ID=1", "SLURM_ARRAY_TASK_COUNT=3"})
	n2 := bench("n2.json", []string{"JOB_COMPLETION_INDEX=2", "CORESCALE_SHARDS=3"})
	plain := bench("plain.json", nil)
	data, err := os.ReadFile(n1)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"shard": "1/3"`) || !strings.Contains(string(data), `"from": "SLURM_ARRAY_TASK_ID=1 and SLURM_ARRAY_TASK_COUNT=3"`) {
		t.Errorf("n1.json does not say it is node 1/3:\n%s", data)
	}
	if data, _ := os.ReadFile(plain); strings.Contains(string(data), "corescale_shard") {
		t.Errorf("bench --json without a shard changed: %s", data)
	}
	out := filepath.Join(dir, "merged.md")
	if _, errOut, code := runBin(t, nil, "merge", "--output", out, n2, n0, n1); code != 0 {
		t.Fatalf("merge: exit %d: %s", code, errOut)
	}
	md, _ := os.ReadFile(out)
	for _, want := range []string{"# corescale bench on 3 nodes", "| backend | workers | GPUs | 1 node | 2 nodes | 3 nodes | speedup |", "| serial | 1 | 0 |", "| 2 | "} {
		if !strings.Contains(string(md), want) {
			t.Errorf("merged report lacks %q:\n%s", want, md)
		}
	}
	for _, c := range []struct {
		files []string
		err   string
	}{
		{[]string{n0, n1}, "2 of 3 nodes' reports given"},
		{[]string{n0, n1, n1}, n1 + ": node 1/3 again"},
		{[]string{n0, plain}, plain + ": bench reports with and without --shard"},
	} {
		os.Remove(out)
		_, errOut, code := runBin(t, nil, append([]string{"merge", "--output", out}, c.files...)...)
		if code != 2 || !strings.Contains(errOut, c.err) {
			t.Errorf("merge %v: exit %d, %q; want 2 and %q", c.files, code, errOut, c.err)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("merge %v wrote %s", c.files, out)
		}
	}
	// Reports of plain runs merge as nodes in the order given.
	if stdout, errOut, code := runBin(t, nil, "merge", plain, plain); code != 0 || !strings.Contains(stdout, "2 nodes") {
		t.Errorf("merge of plain reports: exit %d, %s%s", code, stdout, errOut)
	}
}

// TestBenchMergeGPUs: a GPU row of a machine of several GPUs is merged
// with the devices it used, not as one GPU.
func TestBenchMergeGPUs(t *testing.T) {
	dir := t.TempDir()
	report := `{"schema": "` + bench.SchemaVersion + `", "results": [
		{"workload": "prime-odd64", "unit": "numbers", "backend": "gpu", "label": "gpu GPUs 0-1", "gpus": 2, "status": "ok", "throughput": 100},
		{"workload": "prime-odd64", "unit": "numbers", "backend": "gpu", "label": "gpu device 1", "gpus": 1, "status": "ok", "throughput": 50}]}`
	p := filepath.Join(dir, "r.json")
	if err := os.WriteFile(p, []byte(report), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, errOut, code := runBin(t, nil, "merge", p, p)
	if code != 0 {
		t.Fatalf("merge: exit %d: %s", code, errOut)
	}
	for _, want := range []string{"| gpu GPUs 0-1 | 0 | 2 | 100 | 200 | 2.00× |", "| gpu device 1 | 0 | 1 |"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("merged report lacks %q:\n%s", want, stdout)
		}
	}
}
