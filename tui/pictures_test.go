package tui

import (
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"
)

// pictures is where 'make pictures' has the README's screens written, in
// colour (ANSI, for freeze to draw) and as text (for screen readers).
var pictures = flag.String("pictures", "", "write the README's screens in colour to this folder")

// TestPictures writes the screens the README shows, drawn as a 256-colour
// terminal draws them. It runs only for 'make pictures'.
func TestPictures(t *testing.T) {
	if *pictures == "" {
		t.Skip("only for 'make pictures' (go test ./tui -run TestPictures -pictures DIR)")
	}
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.ANSI256)
	st := NewStyles(r)
	f := &stubFlows{granted: []string{"api_keys_write", "dashboards_read"}}
	base := func() tea.Model { return New(testDeps(&stubFlows{granted: f.granted}), st) }
	keyed := func() tea.Model {
		m := send(press(base(), "enter", "enter", "abc-123", "tab", "s3cr3t-value-for-the-test", "enter"), authURLMsg{fakeURL})
		return pressDrain(send(m, authorizedMsg{Authorized{Site: "us1", Org: "Partner Sandbox", Granted: f.granted, Expiry: fixedNow}}), "enter")
	}
	for _, shot := range []struct {
		name string
		w, h int
		m    tea.Model
	}{
		{"authorize", 80, 24, send(press(base(), "enter", "enter", "abc-123", "tab", "s3cr3t-value-for-the-test", "enter"), authURLMsg{fakeURL})},
		{"every-site", 120, 32, pressDrain(keyed(), "enter", "i", "a", "s")},
		{"pull-request", 80, 24, pressDrain(keyed(), "enter", "enter", "enter")},
	} {
		view := send(shot.m, tea.WindowSizeMsg{Width: shot.w, Height: shot.h}).View()
		if err := os.MkdirAll(*pictures, 0o755); err != nil {
			t.Fatal(err)
		}
		plain := strings.Join(trimRight(strings.Split(ansi.Strip(view), "\n")), "\n") + "\n"
		for name, text := range map[string]string{shot.name + ".ans": view + "\n", shot.name + ".txt": plain} {
			if err := os.WriteFile(filepath.Join(*pictures, name), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func trimRight(lines []string) []string {
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return lines
}
