package tui

import (
	"context"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/oauthwiz/oauthwiz/flows/journey"
	"github.com/oauthwiz/oauthwiz/flows/secrets"
)

func (m *Model) setFocus(i int) {
	m.creds.focus = i
	if i == 0 {
		m.creds.clientID.Focus()
		m.creds.secret.Blur()
	} else {
		m.creds.secret.Focus()
		m.creds.clientID.Blur()
	}
}

func (m Model) updateInputs(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	if m.creds.focus == 0 {
		m.creds.clientID, cmd = m.creds.clientID.Update(msg)
	} else {
		m.creds.secret, cmd = m.creds.secret.Update(msg)
	}
	m.creds.err = ""
	return m, cmd
}

// enterCredentials prefills the inputs from what is known: the sandbox's
// client, or the client ID and secret stored by an earlier run.
func (m *Model) enterCredentials() {
	known := m.deps.Flows.Known(m.site)
	m.creds.clientID.SetValue(known.ClientID)
	m.creds.secret.SetValue(known.ClientSecret)
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

// TestRedirectURI: see journey.TestRedirectURI.
const TestRedirectURI = journey.TestRedirectURI

func (m Model) redirectURI() string {
	if m.deps.RedirectURI != "" {
		return m.deps.RedirectURI
	}
	if u := m.deps.Info.Client.LoopbackRedirect(); u != "" {
		return u
	}
	return TestRedirectURI
}

// testOnlyRedirect is true when the redirect URI is one the client file
// does not hold: the person registers it on the test client.
func (m Model) testOnlyRedirect() bool {
	return m.deps.RedirectURI == "" && m.deps.Info.Client.LoopbackRedirect() == ""
}

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
		m.setFocus(1 - m.creds.focus)
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
	if m.testOnlyRedirect() {
		// Real clients register their service's https URIs only: the test
		// client gets a loopback one, for testing, kept out of the files.
		p("%s", m.st.Warn.Render(hardWrapWords("No loopback redirect URI in the client file: on the TEST client also register (test only, never in oauth_clients.json nor the pull request):", w)))
		p("  %s", m.st.Code.Render(TestRedirectURI))
	}
	p("")
	label := func(i int, s string) string {
		if m.creds.focus == i {
			return m.st.Selected.Render("▸ " + s)
		}
		return "  " + s
	}
	m.creds.clientID.Width, m.creds.secret.Width = w-6, w-6
	p("%s", label(0, "Client ID"))
	p("  %s", m.creds.clientID.View())
	p("%s", label(1, "Client secret"))
	p("  %s", m.creds.secret.View())
	if v := m.creds.secret.Value(); v != "" {
		p("  %s", m.st.Subtle.Render(fmt.Sprintf("%d characters, %s", len(v), secrets.Mask(v))))
	}
	if m.creds.err != "" {
		p("%s", m.st.Error.Render(m.creds.err))
	}
	return b.text()
}
