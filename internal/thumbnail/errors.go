package thumbnail

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"syscall"

	"github.com/corescale/corescale/internal/quote"
)

// FileError is the failure of one input file. Its message is
// "PATH: reason", with the path said once even where the underlying error
// already named it, and quoted when it would not print as itself (see
// quote).
type FileError struct {
	Path string
	Err  error
}

func (e *FileError) Error() string { return quote.Name(e.Path) + ": " + quote.Escape(e.Err.Error()) }
func (e *FileError) Unwrap() error { return e.Err }

// ErrInputCollision is matched (errors.Is) by the error for an output
// that would replace an input file of the batch.
var ErrInputCollision = errors.New("would overwrite an input")

// collisionError is an output that is an input: the file's own (the same
// path, or another name for it) or another one of the batch.
type collisionError struct {
	out, in string
	own     bool
}

func (e *collisionError) Error() string {
	if e.own {
		return fmt.Sprintf("output %s would overwrite its input", quote.Name(e.out))
	}
	return fmt.Sprintf("output %s would overwrite the input %s", quote.Name(e.out), quote.Name(e.in))
}

func (e *collisionError) Is(target error) bool { return target == ErrInputCollision }

// ErrOutputClash is wrapped by the error for an output that another input
// of the same batch also maps to.
var ErrOutputClash = errors.New("another input has the same output")

// fileError returns err as the failure of path. imagefile and the os
// package put the path at the front of their messages; it is cut there so
// that the report names the file once, and err stays reachable through
// errors.Is and errors.As.
func fileError(path string, err error) *FileError {
	var fe *FileError
	if errors.As(err, &fe) && fe.Path == path {
		return fe
	}
	var pe *fs.PathError
	if errors.As(err, &pe) && pe.Path == path && err == error(pe) {
		return &FileError{path, &trimmed{pe.Op + ": " + pe.Err.Error(), err}}
	}
	if msg, ok := strings.CutPrefix(err.Error(), path+": "); ok {
		return &FileError{path, &trimmed{msg, err}}
	}
	return &FileError{path, err}
}

// trimmed is an error with its message shortened.
type trimmed struct {
	msg string
	err error
}

func (t *trimmed) Error() string { return t.msg }
func (t *trimmed) Unwrap() error { return t.err }

// OutputError stops a batch: its output folder cannot take files (it is
// read-only, full, over quota or not writable), so every file after would
// fail the same way.
type OutputError struct {
	Dir string // the output folder, or the output file's folder
	Err error
}

func (e *OutputError) Error() string {
	reason := e.Err.Error()
	var errno syscall.Errno
	if errors.As(e.Err, &errno) {
		reason = errno.Error() // the path is in the message already
	}
	return "cannot write to " + quote.Name(e.Dir) + ": " + quote.Escape(reason)
}

func (e *OutputError) Unwrap() error { return e.Err }
