package bench

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"strings"

	"github.com/corescale/corescale/gpu"
)

// DescribeMachine names this machine, and the GPU of drv, or why there is
// none (drvErr, from gpu.Find).
func DescribeMachine(drv gpu.Driver, drvErr error) Machine {
	m := Machine{CPU: cpuModel(), Cores: runtime.NumCPU(), GOMAXPROCS: runtime.GOMAXPROCS(0),
		Go: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH}
	switch {
	case drvErr != nil:
		m.GPUReason = gpu.Reason(drvErr)
	case drv == nil:
		m.GPUReason = "no GPU driver"
	default:
		devs, err := drv.Devices()
		if err != nil {
			m.GPUReason = fmt.Sprintf("%s: listing devices: %v", drv.Name(), err)
		} else if len(devs) == 0 {
			m.GPUReason = fmt.Sprintf("%s: no devices", drv.Name())
		} else {
			d := devs[0]
			m.GPU = fmt.Sprintf("%s, compute capability %d.%d, driver %d.%d (%s)",
				d.Name, d.Major, d.Minor, d.DriverVersion/1000, d.DriverVersion%1000/10, drv.Name())
		}
	}
	return m
}

// cpuModel reads the first "model name" of /proc/cpuinfo.
func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}
