package main

import (
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"testing"
)

// TestNoFontsAtStart: the binary links none of gonum.org/v1/plot and its
// fonts and drawing modules, whose package init parsed twelve Liberation
// TrueType fonts in every run of every command (4.4 MB resident, about a
// millisecond), and no package's init allocates more than a little: the
// charts' font is parsed when a chart is drawn, not before.
func TestNoFontsAtStart(t *testing.T) {
	bin := buildAsMake(t)
	for _, dep := range linkedOf(t, bin, "gonum.org/v1/plot", "codeberg.org/go-fonts/", "codeberg.org/go-latex/",
		"git.sr.ht/~sbinet/gg", "github.com/golang/freetype") {
		t.Errorf("corescale links %s", dep)
	}

	// GODEBUG=inittrace=1 prints a line per package init with what it
	// allocated; a parsed font is hundreds of kilobytes, the largest init
	// without one (encoding/gob's, tex2unicode's) about 27 kB.
	const most = 64 << 10
	cmd := exec.Command(bin, "--version")
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("corescale --version: %v\n%s", err, out)
	}
	line := regexp.MustCompile(`(?m)^init (\S+) @.*, (\d+) bytes, \d+ allocs$`)
	inits := line.FindAllSubmatch(out, -1)
	if len(inits) == 0 {
		t.Fatalf("no init trace in corescale's output:\n%s", out)
	}
	for _, m := range inits {
		if n, _ := strconv.Atoi(string(m[2])); n > most {
			t.Errorf("the init of %s allocates %d bytes at every start, over %d", m[1], n, most)
		}
	}
}
