package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textarea"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/oauthwiz/oauthwiz/assets"
)

// doctorState is the doctor screen, opened over any step with ctrl+t: paste
// an error message, get the catalog's diagnosis and go to the step it names.
type doctorState struct {
	open   bool
	from   step // the step to come back to on esc
	input  textarea.Model
	found  []assets.Trouble
	judged bool // the text was diagnosed (found may still be empty)
}

// troubleSteps maps the catalog's "step" names to the wizard's steps.
var troubleSteps = map[string]step{
	"client": stepCredentials, "authorize": stepAuthorize, "apikey": stepAPIKey,
	"sites": stepSites, "scopes": stepSites, "checks": stepChecks, "pr": stepPR, "publish": stepPublish,
}

func newDoctorInput() textarea.Model {
	in := textarea.New()
	in.Placeholder = "paste the error message (a browser page, a terminal, a log line)"
	in.CharLimit = 64 << 10 // whole pages of output are pasted
	in.ShowLineNumbers = false
	in.SetHeight(4)
	in.Prompt = "│ "
	return in
}

func (m Model) openDoctor() (tea.Model, tea.Cmd) {
	m.doctor.open, m.doctor.from, m.doctor.judged, m.doctor.found = true, m.step, false, nil
	m.doctor.input.Reset()
	m.doctor.input.SetWidth(max(20, m.width-30))
	m.showHelp, m.help.ShowAll = false, false
	return m, m.doctor.input.Focus()
}

// appTroubleSteps maps the catalog's "step" names to an app journey's steps.
var appTroubleSteps = map[string]step{"client": stepAppCredentials, "authorize": stepAppAuthorize, "scopes": stepAppScopes}

// doctorStep is the step the first diagnosis sends the user back to.
func (d doctorState) doctorStep() (step, bool) {
	if len(d.found) == 0 {
		return 0, false
	}
	s, ok := troubleSteps[d.found[0].Step]
	return s, ok
}

// stepLabel is the sidebar name of the step a catalog entry names.
func (m Model) stepLabel(name string) (string, bool) {
	steps := troubleSteps
	if m.inApp() {
		steps = appTroubleSteps
	}
	s, ok := steps[name]
	return m.journey().labels(m)[journeyIndex(s)], ok
}

// doctorKeys are the doctor's keys: enter diagnoses the pasted text (? is
// typed into it: F1 is the help there), then g goes to the step the
// diagnosis names.
func (m Model) doctorKeys(k KeyMap) KeyMap {
	k.Back.SetHelp("esc", "close")
	switch _, ok := m.doctor.doctorStep(); {
	case !m.doctor.judged:
		k.Next.SetHelp("enter", "diagnose")
		k.active = []key.Binding{k.Next, k.Back}
	case ok:
		k.active = []key.Binding{k.GoTo, k.Edit, k.Back}
	default:
		k.active = []key.Binding{k.Edit, k.Back}
	}
	return k
}

func (m Model) updateDoctor(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	k := m.keys
	d := &m.doctor
	if !d.judged {
		switch {
		case key.Matches(msg, k.Back):
			d.open = false
			return m, nil
		case key.Matches(msg, k.Next) && !msg.Paste:
			if strings.TrimSpace(d.input.Value()) == "" {
				return m, nil
			}
			d.found, d.judged = m.diagnose(d.input.Value()), true
			d.input.Blur()
			return m, nil
		}
		var cmd tea.Cmd
		d.input, cmd = d.input.Update(msg)
		return m, cmd
	}
	switch {
	case key.Matches(msg, k.Back):
		d.open = false
	case key.Matches(msg, k.Edit):
		d.judged = false
		return m, d.input.Focus()
	case key.Matches(msg, k.GoTo):
		if m.inApp() && len(d.found) > 0 {
			if s, ok := appTroubleSteps[d.found[0].Step]; ok && (s != stepAppScopes || m.app.auth.result != nil) {
				d.open = false
				if m.app.auth.running {
					m.app.auth.cancel()
				}
				m.step = s
			}
			return m, nil
		}
		target, ok := d.doctorStep()
		if !ok {
			return m, nil
		}
		d.open = false
		return m.goToStep(target)
	}
	return m, nil
}

// diagnose uses the catalog of the platform the journey is on.
func (m Model) diagnose(text string) []assets.Trouble {
	if m.inApp() {
		return m.deps.App.Platform.Diagnose(text)
	}
	return assets.Diagnose(text)
}

// goToStep takes the wizard back to a step the doctor named.
func (m Model) goToStep(s step) (tea.Model, tea.Cmd) {
	if m.auth.running && m.auth.cancel != nil {
		m.auth.cancel()
	}
	if s >= stepCredentials && m.site == "" {
		s = stepSite // a site comes first
	}
	m.step = s
	if s == stepCredentials {
		m.enterCredentials()
		return m, textarea.Blink
	}
	return m, nil
}

func (m Model) doctorView(w int) string {
	var b pane
	p := b.line
	d := m.doctor
	p("%s", m.st.Key.Render("Doctor"))
	p("%s", hardWrapWords("Paste the error message you saw and press enter: the troubleshooting catalog says what it means, what to do and which step to go back to.", w))
	p("")
	if !d.judged {
		p("%s", d.input.View())
		return b.text()
	}
	p("%s", m.st.Faint.Render(truncate(strings.Join(strings.Fields(d.input.Value()), " "), max(10, w))))
	p("")
	if len(d.found) == 0 {
		p("%s", hardWrapWords("No known OAuth failure matches this text. Known symptoms: "+strings.Join(assets.Symptoms(), "; ")+".", w))
		return b.text()
	}
	for i, t := range d.found {
		if i == 2 {
			p("%s", m.st.Faint.Render(fmt.Sprintf("(%d more: oauthwiz doctor lists them all)", len(d.found)-2)))
			break
		}
		p("%s", m.st.Key.Render(t.Title))
		p("%s", lipgloss.NewStyle().Width(w).Render("What it means: "+t.Meaning))
		p("%s", lipgloss.NewStyle().Width(w).Render("What to do: "+t.Fix))
		if label, ok := m.stepLabel(t.Step); ok {
			p("Go back to: %s", label)
		}
		p("")
	}
	return b.text()
}
