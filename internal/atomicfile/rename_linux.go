package atomicfile

import (
	"errors"

	"golang.org/x/sys/unix"
)

// renameat2 is a variable so that a test can play a file system that
// refuses it.
var renameat2 = unix.Renameat2

// renameNoReplace renames tmp to target unless target exists, in one step.
func renameNoReplace(tmp, target string) error {
	err := renameat2(unix.AT_FDCWD, tmp, unix.AT_FDCWD, target, unix.RENAME_NOREPLACE)
	if errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOSYS) {
		// Some file systems (NFS, old kernels) refuse the flag; link(2)
		// never replaces either.
		return linkNoReplace(tmp, target)
	}
	return err
}
