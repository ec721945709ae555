package gpu

import (
	"fmt"
	"unsafe"
)

// The launch limits of every CUDA device since compute capability 3.0;
// cuLaunchKernel refuses a launch beyond them (CUDA_ERROR_INVALID_VALUE).
const (
	MaxGridX       = 1<<31 - 1
	MaxGridYZ      = 65535
	MaxBlockXY     = 1024
	MaxBlockZ      = 64
	MaxBlockThread = 1024
)

// CheckLaunch returns an error when grid and block break a launch limit,
// so that an engine fails with a message of its own rather than the
// driver's bare CUDA_ERROR_INVALID_VALUE (and the emulator, which runs any
// grid, does not hide it).
func CheckLaunch(grid, block Dim3) error {
	threads := uint64(block[0]) * uint64(block[1]) * uint64(block[2])
	switch {
	case grid[0] == 0 || grid[1] == 0 || grid[2] == 0 || threads == 0:
		return fmt.Errorf("launch of grid %v, block %v: an empty dimension", grid, block)
	case grid[0] > MaxGridX || grid[1] > MaxGridYZ || grid[2] > MaxGridYZ:
		return fmt.Errorf("launch of grid %v: over the grid limits (%d, %d, %d)", grid, MaxGridX, MaxGridYZ, MaxGridYZ)
	case block[0] > MaxBlockXY || block[1] > MaxBlockXY || block[2] > MaxBlockZ || threads > MaxBlockThread:
		return fmt.Errorf("launch of block %v: over the block limits (%d, %d, %d; %d threads)", block, MaxBlockXY, MaxBlockXY, MaxBlockZ, MaxBlockThread)
	}
	return nil
}

// gridFor returns the blocks that cover n items at per items a block,
// capped at limit: the kernels stride over the grid, so a capped grid
// still covers everything, in more steps per thread.
func gridFor(n, per int, limit uint32) uint32 {
	return uint32(max(1, min((n+per-1)/per, int(limit))))
}

// launch checks the limits, then launches.
func launch(s Stream, f Function, grid, block Dim3, args []unsafe.Pointer) error {
	if err := CheckLaunch(grid, block); err != nil {
		return fmt.Errorf("kernel %s: %w", f.Name(), err)
	}
	return s.Launch(f, grid, block, args)
}
