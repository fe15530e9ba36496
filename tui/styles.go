// Package tui is oauthwiz's bubbletea wizard: one root model routing to a
// table of screens (screens.go: each step's keys, update, view and line
// prompts, in one file per step), journeys as tables of steps (Datadog's,
// an app's), and shared styles and keys. It renders and routes; every side
// effect runs in a task (tasks.go) that calls flows/ and returns a typed
// message, under a context that quitting cancels.
package tui

import (
	"io"

	"github.com/charmbracelet/bubbles/help"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// Styles are built once from a renderer bound to the UI's output (stderr),
// with fixed ANSI colours: no adaptive colours, so no background-colour query
// that could stall start-up under tmux or SSH. NO_COLOR is honoured by the
// renderer's colour profile.
type Styles struct {
	Title, Subtle, Faint, Done, Current, Error, Warn, Key, Box, Sidebar, Selected, Code lipgloss.Style
	Help                                                                                help.Styles
	// Profile is the output's colour profile, for bubbles that colour with
	// termenv directly (the progress bar) instead of lipgloss styles.
	Profile termenv.Profile
}

// NewStyles builds the styles for an output.
func NewStyles(r *lipgloss.Renderer) Styles {
	key := r.NewStyle().Foreground(lipgloss.Color("7"))
	desc := r.NewStyle().Foreground(lipgloss.Color("8"))
	return Styles{
		Profile: r.ColorProfile(),
		// bubbles' default help styles are adaptive colours on the default
		// (stdout) renderer, which would query the terminal: replace them.
		Help:     help.Styles{ShortKey: key, ShortDesc: desc, ShortSeparator: desc, Ellipsis: desc, FullKey: key, FullDesc: desc, FullSeparator: desc},
		Title:    r.NewStyle().Bold(true).Foreground(lipgloss.Color("12")),
		Subtle:   r.NewStyle().Foreground(lipgloss.Color("8")),
		Faint:    r.NewStyle().Faint(true),
		Done:     r.NewStyle().Foreground(lipgloss.Color("10")),
		Current:  r.NewStyle().Bold(true).Foreground(lipgloss.Color("14")),
		Error:    r.NewStyle().Bold(true).Foreground(lipgloss.Color("9")),
		Warn:     r.NewStyle().Foreground(lipgloss.Color("11")),
		Key:      r.NewStyle().Bold(true),
		Box:      r.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(lipgloss.Color("8")).Padding(0, 1),
		Sidebar:  r.NewStyle().Border(lipgloss.NormalBorder(), false, true, false, false).BorderForeground(lipgloss.Color("8")).PaddingRight(1).MarginRight(1),
		Selected: r.NewStyle().Bold(true).Foreground(lipgloss.Color("14")),
		Code:     r.NewStyle().Foreground(lipgloss.Color("13")),
	}
}

// RendererFor returns a renderer for an output writer.
func RendererFor(w io.Writer) *lipgloss.Renderer { return lipgloss.NewRenderer(w) }
