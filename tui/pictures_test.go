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

// pictureShot is one of the README's screens.
type pictureShot struct {
	name string
	w, h int
	m    tea.Model
}

// pictureShots are the screens the README shows, drawn as a 256-colour
// terminal draws them.
func pictureShots() []pictureShot {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.ANSI256)
	st := NewStyles(r)
	f := &stubFlows{granted: []string{"api_keys_write", "dashboards_read"}}
	base := func() tea.Model { return New(testDeps(&stubFlows{granted: f.granted}), st) }
	keyed := func() tea.Model {
		m := send(press(base(), "enter", "enter", "abc-123", "tab", "s3cr3t-value-for-the-test", "enter"), authURLMsg{fakeURL})
		return pressDrain(send(m, authorizedMsg{Authorized{Site: "us1", Org: "Partner Sandbox", Granted: f.granted, Expiry: fixedNow}}), "enter")
	}
	return []pictureShot{
		{"authorize", 80, 24, send(press(base(), "enter", "enter", "abc-123", "tab", "s3cr3t-value-for-the-test", "enter"), authURLMsg{fakeURL})},
		{"every-site", 120, 32, pressDrain(keyed(), "enter", "i", "a", "s")},
		{"pull-request", 80, 24, pressDrain(keyed(), "enter", "enter", "enter")},
	}
}

// view draws the shot in colour, and as plain text for screen readers.
func (s pictureShot) view() (colour, plain string) {
	colour = send(s.m, tea.WindowSizeMsg{Width: s.w, Height: s.h}).View()
	return colour, strings.Join(trimRight(strings.Split(ansi.Strip(colour), "\n")), "\n") + "\n"
}

// TestPictures writes the README's screens. It runs only for 'make
// pictures'.
func TestPictures(t *testing.T) {
	if *pictures == "" {
		t.Skip("only for 'make pictures' (go test ./tui -run TestPictures -pictures DIR)")
	}
	if err := os.MkdirAll(*pictures, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, shot := range pictureShots() {
		colour, plain := shot.view()
		for name, text := range map[string]string{shot.name + ".ans": colour + "\n", shot.name + ".txt": plain} {
			if err := os.WriteFile(filepath.Join(*pictures, name), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// The README's pictures and their text are the wizard's screens as they
// are drawn now: a change of layout that leaves them behind fails here
// (run 'make pictures', then copy the .txt into the README).
func TestREADMEShowsTheScreensAsDrawn(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	inREADME := strings.Join(trimRight(strings.Split(string(readme), "\n")), "\n")
	for _, shot := range pictureShots() {
		colour, plain := shot.view()
		dir := filepath.Join("..", "assets", "pictures")
		for name, want := range map[string]string{shot.name + ".ans": colour + "\n", shot.name + ".txt": plain} {
			if got, err := os.ReadFile(filepath.Join(dir, name)); err != nil || string(got) != want {
				t.Errorf("assets/pictures/%s is not the screen as drawn now (%v): run 'make pictures'", name, err)
			}
		}
		if !strings.Contains(inREADME, strings.TrimRight(plain, "\n")) {
			t.Errorf("README.md lacks the text of assets/pictures/%s.txt as drawn now: copy it into the README", shot.name)
		}
	}
}

func trimRight(lines []string) []string {
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return lines
}
