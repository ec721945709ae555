package main

import (
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/corescale/corescale/cmd/corescale/primeio"
	"github.com/corescale/corescale/internal/shard"
)

// The test: for N in {1, 2, 3, 7}, the shards of a range, of a
// random batch and of a file input, each its own process, are disjoint,
// and corescale merge of their outputs is byte for byte the unsharded
// run's, for every --print and --format.
func TestShardsMergeToTheWholeRun(t *testing.T) {
	dir := t.TempDir()
	// Blank and comment lines, spaces, CRLF, hex, a byte order mark, numbers
	// past 2^64, and no final newline.
	var in strings.Builder
	in.WriteString("\ufeff# numbers\r\n")
	for i := range 400 {
		switch i % 9 {
		case 0:
			in.WriteString("\r\n")
		case 1:
			fmt.Fprintf(&in, "# line %d\n", i)
		case 2:
			fmt.Fprintf(&in, "  %d  \r\n", 1000003+2*i)
		case 3:
			fmt.Fprintf(&in, "0x%x\n", 18446744073709551557-uint64(i))
		case 4:
			fmt.Fprintf(&in, "%d\n", new(big.Int).Add(new(big.Int).Lsh(big.NewInt(1), 89), big.NewInt(int64(i))))
		default:
			fmt.Fprintf(&in, "%d\n", i)
		}
	}
	in.WriteString("1000000007")
	input := filepath.Join(dir, "numbers.txt")
	if err := os.WriteFile(input, []byte(in.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	sources := map[string][]string{
		"range":        {"--from", "1", "--to", "3000"},
		"range 2^64":   {"--from", "18446744073709551316", "--to", "18446744073709551916"},
		"random":       {"--random", "500", "--bits", "64", "--seed", "7"},
		"random big":   {"--random", "60", "--bits", "100", "--seed", "3"},
		"input":        {"--input", input},
		"arguments":    {"2", "3", "4", "0x11", "18446744073709551557", "100000000000000000039", "25"},
		"empty random": {"--random", "0"},
	}
	for name, src := range sources {
		for _, mode := range []string{"count", "primes", "all"} {
			for _, format := range []string{"text", "csv", "json"} {
				args := append([]string{"prime", "--print", mode, "--format", format}, src...)
				whole, errOut, code := runBin(t, nil, args...)
				if code != 0 {
					t.Fatalf("%v: exit %d: %s", args, code, errOut)
				}
				for _, n := range []int{1, 2, 3, 7} {
					t.Run(fmt.Sprintf("%s/%s/%s/N=%d", name, mode, format, n), func(t *testing.T) {
						files := make([]string, n)
						for k := range n {
							files[k] = filepath.Join(dir, fmt.Sprintf("%s.%s.%s.%d-of-%d", strings.ReplaceAll(name, " ", "_"), mode, format, k, n))
							sargs := append(slices.Clone(args), "--shard", fmt.Sprintf("%d/%d", k, n), "--output", files[k])
							if _, errOut, code := runBin(t, nil, sargs...); code != 0 {
								t.Fatalf("%v: exit %d: %s", sargs, code, errOut)
							}
						}
						// Any order of the files merges alike.
						slices.Reverse(files)
						merged, errOut, code := runBin(t, nil, append([]string{"merge"}, files...)...)
						if code != 0 {
							t.Fatalf("merge: exit %d: %s", code, errOut)
						}
						if merged != whole {
							t.Fatalf("merged:\n%.600s\nwhole run:\n%.600s", merged, whole)
						}
						if mode == "all" && format == "text" {
							disjoint(t, files)
						}
					})
				}
			}
		}
	}
}

// disjoint checks that no number is in two shards' --print all lists.
func disjoint(t *testing.T, files []string) {
	t.Helper()
	seen := map[string]string{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(data), "\n") {
			n, _, _ := strings.Cut(line, " ")
			if n == "" || strings.HasPrefix(line, "#") {
				continue
			}
			if other, ok := seen[n]; ok {
				t.Errorf("%s is in %s and %s", n, other, f)
			}
			seen[n] = f
		}
	}
}

// Shard K of a random batch draws exactly its part of the single run's
// sequence, from a jump of the generator, whatever the size of the
// numbers (one draw each up to 64 bits, ⌈bits/64⌉ above).
func TestRandomShardsAreTheSequence(t *testing.T) {
	drain := func(src primeio.Source) []string {
		var got []string
		b := primeio.NewBlock(primeio.BlockSize)
		for src.Fill(b) == nil {
			bigs := b.Big
			for i, v := range b.Nums {
				if len(bigs) > 0 && bigs[0].At == i {
					got = append(got, fmt.Sprintf("%d@%d", bigs[0].N, bigs[0].Pos))
					bigs = bigs[1:]
				} else {
					got = append(got, fmt.Sprint(v))
				}
			}
		}
		return got
	}
	for _, bits := range []int{2, 3, 20, 63, 64, 65, 100, 128, 129, 1000} {
		const count, seed = 200, 11
		whole, err := primeio.NewRandom(count, bits, seed)
		if err != nil {
			t.Fatal(err)
		}
		want := drain(whole)
		for _, n := range []int{1, 2, 3, 7, 200, 201} {
			var got []string
			for k := range n {
				lo, hi := shard.Spec{K: k, N: n}.Part(count)
				p, err := newRandomPart(bits, seed, lo, hi)
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, drain(p)...)
			}
			if !slices.Equal(got, want) {
				t.Fatalf("%d bits, %d shards: the shards' numbers differ from the sequence", bits, n)
			}
		}
	}
}

// A task of a Slurm array or a Kubernetes Indexed Job takes its shard
// from the environment; --verbose says so; bad values are usage errors
// that name the variable; --shard none ignores it.
func TestShardEnvironmentThroughTheBinary(t *testing.T) {
	args := []string{"prime", "--from", "1", "--to", "100", "--print", "count", "--verbose"}
	for _, c := range []struct {
		env  []string
		args []string
		code int
		out  string // a part of stdout
		err  string // a part of stderr
	}{
		{env: []string{"SLURM_ARRAY_TASK_ID=1", "SLURM_ARRAY_TASK_COUNT=2"}, out: "# corescale shard 1/2 job ", err: "shard 1/2 (from SLURM_ARRAY_TASK_ID=1 and SLURM_ARRAY_TASK_COUNT=2): 51 to 100"},
		{env: []string{"JOB_COMPLETION_INDEX=0", "CORESCALE_SHARDS=2"}, out: "# corescale shard 0/2 job ", err: "shard 0/2 (from JOB_COMPLETION_INDEX=0 and CORESCALE_SHARDS=2): 1 to 50"},
		{env: []string{"JOB_COMPLETION_INDEX=0"}, args: []string{"--shards", "2"}, out: "# corescale shard 0/2 job ", err: "from JOB_COMPLETION_INDEX=0 and --shards=2"},
		{env: []string{"SLURM_ARRAY_TASK_ID=1", "SLURM_ARRAY_TASK_COUNT=2"}, args: []string{"--shard", "none"}, out: "25\n"},
		{env: []string{"JOB_COMPLETION_INDEX=0"}, code: 2, err: "JOB_COMPLETION_INDEX=0 is set but not the number of shards"},
		{env: []string{"SLURM_ARRAY_TASK_ID=7", "SLURM_ARRAY_TASK_COUNT=2"}, code: 2, err: "SLURM_ARRAY_TASK_ID=7 and SLURM_ARRAY_TASK_COUNT=2: not one of 2 tasks"},
		{args: []string{"--shard", "2/2"}, code: 2, err: `--shard "2/2": K "2"`},
		{args: []string{"--shard", "x"}, code: 2, err: `--shard "x": want K/N`},
		{args: []string{"--shards", "3"}, code: 2, err: "--shards 3 without a shard index"},
		{args: []string{"--shards", "0"}, code: 2, err: "--shards 0: want 1 to"},
		{args: []string{"--shard", "0/2", "--shards", "3"}, code: 2, err: "--shards 3, but --shard 0/2 says 2 shards"},
	} {
		t.Run(strings.Join(append(c.env, c.args...), " "), func(t *testing.T) {
			out, errOut, code := runBin(t, c.env, append(slices.Clone(args), c.args...)...)
			if code != c.code || !strings.Contains(out, c.out) || !strings.Contains(errOut, c.err) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit %d, stdout with %q, stderr with %q", code, out, errOut, c.code, c.out, c.err)
			}
		})
	}
}

// A merge that does not make one whole job is refused, naming the file,
// with nothing written.
func TestMergeRefuses(t *testing.T) {
	dir := t.TempDir()
	shardOut := func(name string, args ...string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if _, errOut, code := runBin(t, nil, append(append([]string{"prime"}, args...), "--output", p)...); code != 0 {
			t.Fatalf("%v: %s", args, errOut)
		}
		return p
	}
	r := []string{"--from", "1", "--to", "1000"}
	s0 := shardOut("s0", append(r, "--shard", "0/3")...)
	s1 := shardOut("s1", append(r, "--shard", "1/3")...)
	s2 := shardOut("s2", append(r, "--shard", "2/3")...)
	other := shardOut("other", "--from", "1", "--to", "1001", "--shard", "2/3")
	csv := shardOut("csv", append(r, "--shard", "2/3", "--format", "csv")...)
	four := shardOut("four", append(r, "--shard", "2/4")...)
	whole := shardOut("whole", r...)
	cut := filepath.Join(dir, "cut")
	jsonShard := shardOut("json", append(r, "--shard", "2/3", "--format", "json")...)
	data, _ := os.ReadFile(jsonShard)
	os.WriteFile(cut, data[:len(data)-5], 0o644)
	out := filepath.Join(dir, "merged")
	for _, c := range []struct {
		files []string
		err   string
	}{
		{[]string{s0, s1}, "shard 2/3 of job "},
		{[]string{s0, s1, s1, s2}, s1 + ": shard 1/3 again"},
		{[]string{s0, s1, other}, other + ": shard 2/3 of job "},
		{[]string{s0, s1, csv}, csv + ": shard 2/3 of job"},
		{[]string{s0, s1, four}, four + ": shard 2/4 of job"},
		{[]string{s0, s1, whole}, whole + ": not a shard file"},
		{[]string{cut}, cut + ": shard 2/3 is cut short"},
		{[]string{s0, s1, filepath.Join(dir, "nope")}, "no such file"},
		{nil, "no shard files to merge"},
	} {
		_, errOut, code := runBin(t, nil, append([]string{"merge", "--output", out}, c.files...)...)
		if code != 2 || !strings.Contains(errOut, c.err) {
			t.Errorf("merge %v: exit %d, stderr %q; want 2 and %q", c.files, code, errOut, c.err)
		}
		if _, err := os.Stat(out); err == nil {
			t.Fatalf("merge %v wrote %s", c.files, out)
		}
	}
	if _, errOut, code := runBin(t, nil, "merge", "--output", s0, s0, s1, s2); code != 2 || !strings.Contains(errOut, "would overwrite the shard file") {
		t.Errorf("merge over a shard file: exit %d, %q", code, errOut)
	}
}

// A shard of --print primes in text is a file of numbers to prime --input:
// its header is a comment there.
func TestShardFileReadsBackAsNumbers(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "s")
	if _, errOut, code := runBin(t, nil, "prime", "--from", "1", "--to", "50", "--shard", "1/2", "--output", p); code != 0 {
		t.Fatal(errOut)
	}
	out, errOut, code := runBin(t, nil, "prime", "--input", p)
	if code != 0 || out != "29\n31\n37\n41\n43\n47\n" {
		t.Errorf("exit %d, %q, %q", code, out, errOut)
	}
}

// A bad line fails the shard that holds it, naming where, and no other:
// the merge then reports the shard missing.
func TestShardOfABadFile(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	var b strings.Builder
	for i := range 3000 {
		fmt.Fprintf(&b, "%d\n", i)
	}
	b.WriteString("12abc\n")
	for i := range 1000 {
		fmt.Fprintf(&b, "%d\n", i)
	}
	os.WriteFile(in, []byte(b.String()), 0o644)
	// The bad line is in the second half of the bytes, shard 1/2's; its
	// lines are counted from the block's first byte, which is named.
	for k, want := range []string{"", `in (from byte 8895):1000: "12abc" is not a number`} {
		for _, output := range [][]string{nil, {"--output", filepath.Join(dir, "out")}} {
			_, errOut, code := runBin(t, nil, append([]string{"prime", "--input", in, "--shard", fmt.Sprintf("%d/2", k)}, output...)...)
			if want == "" && code != 0 || want != "" && (code != 2 || !strings.Contains(errOut, want)) {
				t.Errorf("shard %d/2 %v: exit %d, %q; want %q", k, output, code, errOut, want)
			}
		}
	}
	if _, errOut, code := runBin(t, nil, "prime", "--input", "-", "--shard", "0/2"); code != 2 || !strings.Contains(errOut, "stdin cannot seek") {
		t.Errorf("stdin: exit %d, %q", code, errOut)
	}
}
