package imagefile

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// pythonWithPillow is the first Python that imports PIL: Debian's, where
// python3-pil installs it, before whatever python3 the PATH finds.
func pythonWithPillow() (string, error) {
	var err error
	for _, py := range []string{"/usr/bin/python3", "python3"} {
		if err = exec.Command(py, "-c", "import PIL").Run(); err == nil {
			return py, nil
		}
	}
	return "", err
}

// pillow runs a Python script with Pillow in dir, skipping the test where
// Pillow is missing, except in CI, which installs it (python3-pil) so that
// these comparisons always run there.
func pillow(t testing.TB, dir, script string, args ...string) {
	t.Helper()
	py, err := pythonWithPillow()
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("Pillow is needed (python3-pil): %v", err)
		}
		t.Skipf("Pillow not available: %v", err)
	}
	path := filepath.Join(dir, "script.py")
	if err := os.WriteFile(path, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(py, append([]string{path}, args...)...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s\n%s", py, path, err, out, script)
	}
}
