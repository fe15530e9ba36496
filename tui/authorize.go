package tui

import (
	"context"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/charmbracelet/bubbles/key"
)

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

func tick() tea.Cmd { return tea.Tick(time.Second, func(t time.Time) tea.Msg { return tickMsg(t) }) }

func openCmd(d Deps, u string) tea.Cmd {
	if d.OpenBrowser == nil {
		return nil
	}
	return func() tea.Msg { _ = d.OpenBrowser(u); return nil }
}

type authState struct {
	running bool
	url     string
	started time.Time
	cancel  context.CancelFunc
	urlCh   chan string
	result  *Authorized
	err     error
}

func authorizeKeys(m Model, k KeyMap) KeyMap {
	switch {
	case m.auth.running:
		k.active = []key.Binding{k.Open, k.Back}
	case m.auth.err != nil:
		k.active = []key.Binding{k.Retry, k.Back}
	default:
		k.active = []key.Binding{k.Next, k.Back}
	}
	return k
}

func updateAuthorize(m Model, msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	switch m.keys.authKey(msg, m.auth) {
	case authOpen:
		return m, openCmd(m.deps, m.auth.url)
	case authRetry:
		return m.goTo(stepAuthorize)
	case authBack:
		m.step = stepCredentials
	case authNext:
		return m.goTo(stepAPIKey)
	}
	return m, nil
}

func authorizeView(m Model, w int) string {
	var b pane
	p := b.line
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
	return b.text()
}

// updateAuthMsg takes the authorization's and the API key's messages.
func (m Model) updateAuthMsg(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case authURLMsg:
		m.auth.url = msg.url
	case authorizedMsg:
		m.auth.running, m.auth.result, m.auth.err = false, &msg.res, nil
	case apiKeyMsg:
		m.key.running, m.key.result, m.key.err = false, msg.res, nil
	case errMsg:
		if msg.step == stepAuthorize {
			m.auth.running, m.auth.err = false, msg.err
		} else {
			m.key.running, m.key.err = false, msg.err
		}
	}
	return m, nil
}
