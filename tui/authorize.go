package tui

import (
	"context"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/textinput"

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

type authState struct {
	running bool
	url     string
	started time.Time
	cancel  context.CancelFunc
	urlCh   chan string
	result  *Authorized
	err     error
	paste   pasteState
	// startedOn is the site the authorization started on when the person
	// chose another region on Datadog's page ("" otherwise).
	startedOn string
}

// pasteState is the authorize screen's paste-back input: the address the
// browser landed on goes to the running attempt, which checks its state.
type pasteState struct {
	backOnly bool // the redirect URI is not on this machine: paste is the only way
	open     bool // the input shows and takes the keys
	input    textinput.Model
	sent     chan string   // to the attempt
	notes    chan string   // from it: why a paste did not end the wait
	done     chan struct{} // closed when the attempt ends
	note     string
}

func newPasteState(backOnly bool) pasteState {
	in := textinput.New()
	in.Placeholder = "https://…/callback?code=…&state=…"
	in.CharLimit = 16 << 10 // callback URLs carry long codes
	in.Prompt = ""
	p := pasteState{backOnly: backOnly, open: backOnly, input: in, sent: make(chan string, 4), notes: make(chan string, 4), done: make(chan struct{})}
	if backOnly {
		p.input.Focus()
	}
	return p
}

// waitNote brings the attempt's next note to the screen, until it ends.
func (p pasteState) waitNote() tea.Cmd {
	return func() tea.Msg {
		select {
		case n := <-p.notes:
			return authNoteMsg{n}
		case <-p.done:
			return nil
		}
	}
}

// submitPaste hands the pasted address to the attempt without blocking the
// screen (the attempt reads them one at a time).
func (m Model) submitPaste() (tea.Model, tea.Cmd) {
	v := strings.TrimSpace(m.auth.paste.input.Value())
	if v == "" {
		return m, nil
	}
	select {
	case m.auth.paste.sent <- v:
		m.auth.paste.note = "Checking the pasted address…"
		m.auth.paste.input.SetValue("")
	default:
		m.auth.paste.note = "Still checking the previous address: press enter again in a moment."
	}
	return m, nil
}

func authorizeKeys(m Model, k KeyMap) KeyMap {
	switch {
	case m.auth.running && m.auth.paste.open:
		k.active = []key.Binding{k.SubmitPaste, k.Back}
	case m.auth.running:
		k.active = []key.Binding{k.Open, k.Paste, k.Back}
	case m.auth.err != nil:
		k.active = []key.Binding{k.Retry, k.Back}
	default:
		k.active = []key.Binding{k.Next, k.Back}
	}
	return k
}

func updateAuthorize(m Model, msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	if p := &m.auth.paste; m.auth.running {
		switch {
		case p.open && key.Matches(msg, m.keys.SubmitPaste) && !msg.Paste:
			return m.submitPaste()
		case p.open && !p.backOnly && key.Matches(msg, m.keys.Back):
			p.open = false // back to waiting for the browser here
			p.input.Blur()
			return m, nil
		case p.open && !key.Matches(msg, m.keys.Back):
			var cmd tea.Cmd
			p.input, cmd = p.input.Update(msg)
			return m, cmd
		case !p.open && key.Matches(msg, m.keys.Paste):
			p.open = true
			return m, p.input.Focus()
		}
	}
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
			m.longValue(&b, m.auth.url, w)
		}
		m.pasteView(&b, w)
	case m.auth.err != nil:
		m.errorView(&b, m.auth.err, w)
	case m.auth.result != nil:
		r := m.auth.result
		p(m.st.Done.Render("✓ Authorized on %s as %s"), r.Site, r.Org)
		if m.auth.startedOn != "" {
			p("%s", hardWrapWords("Region chosen on Datadog's page (started on "+m.auth.startedOn+"): the journey goes on with "+r.Site+".", w))
		}
		p("%s", field("  scopes granted: ", strings.Join(r.Granted, " "), w))
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

// pasteView is the paste-back input under the URL to open.
func (m Model) pasteView(b *pane, w int) {
	ps := m.auth.paste
	p := b.line
	if !ps.open {
		p("")
		p("%s", m.st.Subtle.Render(hardWrapWords("Browser on another machine? Press p and paste the address it lands on.", w)))
		return
	}
	p("")
	if ps.backOnly {
		p("%s", hardWrapWords("After Authorize the browser lands on your page: paste the whole address from its address bar and press enter:", w))
	} else {
		p("%s", hardWrapWords("Paste the whole address the browser landed on and press enter:", w))
	}
	p("  %s", ps.input.View())
	if ps.note != "" {
		p("%s", m.st.Warn.Render(hardWrapWords(ps.note, w)))
	}
	if ps.backOnly {
		p("%s", m.st.Subtle.Render(hardWrapWords("invalid_grant after pasting: your live service spent the code first.", w)))
	}
}

// updateAuthMsg takes the authorization's and the API key's messages.
func (m Model) updateAuthMsg(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case authURLMsg:
		m.auth.url = msg.url
	case authNoteMsg:
		m.auth.paste.note = msg.note
		if m.auth.running {
			return m, m.auth.paste.waitNote()
		}
	case authorizedMsg:
		m.auth.running, m.auth.result, m.auth.err = false, &msg.res, nil
		if msg.res.Site != "" && msg.res.Site != m.site {
			// The region was chosen on Datadog's page: the org, its token
			// and its API key are on that site from here on.
			m.auth.startedOn, m.site = m.site, msg.res.Site
		}
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
