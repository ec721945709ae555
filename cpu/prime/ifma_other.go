//go:build !amd64 || purego

package prime

// Without the assembly there are no IFMA loops: no method asks for them.

// ifmaMethod reports that there is no IFMA method in this build.
func ifmaMethod() (method, bool) { return method{}, false }

func vectorStrong(loops, []uint64, []bool) bool          { return false }
func vectorLucas(loops, []uint64, []uint64, []bool) bool { return false }
func screenWide([]uint64, []bool, []int32) (k, done int) { return 0, 0 }
