package tui

import (
	"context"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/oauthwiz/oauthwiz/flows/integration"
	"github.com/oauthwiz/oauthwiz/flows/journey"
	"github.com/oauthwiz/oauthwiz/flows/secrets"
)

// inputs are the credentials screen's fields, in focus order.
func (c *credState) inputs() []*textinput.Model {
	return []*textinput.Model{&c.clientID, &c.secret, &c.redirect}
}

func (m *Model) setFocus(i int) {
	m.creds.focus = i
	for j, in := range m.creds.inputs() {
		if j == i {
			in.Focus()
		} else {
			in.Blur()
		}
	}
}

func (m Model) updateInputs(msg tea.Msg) (tea.Model, tea.Cmd) {
	in := m.creds.inputs()[m.creds.focus]
	var cmd tea.Cmd
	*in, cmd = in.Update(msg)
	m.creds.err = ""
	return m, cmd
}

// enterCredentials prefills the inputs from what is known: the sandbox's
// client, the client ID, secret and redirect URI of an earlier run, and
// the redirect URI the client file (or the proposal) gives.
func (m *Model) enterCredentials() {
	known := m.deps.Flows.Known(m.site)
	m.creds.clientID.SetValue(known.ClientID)
	m.creds.secret.SetValue(known.ClientSecret)
	given := m.deps.RedirectURI
	if given == "" {
		given = known.RedirectURI // what worked last time, paste-back included
	}
	m.creds.redirect.SetValue(journey.ChooseRedirect(journey.RedirectSources{Given: given, Client: m.deps.Info.Client, Seeded: known.Seeded}).URI)
	m.setFocus(0)
	if m.creds.clientID.Value() != "" {
		m.setFocus(1)
	}
}

func (m Model) scopes() []string {
	if c := m.deps.Info.Client; c != nil && len(c.Scopes) > 0 {
		return c.Scopes
	}
	return m.deps.Flows.Known(m.site).Scopes
}

// redirect is the redirect URI in the field, and what it means: a test-only
// loopback URI to register, or paste-back.
func (m Model) redirect() journey.Redirect {
	return journey.ChooseRedirect(journey.RedirectSources{Given: strings.TrimSpace(m.creds.redirect.Value()), Client: m.deps.Info.Client,
		Seeded: m.deps.Flows.Known(m.site).Seeded})
}

func (m Model) redirectURI() string { return m.redirect().URI }

func (m Model) startAuthorize() (tea.Model, tea.Cmd) {
	id, secret := strings.TrimSpace(m.creds.clientID.Value()), strings.TrimSpace(m.creds.secret.Value())
	switch {
	case id == "":
		m.creds.err = "Enter the client ID."
		m.setFocus(0)
		return m, nil
	case secret == "":
		m.creds.err = "Enter the client secret."
		m.setFocus(1)
		return m, nil
	case len(m.scopes()) == 0:
		m.creds.err = "No scopes: list them in " + m.deps.Info.ClientFile + "."
		return m, nil
	}
	if err := integration.CheckRedirectURI(m.redirectURI()); err != nil {
		m.creds.err = "Redirect URI: " + err.Error() + "."
		m.setFocus(2)
		return m, nil
	}
	m.step = stepAuthorize
	m.key = keyState{}
	paste := newPasteState(m.redirect().PasteBack)
	notes := paste.notes
	req := AuthorizeRequest{Site: m.site, ClientID: id, ClientSecret: secret, RedirectURI: m.redirectURI(), Scopes: m.scopes(), Timeout: m.deps.Timeout,
		Pasted: paste.sent, OnIgnored: func(reason string) {
			select {
			case notes <- reason:
			default: // the screen shows the last few; older ones are dropped
			}
		}}
	flows := m.deps.Flows
	var cmd tea.Cmd
	m.auth, cmd = m.startAuth(func(ctx context.Context, onURL func(string)) tea.Msg {
		defer close(paste.done)
		res, err := flows.Authorize(ctx, req, onURL)
		if err != nil {
			return errMsg{stepAuthorize, err}
		}
		return authorizedMsg{res}
	}, func(u string) tea.Msg { return authURLMsg{u} })
	m.auth.paste = paste
	m.sizeInputs()
	return m, tea.Batch(cmd, paste.waitNote())
}

// enterCredentialsStep prefills the inputs from what is known of the site's
// client and focuses the first empty one.
func enterCredentialsStep(m Model) (tea.Model, tea.Cmd) {
	m.enterCredentials()
	m.step = stepCredentials
	return m, textinput.Blink
}

func credentialsKeys(m Model, k KeyMap) KeyMap {
	k.active = []key.Binding{k.Tab, k.Next, k.Back}
	return k
}

func updateCredentials(m Model, msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	k := m.keys
	switch {
	case key.Matches(msg, k.Back):
		m.step = stepSite
	case key.Matches(msg, k.Tab):
		n := len(m.creds.inputs())
		if msg.String() == "shift+tab" {
			m.setFocus((m.creds.focus + n - 1) % n)
		} else {
			m.setFocus((m.creds.focus + 1) % n)
		}
	case key.Matches(msg, k.Next):
		if m.creds.focus == 0 && m.creds.secret.Value() == "" {
			m.setFocus(1)
			return m, nil
		}
		return m.goTo(stepAuthorize)
	default:
		return m.updateInputs(msg)
	}
	return m, nil
}

func credentialsView(m Model, w int) string {
	var b pane
	p := b.line
	p(m.st.Title.Render("3. Client credentials (" + m.site + ")"))
	if u, err := m.deps.Provider.DeveloperPlatformURL(m.site); err == nil {
		p("%s", hanging("", "In "+u+": your app → OAuth & Permissions → New Confidential OAuth Client. Enter:", w, nil))
	}
	if c := m.deps.Info.Client; c != nil {
		p("  name          %s", c.Name)
		for i, u := range c.RedirectURIs {
			label := "  redirect URIs "
			if i > 0 {
				label = "                "
			}
			p("%s", field(label, u, w))
		}
		p("%s", field("  onboarding    ", c.OnboardingURL, w))
		p("%s", field("  scopes        ", strings.Join(c.Scopes, " "), w))
	}
	p("")
	label := func(i int, s string) string {
		if m.creds.focus == i {
			return m.st.Selected.Render("▸ " + s)
		}
		return "  " + s
	}
	p("%s", label(0, "Client ID"))
	p("  %s", m.creds.clientID.View())
	p("%s", label(1, "Client secret"))
	p("  %s", m.creds.secret.View())
	if v := m.creds.secret.Value(); v != "" {
		p("  %s", m.st.Subtle.Render(fmt.Sprintf("%d characters, %s", len(v), secrets.Mask(v))))
	}
	p("%s", label(2, "Redirect URI (for this test)"))
	p("  %s", m.creds.redirect.View())
	switch r := m.redirect(); {
	case r.PasteBack:
		p("%s", m.st.Subtle.Render(hardWrapWords("Paste-back: you paste the address the browser lands on. A live service there may exchange the code first (here: invalid_grant; its log: the callback); a test-only loopback URI avoids it.", w)))
	case r.TestOnly:
		// Real clients register their service's https URIs only: the test
		// client gets a loopback one, for testing, kept out of the files.
		p("%s", m.st.Warn.Render(hardWrapWords("Register the URI above on the TEST client only (never in oauth_clients.json nor the pull request), or give the client's https URI to paste the callback back. It is remembered for this client.", w)))
	}
	if m.creds.err != "" {
		p("%s", m.st.Error.Render(m.creds.err))
	}
	return b.text()
}
