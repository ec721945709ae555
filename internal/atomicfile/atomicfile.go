package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
)

// ErrAborted is the error of a Write or Commit after Abort, so that a writer
// stopped by another goroutine can tell that from a failure of its own.
var ErrAborted = errors.New("aborted")

var errCommitted = errors.New("already committed")

// The states of a File. Write reads the state without the lock, so that a
// write blocked on a pipe never keeps Abort waiting.
const (
	open int32 = iota
	committed
	aborted
)

// maxLinks bounds a chain of symbolic links, as the kernel's own limit does
// (40 on Linux), so that a loop ends in an error.
const maxLinks = 40

// File is written in place of its target and becomes the target on Commit.
type File struct {
	path   string // as given to Create, for messages
	target string // path with the symbolic links of its last element resolved
	tmp    string // the temporary file; "" when writing to a device or pipe
	file   *os.File

	mu    sync.Mutex // held by Commit, CommitNew and Abort throughout
	state atomic.Int32
}

// Create opens a new temporary file in the folder of path's target. The
// target itself is not touched until Commit. A symbolic link (or a chain of
// them) is followed to its target, which is what Commit replaces, or
// creates if the link dangles; the link stays. A character device or named
// pipe (/dev/null, /dev/stdout, a FIFO) is opened and written directly,
// as a shell redirection would; opening a pipe waits for a reader.
func Create(path string) (*File, error) {
	if fd, ok := descriptor(path); ok {
		return createFromDescriptor(path, fd)
	}
	target, fi, err := resolve(path)
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	name := path
	if target != path {
		name = fmt.Sprintf("%s (a link to %s)", path, target)
	}
	// Keep an existing file's permissions, since the rename replaces it.
	perm := os.FileMode(0o666)
	if fi != nil {
		switch t := fi.Mode().Type(); {
		case t == 0:
			perm = fi.Mode().Perm()
		case t == fs.ModeDir:
			return nil, fmt.Errorf("create %s: is a directory", name)
		case t == fs.ModeNamedPipe || t == fs.ModeDevice|fs.ModeCharDevice:
			return createDirect(path, target, name)
		default:
			return nil, fmt.Errorf("create %s: not a regular file, character device or pipe", name)
		}
	}
	dir := dirOf(target)
	for range 100 {
		// A short name of fixed length, so that any target name the file
		// system takes has room for its temporary file; hidden, so that a
		// crash leaves nothing that looks like output.
		tmp := dir + fmt.Sprintf(".tmp-%012x", rand.Uint64()>>16)
		// OpenFile rather than os.CreateTemp so the umask applies as it would to
		// the target created by os.Create.
		f, err := os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_EXCL, perm)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("create %s: %w", name, bare(err))
		}
		if perm != 0o666 {
			// The umask may have masked bits the old file had.
			if err := f.Chmod(perm); err != nil {
				f.Close()
				os.Remove(tmp)
				return nil, fmt.Errorf("create %s: %w", name, bare(err))
			}
		}
		return &File{path: path, target: target, tmp: tmp, file: f}, nil
	}
	return nil, fmt.Errorf("create %s: no free temporary name in %s", name, dir)
}

// createDirect opens a device or pipe for writing: there is nothing to
// replace, and a rename would swap the device for a regular file.
func createDirect(path, target, name string) (*File, error) {
	f, err := os.OpenFile(target, os.O_WRONLY, 0)
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", name, bare(err))
	}
	// What was stat'ed may have been swapped for a regular file since,
	// which writing in place would then clobber.
	fi, err := f.Stat()
	if err == nil {
		if t := fi.Mode().Type(); t != fs.ModeNamedPipe && t != fs.ModeDevice|fs.ModeCharDevice {
			err = errors.New("changed while it was opened")
		}
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("create %s: %w", name, bare(err))
	}
	return &File{path: path, target: target, file: f}, nil
}

// Direct reports whether Create writes path directly, with nothing to take
// back on failure: one of the process's descriptors, a character device or
// a named pipe (after links). A caller that must not leave partial output
// checks its input before writing to such a path.
func Direct(path string) bool {
	if _, ok := descriptor(path); ok {
		return true
	}
	_, fi, err := resolve(path)
	return err == nil && fi != nil && (fi.Mode().Type() == fs.ModeNamedPipe || fi.Mode().Type() == fs.ModeDevice|fs.ModeCharDevice)
}

// descriptor reports whether path names one of this process's open file
// descriptors (/dev/stdout, /dev/stderr, /dev/fd/N, /proc/self/fd/N), and
// which. Those links lead to what the descriptor holds — a pipe, a file the
// shell opened for appending — which must be written through the
// descriptor itself, as a shell redirection would: following the link and
// renaming over its target would replace the file the shell appends to,
// and a pipe's link target ("pipe:[…]") is no path at all.
func descriptor(path string) (int, bool) {
	switch path {
	case "/dev/stdout":
		return 1, true
	case "/dev/stderr":
		return 2, true
	}
	for _, dir := range []string{"/dev/fd/", "/proc/self/fd/", fmt.Sprintf("/proc/%d/fd/", os.Getpid())} {
		if n, ok := strings.CutPrefix(path, dir); ok {
			if fd, err := strconv.Atoi(n); err == nil && fd >= 0 && strconv.Itoa(fd) == n {
				return fd, true
			}
		}
	}
	return 0, false
}

// createFromDescriptor writes path directly to a duplicate of descriptor
// fd, which keeps its offset and its append mode.
func createFromDescriptor(path string, fd int) (*File, error) {
	dup, err := syscall.Dup(fd)
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	syscall.CloseOnExec(dup)
	return &File{path: path, target: path, file: os.NewFile(uintptr(dup), path)}, nil
}

// resolve follows the symbolic links of path's last element (the kernel
// follows those of the folders on the way). It returns the final target and
// its FileInfo, nil if it does not exist.
func resolve(path string) (string, fs.FileInfo, error) {
	target := path
	for range maxLinks {
		fi, err := os.Lstat(target)
		if errors.Is(err, fs.ErrNotExist) {
			return target, nil, nil
		}
		if err != nil {
			return "", nil, bare(err)
		}
		if fi.Mode().Type() != fs.ModeSymlink {
			return target, fi, nil
		}
		link, err := os.Readlink(target)
		if err != nil {
			return "", nil, bare(err)
		}
		if !strings.HasPrefix(link, "/") {
			// Not filepath.Join: cleaning a/../b to b is wrong when a is a
			// link itself.
			link = dirOf(target) + link
		}
		target = link
	}
	return "", nil, syscall.ELOOP
}

// dirOf returns path up to and including its last slash, uncleaned for the
// reason above: "" for a name in the working folder.
func dirOf(path string) string {
	return path[:strings.LastIndexByte(path, '/')+1]
}

// Name returns the path given to Create, for messages.
func (f *File) Name() string { return f.path }

// Write writes to the temporary file (or the device or pipe). It is safe to
// call while another goroutine calls Abort; once Abort has returned it fails
// with ErrAborted.
func (f *File) Write(p []byte) (int, error) {
	if err := f.closed(); err != nil {
		return 0, &fs.PathError{Op: "write", Path: f.path, Err: err}
	}
	n, err := f.file.Write(p)
	if err != nil {
		if cerr := f.closed(); cerr != nil {
			err = cerr // the file was closed under the write
		}
		err = &fs.PathError{Op: "write", Path: f.path, Err: bare(err)}
	}
	return n, err
}

// WriteString is Write for a string.
func (f *File) WriteString(s string) (int, error) {
	return f.Write([]byte(s))
}

// closed returns why f takes no more writes, or nil.
func (f *File) closed() error {
	switch f.state.Load() {
	case committed:
		return errCommitted
	case aborted:
		return ErrAborted
	}
	return nil
}

// Commit syncs the data to disk and renames the temporary file over the
// target, replacing it if it exists. On error the temporary file is removed
// and the target is left as it was. For a device or pipe, Commit closes it.
func (f *File) Commit() error {
	return f.commit(os.Rename)
}

// CommitNew is Commit, except that it never replaces a target that exists
// when it runs: then it fails with an error that matches fs.ErrExist, and the
// temporary file is removed. Of many Files racing to commit one target with
// CommitNew, exactly one wins. A link that dangles does not count as
// existing: its target is created. For a device or pipe it is Commit, as
// nothing is replaced.
func (f *File) CommitNew() error {
	return f.commit(renameNoReplace)
}

func (f *File) commit(rename func(from, to string) error) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.closed(); err != nil {
		return fmt.Errorf("commit %s: %w", f.path, err)
	}
	f.state.Store(committed)
	if f.tmp == "" {
		if err := f.file.Close(); err != nil {
			return fmt.Errorf("write %s: %w", f.path, bare(err))
		}
		return nil
	}
	err := f.file.Sync()
	if cerr := f.file.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = rename(f.tmp, f.target)
	}
	if err != nil {
		os.Remove(f.tmp)
		return fmt.Errorf("write %s: %w", f.path, bare(err))
	}
	syncDir(dirOf(f.target))
	return nil
}

// linkNoReplace gives the temporary file the target's name with link(2),
// which never replaces, then drops the temporary name.
func linkNoReplace(tmp, target string) error {
	if err := os.Link(tmp, target); err != nil {
		return err
	}
	if err := os.Remove(tmp); err != nil {
		return fmt.Errorf("written, but the temporary file stays: %w", err)
	}
	return nil
}

// Abort closes and removes the temporary file (a device or pipe is only
// closed). After Commit it does nothing, so it can be deferred right after
// Create.
//
// Abort may be called from another goroutine while the owner writes or
// commits, as a signal handler does: a write in progress fails (one blocked
// on a pipe returns), and so does every Write and Commit after it; a Commit
// in progress is waited for, so either the target is complete or it was
// never touched. Either way no temporary file remains once Abort returns.
func (f *File) Abort() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.state.Load() != open {
		return nil
	}
	f.state.Store(aborted)
	f.file.Close()
	if f.tmp == "" {
		return nil
	}
	if err := os.Remove(f.tmp); err != nil {
		return fmt.Errorf("remove temporary file for %s: %w", f.path, bare(err))
	}
	return nil
}

// bare strips the path from err: messages name the target, and the
// temporary file's name would only confuse.
func bare(err error) error {
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		return pe.Err
	case errors.As(err, &le):
		return le.Err
	}
	return err
}

// syncDir makes the rename itself durable. It is best effort: the data is
// already safe, and some file systems refuse to sync a directory.
func syncDir(dir string) {
	if dir == "" {
		dir = "."
	}
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	d.Sync()
	d.Close()
}
