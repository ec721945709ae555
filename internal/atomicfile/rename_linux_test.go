package atomicfile

import (
	"sync/atomic"
	"testing"

	"golang.org/x/sys/unix"
)

// On a file system that refuses renameat2 (EINVAL, ENOSYS), CommitNew falls
// back to link and unlink, with the same guarantees.
func TestCommitNewFallback(t *testing.T) {
	for _, errno := range []unix.Errno{unix.EINVAL, unix.ENOSYS} {
		t.Run(errno.Error(), func(t *testing.T) {
			var calls atomic.Int32
			renameat2 = func(int, string, int, string, uint) error {
				calls.Add(1)
				return errno
			}
			t.Cleanup(func() { renameat2 = unix.Renameat2 })
			TestCommitNewCreates(t)
			TestCommitNewKeepsExisting(t)
			TestCommitNewRace(t)
			if calls.Load() == 0 {
				t.Error("renameat2 was never tried")
			}
		})
	}
}
