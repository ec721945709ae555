package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/corescale/corescale/cpu/prime"
	"github.com/corescale/corescale/gpu"
)

// runCLI runs the command line in-process and returns what it printed
// and its exit code.
func runCLI(stdin string, args ...string) (stdout, stderr string, code int) {
	var out, errOut bytes.Buffer
	code = run(append([]string{"corescale"}, args...), strings.NewReader(stdin), &out, &errOut)
	return out.String(), errOut.String(), code
}

func TestExitCodes(t *testing.T) {
	for _, tc := range []struct {
		args   []string
		stdin  string
		code   int
		stderr string // a part of the message
	}{
		{args: []string{"prime", "7"}, code: 0},
		{args: []string{}, code: 0},
		{args: []string{"--help"}, code: 0},
		{args: []string{"prime", "--help"}, code: 0},
		{args: []string{"--version"}, code: 0},
		{args: []string{"prime", "--input", "-"}, stdin: "2\n", code: 0},
		{args: []string{"prime", "--random", "0"}, code: 0},

		{args: []string{"nope"}, code: 2, stderr: `unknown command "nope"`},
		{args: []string{"prime"}, code: 2, stderr: "no numbers to test"},
		{args: []string{"prime", "--nope", "7"}, code: 2, stderr: "flag provided but not defined: -nope"},
		{args: []string{"prime", "--input", "x", "5"}, code: 2, stderr: "numbers from both NUMBER arguments and --input"},
		{args: []string{"prime", "--random", "3", "--from", "1", "--to", "2"}, code: 2, stderr: "choose one source"},
		{args: []string{"prime", "--bits", "8", "7"}, code: 2, stderr: "--bits and --seed go with --random"},
		{args: []string{"prime", "--backend", "gpu", "7"}, code: 1, stderr: "--backend gpu: no usable GPU: "},
		{args: []string{"prime", "--backend", "quantum", "7"}, code: 2, stderr: `unknown backend "quantum"`},
		{args: []string{"prime", "--workers", "0", "7"}, code: 2, stderr: "--workers 0: want 1 or more"},
		{args: []string{"prime", "--workers", "-3", "7"}, code: 2, stderr: "--workers -3"},
		{args: []string{"prime", "--print", "some", "7"}, code: 2, stderr: `unknown print mode "some"`},
		{args: []string{"prime", "--format", "xml", "7"}, code: 2, stderr: `unknown format "xml"`},
		{args: []string{"prime", "7", "--print", "all"}, code: 0},
		{args: []string{"prime", "7", "--nope"}, code: 2, stderr: "flag provided but not defined: -nope"},
		{args: []string{"prime", "1", "2", "12abc"}, code: 2, stderr: `corescale: argument 3: "12abc" is not a number (want decimal or 0x hex)`},
		{args: []string{"prime", "--", "-5"}, code: 2, stderr: `argument 1: "-5" is not a number`},
		{args: []string{"prime", "1e9"}, code: 2, stderr: `argument 1: "1e9" is not a number`},
		{args: []string{"prime", "0x"}, code: 2, stderr: `argument 1: "0x" is not a number`},
		{args: []string{"prime", "+5"}, code: 2, stderr: `argument 1: "+5" is not a number`},
		{args: []string{"prime", "٧"}, code: 2, stderr: `argument 1: "٧" is not a number`},
		{args: []string{"prime", "--from", "1", "--to", ""}, code: 2, stderr: `--to: "": want a number, such as 1000, 0x3e8, 1e12 or 2^64-1`},
		{args: []string{"prime", "--from", "-1", "--to", "5"}, code: 2, stderr: `--from: "-1": -1 is negative: a bound is 0 or more`},
		{args: []string{"prime", "--from", "10", "--to", "5"}, code: 2, stderr: "--from 10 is greater than --to 5"},
		{args: []string{"prime", "--from", "1"}, code: 2, stderr: "--from and --to go together"},
		{args: []string{"prime", "--to", "1"}, code: 2, stderr: "--from and --to go together"},
		{args: []string{"prime", "--random", "5", "--bits", "1"}, code: 2, stderr: "--bits 1: want 2 to 65536"},
		{args: []string{"prime", "--random", "-1"}, code: 2, stderr: `--random: "-1": -1 is negative: want 0 or more`},
		{args: []string{"prime", "--input", "/no/such/file"}, code: 2, stderr: "no such file"},
		{args: []string{"prime", "--input", "-"}, stdin: "2\n3\n-5\n7\n", code: 2, stderr: `corescale: stdin:3: "-5" is not a number (want decimal or 0x hex)`},
		{args: []string{"prime", "--print", "count", "--input", "-"}, stdin: "2\n3\n5x\n", code: 2, stderr: `stdin:3: "5x"`},

		{args: []string{"prime", "--output", "/no/such/dir/out.txt", "7"}, code: 2, stderr: "--output: create /no/such/dir/out.txt: no such file or directory"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			out, errOut, code := runCLI(tc.stdin, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, tc.code, errOut)
			}
			if !strings.Contains(errOut, tc.stderr) {
				t.Errorf("stderr %q, want it to hold %q", errOut, tc.stderr)
			}
			if code != 0 && out != "" {
				t.Errorf("printed %q before failing", out)
			}
		})
	}
}

func TestHelpAndVersion(t *testing.T) {
	out, _, _ := runCLI("", "--version")
	if out != "corescale version devel\n" {
		t.Errorf("--version printed %q", out)
	}
	out, _, _ = runCLI("", "prime", "--help")
	for _, want := range []string{"--input FILE", "--from A", "--random N", "prime?", "exit", "Examples"} {
		if !strings.Contains(out, want) {
			t.Errorf("prime --help does not mention %q", want)
		}
	}
}

// The golden outputs of every format and print mode, through the whole
// command: 2^89-1 is a prime above 2^64, so it is probable.
func TestFormats(t *testing.T) {
	const m89 = "618970019642690137449562111"
	nums := []string{"1", "2", "0x3", "4", m89, "18446744073709551616", "97"}
	for _, tc := range []struct{ format, print, want string }{
		{"text", "primes", "2\n3\n" + m89 + "?\n97\n"},
		{"text", "all", "1 composite\n2 prime\n3 prime\n4 composite\n" + m89 + " prime?\n18446744073709551616 composite\n97 prime\n"},
		{"text", "count", "4\n"},
		{"csv", "primes", "n,prime\n2,true\n3,true\n" + m89 + ",true?\n97,true\n"},
		{"csv", "all", "n,prime\n1,false\n2,true\n3,true\n4,false\n" + m89 + ",true?\n18446744073709551616,false\n97,true\n"},
		{"csv", "count", "count\n4\n"},
		{"json", "primes", "[\n" + `{"n":"2","prime":true},` + "\n" + `{"n":"3","prime":true},` + "\n" +
			`{"n":"` + m89 + `","prime":true,"probable":true},` + "\n" + `{"n":"97","prime":true}` + "\n]\n"},
		{"json", "all", "[\n" + `{"n":"1","prime":false},` + "\n" + `{"n":"2","prime":true},` + "\n" +
			`{"n":"3","prime":true},` + "\n" + `{"n":"4","prime":false},` + "\n" +
			`{"n":"` + m89 + `","prime":true,"probable":true},` + "\n" +
			`{"n":"18446744073709551616","prime":false},` + "\n" + `{"n":"97","prime":true}` + "\n]\n"},
		{"json", "count", `{"count":4}` + "\n"},
	} {
		args := append([]string{"prime", "--format", tc.format, "--print", tc.print}, nums...)
		out, errOut, code := runCLI("", args...)
		if code != 0 || out != tc.want {
			t.Errorf("%s %s: exit %d %s\n%s\nwant:\n%s", tc.format, tc.print, code, errOut, out, tc.want)
		}
	}
}

// checkAll checks the verdicts of --print all text output: exact ones below
// 2^64, math/big's probable ones, marked, above.
func checkAll(t *testing.T, out string) int {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	for _, line := range lines {
		num, verdict, _ := strings.Cut(line, " ")
		n, ok := new(big.Int).SetString(num, 10)
		if !ok {
			t.Fatalf("bad line %q", line)
		}
		var want string
		switch {
		case n.IsUint64() && prime.IsPrime(n.Uint64()):
			want = "prime"
		case n.IsUint64():
			want = "composite"
		case n.ProbablyPrime(0):
			want = "prime?"
		default:
			want = "composite"
		}
		if verdict != want {
			t.Errorf("%s: %q, want %q", num, verdict, want)
		}
	}
	return len(lines)
}

func TestRanges(t *testing.T) {
	for _, tc := range []struct {
		from, to string
		lines    int
	}{
		{"0", "100", 101},
		{"18446744073709551557", "18446744073709551615", 59}, // ends at 2^64-1
		{"18446744073709551615", "18446744073709551615", 1},
		{"18446744073709551515", "18446744073709551715", 201}, // crosses 2^64
		{"0x10000000000000000", "0x100000000000000c8", 201},   // above 2^64
	} {
		out, errOut, code := runCLI("", "prime", "--print", "all", "--from", tc.from, "--to", tc.to)
		if code != 0 {
			t.Fatalf("%s..%s: exit %d: %s", tc.from, tc.to, code, errOut)
		}
		if n := checkAll(t, out); n != tc.lines {
			t.Errorf("%s..%s: %d lines, want %d", tc.from, tc.to, n, tc.lines)
		}
	}
	out, _, _ := runCLI("", "prime", "--from", "18446744073709551557", "--to", "18446744073709551615")
	if out != "18446744073709551557\n" {
		t.Errorf("primes to 2^64-1: %q, want only 2^64-59", out)
	}
}

func TestRandom(t *testing.T) {
	for _, bits := range []string{"2", "32", "64", "65", "128", "521"} {
		args := []string{"prime", "--print", "all", "--random", "300", "--bits", bits}
		a, errOut, code := runCLI("", args...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		if n := checkAll(t, a); n != 300 {
			t.Errorf("%s bits: %d numbers, want 300", bits, n)
		}
		if b, _, _ := runCLI("", append(args, "--seed", "1")...); a != b {
			t.Errorf("%s bits: default seed is not 1", bits)
		}
		if b, _, _ := runCLI("", append(args, "--seed", "2")...); bits != "2" && a == b {
			t.Errorf("%s bits: seeds 1 and 2 gave the same numbers", bits)
		}
		for _, line := range strings.Split(strings.TrimSpace(a), "\n") {
			num, _, _ := strings.Cut(line, " ")
			n, _ := new(big.Int).SetString(num, 10)
			if fmt.Sprint(n.BitLen()) != bits || n.Bit(0) != 1 {
				t.Fatalf("%s is not odd of %s bits", num, bits)
			}
		}
	}
}

// TestBackendsAgree checks that the output is byte for byte the same on
// every backend and worker count, on inputs larger than a block.
func TestBackendsAgree(t *testing.T) {
	input := filepath.Join(t.TempDir(), "mixed.txt")
	var in strings.Builder
	g := big.NewInt(1)
	for i := range 80000 {
		// Mostly 64-bit numbers, some small, some above 2^64.
		g.Mul(g, big.NewInt(6364136223846793005)).Add(g, big.NewInt(1442695040888963407))
		g.Mod(g, new(big.Int).Lsh(big.NewInt(1), 80))
		switch {
		case i%1000 == 0:
			fmt.Fprintf(&in, "%d\n", g)
		case i%7 == 0:
			fmt.Fprintf(&in, "%d\n", new(big.Int).Rsh(g, 60))
		default:
			fmt.Fprintf(&in, "0x%x\n", new(big.Int).Rsh(g, 16))
		}
	}
	if err := os.WriteFile(input, []byte(in.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	sources := [][]string{
		{"--input", input},
		{"--random", "70000", "--bits", "64"},
		{"--random", "2000", "--bits", "100"},
		{"--from", "18446744073709481615", "--to", "18446744073709551615"},
	}
	backends := [][]string{
		{"--backend", "serial"},
		{"--backend", "parallel", "--workers", "1"},
		{"--backend", "parallel", "--workers", "2"},
		{"--backend", "parallel", "--workers", "3"},
		{"--backend", "auto", "--workers", "1"},
		{"--backend", "auto", "--workers", "3"},
		{"--backend", "auto"},
		{"--backend", "gpu-emu"},
	}
	for _, src := range sources {
		for _, format := range []string{"text", "csv", "json"} {
			for _, mode := range []string{"primes", "all", "count"} {
				var first string
				for i, be := range backends {
					args := append([]string{"prime", "--format", format, "--print", mode}, be...)
					out, errOut, code := runCLI("", append(args, src...)...)
					if code != 0 {
						t.Fatalf("%q: exit %d: %s", args, code, errOut)
					}
					if i == 0 {
						first = out
					} else if out != first {
						t.Errorf("%v %s %s: %v differs from %v", src, format, mode, be, backends[0])
					}
				}
			}
		}
	}
}

// TestInputFile reads a file by name, the path that checks a regular file
// and then reads it again.
func TestInputFile(t *testing.T) {
	t.Chdir(t.TempDir())
	var good strings.Builder
	good.WriteString("# some numbers\r\n")
	for i := 2; i < 17; i++ {
		fmt.Fprintf(&good, "  %d # n\r\n", i)
	}
	if err := os.WriteFile("numbers.txt", []byte(good.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runCLI("", "prime", "--input", "numbers.txt")
	if code != 0 || out != "2\n3\n5\n7\n11\n13\n" {
		t.Errorf("exit %d %s: %q", code, errOut, out)
	}
	if err := os.WriteFile("numbers.txt", []byte(good.String()+"12abc\n99\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code = runCLI("", "prime", "--input", "numbers.txt")
	want := `corescale: numbers.txt:17: "12abc" is not a number (want decimal or 0x hex)` + "\n"
	if code != 2 || out != "" || errOut != want {
		t.Errorf("exit %d, stdout %q, stderr %q; want 2, nothing, %q", code, out, errOut, want)
	}
}

// TestAtomicOutput checks that --output is all or nothing.
func TestAtomicOutput(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.txt")
	listing := func() []string {
		es, _ := os.ReadDir(dir)
		var names []string
		for _, e := range es {
			names = append(names, e.Name())
		}
		return names
	}
	for _, mode := range []string{"primes", "all", "count"} {
		os.WriteFile(path, []byte("old\n"), 0o644)
		// A bad line after more than a block of good ones, so some output
		// has been written to the temporary file when the bad one is read.
		stdin := strings.Repeat("7\n", 300000) + "oops\n"
		out, errOut, code := runCLI(stdin, "prime", "--print", mode, "--input", "-", "--output", path)
		if code != 2 || out != "" || !strings.Contains(errOut, `stdin:300001: "oops"`) {
			t.Errorf("%s: exit %d, stdout %q, stderr %q", mode, code, out, errOut)
		}
		if got, _ := os.ReadFile(path); string(got) != "old\n" {
			t.Errorf("%s: output file changed to %.20q after bad input", mode, got)
		}
		if names := listing(); len(names) != 1 {
			t.Errorf("%s: folder holds %q after bad input", mode, names)
		}

		want, _, _ := runCLI("", "prime", "--print", mode, "--from", "1", "--to", "1000")
		out, errOut, code = runCLI("", "prime", "--print", mode, "--from", "1", "--to", "1000", "--output", path)
		if code != 0 || out != "" {
			t.Errorf("%s: exit %d, stdout %q, stderr %q", mode, code, out, errOut)
		}
		if got, _ := os.ReadFile(path); string(got) != want {
			t.Errorf("%s: file holds %.40q, want %.40q", mode, got, want)
		}
		if names := listing(); len(names) != 1 {
			t.Errorf("%s: folder holds %q", mode, names)
		}
	}
}

// TestStdinCopyRemoved checks that the copy of stdin made to check it before
// printing is removed, after success and after bad input.
func TestStdinCopyRemoved(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	for _, stdin := range []string{"2\n3\n4\n", "2\n3\nfour\n"} {
		runCLI(stdin, "prime", "--input", "-")
		if es, _ := os.ReadDir(tmp); len(es) != 0 {
			t.Errorf("%q: %d files left in TMPDIR", stdin, len(es))
		}
	}
}

func TestVerbose(t *testing.T) {
	for backend, want := range map[string]string{
		"auto":     "backend auto chose parallel with 3 workers",
		"parallel": "backend parallel, as asked: 3 workers",
		"serial":   "backend serial",
	} {
		out, errOut, code := runCLI("", "prime", "--verbose", "--workers", "3", "--backend", backend, "7")
		if code != 0 || out != "7\n" || !strings.Contains(errOut, want) {
			t.Errorf("%s: exit %d, %q, stderr %q; want it to hold %q", backend, code, out, errOut, want)
		}
		if loops := "corescale: CPU loops: " + prime.Loops() + "\n"; !strings.Contains(errOut, loops) {
			t.Errorf("%s: stderr %q does not name the CPU loops", backend, errOut)
		}
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("broken pipe") }

func TestWriteFailure(t *testing.T) {
	var errOut bytes.Buffer
	code := run([]string{"corescale", "prime", "--print", "all", "--random", "100000"}, strings.NewReader(""), failingWriter{}, &errOut)
	if code != 1 || !strings.Contains(errOut.String(), "broken pipe") {
		t.Errorf("exit %d, stderr %q; want 1 and the write error", code, errOut.String())
	}
}

// TestNoGPU: on a machine without a usable GPU — the real driver library
// and no device, as on these machines, or no driver library at all —
// devices says why, auto runs on the CPU, and gpu fails with the reason.
// TestFlagsAfterArguments: flags may follow the arguments, with the same
// result as before them; "--" ends the flags; a flag's value is taken
// whatever it looks like (--input -).
func TestFlagsAfterArguments(t *testing.T) {
	for _, tc := range []struct{ after, before []string }{
		{[]string{"prime", "7", "8", "--print", "all"}, []string{"prime", "--print", "all", "7", "8"}},
		{[]string{"prime", "97", "-p=count", "--format", "json"}, []string{"prime", "-p", "count", "-f", "json", "97"}},
		{[]string{"prime", "97", "--verbose=false", "--backend", "serial", "5"}, []string{"prime", "--backend", "serial", "97", "5"}},
		{[]string{"prime", "--print", "all", "--input", "-", "--format", "csv"}, []string{"prime", "--print", "all", "--format", "csv", "--input", "-"}},
	} {
		a1, e1, c1 := runCLI("11\n12\n", tc.after...)
		a2, e2, c2 := runCLI("11\n12\n", tc.before...)
		if a1 != a2 || e1 != e2 || c1 != c2 || c1 != 0 {
			t.Errorf("%q: exit %d, %q %q; %q: exit %d, %q %q", tc.after, c1, a1, e1, tc.before, c2, a2, e2)
		}
	}
	// A flag that takes a value, last and without one, is bad usage: it
	// must not take the "--" put before the arguments as its value.
	for _, args := range [][]string{{"prime", "5", "7", "--output"}, {"prime", "--output"}, {"prime", "7", "--input"}, {"resize", "in", "--size", "9x", "--out"}} {
		if out, errOut, code := runCLI("", args...); code != 2 || out != "" || !strings.Contains(errOut, "needs a value") {
			t.Errorf("%q: exit %d, %q %q", args, code, out, errOut)
		}
	}
	if _, err := os.Stat("--"); err == nil {
		t.Error("a file named -- was written")
	}
	if out, errOut, code := runCLI("", "prime", "7", "--", "--print"); code != 2 || out != "" || !strings.Contains(errOut, `argument 2: "--print" is not a number`) {
		t.Errorf("after --: exit %d, %q %q", code, out, errOut)
	}
}

func TestNoGPU(t *testing.T) {
	for _, lib := range []string{"", "/nonexistent/libcuda.so.1"} {
		t.Setenv("CORESCALE_CUDA_LIBRARY", lib)
		p := gpu.ProbeDriver(gpu.Library())
		if p.Err == nil {
			t.Skipf("this machine has %d GPU(s)", p.Devices)
		}
		out, errOut, code := runCLI("", "devices")
		if code != 0 || !strings.Contains(out, "no GPU: ") || !strings.Contains(out, "gpu-emu") {
			t.Errorf("library %q: devices: exit %d, %q %q", lib, code, out, errOut)
		}
		out, _, code = runCLI("", "devices", "--json")
		var r struct {
			Devices []any
			Reason  string
		}
		if err := json.Unmarshal([]byte(out), &r); code != 0 || err != nil || len(r.Devices) != 0 || r.Reason == "" {
			t.Errorf("library %q: devices --json: exit %d, %v, %q", lib, code, err, out)
		}
		out, errOut, code = runCLI("", "prime", "--verbose", "--backend", "auto", "97")
		if code != 0 || out != "97\n" || !strings.Contains(errOut, "auto chose parallel") {
			t.Errorf("library %q: auto: exit %d, %q, %q", lib, code, out, errOut)
		}
		_, errOut, code = runCLI("", "prime", "--backend", "gpu", "97")
		want := "no CUDA device" // the real library, and no GPU
		if !p.Library {
			want = "no NVIDIA driver library"
		}
		if code != 1 || !strings.Contains(errOut, want) {
			t.Errorf("library %q: gpu: exit %d, %q; want 1 and %q", lib, code, errOut, want)
		}
	}
}
