package tui

import (
	"context"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/oauthwiz/oauthwiz/flows/platform"
	"github.com/oauthwiz/oauthwiz/flows/scopes"
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

type appState struct {
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
	s := appState{}
	s.clientID = newAppInput("client_id from the credentials JSON", 512)
	s.secret = newAppInput("client_secret (downloadable once)", 8192)
	s.secret.EchoMode, s.secret.EchoCharacter = textinput.EchoPassword, '•'
	s.scopesF = newAppInput("services.read incidents.write …", 4096)
	s.clientID.SetValue(a.ClientID)
	s.secret.SetValue(a.ClientSecret)
	s.scopesF.SetValue(strings.Join(a.Scopes, " "))
	m.app, m.step = s, stepAppCredentials
	m.sizeInputs()
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

func appCredentialsKeys(m Model, k KeyMap) KeyMap {
	k.Next.SetHelp("enter", "authorize")
	k.active = []key.Binding{k.Tab, k.Next, k.Back}
	return k
}

func updateAppCredentials(m Model, msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	k, a := m.keys, &m.app
	switch {
	case key.Matches(msg, k.Back):
		m.step = stepIntegration
	case key.Matches(msg, k.Tab):
		if msg.String() == "shift+tab" {
			a.setFocus((a.focus + 2) % 3)
		} else {
			a.setFocus((a.focus + 1) % 3)
		}
	case key.Matches(msg, k.Next) && !msg.Paste:
		return m.goTo(stepAppAuthorize)
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
	return m, nil
}

func appAuthorizeKeys(m Model, k KeyMap) KeyMap {
	switch a := m.app; {
	case a.auth.running:
		k.active = []key.Binding{k.Open, k.Back}
	case a.auth.err != nil:
		k.active = []key.Binding{k.Retry, k.Back}
	default:
		k.Next.SetHelp("enter", "check every scope")
		k.active = []key.Binding{k.Next, k.Back}
	}
	return k
}

func updateAppAuthorize(m Model, msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	switch m.keys.authKey(msg, m.app.auth) {
	case authOpen:
		return m, openCmd(m.deps, m.app.auth.url)
	case authRetry:
		return m.goTo(stepAppAuthorize)
	case authBack:
		m.step = stepAppCredentials
	case authNext:
		return m.goTo(stepAppScopes)
	}
	return m, nil
}

func appScopesKeys(m Model, k KeyMap) KeyMap {
	if m.app.checkRunning {
		k.active = []key.Binding{k.Back}
	} else {
		k.active = []key.Binding{k.Retry, k.Next, k.Back}
	}
	return k
}

func updateAppScopes(m Model, msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	k, a := m.keys, &m.app
	switch {
	case a.checkRunning:
		if key.Matches(msg, k.Back) && a.cancel != nil {
			a.cancel() // the created objects are still cleaned up
		}
	case key.Matches(msg, k.Retry):
		return m.goTo(stepAppScopes)
	case key.Matches(msg, k.Back):
		m.step = stepAppAuthorize
	case key.Matches(msg, k.Next):
		m.step = stepAppSummary
	}
	return m, nil
}

func appSummaryKeys(m Model, k KeyMap) KeyMap {
	k.Next.SetHelp("enter", "finish")
	k.active = []key.Binding{k.Next, k.Back}
	return k
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
	m.step = stepAppAuthorize
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
	m.step, a.checkRunning, a.checkErr = stepAppScopes, true, nil
	ctx, cancel := m.tasks.child()
	a.cancel = cancel
	r := a.auth.result
	a.run = &scopeRun{total: scopes.Expected(ptr(m.deps.App.Platform.Probes()), scopes.Target{Granted: r.Granted}, r.Requested)}
	ch := make(chan scopes.Result, 64)
	a.results = ch
	flows, site := m.deps.App.Flows, r.Site
	run := m.tasks.cmd(ctx, func(ctx context.Context) tea.Msg {
		rep, err := flows.CheckApp(ctx, site, resultsTo(ctx, ch))
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

// appRows are an app journey's rows.
func (m Model) appRows() []row {
	rows := make([]row, len(AppJourney))
	for i := range rows {
		r := &rows[i]
		r.mark, r.evidence, r.current, r.done = m.appStatus(i)
	}
	return rows
}

// appStatus is what the sidebar shows for app journey item i.
func (m Model) appStatus(i int) (mark, evidence string, current, done bool) {
	a := m.app
	res := a.auth.result
	switch i {
	case 0:
		return "✓", m.deps.App.Platform.Title(), false, true
	case 1:
		if m.step > stepAppCredentials {
			return "✓", strings.TrimSpace(a.clientID.Value()), false, true // the sidebar cuts it
		}
		return "▸", "", true, false
	case 2:
		if res != nil {
			return "✓", m.deps.App.Platform.SiteNoun() + " " + res.Site, false, true
		}
		if m.step == stepAppAuthorize {
			return "▸", "", true, false
		}
	case 3:
		if a.run != nil && a.run.report != nil {
			if !a.run.report.Failed() {
				return "✓", fmt.Sprintf("%d probes passed", countStatus(a.run.report, scopes.Pass)), false, true
			}
			if m.step != stepAppScopes {
				return "✗", fmt.Sprintf("%d passed, %d failed", countStatus(a.run.report, scopes.Pass), countStatus(a.run.report, scopes.Fail)), false, false
			}
		}
		if m.step == stepAppScopes {
			return "▸", "", true, false
		}
	case 4:
		if m.Finished {
			return "✓", "", false, true
		}
		if m.step == stepAppSummary {
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
