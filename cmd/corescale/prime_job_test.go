package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFileLines: auto's estimate of a file's numbers is its line count,
// exact for a file read whole, within a few percent from the first 64
// KiB of a larger one; not the file's size over two.
func TestFileLines(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	big := strings.Repeat("170141183460469231731687303715884105727\n", 300000) // 128 bits
	for _, c := range []struct {
		name, text string
		lo, hi     int64
	}{
		{"empty", "", 0, 0},
		{"one, unterminated", "7", 1, 1},
		{"three", "2\n3\n5\n", 3, 3},
		{"three, unterminated", "2\n3\n5", 3, 3},
		{"128-bit numbers", big, 290000, 310000},
	} {
		if got := fileLines(write(c.name, c.text)); got < c.lo || got > c.hi {
			t.Errorf("%s: %d lines, want %d to %d", c.name, got, c.lo, c.hi)
		}
	}
	if got := fileLines(dir); got != -1 {
		t.Errorf("a folder: %d, want -1", got)
	}
	if got := fileLines(filepath.Join(dir, "missing")); got != -1 {
		t.Errorf("a missing file: %d, want -1", got)
	}
}

// TestAutoSaysEstimate: auto's reason gives a file's count, which comes
// from its first 64 KiB, as an estimate, and the counts it knows exactly
// as they are.
func TestAutoSaysEstimate(t *testing.T) {
	input := filepath.Join(t.TempDir(), "numbers.txt")
	if err := os.WriteFile(input, []byte(strings.Repeat("1000003\n", 29_993)), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--input", input}, "auto chose parallel with 2 workers: about 30,000 numbers (under 1048576)"},
		{[]string{"--random", "1500"}, "auto chose parallel with 2 workers: 1500 numbers (under 1048576)"},
		{[]string{"97", "98", "99"}, "auto chose parallel with 2 workers: 3 numbers (under 1048576)"},
		{[]string{"--from", "1", "--to", "100"}, "auto chose parallel with 2 workers: a range of 100 numbers to sieve"},
	} {
		args := append([]string{"prime", "--verbose", "--workers", "2", "--print", "count"}, c.args...)
		_, stderr, code := runCLI("", args...)
		if code != 0 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want 0 and %q", c.args, code, stderr, c.want)
		}
	}
}
