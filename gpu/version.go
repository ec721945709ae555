package gpu

import (
	"fmt"

	"github.com/corescale/corescale/kernels"
)

// cudaRelease is a CUDA release as far as loading our code goes: the
// version cuDriverGetVersion reports for its driver, the PTX ISA its
// compilers write and its driver's JIT reads, and the oldest Linux driver
// that ships it (NVIDIA's CUDA toolkit release notes, table 3).
type cudaRelease struct {
	cuda   int    // 11080 is CUDA 11.8
	isa    [2]int // PTX ISA major, minor
	driver string // the oldest Linux driver for it
}

// cudaReleases is in order. A driver JIT-compiles PTX of its own ISA and
// older ones; PTX of a newer ISA it refuses
// (CUDA_ERROR_UNSUPPORTED_PTX_VERSION from CUDA 11.1 on).
var cudaReleases = []cudaRelease{
	{9000, [2]int{6, 0}, "384.81"},
	{9010, [2]int{6, 1}, "390.46"},
	{9020, [2]int{6, 2}, "396.26"},
	{10000, [2]int{6, 3}, "410.48"},
	{10010, [2]int{6, 4}, "418.39"},
	{10020, [2]int{6, 5}, "440.33"},
	{11000, [2]int{7, 0}, "450.36.06"},
	{11010, [2]int{7, 1}, "455.23"},
	{11020, [2]int{7, 2}, "460.27.03"},
	{11030, [2]int{7, 3}, "465.19.01"},
	{11040, [2]int{7, 4}, "470.42.01"},
	{11050, [2]int{7, 5}, "495.29.05"},
	{11060, [2]int{7, 6}, "510.39.01"},
	{11070, [2]int{7, 7}, "515.43.04"},
	{11080, [2]int{7, 8}, "520.61.05"},
	{12000, [2]int{8, 0}, "525.60.13"},
	{12010, [2]int{8, 1}, "530.30.02"},
	{12020, [2]int{8, 2}, "535.54.03"},
	{12030, [2]int{8, 3}, "545.23.06"},
	{12040, [2]int{8, 4}, "550.54.14"},
	{12050, [2]int{8, 5}, "555.42.02"},
}

// releaseForISA returns the first CUDA release whose driver reads PTX ISA
// major.minor.
func releaseForISA(major, minor int) (cudaRelease, error) {
	for _, r := range cudaReleases {
		if r.isa[0] > major || r.isa[0] == major && r.isa[1] >= minor {
			return r, nil
		}
	}
	return cudaRelease{}, fmt.Errorf("PTX ISA %d.%d is newer than corescale's table of CUDA releases", major, minor)
}

// releaseOf returns the release of cuda (a cuDriverGetVersion value), or
// the zero release when the table does not have it.
func releaseOf(cuda int) cudaRelease {
	for _, r := range cudaReleases {
		if r.cuda == cuda {
			return r
		}
	}
	return cudaRelease{}
}

// ptxNeed is what the embedded PTX asks of a driver: the newest ISA any of
// it declares, and the first release that reads it.
type ptxNeed struct {
	isa     [2]int
	release cudaRelease
}

// embeddedPTXNeed returns what kernels' PTX modules need.
func embeddedPTXNeed() (ptxNeed, error) {
	return ptxNeedOf(kernels.PrimePTX, kernels.ResizePTX)
}

func ptxNeedOf(modules ...string) (ptxNeed, error) {
	var need ptxNeed
	for _, ptx := range modules {
		major, minor, err := kernels.PTXVersion(ptx)
		if err != nil {
			return ptxNeed{}, err
		}
		if major > need.isa[0] || major == need.isa[0] && minor > need.isa[1] {
			need.isa = [2]int{major, minor}
		}
	}
	r, err := releaseForISA(need.isa[0], need.isa[1])
	if err != nil {
		return ptxNeed{}, err
	}
	need.release = r
	return need, nil
}

// checkDriverForPTX returns an error when a driver that reports version
// (cuDriverGetVersion) cannot load PTX that needs need, which says so
// with both versions. An unknown version (0) passes: the load will tell.
func checkDriverForPTX(version int, need ptxNeed) error {
	if version <= 0 || version >= need.release.cuda {
		return nil
	}
	return fmt.Errorf("the NVIDIA driver (%s) is too old for corescale's kernels: their PTX (ISA %d.%d) needs a driver for %s or newer, NVIDIA %s or newer; update the driver",
		versionString(version), need.isa[0], need.isa[1], versionString(need.release.cuda), need.release.driver)
}
