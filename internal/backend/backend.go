package backend

import (
	"errors"
	"fmt"

	"github.com/corescale/corescale"
	"github.com/corescale/corescale/cpu/resize"
	"github.com/corescale/corescale/gpu"
	"github.com/corescale/corescale/gpu/emu"
)

// Kind is the kind of work a job is, for auto's sense of its size.
type Kind int

const (
	// Numbers is primality testing; a Job's Size counts numbers.
	Numbers Kind = iota
	// Images is resizing files; a Job's Size is the input files' bytes.
	Images
	// Sieved is a range below 2^64 that a sieve decides; a Job's Size is
	// the range's length.
	Sieved
)

// Auto wakes a GPU only for jobs at least this large: starting one costs
// a context and a JIT compile of the PTX, a tenth of a second or more,
// while the CPU engines test a million 64-bit numbers in about 25 ms a
// core, decode and resize a few megabytes of images in tens of ms, and
// sieve 10^10 numbers in about 2 s a core (at 10^12): even asking the
// driver whether there is a GPU costs cuInit, 13 ms of a 0.2 s count of
// 10^9 numbers where it finds none.
const (
	GPUMinNumbers = 1 << 20
	GPUMinBytes   = 16 << 20
	GPUMinSieved  = 10_000_000_000
)

// Job is what auto needs to know of the work.
type Job struct {
	Kind Kind
	// Size is how much work there is in Kind's unit; negative when
	// unknown (numbers on stdin), which auto treats as large.
	Size int64
	// Estimated says Size is an estimate (a file's numbers from the lines
	// of its head), which auto's reason then says as "about 300,000
	// numbers" rather than a count the user could check and find wrong.
	Estimated bool
	// CPUOnly, when set, says why the job must run on the CPU engine
	// ("--fast and --linear run on the CPU engine only").
	CPUOnly string
}

// ResizeJob is the job of resizing files of bytes bytes in all with opt.
// The fast mode and linear light are the CPU engine's alone, so such a
// job runs on the CPU (this rule is stated here only).
func ResizeJob(opt resize.Options, bytes int64) Job {
	return Job{Kind: Images, Size: bytes, CPUOnly: cpuOnly(opt)}
}

// cpuOnly says why work with opt runs on the CPU engine only, or "".
func cpuOnly(opt resize.Options) string {
	if opt.Fast || opt.Linear {
		return "--fast and --linear run on the CPU engine only"
	}
	return ""
}

// Request is a backend name, a worker count and the job.
type Request struct {
	Backend corescale.Backend
	// Workers is the goroutines of the parallel path, 1 or more.
	Workers int
	// Devices are the GPUs to use; all when empty.
	Devices []int
	Job     Job
}

// ErrCPUOnly marks the error of an explicit GPU backend for a job that
// runs on the CPU engine only: bad usage, not a failure of the machine.
var ErrCPUOnly = errors.New("runs on the CPU engine only")

// cpuOnlyError is ErrCPUOnly with the job's own reason as its message.
type cpuOnlyError struct{ reason string }

func (e *cpuOnlyError) Error() string        { return e.reason }
func (e *cpuOnlyError) Is(target error) bool { return target == ErrCPUOnly }

// Choice is a backend chosen: never auto.
type Choice struct {
	// Backend is serial, parallel, gpu or gpu-emu.
	Backend corescale.Backend
	// Workers is the CPU goroutines the work may use: 1 for serial; for
	// the GPU backends, those that decode, encode and test numbers of
	// 2^64 and above.
	Workers int
	// Driver is the GPU driver of gpu and gpu-emu.
	Driver gpu.Driver
	// Devices are the driver's devices to use; all when empty.
	Devices []int
	// Why says what was chosen and why, for --verbose.
	Why string
	// Probed is set when the choice looked for a GPU: the driver's
	// library, once loaded, stays mapped whether or not it found one, and
	// a memory budget must leave it room (sieve.Options.Lean).
	Probed bool
	// auto is set when auto chose, so that a GPU engine that fails to
	// start falls back to the parallel path rather than failing.
	auto bool
	// lost are the devices its engines dropped.
	lost *lostSet
}

// Emulated reports whether the choice runs kernels on the host, which
// shows their results and nothing of a GPU's speed.
func (c *Choice) Emulated() bool { return c.Driver != nil && c.Driver.Emulated() }

// CPU reports whether the choice runs on the CPU engines.
func (c *Choice) CPU() bool { return c.Driver == nil }

// Label is how reports name the choice: serial, parallel×4, gpu, or
// gpu-emu (emulated; not a speed).
func (c *Choice) Label() string {
	switch {
	case c.Backend == corescale.Parallel:
		return fmt.Sprintf("parallel×%d", c.Workers)
	case c.Emulated():
		return string(c.Backend) + " (emulated; not a speed)"
	}
	return string(c.Backend)
}

// Choose returns the backend req asks for. The error says why it cannot
// be had: an unknown name, a bad worker count, a job that needs the CPU
// on a GPU backend (ErrCPUOnly), or, for gpu, the reason there is no
// usable GPU (gpu.ErrUnavailable).
func Choose(req Request) (Choice, error) {
	c, err := choose(req)
	if c.Driver != nil {
		c.Devices = req.Devices
	}
	return c, err
}

func choose(req Request) (Choice, error) {
	if req.Workers < 1 {
		return Choice{}, fmt.Errorf("%d workers: want 1 or more", req.Workers)
	}
	w := req.Workers
	switch req.Backend {
	case corescale.Serial:
		return Choice{Backend: corescale.Serial, Workers: 1, Why: "backend serial, as asked: one goroutine"}, nil
	case corescale.Parallel:
		return parallel(w, fmt.Sprintf("backend parallel, as asked: %s", goroutines(w))), nil
	case corescale.GPUEmu:
		if req.Job.CPUOnly != "" {
			return Choice{}, &cpuOnlyError{req.Job.CPUOnly}
		}
		return Choice{Backend: corescale.GPUEmu, Workers: w, Driver: &emu.Driver{},
			Why: "backend gpu-emu, as asked: the GPU engines and kernels on the emulated driver (host CPU), a GPU's results, not its speed"}, nil
	case corescale.GPU:
		if req.Job.CPUOnly != "" {
			return Choice{}, &cpuOnlyError{req.Job.CPUOnly}
		}
		drv, err := gpu.Find()
		if err != nil {
			return Choice{}, err
		}
		return Choice{Backend: corescale.GPU, Workers: w, Driver: drv, Why: "backend gpu, as asked: " + drv.Name(), Probed: true}, nil
	case corescale.Auto:
		return chooseAuto(req), nil
	}
	_, err := corescale.ParseBackend(string(req.Backend))
	return Choice{}, err
}

// chooseAuto takes the GPU when the job can use one, is large enough to be
// worth waking it, and one is there; otherwise the parallel path.
func chooseAuto(req Request) Choice {
	w := req.Workers
	fallback := func(why string) Choice {
		return parallel(w, fmt.Sprintf("backend auto chose parallel with %s: %s", goroutines(w), why))
	}
	if req.Job.CPUOnly != "" {
		return fallback(req.Job.CPUOnly)
	}
	if small := smallJob(req.Job); small != "" {
		return fallback(small + ", too small to be worth starting a GPU, which was not probed")
	}
	drv, err := gpu.Find()
	if err != nil {
		c := fallback(err.Error())
		c.Probed = true
		return c
	}
	return Choice{Backend: corescale.GPU, Workers: w, Driver: drv, auto: true, Probed: true,
		Why: "backend auto chose the GPU: " + drv.Name()}
}

// Worth says whether auto would look for a GPU for the job: whether it is
// large enough to repay a GPU's start.
func Worth(j Job) bool { return smallJob(j) == "" }

// smallJob describes a job below auto's threshold, or returns "".
func smallJob(j Job) string {
	switch {
	case j.Size < 0:
		return ""
	case j.Kind == Numbers && j.Size < GPUMinNumbers && j.Estimated:
		return fmt.Sprintf("about %s (under %d)", pluralWord(approximate(j.Size), j.Size, "number"), GPUMinNumbers)
	case j.Kind == Numbers && j.Size < GPUMinNumbers:
		return fmt.Sprintf("%s (under %d)", plural(j.Size, "number"), GPUMinNumbers)
	case j.Kind == Sieved && j.Size < GPUMinSieved:
		return fmt.Sprintf("a range of %s to sieve (under 10^10)", plural(j.Size, "number"))
	case j.Kind == Images && j.Size < GPUMinBytes:
		return fmt.Sprintf("%d bytes of images (under %d MiB)", j.Size, GPUMinBytes>>20)
	}
	return ""
}

func parallel(workers int, why string) Choice {
	return Choice{Backend: corescale.Parallel, Workers: workers, Why: why}
}

// fellBack turns an auto GPU choice whose engine failed to start into the
// parallel path, saying why.
func (c *Choice) fellBack(err error) bool {
	if !c.auto {
		return false
	}
	*c = parallel(c.Workers, fmt.Sprintf("backend auto chose parallel with %s: the GPU failed to start: %v", goroutines(c.Workers), err))
	return true
}

func goroutines(n int) string { return plural(int64(n), "worker") }

// plural returns "1 worker", "2 workers".
func plural(n int64, noun string) string {
	return pluralWord(fmt.Sprint(n), n, noun)
}

// pluralWord returns count and noun, plural unless n is 1.
func pluralWord(count string, n int64, noun string) string {
	if n == 1 {
		return count + " " + noun
	}
	return count + " " + noun + "s"
}

// approximate writes an estimate to two significant digits, with
// thousands separated ("300,000" for 299,926): more digits would claim a
// precision that an estimate from a sample does not have.
func approximate(n int64) string {
	if n >= 100 {
		p := int64(1)
		for n/p >= 100 {
			p *= 10
		}
		n = (n + p/2) / p * p
	}
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
