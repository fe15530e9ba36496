package tui

import (
	"context"
	"errors"
	"slices"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/oauthwiz/oauthwiz/flows/apikey"
	"github.com/oauthwiz/oauthwiz/flows/journey"
)

type keyState struct {
	running bool
	result  *apikey.Result
	err     error
	skipped bool
}

func (m Model) startAPIKey() (tea.Model, tea.Cmd) {
	m.step = stepAPIKey
	m.key = keyState{}
	if !slices.Contains(m.auth.result.Granted, "api_keys_write") {
		m.key.skipped = true
		return m, nil
	}
	m.key.running = true
	flows, site, id := m.deps.Flows, m.site, m.creds.clientID.Value()
	return m, tea.Batch(m.spinner.Tick, m.tasks.run(func(ctx context.Context) tea.Msg {
		res, err := flows.CreateAPIKey(ctx, site, id)
		if err != nil {
			return errMsg{stepAPIKey, err}
		}
		return apiKeyMsg{res}
	}))
}

// pending is a key step not started: the wizard resumed here.
func (s keyState) pending() bool {
	return !s.running && !s.skipped && s.result == nil && s.err == nil
}

func apiKeyKeys(m Model, k KeyMap) KeyMap {
	if m.key.pending() {
		k.Next.SetHelp("enter", "create the key")
	}
	if m.key.err != nil {
		k.active = []key.Binding{k.Retry, k.Back}
	} else {
		k.active = []key.Binding{k.Next, k.Back}
	}
	return k
}

func updateAPIKey(m Model, msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	k := m.keys
	switch {
	case m.key.running:
	case m.key.err != nil && key.Matches(msg, k.Retry):
		return m.goTo(stepAPIKey)
	case key.Matches(msg, k.Back):
		m.step = stepAuthorize
	case m.key.pending() && key.Matches(msg, k.Next):
		return m.goTo(stepAPIKey) // resumed here: create it now
	case key.Matches(msg, k.Next):
		return m.goTo(stepSites)
	}
	return m, nil
}

func apiKeyView(m Model, w int) string {
	var b pane
	p := b.line
	p(m.st.Title.Render("5. The integration's API key"))
	switch {
	case m.key.pending():
		// Resumed at this step: authorized earlier, no key stored yet.
		p("Authorized on %s earlier; no API key is stored for it yet.", m.site)
		p("Press enter to create the marketplace API key (it is stored before anything else).")
	case m.key.skipped:
		p("api_keys_write was not granted, so no API key is created.")
		p(m.st.Subtle.Render("Integrations that send metrics, events or logs need it: add it to the client's scopes."))
	case m.key.running:
		p("%s Creating the marketplace API key and storing it first…", m.spinner.View())
	case m.key.err != nil:
		var unstored *journey.UnstoredKeyError
		if errors.As(m.key.err, &unstored) {
			// The only copy: shown once, as 'oauthwiz apikey create' prints it.
			p("%s", m.st.Error.Render("COULD NOT STORE THE API KEY. Save it now, it is never shown again:"))
			p("%s", m.st.Code.Render(hardWrap(unstored.Key, w)))
		}
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
	return b.text()
}
