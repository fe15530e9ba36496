package tui

import (
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/oauthwiz/oauthwiz/flows/integration"
)

// The first two screens: the publication case (or another platform), and
// the site to test on first. Both are lists.

func integrationKeys(m Model, k KeyMap) KeyMap {
	k.active = []key.Binding{k.Move, k.Next, k.Back}
	return k
}

func updateIntegration(m Model, msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	k := m.keys
	m.caseList.cursor = m.moveCursor(msg, m.caseList.cursor, m.firstStepItems())
	if key.Matches(msg, k.Next) && m.caseList.cursor == len(integration.Cases) {
		return m.goTo(stepAppCredentials)
	}
	if key.Matches(msg, k.Next) {
		m.caseChosen = integration.Cases[m.caseList.cursor].Case
		m.step = stepSite
		flows, c := m.deps.Flows, m.caseChosen
		return m, func() tea.Msg { _ = flows.SaveCase(c); return nil }
	}
	return m, nil
}

func updateSite(m Model, msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	k := m.keys
	m.siteList.cursor = m.moveCursor(msg, m.siteList.cursor, len(m.siteList.sites))
	switch {
	case key.Matches(msg, k.Back):
		m.step = stepIntegration
	case key.Matches(msg, k.Next):
		m.site = m.siteList.sites[m.siteList.cursor].ID
		return m.goTo(stepCredentials)
	}
	return m, nil
}

func integrationView(m Model, w int) string {
	var b pane
	p := b.line
	p(m.st.Title.Render("1. The integration"))
	info := m.deps.Info
	p("%s", field("Folder: ", info.Dir, w)) // whole: it says which integration this is
	p("Name:   %s", info.Name)
	if info.Client != nil {
		p("Client: %s (%d scopes) in %s", info.Client.Name, len(info.Client.Scopes), "assets/oauth_clients.json")
	} else {
		p(m.st.Warn.Render("No assets/oauth_clients.json yet: the wizard will ask for everything."))
	}
	p("")
	p("Which case is this?")
	if why := m.deps.DefaultCaseWhy; why != "" {
		p("%s", m.st.Subtle.Render(hardWrapWords("Proposed: "+string(m.deps.DefaultCase)+" ("+why+")", w)))
	}
	for i, c := range integration.Cases {
		line := "  " + c.Title
		if i == m.caseList.cursor {
			line = m.st.Selected.Render("▸ " + c.Title)
		}
		p("%s", line)
		p("    %s", m.st.Subtle.Render(c.Note))
	}
	if a := m.deps.App; a != nil {
		title := "Another platform: " + a.Platform.Title() + " (a scoped OAuth app)"
		if m.caseList.cursor == len(integration.Cases) {
			p("%s", m.st.Selected.Render("▸ "+title))
		} else {
			p("  %s", title)
		}
	}
	return b.text()
}

func siteView(m Model, w int) string {
	var b pane
	p := b.line
	p(m.st.Title.Render("2. The site to test on first"))
	p("A test client works only on its own site.")
	p("")
	for i, s := range m.siteList.sites {
		note := s.AppHost
		if !s.OAuthDocumented {
			note += " · OAuth undocumented"
		}
		line := fmt.Sprintf("  %-8s %s", s.ID, m.st.Subtle.Render(note))
		if i == m.siteList.cursor {
			line = m.st.Selected.Render(fmt.Sprintf("▸ %-8s %s", s.ID, note))
		}
		p("%s", line)
	}
	return b.text()
}
