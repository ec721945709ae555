package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/corescale/corescale/bench"
)

func TestBenchUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"workload", []string{"--workload", "nope"}, "unknown workload"},
		{"size", []string{"--size", "huge"}, "unknown size"},
		{"backend", []string{"--backends", "tpu"}, "unknown backend"},
		{"empty backends", []string{"--backends", ","}, "empty"},
		{"workers", []string{"--workers", "0"}, "worker count"},
		{"workers text", []string{"--workers", "two"}, "worker count"},
		{"repeat", []string{"--repeat", "0"}, "--repeat"},
		{"min-time", []string{"--min-time", "-1s"}, "--min-time"},
		{"bad flag", []string{"--nope"}, "nope"},
		{"argument", []string{"extra"}, "no arguments"},

		// An empty item is a mistake, not a default: each names the flag
		// and the list.
		{"empty workers item", []string{"--workers", "1,,2"}, `--workers "1,,2": item 2 is empty`},
		{"trailing comma", []string{"--workers", "1,2,"}, `--workers "1,2,": item 3 is empty`},
		{"empty workers", []string{"--workers", ""}, "--workers: empty list"},
		{"empty workload", []string{"--workload", ""}, "--workload: empty list"},
		{"blank workload", []string{"--workload", " "}, "--workload: empty list"},
		{"empty workload item", []string{"--workload", "prime-u32,,spin"}, `--workload "prime-u32,,spin": item 2 is empty`},
		{"empty backends item", []string{"--backends", "serial,,parallel"}, `--backends "serial,,parallel": item 2 is empty`},
		{"unknown workload names the flag", []string{"--workload", "nope"}, `--workload: unknown workload "nope"`},
		// --min-time says what a duration looks like.
		{"min-time no unit", []string{"--min-time", "-1"}, `--min-time "-1": want a duration such as 300ms or 2s`},
		{"min-time bare number", []string{"--min-time", "5"}, `--min-time "5": want a duration such as 300ms or 2s`},
		{"min-time negative", []string{"--min-time", "-1s"}, `--min-time "-1s": want a duration such as 300ms or 2s`},
		{"min-time word", []string{"--min-time", "soon"}, `--min-time "soon": want a duration such as 300ms or 2s`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Small, so that code which accepts the line runs briefly.
			args := []string{"bench", "--quiet", "--size", "small", "--repeat", "1", "--workload", "prime-u32", "--backends", "serial", "--min-time", "0"}
			out, errOut, code := runCLI("", append(args, tt.args...)...)
			if code != 2 {
				t.Errorf("exit %d, want 2; stderr %q", code, errOut)
			}
			if !strings.Contains(errOut, tt.want) {
				t.Errorf("stderr %q lacks %q", errOut, tt.want)
			}
			if out != "" {
				t.Errorf("stdout %q", out)
			}
		})
	}
}

func TestBenchRun(t *testing.T) {
	dir := t.TempDir()
	js, csvf, md, plots := filepath.Join(dir, "b.json"), filepath.Join(dir, "b.csv"), filepath.Join(dir, "b.md"), filepath.Join(dir, "plots")
	out, errOut, code := runCLI("", "bench", "--workload", "prime-u32", "--size", "small",
		"--workers", "1,2", "--repeat", "1", "--min-time", "0", "--seed", "5",
		"--json", js, "--csv", csvf, "--markdown", md, "--plot", plots)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(errOut, "bench [") {
		t.Errorf("no progress on stderr: %q", errOut)
	}
	for _, want := range []string{"GOMAXPROCS", "prime-u32  serial", "prime-u32  parallel  2", "SERIAL FRACTION"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	b, err := os.ReadFile(js)
	if err != nil {
		t.Fatal(err)
	}
	var rep bench.Report
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Schema != bench.SchemaVersion || len(rep.Results) != 3 || rep.Config.Seed != 5 || rep.Config.Size != "small" {
		t.Errorf("report %+v", rep)
	}
	for _, f := range []string{csvf, md, filepath.Join(plots, "speedup-prime-u32.png"), filepath.Join(plots, "throughput-prime-u32.png")} {
		if st, err := os.Stat(f); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
}

func TestBenchEmulatedGPU(t *testing.T) {
	out, errOut, code := runCLI("", "bench", "--quiet", "--workload", "prime-u32", "--size", "small",
		"--backends", "serial,gpu-emu", "--repeat", "1", "--min-time", "0")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "gpu-emu (emulated; not a speed)") {
		t.Errorf("no emulated row:\n%s", out)
	}
}

// TestBenchOutputsCheckedFirst: an output that cannot be written is a usage
// error found before any work: nothing is run, printed or written.
func TestBenchOutputsCheckedFirst(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	folder := filepath.Join(dir, "folder")
	if err := os.Mkdir(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing")
	good := filepath.Join(dir, "good.json")
	for _, tc := range []struct {
		name string
		args []string
		want []string // parts of the message
	}{
		{"json in a missing folder", []string{"--json", filepath.Join(missing, "b.json")}, []string{"--json", filepath.Join(missing, "b.json"), "no such file"}},
		{"csv is a folder", []string{"--csv", folder}, []string{"--csv", folder, "is a directory"}},
		{"markdown under a file", []string{"--markdown", filepath.Join(file, "b.md")}, []string{"--markdown", filepath.Join(file, "b.md"), "not a directory"}},
		{"plot is a file", []string{"--plot", file}, []string{"--plot " + file + ": not a folder"}},
		{"plot under a file", []string{"--plot", filepath.Join(file, "a", "plots")}, []string{"--plot " + filepath.Join(file, "a", "plots") + ": cannot make it: " + file + " is not a folder"}},
		{"json and csv the same file", []string{"--json", good, "--csv", good}, []string{"--csv " + good + ": the same path as --json"}},
		{"plot is the json file", []string{"--json", good, "--plot", good}, []string{"--plot " + good + ": the same path as --json"}},
		// A good output before a bad one is not left behind.
		{"good then bad", []string{"--json", good, "--markdown", filepath.Join(missing, "b.md")}, []string{"--markdown", filepath.Join(missing, "b.md")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"bench", "--workload", "prime-u32", "--size", "small", "--repeat", "1", "--min-time", "0", "--backends", "serial"}, tc.args...)
			out, errOut, code := runCLI("", args...)
			if code != 2 {
				t.Errorf("exit %d, stderr %q; want 2", code, errOut)
			}
			for _, want := range tc.want {
				if !strings.Contains(errOut, want) {
					t.Errorf("stderr %q lacks %q", errOut, want)
				}
			}
			if out != "" || strings.Contains(errOut, "bench [") {
				t.Errorf("ran before refusing: stdout %q, stderr %q", out, errOut)
			}
			es, _ := os.ReadDir(dir)
			var names []string
			for _, e := range es {
				names = append(names, e.Name())
			}
			if strings.Join(names, " ") != "file folder" {
				t.Errorf("the folder holds %q after the refusal", names)
			}
		})
	}
}

// TestBenchPlotFolderMade: a plot folder that does not exist yet is made,
// parents and all, and nothing is made when the run is refused.
func TestBenchPlotFolderMade(t *testing.T) {
	plots := filepath.Join(t.TempDir(), "a", "b", "plots")
	_, errOut, code := runCLI("", "bench", "--quiet", "--workload", "prime-u32", "--size", "small", "--repeat", "1", "--min-time", "0", "--workers", "1,2", "--plot", plots)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(plots, "speedup-prime-u32.png")); err != nil {
		t.Error(err)
	}
}

// sabotage is stderr for a run in-process: at the first progress line, when
// the outputs have been checked and the run has begun, it runs spoil once.
type sabotage struct {
	bytes.Buffer
	spoil func()
}

func (s *sabotage) Write(p []byte) (int, error) {
	if s.spoil != nil && bytes.Contains(p, []byte("bench [")) {
		s.spoil()
		s.spoil = nil
	}
	return s.Buffer.Write(p)
}

// TestBenchOutputFailureWritesOthers: when one output cannot be written
// after the run (here its place was taken meanwhile), the others are still
// written, each failure is reported, and the exit status is 1.
func TestBenchOutputFailureWritesOthers(t *testing.T) {
	dir := t.TempDir()
	js, csvf, md, plots := filepath.Join(dir, "b.json"), filepath.Join(dir, "b.csv"), filepath.Join(dir, "b.md"), filepath.Join(dir, "plots")
	errOut := &sabotage{spoil: func() {
		if err := os.Mkdir(js, 0o755); err != nil {
			t.Error(err)
		}
		if err := os.WriteFile(plots, []byte("not a folder"), 0o644); err != nil {
			t.Error(err)
		}
	}}
	var out bytes.Buffer
	code := run([]string{"corescale", "bench", "--workload", "prime-u32", "--size", "small", "--workers", "1,2", "--repeat", "1", "--min-time", "0",
		"--json", js, "--csv", csvf, "--markdown", md, "--plot", plots}, strings.NewReader(""), &out, errOut)
	stderr := errOut.String()
	if code != 1 {
		t.Errorf("exit %d, want 1; stderr %q", code, stderr)
	}
	for _, want := range []string{"corescale: --json: write " + js + ": ", "corescale: --plot: plots: mkdir " + plots + ": not a directory"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr %q does not report %q", stderr, want)
		}
	}
	if !strings.Contains(out.String(), "prime-u32  serial") {
		t.Errorf("no table:\n%s", out.String())
	}
	for _, f := range []string{csvf, md} {
		if st, err := os.Stat(f); err != nil || st.Size() == 0 {
			t.Errorf("%s not written: %v", f, err)
		}
	}
	es, _ := os.ReadDir(dir)
	for _, e := range es {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
}

// TestBenchInterrupt: at SIGINT, bench stops between runs, removes its
// scratch folder (with the thumbnail batch's JPEGs), writes none of its
// outputs and exits 1 saying it was interrupted.
func TestBenchInterrupt(t *testing.T) {
	bin := buildAsMake(t)
	tmp, outDir := t.TempDir(), t.TempDir()
	cmd := exec.Command(bin, "bench", "--workload", "thumbnail", "--size", "small", "--repeat", "1000", "--workers", "1",
		"--json", filepath.Join(outDir, "b.json"), "--csv", filepath.Join(outDir, "b.csv"),
		"--markdown", filepath.Join(outDir, "b.md"), "--plot", filepath.Join(outDir, "plots"))
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	// Progress goes to stderr line by line (not a terminal); the timing
	// rounds come after the inputs are made.
	var log strings.Builder
	lines := bufio.NewScanner(stderr)
	for lines.Scan() {
		log.WriteString(lines.Text() + "\n")
		if strings.Contains(lines.Text(), "timing, round") {
			break
		}
	}
	scratch, _ := filepath.Glob(filepath.Join(tmp, "corescale-bench-*", "thumbnail-in", "*.jpg"))
	if len(scratch) == 0 {
		t.Fatalf("no thumbnail inputs in the scratch folder under %s; stderr:\n%s", tmp, log.String())
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	rest, _ := io.ReadAll(stderr)
	log.Write(rest)
	cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != 1 || !strings.Contains(log.String(), "corescale: interrupted") {
		t.Errorf("exit %d (%v); want 1 and interrupted; stderr:\n%s", code, cmd.ProcessState, log.String())
	}
	if es, _ := os.ReadDir(tmp); len(es) != 0 {
		t.Errorf("left in TMPDIR: %v", es)
	}
	if es, _ := os.ReadDir(outDir); len(es) != 0 {
		t.Errorf("left in the output folder: %v", es)
	}
}

// TestFIFOLibrary: CORESCALE_CUDA_LIBRARY naming a FIFO made devices and
// bench (which probe for a GPU) block in dlopen for ever. The probe now
// refuses it: devices says "no GPU:" and why, bench runs on the CPU.
func TestFIFOLibrary(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "libcuda.so.1")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("CORESCALE_CUDA_LIBRARY", fifo)
	for _, args := range [][]string{
		{"devices"},
		{"bench", "--quiet", "--workload", "prime-u32", "--size", "small", "--repeat", "1", "--min-time", "0", "--workers", "1"},
	} {
		type result struct {
			out, errOut string
			code        int
		}
		done := make(chan result, 1)
		go func() {
			out, errOut, code := runCLI("", args...)
			done <- result{out, errOut, code}
		}()
		var r result
		select {
		case r = <-done:
		case <-time.After(60 * time.Second):
			// A writer lets a blocked open return; the command may open
			// the FIFO again.
			for unblocked := false; !unblocked; {
				if f, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
					f.Close()
				}
				select {
				case <-done:
					unblocked = true
				case <-time.After(10 * time.Millisecond):
				}
			}
			t.Fatalf("%s blocked opening the FIFO", args[0])
		}
		if r.code != 0 {
			t.Errorf("%s: exit %d: %s", args[0], r.code, r.errOut)
		}
		why := fifo + " is a named pipe (FIFO), not a regular file"
		if args[0] == "devices" && !strings.Contains(r.out, "no GPU: no NVIDIA driver library: "+why+" (set by CORESCALE_CUDA_LIBRARY") {
			t.Errorf("devices: %q", r.out)
		}
		if args[0] == "bench" && !strings.Contains(r.out, why) {
			t.Errorf("bench does not say why there is no GPU:\n%s", r.out)
		}
	}
}
