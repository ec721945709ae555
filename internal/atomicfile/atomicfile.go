package atomicfile

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
)

// File is the temporary file that becomes path on Commit.
type File struct {
	*os.File
	path string
	done bool
}

// Create opens a new temporary file next to path. The target itself is not
// touched until Commit.
func Create(path string) (*File, error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	// Keep an existing file's permissions, since the rename replaces it.
	perm := os.FileMode(0o666)
	if fi, err := os.Stat(path); err == nil {
		if !fi.Mode().IsRegular() {
			return nil, fmt.Errorf("create %s: not a regular file", path)
		}
		perm = fi.Mode().Perm()
	}
	for range 100 {
		// A hidden name so that a crash leaves no file that looks like output.
		tmp := filepath.Join(dir, fmt.Sprintf(".%s.tmp-%08x", base, rand.Uint32()))
		// OpenFile rather than os.CreateTemp so the umask applies as it would to
		// the target created by os.Create.
		f, err := os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_EXCL, perm)
		if errors.Is(err, os.ErrExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("create %s: %w", path, err)
		}
		if perm != 0o666 {
			// The umask may have masked bits the old file had.
			if err := f.Chmod(perm); err != nil {
				f.Close()
				os.Remove(tmp)
				return nil, fmt.Errorf("create %s: %w", path, err)
			}
		}
		return &File{File: f, path: path}, nil
	}
	return nil, fmt.Errorf("create %s: no free temporary name in %s", path, dir)
}

// Commit syncs the data to disk and renames the temporary file to the target.
// On error the temporary file is removed and the target is left as it was.
func (f *File) Commit() error {
	if f.done {
		return fmt.Errorf("commit %s: already committed or aborted", f.path)
	}
	f.done = true
	tmp := f.Name()
	err := f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, f.path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", f.path, err)
	}
	syncDir(filepath.Dir(f.path))
	return nil
}

// Abort closes and removes the temporary file. After Commit it does nothing,
// so it can be deferred right after Create.
func (f *File) Abort() error {
	if f.done {
		return nil
	}
	f.done = true
	f.Close()
	if err := os.Remove(f.Name()); err != nil {
		return fmt.Errorf("remove temporary file for %s: %w", f.path, err)
	}
	return nil
}

// syncDir makes the rename itself durable. It is best effort: the data is
// already safe, and some file systems refuse to sync a directory.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	d.Sync()
	d.Close()
}
