package tui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/oauthwiz/oauthwiz/flows/apikey"
	"github.com/oauthwiz/oauthwiz/flows/authorize"
	"github.com/oauthwiz/oauthwiz/flows/platform"
	"github.com/oauthwiz/oauthwiz/flows/scopes"
	"github.com/oauthwiz/oauthwiz/flows/secrets"
)

// App is a platform other than Datadog offered in the first step
// (PagerDuty): an app with a client, no integration folder, a shorter journey.
type App struct {
	Platform platform.Platform
	Flows    AppFlows
	// Prefill of the credentials screen (a sandbox's app), and the redirect
	// URI to use ("" is the platform's default).
	ClientID, ClientSecret, RedirectURI string
	Scopes                              []string
}

// AppFlows are the side effects of an app's journey.
type AppFlows interface {
	// AuthorizeApp runs the authorization, stores the secret and tokens
	// under the region the token names, and reports it.
	AuthorizeApp(ctx context.Context, req AuthorizeRequest, onURL func(string)) (Authorized, error)
	// CheckApp runs the scope checks on one site or region.
	CheckApp(ctx context.Context, site string, onResult func(scopes.Result)) (scopes.Report, error)
}

// AppJourney is an app's journey as the sidebar shows it.
var AppJourney = []string{"Platform", "App credentials", "Authorization", "Every scope", "Summary"}

type appStep int

const (
	appCredentials appStep = iota
	appAuthorize
	appScopes
	appSummary
)

type appState struct {
	active                    bool
	step                      appStep
	clientID, secret, scopesF textinput.Model
	focus                     int
	inputErr                  string
	auth                      authState
	checkRunning              bool
	results                   chan scopes.Result
	run                       *scopeRun
	checkErr                  error
	cancel                    context.CancelFunc
}

type (
	appAuthURLMsg    struct{ url string }
	appAuthorizedMsg struct {
		res Authorized
		err error
	}
	appScopeResultMsg struct{ r scopes.Result }
	appScopesDoneMsg  struct {
		rep scopes.Report
		err error
	}
)

func newAppInput(placeholder string, limit int) textinput.Model {
	in := textinput.New()
	in.Placeholder, in.CharLimit, in.Prompt = placeholder, limit, ""
	return in
}

// enterApp starts the app journey with the credentials screen.
func (m Model) enterApp() (tea.Model, tea.Cmd) {
	a := m.deps.App
	s := appState{active: true}
	s.clientID = newAppInput("client_id from the credentials JSON", 512)
	s.secret = newAppInput("client_secret (downloadable once)", 8192)
	s.secret.EchoMode, s.secret.EchoCharacter = textinput.EchoPassword, '•'
	s.scopesF = newAppInput("services.read incidents.write …", 4096)
	s.clientID.SetValue(a.ClientID)
	s.secret.SetValue(a.ClientSecret)
	s.scopesF.SetValue(strings.Join(a.Scopes, " "))
	m.app = s
	m.app.setFocus(0)
	if a.ClientID != "" {
		m.app.setFocus(2)
	}
	return m, textinput.Blink
}

func (s *appState) setFocus(i int) {
	s.focus = i
	for j, in := range []*textinput.Model{&s.clientID, &s.secret, &s.scopesF} {
		if j == i {
			in.Focus()
		} else {
			in.Blur()
		}
	}
}

func (m Model) appRedirectURI() string {
	if m.deps.App.RedirectURI != "" {
		return m.deps.App.RedirectURI
	}
	return m.deps.App.Platform.DefaultRedirectURI()
}

func (m Model) appKeyMap(k KeyMap) KeyMap {
	a := m.app
	switch a.step {
	case appCredentials:
		k.Help.SetEnabled(false) // ? may be typed into a field
		k.Next.SetHelp("enter", "authorize")
		k.active = []key.Binding{k.Tab, k.Next, k.Back}
	case appAuthorize:
		switch {
		case a.auth.running:
			k.active = []key.Binding{k.Open, k.Back}
		case a.auth.err != nil:
			k.active = []key.Binding{k.Retry, k.Back}
		default:
			k.Next.SetHelp("enter", "check every scope")
			k.active = []key.Binding{k.Next, k.Back}
		}
	case appScopes:
		if a.checkRunning {
			k.active = []key.Binding{k.Back}
		} else {
			k.active = []key.Binding{k.Retry, k.Next, k.Back}
		}
	case appSummary:
		k.Next.SetHelp("enter", "finish")
		k.active = []key.Binding{k.Next, k.Back}
	}
	return k
}

func (m Model) updateAppKey(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	k := m.keys
	a := &m.app
	switch a.step {
	case appCredentials:
		switch {
		case key.Matches(msg, k.Back):
			a.active = false
			m.step = stepIntegration
		case key.Matches(msg, k.Tab):
			if msg.String() == "shift+tab" {
				a.setFocus((a.focus + 2) % 3)
			} else {
				a.setFocus((a.focus + 1) % 3)
			}
		case key.Matches(msg, k.Next) && !msg.Paste:
			return m.startAppAuthorize()
		default:
			var cmd tea.Cmd
			switch a.focus {
			case 0:
				a.clientID, cmd = a.clientID.Update(msg)
			case 1:
				a.secret, cmd = a.secret.Update(msg)
			default:
				a.scopesF, cmd = a.scopesF.Update(msg)
			}
			return m, cmd
		}
	case appAuthorize:
		switch k.authKey(msg, a.auth) {
		case authOpen:
			return m, openCmd(m.deps, a.auth.url)
		case authRetry:
			return m.startAppAuthorize()
		case authBack:
			a.step = appCredentials
		case authNext:
			return m.startAppScopes()
		}
	case appScopes:
		switch {
		case a.checkRunning:
			if key.Matches(msg, k.Back) && a.cancel != nil {
				a.cancel() // the created objects are still cleaned up
			}
		case key.Matches(msg, k.Retry):
			return m.startAppScopes()
		case key.Matches(msg, k.Back):
			a.step = appAuthorize
		case key.Matches(msg, k.Next):
			a.step = appSummary
		}
	case appSummary:
		switch {
		case key.Matches(msg, k.Back):
			a.step = appScopes
		case key.Matches(msg, k.Next):
			m.Finished = true
			return m, tea.Quit
		}
	}
	return m, nil
}

func (m Model) startAppAuthorize() (tea.Model, tea.Cmd) {
	a := &m.app
	id, secret := strings.TrimSpace(a.clientID.Value()), strings.TrimSpace(a.secret.Value())
	requested := strings.Fields(strings.ReplaceAll(a.scopesF.Value(), ",", " "))
	pl := m.deps.App.Platform
	switch {
	case id == "":
		a.inputErr = "Enter the client ID (client_id in the credentials JSON)."
		a.setFocus(0)
		return m, nil
	case secret == "":
		a.inputErr = "Enter the client secret (client_secret in the credentials JSON)."
		a.setFocus(1)
		return m, nil
	case len(requested) == 0:
		a.inputErr = "Enter the scopes to request, e.g. services.read incidents.write."
		a.setFocus(2)
		return m, nil
	}
	a.inputErr = ""
	a.step = appAuthorize
	a.run, a.checkErr = nil, nil
	req := AuthorizeRequest{Site: pl.DefaultSite(), ClientID: id, ClientSecret: secret, RedirectURI: m.appRedirectURI(), Scopes: pl.RequestScopes(requested), Timeout: m.deps.Timeout}
	flows := m.deps.App.Flows
	var cmd tea.Cmd
	a.auth, cmd = m.startAuth(func(ctx context.Context, onURL func(string)) tea.Msg {
		res, err := flows.AuthorizeApp(ctx, req, onURL)
		return appAuthorizedMsg{res, err}
	}, func(u string) tea.Msg { return appAuthURLMsg{u} })
	return m, cmd
}

func (m Model) startAppScopes() (tea.Model, tea.Cmd) {
	a := &m.app
	a.step, a.checkRunning, a.checkErr = appScopes, true, nil
	ctx, cancel := m.tasks.child()
	a.cancel = cancel
	r := a.auth.result
	a.run = &scopeRun{total: scopes.Expected(ptr(m.deps.App.Platform.Probes()), scopes.Target{Granted: r.Granted}, r.Requested)}
	ch := make(chan scopes.Result, 64)
	a.results = ch
	flows, site := m.deps.App.Flows, r.Site
	run := m.tasks.cmd(ctx, func(ctx context.Context) tea.Msg {
		rep, err := flows.CheckApp(ctx, site, func(r scopes.Result) { ch <- r })
		close(ch)
		return appScopesDoneMsg{rep, err}
	})
	return m, tea.Batch(m.spinner.Tick, run, m.nextAppResult())
}

func ptr[T any](v T) *T { return &v }

func (m Model) nextAppResult() tea.Cmd {
	return nextResult(m.app.results, func(r scopes.Result) tea.Msg { return appScopeResultMsg{r} })
}

func (m Model) updateAppMsg(msg tea.Msg) (tea.Model, tea.Cmd) {
	a := &m.app
	switch msg := msg.(type) {
	case appAuthURLMsg:
		a.auth.url = msg.url
	case appAuthorizedMsg:
		a.auth.running = false
		if msg.err != nil {
			a.auth.err = msg.err
		} else {
			a.auth.result, a.auth.err = &msg.res, nil
		}
	case appScopeResultMsg:
		a.run.add(msg.r)
		return m, m.nextAppResult()
	case appScopesDoneMsg:
		a.checkRunning = false
		if msg.err != nil {
			a.checkErr = msg.err
		} else if a.run != nil {
			a.run.report = &msg.rep
		}
	}
	return m, nil
}

// appStatus is what the sidebar shows for app journey item i.
func (m Model) appStatus(i int) (mark, evidence string, current, done bool) {
	a := m.app
	res := a.auth.result
	switch i {
	case 0:
		return "✓", m.deps.App.Platform.Title(), false, true
	case 1:
		if a.step > appCredentials {
			return "✓", truncate(strings.TrimSpace(a.clientID.Value()), 20), false, true
		}
		return "▸", "", true, false
	case 2:
		if res != nil {
			return "✓", m.deps.App.Platform.SiteNoun() + " " + res.Site, false, true
		}
		if a.step == appAuthorize {
			return "▸", "", true, false
		}
	case 3:
		if a.run != nil && a.run.report != nil && !a.run.report.Failed() {
			return "✓", fmt.Sprintf("%d probes passed", countStatus(a.run.report, scopes.Pass)), false, true
		}
		if a.step == appScopes {
			return "▸", "", true, false
		}
	case 4:
		if a.step == appSummary {
			return "▸", "", true, false
		}
	}
	return "·", "", false, false
}

func countStatus(rep *scopes.Report, status string) int {
	n := 0
	for _, r := range rep.Results {
		if r.Status == status {
			n++
		}
	}
	return n
}

func (m Model) appView(w int) string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	a := m.app
	pl := m.deps.App.Platform
	switch a.step {
	case appCredentials:
		p(m.st.Title.Render("2. The " + pl.Title() + " app's credentials"))
		p("%s", hardWrapWords("Integrations → App Registration → your app (Scoped OAuth). Its redirect URL must be "+m.appRedirectURI()+"; the "+pl.SiteNoun()+" is read from the ID token.", w))
		p("")
		label := func(i int, s string) string {
			if a.focus == i {
				return m.st.Selected.Render("▸ " + s)
			}
			return "  " + s
		}
		a.clientID.Width, a.secret.Width, a.scopesF.Width = w-6, w-6, w-6
		p("%s", label(0, "Client ID"))
		p("  %s", a.clientID.View())
		p("%s", label(1, "Client secret"))
		p("  %s", a.secret.View())
		if v := a.secret.Value(); v != "" {
			p("  %s", m.st.Subtle.Render(fmt.Sprintf("%d characters, %s", len(v), secrets.Mask(v))))
		}
		p("%s", label(2, "Scopes to request (space separated)"))
		p("  %s", a.scopesF.View())
		if a.inputErr != "" {
			p("%s", m.st.Error.Render(hardWrapWords(a.inputErr, w)))
		}
	case appAuthorize:
		p(m.st.Title.Render("3. Authorization (" + pl.Title() + ")"))
		switch {
		case a.auth.running:
			left := m.deps.Timeout - m.deps.Now().Sub(a.auth.started)
			p("%s Waiting for you to allow access… %s left", m.spinner.View(), fmtDuration(left))
			p("")
			if a.auth.url != "" {
				p("Open this URL in a browser signed in to %s", pl.SignInHint("test"))
				p("(press o to open it again):")
				p("%s", m.st.Code.Render(hardWrap(a.auth.url, w)))
			}
		case a.auth.err != nil:
			m.errorViewWith(&b, a.auth.err, w, pl.Diagnose)
		case a.auth.result != nil:
			r := a.auth.result
			p(m.st.Done.Render("✓ Authorized: the account is in %s %s"), pl.SiteNoun(), r.Site)
			p("  API host:       %s", truncate(r.APIBase, w-18))
			p("  scopes granted: %s", hardWrapWords(strings.Join(r.Granted, " "), w-18))
			if len(r.Missing) > 0 {
				p("%s", m.st.Warn.Render(hardWrapWords(fmt.Sprintf("  Dropped by %s (not refused): %s. Check their spelling and the app's scopes.", pl.Title(), strings.Join(r.Missing, " ")), w)))
			}
			p("  access token expires in %s (%s)", authorize.Lifetime(r.Expiry.Sub(m.deps.Now())), r.Expiry.Local().Format("Jan 2 15:04"))
			p("  tokens stored in %s", m.deps.Store.Where())
		default:
			p("Cancelled. Press esc to go back.")
		}
	case appScopes:
		p(m.st.Title.Render("4. Every scope (" + pl.Title() + ")"))
		switch {
		case a.checkRunning && a.run != nil:
			p("%s Checking every scope: %d of about %d probes", m.spinner.View(), a.run.done, a.run.total)
		case a.checkErr != nil:
			m.errorViewWith(&b, a.checkErr, w, pl.Diagnose)
		case a.run != nil && a.run.report != nil:
			rep := a.run.report
			p("%s", hardWrapWords(fmt.Sprintf("Scope checks (run %s): %s", rep.RunID, rep.Summary()), w))
			var passed []string
			for _, r := range rep.Results {
				switch r.Status {
				case scopes.Pass:
					passed = append(passed, r.Scope+" "+r.Probe)
					continue
				case scopes.Fail:
					p("%s %s %s %s", m.st.Error.Render("✗"), r.Scope, r.Probe, m.st.Subtle.Render(r.Endpoint))
				default:
					p("%s %s %s %s", m.st.Warn.Render("?"), r.Scope, r.Probe, m.st.Subtle.Render(r.Endpoint))
				}
				p("%s", hardWrapWords("  "+r.Detail, w))
			}
			if len(passed) > 0 {
				p("%s", m.st.Done.Render(hardWrapWords("✓ "+strings.Join(passed, ", "), w)))
			}
		}
	case appSummary:
		p(m.st.Title.Render("5. Summary (" + pl.Title() + ")"))
		r := a.auth.result
		p("App %s authorized; account in %s %s.", truncate(strings.TrimSpace(a.clientID.Value()), 24), pl.SiteNoun(), r.Site)
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
	}
	return strings.TrimRight(b.String(), "\n")
}

// RealAppFlows runs an app's journey with flows/.
type RealAppFlows struct {
	Platform    platform.Platform
	Store       secrets.Store
	Integration string // the name secrets are keyed by
	OpenBrowser func(string) error
	Now         func() time.Time
}

func (f RealAppFlows) ns(site string) secrets.Namespace {
	return secrets.Namespace{Integration: f.Integration, Site: site, Kind: "test"}
}

// AuthorizeApp implements AppFlows.
func (f RealAppFlows) AuthorizeApp(ctx context.Context, req AuthorizeRequest, onURL func(string)) (Authorized, error) {
	res, err := authorize.Run(ctx, authorize.Options{
		Provider: f.Platform, Site: req.Site, ClientID: req.ClientID, ClientSecret: req.ClientSecret,
		RedirectURI: req.RedirectURI, Scopes: req.Scopes, Timeout: req.Timeout, OpenBrowser: f.OpenBrowser,
		OnURL: func(u, _ string) { onURL(u) },
	})
	if err != nil {
		return Authorized{}, err
	}
	site, err := f.Platform.SiteOfToken(res.Token, res.Site)
	if err != nil {
		return Authorized{}, err
	}
	res.Site = site
	ns := f.ns(site)
	if err := f.Store.Set(ns.ClientSecretKey(), req.ClientSecret); err != nil {
		return Authorized{}, err
	}
	if err := secrets.PutJSON(f.Store, ns.TokenKey(), res.Record(req.ClientID)); err != nil {
		return Authorized{}, err
	}
	base, _ := f.Platform.APIBase(site)
	return Authorized{Site: site, Org: res.Callback.OrgName, Granted: res.ScopesGranted, Missing: res.ScopesMissing, Requested: res.ScopesRequested,
		Expiry: res.Token.Expiry, APIBase: base}, nil
}

// CheckApp implements AppFlows.
func (f RealAppFlows) CheckApp(ctx context.Context, site string, onResult func(scopes.Result)) (scopes.Report, error) {
	// A token older than its lifetime is refreshed first (and, on PagerDuty,
	// the new refresh token stored).
	t, err := platform.Target(ctx, f.Platform, apikey.Options{Store: f.Store, NS: f.ns(site), Now: f.Now})
	if err != nil {
		return scopes.Report{}, err
	}
	cat := f.Platform.Probes()
	return scopes.Run(ctx, scopes.Options{Catalog: &cat, OnResult: onResult, Targets: []scopes.Target{t}}), nil
}
