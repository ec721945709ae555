package shard

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// Lines returns the bytes [lo, hi) of a file of lines, of size bytes, that
// shard K takes: the lines that start in its N-th of the bytes, so that a
// line belongs to the one shard where it starts, and a file with no final
// newline or with CRLF endings splits as well as any. A task reads only
// from its own block's start and end up to the next newline: never the
// whole file.
func (s Spec) Lines(r io.ReaderAt, size int64) (lo, hi int64, err error) {
	if lo, err = lineStart(r, size, s.nominal(size, s.K)); err != nil {
		return 0, 0, err
	}
	if hi, err = lineStart(r, size, s.nominal(size, s.K+1)); err != nil {
		return 0, 0, err
	}
	return lo, max(lo, hi), nil
}

// nominal is where shard k's bytes begin before snapping: size·k/N.
func (s Spec) nominal(size int64, k int) int64 {
	q, rem := size/int64(s.N), size%int64(s.N)
	// size·k/N without overflow: q·k + rem·k/N, and rem·k < N² ≤ 2^40.
	return q*int64(k) + rem*int64(k)/int64(s.N)
}

// lineStart returns the first line start at or after x: 0, or the byte
// after a newline, or size when no line starts there.
func lineStart(r io.ReaderAt, size, x int64) (int64, error) {
	if x <= 0 {
		return 0, nil
	}
	if x >= size {
		return size, nil
	}
	// A line starts at x when the byte before it is a newline.
	buf := make([]byte, 64<<10)
	for at := x - 1; at < size; {
		n, err := r.ReadAt(buf[:min(int64(len(buf)), size-at)], at)
		if i := bytes.IndexByte(buf[:n], '\n'); i >= 0 {
			return at + int64(i) + 1, nil
		}
		at += int64(n)
		if err != nil && !errors.Is(err, io.EOF) {
			return 0, fmt.Errorf("read at byte %d: %w", at, err)
		}
		if n == 0 {
			// The file is shorter than size: it shrank.
			return 0, fmt.Errorf("read at byte %d: %w", at, io.ErrUnexpectedEOF)
		}
	}
	return size, nil
}
