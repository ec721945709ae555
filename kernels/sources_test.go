package kernels

import (
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var updateSources = flag.Bool("update", false, "rewrite the source digests in gpu/emu and gpu/fakecuda")

// hostBuilds are the cgo packages that compile kernels/*.cu for the host by
// #include from this folder. Go's build cache hashes only a package's own
// files, so each keeps a digest of these sources in a header of its own
// (kernels_sources.h, included by its kernels.cc): an edited kernel then
// changes that header and forces the rebuild, instead of tests quietly
// running the old kernel.
var hostBuilds = []string{"../gpu/emu", "../gpu/fakecuda"}

// TestHostBuildsSeeTheSources fails when a kernel source changed and the
// digests were not rewritten (make ptx rewrites them).
func TestHostBuildsSeeTheSources(t *testing.T) {
	want, err := sourcesHeader()
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range hostBuilds {
		path := filepath.Join(dir, "kernels_sources.h")
		if *updateSources {
			if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (make ptx writes it)", err)
		}
		if string(got) != want {
			t.Errorf("%s is stale: kernels/*.cu or kernels/*.h changed; run make ptx (or go test ./kernels -run HostBuilds -update)", path)
		}
	}
}

// sourcesHeader is kernels_sources.h: the digest of every .cu and .h here,
// each name and content, in name order.
func sourcesHeader() (string, error) {
	var names []string
	for _, pattern := range []string{"*.cu", "*.h"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			return "", err
		}
		names = append(names, m...)
	}
	slices.Sort(names)
	h := sha256.New()
	for _, name := range names {
		b, err := os.ReadFile(name)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s %d\n", name, len(b))
		h.Write(b)
	}
	return fmt.Sprintf("// Written by make ptx (go test ./kernels -run HostBuilds -update): the\n"+
		"// digest of the kernel sources, so that Go's build cache rebuilds this\n"+
		"// package when a kernel it compiles for the host changes:\n"+
		"// kernels/%s.\n"+
		"#define CORESCALE_KERNEL_SOURCES \"%s\"\n", strings.Join(names, ", kernels/"), hex.EncodeToString(h.Sum(nil))), nil
}
