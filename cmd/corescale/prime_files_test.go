package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestPrimeOutputIsInput: --output naming the --input file, by the same
// path, through a link or spelt another way, is refused before anything is
// written.
func TestPrimeOutputIsInput(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.Mkdir("sub", 0o755); err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(dir, "n.txt")
	if err := os.WriteFile(in, []byte("7\n8\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("n.txt", "link.txt"); err != nil {
		t.Fatal(err)
	}
	if err := os.Link("n.txt", "hard.txt"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ input, output string }{
		{in, in},
		{"n.txt", "n.txt"},
		{"n.txt", "./sub/../n.txt"},
		{"n.txt", in},
		{"n.txt", "link.txt"},
		{"link.txt", "n.txt"},
		{"n.txt", "hard.txt"},
	} {
		for _, mode := range []string{"primes", "count"} {
			out, errOut, code := runCLI("", "prime", "--print", mode, "--input", tc.input, "--output", tc.output)
			want := "corescale: --output " + tc.output + " would overwrite the input " + tc.input + ": write to another file\n"
			if tc.input == tc.output {
				want = "corescale: --output " + tc.output + " would overwrite its input: write to another file\n"
			}
			if code != 2 || out != "" || errOut != want {
				t.Errorf("%s > %s: exit %d, %q %q; want 2 and %q", tc.input, tc.output, code, out, errOut, want)
			}
			if got, _ := os.ReadFile(in); string(got) != "7\n8\n" {
				t.Fatalf("%s > %s: the input now holds %q", tc.input, tc.output, got)
			}
			if got := dirNames(t, dir); strings.Join(got, " ") != "hard.txt link.txt n.txt sub" {
				t.Errorf("%s > %s: folder holds %q", tc.input, tc.output, got)
			}
		}
	}
	// A new output, or another file, is fine.
	if _, errOut, code := runCLI("", "prime", "--input", "n.txt", "--output", "sub/n.txt"); code != 0 {
		t.Errorf("another file: exit %d %s", code, errOut)
	}
}

// TestPrimeInputFolder: a folder as --input is named once, as a folder.
func TestPrimeInputFolder(t *testing.T) {
	dir := t.TempDir()
	for _, mode := range []string{"primes", "count"} {
		out, errOut, code := runCLI("", "prime", "--print", mode, "--input", dir)
		want := "corescale: --input " + dir + ": a folder, not a file of numbers\n"
		if code != 2 || out != "" || errOut != want {
			t.Errorf("%s: exit %d, %q %q; want 2 and %q", mode, code, out, errOut, want)
		}
	}
}

// TestPrimeInputForms: a file saved with a byte order mark, and arguments
// with spaces around them, as scripts pass them.
func TestPrimeInputForms(t *testing.T) {
	path := filepath.Join(t.TempDir(), "notepad.txt")
	if err := os.WriteFile(path, []byte("\ufeff7\r\n8\r\n11\r\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"--input", path},
		{"--input", path, "--print", "count", "--output", filepath.Join(filepath.Dir(path), "count.txt")},
		{" 7", "8 ", "\t11\n"},
		{"--from", " 7", "--to", "11 "},
	} {
		out, errOut, code := runCLI("", append([]string{"prime"}, args...)...)
		if code != 0 || out != "7\n11\n" && out != "" {
			t.Errorf("%q: exit %d, %q %q", args, code, out, errOut)
		}
	}
	if got, _ := os.ReadFile(filepath.Join(filepath.Dir(path), "count.txt")); string(got) != "2\n" {
		t.Errorf("count: %q", got)
	}
}

// TestPrimeInputChanged: a file read twice for stdout, once to check it
// and once to test it, that changes in between is not trusted: the run
// fails, before printing when the change shows in its size or time, else
// as soon as the second pass sees it.
func TestPrimeInputChanged(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "numbers.txt")
	// Several blocks, more than the writer's buffer before the last, so
	// that the first are printed before the second pass reaches the end.
	const lines = 300000
	text := strings.Repeat("3\n", lines)
	all := text
	changed := func(line int, tok string) string {
		return text[:2*(line-1)] + tok + "\n" + text[2*line:]
	}
	before := "corescale: " + path + " changed after it was checked; nothing was printed: run again, or write to --output\n"
	for _, tc := range []struct {
		name   string
		change func(t *testing.T)
		stdout string // what may have been printed, at most
		stderr string
	}{
		{"a bad line appended", func(t *testing.T) { appendToFile(t, path, "oops\n") }, "", before},
		{"a good line appended", func(t *testing.T) { appendToFile(t, path, "7\n") }, "", before},
		{"rewritten", func(t *testing.T) { rewriteInPlace(t, path, changed(lines-1, "x"), time.Now().Add(time.Hour)) }, "", before},
		{"truncated", func(t *testing.T) { os.Truncate(path, 10) }, "", before},
		// Rewritten in place with its time put back: only the second
		// pass can see it, after the first block is printed.
		{"rewritten unseen, bad", func(t *testing.T) { rewriteInPlace(t, path, changed(lines-1, "x"), time.Time{}) }, all,
			"corescale: " + path + " changed while being read: line 299999 is now \"x\"; stdout holds a partial list\n"},
		{"rewritten unseen, good", func(t *testing.T) { rewriteInPlace(t, path, changed(lines-1, "5"), time.Time{}) }, all,
			"corescale: " + path + " changed while being read; stdout holds a partial list\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			// A time well in the past, so that only the rewrite that puts
			// it back keeps it.
			old := time.Now().Add(-time.Hour)
			if err := os.Chtimes(path, old, old); err != nil {
				t.Fatal(err)
			}
			betweenPasses = func() { tc.change(t) }
			defer func() { betweenPasses = nil }()
			out, errOut, code := runCLI("", "prime", "--input", path)
			if code != 1 || !strings.HasPrefix(tc.stdout, out) || out == all || errOut != tc.stderr {
				t.Errorf("exit %d, %d bytes on stdout, stderr %q; want 1, a part of %d bytes, and %q", code, len(out), errOut, len(tc.stdout), tc.stderr)
			}
			if tc.stdout != "" && out == "" {
				t.Errorf("nothing printed: the change was seen before the second pass, which this case is not about")
			}
		})
	}
}

func appendToFile(t *testing.T, path, text string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(text); err != nil {
		t.Fatal(err)
	}
}

// rewriteInPlace writes text over path in place, then sets its time to mtime, or
// puts the old time back when mtime is zero.
func rewriteInPlace(t *testing.T, path, text string, mtime time.Time) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(text); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if mtime.IsZero() {
		mtime = fi.ModTime()
	}
	if err := os.Chtimes(path, mtime, mtime); err != nil {
		t.Fatal(err)
	}
}

// TestPrimeOddNames: a file name holding a newline or another control
// character is quoted in every message, so each message stays one line;
// an ordinary name is not (the golden test pins those).
func TestPrimeOddNames(t *testing.T) {
	dir := t.TempDir()
	odd := filepath.Join(dir, "a\nb\x1b[31m.txt")
	if err := os.WriteFile(odd, []byte("7\nx\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	folder := filepath.Join(dir, "d\tir")
	if err := os.Mkdir(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	q := strconv.Quote
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--input", odd}, q(odd) + `:2: "x" is not a number (want decimal or 0x hex)`},
		{[]string{"--input", odd, "--print", "count"}, q(odd) + `:2: "x" is not a number (want decimal or 0x hex)`},
		{[]string{"--input", folder}, "--input " + q(folder) + ": a folder, not a file of numbers"},
		{[]string{"--input", odd + "x"}, "--input: open " + q(odd+"x") + ": no such file or directory"},
		{[]string{"--input", odd, "--output", odd}, "--output " + q(odd) + " would overwrite its input: write to another file"},
		{[]string{"7", "--output", filepath.Join(odd+"x", "out\n.txt")}, q(filepath.Join(odd+"x", "out\n.txt"))},
		{[]string{"--input", filepath.Join(dir, "gpj.\u202etxt")}, "--input: open " + q(filepath.Join(dir, "gpj.\u202etxt")) + ": no such file or directory"},
	} {
		_, errOut, code := runCLI("", append([]string{"prime"}, tc.args...)...)
		if code == 0 || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, tc.want) || strings.ContainsAny(errOut, "\t\x1b\u202e") {
			t.Errorf("%q: exit %d, stderr %q; want one line holding %q", tc.args, code, errOut, tc.want)
		}
	}
}

// TestPrimeOutputDevice: --output may be a character device or a named
// pipe, written directly as a shell redirection would: /dev/null to time
// a run, a FIFO to feed another program.
func TestPrimeOutputDevice(t *testing.T) {
	for _, args := range [][]string{
		{"7", "--output", "/dev/null"},
		{"--random", "100000", "--print", "all", "--output", "/dev/null"},
		{"--input", "/dev/null", "--output", "/dev/null"},
	} {
		out, errOut, code := runCLI("", append([]string{"prime"}, args...)...)
		if code != 0 || out != "" || errOut != "" {
			t.Errorf("%q: exit %d, %q %q", args, code, out, errOut)
		}
	}
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no named pipe: %v", err)
	}
	got := make(chan string)
	go func() {
		b, _ := os.ReadFile(fifo)
		got <- string(b)
	}()
	_, errOut, code := runCLI("", "prime", "--print", "all", "--from", "1", "--to", "5", "--output", fifo)
	if want := "1 composite\n2 prime\n3 prime\n4 composite\n5 prime\n"; code != 0 || <-got != want {
		t.Errorf("fifo: exit %d %q; want the list", code, errOut)
	}
	if names := dirNames(t, filepath.Dir(fifo)); len(names) != 1 {
		t.Errorf("folder holds %q", names)
	}
}
