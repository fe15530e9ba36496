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

// screen is one step of the wizard, as a value of its functions: Init (run
// when the step is entered going forward), Keys (what the help bar shows,
// a help.KeyMap, declared beside the code that handles them, so the two
// cannot disagree), Update, View, Busy, and Line (the step as line prompts).
type screen struct {
	Item   int                                                // the step's row in its journey's sidebar
	Keys   func(m Model, k KeyMap) KeyMap                     // the keys it takes now
	Update func(m Model, msg tea.KeyMsg) (tea.Model, tea.Cmd) // what a key does
	View   func(m Model, w int) string                        // the right pane
	Busy   func(m Model) bool                                 // a task of the screen runs (the spinner turns)
	Typing func(m Model) bool                                 // a text input takes the keys: ? is typed, not help
	Line   func(r *lineRun) error                             // the step as line prompts (accessible mode)
	Init   func(m Model) (tea.Model, tea.Cmd)                 // on entering the step going forward (its Init)
	// Primary is, in the demo, the key Enter stands for now and what the
	// help bar calls it ("" when Enter continues as usual); see demo.go.
	Primary func(m *Model) (key, what string)
	// Copy is the value in focus that c copies (and that is drawn under
	// the panes beside the sidebar): what it is, and the value ("": none).
	Copy func(m Model) (what, value string)
	// ArrowsScroll: the screen shows no list nor text field now, so the
	// arrows (and k/j) scroll a pane taller than the window (nil: never).
	ArrowsScroll func(m Model) bool
}

func always(Model) bool { return true }

// typing is true when a text input takes the keys.
func (m Model) typing() bool {
	if m.doctor.open {
		return !m.doctor.judged // its text field has the keys
	}
	t := screens[m.step].Typing
	return t != nil && t(m)
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
		stepIntegration:    {Item: 0, Line: lineIntegration, Keys: integrationKeys, Update: updateIntegration, View: integrationView},
		stepSite:           {Item: 1, Line: lineSite, Keys: integrationKeys, Update: updateSite, View: siteView},
		stepCredentials:    {Item: 1, Init: enterCredentialsStep, Line: lineCredentials, Keys: credentialsKeys, Update: updateCredentials, View: credentialsView, Typing: always},
		stepAuthorize:      {Item: 2, Init: Model.startAuthorize, Line: lineAuthorize, Keys: authorizeKeys, Update: updateAuthorize, View: authorizeView, Busy: func(m Model) bool { return m.auth.running }, Typing: func(m Model) bool { return m.auth.running && m.auth.paste.open }, Copy: copyAuthorize, ArrowsScroll: always},
		stepAPIKey:         {Item: 3, Init: Model.startAPIKey, Line: lineAPIKey, Keys: apiKeyKeys, Update: updateAPIKey, View: apiKeyView, Busy: func(m Model) bool { return m.key.running }, ArrowsScroll: always},
		stepSites:          {Item: 4, Init: Model.startSites, Line: lineSites, Keys: sitesKeys, Update: Model.updateSites, View: Model.sitesView, Busy: func(m Model) bool { return m.every.busy != "" }, Primary: sitesPrimary, Copy: copySites},
		stepChecks:         {Item: 6, Init: Model.startChecks, Line: lineChecks, Keys: checksKeys, Update: Model.updateChecks, View: Model.checklistView, Busy: func(m Model) bool { return m.check.running }, Primary: checksPrimary, ArrowsScroll: func(m Model) bool { return m.check.plan != nil }},
		stepPR:             {Item: 7, Init: Model.startPR, Line: linePR, Keys: prKeys, Update: Model.updatePR, View: Model.prView, Busy: func(m Model) bool { return m.pr.running }, Primary: prPrimary, Copy: copyPR, ArrowsScroll: always},
		stepPublish:        {Item: 8, Init: Model.startPublish, Line: linePublish, Keys: publishKeys, Update: Model.updatePublish, View: Model.publishView, Busy: func(m Model) bool { return m.publish.running }, Primary: publishPrimary, Copy: copyPublish, ArrowsScroll: always},
		stepSummary:        {Item: 9, Keys: summaryKeys, Update: updateSummaryBackTo(stepPublish), View: summaryView, ArrowsScroll: always},
		stepAppCredentials: {Item: 1, Init: Model.enterApp, Line: lineAppCredentials, Keys: appCredentialsKeys, Update: updateAppCredentials, View: appCredentialsView, Typing: always},
		stepAppAuthorize:   {Item: 2, Init: Model.startAppAuthorize, Line: lineAppAuthorize, Keys: appAuthorizeKeys, Update: updateAppAuthorize, View: appAuthorizeView, Busy: func(m Model) bool { return m.app.auth.running }, Copy: copyAppAuthorize, ArrowsScroll: always},
		stepAppScopes:      {Item: 3, Init: Model.startAppScopes, Line: lineAppScopes, Keys: appScopesKeys, Update: updateAppScopes, View: appScopesView, Busy: func(m Model) bool { return m.app.checkRunning }, ArrowsScroll: always},
		stepAppSummary:     {Item: 4, Keys: appSummaryKeys, Update: updateSummaryBackTo(stepAppScopes), View: appSummaryView, ArrowsScroll: always},
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
	if enter := screens[s].Init; enter != nil {
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
		if s.Busy != nil && s.Busy(m) {
			return true
		}
	}
	return false
}

// journeyIndex is the sidebar row of a step.
func journeyIndex(s step) int { return screens[s].Item }
