package main

import (
	"bytes"
	"debug/buildinfo"
	"debug/elf"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/metrics"
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

// linkedOf returns the modules linked into bin whose paths contain any of
// parts.
func linkedOf(t *testing.T, bin string, parts ...string) []string {
	t.Helper()
	info, err := buildinfo.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, dep := range info.Deps {
		for _, part := range parts {
			if strings.Contains(dep.Path, part) {
				found = append(found, dep.Path)
				break
			}
		}
	}
	return found
}

// buildAsMake builds corescale into a test folder with the Makefile's tags,
// for a test that runs the binary as a process (signals, what it links).
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
	for _, dep := range linkedOf(t, bin, "blackfriday", "go-md2man") {
		t.Errorf("make's build links %s (tags %q)", dep, makeTags(t))
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

// gogcReader yields its numbers and notes the collector's GOGC when the
// command first reads them: the setting the command's work runs with.
type gogcReader struct {
	r    io.Reader
	gogc int64
}

func (g *gogcReader) Read(p []byte) (int, error) {
	if g.gogc == 0 {
		g.gogc = currentGOGC()
	}
	return g.r.Read(p)
}

func currentGOGC() int64 {
	s := []metrics.Sample{{Name: "/gc/gogc:percent"}}
	metrics.Read(s)
	return int64(s[0].Value.Uint64())
}

// TestPrimeBatchGC: corescale prime runs with GOGC 400, which the
// environment's GOGC overrides, and the setting is put back after.
func TestPrimeBatchGC(t *testing.T) {
	before := currentGOGC()
	for _, tc := range []struct {
		env  string
		want int64
	}{
		{"", batchGCPercent},
		{"150", before}, // the runtime read GOGC at start: the process's own stays
	} {
		if tc.env != "" {
			t.Setenv("GOGC", tc.env)
		} else {
			// t.Setenv undoes itself; unset for this case alone.
			if v, ok := os.LookupEnv("GOGC"); ok {
				os.Unsetenv("GOGC")
				t.Cleanup(func() { os.Setenv("GOGC", v) })
			}
		}
		in := &gogcReader{r: strings.NewReader("7\n11\n")}
		var out, errOut bytes.Buffer
		if code := run([]string{"corescale", "prime", "--input", "-", "--print", "count"}, in, &out, &errOut); code != 0 || out.String() != "2\n" {
			t.Fatalf("GOGC=%q: exit %d, %q %q", tc.env, code, out.String(), errOut.String())
		}
		if in.gogc != tc.want {
			t.Errorf("GOGC=%q: prime ran with GOGC %d, want %d", tc.env, in.gogc, tc.want)
		}
		if after := currentGOGC(); after != before {
			t.Errorf("GOGC=%q: %d after the run, want %d as before", tc.env, after, before)
		}
	}
}

// TestHelpAfterDroppingFlags: a command line keeps the flags of the command
// it runs or asks help for, and only those (urfave/cli formats every flag
// it is given at start); each command's help, every way of asking, still
// lists all of its flags.
func TestHelpAfterDroppingFlags(t *testing.T) {
	app := newApp(strings.NewReader(""), io.Discard, io.Discard)
	dropUnusedFlags(app, []string{"corescale", "prime", "7"})
	for _, c := range app.Commands {
		if kept := len(c.Flags) > 0; kept != (c.Name == "prime") {
			t.Errorf("prime 7: %s keeps %d flags", c.Name, len(c.Flags))
		}
	}
	for _, newCmd := range commands {
		cmd := newCmd()
		for _, args := range [][]string{{cmd.Name, "--help"}, {cmd.Name, "-h"}, {"help", cmd.Name}, {"h", cmd.Name}, {"--help", cmd.Name}, {"-h", cmd.Name}} {
			out, errOut, code := runCLI("", args...)
			if code != 0 {
				t.Errorf("%s: exit %d: %s", args, code, errOut)
			}
			for _, f := range cmd.Flags {
				if !strings.Contains(out, "--"+f.Names()[0]) {
					t.Errorf("%s does not list --%s", args, f.Names()[0])
				}
			}
		}
	}
}

// TestSmallThreadLocalStorage: the binary's static thread-local storage,
// which glibc zeroes for every thread it starts, fits in a page. The
// emulated GPU kernels' shared arrays (kernels/host.h) made it 52 KiB: 13
// page faults for each of the threads that every run of corescale starts.
func TestSmallThreadLocalStorage(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	f, err := elf.Open(exe)
	if err != nil {
		t.Skipf("not an ELF binary: %v", err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_TLS && p.Memsz > 4096 {
			t.Errorf("%d bytes of static thread-local storage, want 4096 or fewer", p.Memsz)
		}
	}
}
