package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/progress"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/oauthwiz/oauthwiz/assets"
	"github.com/oauthwiz/oauthwiz/flows/devplatform"
	"github.com/oauthwiz/oauthwiz/flows/scopes"
)

// Messages of the every-site step.
type (
	matrixMsg struct {
		rows []SiteRow
		err  error
	}
	importedMsg struct {
		site string
		err  error
	}
	siteAuthURLMsg    struct{ url string }
	siteAuthorizedMsg struct {
		site string
		res  Authorized
		err  error
	}
	scopeResultMsg struct{ r scopes.Result }
	scopesDoneMsg  struct {
		rep scopes.Report
		err error
	}
)

type sitesState struct {
	rows    []SiteRow
	cursor  int
	busy    string // what runs now, for the spinner line
	url     string
	note    string
	err     error
	results chan scopes.Result
	run     *scopeRun
	cancel  context.CancelFunc
}

type scopeRun struct {
	total, done int
	failures    []scopes.Result
	report      *scopes.Report
}

// add counts a result as it arrives, for the progress line and the failures.
func (r *scopeRun) add(res scopes.Result) {
	if r == nil {
		return
	}
	r.done++
	if res.Status == scopes.Fail {
		r.failures = append(r.failures, res)
	}
}

func (s sitesState) authorized() []string {
	var out []string
	for _, r := range s.rows {
		if r.Authorized {
			out = append(out, r.Site)
		}
	}
	return out
}

func (s sitesState) scopesPassed() (pass int, ok bool) {
	if s.run == nil || s.run.report == nil {
		return 0, false
	}
	for _, r := range s.run.report.Results {
		if r.Status == scopes.Pass {
			pass++
		}
	}
	return pass, !s.run.report.Failed()
}

func (m Model) startSites() (tea.Model, tea.Cmd) {
	m.step = stepSites
	m.every.note, m.every.err = "", nil
	return m, m.loadMatrix()
}

func (m Model) loadMatrix() tea.Cmd {
	flows := m.deps.Flows
	return m.tasks.run(func(ctx context.Context) tea.Msg {
		rows, err := flows.SiteMatrix(ctx)
		return matrixMsg{rows, err}
	})
}

func (m Model) updateSitesMsg(msg tea.Msg) (tea.Model, tea.Cmd) {
	s := &m.every
	switch msg := msg.(type) {
	case matrixMsg:
		first := len(s.rows) == 0
		s.rows, s.err = msg.rows, msg.err
		if first {
			// Propose EU1 as the second site (US1 when EU1 was the first).
			next := "eu1"
			if m.site == "eu1" {
				next = "us1"
			}
			for i, r := range s.rows {
				if r.Site == next {
					s.cursor = i
				}
			}
		}
	case importedMsg:
		s.busy = ""
		switch {
		case errors.Is(msg.err, devplatform.ErrManual):
			s.note = fmt.Sprintf("Datadog has no public API for this: on %s, export the app manifest (gear icon → Export App Manifest), import it in a sandbox org on %s, then run 'oauthwiz manifest import --site %s FILE' to record the new credentials. No sandbox org on %s? Ask for one at %s.", m.site, msg.site, msg.site, msg.site, assets.Contact("sandbox_on_another_site"))
		case msg.err != nil:
			s.err = msg.err
		default:
			s.note = "Imported on " + msg.site + ": new credentials stored. Press a to authorize there."
		}
		return m, m.loadMatrix()
	case siteAuthURLMsg:
		s.url = msg.url
	case siteAuthorizedMsg:
		s.busy, s.url = "", ""
		if msg.err != nil {
			s.err = msg.err
		} else {
			s.note = fmt.Sprintf("Authorized on %s as %s.", msg.site, msg.res.Org)
		}
		return m, m.loadMatrix()
	case scopeResultMsg:
		s.run.add(msg.r)
		return m, m.nextScopeResult()
	case scopesDoneMsg:
		s.busy = ""
		if msg.err != nil {
			s.err = msg.err
		} else if s.run != nil {
			s.run.report = &msg.rep
		}
		return m, m.loadMatrix()
	}
	return m, nil
}

func (m Model) nextScopeResult() tea.Cmd {
	return nextResult(m.every.results, func(r scopes.Result) tea.Msg { return scopeResultMsg{r} })
}

// resultsTo hands a running scope check's results to the screen. Once the
// check is cancelled nobody reads them: sending must not block the run while
// it deletes its objects.
func resultsTo(ctx context.Context, ch chan<- scopes.Result) func(scopes.Result) {
	return func(r scopes.Result) {
		select {
		case ch <- r:
		case <-ctx.Done():
		}
	}
}

// nextResult waits for the next result of a running scope check; a closed
// channel (the run ended) gives no message.
func nextResult(ch chan scopes.Result, wrap func(scopes.Result) tea.Msg) tea.Cmd {
	if ch == nil {
		return nil
	}
	return func() tea.Msg {
		r, ok := <-ch
		if !ok {
			return nil
		}
		return wrap(r)
	}
}

func sitesKeys(m Model, k KeyMap) KeyMap {
	if m.every.busy != "" {
		k.active = []key.Binding{k.Back}
	} else {
		k.active = []key.Binding{k.Move, k.Import, k.AuthorizeSite, k.CheckScopes, k.Next, k.Back}
		k.short = []key.Binding{k.Import, k.AuthorizeSite, k.CheckScopes, k.Next, k.Back}
	}
	return k
}

func (m Model) updateSites(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	k := m.keys
	s := &m.every
	if s.busy != "" {
		if key.Matches(msg, k.Back) && s.cancel != nil {
			s.cancel() // cleanup of created objects still happens
		}
		return m, nil
	}
	if len(s.rows) > 0 {
		s.cursor = m.moveCursor(msg, s.cursor, len(s.rows))
	}
	switch {
	case key.Matches(msg, k.Back):
		m.step = stepAPIKey
		return m, nil
	case key.Matches(msg, k.Next):
		return m.goTo(stepChecks)
	case len(s.rows) == 0:
		return m, nil
	}
	row := s.rows[s.cursor]
	s.note, s.err = "", nil
	switch {
	case key.Matches(msg, k.Import):
		return m.startImport(row.Site)
	case key.Matches(msg, k.AuthorizeSite):
		return m.startSiteAuthorize(row.Site)
	case key.Matches(msg, k.CheckScopes):
		return m.startScopeCheck()
	}
	return m, nil
}

// startImport brings the client to another site (the stand-in's import, or
// the steps to do it in the Developer Platform).
func (m Model) startImport(site string) (tea.Model, tea.Cmd) {
	s := &m.every
	if site == m.site {
		s.note = site + " is the site the client was created on."
		return m, nil
	}
	s.busy = "importing the app manifest on " + site
	flows, from := m.deps.Flows, m.site
	return m, tea.Batch(m.spinner.Tick, m.tasks.run(func(ctx context.Context) tea.Msg {
		_, err := flows.ImportManifest(ctx, from, site)
		return importedMsg{site, err}
	}))
}

// startSiteAuthorize authorizes with the client recorded for a site.
func (m Model) startSiteAuthorize(site string) (tea.Model, tea.Cmd) {
	s := &m.every
	ctx, cancel := m.tasks.child()
	s.cancel, s.busy, s.url = cancel, "waiting for Authorize on "+site, ""
	urlCh := make(chan string, 1)
	flows, sc, redirect, timeout := m.deps.Flows, m.scopes(), m.redirectURI(), m.deps.Timeout
	run := m.tasks.cmd(ctx, func(ctx context.Context) tea.Msg {
		res, err := flows.AuthorizeSite(ctx, site, sc, redirect, timeout, func(u string) { urlCh <- u })
		return siteAuthorizedMsg{site, res, err}
	})
	wait := func() tea.Msg {
		select {
		case u := <-urlCh:
			return siteAuthURLMsg{u}
		case <-ctx.Done():
			return nil
		}
	}
	return m, tea.Batch(m.spinner.Tick, run, wait)
}

// startScopeCheck runs every scope's probes on the authorized sites; esc
// cancels it (its objects are still deleted), and so does quitting.
func (m Model) startScopeCheck() (tea.Model, tea.Cmd) {
	s := &m.every
	sites := s.authorized()
	if len(sites) == 0 {
		s.note = "Authorize on a site first."
		return m, nil
	}
	ctx, cancel := m.tasks.child()
	total := 0
	for _, r := range s.rows {
		if r.Authorized {
			total += r.Probes
		}
	}
	s.cancel, s.busy = cancel, "checking every scope on "+strings.Join(sites, ", ")
	s.run = &scopeRun{total: total}
	ch := make(chan scopes.Result, 64)
	s.results = ch
	flows := m.deps.Flows
	run := m.tasks.cmd(ctx, func(ctx context.Context) tea.Msg {
		rep, err := flows.CheckScopes(ctx, sites, resultsTo(ctx, ch))
		close(ch)
		return scopesDoneMsg{rep, err}
	})
	return m, tea.Batch(m.spinner.Tick, run, m.nextScopeResult())
}

func yes(b bool) string {
	if b {
		return "✓"
	}
	return "·"
}

func (m Model) sitesView(w int) string {
	var b pane
	p := b.line
	s := m.every
	p(m.st.Title.Render("6. Every site and every scope"))
	// What is happening, or what just happened, comes first: in a small
	// window the matrix below scrolls, the news does not.
	status := m.sitesStatus(w)
	if status == "" {
		p("%s", hardWrapWords("A test client works only on its own site: import the app manifest on another site (EU1 first), authorize there, then check every scope.", w))
	} else {
		p("%s", status)
	}
	p(m.st.Subtle.Render(fmt.Sprintf(" %-8s %-8s %-5s %-5s %-4s %s", "site", "manifest", "creds", "auth", "key", "scopes")))
	for i, r := range s.rows {
		manifest := yes(r.Imported)
		if r.Site == m.site {
			manifest = "original"
		}
		sc := "·"
		if r.ScopesPass+r.ScopesFail > 0 {
			sc = fmt.Sprintf("%d ✓", r.ScopesPass)
			if r.ScopesFail > 0 {
				sc += fmt.Sprintf(" %d ✗", r.ScopesFail)
			}
		}
		site := r.Site
		if !r.Documented {
			site += "*"
		}
		line := fmt.Sprintf("%-8s %-8s %-5s %-5s %-4s %s", site, manifest, yes(r.Credentials), yes(r.Authorized), yes(r.APIKey), sc)
		if i == s.cursor {
			p("%s", m.st.Selected.Render("▸"+line))
		} else {
			p(" %s", line)
		}
	}
	p(m.st.Subtle.Render("* OAuth is not documented on this site"))
	if s.busy == "" && s.err == nil && s.run != nil && s.run.report != nil {
		m.scopeTable(&b, s.run.report.Results, w)
	}
	return b.text()
}

// sitesStatus is what the every-site step is doing or just did ("" when
// nothing has happened yet).
func (m Model) sitesStatus(w int) string {
	var b pane
	p := b.line
	s := m.every
	switch {
	case s.busy != "" && s.run != nil && s.run.report == nil:
		bar := progress.New(progress.WithWidth(max(10, w-16)), progress.WithoutPercentage(), progress.WithSolidFill("12"), progress.WithColorProfile(m.st.Profile))
		frac := float64(s.run.done) / float64(max(1, s.run.total))
		p("%s %s %d/%d", m.spinner.View(), bar.ViewAs(min(1, frac)), s.run.done, s.run.total)
		m.failuresView(&b, w)
	case s.busy != "":
		p("%s %s… (esc cancels)", m.spinner.View(), s.busy)
		if s.url != "" {
			m.longValue(&b, s.url, w)
		}
	case s.err != nil:
		m.errorView(&b, s.err, w)
	case s.run != nil && s.run.report != nil:
		rep := s.run.report
		p("%s", hardWrapWords(fmt.Sprintf("Scope checks (run %s): %s", rep.RunID, rep.Summary()), w))
		m.failuresView(&b, w)
	}
	if s.note != "" {
		p("%s", m.st.Warn.Render(hardWrapWords(s.note, w)))
	}
	return b.text()
}

// scopeTable lists every probe's result: what was sent where, what came
// back, and the request id to give Datadog's support (the pane scrolls
// when it is long).
func (m Model) scopeTable(b *pane, results []scopes.Result, w int) {
	if len(results) == 0 {
		return
	}
	type row struct{ mark, site, scope, probe, status, where string }
	rows := make([]row, len(results))
	// Columns as wide as what they hold (a PagerDuty scope such as
	// escalation_policies.read is whole), the endpoint taking the rest; a
	// scope wider than half the pane is cut there.
	markW, siteW, scopeW, probeW := 1, len("site"), len("scope"), len("probe")
	for i, r := range results {
		mark := map[string]string{scopes.Pass: "✓", scopes.Fail: "✗", scopes.Manual: "manual"}[r.Status]
		if mark == "" {
			mark = r.Status
		}
		status := "-"
		if r.HTTPStatus > 0 {
			status = fmt.Sprint(r.HTTPStatus)
		}
		where := r.Endpoint
		if r.RequestID != "" {
			where += " · " + r.RequestID
		}
		if where == "" {
			// Nothing was sent: the reason instead, its first clause
			// ('oauthwiz scopes check' prints all of it).
			where, _, _ = strings.Cut(r.Detail, ": ")
		}
		rows[i] = row{mark, r.Site, r.Scope, r.Probe, status, where}
		markW, siteW = max(markW, ansi.StringWidth(mark)), max(siteW, ansi.StringWidth(r.Site))
		scopeW, probeW = max(scopeW, ansi.StringWidth(r.Scope)), max(probeW, ansi.StringWidth(r.Probe))
	}
	scopeW = min(scopeW, max(len("scope"), w/2))
	format := fmt.Sprintf("%%-%ds %%-%ds %%-%ds %%-%ds %%-4s %%s", markW, siteW, scopeW, probeW)
	fmt.Fprintln(b)
	fmt.Fprintln(b, m.st.Subtle.Render(truncate(fmt.Sprintf(format, "", "site", "scope", "probe", "HTTP", "endpoint · request id"), w)))
	for i, r := range rows {
		line := truncate(fmt.Sprintf(format, r.mark, r.site, truncate(r.scope, scopeW), r.probe, r.status, r.where), w)
		if results[i].Status == scopes.Fail {
			line = m.st.Error.Render(line)
		}
		fmt.Fprintln(b, line)
	}
}

func (m Model) failuresView(b *pane, w int) {
	run := m.every.run
	if run == nil {
		return
	}
	for i, f := range run.failures {
		if i == 2 {
			fmt.Fprintln(b, m.st.Subtle.Render(fmt.Sprintf("… %d more ('oauthwiz scopes check' lists all)", len(run.failures)-2)))
			break
		}
		// Why it failed and what to do, whole: the pane scrolls.
		fmt.Fprintln(b, hanging(m.st.Error.Render("✗ "), fmt.Sprintf("%s %s %s: %d %s", f.Site, f.Scope, f.Probe, f.HTTPStatus, f.Detail), w, nil))
		for _, t := range assets.Diagnose(fmt.Sprintf("%d %s", f.HTTPStatus, f.Detail)) {
			fmt.Fprintln(b, hanging("  ", t.Fix, w, m.st.Subtle.Render))
			break
		}
	}
}
