//go:build !unix

package thumbnail

import (
	"cmp"
	"os"
)

// fileID is what makes a file itself, whatever its name. Without inodes
// it keeps the os.FileInfo for os.SameFile, ordered by size so that a
// lookup compares with the few files of the same size.
type fileID struct {
	size int64
	fi   os.FileInfo
}

func idOf(fi os.FileInfo) fileID { return fileID{fi.Size(), fi} }

func (a fileID) compare(b fileID) int { return cmp.Compare(a.size, b.size) }

func (a fileID) same(b fileID) bool {
	return a.fi != nil && b.fi != nil && os.SameFile(a.fi, b.fi)
}
