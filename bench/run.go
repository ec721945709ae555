package bench

import (
	"context"
	"errors"
	"fmt"
	"github.com/corescale/corescale"
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
	// MaxRepeat caps the timed runs of one backend (0: 1000; never below
	// Repeat).
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
	cfg.MaxRepeat = max(cfg.MaxRepeat, cfg.Repeat)
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
		if b.Workers > 0 && b.Name == corescale.Parallel {
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
		rs, err := measure(ctx, w, cfg, func(finished int, what string) {
			done += finished
			progress(name + ": " + what)
		})
		if err != nil {
			return nil, err
		}
		rep.Results = append(rep.Results, rs...)
		rep.Scaling = append(rep.Scaling, analyse(rep.Results, name)...)
		if g := gpuScaling(rep.Results, name); g != nil {
			rep.GPUScaling = append(rep.GPUScaling, *g)
		}
	}
	rep.Elapsed = since(start)
	return rep, nil
}

func rowName(b Backend) string {
	if b.Name == corescale.Parallel {
		return fmt.Sprintf("parallel×%d", b.Workers)
	}
	return b.Label()
}

// row is one backend's measurement of a workload in progress.
type row struct {
	res         Result
	t           *task // nil once the row is settled or failed
	walls, cpus []float64
	cpuOK       bool
	spent       time.Duration
	warmTime    time.Duration // the warm-up run's wall time
	perRound    int           // timed runs per round
}

// wants reports whether the row needs more timed runs.
func (r *row) wants(cfg Config) bool {
	return r.t != nil && len(r.walls) < cfg.MaxRepeat && (len(r.walls) < cfg.Repeat || r.spent < cfg.MinTime)
}

// measure checks every backend on workload w, warms each up, then times
// them in rounds until every backend has Repeat runs and MinTime of timed
// work. In a round each backend runs back to back about as long as the
// slowest takes for one run, so the backends reach MinTime together and a
// fast one does not drag the slow ones through hundreds of rounds; a
// backend that has its runs goes on with the others (up to MaxRepeat), so
// every round holds each. Interleaved, the runs of all backends share
// whatever the host does meanwhile — other tenants, clock changes — so
// their ratios stay honest where back-to-back blocks of runs would credit
// one backend with a quiet minute and blame another for a busy one.
// Emulated backends, whose times are no speed, are timed after the rounds
// and do not set their pace. progress is told how many backends finished
// and what runs now.
func measure(ctx context.Context, w *work, cfg Config, progress func(finished int, what string)) ([]Result, error) {
	rows := make([]*row, len(cfg.Backends))
	defer func() {
		for _, r := range rows {
			if r != nil && r.t != nil {
				r.t.close()
			}
		}
	}()
	for i, b := range cfg.Backends {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		progress(0, "checking "+rowName(b))
		r := &row{res: Result{Workload: w.name(), Kind: w.kind(), Unit: w.unit, UnitsPerRun: w.units,
			Backend: b.Name, Label: b.Label(), Workers: b.Workers, GPUs: b.GPUs, Emulated: b.Emulated, Status: StatusOK}, cpuOK: true}
		rows[i] = r
		if r.t = check(w, b, &r.res); r.t == nil {
			progress(1, r.res.Status+" on "+rowName(b))
		}
	}
	// One untimed run of each right before the rounds: the checks of the
	// others came between a backend's own check and its first timed run.
	// Its time sets the backend's runs per round.
	var slowest time.Duration
	for i, r := range rows {
		if r.t == nil {
			continue
		}
		if err := r.warm(); err != nil {
			r.fail(err)
			progress(1, "error on "+rowName(cfg.Backends[i]))
			continue
		}
		if !r.res.Emulated {
			slowest = max(slowest, r.warmTime)
		}
	}
	for _, r := range rows {
		r.perRound = 1
		if r.t != nil && !r.res.Emulated && r.warmTime > 0 {
			r.perRound = max(1, min(int(slowest/r.warmTime), cfg.MaxRepeat))
		}
	}
	paced := func(r *row) bool { return !r.res.Emulated }
	for _, group := range []func(*row) bool{paced, func(r *row) bool { return !paced(r) }} {
		for round := 1; ; round++ {
			wanting := false
			for _, r := range rows {
				wanting = wanting || group(r) && r.wants(cfg)
			}
			if !wanting {
				break
			}
			progress(0, fmt.Sprintf("timing, round %d", round))
			for i, r := range rows {
				for k := 0; k < r.perRound && group(r) && r.t != nil && len(r.walls) < cfg.MaxRepeat; k++ {
					if err := ctx.Err(); err != nil {
						return nil, err
					}
					if err := r.timeOnce(); err != nil {
						r.fail(err)
						progress(1, "error on "+rowName(cfg.Backends[i]))
					}
				}
			}
		}
	}
	for i, r := range rows {
		if r.t != nil {
			r.settle(w)
			progress(1, "timed "+rowName(cfg.Backends[i]))
		}
	}
	out := make([]Result, len(rows))
	for i, r := range rows {
		out[i] = r.res
	}
	return out, nil
}

// check makes backend b's task for w and runs it once against the
// reference. It returns the task ready for timing,
// or nil with res's status saying why not.
func check(w *work, b Backend, res *Result) *task {
	t, err := w.task(b)
	if errors.Is(err, ErrUnsupported) {
		res.Status, res.Error = StatusSkipped, err.Error()
		return nil
	}
	if err != nil {
		res.Status, res.Error = StatusError, err.Error()
		return nil
	}
	if err := t.before(); err != nil {
		res.Status, res.Error = StatusError, err.Error()
		t.close()
		return nil
	}
	if err := t.check(); err != nil {
		res.Status, res.Error = StatusMismatch, err.Error()
		t.close()
		return nil
	}
	t.reset()
	return t
}

// warm makes one untimed run of the row's task, noting its wall time, and
// clears the phase timings it leaves.
func (r *row) warm() error {
	if err := r.t.before(); err != nil {
		return err
	}
	t0 := time.Now()
	if err := r.t.run(); err != nil {
		return err
	}
	r.warmTime = time.Since(t0)
	r.t.reset()
	return nil
}

// fail records err as the row's result and closes its task.
func (r *row) fail(err error) {
	r.res.Status, r.res.Error = StatusError, err.Error()
	r.t.close()
	r.t = nil
}

// timeOnce makes one timed run of the row's task.
func (r *row) timeOnce() error {
	if err := r.t.before(); err != nil {
		return err
	}
	c0, ok0 := cpuTime()
	t0 := time.Now()
	err := r.t.run()
	wall := time.Since(t0)
	c1, ok1 := cpuTime()
	if err != nil {
		return err
	}
	r.spent += wall
	r.walls = append(r.walls, wall.Seconds())
	r.cpus = append(r.cpus, (c1 - c0).Seconds())
	r.cpuOK = r.cpuOK && ok0 && ok1
	return nil
}

// settle summarises the row's runs into its result and closes its task.
func (r *row) settle(w *work) {
	res := &r.res
	res.Repeats = len(r.walls)
	ws, _ := stats.Summarize(r.walls) // never empty
	res.Wall = statsOf(ws)
	if r.cpuOK {
		cs, _ := stats.Summarize(r.cpus)
		res.CPU = statsOf(cs)
	}
	if ws.Median > 0 {
		res.Throughput = w.units / ws.Median
	}
	res.Phases = r.t.phases(len(r.walls))
	res.Devices = fillDevices(r.t.devices(len(r.walls)), w.units, ws.Median)
	r.t.close()
	r.t = nil
}

// analyse fills in speedup, efficiency and Karp–Flatt for the results of
// workload name and fits Amdahl's law over its parallel sweep.
func analyse(results []Result, name string) []Scaling {
	var base *Result
	for i := range results {
		r := &results[i]
		if r.Workload == name && r.Status == StatusOK && !r.Emulated && r.Backend == corescale.Serial {
			base = r
			break
		}
	}
	if base == nil {
		for i := range results {
			r := &results[i]
			if r.Workload == name && r.Status == StatusOK && !r.Emulated && r.Backend == corescale.Parallel && r.Workers == 1 {
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
		if r.Workers > 0 && r.Backend != corescale.GPU {
			r.Efficiency = ptr(stats.Efficiency(s, r.Workers))
			if kf := stats.KarpFlatt(s, r.Workers); !math.IsNaN(kf) {
				r.KarpFlatt = ptr(kf)
			}
		}
		if r.Backend == corescale.Parallel {
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

// fillDevices gives each device's throughputs: its units over its kernel
// time, over kernel and copy time, and over the run's median wall time.
// A device that does not count its units (the resize engine) is the
// run's only one, so it did all of them.
func fillDevices(ds []DeviceResult, units, wall float64) []DeviceResult {
	for i := range ds {
		d := &ds[i]
		if d.Units == 0 && len(ds) == 1 {
			d.Units = units
		}
		if d.KernelS > 0 {
			d.Kernel = d.Units / d.KernelS
		}
		if d.KernelS+d.CopiesS > 0 {
			d.WithCopies = d.Units / (d.KernelS + d.CopiesS)
		}
		if wall > 0 {
			d.EndToEnd = d.Units / wall
		}
	}
	return ds
}

// gpuScaling is workload name's GPUs 1…N sweep: for each device count the
// row of the first that many GPUs (device 0 alone for one), when the
// machine has at least two. The speedups are over one GPU, and left out
// where the driver is emulated.
func gpuScaling(results []Result, name string) *GPUScaling {
	byCount := map[int]Result{}
	most := 0
	for _, r := range results {
		if r.Workload != name || r.Status != StatusOK || r.GPUs == 0 || (r.Backend != corescale.GPU && r.Backend != corescale.GPUEmu) {
			continue
		}
		// One GPU is device 0 alone; the other single-device rows are
		// the per-device comparison, not the sweep.
		if r.GPUs == 1 && len(r.Devices) > 0 && r.Devices[0].Device != 0 {
			continue
		}
		if _, ok := byCount[r.GPUs]; !ok {
			byCount[r.GPUs] = r
		}
		most = max(most, r.GPUs)
	}
	if most < 2 {
		return nil
	}
	g := &GPUScaling{Workload: name}
	one, haveOne := byCount[1]
	for k := 1; k <= most; k++ {
		r, ok := byCount[k]
		if !ok {
			continue
		}
		g.Emulated = g.Emulated || r.Emulated
		p := GPUPoint{GPUs: k, Label: r.Label, Throughput: r.Throughput}
		if haveOne && !r.Emulated && !one.Emulated && one.Throughput > 0 {
			s := r.Throughput / one.Throughput
			p.Speedup = &s
		}
		g.Points = append(g.Points, p)
	}
	return g
}
