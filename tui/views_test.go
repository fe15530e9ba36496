package tui

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

func TestWrapWords(t *testing.T) {
	for _, tt := range []struct {
		text string
		w    int
		want []string
	}{
		{"app_uuid 5b1e5b6e-0d4a-4a8e-9c1f-2d3e4f5a6b7c", 37, []string{"app_uuid", "5b1e5b6e-0d4a-4a8e-9c1f-2d3e4f5a6b7c"}},
		{"written into manifest.json and pushed", 20, []string{"written into", "manifest.json and", "pushed"}},
		{"see https://example.com/a/very/long/path end", 12, []string{"see", "https://exam", "ple.com/a/ve", "ry/long/path", "end"}},
		{"", 10, []string{""}},
		{"日本語テキスト", 4, []string{"日本", "語テ", "キス", "ト"}},
		{"one", 1, []string{"on", "e"}},
	} {
		got := wrapWords(tt.text, tt.w)
		if !slices.Equal(got, tt.want) {
			t.Errorf("wrapWords(%q, %d) = %q, want %q", tt.text, tt.w, got, tt.want)
		}
	}
}

// wrapWords keeps every character of the text's words, in order, and no
// line is wider than w.
func FuzzWrapWords(f *testing.F) {
	f.Add("app_uuid 5b1e5b6e-0d4a-4a8e-9c1f-2d3e4f5a6b7c written into manifest.json", 20)
	f.Add("日本語 テキスト", 3)
	f.Fuzz(func(t *testing.T, text string, w int) {
		if w < 2 || w > 200 {
			return
		}
		lines := wrapWords(text, w) // ends, whatever the bytes
		if !utf8.ValidString(text) {
			return // widths of invalid bytes depend on their neighbours
		}
		for _, l := range lines {
			if ansi.StringWidth(l) > w && utf8.RuneCountInString(l) > 1 {
				t.Fatalf("line %q is wider than %d", l, w)
			}
		}
		got := strings.ReplaceAll(strings.Join(lines, ""), " ", "")
		want := strings.Join(strings.Fields(text), "")
		if got != want {
			t.Fatalf("wrapWords(%q, %d) = %q: the words' characters changed", text, w, lines)
		}
		if w < 10 {
			return
		}
		// Prose wrapping: within the width, every line of the text kept.
		wrapped := hardWrapWords(text, w)
		for _, l := range strings.Split(wrapped, "\n") {
			if ansi.StringWidth(l) > w && utf8.RuneCountInString(strings.TrimSpace(l)) > 1 {
				t.Fatalf("hardWrapWords: line %q is wider than %d", l, w)
			}
		}
		if a, b := strings.Count(wrapped, "\n"), strings.Count(text, "\n"); a < b {
			t.Fatalf("hardWrapWords(%q, %d) = %q: the text's line breaks were lost", text, w, wrapped)
		}
	})
}

// Prose wraps at spaces only, so that what a sentence names (a branch, a
// URL, a command) stays whole, and keeps its line breaks and indents.
func TestHardWrapWordsKeepsNamesWhole(t *testing.T) {
	for _, tt := range []struct {
		name, text string
		w          int
		want       string
	}{
		{"a hyphenated branch", "Your working tree will switch to branch acme-oauth now.", 40,
			"Your working tree will switch to branch\nacme-oauth now."},
		{"a URL longer than a line", "pushing to https://github.com/partner/integrations-extras.git failed", 30,
			"pushing to\nhttps://github.com/partner/int\negrations-extras.git failed"},
		{"its own line breaks", "first line\nsecond line that is long", 12,
			"first line\nsecond line\nthat is long"},
		{"an indent on continuations", "  Dropped by PagerDuty: teams.read users.read", 20,
			"  Dropped by\n  PagerDuty:\n  teams.read\n  users.read"},
		{"a line that fits, spaces and all", "a  b   c", 20, "a  b   c"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := hardWrapWords(tt.text, tt.w); got != tt.want {
				t.Errorf("hardWrapWords(%q, %d) =\n%s\nwant\n%s", tt.text, tt.w, got, tt.want)
			}
		})
	}
}

// A value wrapped for copying keeps every character whole (a byte-wise
// cut split ü or 日 into invalid UTF-8) and each line within the width.
func TestHardWrapKeepsCharacters(t *testing.T) {
	for _, tt := range []struct {
		value string
		w     int
	}{
		{"https://exämple.com/datadog/ünïcode/callback", 10},
		{"https://例え.jp/コールバック/パス", 7},
		{"https://acme.example/oauth/callback", 12},
	} {
		got := hardWrap(tt.value, tt.w)
		if strings.ReplaceAll(got, "\n", "") != tt.value || !utf8.ValidString(got) {
			t.Errorf("hardWrap(%q, %d) = %q: not the value, cut whole", tt.value, tt.w, got)
		}
		for _, l := range strings.Split(got, "\n") {
			if ansi.StringWidth(l) > tt.w {
				t.Errorf("hardWrap(%q, %d): line %q is wider", tt.value, tt.w, l)
			}
		}
	}
}

// truncate measures what shows: a wide character counts two columns, a
// colour none, and an escape sequence is never cut in two.
func TestTruncateMeasuresWhatShows(t *testing.T) {
	red := "\x1b[31m"
	for _, tt := range []struct {
		name, s string
		n       int
		want    string
	}{
		{"fits", "scope", 5, "scope"},
		{"cut", "dashboards_read", 8, "dashboa…"},
		{"wide characters", "日本語テキスト", 7, "日本語…"},
		{"a colour is not counted", red + "✗" + "\x1b[0m" + " monitors_read", 9, red + "✗" + "\x1b[0m" + " monito…"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := truncate(tt.s, tt.n)
			if got != tt.want || ansi.StringWidth(got) > tt.n {
				t.Errorf("truncate(%q, %d) = %q (%d columns), want %q", tt.s, tt.n, got, ansi.StringWidth(got), tt.want)
			}
		})
	}
}
