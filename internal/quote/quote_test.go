package quote

import "testing"

func TestName(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"photos/a b.jpg", "photos/a b.jpg"},
		{"été/ß.png", "été/ß.png"},
		{"", ""},
		{"a\nb.jpg", `"a\nb.jpg"`},
		{"x\x1b[31mred", `"x\x1b[31mred"`},
		{"evil\u202egpj.exe", `"evil\u202egpj.exe"`},
		{"bad\xffutf8", `"bad\xffutf8"`},
		{"tab\there", `"tab\there"`},
	} {
		if got := Name(tc.in); got != tc.want {
			t.Errorf("Name(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestEscape(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"open a b.jpg: no such file", "open a b.jpg: no such file"},
		{"open a\nb.jpg: denied", `open a\nb.jpg: denied`},
		{"x\x1b[31m: bad\xff", `x\x1b[31m: bad\xff`},
		{"evil\u202egpj", `evil\u202egpj`},
	} {
		if got := Escape(tc.in); got != tc.want {
			t.Errorf("Escape(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}
