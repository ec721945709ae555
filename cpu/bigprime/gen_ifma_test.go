package bigprime

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestIFMAAssemblyMatchesGenerator runs gen_ifma.go in a temporary
// directory and holds the committed ifma_amd64.s to its output, so that
// neither is edited without the other.
func TestIFMAAssemblyMatchesGenerator(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	dir := t.TempDir()
	src, err := os.ReadFile("gen_ifma.go")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "gen_ifma.go"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	// go test puts its own go command first in PATH.
	cmd := exec.Command("go", "run", "gen_ifma.go")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GO111MODULE=off", "GOFLAGS=")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go run gen_ifma.go: %v\n%s", err, out)
	}
	got, err := os.ReadFile(filepath.Join(dir, "ifma_amd64.s"))
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("ifma_amd64.s")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("ifma_amd64.s differs from what gen_ifma.go writes: run go generate ./cpu/bigprime")
	}
}
