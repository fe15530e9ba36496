package tui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/oauthwiz/oauthwiz/assets"
	"github.com/oauthwiz/oauthwiz/flows/apikey"
	"github.com/oauthwiz/oauthwiz/flows/devplatform"
	"github.com/oauthwiz/oauthwiz/flows/integration"
	"github.com/oauthwiz/oauthwiz/flows/journey"
	"github.com/oauthwiz/oauthwiz/flows/pullrequest"
	"github.com/oauthwiz/oauthwiz/flows/scopes"
	"github.com/oauthwiz/oauthwiz/flows/secrets"
)

type step int

const (
	stepIntegration step = iota
	stepSite
	stepCredentials
	stepAuthorize
	stepAPIKey
	stepSites
	stepChecks
	stepPR
	stepPublish
	stepSummary
)

// Messages returned by the wizard's commands.
type (
	authURLMsg    struct{ url string }
	authorizedMsg struct{ res Authorized }
	apiKeyMsg     struct{ res *apikey.Result }
	errMsg        struct {
		step step
		err  error
	}
	tickMsg time.Time
)

type authState struct {
	running bool
	url     string
	started time.Time
	cancel  context.CancelFunc
	urlCh   chan string
	result  *Authorized
	err     error
}

type keyState struct {
	running bool
	result  *apikey.Result
	err     error
	skipped bool
}

// Model is the wizard's root model.
type Model struct {
	deps     Deps
	st       Styles
	keys     KeyMap
	help     help.Model
	spinner  spinner.Model
	width    int
	height   int
	step     step
	showHelp bool

	caseCursor int
	caseChosen integration.Case
	siteCursor int
	site       string
	sites      []assets.Site

	clientID, secret textinput.Model
	focus            int
	credErr          string

	auth    authState
	key     keyState
	check   checkState
	every   sitesState
	pr      prState
	publish publishState
	doctor  doctorState
	app     appState // another platform's journey, when chosen in the first step
	tasks   *tasks   // every side effect runs here; quitting cancels them

	Cancelled bool
	Finished  bool
}

// New builds the wizard's model.
func New(deps Deps, st Styles) Model {
	if deps.Now == nil {
		deps.Now = time.Now
	}
	if deps.Timeout == 0 {
		deps.Timeout = 5 * time.Minute
	}
	m := Model{deps: deps, st: st, keys: DefaultKeyMap(), help: help.New(), width: 80, height: 24, sites: assets.Sites(), tasks: newTasks(context.Background())}
	m.check.ticked = map[string]bool{}
	m.doctor.input = newDoctorInput()
	m.help.Styles = st.Help
	m.spinner = spinner.New(spinner.WithSpinner(spinner.Dot))
	m.clientID = textinput.New()
	m.clientID.Placeholder = "client ID from OAuth & Permissions"
	m.clientID.CharLimit = 512
	m.clientID.Prompt = ""
	m.secret = textinput.New()
	m.secret.Placeholder = "client secret (shown once in the Developer Platform)"
	// Secrets are long and pasted: keep a limit far above real ones.
	m.secret.CharLimit = 8192
	m.secret.EchoMode = textinput.EchoPassword
	m.secret.EchoCharacter = '•'
	m.secret.Prompt = ""
	for i, s := range m.sites {
		if s.ID == "us1" {
			m.siteCursor = i
		}
	}
	m.resume(deps.Resume)
	if deps.App != nil && deps.Preselect == deps.App.Platform.Name() {
		m.caseCursor = len(integration.Cases)
	}
	return m
}

// firstStepItems is how many choices the first step lists.
func (m Model) firstStepItems() int {
	if m.deps.App != nil {
		return len(integration.Cases) + 1
	}
	return len(integration.Cases)
}

// Init implements tea.Model.
func (m Model) Init() tea.Cmd {
	switch m.step {
	case stepSites:
		return m.loadMatrix()
	case stepChecks:
		_, check := m.startChecks()
		return tea.Batch(m.loadMatrix(), check)
	}
	return nil
}

// resume opens the wizard at the first step an earlier run did not finish.
// A stored API key is trusted as it was validated when stored; the next step
// re-checks it anyway.
func (m *Model) resume(r *Resume) {
	if r == nil {
		return
	}
	for i, c := range integration.Cases {
		if c.Case == r.Case {
			m.caseCursor, m.caseChosen, m.step = i, c.Case, stepSite
		}
	}
	if r.Authorized == nil || m.caseChosen == "" {
		return
	}
	m.site, m.auth.result = r.Site, r.Authorized
	m.clientID.SetValue(r.ClientID)
	for i, s := range m.sites {
		if s.ID == r.Site {
			m.siteCursor = i
		}
	}
	m.step = stepAPIKey
	switch {
	case r.APIKey != nil:
		m.key.result, m.step = r.APIKey, stepSites
	case !slices.Contains(r.Authorized.Granted, "api_keys_write"):
		m.key.skipped, m.step = true, stepSites
	}
	if m.step != stepSites {
		return
	}
	// Later steps: their evidence fills the sidebar; the wizard opens at the
	// checklist once the scopes were checked without failure.
	if r.Scopes != nil {
		m.every.run = &scopeRun{report: r.Scopes}
		if !r.Scopes.Failed() {
			m.step = stepChecks
		}
	}
	if r.PullRequestURL != "" {
		n := 0
		if i := strings.LastIndex(r.PullRequestURL, "/"); i >= 0 {
			n, _ = strconv.Atoi(r.PullRequestURL[i+1:])
		}
		m.pr.done = &pullrequest.Result{PullRequest: &pullrequest.PR{Number: n, URL: r.PullRequestURL, Action: "opened earlier"}}
	}
	if r.AppUUID != "" {
		done := PublishResult{AppUUID: r.AppUUID, Retests: map[string]string{}}
		for _, s := range r.Retested {
			done.Retests[s] = "authorized (earlier run)"
		}
		m.publish.done = &done
	}
}

// keyMap is the key map with the bindings of the current screen.
func (m Model) keyMap() KeyMap {
	k := m.keys
	if m.app.active && !m.doctor.open {
		return m.appKeyMap(k)
	}
	if m.doctor.open {
		switch _, ok := m.doctor.doctorStep(); {
		case !m.doctor.judged:
			k.Help.SetEnabled(false) // ? is typed into the text
			k.Next.SetHelp("enter", "diagnose")
			k.Back.SetHelp("esc", "close")
			k.active = []key.Binding{k.Next, k.Back}
		case ok:
			k.Back.SetHelp("esc", "close")
			k.active = []key.Binding{k.GoTo, k.Edit, k.Back}
		default:
			k.Back.SetHelp("esc", "close")
			k.active = []key.Binding{k.Edit, k.Back}
		}
		return k
	}
	switch m.step {
	case stepIntegration, stepSite:
		k.active = []key.Binding{k.Move, k.Next, k.Back}
	case stepCredentials:
		k.active = []key.Binding{k.Tab, k.Next, k.Back}
	case stepAuthorize:
		switch {
		case m.auth.running:
			k.active = []key.Binding{k.Open, k.Back}
		case m.auth.err != nil:
			k.active = []key.Binding{k.Retry, k.Back}
		default:
			k.active = []key.Binding{k.Next, k.Back}
		}
	case stepAPIKey:
		if m.key.err != nil {
			k.active = []key.Binding{k.Retry, k.Back}
		} else {
			k.active = []key.Binding{k.Next, k.Back}
		}
	case stepSites:
		if m.every.busy != "" {
			k.active = []key.Binding{k.Back}
		} else {
			k.active = []key.Binding{k.Move, k.Import, k.AuthorizeSite, k.CheckScopes, k.Next, k.Back}
			k.short = []key.Binding{k.Import, k.AuthorizeSite, k.CheckScopes, k.Next, k.Back}
		}
	case stepChecks:
		if m.check.plan != nil {
			k.active = []key.Binding{k.Write, k.Cancel}
		} else {
			k.active = []key.Binding{k.Move, k.Fix, k.Toggle, k.Recheck, k.Next, k.Back}
			k.short = []key.Binding{k.Fix, k.Toggle, k.Next, k.Back}
		}
	case stepPR:
		switch {
		case m.pr.running:
			k.active = []key.Binding{}
		case m.pr.rejected():
			k.active = []key.Binding{k.Rebase, k.Retry, k.Next, k.Back}
			k.short = []key.Binding{k.Rebase, k.Retry, k.Next}
		case m.pr.err != nil:
			k.active = []key.Binding{k.Retry, k.Next, k.Back}
		case m.pr.plan != nil && m.pr.done == nil:
			k.active = []key.Binding{k.Confirm, k.Next, k.Back}
		default:
			k.active = []key.Binding{k.Next, k.Back}
		}
	case stepPublish:
		switch {
		case m.publish.running:
			k.active = []key.Binding{}
		case m.publish.err != nil && !errors.Is(m.publish.err, devplatform.ErrManual):
			k.active = []key.Binding{k.Retry, k.Back}
		default:
			k.active = []key.Binding{k.Next, k.Back}
		}
	case stepSummary:
		k.active = []key.Binding{k.Next, k.Back}
	}
	return k
}

// Update implements tea.Model.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.help.Width = msg.Width
		return m, nil
	case spinner.TickMsg:
		if !m.auth.running && !m.key.running && !m.check.running && m.every.busy == "" && !m.pr.running && !m.publish.running && !m.app.auth.running && !m.app.checkRunning {
			return m, nil
		}
		var cmd tea.Cmd
		m.spinner, cmd = m.spinner.Update(msg)
		return m, cmd
	case tickMsg:
		if m.auth.running || m.app.auth.running {
			return m, tick()
		}
		return m, nil
	case appAuthURLMsg, appAuthorizedMsg, appScopeResultMsg, appScopesDoneMsg:
		return m.updateAppMsg(msg)
	case authURLMsg:
		m.auth.url = msg.url
		return m, nil
	case authorizedMsg:
		m.auth.running, m.auth.result, m.auth.err = false, &msg.res, nil
		return m, nil
	case apiKeyMsg:
		m.key.running, m.key.result, m.key.err = false, msg.res, nil
		return m, nil
	case checksMsg, fixPlanMsg, fixAppliedMsg:
		return m.updateCheckMsg(msg)
	case matrixMsg, importedMsg, siteAuthURLMsg, siteAuthorizedMsg, scopeResultMsg, scopesDoneMsg:
		return m.updateSitesMsg(msg)
	case prPlanMsg:
		m.pr.running, m.pr.plan, m.pr.err = false, msg.res, msg.err
		return m, nil
	case prDoneMsg:
		m.pr.running, m.pr.err = false, msg.err
		if msg.err == nil {
			m.pr.done = msg.res
		}
		return m, nil
	case publishURLMsg:
		m.publish.url = msg.url
		return m, waitPublishURL(m.publish.urls) // one URL per site re-tested
	case publishDoneMsg:
		m.publish.running, m.publish.err = false, msg.err
		if msg.err == nil {
			m.publish.done = &msg.res
		}
		return m, nil
	case errMsg:
		if msg.step == stepAuthorize {
			m.auth.running, m.auth.err = false, msg.err
		} else {
			m.key.running, m.key.err = false, msg.err
		}
		return m, nil
	case tea.KeyMsg:
		if key.Matches(msg, m.keys.Quit) {
			m.tasks.cancel() // every running task cleans up; Run waits for them
			m.Cancelled = true
			return m, tea.Quit
		}
		if m.doctor.open {
			return m.updateDoctor(msg)
		}
		if key.Matches(msg, m.keys.Doctor) {
			return m.openDoctor()
		}
		if key.Matches(msg, m.keys.Help) && m.step != stepCredentials && !(m.app.active && m.app.step == appCredentials) {
			m.showHelp = !m.showHelp
			m.help.ShowAll = m.showHelp
			return m, nil
		}
		if m.app.active {
			return m.updateAppKey(msg)
		}
		return m.updateStep(msg)
	}
	if m.doctor.open {
		var cmd tea.Cmd
		m.doctor.input, cmd = m.doctor.input.Update(msg)
		return m, cmd
	}
	if m.app.active {
		return m, nil
	}
	if m.step == stepCredentials {
		return m.updateInputs(msg)
	}
	return m, nil
}

func (m Model) updateStep(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	k := m.keys
	switch m.step {
	case stepIntegration:
		m.caseCursor = m.moveCursor(msg, m.caseCursor, m.firstStepItems())
		if key.Matches(msg, k.Next) && m.caseCursor == len(integration.Cases) {
			return m.enterApp()
		}
		if key.Matches(msg, k.Next) {
			m.caseChosen = integration.Cases[m.caseCursor].Case
			m.step = stepSite
			flows, c := m.deps.Flows, m.caseChosen
			return m, func() tea.Msg { _ = flows.SaveCase(c); return nil }
		}
	case stepSite:
		m.siteCursor = m.moveCursor(msg, m.siteCursor, len(m.sites))
		switch {
		case key.Matches(msg, k.Back):
			m.step = stepIntegration
		case key.Matches(msg, k.Next):
			m.site = m.sites[m.siteCursor].ID
			m.enterCredentials()
			m.step = stepCredentials
			return m, textinput.Blink
		}
	case stepCredentials:
		switch {
		case key.Matches(msg, k.Back):
			m.step = stepSite
		case key.Matches(msg, k.Tab):
			m.setFocus(1 - m.focus)
		case key.Matches(msg, k.Next):
			if m.focus == 0 && m.secret.Value() == "" {
				m.setFocus(1)
				return m, nil
			}
			return m.startAuthorize()
		default:
			return m.updateInputs(msg)
		}
	case stepAuthorize:
		switch k.authKey(msg, m.auth) {
		case authOpen:
			return m, openCmd(m.deps, m.auth.url)
		case authRetry:
			return m.startAuthorize()
		case authBack:
			m.step = stepCredentials
		case authNext:
			return m.startAPIKey()
		}
	case stepAPIKey:
		switch {
		case m.key.running:
		case m.key.err != nil && key.Matches(msg, k.Retry):
			return m.startAPIKey()
		case key.Matches(msg, k.Back):
			m.step = stepAuthorize
		case key.Matches(msg, k.Next):
			return m.startSites()
		}
	case stepSites:
		return m.updateSites(msg)
	case stepChecks:
		return m.updateChecks(msg)
	case stepPR:
		return m.updatePR(msg)
	case stepPublish:
		return m.updatePublish(msg)
	case stepSummary:
		switch {
		case key.Matches(msg, k.Back):
			m.step = stepPublish
		case key.Matches(msg, k.Next):
			m.Finished = true
			return m, tea.Quit
		}
	}
	return m, nil
}

// moveCursor moves a list cursor on up/down, wrapping around n items.
func (m Model) moveCursor(msg tea.KeyMsg, cursor, n int) int {
	switch {
	case key.Matches(msg, m.keys.Up):
		return (cursor + n - 1) % n
	case key.Matches(msg, m.keys.Down):
		return (cursor + 1) % n
	}
	return cursor
}

func (m *Model) setFocus(i int) {
	m.focus = i
	if i == 0 {
		m.clientID.Focus()
		m.secret.Blur()
	} else {
		m.secret.Focus()
		m.clientID.Blur()
	}
}

func (m Model) updateInputs(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	if m.focus == 0 {
		m.clientID, cmd = m.clientID.Update(msg)
	} else {
		m.secret, cmd = m.secret.Update(msg)
	}
	m.credErr = ""
	return m, cmd
}

// enterCredentials prefills the inputs from what is known: the sandbox's
// client, or the client ID and secret stored by an earlier run.
func (m *Model) enterCredentials() {
	if c, ok := seeded(m.deps.DevPlatform, m.site, m.deps.Kind); ok {
		m.clientID.SetValue(c.ClientID)
		m.secret.SetValue(c.ClientSecret)
	}
	if m.clientID.Value() == "" {
		var rec secrets.TokenRecord
		if secrets.GetJSON(m.deps.Store, m.deps.ns(m.site).TokenKey(), &rec) == nil {
			m.clientID.SetValue(rec.ClientID)
		}
	}
	if m.secret.Value() == "" {
		if v, err := m.deps.Store.Get(m.deps.ns(m.site).ClientSecretKey()); err == nil {
			m.secret.SetValue(v)
		}
	}
	m.setFocus(0)
	if m.clientID.Value() != "" {
		m.setFocus(1)
	}
}

func (m Model) scopes() []string {
	if c := m.deps.Info.Client; c != nil && len(c.Scopes) > 0 {
		return c.Scopes
	}
	c, _ := seeded(m.deps.DevPlatform, m.site, m.deps.Kind)
	return c.Scopes
}

func (m Model) redirectURI() string {
	if m.deps.RedirectURI != "" {
		return m.deps.RedirectURI
	}
	return m.deps.Info.Client.LoopbackRedirect()
}

func (m Model) startAuthorize() (tea.Model, tea.Cmd) {
	id, secret := strings.TrimSpace(m.clientID.Value()), strings.TrimSpace(m.secret.Value())
	switch {
	case id == "":
		m.credErr = "Enter the client ID."
		m.setFocus(0)
		return m, nil
	case secret == "":
		m.credErr = "Enter the client secret."
		m.setFocus(1)
		return m, nil
	case len(m.scopes()) == 0:
		m.credErr = "No scopes: list them in " + m.deps.Info.ClientFile + "."
		return m, nil
	case m.redirectURI() == "":
		m.credErr = "No loopback redirect URI (http://127.0.0.1:PORT/PATH) in " + m.deps.Info.ClientFile + ": register one on the client and add it there."
		return m, nil
	}
	m.step = stepAuthorize
	m.key = keyState{}
	req := AuthorizeRequest{Site: m.site, ClientID: id, ClientSecret: secret, RedirectURI: m.redirectURI(), Scopes: m.scopes(), Timeout: m.deps.Timeout}
	flows := m.deps.Flows
	var cmd tea.Cmd
	m.auth, cmd = m.startAuth(func(ctx context.Context, onURL func(string)) tea.Msg {
		res, err := flows.Authorize(ctx, req, onURL)
		if err != nil {
			return errMsg{stepAuthorize, err}
		}
		return authorizedMsg{res}
	}, func(u string) tea.Msg { return authURLMsg{u} })
	return m, cmd
}

// startAuth starts an authorization: run does it (reporting the URL to open
// through onURL), and the URL comes back as urlMsg while the spinner and the
// countdown tick.
func (m Model) startAuth(run func(ctx context.Context, onURL func(string)) tea.Msg, urlMsg func(string) tea.Msg) (authState, tea.Cmd) {
	ctx, cancel := m.tasks.child()
	a := authState{running: true, started: m.deps.Now(), cancel: cancel, urlCh: make(chan string, 1)}
	urlCh := a.urlCh
	waitURL := func() tea.Msg {
		select {
		case u := <-urlCh:
			return urlMsg(u)
		case <-ctx.Done():
			return nil
		}
	}
	return a, tea.Batch(m.tasks.cmd(ctx, func(ctx context.Context) tea.Msg { return run(ctx, func(u string) { urlCh <- u }) }), waitURL, m.spinner.Tick, tick())
}

// authAction is what a key does on an authorization screen.
type authAction int

const (
	authNone authAction = iota
	authOpen
	authRetry
	authBack
	authNext
)

// authKey reads a key on an authorization screen, the same for every
// platform: esc cancels a running authorization (here) or goes back, o opens
// the URL again, r retries after an error, enter continues once authorized.
func (k KeyMap) authKey(msg tea.KeyMsg, a authState) authAction {
	switch {
	case a.running && key.Matches(msg, k.Back):
		a.cancel()
	case a.running && key.Matches(msg, k.Open) && a.url != "":
		return authOpen
	case !a.running && a.err != nil && key.Matches(msg, k.Retry):
		return authRetry
	case !a.running && key.Matches(msg, k.Back):
		return authBack
	case !a.running && a.result != nil && key.Matches(msg, k.Next):
		return authNext
	}
	return authNone
}

func (m Model) startAPIKey() (tea.Model, tea.Cmd) {
	m.step = stepAPIKey
	m.key = keyState{}
	if !slices.Contains(m.auth.result.Granted, "api_keys_write") {
		m.key.skipped = true
		return m, nil
	}
	m.key.running = true
	flows, site, id := m.deps.Flows, m.site, m.clientID.Value()
	return m, tea.Batch(m.spinner.Tick, m.tasks.run(func(ctx context.Context) tea.Msg {
		res, err := flows.CreateAPIKey(ctx, site, id)
		if err != nil {
			return errMsg{stepAPIKey, err}
		}
		return apiKeyMsg{res}
	}))
}

func tick() tea.Cmd { return tea.Tick(time.Second, func(t time.Time) tea.Msg { return tickMsg(t) }) }

func openCmd(d Deps, u string) tea.Cmd {
	rf, ok := d.Flows.(RealFlows)
	if !ok || rf.OpenBrowser == nil {
		return nil
	}
	return func() tea.Msg { _ = rf.OpenBrowser(u); return nil }
}

// View implements tea.Model.
func (m Model) View() string {
	if m.Cancelled {
		return ""
	}
	side := m.sidebar()
	mainWidth := max(30, m.width-lipgloss.Width(side)-1)
	body := lipgloss.JoinHorizontal(lipgloss.Top, side, lipgloss.NewStyle().Width(mainWidth).Render(m.main(mainWidth)))
	title := m.st.Title.Render("oauthwiz") + m.st.Subtle.Render(" · publish a Datadog OAuth client")
	if m.app.active {
		title = m.st.Title.Render("oauthwiz") + m.st.Subtle.Render(" · test a "+m.deps.App.Platform.Title()+" OAuth app")
	}
	if m.deps.Demo {
		title += m.st.Warn.Render("  [demo: embedded sandbox]")
	}
	return lipgloss.JoinVertical(lipgloss.Left, title, "", body, "", m.help.View(m.keyMap()))
}

// stepStatus says what the sidebar shows for journey item i: done and its
// evidence as the journey defines them, or the current step.
func (m Model) stepStatus(i int) (mark, evidence string, current, done bool) {
	st := journey.Progress(m.facts())[i]
	switch {
	case st.Skipped:
		return "–", st.Evidence, false, true
	case st.Done:
		return "✓", st.Evidence, false, true
	case journeyIndex(m.step) == i && m.step != stepSummary:
		return "▸", "", true, false
	}
	return "·", "", false, false
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

func (m Model) sidebar() string {
	var b strings.Builder
	b.WriteString(m.st.Key.Render("Journey") + "\n")
	steps, status := journeyLabels(), m.stepStatus
	if m.app.active {
		steps, status = AppJourney, m.appStatus
	}
	// Evidence lines are shown while the sidebar fits the window's height.
	lines := 1 + len(steps)
	for i := range steps {
		if _, ev, _, done := status(i); done && ev != "" {
			lines++
		}
	}
	withEvidence := m.height == 0 || lines <= m.height-4
	for i, name := range steps {
		mark, ev, current, done := status(i)
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
	return m.st.Sidebar.Width(26).Render(strings.TrimRight(b.String(), "\n"))
}

// journeyLabels are the journey's step names, as the sidebar lists them.
func journeyLabels() []string {
	out := make([]string, len(journey.Steps))
	for i, s := range journey.Steps {
		out[i] = s.Label
	}
	return out
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// hardWrap breaks a long token such as a URL into lines of width w.
func hardWrap(s string, w int) string {
	if w <= 0 || len(s) <= w {
		return s
	}
	var parts []string
	for len(s) > w {
		parts = append(parts, s[:w])
		s = s[w:]
	}
	return strings.Join(append(parts, s), "\n")
}

func (m Model) main(w int) string {
	if m.doctor.open {
		return m.doctorView(w)
	}
	if m.app.active {
		return m.appView(w)
	}
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	switch m.step {
	case stepIntegration:
		p(m.st.Title.Render("1. The integration"))
		info := m.deps.Info
		p("Folder: %s", truncate(info.Dir, w-8))
		p("Name:   %s", info.Name)
		if info.Client != nil {
			p("Client: %s (%d scopes) in %s", info.Client.Name, len(info.Client.Scopes), "assets/oauth_clients.json")
		} else {
			p(m.st.Warn.Render("No assets/oauth_clients.json yet: the wizard will ask for everything."))
		}
		p("")
		p("Which case is this?")
		for i, c := range integration.Cases {
			line := "  " + c.Title
			if i == m.caseCursor {
				line = m.st.Selected.Render("▸ " + c.Title)
			}
			p("%s", line)
			p("    %s", m.st.Subtle.Render(c.Note))
		}
		if a := m.deps.App; a != nil {
			title := "Another platform: " + a.Platform.Title() + " (a scoped OAuth app)"
			if m.caseCursor == len(integration.Cases) {
				p("%s", m.st.Selected.Render("▸ "+title))
			} else {
				p("  %s", title)
			}
		}
	case stepSite:
		p(m.st.Title.Render("2. The site to test on first"))
		p("A test client works only on its own site.")
		p("")
		for i, s := range m.sites {
			note := s.AppHost
			if !s.OAuthDocumented {
				note += " · OAuth undocumented"
			}
			line := fmt.Sprintf("  %-8s %s", s.ID, m.st.Subtle.Render(note))
			if i == m.siteCursor {
				line = m.st.Selected.Render(fmt.Sprintf("▸ %-8s %s", s.ID, note))
			}
			p("%s", line)
		}
	case stepCredentials:
		p(m.st.Title.Render("3. Client credentials (" + m.site + ")"))
		if u, err := m.deps.Provider.DeveloperPlatformURL(m.site); err == nil {
			p("In %s: your app → OAuth & Permissions →", hardWrap(u, w))
			p("New Confidential OAuth Client. Enter:")
		}
		if c := m.deps.Info.Client; c != nil {
			p("  name          %s", c.Name)
			for i, u := range c.RedirectURIs {
				label := "  redirect URIs"
				if i > 0 {
					label = "               "
				}
				p("%s %s", label, truncate(u, w-16))
			}
			p("  onboarding    %s", truncate(c.OnboardingURL, w-16))
			p("  scopes        %s", truncate(strings.Join(c.Scopes, " "), w-16))
		}
		p("")
		label := func(i int, s string) string {
			if m.focus == i {
				return m.st.Selected.Render("▸ " + s)
			}
			return "  " + s
		}
		m.clientID.Width, m.secret.Width = w-6, w-6
		p("%s", label(0, "Client ID"))
		p("  %s", m.clientID.View())
		p("%s", label(1, "Client secret"))
		p("  %s", m.secret.View())
		if v := m.secret.Value(); v != "" {
			p("  %s", m.st.Subtle.Render(fmt.Sprintf("%d characters, %s", len(v), secrets.Mask(v))))
		}
		if m.credErr != "" {
			p("%s", m.st.Error.Render(m.credErr))
		}
	case stepAuthorize:
		p(m.st.Title.Render("4. Test authorization (" + m.site + ")"))
		switch {
		case m.auth.running:
			left := m.deps.Timeout - m.deps.Now().Sub(m.auth.started)
			p("%s Waiting for you to click Authorize… %s left", m.spinner.View(), fmtDuration(left))
			p("")
			if m.auth.url != "" {
				p("Open this URL in a browser signed in to your")
				p("sandbox org (press o to open it again):")
				p("%s", m.st.Code.Render(hardWrap(m.auth.url, w)))
			}
		case m.auth.err != nil:
			m.errorView(&b, m.auth.err, w)
		case m.auth.result != nil:
			r := m.auth.result
			p(m.st.Done.Render("✓ Authorized on %s as %s"), r.Site, r.Org)
			p("  scopes granted: %s", strings.Join(r.Granted, " "))
			if len(r.Missing) > 0 {
				p(m.st.Warn.Render("  scopes missing: %s"), strings.Join(r.Missing, " "))
			}
			p("  access token valid until %s", r.Expiry.Local().Format("15:04"))
			p("  tokens stored in %s", m.deps.Store.Where())
		default:
			p("Cancelled. Press esc to go back.")
		}
	case stepAPIKey:
		p(m.st.Title.Render("5. The integration's API key"))
		switch {
		case m.key.skipped:
			p("api_keys_write was not granted, so no API key is created.")
			p(m.st.Subtle.Render("Integrations that send metrics, events or logs need it: add it to the client's scopes."))
		case m.key.running:
			p("%s Creating the marketplace API key and storing it first…", m.spinner.View())
		case m.key.err != nil:
			m.errorView(&b, m.key.err, w)
		case m.key.result != nil:
			r := m.key.result
			verb := "Reused the stored key"
			if r.Created {
				verb = "Created the key"
			}
			p(m.st.Done.Render("✓ %s …%s for %s"), verb, r.Last4, r.Org)
			if r.Valid {
				p("  valid: GET /api/v1/validate accepted it")
			} else {
				p(m.st.Error.Render("  NOT valid: Datadog refused it"))
			}
			p("  stored in %s, never shown again", m.deps.Store.Where())
		}
	case stepSites:
		return m.sitesView(w)
	case stepChecks:
		return m.checklistView(w)
	case stepPR:
		return m.prView(w)
	case stepPublish:
		return m.publishView(w)
	case stepSummary:
		p(m.st.Title.Render("Summary"))
		for i, name := range journeyLabels() {
			mark, ev, _, done := m.stepStatus(i)
			if !done {
				mark, ev = "·", "not done yet"
			}
			p("%s %-20s %s", mark, name, m.st.Subtle.Render(ev))
		}
		p("")
		p("Secrets are kept in %s.", truncate(m.deps.Store.Where(), w-24))
		p("Press enter to finish.")
	}
	return strings.TrimRight(b.String(), "\n")
}

func (m Model) errorView(b *strings.Builder, err error, w int) {
	m.errorViewWith(b, err, w, assets.Diagnose)
}

// errorViewWith shows an error with a platform's troubleshooting catalog.
func (m Model) errorViewWith(b *strings.Builder, err error, w int, diagnose func(string) []assets.Trouble) {
	fmt.Fprintln(b, m.st.Error.Render("✗ ")+hardWrapWords(err.Error(), w-2))
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(b, "Cancelled. Press r to try again or esc to go back.")
		return
	}
	for i, t := range diagnose(err.Error()) {
		if i == 1 {
			break
		}
		fmt.Fprintln(b)
		fmt.Fprintln(b, m.st.Key.Render(t.Title))
		fmt.Fprintln(b, lipgloss.NewStyle().Width(w).Render("What it means: "+t.Meaning))
		fmt.Fprintln(b, lipgloss.NewStyle().Width(w).Render("What to do: "+t.Fix))
	}
	fmt.Fprintln(b, m.st.Faint.Render(hardWrapWords("Another message on the page or in a log? ctrl+t opens the doctor.", w)))
}

func hardWrapWords(s string, w int) string {
	return lipgloss.NewStyle().Width(max(10, w)).Render(s)
}

func fmtDuration(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	d = d.Round(time.Second)
	return fmt.Sprintf("%d:%02d", int(d.Minutes()), int(d.Seconds())%60)
}
