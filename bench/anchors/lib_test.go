package anchors

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// runLib runs script in bash after sourcing lib.sh, in a scratch TMPDIR,
// with env added, and returns its stdout, stderr and exit code.
func runLib(t *testing.T, script string, env ...string) (stdout, stderr string, code int) {
	t.Helper()
	if _, err := exec.LookPath("cc"); err != nil {
		t.Skip("no C compiler: lib.sh's timed builds cputime.c")
	}
	lib, err := filepath.Abs("lib.sh")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", "-c", "set -uo pipefail\n. "+lib+"\n"+script)
	cmd.Env = append(os.Environ(), "TMPDIR="+t.TempDir())
	cmd.Env = append(cmd.Env, env...)
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	code = cmd.ProcessState.ExitCode()
	if err != nil && code < 0 {
		t.Fatal(err)
	}
	return out.String(), errOut.String(), code
}

// TestPair: pair runs the two commands in turn, RUNS times each, and
// prints their RESULT lines from timed's wall, CPU and RSS.
func TestPair(t *testing.T) {
	log := filepath.Join(t.TempDir(), "order")
	stdout, stderr, code := runLib(t, `
anchors_work anchors-test
pair job1 theirs ours -- sh -c 'echo a >>`+log+`; echo 42' -- sh -c 'echo b >>`+log+`; echo 42'
wc -l <"$work/job1.a"
cat "$work/job1.b"
`, "RUNS=3")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	order, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Fields(string(order)); strings.Join(got, " ") != "a b a b a b" {
		t.Errorf("runs in the order %q, want a and b interleaved", got)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 6 {
		t.Fatalf("stdout %q: want 2 RESULT lines, a count and 3 timings", stdout)
	}
	num := `[0-9]+(\.[0-9]+)?`
	for i, re := range []string{
		`^RESULT tool=theirs job=job1 runs=3 median_s=` + num + ` cpu_s=` + num + ` rss_kb=[1-9][0-9]*$`,
		`^RESULT tool=ours job=job1 runs=3 median_s=` + num + ` cpu_s=` + num + ` rss_kb=[1-9][0-9]* ratio=` + num + ` cpu_ratio=` + num + `$`,
		`^3$`,
		`^` + num + ` ` + num + ` [1-9][0-9]*$`,
	} {
		if !regexp.MustCompile(re).MatchString(lines[i]) {
			t.Errorf("line %d %q does not match %s", i+1, lines[i], re)
		}
	}
	if !strings.Contains(stderr, "== job1: sh -c") {
		t.Errorf("stderr %q does not say what runs", stderr)
	}
}

// TestPairMismatch: commands whose outputs differ give a MISMATCH line.
func TestPairMismatch(t *testing.T) {
	stdout, stderr, code := runLib(t, `
anchors_work anchors-test
pair_runs job2 a b -- echo 1 -- echo 2
cat "$results"
`, "RUNS=1")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	want := "RESULT tool=check job=job2 status=MISMATCH\n"
	if stdout != want+want {
		t.Errorf("stdout %q, want %q printed and in $results", stdout, want)
	}
	if !strings.Contains(stderr, "job2: the outputs differ: 1 vs 2") {
		t.Errorf("stderr %q", stderr)
	}
}

// TestTimedFailure: a command that fails stops the script, naming it.
func TestTimedFailure(t *testing.T) {
	stdout, stderr, code := runLib(t, `
anchors_work anchors-test
timed "$work/t" sh -c 'exit 3'
echo went on
`)
	if code != 1 || strings.Contains(stdout, "went on") || !strings.Contains(stderr, "command failed: sh -c exit 3") {
		t.Errorf("exit %d, stdout %q, stderr %q; want 1 and the command named", code, stdout, stderr)
	}
}

// TestWorkFolder: the work folder goes at exit, unless KEEP=1.
func TestWorkFolder(t *testing.T) {
	for _, keep := range []string{"0", "1"} {
		stdout, stderr, code := runLib(t, `anchors_work anchors-test; echo "$work"; [ -f "$results" ] && [ ! -s "$results" ] && echo empty`, "KEEP="+keep)
		lines := strings.Fields(stdout)
		if code != 0 || len(lines) != 2 || lines[1] != "empty" {
			t.Fatalf("KEEP=%s: exit %d, stdout %q, stderr %q", keep, code, stdout, stderr)
		}
		_, err := os.Stat(lines[0])
		if kept := err == nil; kept != (keep == "1") {
			t.Errorf("KEEP=%s: the work folder is kept: %v (stderr %q)", keep, kept, stderr)
		}
		if keep == "1" && !strings.Contains(stderr, "work folder kept: "+lines[0]) {
			t.Errorf("KEEP=1: stderr %q does not say where", stderr)
		}
	}
}

// TestMedianAndTable: median, peak and ratio, and result_table's columns,
// its --awk statements and a status line.
func TestMedianAndTable(t *testing.T) {
	stdout, stderr, code := runLib(t, `
anchors_work anchors-test
printf '5 50\n1 10\n4 40\n3 30\n' >"$work/m"
echo "$(median "$work/m" 1) $(median "$work/m" 2) $(peak "$work/m" 2) $(ratio 3 2) $(ratio 1 0)"
echo "RESULT tool=a job=x median_s=1.5 extra=7" >>"$results"
echo "RESULT tool=check job=y status=MISMATCH" >>"$results"
result_table --awk 'if (kv["job"] == "x") kv["job"] = "the x"' job -8 job tool -5 tool median_s 7 "wall s"
`)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	want := "3.5 35 50 1.50 0.00\n" +
		"job      tool   wall s\n" +
		"the x    a         1.5\n" +
		"y        MISMATCH\n"
	if stdout != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", stdout, want)
	}
}
