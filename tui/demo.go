package tui

import (
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// In the demo (pairing, a conference talk), Enter alone walks the whole
// journey: on each screen it performs the screen's next primary action —
// import on the second site, authorize there, check every scope, preview
// and write the fixes, push and open the pull request, publish and write
// app_uuid — and only continues once there is none. Each screen says what
// that is through its Primary function: the key Enter stands for now, and
// the words the help bar shows ("" when Enter continues as usual).

// autoEnterMsg is the demo's own Enter (--auto).
type autoEnterMsg struct{}

// autoEnter schedules the next Enter of a demo that plays itself.
func (m Model) autoEnter() tea.Cmd {
	if !m.deps.Demo || m.deps.AutoEnter <= 0 {
		return nil
	}
	return tea.Tick(m.deps.AutoEnter, func(time.Time) tea.Msg { return autoEnterMsg{} })
}

// onAutoEnter presses Enter when nothing runs (a running step is waited
// for), and schedules the next one until the journey ends.
func (m Model) onAutoEnter() (tea.Model, tea.Cmd) {
	if m.Finished || m.Cancelled {
		return m, nil
	}
	if m.busy() && m.demoHelp() == "" { // a question a running step asks is answered
		return m, m.autoEnter()
	}
	next, cmd := m.Update(tea.KeyMsg{Type: tea.KeyEnter})
	nm := next.(Model)
	if nm.Finished || nm.Cancelled {
		return nm, cmd
	}
	return nm, tea.Batch(cmd, nm.autoEnter())
}

// demoEnter turns Enter into the screen's primary action in the demo (the
// model comes back with what that moved, a list's cursor).
func (m Model) demoEnter(msg tea.KeyMsg) (Model, tea.KeyMsg) {
	primary := screens[m.step].Primary
	if !m.deps.Demo || primary == nil || msg.Type != tea.KeyEnter || msg.Paste || m.typing() {
		return m, msg
	}
	return demoEnterOf(m, primary, msg)
}

// demoEnterOf is apart so that the model is addressed (and copied to the
// heap) only in the demo: every key of the wizard passes demoEnter.
func demoEnterOf(m Model, primary func(*Model) (string, string), msg tea.KeyMsg) (Model, tea.KeyMsg) {
	if k, _ := primary(&m); k != "" {
		return m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
	}
	return m, msg
}

// demoHelp is what Enter does now in the demo, for the help bar ("" when
// it continues as usual).
func (m Model) demoHelp() string {
	primary := screens[m.step].Primary
	if !m.deps.Demo || primary == nil {
		return ""
	}
	return demoHelpOf(m, primary)
}

// demoHelpOf asks a copy of the model (the help bar moves no cursor); apart
// so that the copy is made only in the demo.
func demoHelpOf(m Model, primary func(*Model) (string, string)) string {
	_, what := primary(&m)
	return what
}

// secondSite is the site the every-site step proposes: EU1, or US1 when
// EU1 was the first.
func (m Model) secondSite() string {
	if m.site == "eu1" {
		return "us1"
	}
	return "eu1"
}

// sitesPrimary: import the app on the second site, authorize there, then
// check every scope on both.
func sitesPrimary(m *Model) (string, string) {
	s := &m.every
	if s.busy != "" || s.err != nil && len(s.rows) == 0 {
		return "", ""
	}
	for i, r := range s.rows {
		if r.Site != m.secondSite() {
			continue
		}
		switch {
		case !r.Imported && !r.Authorized:
			s.cursor = i
			return "i", "import on " + r.Site
		case !r.Authorized:
			s.cursor = i
			return "a", "authorize on " + r.Site
		}
	}
	if _, ran := s.scopesPassed(); !ran && (s.run == nil || s.run.report == nil) && len(s.authorized()) > 0 {
		return "s", "check every scope"
	}
	return "", ""
}

// checksPrimary: show the fixes, then write them.
func checksPrimary(m *Model) (string, string) {
	c := &m.check
	switch {
	case c.running || c.planning:
		return "", ""
	case c.plan != nil:
		return "y", "write the fixes"
	case c.fixable():
		return "f", "show the fixes"
	}
	return "", ""
}

// prPrimary: push and open the pull request shown (or put it on top of
// the fork's branch once a push was refused).
func prPrimary(m *Model) (string, string) {
	switch p := m.pr; {
	case p.rejected():
		return "b", "rebase & push"
	case p.previewing() && p.err == nil:
		return "y", "push & open PR"
	}
	return "", ""
}

// publishPrimary: write the published app_uuid when asked.
func publishPrimary(m *Model) (string, string) {
	if m.publish.edit != nil {
		return "y", "write app_uuid"
	}
	return "", ""
}
