package thumbnail

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

// TestNamesQuoted: a path with a newline, a control character or invalid
// UTF-8 is printed quoted, so that it can neither split a message nor
// reach the terminal as an escape sequence; ordinary names print as they
// are.
func TestNamesQuoted(t *testing.T) {
	for _, tc := range []struct{ path, want string }{
		{"photos/a b.jpg", "photos/a b.jpg"},
		{"photos/été ☀.jpg", "photos/été ☀.jpg"},
		{"a\nb.jpg", `"a\nb.jpg"`},
		{"a\x1b[31mred.jpg", `"a\x1b[31mred.jpg"`},
		{"bad\xff.jpg", `"bad\xff.jpg"`},
		{"tab\there.jpg", `"tab\there.jpg"`},
		{"csi\u009b2J.jpg", `"csi\u009b2J.jpg"`},
	} {
		e := &FileError{Path: tc.path, Err: errors.New("broken")}
		if got := e.Error(); got != tc.want+": broken" {
			t.Errorf("FileError(%q) = %q, want %q", tc.path, got, tc.want+": broken")
		}
	}
	// The reason may name a path too (an output, another input): quoted
	// the same way, and no raw control character gets through.
	out := filepath.Join("out", "x\ny.png")
	for _, err := range []error{
		&collisionError{out: out, own: true},
		&collisionError{out: out, in: "in\x1b.png"},
		errors.New("write " + out + ": no space left on device"),
	} {
		msg := (&FileError{Path: "a.png", Err: err}).Error()
		if strings.ContainsAny(msg, "\n\x1b") || !strings.Contains(msg, `\n`) && !strings.Contains(msg, `\x1b`) {
			t.Errorf("%q: a raw control character, or the name lost", msg)
		}
	}
}
