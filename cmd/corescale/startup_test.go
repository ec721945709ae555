package main

import (
	"debug/buildinfo"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// makeTags returns the build tags that make build and make test use: the
// TAGS line of the Makefile.
func makeTags(t *testing.T) string {
	t.Helper()
	mk, err := os.ReadFile(filepath.Join("..", "..", "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^TAGS[ \t]*\?=[ \t]*(.*?)[ \t]*$`).FindSubmatch(mk)
	if m == nil {
		t.Fatal("the Makefile sets no TAGS")
	}
	return string(m[1])
}

// buildAsMake builds corescale into a test folder with the Makefile's tags.
func buildAsMake(t *testing.T) string {
	t.Helper()
	goTool := filepath.Join(os.Getenv("GOROOT"), "bin", "go")
	if os.Getenv("GOROOT") == "" {
		goTool = "go"
	}
	bin := filepath.Join(t.TempDir(), "corescale")
	if out, err := exec.Command(goTool, "build", "-tags", makeTags(t), "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestMakeBuildLeavesOutDocs: the binary make builds links none of
// urfave/cli's Markdown and man-page generation (blackfriday's init is
// paid by every run), and its help and version texts are the ones the
// library prints with it.
func TestMakeBuildLeavesOutDocs(t *testing.T) {
	bin := buildAsMake(t)
	info, err := buildinfo.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	for _, dep := range info.Deps {
		if strings.Contains(dep.Path, "blackfriday") || strings.Contains(dep.Path, "go-md2man") {
			t.Errorf("make's build links %s (tags %q)", dep.Path, makeTags(t))
		}
	}
	for _, args := range [][]string{{"--help"}, {"--version"}, {"prime", "--help"}, {"resize", "--help"}, {"bench", "--help"}, {"merge", "--help"}} {
		out, err := exec.Command(bin, args...).Output()
		if err != nil {
			t.Errorf("%s: %v", args, err)
		}
		want, _, code := runCLI("", args...)
		if code != 0 || string(out) != want {
			t.Errorf("%s printed\n%s\nwant (exit %d)\n%s", args, out, code, want)
		}
	}
}
