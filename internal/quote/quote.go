package quote

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Name returns name as it is when it prints as itself, and otherwise
// quoted as strconv.Quote does: when it holds a newline or another control
// character (an escape sequence would reach the terminal), a
// bidirectional control (it would reorder the text around it) or bytes
// that are not UTF-8. Ordinary names, spaces and all, print unchanged.
func Name(name string) string {
	if needed(name) {
		return strconv.Quote(name)
	}
	return name
}

func needed(s string) bool {
	if !utf8.ValidString(s) {
		return true
	}
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) {
			return true
		}
	}
	return false
}

// Escape returns s with what Name would quote for written as Go escapes
// in place (\n, \x1b, \u202e, \xff for a byte that is not UTF-8), and the
// rest as it is: for a message of another package that holds a name as it
// is, where quoting the whole would misquote the rest.
func Escape(s string) string {
	if !needed(s) {
		return s
	}
	var b strings.Builder
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[0])
		case unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r):
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteString(s[:size])
		}
		s = s[size:]
	}
	return b.String()
}
