package thumbnail

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLimitsRead: MemTotal, and the least cgroup limit on the way up from
// the process's cgroup, v2 ("max" is none) and v1 (the largest
// page-aligned int64 is none); a cgroup path not mounted is passed over.
func TestLimitsRead(t *testing.T) {
	defer func(m, c, fs string) { meminfoFile, cgroupFile, cgroupFS = m, c, fs }(meminfoFile, cgroupFile, cgroupFS)
	dir := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	meminfoFile, cgroupFile, cgroupFS = filepath.Join(dir, "meminfo"), filepath.Join(dir, "cgroup"), filepath.Join(dir, "fs")
	write("meminfo", "MemFree:         1000 kB\nMemTotal:       24684084 kB\n")
	if got := memTotal(); got != 24684084<<10 {
		t.Errorf("memTotal %d", got)
	}
	for _, c := range []struct {
		name, cgroup string
		files        map[string]string
		want         int64
	}{
		{"v2, limit on a parent", "0::/a/b\n", map[string]string{"fs/a/b/memory.max": "max\n", "fs/a/memory.max": "2147483648\n", "fs/memory.max": "max\n"}, 2 << 30},
		{"v2, none", "0::/a\n", map[string]string{"fs/a/memory.max": "max\n"}, 0},
		{"v2, path not mounted", "0::/elsewhere/x\n", map[string]string{"fs/memory.max": "1073741824\n"}, 1 << 30},
		{"v1", "5:cpu,cpuacct:/a\n4:memory:/a\n0::/\n", map[string]string{"fs/memory/a/memory.limit_in_bytes": "536870912\n", "fs/memory/memory.limit_in_bytes": "9223372036854771712\n"}, 512 << 20},
		{"v1, none", "4:memory:/a\n", map[string]string{"fs/memory/a/memory.limit_in_bytes": "9223372036854771712\n"}, 0},
	} {
		os.RemoveAll(filepath.Join(dir, "fs"))
		write("cgroup", c.cgroup)
		for name, text := range c.files {
			write(name, text)
		}
		if got := cgroupLimit(); got != c.want {
			t.Errorf("%s: cgroupLimit %d, want %d", c.name, got, c.want)
		}
	}
	// The least limit wins, and the reason names it.
	write("cgroup", "0::/a\n")
	write("fs/a/memory.max", "1000000000\n")
	n, why := memoryLimit()
	if n != 1e9 || why != "the cgroup memory limit of 1.0 GB" {
		t.Errorf("memoryLimit %d, %q", n, why)
	}
	if d, why := DefaultMaxMemory(); d != 5e8 || !strings.HasPrefix(why, "half of the cgroup memory limit") {
		t.Errorf("DefaultMaxMemory %d, %q", d, why)
	}
}
