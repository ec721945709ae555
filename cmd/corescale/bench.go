package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
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
			"Exit status 1 when a backend's results differ from the serial engine's.",
		HideHelpCommand: true,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "workload", Usage: "comma-separated `LIST` of workloads", Value: "all"},
			&cli.StringFlag{Name: "backends", Usage: "comma-separated `LIST`: serial, parallel, gpu, gpu-emu", DefaultText: "serial,parallel and gpu if there is one"},
			&cli.StringFlag{Name: "workers", Usage: "worker counts `N,N,…` of the parallel sweep", DefaultText: workersText(bench.WorkerCounts(cores))},
			&cli.StringFlag{Name: "size", Usage: "workload `SIZE`: small, medium or large", Value: "medium"},
			&cli.IntFlag{Name: "repeat", Usage: "at least `N` timed runs per row", Value: 5},
			&cli.DurationFlag{Name: "min-time", Usage: "at least `DURATION` of timed runs per row", Value: 300 * time.Millisecond},
			&cli.Uint64Flag{Name: "seed", Usage: "`SEED` of the workloads", Value: 1},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "no progress line"},
			&cli.StringFlag{Name: "json", Usage: "write the report as JSON to `FILE`"},
			&cli.StringFlag{Name: "csv", Usage: "write one CSV line per row to `FILE`"},
			&cli.StringFlag{Name: "markdown", Usage: "write the table as Markdown to `FILE`"},
			&cli.StringFlag{Name: "plot", Usage: "write PNG plots into `DIR`"},
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
	workloads, err := bench.SelectWorkloads(splitList(c.String("workload")))
	if err != nil {
		return &usageError{err}
	}
	sizes, err := bench.SizesFor(c.String("size"))
	if err != nil {
		return &usageError{err}
	}
	if c.Int("repeat") < 1 {
		return usageErrorf("--repeat must be at least 1, got %d", c.Int("repeat"))
	}
	if c.Duration("min-time") < 0 {
		return usageErrorf("--min-time must not be negative")
	}
	workers := bench.WorkerCounts(runtime.GOMAXPROCS(0))
	if c.IsSet("workers") {
		if workers, err = parseWorkers(c.String("workers")); err != nil {
			return &usageError{err}
		}
	}
	gpuChoice, gpuErr := backend.Choose(backend.Request{Backend: corescale.GPU, Workers: runtime.GOMAXPROCS(0)})
	backends, err := benchBackends(c.String("backends"), c.IsSet("backends"), workers, gpuChoice, gpuErr)
	if err != nil {
		return err
	}

	cfg := bench.Config{Workloads: workloads, Backends: backends, Sizes: sizes, SizeName: c.String("size"),
		Seed: c.Uint64("seed"), Repeat: c.Int("repeat"), MinTime: c.Duration("min-time"),
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
	rep, err := bench.Run(context.Background(), cfg)
	bar.clear()
	if err != nil {
		return err
	}
	if err := rep.WriteTable(c.App.Writer); err != nil {
		return err
	}
	for _, out := range []struct {
		flag  string
		write func(io.Writer) error
	}{{"json", rep.WriteJSON}, {"csv", rep.WriteCSV}, {"markdown", rep.WriteMarkdown}} {
		if path := c.String(out.flag); path != "" {
			if err := writeAtomic(path, out.write); err != nil {
				return fmt.Errorf("--%s: %w", out.flag, err)
			}
		}
	}
	if dir := c.String("plot"); dir != "" {
		files, err := rep.WritePlots(dir)
		if err != nil {
			return fmt.Errorf("--plot: %w", err)
		}
		if !c.Bool("quiet") {
			fmt.Fprintf(stderr, "wrote %d plots into %s\n", len(files), dir)
		}
	}
	if rep.Failed() {
		return errors.New("some backends gave results that differ from the serial engine's or failed (see above)")
	}
	return nil
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func parseWorkers(s string) ([]int, error) {
	var ws []int
	seen := map[int]bool{}
	for _, f := range splitList(s) {
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 || n > 4096 {
			return nil, fmt.Errorf("--workers: %q is not a worker count (want 1 to 4096)", f)
		}
		if !seen[n] {
			seen[n] = true
			ws = append(ws, n)
		}
	}
	if len(ws) == 0 {
		return nil, errors.New("--workers: no worker counts")
	}
	return ws, nil
}

// benchBackends expands --backends. An explicit gpu without a GPU is an
// error that says why; by default gpu is used only when there is one.
func benchBackends(spec string, explicit bool, workers []int, gpuChoice backend.Choice, gpuErr error) ([]bench.Backend, error) {
	names := []string{string(corescale.Serial), string(corescale.Parallel), string(corescale.GPU)}
	if explicit {
		names = splitList(spec)
		if len(names) == 0 {
			return nil, usageErrorf("--backends: empty list")
		}
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

// writeAtomic writes path all or nothing.
func writeAtomic(path string, write func(io.Writer) error) error {
	f, err := atomicfile.Create(path)
	if err != nil {
		return err
	}
	defer f.Abort()
	if err := write(f); err != nil {
		return err
	}
	return f.Commit()
}
