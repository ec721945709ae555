package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestOutputNotCreatable: an output path on the command line that cannot be
// created is bad usage for every command: exit 2, a message naming the
// path, and nothing left behind, in the output's folder or the inputs'.
func TestOutputNotCreatable(t *testing.T) {
	inputs := t.TempDir()
	png := filepath.Join(inputs, "a.png")
	writePNG(t, png, 20, 10, 1)
	var shards []string
	for _, k := range []string{"0", "1"} {
		p := filepath.Join(inputs, "count."+k)
		if _, errOut, code := runBin(t, nil, "prime", "--from", "1", "--to", "100", "--print", "count", "--shard", k+"/2", "--output", p); code != 0 {
			t.Fatalf("shard %s: exit %d: %s", k, code, errOut)
		}
		shards = append(shards, p)
	}
	report := filepath.Join(inputs, "report.json")
	if _, errOut, code := runBin(t, nil, "bench", "--workload", "prime-u32", "--size", "small", "--repeat", "1", "--min-time", "0",
		"--backends", "serial", "--quiet", "--json", report); code != 0 {
		t.Fatalf("bench --json: exit %d: %s", code, errOut)
	}
	commands := []struct {
		name string
		args func(out string) []string
	}{
		{"prime", func(out string) []string { return []string{"prime", "--output", out, "7"} }},
		{"prime range", func(out string) []string { return []string{"prime", "--from", "1", "--to", "1000", "--output", out} }},
		{"prime shard", func(out string) []string {
			return []string{"prime", "--from", "1", "--to", "1000", "--shard", "0/2", "--output", out}
		}},
		{"bench", func(out string) []string {
			return []string{"bench", "--workload", "prime-u32", "--size", "small", "--repeat", "1", "--min-time", "0", "--backends", "serial", "--json", out}
		}},
		{"merge", func(out string) []string { return append([]string{"merge", "--output", out}, shards...) }},
		{"merge reports", func(out string) []string { return []string{"merge", "--output", out, report, report} }},
		{"resize", func(out string) []string { return []string{"resize", "--size", "10x", "--out", out, png} }},
	}
	outputs := []struct {
		name string
		path func(dir string) string
		// resize makes the folders of --out; it cannot make one under a file.
		resizeMakes bool
	}{
		{"in a missing folder", func(dir string) string { return filepath.Join(dir, "missing", "out") }, true},
		{"under a file", func(dir string) string { return filepath.Join(dir, "file", "out") }, false},
	}
	for _, c := range commands {
		for _, o := range outputs {
			if c.name == "resize" && o.resizeMakes {
				continue
			}
			t.Run(c.name+" "+o.name, func(t *testing.T) {
				dir := t.TempDir()
				if err := os.WriteFile(filepath.Join(dir, "file"), []byte("x"), 0o644); err != nil {
					t.Fatal(err)
				}
				before := listTree(t, inputs)
				out := o.path(dir)
				stdout, stderr, code := runBin(t, nil, c.args(out)...)
				if code != 2 {
					t.Errorf("exit %d, want 2; stderr %q", code, stderr)
				}
				if !strings.Contains(stderr, out) {
					t.Errorf("stderr %q does not name %s", stderr, out)
				}
				if stdout != "" {
					t.Errorf("printed %q before refusing", stdout)
				}
				if got := listTree(t, dir); !slices.Equal(got, []string{"file"}) {
					t.Errorf("left behind in the output's folder: %q", got)
				}
				if after := listTree(t, inputs); !slices.Equal(after, before) {
					t.Errorf("the inputs' folder changed: %q, was %q", after, before)
				}
			})
		}
	}
}

// listTree is every path under dir, relative to it, hidden files too.
func listTree(t *testing.T, dir string) []string {
	t.Helper()
	var paths []string
	err := filepath.WalkDir(dir, func(p string, _ os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != dir {
			rel, _ := filepath.Rel(dir, p)
			paths = append(paths, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return paths
}
