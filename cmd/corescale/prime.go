package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"

	"github.com/corescale/corescale"
	"github.com/corescale/corescale/cmd/corescale/primeio"
	"github.com/corescale/corescale/cpu/prime"
	"github.com/corescale/corescale/gpu"
	"github.com/corescale/corescale/gpu/emu"
	"github.com/corescale/corescale/internal/atomicfile"
	"github.com/urfave/cli/v2"
)

const primeDescription = `Tests integers for primality and prints the primes, every verdict, or a count.

Every number below 2^64 gets an exact verdict. Larger numbers, of any size,
get math/big's Baillie-PSW test: no number is known to fool it, but it is not
a proof, so a prime among them is marked probable with a "?": "N?" with
--print primes, "N prime?" with --print all, "N,true?" in csv and
"probable":true in json. Composites are always certain.

The numbers come from exactly one of:
   NUMBER...          arguments, decimal or 0x hex (flags go before them)
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
		paths   = "Path"
	)
	return &cli.Command{
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
			&cli.StringFlag{Name: "backend", Aliases: []string{"b"}, Category: paths, Value: string(corescale.Auto), Usage: "compute `PATH`: auto, serial, parallel, gpu, or gpu-emu (the GPU code on the host, for development)"},
			&cli.IntFlag{Name: "workers", Aliases: []string{"w"}, Category: paths, Value: runtime.GOMAXPROCS(0), Usage: "`N` goroutines for the parallel path", DefaultText: fmt.Sprintf("all %d cores", runtime.GOMAXPROCS(0))},
			&cli.BoolFlag{Name: "verbose", Category: paths, Usage: "say on stderr which backend runs and why"},
		},
		Action: primeAction,
	}
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
	eng, workers, why, err := primeEngine(c)
	if err != nil {
		return err
	}
	outPath := c.String("output")
	toStdout := outPath == "" || outPath == "-"
	// On stdout nothing can be taken back, so an input that may hold a bad
	// line is read twice: once to check every line, once to test. A count
	// is printed only at the end, and a file is only renamed into place at
	// the end, so those need no check.
	check := toStdout && mode != primeio.Count
	if c.Bool("verbose") {
		fmt.Fprintf(c.App.ErrWriter, "corescale: %s; numbers of 2^64 and above go to math/big\n", why)
		switch eng.(type) {
		case prime.Serial, prime.Parallel:
			fmt.Fprintf(c.App.ErrWriter, "corescale: CPU loops: %s\n", prime.Loops())
		}
	}
	if closer, ok := eng.(io.Closer); ok {
		defer closer.Close()
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
	if err := pump(src, eng, workers, w); err != nil {
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

// primeEngine returns the engine the flags ask for, how many goroutines it
// and the math/big tests may use, and why it was chosen.
func primeEngine(c *cli.Context) (corescale.PrimeTester, int, string, error) {
	backend, err := corescale.ParseBackend(c.String("backend"))
	if err != nil {
		return nil, 0, "", &usageError{fmt.Errorf("--backend: %w", err)}
	}
	workers := c.Int("workers")
	if workers < 1 {
		return nil, 0, "", usageErrorf("--workers %d: want 1 or more", workers)
	}
	switch backend {
	case corescale.GPU, corescale.Auto:
		drv, err := gpu.Find()
		if err == nil {
			eng, err := gpu.NewPrimeEngine(drv, 0, 0)
			if err == nil {
				return eng, workers, fmt.Sprintf("backend %s chose the GPU: %s, device 0", backend, drv.Name()), nil
			}
			if backend == corescale.GPU {
				return nil, 0, "", fmt.Errorf("--backend gpu: %w", err)
			}
			return prime.Parallel{Workers: workers}, workers,
				fmt.Sprintf("backend auto chose parallel with %d workers: the GPU failed to start: %v", workers, err), nil
		}
		if backend == corescale.GPU {
			return nil, 0, "", fmt.Errorf("--backend gpu: %w; use --backend parallel, or auto, which falls back to it", err)
		}
		return prime.Parallel{Workers: workers}, workers,
			fmt.Sprintf("backend auto chose parallel with %d workers: %v", workers, err), nil
	case corescale.GPUEmu:
		eng, err := gpu.NewPrimeEngine(&emu.Driver{}, 0, 0)
		if err != nil {
			return nil, 0, "", fmt.Errorf("--backend gpu-emu: %w", err)
		}
		return eng, workers, "backend gpu-emu, as asked: the GPU engine and kernels on the emulated driver (host CPU) — a GPU's results, not its speed", nil
	case corescale.Serial:
		return prime.Serial{}, 1, "backend serial, as asked: one goroutine", nil
	}
	return prime.Parallel{Workers: workers}, workers, fmt.Sprintf("backend parallel, as asked: %d workers", workers), nil
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
		for _, a := range args {
			name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
			if strings.HasPrefix(a, "-") && hasFlag(c.Command, name) {
				return nil, nil, usageErrorf("flag %s after the numbers: put flags before NUMBER arguments", a)
			}
		}
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

func hasFlag(cmd *cli.Command, name string) bool {
	for _, f := range cmd.Flags {
		for _, n := range f.Names() {
			if n == name {
				return true
			}
		}
	}
	return false
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
