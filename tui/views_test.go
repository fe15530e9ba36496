package tui

import (
	"slices"
	"testing"
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
