package textdiff

import (
	"strings"
	"testing"

	udiff "github.com/aymanbagabas/go-udiff"
)

func TestUnifiedIsByLines(t *testing.T) {
	tests := []struct {
		name, a, b string
		want       string // the hunk's lines
	}{
		{"text inserted after a line's end is lines inserted",
			"x\n- Go\n- Remove [5].\n\n### Metrics\n", "x\n- Go\n- Remove [5].\n\nUninstalling.\n\n### Metrics\n",
			" x\n - Go\n - Remove [5].\n+\n+Uninstalling.\n \n ### Metrics\n"},
		{"a heading's level changed",
			"## Setup\n\n### Uninstallation\n\nText.\n", "## Setup\n\n## Uninstallation\n\nText.\n",
			" ## Setup\n \n-### Uninstallation\n+## Uninstallation\n \n Text.\n"},
		{"no newline at the end", "a\nb", "a\nb\nc", " a\n-b\n\\ No newline at end of file\n+b\n+c\n\\ No newline at end of file\n"},
		{"equal", "same\n", "same\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Unified("a/README.md", "b/README.md", tt.a, tt.b)
			if tt.want == "" {
				if got != "" {
					t.Fatalf("diff of equal texts:\n%s", got)
				}
				return
			}
			if _, hunk, ok := strings.Cut(got, "@@\n"); !ok || hunk != tt.want {
				t.Fatalf("diff:\n%s\nwant the hunk:\n%s", got, tt.want)
			}
		})
	}
}

// FuzzEdits: the line edits turn a into b, whatever the texts.
func FuzzEdits(f *testing.F) {
	f.Add("x\n- Remove [5].\n\n### Metrics\n", "x\n- Remove [5].\n\nUninstalling.\n\n### Metrics\n")
	f.Add("a\nb", "a\nb\nc")
	f.Add("", "new\n")
	f.Add("\r\n\r\n", "\n")
	f.Fuzz(func(t *testing.T, a, b string) {
		got, err := udiff.Apply(a, Edits(a, b))
		if err != nil || got != b {
			t.Fatalf("apply: %v\n%q\nwant %q", err, got, b)
		}
		if a != b && Unified("a", "b", a, b) == "" {
			t.Fatal("no diff for different texts")
		}
	})
}
