package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/oauthwiz/oauthwiz/flows/journey"
	"github.com/oauthwiz/oauthwiz/flows/scopes"
)

// row is what the sidebar shows for one step of a journey.
type row struct {
	mark, evidence string
	current, done  bool
}

// stepRows are the Datadog journey's rows: done and evidence as the journey
// defines them (judged once per frame), or the current step.
func (m Model) stepRows() []row {
	progress := journey.Progress(m.facts())
	rows := make([]row, len(progress))
	for i, st := range progress {
		switch {
		case st.Skipped:
			rows[i] = row{"–", st.Evidence, false, true}
		case st.Done:
			rows[i] = row{"✓", st.Evidence, false, true}
		case journeyIndex(m.step) == i && m.step != stepSummary:
			rows[i] = row{"▸", "", true, false}
		default:
			rows[i] = row{"·", "", false, false}
		}
	}
	return rows
}

// facts are what this run decided and did so far, for journey.Progress.
func (m Model) facts() journey.Facts {
	var f journey.Facts
	if m.step > stepIntegration {
		f.Case = m.caseChosen
	}
	if m.step > stepCredentials {
		f.CredentialsSites = []string{m.site}
	}
	if r := m.auth.result; r != nil {
		f.First = &journey.Authorization{Site: r.Site, Org: r.Org}
	}
	if k := m.key.result; k != nil {
		f.APIKey = &journey.APIKey{Site: k.Site, Last4: k.Last4, Valid: k.Valid}
	}
	f.APIKeyNotRequested = m.key.skipped
	f.Authorized = m.every.authorized()
	if run := m.every.run; run != nil && run.report != nil {
		c := &journey.ScopeCounts{RunID: run.report.RunID, Ran: true}
		for _, r := range run.report.Results {
			switch r.Status {
			case scopes.Pass:
				c.Pass++
			case scopes.Fail:
				c.Fail++
			case scopes.Manual:
				c.Manual++
			}
		}
		f.Scopes = c
	}
	f.Checks, f.ChecksRan = m.check.findings, m.check.ran && m.check.err == nil
	if pr := m.pr.done; pr != nil && pr.PullRequest != nil {
		f.PullRequest = &journey.PullRequest{Number: pr.PullRequest.Number, URL: pr.PullRequest.URL, Action: pr.PullRequest.Action}
	}
	if p := m.publish.done; p != nil {
		// The published app_uuid applies to a new integration only.
		f.Published = &journey.Publication{AppUUID: p.AppUUID, Kept: !p.Written && p.Note != ""}
		for s, v := range p.Retests {
			if strings.HasPrefix(v, "authorized") {
				f.Retested = append(f.Retested, s)
			}
		}
	}
	return f
}

// sidebar is the journey's steps and their evidence, beside the pane; at
// least minHeight rows tall.
func (m Model) sidebar(minHeight int) string {
	var b strings.Builder
	b.WriteString(m.st.Key.Render("Journey") + "\n")
	j := m.journey()
	steps, rows := j.labels(m), j.rows(m)
	// Evidence lines are shown while the sidebar fits the window's height.
	lines := 1 + len(steps)
	for _, r := range rows {
		if r.done && r.evidence != "" {
			lines++
		}
	}
	withEvidence := m.height == 0 || lines <= m.height-4
	for i, name := range steps {
		mark, ev, current, done := rows[i].mark, rows[i].evidence, rows[i].current, rows[i].done
		line := fmt.Sprintf("%s %s", mark, name)
		switch {
		case done:
			line = m.st.Done.Render(line)
			if ev != "" && withEvidence {
				line += "\n  " + m.st.Subtle.Render(truncate(ev, 22))
			}
		case current:
			line = m.st.Current.Render(line)
		default:
			line = m.st.Faint.Render(line)
		}
		b.WriteString(line + "\n")
	}
	// As tall as the pane beside it, so that its border runs the pane's
	// whole length instead of stopping at the journey's last step.
	return m.st.Sidebar.Width(26).Height(minHeight).Render(strings.TrimRight(b.String(), "\n"))
}

// journeyLabels are the journey's step names, as the sidebar lists them.
func journeyLabels() []string {
	out := make([]string, len(journey.Steps))
	for i, s := range journey.Steps {
		out[i] = s.Label
	}
	return out
}

func summaryKeys(m Model, k KeyMap) KeyMap {
	k.active = []key.Binding{k.Next, k.Back}
	return k
}

// updateSummaryBackTo is a journey's last screen: enter finishes, esc goes
// back to the step before it.
func updateSummaryBackTo(back step) func(Model, tea.KeyMsg) (tea.Model, tea.Cmd) {
	return func(m Model, msg tea.KeyMsg) (tea.Model, tea.Cmd) {
		switch {
		case key.Matches(msg, m.keys.Back):
			m.step = back
		case key.Matches(msg, m.keys.Next):
			m.Finished = true
			return m, tea.Quit
		}
		return m, nil
	}
}

func summaryView(m Model, w int) string {
	var b pane
	p := b.line
	p(m.st.Title.Render("Summary"))
	rows := m.stepRows()
	for i, name := range journeyLabels() {
		mark, ev, done := rows[i].mark, rows[i].evidence, rows[i].done
		if !done {
			mark, ev = "·", "not done yet"
		}
		p("%s", hanging(fmt.Sprintf("%s %-20s ", mark, name), ev, w, m.st.Subtle.Render))
	}
	p("")
	p("%s", hardWrapWords("Secrets are kept in "+m.deps.Store.Where()+".", w)) // a file's path whole
	p("Press enter to finish.")
	return b.text()
}
