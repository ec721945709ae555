package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/corescale/corescale"
	"github.com/corescale/corescale/bench"
	"github.com/corescale/corescale/internal/atomicfile"
	"github.com/corescale/corescale/internal/backend"
)

func benchCommand() *cli.Command {
	cores := runtime.GOMAXPROCS(0)
	return &cli.Command{
		Name:  "bench",
		Usage: "time every path on built-in workloads and show how each scales",
		Description: "Generates primality and resize workloads from a seed (held in memory, so\n" +
			"parsing and decoding are not timed) and a thumbnail batch end to end, checks\n" +
			"every backend's results against the serial engine's, warms each up, then\n" +
			"times the backends interleaved, in rounds of about equal time for each,\n" +
			"until each has --repeat runs and --min-time of work. It prints median, spread, 95%\n" +
			"confidence interval, CPU time, throughput, speedup, parallel efficiency,\n" +
			"Karp–Flatt per worker count and the Amdahl serial fraction fitted over\n" +
			"the worker sweep.\n\n" +
			"Workloads: " + strings.Join(bench.WorkloadNames, ", ") + "\n" +
			"(or prime, resize, thumbnail, all).\n\n" +
			"Backends: serial, parallel (swept over --workers), gpu (when there is one),\n" +
			"gpu-emu (the GPU code emulated on the host: proves it runs, says nothing\n" +
			"of speed, left out of speedups; only when asked).\n\n" +
			"Every output (--json, --csv, --markdown, --plot) is checked before the run:\n" +
			"a folder that is missing or cannot be written to is bad usage, found before\n" +
			"any work. After the run an output that fails is reported and the others\n" +
			"are still written. Ctrl-C stops between runs, removes the scratch folder\n" +
			"and writes nothing.\n\n" +
			"Exit status: 0 success; 1 when a backend's results differ from the serial\n" +
			"engine's or fail, an output could not be written, or the run was\n" +
			"interrupted; 2 bad usage or an output that cannot be created (nothing\n" +
			"run, nothing written).",
		HideHelpCommand: true,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "workload", Usage: "comma-separated `LIST` of workloads", Value: "all"},
			&cli.StringFlag{Name: "backends", Usage: "comma-separated `LIST`: serial, parallel, gpu, gpu-emu", DefaultText: "serial,parallel and gpu if there is one"},
			&cli.StringFlag{Name: "workers", Usage: "worker counts `N,N,…` of the parallel sweep", DefaultText: workersText(bench.WorkerCounts(cores))},
			&cli.StringFlag{Name: "size", Usage: "workload `SIZE`: small, medium or large", Value: "medium"},
			&cli.IntFlag{Name: "repeat", Usage: "at least `N` timed runs per row", Value: 5},
			// A string, parsed here, so that a bad value gets a message
			// that says what a duration looks like.
			&cli.StringFlag{Name: "min-time", Usage: "at least `DURATION` of timed runs per row, such as 300ms or 2s", Value: "300ms", DefaultText: "300ms"},
			&cli.Uint64Flag{Name: "seed", Usage: "`SEED` of the workloads", Value: 1},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "no progress line"},
			&cli.StringFlag{Name: "json", Usage: "write the report as JSON to `FILE`"},
			&cli.StringFlag{Name: "csv", Usage: "write one CSV line per row to `FILE`"},
			&cli.StringFlag{Name: "markdown", Usage: "write the table as Markdown to `FILE`"},
			&cli.StringFlag{Name: "plot", Usage: "write PNG plots into `DIR`"},
			benchShardFlags()[0], benchShardFlags()[1],
		},
		Action: benchAction,
	}
}

func workersText(ws []int) string {
	s := make([]string, len(ws))
	for i, w := range ws {
		s[i] = strconv.Itoa(w)
	}
	return strings.Join(s, ",")
}

func benchAction(c *cli.Context) error {
	if c.Args().Present() {
		return usageErrorf("bench takes no arguments, got %q", c.Args().First())
	}
	names, err := listFlag("workload", c.String("workload"))
	if err != nil {
		return err
	}
	workloads, err := bench.SelectWorkloads(names)
	if err != nil {
		return usageErrorf("--workload: %w", err)
	}
	sizes, err := bench.SizesFor(c.String("size"))
	if err != nil {
		return &usageError{err}
	}
	if c.Int("repeat") < 1 {
		return usageErrorf("--repeat must be at least 1, got %d", c.Int("repeat"))
	}
	minTime, err := parseMinTime(c.String("min-time"))
	if err != nil {
		return err
	}
	workers := bench.WorkerCounts(runtime.GOMAXPROCS(0))
	if c.IsSet("workers") {
		if workers, err = parseWorkers(c.String("workers")); err != nil {
			return err
		}
	}
	var backendNames []string
	if c.IsSet("backends") {
		if backendNames, err = listFlag("backends", c.String("backends")); err != nil {
			return err
		}
	}
	gpuChoice, gpuErr := backend.Choose(backend.Request{Backend: corescale.GPU, Workers: runtime.GOMAXPROCS(0)})
	backends, err := benchBackends(backendNames, workers, gpuChoice, gpuErr)
	if err != nil {
		return err
	}
	sh, err := readSharding(c)
	if err != nil {
		return err
	}
	outs, err := openOutputs(c, benchJSON(sh))
	if err != nil {
		return err
	}
	// Whatever ends the command before the outputs are written removes
	// their temporary files.
	defer outs.abort()

	cfg := bench.Config{Workloads: workloads, Backends: backends, Sizes: sizes, SizeName: c.String("size"),
		Seed: c.Uint64("seed"), Repeat: c.Int("repeat"), MinTime: minTime,
		Machine: bench.DescribeMachine(gpuChoice.Driver, gpuErr)}
	stderr := c.App.ErrWriter
	bar := newProgress(stderr)
	if !c.Bool("quiet") {
		start := time.Now()
		cfg.Progress = func(done, total int, what string) {
			line := fmt.Sprintf("bench [%d/%d] %4.0fs  %s", done, total, time.Since(start).Seconds(), what)
			if !bar.tty {
				fmt.Fprintln(stderr, line) // a log keeps every step
			}
			bar.show(line, true)
		}
	}
	ctx, stop := signalContext()
	defer stop()
	rep, err := bench.Run(ctx, cfg)
	bar.clear()
	if ctx.Err() != nil {
		// bench.Run stops between runs and removes its scratch folder;
		// a report of part of the work is no report.
		return errors.New("interrupted: the run was stopped before its end; no table or output file was written")
	}
	if err != nil {
		return err
	}
	// Each output is written whatever became of the others.
	var problems []string
	if err := rep.WriteTable(c.App.Writer); err != nil {
		problems = append(problems, fmt.Sprintf("the table: %v", err))
	}
	if n := outs.write(rep, stderr, c.Bool("quiet")); n > 0 {
		problems = append(problems, fmt.Sprintf("%d of %d output files could not be written (see above)", n, outs.count()))
	}
	if rep.Failed() {
		problems = append(problems, "some backends gave results that differ from the serial engine's or failed (see above)")
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

// listFlag splits the comma-separated value of --flag. An empty item ("1,,2",
// a trailing comma, an empty value) is bad usage, not something to skip:
// the error names the flag and the list.
func listFlag(flag, s string) ([]string, error) {
	if strings.TrimSpace(s) == "" {
		return nil, usageErrorf("--%s: empty list", flag)
	}
	items := strings.Split(s, ",")
	for i, f := range items {
		if items[i] = strings.TrimSpace(f); items[i] == "" {
			return nil, usageErrorf("--%s %q: item %d is empty", flag, s, i+1)
		}
	}
	return items, nil
}

// parseMinTime reads --min-time.
func parseMinTime(s string) (time.Duration, error) {
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil || d < 0 {
		return 0, usageErrorf("--min-time %q: want a duration such as 300ms or 2s (0 or more)", s)
	}
	return d, nil
}

func parseWorkers(s string) ([]int, error) {
	items, err := listFlag("workers", s)
	if err != nil {
		return nil, err
	}
	var ws []int
	seen := map[int]bool{}
	for _, f := range items {
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 || n > 4096 {
			return nil, usageErrorf("--workers: %q is not a worker count (want 1 to 4096)", f)
		}
		if !seen[n] {
			seen[n] = true
			ws = append(ws, n)
		}
	}
	return ws, nil
}

// benchBackends expands --backends (asked, nil when not given). An
// explicit gpu without a GPU is an error that says why; by default gpu is
// used only when there is one.
func benchBackends(asked []string, workers []int, gpuChoice backend.Choice, gpuErr error) ([]bench.Backend, error) {
	explicit := asked != nil
	names := []string{string(corescale.Serial), string(corescale.Parallel), string(corescale.GPU)}
	if explicit {
		names = asked
	}
	var out []bench.Backend
	for _, n := range names {
		switch name := corescale.Backend(n); name {
		case corescale.Serial:
			out = append(out, bench.Serial())
		case corescale.Parallel:
			for _, w := range workers {
				out = append(out, bench.CPU(w))
			}
		case corescale.GPU:
			if gpuErr != nil {
				if explicit {
					return nil, fmt.Errorf("--backends gpu: %w", gpuErr)
				}
				continue
			}
			out = append(out, bench.FromChoice(gpuChoice))
			// Each device alone and the GPU sweep, on a machine of
			// several.
			if devs, err := gpuChoice.Driver.Devices(); err == nil {
				out = append(out, bench.GPURows(len(devs), func(d []int) bench.Backend {
					c := gpuChoice
					c.Devices = d
					return bench.FromChoice(c)
				})...)
			}
		case corescale.GPUEmu:
			c, err := backend.Choose(backend.Request{Backend: name, Workers: runtime.GOMAXPROCS(0)})
			if err != nil {
				return nil, fmt.Errorf("--backends gpu-emu: %w", err)
			}
			out = append(out, bench.FromChoice(c))
		default:
			return nil, usageErrorf("--backends: unknown backend %q (want serial, parallel, gpu or gpu-emu)", n)
		}
	}
	return out, nil
}

// benchOutput is one file bench writes after the run. It is created before
// the run, as the temporary file that becomes it (atomicfile), which shows
// that its folder exists and takes files; the report goes in at the end.
type benchOutput struct {
	flag, path string
	write      func(*bench.Report, io.Writer) error
	f          *atomicfile.File
}

// benchOutputs are the files of a run, checked before it.
type benchOutputs struct {
	files   []*benchOutput
	plotDir string
}

// openOutputs checks --json, --csv, --markdown and --plot before any work,
// so that a bad path is bad usage found at once, not after minutes of
// running. Nothing is left behind when it fails.
func openOutputs(c *cli.Context, writeJSON func(*bench.Report, io.Writer) error) (*benchOutputs, error) {
	outs := &benchOutputs{plotDir: c.String("plot")}
	claimed := map[string]string{} // absolute path: its flag
	claim := func(flag, path string) error {
		abs, err := filepath.Abs(path)
		if err != nil {
			abs = filepath.Clean(path)
		}
		if other, ok := claimed[abs]; ok {
			return usageErrorf("--%s %s: the same path as --%s", flag, path, other)
		}
		claimed[abs] = flag
		return nil
	}
	for _, o := range []struct {
		flag  string
		write func(*bench.Report, io.Writer) error
	}{{"json", writeJSON}, {"csv", (*bench.Report).WriteCSV}, {"markdown", (*bench.Report).WriteMarkdown}} {
		path := c.String(o.flag)
		if path == "" {
			continue
		}
		if err := claim(o.flag, path); err != nil {
			outs.abort()
			return nil, err
		}
		f, err := createOutput(o.flag, path)
		if err != nil {
			outs.abort()
			return nil, err
		}
		outs.files = append(outs.files, &benchOutput{o.flag, path, o.write, f})
	}
	if dir := outs.plotDir; dir != "" {
		err := claim("plot", dir)
		if err == nil {
			if perr := checkPlotDir(dir); perr != nil {
				err = usageErrorf("--plot %s: %v", dir, perr)
			}
		}
		if err != nil {
			outs.abort()
			return nil, err
		}
	}
	return outs, nil
}

// checkPlotDir shows that the plots can go into dir: it is a folder that
// takes files, or the nearest folder on its way that exists takes a new
// folder. What it makes to find out, it removes.
func checkPlotDir(dir string) error {
	fi, err := os.Stat(dir)
	if err == nil {
		if !fi.IsDir() {
			return errors.New("not a folder")
		}
		f, err := os.CreateTemp(dir, ".corescale-probe-*")
		if err != nil {
			return fmt.Errorf("cannot write in it: %w", bareError(err))
		}
		f.Close()
		os.Remove(f.Name())
		return nil
	}
	for parent := dir; notThere(err); {
		up := filepath.Dir(parent)
		if up == parent {
			break
		}
		parent = up
		var fi os.FileInfo
		if fi, err = os.Stat(parent); err != nil {
			continue
		}
		if !fi.IsDir() {
			return fmt.Errorf("cannot make it: %s is not a folder", parent)
		}
		d, err := os.MkdirTemp(parent, ".corescale-probe-*")
		if err != nil {
			return fmt.Errorf("cannot make it in %s: %w", parent, bareError(err))
		}
		os.Remove(d)
		return nil
	}
	return err
}

// notThere reports whether err says a path does not exist, or cannot,
// because a folder on its way is a file.
func notThere(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}

// bareError drops the path from a file system error, for a message that
// names it already.
func bareError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// outputError is the message for a failure of --flag's output at path,
// naming the path once.
func outputError(flag, path string, err error) string {
	if strings.Contains(err.Error(), path) {
		return fmt.Sprintf("--%s: %v", flag, err)
	}
	return fmt.Sprintf("--%s %s: %v", flag, path, err)
}

// count is how many outputs there are, the plots counted as one.
func (o *benchOutputs) count() int {
	n := len(o.files)
	if o.plotDir != "" {
		n++
	}
	return n
}

// write puts the report into every output and returns how many failed,
// each reported on stderr: one that fails does not stop the others.
func (o *benchOutputs) write(rep *bench.Report, stderr io.Writer, quiet bool) (failed int) {
	for _, out := range o.files {
		err := out.write(rep, out.f)
		if err == nil {
			err = out.f.Commit()
		}
		if err != nil {
			out.f.Abort()
			fmt.Fprintf(stderr, "corescale: %s\n", outputError(out.flag, out.path, err))
			failed++
		}
	}
	if o.plotDir == "" {
		return failed
	}
	files, err := rep.WritePlots(o.plotDir)
	if err != nil {
		failed++
		errs := []error{err}
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			errs = j.Unwrap()
		}
		for _, e := range errs {
			fmt.Fprintf(stderr, "corescale: %s\n", outputError("plot", o.plotDir, e))
		}
	}
	if !quiet && len(files) > 0 {
		fmt.Fprintf(stderr, "wrote %d plots into %s\n", len(files), o.plotDir)
	}
	return failed
}

// abort removes the temporary files of the outputs not written.
func (o *benchOutputs) abort() {
	for _, out := range o.files {
		out.f.Abort()
	}
}
