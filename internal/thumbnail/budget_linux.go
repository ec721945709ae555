package thumbnail

import (
	"bufio"
	"bytes"
	"os"
	"path"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// memoryLimit returns the least of the memory limits of this process that
// can be read, and what it is ("the cgroup memory limit of 8.0 GB"), or 0.
func memoryLimit() (int64, string) {
	var least int64
	var what string
	consider := func(n int64, name string) {
		if n > 0 && (least == 0 || n < least) {
			least, what = n, name
		}
	}
	consider(memTotal(), "the physical memory")
	consider(cgroupLimit(), "the cgroup memory limit")
	for _, r := range []struct {
		resource int
		name     string
	}{{unix.RLIMIT_AS, "the address-space limit (RLIMIT_AS)"}, {unix.RLIMIT_DATA, "the data limit (RLIMIT_DATA)"}} {
		var l unix.Rlimit
		if unix.Getrlimit(r.resource, &l) == nil && l.Cur != unix.RLIM_INFINITY && l.Cur < unlimited {
			consider(int64(l.Cur), r.name)
		}
	}
	if least == 0 {
		return 0, ""
	}
	return least, what + " of " + formatBytes(least)
}

// Where the limits are read; tests point them at a fake tree.
var (
	meminfoFile = "/proc/meminfo"
	cgroupFile  = "/proc/self/cgroup"
	cgroupFS    = "/sys/fs/cgroup"
)

// memTotal is MemTotal from /proc/meminfo.
func memTotal() int64 {
	b, err := os.ReadFile(meminfoFile)
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(b)) {
		if rest, ok := strings.CutPrefix(line, "MemTotal:"); ok {
			f := strings.Fields(rest)
			if len(f) == 2 && f[1] == "kB" {
				if kb, err := strconv.ParseInt(f[0], 10, 64); err == nil && kb > 0 && kb < unlimited>>10 {
					return kb << 10
				}
			}
		}
	}
	return 0
}

// cgroupLimit is the least memory limit of this process's cgroup and its
// ancestors, under cgroup v2 (memory.max) or v1 (memory.limit_in_bytes),
// or 0 when there is none. A cgroup's path may not be mounted as seen from
// inside a container; then the mount's root is read.
func cgroupLimit() int64 {
	f, err := os.Open(cgroupFile)
	if err != nil {
		return 0
	}
	defer f.Close()
	var least int64
	s := bufio.NewScanner(f)
	for s.Scan() {
		// hierarchy-ID:controllers:path
		parts := strings.SplitN(s.Text(), ":", 3)
		if len(parts) != 3 {
			continue
		}
		var root, file string
		switch {
		case parts[0] == "0" && parts[1] == "":
			root, file = cgroupFS, "memory.max"
		case contains(parts[1], "memory"):
			root, file = path.Join(cgroupFS, "memory"), "memory.limit_in_bytes"
		default:
			continue
		}
		for dir := parts[2]; ; dir = path.Dir(dir) {
			if n := readLimit(path.Join(root, dir, file)); n > 0 && (least == 0 || n < least) {
				least = n
			}
			if dir == "/" || dir == "." || dir == "" {
				break
			}
		}
	}
	return least
}

func contains(list, name string) bool {
	for c := range strings.SplitSeq(list, ",") {
		if c == name {
			return true
		}
	}
	return false
}

// readLimit reads a cgroup limit file: bytes, or "max" (none).
func readLimit(file string) int64 {
	b, err := os.ReadFile(file)
	if err != nil {
		return 0
	}
	n, err := strconv.ParseInt(string(bytes.TrimSpace(b)), 10, 64)
	if err != nil || n <= 0 || n >= unlimited {
		return 0
	}
	return n
}
