package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"github.com/urfave/cli/v2"

	"github.com/corescale/corescale/internal/atomicfile"
)

// commands builds the subcommands, one file each, in the order --help lists
// them.
var commands = []func() *cli.Command{
	primeCommand,
	resizeCommand,
	devicesCommand,
	benchCommand,
	mergeCommand,
}

func main() {
	os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr))
}

// run runs the command line args and returns the exit code: 0 on success, 1
// for a failure while working, 2 for bad usage or bad input. Tests call it
// in place of main.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	app := newApp(stdin, stdout, stderr)
	dropUnusedFlags(app, args)
	args, err := interspersed(args, app.Commands)
	if err == nil {
		err = app.Run(args)
	}
	if err == nil {
		return 0
	}
	fmt.Fprintf(stderr, "corescale: %v\n", err)
	var u *usageError
	if errors.As(err, &u) {
		return 2
	}
	return 1
}

func newApp(stdin io.Reader, stdout, stderr io.Writer) *cli.App {
	app := &cli.App{
		Name:  "corescale",
		Usage: "batch compute on one core, all cores or the GPU, and how it scales",
		Description: "corescale runs the same batch work on a serial, a parallel and a GPU path,\n" +
			"with the same answers on each. Every command takes --backend to choose the\n" +
			"path; auto takes the fastest one this machine has.\n\n" +
			"Start with, for example:\n\n" +
			"   corescale prime 97 1000003 18446744073709551557\n" +
			"   corescale prime --from 1 --to 100 --print count\n" +
			"   corescale prime --help\n\n" +
			"Exit status: 0 success, 1 a failure while working, 2 bad usage or bad input.",
		Version:   version(),
		Reader:    stdin,
		Writer:    stdout,
		ErrWriter: stderr,
		// Errors reach run, which prints them and picks the exit code;
		// the default handler would exit from inside the library.
		ExitErrHandler: func(*cli.Context, error) {},
		OnUsageError:   onUsageError,
		Action: func(c *cli.Context) error {
			if c.Args().Present() {
				return usageErrorf("unknown command %q (see corescale --help)", c.Args().First())
			}
			return cli.ShowAppHelp(c)
		},
	}
	for _, cmd := range commands {
		c := cmd()
		c.OnUsageError = onUsageError
		app.Commands = append(app.Commands, c)
	}
	return app
}

// dropUnusedFlags leaves a command its flags only when the command line
// names it somewhere (running it, or asking for its help in any of
// `help CMD`, `CMD --help`, `--help CMD`): as it sets up, urfave/cli
// formats every flag of every command to group them for help, with a
// regular expression per name, 0.5M instructions of the 4.6M that
// `corescale --version` ran, and a run uses one command's flags at most.
// Any argument counts, not only the first that is not a flag, so that no
// way of writing a command line can leave the command it runs without
// its flags; a name that is only a flag's value keeps a few flags more.
func dropUnusedFlags(app *cli.App, args []string) {
	named := func(c *cli.Command) bool {
		for _, a := range args[min(1, len(args)):] {
			if c.HasName(a) {
				return true
			}
		}
		return false
	}
	for _, c := range app.Commands {
		if !named(c) {
			c.Flags = nil
		}
	}
}

// version is the module version the binary was built from, as `go install
// …@v1.2.3` records it.
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

// usageError is bad usage or bad input: exit status 2, and nothing written.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usageErrorf(format string, a ...any) error {
	return &usageError{fmt.Errorf(format, a...)}
}

// createOutput creates the file that --flag names, all or nothing. Every
// command calls it before its work, so a path that cannot be created (a
// missing or unwritable folder, a folder where a file goes) is bad usage,
// exit status 2, with nothing done and nothing left behind: the same for
// prime, bench and merge, as for resize's --out.
func createOutput(flag, path string) (*atomicfile.File, error) {
	f, err := atomicfile.Create(path)
	if err != nil {
		// atomicfile's errors name the path.
		return nil, usageErrorf("--%s: %w", flag, err)
	}
	return f, nil
}

// onUsageError reports a flag the library could not parse, in place of its
// default of printing the whole help text.
func onUsageError(c *cli.Context, err error, _ bool) error {
	return usageErrorf("%w (see %s --help)", err, c.Command.HelpName)
}
