package tui

import "github.com/charmbracelet/bubbles/key"

// KeyMap is the wizard's keys; every screen shows the ones that apply.
type KeyMap struct {
	Up, Down, Next, Back, Tab, Retry, Open, Toggle, Fix, Help, Quit key.Binding
	// Paste opens the authorize screen's paste-back input; SubmitPaste
	// hands what was pasted to the waiting authorization.
	Paste, SubmitPaste key.Binding
	// Scroll moves a preview (the pull request's diff and body); PaneUp
	// and PaneDown scroll a pane taller than the window.
	Scroll, PaneUp, PaneDown key.Binding
	// Copy copies the value in focus (the URL to open, the PR link).
	Copy key.Binding
	// QuitKey is q: it quits like ctrl+c where no text input has the keys.
	QuitKey key.Binding
	// Move shows up/down as one entry in the help; Recheck is r on the checklist.
	Move, Recheck key.Binding
	// The every-site step's actions.
	Import, AuthorizeSite, CheckScopes key.Binding
	// Confirm is y where a step asks before acting; Rebase is b after a
	// push the fork refused; Write and Cancel answer a fix preview.
	Confirm, Rebase, Write, Cancel key.Binding
	// HelpInField is F1: the help where a text field takes '?' as a character.
	HelpInField key.Binding
	// Doctor opens the doctor over any step; Edit and GoTo act on its answer.
	Doctor, Edit, GoTo key.Binding
	// which bindings the current screen uses, and the few its one-line help
	// shows when they do not all fit (nil: all of them)
	active, short []key.Binding
}

// DefaultKeyMap is the wizard's key map.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:            key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:          key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Next:          key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "continue")),
		Back:          key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back/cancel")),
		Tab:           key.NewBinding(key.WithKeys("tab", "shift+tab"), key.WithHelp("tab", "next field")),
		Retry:         key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "retry")),
		Open:          key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "open browser")),
		QuitKey:       key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit (outside a text field)")),
		Copy:          key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy")),
		PaneUp:        key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "scroll up")),
		PaneDown:      key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "scroll down")),
		Scroll:        key.NewBinding(key.WithKeys("up", "down", "k", "j", "pgup", "pgdown"), key.WithHelp("↑/↓/pgdn", "scroll")),
		Paste:         key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "paste the address")),
		SubmitPaste:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "check the pasted address")),
		Toggle:        key.NewBinding(key.WithKeys(" "), key.WithHelp("space", "tick")),
		Fix:           key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "fix")),
		Move:          key.NewBinding(key.WithKeys("up", "down", "k", "j"), key.WithHelp("↑/↓", "choose")),
		Recheck:       key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "re-check")),
		Import:        key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "import")),
		AuthorizeSite: key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "authorize")),
		CheckScopes:   key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "scopes")),
		Confirm:       key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "push & open PR")),
		Rebase:        key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "rebase & push")),
		Write:         key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "write")),
		Cancel:        key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n", "cancel")),
		Doctor:        key.NewBinding(key.WithKeys("ctrl+t"), key.WithHelp("ctrl+t", "doctor: explain an error")),
		Edit:          key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "edit the text")),
		GoTo:          key.NewBinding(key.WithKeys("g"), key.WithHelp("g", "go to that step")),
		Help:          key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		HelpInField:   key.NewBinding(key.WithKeys("f1"), key.WithHelp("f1", "help")),
		Quit:          key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
	}
}

// ShortHelp implements help.KeyMap.
func (k KeyMap) ShortHelp() []key.Binding {
	shown := k.active
	if k.short != nil {
		shown = k.short
	}
	return append(append([]key.Binding{}, shown...), k.Help, k.Quit)
}

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{k.active, {k.Doctor, k.Help, k.Quit, k.QuitKey}}
}
