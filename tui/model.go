package tui

import (
	"context"
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
	"github.com/charmbracelet/x/ansi"

	"github.com/oauthwiz/oauthwiz/assets"
	"github.com/oauthwiz/oauthwiz/flows/apikey"
	"github.com/oauthwiz/oauthwiz/flows/integration"
	"github.com/oauthwiz/oauthwiz/flows/pullrequest"
)

// Messages returned by the wizard's commands.
type (
	authURLMsg    struct{ url string }
	authNoteMsg   struct{ note string }
	authorizedMsg struct{ res Authorized }
	apiKeyMsg     struct{ res *apikey.Result }
	errMsg        struct {
		step step
		err  error
	}
	tickMsg time.Time
)

// Model is the wizard's root model.
type Model struct {
	Common
	step     step
	showHelp bool
	scroll   paneScroll // the pane's offset when it is taller than the window
	flash    string     // what the last key did (copied, not opened), until the next key

	// Each screen's own state.
	caseList listState
	siteList siteListState
	creds    credState
	auth     authState
	key      keyState
	check    checkState
	every    sitesState
	pr       prState
	publish  publishState
	doctor   doctorState
	app      appState // another platform's journey, when chosen in the first step

	Cancelled bool
	Finished  bool
}

// listState is a list screen's cursor (the case, or another platform).
type listState struct{ cursor int }

// siteListState is the site list: the sites and the cursor.
type siteListState struct {
	cursor int
	sites  []assets.Site
}

// credState is the credentials screen: two inputs, the focus, an error.
type credState struct {
	clientID, secret textinput.Model
	// redirect is the redirect URI the authorization uses: proposed, and
	// editable (a test client may register another).
	redirect textinput.Model
	focus    int // 0 client ID, 1 secret, 2 redirect URI
	err      string
}

// Common is what every screen shares: the decisions so far (the case, the
// site), the wizard's dependencies (the journey's flows among them),
// styles, keys, help, spinner, the window's size, and the task group every
// side effect runs in (derived from the root context; quitting cancels it
// and waits for the cleanup).
type Common struct {
	// What was decided so far, that later screens build on.
	caseChosen integration.Case
	site       string

	deps    Deps
	st      Styles
	keys    KeyMap
	help    help.Model
	spinner spinner.Model
	width   int
	height  int
	tasks   *tasks
}

// New builds the wizard's model.
func New(deps Deps, st Styles) Model {
	if deps.Now == nil {
		deps.Now = time.Now
	}
	if deps.Timeout == 0 {
		deps.Timeout = 5 * time.Minute
	}
	m := Model{Common: Common{deps: deps, st: st, keys: DefaultKeyMap(), help: help.New(), width: 80, height: 24, tasks: newTasks(context.Background())}, siteList: siteListState{sites: assets.Sites()}}
	m.check.ticked = map[string]bool{}
	m.doctor.input = newDoctorInput()
	m.help.Styles = st.Help
	m.spinner = spinner.New(spinner.WithSpinner(spinner.Dot))
	m.creds.clientID = textinput.New()
	m.creds.clientID.Placeholder = "client ID from OAuth & Permissions"
	m.creds.clientID.CharLimit = 512
	m.creds.clientID.Prompt = ""
	m.creds.secret = textinput.New()
	m.creds.secret.Placeholder = "client secret (shown once in the Developer Platform)"
	// Secrets are long and pasted: keep a limit far above real ones.
	m.creds.secret.CharLimit = 8192
	m.creds.secret.EchoMode = textinput.EchoPassword
	m.creds.secret.EchoCharacter = '•'
	m.creds.secret.Prompt = ""
	m.creds.redirect = textinput.New()
	m.creds.redirect.Placeholder = "http://127.0.0.1:8765/oauth/callback"
	m.creds.redirect.CharLimit = 2048
	m.creds.redirect.Prompt = ""
	for i, s := range m.siteList.sites {
		if s.ID == "us1" {
			m.siteList.cursor = i
		}
	}
	for i, c := range integration.Cases {
		if c.Case == deps.DefaultCase {
			m.caseList.cursor = i
		}
	}
	m.resume(deps.Resume)
	if deps.App != nil && deps.Preselect == deps.App.Platform.Name() {
		m.caseList.cursor = len(integration.Cases)
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
		return tea.Batch(m.loadMatrix(), m.autoEnter())
	case stepChecks:
		_, check := m.startChecks()
		return tea.Batch(m.loadMatrix(), check, m.autoEnter())
	}
	return m.autoEnter()
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
			m.caseList.cursor, m.caseChosen, m.step = i, c.Case, stepSite
		}
	}
	if r.Authorized == nil || m.caseChosen == "" {
		return
	}
	m.site, m.auth.result = r.Site, r.Authorized
	m.creds.clientID.SetValue(r.ClientID)
	for i, s := range m.siteList.sites {
		if s.ID == r.Site {
			m.siteList.cursor = i
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
	if m.doctor.open {
		return m.helpKeyIn(m.doctorKeys(m.keys))
	}
	k := m.helpKeyIn(screens[m.step].Keys(m, m.keys))
	if _, v := m.copyValue(); v != "" && !m.typing() {
		k.active = append([]key.Binding{k.Copy}, k.active...)
		if k.short != nil {
			k.short = append([]key.Binding{k.Copy}, k.short...)
		}
	}
	if what := m.demoHelp(); what != "" {
		// The demo's Enter does the primary action: the bar says which.
		k.Next.SetHelp("enter", what)
		k.active = append([]key.Binding{k.Next}, withoutKey(k.active, k.Next)...)
		if k.short != nil {
			k.short = append([]key.Binding{k.Next}, withoutKey(k.short, k.Next)...)
		}
	}
	return k
}

// helpKeyIn shows the help's key as it works now: F1 where a text field
// takes '?' as a character.
func (m Model) helpKeyIn(k KeyMap) KeyMap {
	if m.typing() {
		k.Help = k.HelpInField
	}
	return k
}

// withoutKey is bs without the bindings sharing b's keys.
func withoutKey(bs []key.Binding, b key.Binding) []key.Binding {
	var out []key.Binding
	for _, x := range bs {
		if !slices.Equal(x.Keys(), b.Keys()) {
			out = append(out, x)
		}
	}
	return out
}

// Update implements tea.Model.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.help.Width = msg.Width
		m.sizeInputs()
		return m.keepCursorInView(), nil
	case spinner.TickMsg:
		if !m.busy() {
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
	case authURLMsg, authNoteMsg, authorizedMsg, apiKeyMsg, errMsg:
		return m.updateAuthMsg(msg)
	case checksMsg, fixPlanMsg, fixAppliedMsg:
		return m.updateCheckMsg(msg)
	case matrixMsg, importedMsg, siteAuthURLMsg, siteAuthorizedMsg, scopeResultMsg, scopesDoneMsg:
		return m.updateSitesMsg(msg)
	case prPlanMsg, prStageMsg, prDoneMsg, publishURLMsg, publishEditMsg, publishDoneMsg:
		return m.updatePRMsg(msg)
	case flashMsg:
		m.flash = msg.text
		return m, nil
	case autoEnterMsg:
		return m.onAutoEnter()
	case tea.MouseMsg:
		return m.wheel(msg)
	case tea.KeyMsg:
		if key.Matches(msg, m.keys.Quit) || key.Matches(msg, m.keys.QuitKey) && !m.typing() && !m.doctor.open {
			m.tasks.cancel() // every running task cleans up; Run waits for them
			m.Cancelled = true
			return m, tea.Quit
		}
		// '?' is a character in a text field (the doctor's too): there,
		// F1 (which no one types) opens the help instead, as the bar says.
		if key.Matches(msg, m.keys.HelpInField) || key.Matches(msg, m.keys.Help) && !m.typing() {
			m.showHelp = !m.showHelp
			m.help.ShowAll = m.showHelp
			return m, nil
		}
		if m.doctor.open {
			return m.updateDoctor(msg)
		}
		if key.Matches(msg, m.keys.Doctor) {
			return m.openDoctor()
		}
		m.flash = ""
		if scrolled, ok := m.scrollPane(msg); ok {
			return scrolled, nil
		}
		if cmd, ok := m.copyKey(msg); ok {
			return m, cmd
		}
		m, msg = m.demoEnter(msg)
		next, cmd := screens[m.step].Update(m, msg)
		// A key that moves a cursor or the focus, or that changed the
		// step, may have taken the marked line out of a clipped pane (a
		// typed character does not: it costs no second drawing).
		if moved, ok := next.(Model); ok && (moved.step != m.step || key.Matches(msg, m.keys.Up, m.keys.Down, m.keys.Tab, m.keys.Next, m.keys.Back)) {
			next = moved.keepCursorInView()
		}
		return next, cmd
	}
	if m.doctor.open {
		var cmd tea.Cmd
		m.doctor.input, cmd = m.doctor.input.Update(msg)
		return m, cmd
	}
	if m.step == stepCredentials {
		return m.updateInputs(msg)
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

// View implements tea.Model.
func (m Model) View() string {
	if m.Cancelled {
		return ""
	}
	l, side, footer := m.frame()
	pane := m.clip(m.pane(l), l)
	title := m.st.Title.Render("oauthwiz") + m.st.Subtle.Render(" · "+m.journey().title(m))
	if m.deps.Demo {
		title += m.st.Warn.Render("  [demo]")
	}
	if m.width > 0 {
		title = ansi.Truncate(title, m.width, "…")
	}
	if l.compact {
		return lipgloss.JoinVertical(lipgloss.Left, title, m.stepLine(), "", pane, "", footer)
	}
	if h := lipgloss.Height(pane); h > lipgloss.Height(side) {
		side = m.sidebar(h)
	}
	body := lipgloss.JoinHorizontal(lipgloss.Top, side, pane)
	if below := m.below(); below != "" {
		body += "\n\n" + below
	}
	return lipgloss.JoinVertical(lipgloss.Left, title, "", body, "", footer)
}

// mainWidthBeside is the right pane's width beside the sidebar.
func (m Model) mainWidthBeside(side string) int { return max(30, m.width-lipgloss.Width(side)-1) }

// pane is the right pane as drawn: lines wider than it wrap.
func (m Model) pane(l layout) string {
	return lipgloss.NewStyle().Width(l.width).Render(m.main(l.width))
}

func (m Model) main(w int) string {
	if m.doctor.open {
		return m.doctorView(w)
	}
	return screens[m.step].View(m, w)
}
