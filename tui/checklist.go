package tui

import (
	"context"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/oauthwiz/oauthwiz/checks"
	"github.com/oauthwiz/oauthwiz/flows/readme"
	"github.com/oauthwiz/oauthwiz/flows/words"
)

// Messages of the checklist step.
type (
	checksMsg struct {
		findings []checks.Finding
		err      error
	}
	fixPlanMsg struct {
		edits []*readme.FileEdit
		err   error
	}
	fixAppliedMsg struct{ err error }
)

// checkRow is one row of the checklist: evidence from earlier steps, a rule
// family, or a manual item the user ticks.
type checkRow struct {
	id, title string
	family    string // rule id prefix, for rule rows
	manual    string // what to verify, for manual rows
}

var checkRows = []checkRow{
	{id: "auth", title: "Test authorization"},
	{id: "key", title: "API key"},
	{id: "readme", title: "README", family: "readme/"},
	{id: "manifest", title: "manifest.json", family: "manifest/"},
	{id: "oauth", title: "OAuth client file", family: "oauth/"},
	{id: "secrets", title: "No secrets in files", family: "secrets/"},
	{id: "site", title: "Works on a second site", manual: "Export the app manifest, import it in a sandbox org of another site (EU1 first), and authorize there with the new credentials."},
	{id: "scopes", title: "Every scope checked", manual: "For every requested scope, send, pull or edit data as the scope allows, and check that an unrequested scope is refused."},
}

type checkState struct {
	running  bool
	ran      bool
	findings []checks.Finding
	err      error
	cursor   int
	ticked   map[string]bool
	plan     []*readme.FileEdit // a previewed fix awaiting y/n
	planning bool
	note     string
}

func (c checkState) family(prefix string) (errs, warns int, list []checks.Finding) {
	for _, f := range c.findings {
		if strings.HasPrefix(f.Rule, prefix) {
			list = append(list, f)
			if f.Severity == checks.Error {
				errs++
			} else {
				warns++
			}
		}
	}
	return
}

func (c checkState) fixable() bool {
	for _, f := range c.findings {
		if r, ok := checks.RuleByID(f.Rule); ok && r.Fixable {
			return true
		}
	}
	return false
}

func (m Model) startChecks() (tea.Model, tea.Cmd) {
	m.step = stepChecks
	if m.check.ticked == nil {
		m.check.ticked = map[string]bool{}
	}
	m.check.running, m.check.plan = true, nil
	flows, dir := m.deps.Flows, m.deps.Info.Dir
	return m, tea.Batch(m.spinner.Tick, m.tasks.run(func(ctx context.Context) tea.Msg {
		f, err := flows.Check(ctx, dir)
		return checksMsg{f, err}
	}))
}

func checksKeys(m Model, k KeyMap) KeyMap {
	if m.check.plan != nil {
		k.active = []key.Binding{k.Write, k.Cancel, k.Scroll}
	} else {
		k.active = []key.Binding{k.Move, k.Fix, k.Toggle, k.Recheck, k.Next, k.Back}
		k.short = []key.Binding{k.Fix, k.Toggle, k.Next, k.Back}
	}
	return k
}

func (m Model) updateChecks(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	k := m.keys
	c := &m.check
	if c.running || c.planning {
		return m, nil
	}
	if c.plan != nil {
		switch {
		case key.Matches(msg, k.Write):
			edits, flows := c.plan, m.deps.Flows
			c.plan, c.running = nil, true
			return m, func() tea.Msg { return fixAppliedMsg{flows.ApplyFixes(edits)} }
		case key.Matches(msg, k.Cancel):
			c.plan, c.note = nil, "Nothing written."
		}
		return m, nil
	}
	c.cursor = m.moveCursor(msg, c.cursor, len(checkRows))
	switch {
	case key.Matches(msg, k.Toggle):
		if row := checkRows[c.cursor]; row.manual != "" {
			c.ticked[row.id] = !c.ticked[row.id]
		}
	case key.Matches(msg, k.Fix):
		if !c.fixable() {
			c.note = "Nothing here can be fixed automatically."
			return m, nil
		}
		c.planning = true
		flows, dir := m.deps.Flows, m.deps.Info.Dir
		return m, func() tea.Msg {
			edits, err := flows.PlanFixes(dir)
			return fixPlanMsg{edits, err}
		}
	case key.Matches(msg, k.Recheck):
		return m.goTo(stepChecks)
	case key.Matches(msg, k.Back):
		m.step = stepSites
	case key.Matches(msg, k.Next):
		return m.goTo(stepPR)
	}
	return m, nil
}

func (m Model) updateCheckMsg(msg tea.Msg) (tea.Model, tea.Cmd) {
	c := &m.check
	switch msg := msg.(type) {
	case checksMsg:
		c.running, c.ran, c.findings, c.err = false, true, msg.findings, msg.err
	case fixPlanMsg:
		c.planning = false
		switch {
		case msg.err != nil:
			c.note = "Cannot fix: " + msg.err.Error()
		case len(msg.edits) == 0:
			c.note = "The README and manifest are already right."
		default:
			c.plan, c.note = msg.edits, ""
		}
	case fixAppliedMsg:
		if msg.err != nil {
			c.running, c.note = false, "Not written: "+msg.err.Error()
			return m, nil
		}
		c.note = "Fixes written."
		return m.goTo(stepChecks)
	}
	return m, nil
}

func (m Model) checklistView(w int) string {
	var b pane
	p := b.line
	c := m.check
	p(m.st.Title.Render("7. Pre-submission checklist"))
	if c.running {
		p("%s Checking %s…", m.spinner.View(), truncate(m.deps.Info.Dir, w-14))
		return b.String()
	}
	if c.err != nil {
		p(m.st.Error.Render("✗ ") + hardWrapWords(c.err.Error(), w-2))
		return b.String()
	}
	if c.plan != nil {
		p("Preview (press y to write, n to cancel):")
		// The whole diff, long lines wrapped: the pane scrolls (arrows,
		// pgup/pgdn, the wheel) with the title kept in view.
		for _, e := range c.plan {
			for _, l := range m.diffView(e.Diff(), w) {
				p("%s", l)
			}
		}
		return b.String()
	}
	for i, row := range checkRows {
		mark, status := m.rowStatus(row)
		line := fmt.Sprintf("%s %-24s %s", mark, row.title, status)
		if i == c.cursor {
			line = m.st.Selected.Render(fmt.Sprintf("▸%s %-24s ", mark, row.title)) + status
		} else {
			line = " " + line
		}
		p("%s", truncate(line, w))
	}
	p("")
	row := checkRows[c.cursor]
	switch {
	case row.manual != "" && !m.hasEvidence(row):
		p("%s", hardWrapWords("Manual: "+row.manual+" Press space once done; oauthwiz cannot judge this here.", w))
	case row.manual != "":
		p("Evidence from the every-site step.")
	case row.family != "":
		_, _, list := c.family(row.family)
		if len(list) == 0 {
			p(m.st.Done.Render("No findings."))
		}
		for i, f := range list {
			if i == 3 {
				p(m.st.Subtle.Render(fmt.Sprintf("… %d more ('oauthwiz check' lists all)", len(list)-3)))
				break
			}
			loc := f.File
			if f.Line > 0 {
				loc = fmt.Sprintf("%s:%d", f.File, f.Line)
			}
			p("%s %s", m.st.Key.Render(f.Rule), m.st.Subtle.Render(loc))
			p("%s", hardWrapWords(f.Message, w))
			p("%s", m.st.Subtle.Render(hardWrapWords("fix: "+f.Fix, w)))
		}
	default:
		p("Evidence from the earlier steps.")
	}
	if c.note != "" {
		p("%s", m.st.Warn.Render(c.note))
	}
	return b.text()
}

func (m Model) rowStatus(row checkRow) (string, string) {
	switch row.id {
	case "auth":
		if r := m.auth.result; r != nil {
			return m.st.Done.Render("✓"), "authorized on " + r.Site
		}
		return m.st.Error.Render("✗"), "not authorized yet"
	case "key":
		switch {
		case m.key.result != nil && m.key.result.Valid:
			return m.st.Done.Render("✓"), "…" + m.key.result.Last4 + " valid"
		case m.key.skipped:
			return "–", "not requested"
		}
		return m.st.Error.Render("✗"), "no API key"
	}
	if m.hasEvidence(row) {
		if row.id == "site" {
			return m.st.Done.Render("✓"), "authorized on " + strings.Join(m.every.authorized(), " and ")
		}
		pass, _ := m.every.scopesPassed()
		return m.st.Done.Render("✓"), fmt.Sprintf("%d probes passed", pass)
	}
	if row.manual != "" {
		if m.check.ticked[row.id] {
			return m.st.Done.Render("☑"), "ticked (manual)"
		}
		return "☐", "manual"
	}
	if !m.check.ran {
		return "·", "not checked yet"
	}
	errs, warns, _ := m.check.family(row.family)
	switch {
	case errs > 0:
		return m.st.Error.Render("✗"), words.Count(errs, "error")
	case warns > 0:
		return m.st.Warn.Render("!"), words.Count(warns, "warning")
	}
	return m.st.Done.Render("✓"), "passed"
}

// hasEvidence reports whether the every-site step proved a manual row.
func (m Model) hasEvidence(row checkRow) bool {
	switch row.id {
	case "site":
		return len(m.every.authorized()) >= 2
	case "scopes":
		_, ok := m.every.scopesPassed()
		return ok
	}
	return false
}
