package termsafe

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestText(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"invalid_request - Mismatching redirect URI", "invalid_request - Mismatching redirect URI"},
		{"bad\x1b[2J\x1b[Hcode", "badcode"},
		{"x\x1b]0;pwned\x07y", "xy"},
		{"x\x1b]52;c;ZXZpbA==\x1b\\y", "xy"},
		{"line one\nline two\r\n", "line one line two  "},
		{"tab\there", "tab here"},
		{"c1\u009b31mred", "c1red"},
		{"\u202egnp.exe", "gnp.exe"},
		{"bad\xffutf8", "bad\ufffdutf8"},
		{"Zürich ✓", "Zürich ✓"},
		{"\x1b", ""},
	} {
		if got := Text(tt.in); got != tt.want {
			t.Errorf("Text(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	long := Text(strings.Repeat("a", 5000))
	if utf8.RuneCountInString(long) != MaxLen+1 || !strings.HasSuffix(long, "…") {
		t.Errorf("long text: %d runes", utf8.RuneCountInString(long))
	}
}

// FuzzText: whatever comes in, nothing that a terminal interprets goes out.
func FuzzText(f *testing.F) {
	for _, s := range []string{"ok", "\x1b[31mred\x1b[0m", "\x1b]0;title\x07", "\u009b2J", "\u202e", "a\nb"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := Text(in)
		for _, r := range out {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
				t.Fatalf("Text(%q) = %q keeps %U", in, out, r)
			}
		}
		if !utf8.ValidString(out) {
			t.Fatalf("Text(%q) is not valid UTF-8", in)
		}
	})
}
