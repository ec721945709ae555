package main

import (
	"encoding/json"
	"fmt"

	"github.com/corescale/corescale/gpu"
	"github.com/urfave/cli/v2"
)

func devicesCommand() *cli.Command {
	return &cli.Command{
		Name:  "devices",
		Usage: "list the GPUs corescale can use, or say why there are none",
		Description: "Probes the NVIDIA driver library (" + gpu.DriverLibrary + ") without linking it, then, when\n" +
			"it reports a device, opens the GPU plugin (" + gpu.PluginName + " beside the binary, built\n" +
			"by make cuda) and lists each GPU: name, compute capability, memory,\n" +
			"multiprocessors, driver version. Otherwise it says what is missing. The\n" +
			"emulated driver (--backend gpu-emu) is always there, for development.",
		HideHelpCommand: true,
		Flags:           []cli.Flag{&cli.BoolFlag{Name: "json", Usage: "print JSON"}},
		Action:          devicesAction,
	}
}

// deviceReport is what devices prints.
type deviceReport struct {
	DriverLibrary string       `json:"driver_library"`
	LibraryFound  bool         `json:"library_found"`
	DriverVersion string       `json:"driver_version,omitempty"`
	Plugin        string       `json:"plugin"`
	Devices       []deviceJSON `json:"devices"`
	Reason        string       `json:"reason,omitempty"`
	Emulator      string       `json:"emulator"`
}

type deviceJSON struct {
	Index             int    `json:"index"`
	Name              string `json:"name"`
	ComputeCapability string `json:"compute_capability"`
	MemoryBytes       int64  `json:"memory_bytes"`
	Multiprocessors   int    `json:"multiprocessors"`
	DriverVersion     string `json:"driver_version"`
}

func devicesAction(c *cli.Context) error {
	lib := gpu.Library()
	p := gpu.ProbeDriver(lib)
	r := deviceReport{DriverLibrary: lib, LibraryFound: p.Library, Plugin: gpu.PluginPath(), Devices: []deviceJSON{},
		Emulator: "gpu-emu: the kernels run on the host CPU; results, not speed"}
	if p.DriverVersion > 0 {
		r.DriverVersion = cudaVersion(p.DriverVersion)
	}
	if drv, err := gpu.Find(); err != nil {
		r.Reason = gpu.Reason(err)
	} else if devs, err := drv.Devices(); err != nil {
		r.Reason = fmt.Sprintf("the GPU plugin could not list devices: %v", err)
	} else {
		for i, d := range devs {
			r.Devices = append(r.Devices, deviceJSON{i, d.Name, fmt.Sprintf("%d.%d", d.Major, d.Minor), d.Memory, d.Multiprocessors, cudaVersion(d.DriverVersion)})
		}
	}
	w := c.App.Writer
	if c.Bool("json") {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	for _, d := range r.Devices {
		fmt.Fprintf(w, "GPU %d: %s, compute capability %s, %.1f GiB, %d multiprocessors, driver %s\n",
			d.Index, d.Name, d.ComputeCapability, float64(d.MemoryBytes)/(1<<30), d.Multiprocessors, d.DriverVersion)
	}
	if len(r.Devices) == 0 {
		fmt.Fprintf(w, "no GPU: %s\n", r.Reason)
	}
	fmt.Fprintf(w, "always: %s\n", r.Emulator)
	return nil
}

func cudaVersion(v int) string {
	return fmt.Sprintf("%d.%d", v/1000, v%1000/10)
}
