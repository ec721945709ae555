package corescale_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// layers lists every package of the module, by its path below the module
// ("" is the root), with the module's packages it may import. The tree is
// layered: shared types and helpers at the bottom, the engines (cpu/,
// gpu/) and the batch pipeline above them, internal/backend choosing
// among the engines, then the harness (bench/) and the command (cmd/) on
// top. No package imports one above it or beside it: cpu/ and gpu/ never
// import each other, and the pipeline takes its resizer as an interface.
// A new package must be placed here.
var layers = map[string][]string{
	// Leaves: nothing of corescale.
	"":                    nil,
	"internal/chunk":      nil,
	"internal/atomicfile": nil,
	"internal/jpegturbo":  nil,
	"internal/icc":        nil,
	"internal/numbers":    nil,
	"internal/primecases": nil,
	"internal/shard":      nil,
	"internal/quote":      nil,
	"kernels":             nil,
	"bench/stats":         nil,
	"bench/chart":         nil,
	// Shared below the engines.
	"internal/resample":  {""},
	"internal/testchart": {"internal/chunk"},
	"internal/imagefile": {"internal/icc", "internal/jpegturbo"},
	// The engines, and the batch pipeline.
	"cpu/prime":          {"internal/chunk"},
	"cpu/sieve":          {"cpu/prime", "internal/chunk"},
	"cpu/bigprime":       {"cpu/prime", "internal/chunk"},
	"cpu/resize":         {"", "internal/chunk", "internal/resample"},
	"gpu":                {"", "internal/resample", "kernels"},
	"gpu/emu":            {"gpu", "kernels"},
	"gpu/fakecuda":       nil,
	"internal/thumbnail": {"", "internal/atomicfile", "internal/icc", "internal/imagefile", "internal/quote"},
	// Choosing among the engines.
	"internal/backend": {"", "cpu/prime", "cpu/resize", "cpu/sieve", "gpu", "gpu/emu", "internal/thumbnail"},
	// The harness and the command.
	"bench": {"", "bench/chart", "bench/stats", "cpu/bigprime", "cpu/prime", "cpu/resize", "cpu/sieve", "gpu", "internal/atomicfile", "internal/backend",
		"internal/chunk", "internal/imagefile", "internal/numbers", "internal/testchart", "internal/thumbnail"},
	"cmd/corescale/primeio": {"internal/numbers"},
	"cmd/corescale": {"", "bench", "cmd/corescale/primeio", "cpu/bigprime", "cpu/prime", "cpu/resize", "cpu/sieve", "gpu", "internal/atomicfile",
		"internal/backend", "internal/chunk", "internal/imagefile", "internal/quote", "internal/shard", "internal/thumbnail"},
}

const module = "github.com/corescale/corescale"

// packages returns each package of the module with the module's packages
// it imports (not counting its tests), from go list.
func packages(t *testing.T) map[string][]string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		goTool = filepath.Join(os.Getenv("GOROOT"), "bin", "go")
	}
	out, err := exec.Command(goTool, "list", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	pkgs := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		var mine []string
		for _, imp := range fields[1:] {
			if rel, ok := inModule(imp); ok {
				mine = append(mine, rel)
			}
		}
		rel, _ := inModule(fields[0])
		pkgs[rel] = mine
	}
	return pkgs
}

func inModule(path string) (string, bool) {
	if path == module {
		return "", true
	}
	rel, ok := strings.CutPrefix(path, module+"/")
	return rel, ok
}

// TestImportsFollowTheLayers fails when a package imports one that its
// layer does not allow: upward, or across between the engines.
func TestImportsFollowTheLayers(t *testing.T) {
	for pkg, imports := range packages(t) {
		allowed, ok := layers[pkg]
		if !ok {
			t.Errorf("package %q is not placed in layout_test.go's layers", pkg)
			continue
		}
		for _, imp := range imports {
			if !slices.Contains(allowed, imp) {
				t.Errorf("%q imports %q, which its layer does not allow", pkg, imp)
			}
		}
	}
	for pkg := range layers {
		if _, err := os.Stat(filepath.Join(".", pkg)); err != nil {
			t.Errorf("layers lists %q, which is not there", pkg)
		}
	}
}

// TestDocs: every package has a doc.go that says what it must not import
// (or that it imports nothing of corescale).
func TestDocs(t *testing.T) {
	rule := regexp.MustCompile(`(?i)must not import|must import nothing|imports nothing`)
	comment := regexp.MustCompile(`\s*\n//\s*`)
	for pkg := range packages(t) {
		doc, err := os.ReadFile(filepath.Join(".", pkg, "doc.go"))
		if err != nil {
			t.Errorf("package %q has no doc.go", pkg)
			continue
		}
		if !rule.Match(comment.ReplaceAll(doc, []byte(" "))) {
			t.Errorf("%s/doc.go does not say what the package must not import", pkg)
		}
	}
}

// TestReadmeLayout: the README's layout lists every package folder, and
// every folder it lists is there.
func TestReadmeLayout(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, after, _ := strings.Cut(string(readme), "## Layout\n")
	block, _, _ := strings.Cut(strings.TrimPrefix(after, "\n```\n"), "```")
	listed := map[string]bool{}
	for _, line := range strings.Split(block, "\n") {
		if f := strings.Fields(line); len(f) > 0 {
			listed[strings.TrimSuffix(f[0], "/")] = true
		}
	}
	for pkg := range packages(t) {
		if pkg != "" && !listed[pkg] {
			t.Errorf("README's layout does not list %s/", pkg)
		}
	}
	for path := range listed {
		if _, err := os.Stat(path); err != nil {
			t.Errorf("README's layout lists %s, which is not there", path)
		}
	}
}
