package sieve

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// The committed crossing loops are what gen_cross.py writes: an edit to
// the generated files alone would be lost at the next generation.
func TestGeneratedCrossing(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not installed")
	}
	dir := t.TempDir()
	gen, err := os.ReadFile("gen_cross.py")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "gen_cross.py"), gen, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(py, "gen_cross.py")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gen_cross.py: %v\n%s", err, out)
	}
	for _, name := range []string{"cross_gen.go", "cross_amd64.go", "cross_amd64.s"} {
		want, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("%s differs from what gen_cross.py writes: run python3 gen_cross.py in cpu/sieve", name)
		}
	}
}
