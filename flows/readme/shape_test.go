package readme

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// pathological are README shapes that made parsing super-linear, at a size
// given in bytes (roughly).
func pathological(size int) map[string]string {
	const top = "# Acme\n\n## Setup\n\n"
	repeat := func(s string) string { return top + strings.Repeat(s, size/len(s)) + "\n" }
	var nested, quotes, nested30, quotes30 strings.Builder
	for i := 0; nested.Len() < size; i++ {
		fmt.Fprintf(&nested, "%s- item %d\n", strings.Repeat("  ", i), i)
	}
	for i := 0; nested30.Len() < size; i++ {
		fmt.Fprintf(&nested30, "%s- item %d\n", strings.Repeat("  ", i%30), i)
	}
	for i := 0; quotes30.Len() < size; i++ {
		fmt.Fprintf(&quotes30, "%squote %d\n", strings.Repeat("> ", i%30+1), i)
	}
	quotes.WriteString(strings.Repeat("> ", size/2))
	return map[string]string{
		"nested list":            top + nested.String(),
		"nested quotes":          top + quotes.String() + "\n",
		"list 30 deep":           top + nested30.String(),
		"quotes 30 deep":         top + quotes30.String(),
		"unclosed links":         repeat("[a]("),
		"unclosed brackets":      repeat("["),
		"emphasis":               repeat("*a"),
		"reference definitions":  repeat("[r]: /x\n"),
		"headings":               repeat("## Heading\n"),
		"headings with markup":   repeat("## [Setup](#x) `code` *em*\n"),
		"setext headings":        repeat("a\n=\n"),
		"unclosed fenced code":   top + "```\n" + strings.Repeat("- x\n", size/4),
		"indented code, no list": repeat("    code line\n"),
	}
}

func TestCheckShape(t *testing.T) {
	shapes := pathological(100_000)
	for _, tt := range []struct {
		name, src string
		line      int // 0 with ok; the line named otherwise
		ok        bool
	}{
		{"nested list", shapes["nested list"], 37, false},
		{"nested quotes", shapes["nested quotes"], 5, false},
		{"over 1 MiB", strings.Repeat("text\n", MaxReadmeBytes/5+1), 0, false},
		{"list 30 deep", shapes["list 30 deep"], 0, true},
		{"quotes 30 deep", shapes["quotes 30 deep"], 0, true},
		{"deep list inside fenced code", "## Setup\n\n```yaml\n" + strings.Repeat(" ", 200) + "- x\n```\n", 0, true},
		{"unclosed links", shapes["unclosed links"], 0, true},
		{"a real README", head + setup + support + refs, 0, true},
	} {
		err := CheckShape([]byte(tt.src))
		var se *ShapeError
		switch {
		case tt.ok && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case !tt.ok && (!errors.As(err, &se) || !errors.Is(err, ErrTooComplex) || se.Line != tt.line):
			t.Errorf("%s: got %v, want an error at line %d", tt.name, err, tt.line)
		}
	}
	if _, _, err := FixReadme([]byte(shapes["nested quotes"]), "Acme"); !errors.Is(err, ErrTooComplex) {
		t.Fatalf("the fixer read a README past the bound: %v", err)
	}
}

// Headings keep the text GitHub shows (and so their anchors) now that only
// their own lines go through the inline parser.
func TestHeadingText(t *testing.T) {
	for src, want := range map[string]string{
		"## Setup\n":               "Setup",
		"## `Setup`\n":             "Setup",
		"## [Setup](#setup)\n":     "Setup",
		"## *Un*install **now**\n": "Uninstall now",
		"## 1. Setup\n":            "1. Setup",
		"## - Setup\n":             "- Setup",
		"Set *up*\nagain\n---\n":   "Set up again",
		"## Setup ##\n":            "Setup",
		"## " + strings.Repeat("[a](", 2000) + "\n": strings.Repeat("[a](", 2000),
	} {
		d := Parse([]byte(src))
		if len(d.Headings) != 1 || d.Headings[0].Text != want {
			t.Errorf("%.40q: headings %+v, want %q", src, d.Headings, want)
		}
	}
}

// BenchmarkParseShapes reads the shapes that were super-linear (1 MB of
// nested lists took 1.7 s, 100 KB of "> " 2.8 s, a paragraph of unclosed
// links minutes) within the bounds: each stays linear in its size.
func BenchmarkParseShapes(b *testing.B) {
	for _, size := range []int{250_000, 1_000_000} {
		for name, src := range pathological(size) {
			if CheckShape([]byte(src)) != nil {
				continue // refused in one linear pass: nothing more to measure
			}
			b.Run(fmt.Sprintf("%s/%dKB", strings.ReplaceAll(name, " ", "_"), size/1000), func(b *testing.B) {
				b.SetBytes(int64(len(src)))
				for i := 0; i < b.N; i++ {
					if _, _, err := FixReadme([]byte(src), "Acme"); err != nil && !errors.Is(err, ErrNoSetup) && !errors.Is(err, ErrUnsafeEdit) {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
