package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"
)

// progress keeps one line of progress on stderr when it is a terminal,
// redrawn in place at most ten times a second; a log file or a pipe gets
// no redrawn lines. resize and bench both report through it.
type progress struct {
	w     io.Writer
	tty   bool
	mu    sync.Mutex
	shown int // the width of the line on screen, 0 when none
	drawn time.Time
}

func newProgress(w io.Writer) *progress {
	f, ok := w.(*os.File)
	return &progress{w: w, tty: ok && term.IsTerminal(int(f.Fd()))}
}

// show redraws the line as line, unless it was drawn less than 100 ms ago
// and force is off.
func (p *progress) show(line string, force bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.tty || !force && time.Since(p.drawn) < 100*time.Millisecond {
		return
	}
	pad := max(p.shown-len(line), 0)
	fmt.Fprintf(p.w, "\r%s%s", line, strings.Repeat(" ", pad))
	p.shown, p.drawn = len(line), time.Now()
}

// clear takes the line off the screen.
func (p *progress) clear() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clearLocked()
}

func (p *progress) clearLocked() {
	if p.shown > 0 {
		fmt.Fprintf(p.w, "\r%s\r", strings.Repeat(" ", p.shown))
		p.shown = 0
	}
}

// printf prints a message above the line, which comes back at the next
// show.
func (p *progress) printf(format string, a ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clearLocked()
	fmt.Fprintf(p.w, format, a...)
}
