package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"math"
	"math/big"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/corescale/corescale"
	"github.com/corescale/corescale/cmd/corescale/primeio"
	"github.com/corescale/corescale/cpu/prime"
	"github.com/corescale/corescale/cpu/sieve"
	"github.com/corescale/corescale/internal/atomicfile"
	"github.com/corescale/corescale/internal/backend"
	"github.com/corescale/corescale/internal/quote"
	"github.com/urfave/cli/v2"
)

const primeDescription = `Tests integers for primality and prints the primes, every verdict, or a count.

Every number below 2^64 gets an exact verdict. Larger numbers, of any size,
get the same Baillie-PSW test in multi-precision (on the GPU backends the
GPU's up to 4096 bits, math/big's above): no number is known to fool it, but it is not a proof, so a prime
among them is marked probable with a "?": "N?" with
--print primes, "N prime?" with --print all, "N,true?" in csv and
"probable":true in json. Composites are always certain.

The numbers come from exactly one of:
   NUMBER...          arguments, decimal or 0x hex (flags may come before
                      or after them; -- ends the flags; spaces around a
                      number are fine)
   --input FILE       one number per line, decimal or 0x hex; FILE - is stdin;
                      blank lines, # comments, spaces, tabs, CRLF and the
                      byte order mark of Windows Notepad are fine
   --from A --to B    every number from A to B, both included; below 2^64
                      a sieve decides them (--range-method auto, sieve,
                      hybrid or test: each number on its own); A and B
                      may be written as primesieve takes them: 1e12,
                      10^12, 2^64-1, 1e12+1e9 (+ - * ^ and parentheses,
                      a whole value below 2^65536)
   --random N         N random odd numbers of exactly --bits bits, 2 to
                      65536, the same ones for the same --seed; N may be
                      written as A and B are (1e6, 10^6)

The verdicts come out in input order, numbers in decimal:
   --print primes     the primes, one per line (the default)
   --print all        every number: "N prime" or "N composite"
   --print count      how many of the numbers are prime
   --format csv       a header n,prime, then rows N,true or N,false
                      (--print count: header count, then the count)
   --format json      [{"n":"N","prime":true}, ...] with n a string,
                      or {"count":K}
   --output FILE      all or nothing: a hidden temporary file in FILE's
                      folder, renamed over FILE once complete (through a
                      link, to its target); never the --input file; a
                      device or named pipe (/dev/null, a FIFO) is written
                      directly

Examples:
   corescale prime 97 1000003 0xffffffffffffffc5
   corescale prime --from 1000000 --to 1000100 --print all
   corescale prime --from 1e12 --to 1e12+1e6 --print count
   corescale prime --random 1000000 --bits 64 --print count --verbose
   seq 1 100 | corescale prime --input - --format csv --output primes.csv

A line that is not a number stops the run before anything is printed or
written, with a message naming the file, the line and the token, and exit
status 2. For that, on stdout, a file is read twice, once to check it and
once to test it (a file that changes in between fails the run), and stdin
is copied to the temporary folder as it is checked.

math/big cannot say how far it is in one test, and a number of 100,000
digits takes hours: before testing a number of 16,384 bits or more that
may take 10 s or more, a line on stderr names it with an estimate (with
--verbose, from 4,096 bits).

Ctrl-C or SIGTERM stops the run at once, even in the middle of one long
test: the temporary output file and the copy of stdin are removed, an
--output FILE is left as it was, and a line on stderr says so, or that
stdout holds part of the list. A second signal kills at once.

Exit status: 0 done; 1 a failure while working (a write error, an input
file that changed while it was read) or interrupted; 2 bad usage, bad
input or an --output that cannot be created, with nothing written.`

func primeCommand() *cli.Command {
	const (
		inputs  = "Input (choose one source)"
		outputs = "Output"
	)
	cmd := &cli.Command{
		Name:      "prime",
		Usage:     "test numbers for primality",
		ArgsUsage: "[NUMBER...]",
		// "help" would read as a number that is not one; --help is there.
		HideHelpCommand: true,
		Description:     primeDescription,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "input", Aliases: []string{"i"}, Category: inputs, Usage: "read numbers from `FILE`, one per line (- is stdin)"},
			&cli.StringFlag{Name: "from", Category: inputs, Usage: "test every number from `A` ...", DefaultText: "none"},
			&cli.StringFlag{Name: "to", Category: inputs, Usage: "... to `B`, inclusive", DefaultText: "none"},
			&cli.StringFlag{Name: "random", Category: inputs, Usage: "test `N` random odd numbers (1000000, 1e6, 10^6)", DefaultText: "none"},
			&cli.IntFlag{Name: "bits", Category: inputs, Value: 64, Usage: "size of the --random numbers in `BITS`, 2 to 65536"},
			&cli.Uint64Flag{Name: "seed", Category: inputs, Value: 1, Usage: "`SEED` of the --random numbers"},
			&cli.StringFlag{Name: "range-method", Category: inputs, Value: string(sieve.Auto), Usage: "how --from/--to decides its numbers below 2^64: `METHOD` auto, sieve, hybrid (sieve by small primes, Baillie-PSW on the rest) or test (each number alone)"},
			&cli.StringFlag{Name: "print", Aliases: []string{"p"}, Category: outputs, Value: string(primeio.Primes), Usage: "`WHAT` to print: primes, all or count"},
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Category: outputs, Value: string(primeio.Text), Usage: "output `FORMAT`: text, csv or json"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Category: outputs, Usage: "write to `FILE`, all or nothing, instead of stdout (- is stdout)"},
		},

		Action: withBatchGC(primeAction),
	}
	cmd.Flags = append(cmd.Flags, pathFlags("Path", "goroutines for the parallel path", "say on stderr which backend runs and why")...)
	cmd.Flags = append(cmd.Flags, shardFlags("Shard (one task of a cluster job; corescale merge joins the outputs)")...)
	return cmd
}

func primeAction(c *cli.Context) error {
	err := runPrime(c)
	var syn *primeio.SyntaxError
	if errors.As(err, &syn) {
		err = &usageError{err}
	}
	return quoteNames(err, c.String("input"), c.String("output"))
}

func runPrime(c *cli.Context) error {
	mode, err := primeio.ParseMode(c.String("print"))
	if err != nil {
		return &usageError{fmt.Errorf("--print: %w", err)}
	}
	format, err := primeio.ParseFormat(c.String("format"))
	if err != nil {
		return &usageError{fmt.Errorf("--format: %w", err)}
	}
	method, err := sieve.ParseMethod(c.String("range-method"))
	if err != nil {
		return &usageError{fmt.Errorf("--range-method: %w", err)}
	}
	sh, err := readSharding(c)
	if err != nil {
		return err
	}
	outPath := c.String("output")
	toStdout := outPath == "" || outPath == "-"
	if !toStdout {
		if err := refuseOverwrite(c, outPath); err != nil {
			return err
		}
	}
	choice, err := chooseBackend(c, primeJob(c))
	if err != nil {
		return err
	}
	// A range that the GPU sieves needs no per-number engine: its device
	// memory is the sieve's.
	var eng corescale.PrimeTester = noTester{}
	if !c.IsSet("from") || newGPURange(choice, method) == nil {
		if eng, err = choice.PrimeTester(); err != nil {
			return err
		}
	}
	bigs := &bigEngine{choice: &choice, workers: choice.Workers}
	if c.Bool("verbose") {
		bigs.verbose = c.App.ErrWriter
		fmt.Fprintf(c.App.ErrWriter, "corescale: %s; %s\n", choice.Why, bigs.where())
		if choice.CPU() {
			fmt.Fprintf(c.App.ErrWriter, "corescale: CPU loops: %s\n", prime.Loops())
		}
	}
	// The first SIGINT or SIGTERM ends the run at once, whatever it is
	// doing: math/big's test of one huge number cannot be stopped, so the
	// work runs on its own goroutine, and this one removes what the run
	// made and returns, which ends the process. A second signal kills.
	ctx, stop := signalContext()
	defer stop()
	direct := !toStdout && atomicfile.Direct(outPath)
	r := &primeRun{
		c: c, eng: eng, bigs: bigs, workers: choice.Workers, mode: mode, format: format, method: method,
		outPath: outPath, toStdout: toStdout,
		// On stdout, a device or a pipe nothing can be taken back, so an
		// input that may hold a bad line is read twice: once to check
		// every line, once to test. A count is printed only at the end,
		// and a file is only renamed into place at the end, so those need
		// no check.
		check:  (toStdout || direct) && mode != primeio.Count,
		direct: direct,
		out:    &writeGate{w: c.App.Writer},
		notes:  &slowNotes{w: &sharedWriter{w: c.App.ErrWriter}, verbose: c.Bool("verbose")},
		shard:  newPrimeShard(sh, mode, format),
	}
	// A range below 2^64 is sieved: on the GPU when the choice is a GPU
	// (primerange_gpu.go), else on the CPU, which decides 30 numbers a
	// byte where a path tests each. --range-method test keeps the
	// per-number path.
	r.sieveWorkers = sieveWorkers(c, choice)
	r.lean = choice.Probed
	r.gpuRange = newGPURange(choice, method)
	defer r.temps.removeAll()
	done := make(chan error, 1)
	go func() { done <- r.work() }()
	select {
	case err := <-done:
		if closer, ok := eng.(io.Closer); ok {
			closer.Close()
		}
		bigs.close()
		if err != nil {
			return r.explain(err)
		}
		if r.file != nil {
			return r.file.Commit()
		}
		return nil
	case <-ctx.Done():
		// The engine is left open: the work may be using it until the
		// process ends.
		r.temps.removeAll()
		return r.interrupted()
	}
}

// betweenPasses, when set, runs between the two passes over a file that
// is checked before printing; tests change the file there.
var betweenPasses func()

// primeRun is one run of the command: the work, on its own goroutine, and
// what the goroutine that waits for it needs to clean up after it.
type primeRun struct {
	c        *cli.Context
	eng      corescale.PrimeTester
	bigs     *bigEngine // the numbers of 2^64 to 4096 bits
	workers  int
	mode     primeio.Mode
	format   primeio.Format
	outPath  string
	toStdout bool
	check    bool

	method       sieve.Method // how a range below 2^64 is decided
	sieveWorkers int          // its goroutines; 0 for the per-number path
	lean         bool         // the GPU was probed: the sieve leaves its library room (sieve.Options.Lean)
	from, to     *big.Int     // the range, when the source is one
	gpuRange     *gpuRange    // the GPU sieve for the range, when a GPU runs it

	direct bool             // --output is a device or pipe, written directly
	temps  tempFiles        // the temporary files, removed however the run ends
	out    *writeGate       // what the verdicts are written to, through
	notes  *slowNotes       // says on stderr which numbers take long
	file   *atomicfile.File // the --output file, set by work
	shard  *primeShard      // the share of the job this run does; nil for all of it
}

// work reads, tests and writes everything but the final Commit, which
// the waiting goroutine does, so that a signal can never come between a
// finished file and the message that says nothing was written.
func (r *primeRun) work() error {
	src, closeSrc, err := r.source()
	if err != nil {
		return err
	}
	defer closeSrc()
	r.notes.where = src.Where
	var out io.Writer = namedWriter{r.out, "stdout"}
	if !r.toStdout {
		err := r.temps.create(func() (func(), error) {
			f, err := createOutput("output", r.outPath)
			if err != nil {
				return nil, err
			}
			r.file = f
			return func() { f.Abort() }, nil
		})
		if err != nil {
			return err
		}
		// atomicfile's write errors name the file.
		r.out.w = r.file
		out = r.out
	}
	if err := r.shard.begin(out); err != nil {
		return err
	}
	w := primeio.NewWriter(out, r.format, r.mode)
	if r.from != nil && r.gpuRange != nil {
		err = r.gpuRange.run(r, w)
	} else if r.from != nil && r.sieveWorkers > 0 && r.method != sieve.Test {
		err = r.sieveRange(w)
	} else {
		err = pump(src, r.eng, r.bigs, w, r.notes.before)
	}
	if err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return r.shard.end(out)
}

// interrupted says what a signal left behind.
func (r *primeRun) interrupted() error {
	untouched := r.out.shut()
	switch {
	case r.toStdout && untouched:
		return errors.New("interrupted: nothing was printed")
	case r.toStdout:
		return errors.New("interrupted: stdout holds a partial list, cut where it stopped")
	case r.direct && !untouched:
		return fmt.Errorf("interrupted: %s holds a partial list, cut where it stopped", r.outPath)
	}
	return fmt.Errorf("interrupted: nothing was written to %s", r.outPath)
}

// explain adds to a failure what it left on stdout, when that is not clear.
func (r *primeRun) explain(err error) error {
	var ch *inputChanged
	if r.toStdout && errors.As(err, &ch) {
		if r.out.shut() {
			ch.left = "; nothing was printed: run again, or write to --output"
		} else {
			ch.left = "; stdout holds a partial list"
		}
	}
	return err
}

// refuseOverwrite refuses an --output that is the --input file under any
// name (the same path, a link, another spelling, stdin redirected from
// it): the output would replace the input it is made from. Only regular
// files count: /dev/null in and out is fine.
func refuseOverwrite(c *cli.Context, outPath string) error {
	ofi, err := os.Stat(outPath)
	if err != nil || !ofi.Mode().IsRegular() || !c.IsSet("input") {
		return nil // a new file, or one that Create reports on
	}
	in := c.String("input")
	var ifi os.FileInfo
	if in == "-" {
		f, ok := c.App.Reader.(*os.File)
		if !ok {
			return nil
		}
		ifi, err = f.Stat()
	} else {
		ifi, err = os.Stat(in)
	}
	switch {
	case err != nil || !os.SameFile(ifi, ofi):
		return nil
	case in == "-":
		return usageErrorf("--output %s would overwrite the input, which stdin reads: write to another file", outPath)
	case in == outPath:
		return usageErrorf("--output %s would overwrite its input: write to another file", outPath)
	}
	return usageErrorf("--output %s would overwrite the input %s: write to another file", outPath, in)
}

// namedWriter puts the name of the output in its errors.
type namedWriter struct {
	io.Writer
	name string
}

func (w namedWriter) Write(p []byte) (int, error) {
	n, err := w.Writer.Write(p)
	if err != nil {
		err = fmt.Errorf("write %s: %w", w.name, err)
	}
	return n, err
}

// source returns the source of numbers the flags ask for and a function
// that releases it. With r.check set, a source that can hold a bad token
// has been read through once to make sure it holds none.
func (r *primeRun) source() (primeio.Source, func(), error) {
	c := r.c
	var given []string
	if c.Args().Present() {
		given = append(given, "NUMBER arguments")
	}
	for _, f := range []string{"input", "from", "random"} {
		if c.IsSet(f) || f == "from" && c.IsSet("to") {
			given = append(given, "--"+f)
		}
	}
	switch {
	case len(given) == 0:
		return nil, nil, usageErrorf("no numbers to test: give NUMBER arguments, --input FILE, --from A --to B or --random N (see corescale prime --help)")
	case len(given) > 1:
		return nil, nil, usageErrorf("numbers from both %s and %s: choose one source", given[0], given[1])
	case !c.IsSet("random") && (c.IsSet("bits") || c.IsSet("seed")):
		return nil, nil, usageErrorf("--bits and --seed go with --random N")
	}
	nothing := func() {}
	switch {
	case c.IsSet("input") && r.shard != nil:
		return r.shardInput(c.String("input"))
	case c.IsSet("input"):
		return r.inputSource(c.String("input"))
	case c.IsSet("random"):
		n, err := primeio.ParseCount(c.String("random"), "--random")
		if err != nil {
			return nil, nil, err
		}
		bits := c.Int("bits")
		if bits < 2 || bits > primeio.MaxRandomBits {
			return nil, nil, usageErrorf("--bits %d: want 2 to %d (math/big takes minutes to test a number of %[2]d bits)", bits, primeio.MaxRandomBits)
		}
		src, err := r.randomSource(n, bits, c.Uint64("seed"))
		if err != nil {
			return nil, nil, &usageError{err}
		}
		return src, nothing, nil
	case c.Args().Present():
		args := c.Args().Slice()
		// Arguments are few: check them all, whatever the output.
		if err := drain(primeio.NewArgs(args)); err != nil {
			return nil, nil, err
		}
		return primeio.NewArgs(r.shardArgs(args)), nothing, nil
	}
	if !c.IsSet("from") || !c.IsSet("to") {
		return nil, nil, usageErrorf("--from and --to go together")
	}
	from, to, err := rangeBounds(c)
	if err != nil {
		return nil, nil, err
	}
	src, err := r.shardRange(from, to)
	if err != nil {
		return nil, nil, err
	}
	return src, nothing, nil
}

// primeJob is the job the flags ask for, for auto's choice, before reading
// any number: a size of -1 when unknown (stdin, or flags that do not parse,
// which reading the source then reports). A file's count is an estimate,
// and says so: lines of its first 64 KiB (fileLines), comments and blank
// lines among them.
func primeJob(c *cli.Context) backend.Job {
	numbers := func(n int64) backend.Job { return backend.Job{Kind: backend.Numbers, Size: n} }
	switch {
	case c.Args().Present():
		return numbers(int64(c.Args().Len()))
	case c.IsSet("random"):
		n, err := primeio.ParseCount(c.String("random"), "--random")
		if err != nil {
			return numbers(-1)
		}
		return numbers(int64(n))
	case c.IsSet("input"):
		if c.String("input") != "-" {
			return backend.Job{Kind: backend.Numbers, Size: fileLines(c.String("input")), Estimated: true}
		}
		return numbers(-1)
	}
	from, to, err := rangeBounds(c)
	if err != nil {
		return numbers(-1)
	}
	return rangeJob(from, to, sieve.Method(c.String("range-method")))
}

// rangeBounds reads --from and --to, which may be written as expressions
// (1e12, 2^64-1: primeio.ParseBound).
func rangeBounds(c *cli.Context) (from, to *big.Int, err error) {
	if from, err = primeio.ParseBound(c.String("from"), "--from"); err != nil {
		return nil, nil, err
	}
	if to, err = primeio.ParseBound(c.String("to"), "--to"); err != nil {
		return nil, nil, err
	}
	if from.Cmp(to) > 0 {
		return nil, nil, usageErrorf("--from %s is greater than --to %s", boundText(c.String("from"), from), boundText(c.String("to"), to))
	}
	return from, to, nil
}

// boundText is a bound as given, followed by its value when that is
// written otherwise.
func boundText(text string, v *big.Int) string {
	text = strings.TrimSpace(text)
	value := v.String()
	if text == value {
		return shortText(text)
	}
	return fmt.Sprintf("%s (%s)", shortText(text), shortText(value))
}

// shortText is a text for a message: whole when short enough to read,
// else abbreviated with "...".
func shortText(text string) string {
	if head, cut := primeio.Abbreviate(text); cut {
		return head + "..."
	}
	return text
}

// fileLines estimates the lines of the regular file at path from those
// of its first 64 KiB, or returns -1 (not a regular file, unreadable).
// Its size over two, the most numbers it can hold, overstated a file of
// 128-bit numbers twentyfold, and auto then paid a GPU probe (cuInit,
// about 20 ms of CPU where there is no GPU) on 300,000 numbers that take
// a tenth of a second.
func fileLines(path string) int64 {
	f, err := os.Open(path)
	if err != nil {
		return -1
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		return -1
	}
	head := make([]byte, 64<<10)
	n, _ := io.ReadFull(f, head)
	lines := int64(bytes.Count(head[:n], []byte{'\n'}))
	if int64(n) == fi.Size() {
		if n > 0 && head[n-1] != '\n' {
			lines++ // the last line, unterminated
		}
		return lines
	}
	return max(1, fi.Size()*max(lines, 1)/int64(n))
}

// rangeJob is a range's job for auto's choice: below 2^64 the sieve decides
// it (unless the per-number path is asked for), so it counts as sieving;
// otherwise every number is tested.
func rangeJob(from, to *big.Int, method sieve.Method) backend.Job {
	n := new(big.Int).Sub(to, from)
	size := int64(math.MaxInt64)
	if n.IsInt64() && n.Int64() < math.MaxInt64 {
		size = n.Int64() + 1
	}
	if to.IsUint64() && method != sieve.Test {
		return backend.Job{Kind: backend.Sieved, Size: size}
	}
	return backend.Job{Kind: backend.Numbers, Size: size}
}

// drain reads src to the end, for the error of its first bad token.
func drain(src primeio.Source) error {
	b := primeio.NewBlock(primeio.BlockSize)
	for {
		if err := src.Fill(b); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
	}
}

// inputSource opens --input. With r.check set it reads the input through
// once first: a regular file is then read again from where it started,
// and must not have changed; any other stream, such as a pipe on stdin, is
// copied to a temporary file on the way, and that copy is read again.
func (r *primeRun) inputSource(path string) (primeio.Source, func(), error) {
	var in io.Reader = r.c.App.Reader
	name := "stdin"
	closeInput := func() {}
	if path != "-" {
		name = quote.Name(path)
		f, err := os.Open(path)
		if err != nil {
			return nil, nil, &usageError{fmt.Errorf("--input: %w", err)}
		}
		if fi, err := f.Stat(); err == nil && fi.IsDir() {
			f.Close()
			return nil, nil, usageErrorf("--input %s: a folder, not a file of numbers", name)
		}
		in, closeInput = f, func() { f.Close() }
	}
	if !r.check {
		return primeio.NewReader(in, name), closeInput, nil
	}
	if f, ok := in.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
			src, err := checkFile(f, fi, name, r.workers)
			if err != nil {
				closeInput()
				return nil, nil, err
			}
			return src, closeInput, nil
		}
	}
	var tmp *os.File
	err := r.temps.create(func() (func(), error) {
		var err error
		if tmp, err = os.CreateTemp("", "corescale-input-*"); err != nil {
			return nil, err
		}
		return func() {
			tmp.Close()
			os.Remove(tmp.Name())
		}, nil
	})
	if err != nil {
		closeInput()
		return nil, nil, fmt.Errorf("copy %s to check it first: %w", name, err)
	}
	if err := copyChecked(tmp, in, name, r.workers); err != nil {
		closeInput()
		return nil, nil, err
	}
	return primeio.NewReader(tmp, name), closeInput, nil
}

// copyChecked checks r and copies it to tmp on the way, then rewinds tmp.
func copyChecked(tmp *os.File, r io.Reader, name string, workers int) error {
	bw := bufio.NewWriterSize(tmp, 1<<16)
	if err := checkLines(io.TeeReader(r, bw), name, workers); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("copy %s to %s: %w", name, tmp.Name(), err)
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("rewind %s: %w", tmp.Name(), err)
	}
	return nil
}

// checkFile checks the regular file f from where it stands to its end,
// then returns the Source of a second pass over exactly the bytes checked.
// A file that changes after the check would break the promise that a bad
// line prints nothing: a change of size or time is refused before anything
// is printed, and the second pass fails as soon as it sees a change the
// file's size and time did not show (a rewrite in place that put the time
// back): a line that is no longer a number, or at the end a checksum that
// differs.
func checkFile(f *os.File, before os.FileInfo, name string, workers int) (primeio.Source, error) {
	start, err := f.Seek(0, io.SeekCurrent)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	first := &summer{r: f, h: crc32.New(castagnoli())}
	if err := checkLines(first, name, workers); err != nil {
		return nil, err
	}
	after, err := f.Stat()
	if err == nil && (fileChanged(before, after) || start+first.n != after.Size()) {
		err = &inputChanged{name: name, when: "after it was checked"}
	}
	if err == nil && betweenPasses != nil {
		betweenPasses()
	}
	if err == nil {
		var now os.FileInfo
		if now, err = f.Stat(); err == nil && fileChanged(after, now) {
			err = &inputChanged{name: name, when: "after it was checked"}
		}
	}
	if err == nil {
		_, err = f.Seek(start, io.SeekStart)
	}
	if err != nil {
		var ch *inputChanged
		if !errors.As(err, &ch) {
			err = fmt.Errorf("read %s: %w", name, err)
		}
		return nil, err
	}
	second := &summer{r: io.LimitReader(f, first.n), h: crc32.New(castagnoli()), verify: true, want: first.n, sum: first.h.Sum32()}
	return secondPass{primeio.NewReader(second, name), name}, nil
}

// castagnoli is made on first use: building it takes a fifth of a
// millisecond, which every run of the binary paid at start-up, though only
// a checked input uses it.
var castagnoli = sync.OnceValue(func() *crc32.Table { return crc32.MakeTable(crc32.Castagnoli) })

// fileChanged reports whether a file's size or modification time differ.
func fileChanged(a, b os.FileInfo) bool {
	return a.Size() != b.Size() || !a.ModTime().Equal(b.ModTime())
}

// errChanged is what a second pass reads when its bytes are not those
// the first pass checked.
var errChanged = errors.New("changed since it was checked")

// summer counts and checksums what is read through it. With verify set,
// it is a second pass that must read want bytes of checksum sum.
type summer struct {
	r      io.Reader
	h      hash.Hash32
	n      int64
	verify bool
	want   int64
	sum    uint32
}

func (s *summer) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	s.h.Write(p[:n])
	s.n += int64(n)
	if err == io.EOF && s.verify && (s.n != s.want || s.h.Sum32() != s.sum) {
		err = errChanged
	}
	return n, err
}

// secondPass reports any bad line or read of changed bytes as the file
// having changed: the first pass found none.
type secondPass struct {
	*primeio.Reader
	name string
}

func (s secondPass) Fill(b *primeio.Block) error {
	return s.explainError(s.Reader.Fill(b))
}

func (s secondPass) explainError(err error) error {
	var syn *primeio.SyntaxError
	switch {
	case errors.As(err, &syn) && syn.Reason != "":
		return &inputChanged{name: s.name, when: "while being read", detail: fmt.Sprintf("line %d: %s", syn.Line, syn.Reason)}
	case errors.As(err, &syn):
		tok := syn.Token
		if len(tok) > 64 {
			tok = tok[:64] + "..."
		}
		return &inputChanged{name: s.name, when: "while being read", detail: fmt.Sprintf("line %d is now %q", syn.Line, tok)}
	case errors.Is(err, errChanged):
		return &inputChanged{name: s.name, when: "while being read"}
	}
	return err
}

// inputChanged is an input file that changed between the pass that
// checked it and the pass that tests it: a failure while working, not bad
// input.
type inputChanged struct {
	name   string
	when   string // "after it was checked", "while being read"
	detail string // what the second pass saw, if it says more
	left   string // what stdout holds, set by explain
}

func (e *inputChanged) Error() string {
	msg := e.name + " changed " + e.when
	if e.detail != "" {
		msg += ": " + e.detail
	}
	return msg + e.left
}

// tempFiles holds the temporary files of a run, to be removed however it
// ends: by returning, or by a signal, on another goroutine, while the work
// goes on. A file is created under the lock, so that a signal that comes
// while one is being created waits for it, and none is created after.
type tempFiles struct {
	mu      sync.Mutex
	closed  bool
	removes []func()
}

var errRunStopped = errors.New("stopped")

// create runs make, which creates a file and returns what removes it.
func (s *tempFiles) create(make func() (remove func(), err error)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errRunStopped
	}
	remove, err := make()
	if err == nil {
		s.removes = append(s.removes, remove)
	}
	return err
}

// removeAll removes every file created, once, and lets no more be created.
func (s *tempFiles) removeAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	for _, remove := range slices.Backward(s.removes) {
		remove()
	}
	s.removes = nil
}

// writeGate passes writes on until shut, and tells whether any was made:
// what a signal leaves on stdout or a device is then said truly. It holds
// no lock while writing, so a write blocked on a full pipe cannot keep a
// signal from ending the run.
type writeGate struct {
	w     io.Writer
	state atomic.Int32 // 0 nothing written yet, 1 writing, 2 shut
}

func (g *writeGate) Write(p []byte) (int, error) {
	if !g.state.CompareAndSwap(0, 1) && g.state.Load() == 2 {
		return 0, errRunStopped
	}
	return g.w.Write(p)
}

// shut refuses every later write if none was made yet, and reports whether
// the output is untouched: then it stays so.
func (g *writeGate) shut() bool {
	return g.state.CompareAndSwap(0, 2) || g.state.Load() == 2
}

// sharedWriter lets several goroutines write whole lines to one writer.
type sharedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *sharedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// quoteNames shows in err's message each of names as quote.Name does, and
// escapes any other control character (in the name of a link's target,
// say). An error that holds none is returned as it is.
func quoteNames(err error, names ...string) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if quote.Name(msg) == msg {
		return err
	}
	slices.SortFunc(names, func(a, b string) int { return len(b) - len(a) })
	for _, n := range names {
		if n != "" && quote.Name(n) != n {
			msg = strings.ReplaceAll(msg, n, quote.Name(n))
		}
	}
	return &quotedError{quote.Escape(msg), err}
}

// quotedError is an error with its message made safe to print.
type quotedError struct {
	msg string
	err error
}

func (e *quotedError) Error() string { return e.msg }
func (e *quotedError) Unwrap() error { return e.err }
