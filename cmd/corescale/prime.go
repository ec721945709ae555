package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"os"

	"github.com/corescale/corescale/cmd/corescale/primeio"
	"github.com/corescale/corescale/cpu/prime"
	"github.com/corescale/corescale/internal/atomicfile"
	"github.com/corescale/corescale/internal/backend"
	"github.com/urfave/cli/v2"
)

const primeDescription = `Tests integers for primality and prints the primes, every verdict, or a count.

Every number below 2^64 gets an exact verdict. Larger numbers, of any size,
get math/big's Baillie-PSW test: no number is known to fool it, but it is not
a proof, so a prime among them is marked probable with a "?": "N?" with
--print primes, "N prime?" with --print all, "N,true?" in csv and
"probable":true in json. Composites are always certain.

The numbers come from exactly one of:
   NUMBER...          arguments, decimal or 0x hex (flags may come before
                      or after them; -- ends the flags)
   --input FILE       one number per line, decimal or 0x hex; FILE - is stdin;
                      blank lines, # comments, spaces, tabs and CRLF are fine
   --from A --to B    every number from A to B, both included
   --random N         N random odd numbers of exactly --bits bits, the same
                      ones for the same --seed

The verdicts come out in input order, numbers in decimal:
   --print primes     the primes, one per line (the default)
   --print all        every number: "N prime" or "N composite"
   --print count      how many of the numbers are prime
   --format csv       a header n,prime, then rows N,true or N,false
                      (--print count: header count, then the count)
   --format json      [{"n":"N","prime":true}, ...] with n a string,
                      or {"count":K}

Examples:
   corescale prime 97 1000003 0xffffffffffffffc5
   corescale prime --from 1000000 --to 1000100 --print all
   corescale prime --random 1000000 --bits 64 --print count --verbose
   seq 1 100 | corescale prime --input - --format csv --output primes.csv

A line that is not a number stops the run before anything is printed or
written, with a message naming the file, the line and the token, and exit
status 2 (1 is a failure while working, such as a write error).`

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
			&cli.IntFlag{Name: "random", Category: inputs, Usage: "test `N` random odd numbers", DefaultText: "none"},
			&cli.IntFlag{Name: "bits", Category: inputs, Value: 64, Usage: "size of the --random numbers in `BITS`, 2 or more"},
			&cli.Uint64Flag{Name: "seed", Category: inputs, Value: 1, Usage: "`SEED` of the --random numbers"},
			&cli.StringFlag{Name: "print", Aliases: []string{"p"}, Category: outputs, Value: string(primeio.Primes), Usage: "`WHAT` to print: primes, all or count"},
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Category: outputs, Value: string(primeio.Text), Usage: "output `FORMAT`: text, csv or json"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Category: outputs, Usage: "write to `FILE`, all or nothing, instead of stdout (- is stdout)"},
		},

		Action: primeAction,
	}
	cmd.Flags = append(cmd.Flags, pathFlags("Path", "goroutines for the parallel path", "say on stderr which backend runs and why")...)
	return cmd
}

func primeAction(c *cli.Context) error {
	err := runPrime(c)
	var syn *primeio.SyntaxError
	if errors.As(err, &syn) {
		return &usageError{err}
	}
	return err
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
	choice, err := chooseBackend(c, backend.Job{Kind: backend.Numbers, Size: countNumbers(c)})
	if err != nil {
		return err
	}
	eng, err := choice.PrimeTester()
	if err != nil {
		return err
	}
	if closer, ok := eng.(io.Closer); ok {
		defer closer.Close()
	}
	outPath := c.String("output")
	toStdout := outPath == "" || outPath == "-"
	// On stdout nothing can be taken back, so an input that may hold a bad
	// line is read twice: once to check every line, once to test. A count
	// is printed only at the end, and a file is only renamed into place at
	// the end, so those need no check.
	check := toStdout && mode != primeio.Count
	if c.Bool("verbose") {
		fmt.Fprintf(c.App.ErrWriter, "corescale: %s; numbers of 2^64 and above go to math/big\n", choice.Why)
		if choice.CPU() {
			fmt.Fprintf(c.App.ErrWriter, "corescale: CPU loops: %s\n", prime.Loops())
		}
	}
	src, closeSrc, err := primeSource(c, check)
	if err != nil {
		return err
	}
	defer closeSrc()

	var out io.Writer = namedWriter{c.App.Writer, "stdout"}
	var file *atomicfile.File
	if !toStdout {
		if file, err = atomicfile.Create(outPath); err != nil {
			return err
		}
		defer file.Abort()
		out = namedWriter{file, outPath}
	}
	w := primeio.NewWriter(out, format, mode)
	if err := pump(src, eng, choice.Workers, w); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	if file != nil {
		return file.Commit()
	}
	return nil
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

// primeSource returns the source of numbers the flags ask for and a function
// that releases it. With check set, a source that can hold a bad token has
// been read through once to make sure it holds none.
func primeSource(c *cli.Context, check bool) (primeio.Source, func(), error) {
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
	case c.IsSet("input"):
		return inputSource(c, c.String("input"), check)
	case c.IsSet("random"):
		n, bits := c.Int("random"), c.Int("bits")
		if n < 0 {
			return nil, nil, usageErrorf("--random %d: want 0 or more numbers", n)
		}
		src, err := primeio.NewRandom(n, bits, c.Uint64("seed"))
		if err != nil {
			return nil, nil, usageErrorf("--bits %d: want 2 or more", bits)
		}
		return src, nothing, nil
	case c.Args().Present():
		args := c.Args().Slice()
		// Arguments are few: check them all, whatever the output.
		if err := drain(primeio.NewArgs(args)); err != nil {
			return nil, nil, err
		}
		return primeio.NewArgs(args), nothing, nil
	}
	if !c.IsSet("from") || !c.IsSet("to") {
		return nil, nil, usageErrorf("--from and --to go together")
	}
	from, err := primeio.ParseNumber(c.String("from"), "--from")
	if err != nil {
		return nil, nil, err
	}
	to, err := primeio.ParseNumber(c.String("to"), "--to")
	if err != nil {
		return nil, nil, err
	}
	if from.Cmp(to) > 0 {
		return nil, nil, usageErrorf("--from %s is greater than --to %s", from, to)
	}
	return primeio.NewRange(from, to), nothing, nil
}

// countNumbers returns how many numbers the flags ask to test, for auto's
// choice, before reading any: -1 when unknown (stdin, or flags that do not
// parse, which primeSource then reports). A file of B bytes holds at most
// B/2 numbers, one digit and a newline each.
func countNumbers(c *cli.Context) int64 {
	switch {
	case c.Args().Present():
		return int64(c.Args().Len())
	case c.IsSet("random"):
		return int64(c.Int("random"))
	case c.IsSet("input"):
		if fi, err := os.Stat(c.String("input")); err == nil && fi.Mode().IsRegular() && c.String("input") != "-" {
			return fi.Size() / 2
		}
		return -1
	}
	from, err1 := primeio.ParseNumber(c.String("from"), "--from")
	to, err2 := primeio.ParseNumber(c.String("to"), "--to")
	if err1 != nil || err2 != nil || from.Cmp(to) > 0 {
		return -1
	}
	n := new(big.Int).Sub(to, from)
	if !n.IsInt64() || n.Int64() == math.MaxInt64 {
		return math.MaxInt64
	}
	return n.Int64() + 1
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

// inputSource opens --input. With check set it reads the input through
// once first: a regular file is then read again from where it started; any
// other stream, such as a pipe on stdin, is copied to a temporary file on the
// way, and that copy is read again.
func inputSource(c *cli.Context, path string, check bool) (primeio.Source, func(), error) {
	var r io.Reader = c.App.Reader
	name := "stdin"
	closeInput := func() {}
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, nil, &usageError{fmt.Errorf("--input: %w", err)}
		}
		r, name, closeInput = f, path, func() { f.Close() }
	}
	if !check {
		return primeio.NewReader(r, name), closeInput, nil
	}
	if f, ok := r.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
			start, err := f.Seek(0, io.SeekCurrent)
			if err == nil {
				err = primeio.Check(f, name)
			}
			if err == nil {
				_, err = f.Seek(start, io.SeekStart)
			}
			if err != nil {
				closeInput()
				return nil, nil, err
			}
			return primeio.NewReader(f, name), closeInput, nil
		}
	}
	tmp, err := os.CreateTemp("", "corescale-input-*")
	if err != nil {
		closeInput()
		return nil, nil, fmt.Errorf("copy %s to check it first: %w", name, err)
	}
	release := func() {
		tmp.Close()
		os.Remove(tmp.Name())
		closeInput()
	}
	if err := copyChecked(tmp, r, name); err != nil {
		release()
		return nil, nil, err
	}
	return primeio.NewReader(tmp, name), release, nil
}

// copyChecked checks r and copies it to tmp on the way, then rewinds tmp.
func copyChecked(tmp *os.File, r io.Reader, name string) error {
	bw := bufio.NewWriterSize(tmp, 1<<16)
	if err := primeio.Check(io.TeeReader(r, bw), name); err != nil {
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
