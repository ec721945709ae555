package bench

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"time"

	"github.com/corescale/corescale/bench/stats"
)

// Config is what Run measures and how.
type Config struct {
	Workloads []string // names (see SelectWorkloads); empty: all
	Backends  []Backend
	Sizes     Sizes
	SizeName  string // for the report
	Seed      uint64
	// Repeat and MinTime: timed runs go on until both are reached.
	Repeat  int
	MinTime time.Duration
	// MaxRepeat caps the timed runs of one backend (0: 1000).
	MaxRepeat int
	Machine   Machine
	// Progress, when set, is told what runs now.
	Progress func(done, total int, what string)
	// TempDir holds the thumbnail batch's files ("" is os.TempDir).
	TempDir string
}

// Run generates each workload, checks and times every backend on it, and
// fits the scaling. Failures of single backends are in the report; the error
// is for a run that cannot go on (a workload that cannot be made, ctx done).
func Run(ctx context.Context, cfg Config) (*Report, error) {
	start := time.Now()
	names, err := SelectWorkloads(cfg.Workloads)
	if err != nil {
		return nil, err
	}
	if len(cfg.Backends) == 0 {
		return nil, errors.New("no backends")
	}
	if cfg.Repeat < 1 {
		cfg.Repeat = 1
	}
	if cfg.MaxRepeat <= 0 {
		cfg.MaxRepeat = 1000
	}
	tmp, err := os.MkdirTemp(cfg.TempDir, "corescale-bench-")
	if err != nil {
		return nil, fmt.Errorf("scratch folder: %w", err)
	}
	defer os.RemoveAll(tmp)

	rep := &Report{Schema: SchemaVersion, Started: start, Machine: cfg.Machine,
		Config:  ConfigInfo{Size: cfg.SizeName, Seed: cfg.Seed, Repeat: cfg.Repeat, MinTime: cfg.MinTime.Seconds(), Workloads: names},
		Results: []Result{}, Scaling: []Scaling{}}
	for _, b := range cfg.Backends {
		l := b.Label()
		if b.Workers > 0 && b.Name == "parallel" {
			l = fmt.Sprintf("%s×%d", l, b.Workers)
		}
		rep.Config.Backends = append(rep.Config.Backends, l)
	}
	total, done := len(names)*(len(cfg.Backends)+1), 0
	progress := func(what string) {
		if cfg.Progress != nil {
			cfg.Progress(done, total, what)
		}
	}
	for _, name := range names {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		progress(name + ": generating")
		w, err := newWork(name, cfg.Sizes, cfg.Seed, tmp)
		if err != nil {
			return nil, fmt.Errorf("workload %s: %w", name, err)
		}
		done++
		for _, b := range cfg.Backends {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			progress(fmt.Sprintf("%s on %s", name, rowName(b)))
			rep.Results = append(rep.Results, measure(w, b, cfg))
			done++
		}
		rep.Scaling = append(rep.Scaling, analyse(rep.Results, name)...)
	}
	rep.Elapsed = since(start)
	return rep, nil
}

func rowName(b Backend) string {
	if b.Name == "parallel" {
		return fmt.Sprintf("parallel×%d", b.Workers)
	}
	return b.Label()
}

// measure checks, then times, workload w on backend b.
func measure(w *work, b Backend, cfg Config) Result {
	res := Result{Workload: w.name, Kind: w.kind, Unit: w.unit, UnitsPerRun: w.units,
		Backend: b.Name, Label: b.Label(), Workers: b.Workers, Emulated: b.Emulated, Status: StatusOK}
	t, err := w.taskFor(b)
	if errors.Is(err, ErrUnsupported) {
		res.Status, res.Error = StatusSkipped, err.Error()
		return res
	}
	if err != nil {
		res.Status, res.Error = StatusError, err.Error()
		return res
	}
	defer t.close()
	// The check is the warm-up.
	if err := t.before(); err != nil {
		res.Status, res.Error = StatusError, err.Error()
		return res
	}
	if err := t.check(); err != nil {
		res.Status, res.Error = StatusMismatch, err.Error()
		return res
	}
	t.reset()
	var walls, cpus []float64
	cpuOK := true
	var spent time.Duration
	for len(walls) < cfg.Repeat || (spent < cfg.MinTime && len(walls) < cfg.MaxRepeat) {
		if err := t.before(); err != nil {
			res.Status, res.Error = StatusError, err.Error()
			return res
		}
		c0, ok0 := cpuTime()
		t0 := time.Now()
		err := t.run()
		wall := time.Since(t0)
		c1, ok1 := cpuTime()
		if err != nil {
			res.Status, res.Error = StatusError, err.Error()
			return res
		}
		spent += wall
		walls = append(walls, wall.Seconds())
		cpus = append(cpus, (c1 - c0).Seconds())
		cpuOK = cpuOK && ok0 && ok1
	}
	res.Repeats = len(walls)
	ws, _ := stats.Summarize(walls) // never empty
	res.Wall = statsOf(ws)
	if cpuOK {
		cs, _ := stats.Summarize(cpus)
		res.CPU = statsOf(cs)
	}
	if ws.Median > 0 {
		res.Throughput = w.units / ws.Median
	}
	res.Phases = t.phases(len(walls))
	return res
}

// analyse fills in speedup, efficiency and Karp–Flatt for the results of
// workload name and fits Amdahl's law over its parallel sweep.
func analyse(results []Result, name string) []Scaling {
	var base *Result
	for i := range results {
		r := &results[i]
		if r.Workload == name && r.Status == StatusOK && !r.Emulated && r.Backend == "serial" {
			base = r
			break
		}
	}
	if base == nil {
		for i := range results {
			r := &results[i]
			if r.Workload == name && r.Status == StatusOK && !r.Emulated && r.Backend == "parallel" && r.Workers == 1 {
				base = r
				break
			}
		}
	}
	if base == nil {
		return nil
	}
	var pts []stats.Point
	for i := range results {
		r := &results[i]
		if r.Workload != name || r.Status != StatusOK || r.Emulated || r.Wall == nil {
			continue
		}
		s := stats.Speedup(base.Wall.Median, r.Wall.Median)
		r.Speedup = ptr(s)
		if r.Workers > 0 && r.Backend != "gpu" {
			r.Efficiency = ptr(stats.Efficiency(s, r.Workers))
			if kf := stats.KarpFlatt(s, r.Workers); !math.IsNaN(kf) {
				r.KarpFlatt = ptr(kf)
			}
		}
		if r.Backend == "parallel" {
			pts = append(pts, stats.Point{P: r.Workers, Speedup: s})
		}
	}
	fit, err := stats.FitAmdahl(pts)
	if err != nil {
		return nil
	}
	sc := Scaling{Workload: name, Baseline: rowName(Backend{Name: base.Backend, Workers: base.Workers}),
		SerialFraction: fit.F, Residual: fit.Residual, Points: fit.Points}
	if m := fit.MaxSpeedup(); !math.IsInf(m, 0) {
		sc.MaxSpeedup = ptr(m)
	}
	return []Scaling{sc}
}

func ptr(f float64) *float64 { return &f }
