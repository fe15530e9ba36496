package tui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/oauthwiz/oauthwiz/flows/words"
)

// ErrCancelled is returned when the user quits with Ctrl+C.
var ErrCancelled = errors.New("cancelled")

// cleanupLimit bounds the wait for cancelled steps to clean up.
const cleanupLimit = 30 * time.Second

// Run shows the wizard on out (stderr) until it finishes, and returns the
// final model. bubbletea restores the terminal on return, also after a panic
// in the model, which it recovers and reports as an error.
func Run(ctx context.Context, deps Deps, in io.Reader, out io.Writer) (Model, error) {
	if deps.Copy == nil {
		deps.Copy = Clipboard(out)
	}
	m := New(deps, NewStyles(RendererFor(out)))
	m.tasks = newTasks(ctx)
	// Signals are the caller's (SIGINT and SIGTERM cancel ctx): bubbletea's
	// own handler would end a SIGTERM as a plain quit, without the cleanup.
	// Mouse reporting brings the wheel to the panes; selecting text then
	// takes Shift in most terminals (c copies the value in focus).
	p := tea.NewProgram(m, tea.WithInput(in), tea.WithOutput(out), tea.WithAltScreen(), tea.WithMouseCellMotion(), tea.WithContext(ctx), tea.WithoutSignalHandler())
	final, err := p.Run()
	fm, _ := final.(Model)
	// Running tasks are cancelled and given time to clean up (a scope check
	// deletes what it created) before the process ends.
	if n := m.tasks.running(); n > 0 {
		fmt.Fprintf(out, "Stopping %s and cleaning up…\n", words.Count(n, "running step"))
	}
	if !m.tasks.stop(cleanupLimit) {
		fmt.Fprintf(out, "Gave up waiting after %s: 'oauthwiz scopes check' sweeps what a stopped run left behind.\n", cleanupLimit)
	}
	if errors.Is(err, tea.ErrProgramKilled) || errors.Is(err, context.Canceled) || fm.Cancelled {
		return fm, ErrCancelled
	}
	return fm, err
}

// Summary is the plain-text checklist printed on stdout after the wizard.
func (m Model) Summary() string {
	var b strings.Builder
	j := m.journey() // Datadog's, or the app's (PagerDuty) journey
	rows := j.rows(m)
	for i, name := range j.labels(m) {
		mark, ev, done := rows[i].mark, rows[i].evidence, rows[i].done
		if !done && ev == "" {
			mark, ev = "·", "not done"
		}
		fmt.Fprintf(&b, "%s %-20s %s\n", mark, name, ev)
	}
	return b.String()
}
