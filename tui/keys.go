package tui

import "github.com/charmbracelet/bubbles/key"

// KeyMap is the wizard's keys; every screen shows the ones that apply.
type KeyMap struct {
	Up, Down, Next, Back, Tab, Retry, Open, Help, Quit key.Binding
	// which bindings the current screen uses
	active []key.Binding
}

// DefaultKeyMap is the wizard's key map.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:    key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:  key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Next:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "continue")),
		Back:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back/cancel")),
		Tab:   key.NewBinding(key.WithKeys("tab", "shift+tab"), key.WithHelp("tab", "next field")),
		Retry: key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "retry")),
		Open:  key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "open browser")),
		Help:  key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:  key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
	}
}

// ShortHelp implements help.KeyMap.
func (k KeyMap) ShortHelp() []key.Binding {
	return append(append([]key.Binding{}, k.active...), k.Help, k.Quit)
}

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{k.active, {k.Help, k.Quit}}
}
