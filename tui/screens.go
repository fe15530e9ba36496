package tui

import (
	tea "github.com/charmbracelet/bubbletea"
)

type step int

// The wizard's steps: the Datadog journey, then an app's (PagerDuty).
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

	stepAppCredentials
	stepAppAuthorize
	stepAppScopes
	stepAppSummary
)

// screen is one step of the wizard. Its keys (what the help bar shows) are
// declared beside the code that handles them, so the two cannot disagree.
type screen struct {
	item   int                                                // the step's row in its journey's sidebar
	keys   func(m Model, k KeyMap) KeyMap                     // the keys it takes now
	update func(m Model, msg tea.KeyMsg) (tea.Model, tea.Cmd) // what a key does
	view   func(m Model, w int) string                        // the right pane
	busy   func(m Model) bool                                 // a task of the screen runs (the spinner turns)
	typing bool                                               // a text input takes the keys: ? is typed, not help
	line   func(r *lineRun) error                             // the step as line prompts (accessible mode)
	enter  func(m Model) (tea.Model, tea.Cmd)                 // on entering the step going forward (its Init)
}

// The journeys' steps in order, as accessible mode walks them.
var (
	datadogSteps = []step{stepIntegration, stepSite, stepCredentials, stepAuthorize, stepAPIKey, stepSites, stepChecks, stepPR, stepPublish}
	appSteps     = []step{stepAppCredentials, stepAppAuthorize, stepAppScopes}
)

// screens are the steps of both journeys. A new step is a screen file and
// a row here (and its place in a journey table below). It is filled in
// init: screens refer to each other through the table.
var screens map[step]screen

func init() {
	screens = map[step]screen{
		stepIntegration:    {item: 0, line: lineIntegration, keys: integrationKeys, update: updateIntegration, view: integrationView},
		stepSite:           {item: 1, line: lineSite, keys: integrationKeys, update: updateSite, view: siteView},
		stepCredentials:    {item: 1, enter: enterCredentialsStep, line: lineCredentials, keys: credentialsKeys, update: updateCredentials, view: credentialsView, typing: true},
		stepAuthorize:      {item: 2, enter: Model.startAuthorize, line: lineAuthorize, keys: authorizeKeys, update: updateAuthorize, view: authorizeView, busy: func(m Model) bool { return m.auth.running }},
		stepAPIKey:         {item: 3, enter: Model.startAPIKey, line: lineAPIKey, keys: apiKeyKeys, update: updateAPIKey, view: apiKeyView, busy: func(m Model) bool { return m.key.running }},
		stepSites:          {item: 4, enter: Model.startSites, line: lineSites, keys: sitesKeys, update: Model.updateSites, view: Model.sitesView, busy: func(m Model) bool { return m.every.busy != "" }},
		stepChecks:         {item: 6, enter: Model.startChecks, line: lineChecks, keys: checksKeys, update: Model.updateChecks, view: Model.checklistView, busy: func(m Model) bool { return m.check.running }},
		stepPR:             {item: 7, enter: Model.startPR, line: linePR, keys: prKeys, update: Model.updatePR, view: Model.prView, busy: func(m Model) bool { return m.pr.running }},
		stepPublish:        {item: 8, enter: Model.startPublish, line: linePublish, keys: publishKeys, update: Model.updatePublish, view: Model.publishView, busy: func(m Model) bool { return m.publish.running }},
		stepSummary:        {item: 9, keys: summaryKeys, update: updateSummary, view: summaryView},
		stepAppCredentials: {item: 1, enter: Model.enterApp, line: lineAppCredentials, keys: appCredentialsKeys, update: updateAppCredentials, view: appCredentialsView, typing: true},
		stepAppAuthorize:   {item: 2, enter: Model.startAppAuthorize, line: lineAppAuthorize, keys: appAuthorizeKeys, update: updateAppAuthorize, view: appAuthorizeView, busy: func(m Model) bool { return m.app.auth.running }},
		stepAppScopes:      {item: 3, enter: Model.startAppScopes, line: lineAppScopes, keys: appScopesKeys, update: updateAppScopes, view: appScopesView, busy: func(m Model) bool { return m.app.checkRunning }},
		stepAppSummary:     {item: 4, keys: appSummaryKeys, update: updateAppSummary, view: appSummaryView},
	}
}

// journeyTable is a platform's journey as the wizard shows it: its title,
// its sidebar, and the status of each sidebar row.
type journeyTable struct {
	title  func(m Model) string
	labels func(m Model) []string
	rows   func(m Model) []row
}

// journey is the journey the wizard is on.
func (m Model) journey() journeyTable {
	if m.inApp() {
		return journeyTable{
			title:  func(m Model) string { return "test a " + m.deps.App.Platform.Title() + " OAuth app" },
			labels: func(Model) []string { return AppJourney },
			rows:   Model.appRows,
		}
	}
	return journeyTable{
		title:  func(Model) string { return "publish a Datadog OAuth client" },
		labels: func(Model) []string { return journeyLabels() },
		rows:   Model.stepRows,
	}
}

// goTo enters a step going forward: its screen's enter (Init) runs.
func (m Model) goTo(s step) (tea.Model, tea.Cmd) {
	if enter := screens[s].enter; enter != nil {
		return enter(m)
	}
	m.step = s
	return m, nil
}

// inApp is true on an app's journey (another platform than Datadog).
func (m Model) inApp() bool { return m.step >= stepAppCredentials }

// busy is true while any step's task runs: the spinner turns.
func (m Model) busy() bool {
	for _, s := range screens {
		if s.busy != nil && s.busy(m) {
			return true
		}
	}
	return false
}

// journeyIndex is the sidebar row of a step.
func journeyIndex(s step) int { return screens[s].item }
