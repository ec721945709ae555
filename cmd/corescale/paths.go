package main

import (
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"

	"github.com/corescale/corescale"
	"github.com/corescale/corescale/gpu"
	"github.com/corescale/corescale/internal/backend"
	"github.com/urfave/cli/v2"
)

// pathFlags are the flags that choose the compute path, the same on every
// command that computes: --backend, --workers and --verbose. workers and
// verbose say what those mean for the command.
func pathFlags(category, workers, verbose string) []cli.Flag {
	cores := runtime.GOMAXPROCS(0)
	return []cli.Flag{
		&cli.StringFlag{Name: "backend", Aliases: []string{"b"}, Category: category, Value: string(corescale.Auto), Usage: "compute `PATH`: auto, serial, parallel, gpu, or gpu-emu (the GPU code on the host, for development)"},
		&cli.IntFlag{Name: "workers", Aliases: []string{"w"}, Category: category, Value: cores, Usage: "`N` " + workers, DefaultText: fmt.Sprintf("all %d cores", cores)},
		&cli.BoolFlag{Name: "verbose", Category: category, Usage: verbose},
		&cli.StringFlag{Name: "devices", Category: category, Value: "all", Usage: "the GPUs to use: all, or a comma list of `NUMBERS` such as 0,2 (corescale devices lists them)"},
	}
}

// parseDevices reads --devices: all (nil), or a list of distinct device
// numbers; a command without the flag reads "", all.
func parseDevices(s string) ([]int, error) {
	if s == "all" || s == "" {
		return nil, nil
	}
	var devs []int
	seen := map[int]bool{}
	for _, f := range strings.Split(s, ",") {
		d, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || d < 0 {
			return nil, fmt.Errorf("%q: want all, or device numbers such as 0,2", s)
		}
		if seen[d] {
			return nil, fmt.Errorf("%q: device %d is listed twice", s, d)
		}
		seen[d] = true
		devs = append(devs, d)
	}
	return devs, nil
}

// backendRequest reads --backend and --workers; bad ones are usage errors.
func backendRequest(c *cli.Context) (backend.Request, error) {
	name, err := corescale.ParseBackend(c.String("backend"))
	if err != nil {
		return backend.Request{}, &usageError{fmt.Errorf("--backend: %w", err)}
	}
	workers := c.Int("workers")
	if workers < 1 {
		return backend.Request{}, usageErrorf("--workers %d: want 1 or more", workers)
	}
	devices, err := parseDevices(c.String("devices"))
	if err != nil {
		return backend.Request{}, &usageError{fmt.Errorf("--devices: %w", err)}
	}
	return backend.Request{Backend: name, Workers: workers, Devices: devices}, nil
}

// choose chooses the path req asks for. A GPU backend for a job that
// needs the CPU is a usage error; no usable GPU for --backend gpu is a
// failure of the machine.
func choose(req backend.Request) (backend.Choice, error) {
	choice, err := backend.Choose(req)
	switch {
	case errors.Is(err, backend.ErrCPUOnly):
		return choice, usageErrorf("--backend %s: %w", req.Backend, err)
	case errors.Is(err, gpu.ErrUnavailable):
		return choice, fmt.Errorf("--backend %s: %w; use --backend parallel, or auto, which falls back to it", req.Backend, err)
	case err != nil:
		return choice, fmt.Errorf("--backend %s: %w", req.Backend, err)
	}
	if choice.Driver != nil && len(req.Devices) > 0 {
		devs, err := choice.Driver.Devices()
		if err != nil {
			return choice, fmt.Errorf("--backend %s: %w", req.Backend, err)
		}
		for _, d := range req.Devices {
			if d >= len(devs) {
				return choice, usageErrorf("--devices: there is no device %d: %s has %d (corescale devices lists them)", d, choice.Driver.Name(), len(devs))
			}
		}
	}
	return choice, nil
}

// chooseBackend reads --backend and --workers and chooses the path for
// job.
func chooseBackend(c *cli.Context, job backend.Job) (backend.Choice, error) {
	req, err := backendRequest(c)
	if err != nil {
		return backend.Choice{}, err
	}
	req.Job = job
	return choose(req)
}
