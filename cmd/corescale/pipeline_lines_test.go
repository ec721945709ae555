package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/big"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/corescale/corescale/cmd/corescale/primeio"
	"github.com/corescale/corescale/cpu/prime"
)

// linesInput returns a file of n lines in every form a file may hold —
// decimal and hex, below and above 2^64, blank lines, comments, CRLF,
// spaces — with no newline at its end, and what `prime --print all`
// prints for it, from math/big. Its lines vary in length, so its chunks
// do too.
func linesInput(n int) (in, want string) {
	r := rand.New(rand.NewPCG(7, uint64(n)))
	var ib, wb strings.Builder
	for i := range n {
		z := new(big.Int).SetUint64(r.Uint64() >> r.IntN(64))
		if i%5 == 0 {
			z.Lsh(z, uint(1+r.IntN(200))).Add(z, big.NewInt(int64(r.IntN(1000))))
		}
		if i%11 == 0 {
			for z.SetBit(z, 0, 1); !z.ProbablyPrime(0); {
				z.Add(z, big.NewInt(2))
			}
		}
		switch i % 9 {
		case 1:
			fmt.Fprintf(&ib, "0x%x\r\n", z)
		case 2:
			fmt.Fprintf(&ib, "  %s # comment\n\n", z)
		case 3:
			fmt.Fprintf(&ib, "# a comment line\n%s\r\n", z)
		default:
			fmt.Fprintf(&ib, "%s\n", z)
		}
		verdict := "composite"
		switch {
		case z.ProbablyPrime(0) && !z.IsUint64():
			verdict = "prime?"
		case z.ProbablyPrime(0):
			verdict = "prime"
		}
		fmt.Fprintf(&wb, "%s %s\n", z, verdict)
	}
	return strings.TrimSuffix(ib.String(), "\n"), wb.String()
}

// The workers of the line pipeline each test whole chunks, and the
// outputs come out in input order whatever their number, in every format,
// across many chunks of every size.
func TestLinesInOrder(t *testing.T) {
	in, want := linesInput(40000)
	dir := t.TempDir()
	path := filepath.Join(dir, "numbers.txt")
	if err := os.WriteFile(path, []byte(in), 0o644); err != nil {
		t.Fatal(err)
	}
	for workers := 1; workers <= 4; workers++ {
		out, errOut, code := runCLI("", "prime", "--input", path, "--print", "all", "--workers", fmt.Sprint(workers))
		if code != 0 || out != want {
			t.Errorf("--workers %d: exit %d, %s; %d bytes, want %d:\n%s", workers, code, errOut, len(out), len(want), firstDifference(out, want))
		}
		var primes, rows []string
		for _, l := range strings.Split(strings.TrimSuffix(want, "\n"), "\n") {
			n, v, _ := strings.Cut(l, " ")
			rows = append(rows, fmt.Sprintf(`{"n":"%s","prime":%v%s}`, n, v != "composite", map[bool]string{true: `,"probable":true`}[v == "prime?"]))
			if v != "composite" {
				primes = append(primes, n+strings.TrimPrefix(v, "prime"))
			}
		}
		out, errOut, code = runCLI("", "prime", "--input", path, "--format", "json", "--print", "all", "--workers", fmt.Sprint(workers))
		if wantJSON := "[\n" + strings.Join(rows, ",\n") + "\n]\n"; code != 0 || out != wantJSON {
			t.Errorf("--workers %d, json: exit %d, %s:\n%s", workers, code, errOut, firstDifference(out, wantJSON))
		}
		out, errOut, code = runCLI("", "prime", "--input", path, "--workers", fmt.Sprint(workers))
		if wantPrimes := strings.Join(primes, "\n") + "\n"; code != 0 || out != wantPrimes {
			t.Errorf("--workers %d, primes: exit %d, %s:\n%s", workers, code, errOut, firstDifference(out, wantPrimes))
		}
		out, errOut, code = runCLI("", "prime", "--input", path, "--print", "count", "--workers", fmt.Sprint(workers))
		if wantCount := fmt.Sprintf("%d\n", len(primes)); code != 0 || out != wantCount {
			t.Errorf("--workers %d, count: exit %d, %s: %q, want %q", workers, code, errOut, out, wantCount)
		}
	}
}

// firstDifference shows where two outputs part.
func firstDifference(got, want string) string {
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	lo := max(0, i-80)
	return fmt.Sprintf("at byte %d: got %q, want %q", i, got[lo:min(len(got), i+80)], want[lo:min(len(want), i+80)])
}

// A bad line far into a file, many chunks in, is reported with its own
// line number, whatever the workers, and nothing is printed or written,
// though the chunks before it were tested first.
func TestLinesBadLineLate(t *testing.T) {
	in, _ := linesInput(40000)
	lines := strings.Split(in, "\n")
	bad := len(lines) - 1000 // 1-based: lines[bad-1]
	lines[bad-1] = "12abc"
	dir := t.TempDir()
	path := filepath.Join(dir, "numbers.txt")
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	wantErr := fmt.Sprintf("corescale: %s:%d: \"12abc\" is not a number (want decimal or 0x hex)\n", path, bad)
	for workers := 1; workers <= 4; workers++ {
		for _, extra := range [][]string{nil, {"--print", "count"}, {"--output", filepath.Join(dir, "out.txt")}} {
			args := append([]string{"prime", "--input", path, "--workers", fmt.Sprint(workers)}, extra...)
			out, errOut, code := runCLI("", args...)
			if code != 2 || out != "" || errOut != wantErr {
				t.Errorf("%q: exit %d, %d bytes out, %q; want 2, nothing, %q", args, code, len(out), errOut, wantErr)
			}
		}
		if _, err := os.Stat(filepath.Join(dir, "out.txt")); !os.IsNotExist(err) {
			t.Errorf("--workers %d: --output written: %v", workers, err)
		}
	}
}

// With two workers two chunks are tested at once: each of two numbers,
// one per chunk, waits in its note until the other's is noted, which
// only happens when both workers test at the same time; one worker
// testing both would wait forever.
func TestLinesWorkersTestAtOnce(t *testing.T) {
	// Even numbers of over 16 KiB of digits: each fills the first
	// chunk, and above 4096 bits math/big tests them, after the note,
	// at once (they are even).
	huge := "2" + strings.Repeat("0", 17<<10)
	in := huge + "\n" + huge + "\n"
	var inside sync.WaitGroup
	inside.Add(2)
	met := make(chan struct{})
	go func() { inside.Wait(); close(met) }()
	var timedOut bool
	note := func(primeio.Big) {
		inside.Done()
		select {
		case <-met:
		case <-time.After(10 * time.Second):
			timedOut = true
		}
	}
	var out bytes.Buffer
	w := primeio.NewWriter(&out, primeio.Text, primeio.Count)
	// One worker for math/big's tests within a block, so that only the
	// pipeline's two can meet.
	err := pump(primeio.NewReader(strings.NewReader(in), "in.txt"), prime.Parallel{Workers: 2}, &bigEngine{workers: 1}, w, note)
	if err != nil || w.Close() != nil || out.String() != "0\n" {
		t.Fatalf("%v, %q", err, out.String())
	}
	select {
	case <-met:
	default:
		t.Fatal("the numbers were not noted")
	}
	if timedOut {
		t.Error("the two chunks were not tested at once")
	}
}

// failingAfter is a reader that fails after its data, like a disk error.
type failingAfter struct{ r io.Reader }

func (f failingAfter) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err == io.EOF {
		err = errors.New("disk on fire")
	}
	return n, err
}

// The check before printing, parallel, finds the first bad line in input
// order, as primeio.Check does, however many chunks and workers, and the
// read error when there is none.
func TestCheckLinesAsCheck(t *testing.T) {
	in, _ := linesInput(20000)
	lines := strings.Split(in, "\n")
	for _, bad := range [][]int{nil, {1}, {2, 3}, {700, 15000}, {15000, 19990}, {len(lines)}} {
		ls := slices.Clone(lines)
		for _, i := range bad {
			ls[i-1] = fmt.Sprintf("bad%d", i)
		}
		text := strings.Join(ls, "\n")
		want := fmt.Sprint(primeio.Check(strings.NewReader(text), "in.txt"))
		wantRead := fmt.Sprint(primeio.Check(failingAfter{strings.NewReader(text)}, "in.txt"))
		for workers := 1; workers <= 4; workers++ {
			if got := fmt.Sprint(checkLines(strings.NewReader(text), "in.txt", workers)); got != want {
				t.Errorf("bad lines %v, %d workers: %s, want %s", bad, workers, got, want)
			}
			if got := fmt.Sprint(checkLines(failingAfter{strings.NewReader(text)}, "in.txt", workers)); got != wantRead {
				t.Errorf("bad lines %v, %d workers, failing read: %s, want %s", bad, workers, got, wantRead)
			}
		}
	}
}

// BenchmarkLines runs the line pipeline on 100,000 odd 128-bit numbers,
// parsed, tested and counted, on 1 and 2 workers: with -trace, `go tool
// trace -pprof=sync` shows how long the workers wait for each other.
func BenchmarkLines(b *testing.B) {
	r := rand.New(rand.NewPCG(128, 1))
	var sb strings.Builder
	for range 100000 {
		z := new(big.Int).SetUint64(r.Uint64() | 1<<63)
		z.Lsh(z, 64).Or(z, new(big.Int).SetUint64(r.Uint64()|1))
		fmt.Fprintf(&sb, "%s\n", z)
	}
	in := sb.String()
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			b.SetBytes(int64(len(in)))
			for b.Loop() {
				w := primeio.NewWriter(io.Discard, primeio.Text, primeio.Count)
				if err := pump(primeio.NewReader(strings.NewReader(in), "in.txt"), prime.Parallel{Workers: workers}, &bigEngine{workers: workers}, w, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// A chunk of numbers that bigprime's wide lanes take (257 to 512 bits, in
// decimal or hex) holds laneLines of them, so that its primes fill a pass
// of the Lucas lanes; other chunks stay within maxChunkBytes and hold
// minChunkLines lines or more up to it.
func TestChunkBytes(t *testing.T) {
	for _, n := range []*big.Int{
		new(big.Int).Lsh(big.NewInt(1), 256), // 257 bits
		new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 512), big.NewInt(1)),
	} {
		for _, line := range []string{n.String() + "\n", n.String() + "\r\n", "0x" + n.Text(16) + "\n"} {
			if got := chunkBytes(len(line)) / len(line); got < laneLines {
				t.Errorf("%d-bit numbers in lines of %d bytes: %d a chunk, want %d", n.BitLen(), len(line), got, laneLines)
			}
		}
	}
	for _, l := range []int{1, 2, 21, 40, 67, 161, 300, 4096, 1 << 20} {
		got := chunkBytes(l)
		if got > maxChunkBytes || got < min(maxChunkBytes, minChunkLines*l) {
			t.Errorf("lines of %d bytes: chunks of %d bytes, want at most %d and %d lines or more up to it", l, got, maxChunkBytes, minChunkLines)
		}
	}
}
