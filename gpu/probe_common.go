package gpu

import "fmt"

// DriverLibrary is the CUDA driver library the probe opens.
const DriverLibrary = "libcuda.so.1"

// Probe is what the driver library says about this machine, found without
// linking it: gorgonia.org/cu exits the process when cuInit fails, so the
// plugin that uses it is opened only after a probe has found a device.
type Probe struct {
	Library       bool // the library could be opened and has the driver's entry points
	Status        int  // cuInit's result: 0, or a CUresult such as 100 (CUDA_ERROR_NO_DEVICE)
	Devices       int
	DriverVersion int // 12040 is 12.4
	// CPUBacked, when not empty, is the description a driver library that
	// runs kernels on the CPU (build/fakecuda, for CI) exports as
	// cpuBackedSymbol: its results are real, its times no GPU's.
	CPUBacked string
	Err       error
}

// cpuBackedSymbol is the string a CPU-backed driver library exports to say
// what it is, so that reports never take its times for a GPU's.
const cpuBackedSymbol = "corescale_cpu_backed_driver"

func versionString(v int) string {
	if v <= 0 {
		return "version unknown"
	}
	return fmt.Sprintf("CUDA %d.%d", v/1000, v%1000/10)
}
