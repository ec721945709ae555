package bench

import (
	"encoding/json"
	"github.com/corescale/corescale"
	"io"
	"time"

	"github.com/corescale/corescale/bench/stats"
)

// SchemaVersion names the layout of Report's JSON.
const SchemaVersion = "corescale-bench/1"

// Report is the outcome of a Run, and the JSON document --json writes.
type Report struct {
	Schema  string     `json:"schema"`
	Started time.Time  `json:"started"`
	Elapsed float64    `json:"elapsed_s"`
	Machine Machine    `json:"machine"`
	Config  ConfigInfo `json:"config"`
	Results []Result   `json:"results"`
	Scaling []Scaling  `json:"scaling"`
	// GPUScaling is the GPUs 1…N sweep of each workload run on a machine
	// of several GPUs, beside Scaling's core sweep.
	GPUScaling []GPUScaling `json:"gpu_scaling,omitempty"`
}

// Machine names what the run was measured on.
type Machine struct {
	CPU        string `json:"cpu"`
	Cores      int    `json:"cores"`
	GOMAXPROCS int    `json:"gomaxprocs"`
	Go         string `json:"go"`
	OS         string `json:"os"`
	Arch       string `json:"arch"`
	// GPU describes the GPU (name, compute capability, driver); when
	// there is none, GPUReason says why.
	GPU       string `json:"gpu,omitempty"`
	GPUReason string `json:"gpu_reason,omitempty"`
}

// ConfigInfo is the configuration of a run as reported.
type ConfigInfo struct {
	Size      string   `json:"size"`
	Seed      uint64   `json:"seed"`
	Repeat    int      `json:"repeat"`
	MinTime   float64  `json:"min_time_s"`
	Workloads []string `json:"workloads"`
	Backends  []string `json:"backends"`
}

// Status of a result.
const (
	StatusOK       = "ok"
	StatusMismatch = "mismatch" // results differ from the serial engine's: not timed
	StatusError    = "error"    // the backend failed
	StatusSkipped  = "skipped"  // the backend cannot run this workload
)

// Result is one workload on one backend.
type Result struct {
	Workload    string            `json:"workload"`
	Kind        string            `json:"kind"`
	Unit        string            `json:"unit"`
	UnitsPerRun float64           `json:"units_per_run"`
	Backend     corescale.Backend `json:"backend"`
	Label       string            `json:"label"`
	Workers     int               `json:"workers"`
	// GPUs is how many devices a GPU row used.
	GPUs     int    `json:"gpus,omitempty"`
	Emulated bool   `json:"emulated"`
	Status   string `json:"status"`
	Error    string `json:"error,omitempty"`

	Repeats    int                `json:"repeats"`
	Wall       *Stats             `json:"wall_s,omitempty"`
	CPU        *Stats             `json:"cpu_s,omitempty"`
	Throughput float64            `json:"throughput,omitempty"`
	Speedup    *float64           `json:"speedup,omitempty"`
	Efficiency *float64           `json:"efficiency,omitempty"`
	KarpFlatt  *float64           `json:"karp_flatt,omitempty"`
	Phases     map[string]float64 `json:"phases_s,omitempty"`
	// Devices are a GPU row's devices, each on its own share of the work.
	Devices []DeviceResult `json:"devices,omitempty"`
}

// DeviceResult is one GPU's part of a run, from the device's own events,
// per run: the work it took (chunks stolen from a shared queue, so a
// faster device takes more) and its throughputs three ways. Kernel-only
// and with-copies add up the phases of its chunks, which its streams
// overlap, so they are what the device would do with the other phases
// hidden or not; end to end is its share over the run's wall time.
type DeviceResult struct {
	Device     int     `json:"device"`
	Units      float64 `json:"units_per_run"`
	Chunks     float64 `json:"chunks_per_run"`
	KernelS    float64 `json:"kernel_s"`
	CopiesS    float64 `json:"copies_s"`
	Kernel     float64 `json:"kernel_throughput,omitempty"`
	WithCopies float64 `json:"with_copies_throughput,omitempty"`
	EndToEnd   float64 `json:"end_to_end_throughput,omitempty"`
}

// GPUScaling is one workload's throughput on the first 1, 2, … N GPUs.
// Through an emulated driver the points are listed and labelled, and no
// speedup is given: their times are the host's.
type GPUScaling struct {
	Workload string     `json:"workload"`
	Emulated bool       `json:"emulated"`
	Points   []GPUPoint `json:"points"`
}

// GPUPoint is the row of the sweep on GPUs devices.
type GPUPoint struct {
	GPUs       int      `json:"gpus"`
	Label      string   `json:"label"`
	Throughput float64  `json:"throughput"`
	Speedup    *float64 `json:"speedup,omitempty"` // over one GPU
}

// Stats summarises a sample of times, in seconds.
type Stats struct {
	N      int     `json:"n"`
	Median float64 `json:"median"`
	Min    float64 `json:"min"`
	Max    float64 `json:"max"`
	Mean   float64 `json:"mean"`
	SD     float64 `json:"sd"`
	CILow  float64 `json:"ci_low"`
	CIHigh float64 `json:"ci_high"`
}

func statsOf(s stats.Summary) *Stats {
	return &Stats{N: s.N, Median: s.Median, Min: s.Min, Max: s.Max, Mean: s.Mean, SD: s.SD, CILow: s.CILow, CIHigh: s.CIHigh}
}

// Scaling is the Amdahl fit of one workload over the parallel sweep.
type Scaling struct {
	Workload string `json:"workload"`
	// Baseline is the backend the speedups are against: serial, or
	// parallel at one worker when serial was not run.
	Baseline       string   `json:"baseline"`
	SerialFraction float64  `json:"serial_fraction"`
	Residual       float64  `json:"residual"`
	Points         int      `json:"points"`
	MaxSpeedup     *float64 `json:"max_speedup,omitempty"`
}

// WriteJSON writes r as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// Failed reports whether any backend failed or mismatched.
func (r *Report) Failed() bool {
	for _, res := range r.Results {
		if res.Status == StatusMismatch || res.Status == StatusError {
			return true
		}
	}
	return false
}
