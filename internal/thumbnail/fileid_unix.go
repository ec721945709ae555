//go:build unix

package thumbnail

import (
	"cmp"
	"os"
	"syscall"
)

// fileID is what makes a file itself, whatever its name: the device and
// inode that os.SameFile compares, in 16 bytes instead of an os.FileInfo.
type fileID struct{ dev, ino uint64 }

func idOf(fi os.FileInfo) fileID {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return fileID{uint64(st.Dev), uint64(st.Ino)}
	}
	return fileID{}
}

// compare orders IDs so that the same file sorts together.
func (a fileID) compare(b fileID) int {
	if c := cmp.Compare(a.dev, b.dev); c != 0 {
		return c
	}
	return cmp.Compare(a.ino, b.ino)
}

// same reports whether a and b are one file; it is called only for IDs
// that compare equal.
func (a fileID) same(b fileID) bool { return a == b }
