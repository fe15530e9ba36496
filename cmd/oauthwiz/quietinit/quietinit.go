// Package quietinit keeps bubbletea v1 from querying the terminal while the
// program's packages initialize.
//
// bubbletea v1's package init (tea_init.go) asks lipgloss whether stdout's
// background is dark; termenv then writes OSC 11 and a cursor-position
// request to stdout's terminal and waits up to 5 s for an answer. A terminal
// that answers neither (a bare pty, some serial consoles) stalls start-up
// there, before any code of ours runs. termenv skips the query when TERM is
// "dumb", so this package sets TERM=dumb in its own init and Restore puts
// the user's TERM back, first thing in main. oauthwiz's colours are fixed
// (tui/styles.go): the answer is never needed.
//
// Why this init runs first: since Go 1.21 the spec fixes the order ("the
// first uninitialized package, in import-path order, whose imports are all
// initialized"). This package imports only syscall, and its path sorts
// before "os", which bubbletea (and everything that reads TERM) imports: it
// is initialized before os, so before bubbletea.
// TestNoTerminalQueryAtStartUp checks it on a pty with stdout on it.
package quietinit

import "syscall"

// masked is the value TERM takes while packages initialize.
const masked = "dumb"

var (
	userTerm   string
	userHasSet bool
	active     bool
)

func init() {
	userTerm, userHasSet = syscall.Getenv("TERM")
	if syscall.Setenv("TERM", masked) == nil {
		active = true
	}
}

// Restore gives TERM back the value the user started the program with (or
// unsets it, as it was). Calling it again does nothing.
func Restore() {
	if !active {
		return
	}
	active = false
	if userHasSet {
		syscall.Setenv("TERM", userTerm)
		return
	}
	syscall.Unsetenv("TERM")
}
