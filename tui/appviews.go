package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/oauthwiz/oauthwiz/flows/authorize"
	"github.com/oauthwiz/oauthwiz/flows/scopes"
	"github.com/oauthwiz/oauthwiz/flows/secrets"
	"github.com/oauthwiz/oauthwiz/flows/words"
)

// The views of an app's journey (PagerDuty).

func appCredentialsView(m Model, w int) string {
	var b pane
	p := b.line
	a := m.app
	pl := m.deps.App.Platform
	p(m.st.Title.Render("2. The " + pl.Title() + " app's credentials"))
	p("%s", hardWrapWords("Integrations → App Registration → your app (Scoped OAuth). Its redirect URL must be "+m.appRedirectURI()+"; the "+pl.SiteNoun()+" is read from the ID token.", w))
	p("")
	label := func(i int, s string) string {
		if a.focus == i {
			return m.st.Selected.Render("▸ " + s)
		}
		return "  " + s
	}
	p("%s", label(0, "Client ID"))
	p("  %s", a.clientID.View())
	p("%s", label(1, "Client secret"))
	p("  %s", a.secret.View())
	if v := a.secret.Value(); v != "" {
		p("  %s", m.st.Subtle.Render(fmt.Sprintf("%d characters, %s", len(v), secrets.Mask(v))))
	}
	p("%s", label(2, "Scopes to request (space separated)"))
	p("  %s", a.scopesF.View())
	if list := strings.Fields(a.scopesF.Value()); ansi.StringWidth(a.scopesF.Value()) > w-6 {
		// The field shows a window of a long list: the whole list, to read.
		p("%s", hanging("  ", words.Count(len(list), "scope")+": "+strings.Join(list, " "), w, m.st.Subtle.Render))
	}
	if a.inputErr != "" {
		p("%s", m.st.Error.Render(hardWrapWords(a.inputErr, w)))
	}
	return b.text()
}

func appAuthorizeView(m Model, w int) string {
	var b pane
	p := b.line
	a := m.app
	pl := m.deps.App.Platform
	p(m.st.Title.Render("3. Authorization (" + pl.Title() + ")"))
	switch {
	case a.auth.running:
		left := m.deps.Timeout - m.deps.Now().Sub(a.auth.started)
		p("%s Waiting for you to allow access… %s left", m.spinner.View(), fmtDuration(left))
		p("")
		if a.auth.url != "" {
			p("Open this URL in a browser signed in to %s", pl.SignInHint("test"))
			p("(press o to open it again):")
			m.longValue(&b, a.auth.url, w)
		}
	case a.auth.err != nil:
		m.errorViewWith(&b, a.auth.err, w, pl.Diagnose)
	case a.auth.result != nil:
		r := a.auth.result
		p(m.st.Done.Render("✓ Authorized: the account is in %s %s"), pl.SiteNoun(), r.Site)
		p("%s", field("  API host:       ", r.APIBase, w))
		p("%s", field("  scopes granted: ", strings.Join(r.Granted, " "), w))
		if len(r.Missing) > 0 {
			p("%s", m.st.Warn.Render(hardWrapWords(fmt.Sprintf("  Dropped by %s (not refused): %s. Check their spelling and the app's scopes.", pl.Title(), strings.Join(r.Missing, " ")), w)))
		}
		p("  access token expires in %s (%s)", authorize.Lifetime(r.Expiry.Sub(m.deps.Now())), r.Expiry.Local().Format("Jan 2 15:04"))
		p("  tokens stored in %s", m.deps.Store.Where())
	default:
		p("Cancelled. Press esc to go back.")
	}
	return b.text()
}

func appScopesView(m Model, w int) string {
	var b pane
	p := b.line
	a := m.app
	pl := m.deps.App.Platform
	p(m.st.Title.Render("4. Every scope (" + pl.Title() + ")"))
	switch {
	case a.checkRunning && a.run != nil:
		p("%s Checking every scope: %d of about %d probes", m.spinner.View(), a.run.done, a.run.total)
	case a.checkErr != nil:
		m.errorViewWith(&b, a.checkErr, w, pl.Diagnose)
	case a.run != nil && a.run.report != nil:
		rep := a.run.report
		p("%s", hardWrapWords(fmt.Sprintf("Scope checks (run %s): %s", rep.RunID, rep.Summary()), w))
		// Why each probe that did not pass did not, then every probe in
		// the table the Datadog step shows.
		for _, r := range rep.Results {
			switch r.Status {
			case scopes.Pass:
				continue
			case scopes.Fail:
				p("%s %s %s %s", m.st.Error.Render("✗"), r.Scope, r.Probe, m.st.Subtle.Render(r.Endpoint))
			default:
				p("%s %s %s %s", m.st.Warn.Render("?"), r.Scope, r.Probe, m.st.Subtle.Render(r.Endpoint))
			}
			p("%s", hanging("  ", r.Detail, w, nil))
		}
		m.scopeTable(&b, rep.Results, w)
	}
	return b.text()
}

func appSummaryView(m Model, w int) string {
	var b pane
	p := b.line
	a := m.app
	pl := m.deps.App.Platform
	p(m.st.Title.Render("5. Summary (" + pl.Title() + ")"))
	r := a.auth.result
	p("%s", hardWrapWords(fmt.Sprintf("App %s authorized; account in %s %s.", strings.TrimSpace(a.clientID.Value()), pl.SiteNoun(), r.Site), w))
	if len(r.Missing) > 0 {
		p("%s", m.st.Warn.Render("Dropped scopes: "+strings.Join(r.Missing, " ")))
	}
	if a.run != nil && a.run.report != nil {
		p("Scope checks: %s", a.run.report.Summary())
	}
	p("Refresh the token later (it lasts %s) with:", authorize.Lifetime(pl.AccessTokenLifetime()))
	p("%s", m.st.Code.Render(fmt.Sprintf("  oauthwiz authorize --provider %s \\\n    --site %s --refresh", pl.Name(), r.Site)))
	p("")
	p("Press enter to finish.")
	return b.text()
}
