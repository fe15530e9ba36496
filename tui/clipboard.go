package tui

import (
	"encoding/base64"
	"fmt"
	"io"

	"github.com/atotto/clipboard"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// OSC52 copies text to the terminal's clipboard with the OSC 52 escape
// sequence, written to the UI's output: it works over SSH and in most
// terminals (tmux needs 'set -g set-clipboard on').
func OSC52(out io.Writer) func(string) error {
	return func(s string) error {
		_, err := fmt.Fprintf(out, "\x1b]52;c;%s\a", base64.StdEncoding.EncodeToString([]byte(s)))
		return err
	}
}

// Clipboard copies with OSC 52 on out and, where the machine has one (a
// local session with xclip, xsel, wl-copy or pbcopy), to the system
// clipboard as well: OSC 52 reaches the person's terminal over SSH, the
// library covers terminals that ignore OSC 52. An error only when both
// failed.
func Clipboard(out io.Writer) func(string) error {
	osc := OSC52(out)
	return func(s string) error {
		err := osc(s)
		if clipboard.Unsupported {
			return err
		}
		if lerr := clipboard.WriteAll(s); lerr != nil && err != nil {
			return fmt.Errorf("%v; the system clipboard: %v", err, lerr)
		}
		return nil
	}
}

// flashMsg is a one-line report of a key's effect (copied, not opened).
type flashMsg struct{ text string }

// copyValue is the value in focus on the screen, what a person copies
// ("" when there is none): the URL to open, the redirect URI to register,
// the pull request link to paste into the publishing form.
func (m Model) copyValue() (what, value string) {
	if c := screens[m.step].Copy; c != nil {
		return c(m)
	}
	return "", ""
}

// The screens' values in focus (their Copy column).

func authorizeURLWhile(running bool, url string) (string, string) {
	if running && url != "" {
		return "the authorize URL", url
	}
	return "", ""
}

func copyAuthorize(m Model) (string, string) { return authorizeURLWhile(m.auth.running, m.auth.url) }

func copyAppAuthorize(m Model) (string, string) {
	return authorizeURLWhile(m.app.auth.running, m.app.auth.url)
}

func copySites(m Model) (string, string) { return authorizeURLWhile(m.every.busy != "", m.every.url) }

func copyPR(m Model) (string, string) {
	if p := m.pr.done; p != nil && p.PullRequest != nil {
		return "the pull request link", p.PullRequest.URL
	}
	return "", ""
}

// copyPublish: the re-test's authorize URL while it waits, else the pull
// request link to paste into the publishing form.
func copyPublish(m Model) (string, string) {
	if what, v := authorizeURLWhile(m.publish.running, m.publish.url); v != "" {
		return what, v
	}
	return copyPR(m)
}

// copyKey copies the value in focus; false when c is not for it (a text
// input has the keys, or nothing is in focus).
func (m Model) copyKey(msg tea.KeyMsg) (tea.Cmd, bool) {
	if !key.Matches(msg, m.keys.Copy) || m.typing() {
		return nil, false
	}
	what, value := m.copyValue()
	if value == "" {
		return nil, false
	}
	copyTo := m.deps.Copy
	return func() tea.Msg {
		if copyTo == nil {
			return flashMsg{"This terminal has no clipboard oauthwiz can reach: select " + what + " with the mouse."}
		}
		if err := copyTo(value); err != nil {
			return flashMsg{"Could not copy " + what + ": " + err.Error()}
		}
		return flashMsg{"Copied " + what + " (to the terminal with OSC 52 — in tmux, set-clipboard must be on — and to the system clipboard where there is one)."}
	}, true
}

// openCmd opens a URL in the browser, and says so when it cannot: the
// person copies it instead (c).
func openCmd(d Deps, u string) tea.Cmd {
	open := d.OpenBrowser
	return func() tea.Msg {
		if open == nil {
			return flashMsg{"No browser can be opened from here: press c to copy the URL, or select it."}
		}
		if err := open(u); err != nil {
			return flashMsg{"The browser did not open (" + err.Error() + "): press c to copy the URL."}
		}
		return flashMsg{"Opened the URL in your browser."}
	}
}
