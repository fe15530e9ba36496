package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// compactBelow is the width under which the sidebar gives way to a
// one-line step indicator: the pane keeps the width a URL needs.
const compactBelow = 90

// layout is how a frame is cut up for the window.
type layout struct {
	compact bool
	width   int // the right pane's
	height  int // lines the pane may take (0: no limit)
}

// valuesBelow: with the sidebar, the value to copy is drawn under both
// panes (see longValue).
func (m Model) valuesBelow() bool { return m.width >= compactBelow }

func (m Model) layout() layout {
	l, _, _ := m.frame()
	return l
}

// frame cuts the window up and draws what that takes once for a View:
// the sidebar ("" when folded) and the footer.
func (m Model) frame() (l layout, side, footer string) {
	l.compact = m.width > 0 && !m.valuesBelow()
	if l.compact {
		l.width = max(20, m.width)
	} else {
		side = m.sidebar(0)
		l.width = m.mainWidthBeside(side)
	}
	footer = m.footer()
	if m.height > 0 {
		// The header, a blank line, (the step line,) a blank line, the
		// footer (the help, and what the last key did).
		used := 3 + lipgloss.Height(footer)
		if l.compact {
			used++
		} else if _, v := m.copyValue(); v != "" && m.width > 0 {
			used += 1 + lipgloss.Height(hardWrap(v, m.width)) // the value under the panes
		}
		l.height = max(3, m.height-used)
	}
	return l, side, footer
}

// longValue shows a value a person copies (a URL): in the pane, or — beside
// the sidebar, where wrapping would put the sidebar between its pieces —
// in full under both panes, with a pointer to it here.
func (m Model) longValue(b *pane, v string, w int) {
	if m.valuesBelow() {
		b.line("%s", m.st.Subtle.Render(hardWrapWords("↓ in full under the panes (c copies it)", w)))
		return
	}
	b.line("%s", m.st.Code.Render(hardWrap(v, w)))
}

// below is the value in focus at the window's full width, under the
// sidebar and the pane ("" when the pane shows it).
func (m Model) below() string {
	if !m.valuesBelow() {
		return ""
	}
	if _, v := m.copyValue(); v != "" {
		return m.st.Code.Render(hardWrap(v, m.width))
	}
	return ""
}

// helpView is the help bar cut to the window: bubbles' help adds the
// item that does not fit when its ellipsis would not fit either.
func (m Model) helpView() string {
	v := m.help.View(m.keyMap())
	if m.width <= 0 {
		return v
	}
	// bubbles ends a bar it had to cut with its (styled) ellipsis (or,
	// where the ellipsis would not fit either, overflows).
	if !m.help.ShowAll && (strings.HasSuffix(strings.TrimRight(ansi.Strip(v), " "), m.help.Ellipsis) || ansi.StringWidth(v) > m.width) {
		// When the bar is too narrow for every key, '? help' (or, in a
		// text field, 'f1 help') stays at its end (the keys cut are in the
		// full help), instead of being the first to go.
		unlimited := m.help
		unlimited.Width = 0
		k := m.keyMap()
		if all := unlimited.View(k); ansi.StringWidth(all) > m.width {
			keys := k.ShortHelp()
			keys = keys[:len(keys)-2] // without Help and Quit, ShortHelp's last two
			tail := m.help.Styles.ShortSeparator.Render(m.help.ShortSeparator) + unlimited.ShortHelpView([]key.Binding{k.Help})
			head := m.help
			head.Width = max(1, m.width-ansi.StringWidth(tail))
			v = ansi.Truncate(head.ShortHelpView(keys), head.Width, "…") + tail
		}
	}
	lines := strings.Split(v, "\n")
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, m.width, "…")
	}
	return strings.Join(lines, "\n")
}

// flashView is what the last key did, above the help bar.
func (m Model) flashView() string {
	w := m.width
	if w <= 0 {
		w = 80
	}
	return m.st.Warn.Render(hardWrapWords(m.flash, w))
}

// footer is the flash line (if any) and the help bar.
func (m Model) footer() string {
	if m.flash == "" {
		return m.helpView()
	}
	return m.flashView() + "\n" + m.helpView()
}

// stepLine is the compact layout's step indicator: the sidebar's row of
// the step (numbers are the pane titles' to give), and how far the
// journey is.
func (m Model) stepLine() string {
	labels, rows := m.journey().labels(m), m.journey().rows(m)
	label := "Summary"
	if i := screens[m.step].Item; m.step != stepSummary && i < len(labels) {
		label = labels[i]
	}
	done := 0
	for _, r := range rows {
		if r.done {
			done++
		}
	}
	return m.st.Current.Render("▸ "+label) + m.st.Subtle.Render(fmt.Sprintf(" · %d of %d steps done", done, len(labels)))
}

// clip keeps the pane's first line (the step's title) and shows as much of
// the rest as fits from the scroll offset, with a line saying what is
// hidden and how to see it.
func (m Model) clip(pane string, l layout) string {
	if l.height == 0 {
		return pane
	}
	lines := strings.Split(pane, "\n")
	if len(lines) <= l.height {
		return pane
	}
	head, body := lines[0], lines[1:]
	room := l.height - 2 // the title and the indicator
	off := min(max(0, m.scroll.offset(m.step)), len(body)-room)
	shown := body[off : off+room]
	var more []string
	if off > 0 {
		more = append(more, fmt.Sprintf("↑ %d above", off))
	}
	if below := len(body) - off - room; below > 0 {
		more = append(more, fmt.Sprintf("↓ %d below", below))
	}
	indicator := m.st.Subtle.Render(strings.Join(more, " · ") + " (pgup/pgdn)")
	return strings.Join(append(append([]string{head}, shown...), indicator), "\n")
}

// paneScroll is the pane's scroll offset, per step (a step entered again
// starts at its top).
type paneScroll struct {
	step step
	off  int
}

func (s paneScroll) offset(at step) int {
	if s.step != at {
		return 0
	}
	return s.off
}

// scrollPane moves the pane on pgup/pgdn (and the arrows where the screen
// has no list) when it overflows; false when the key is not for it.
func (m Model) scrollPane(msg tea.KeyMsg) (Model, bool) {
	arrows := screens[m.step].ArrowsScroll
	byLine := arrows != nil && arrows(m) && !m.typing() && key.Matches(msg, m.keys.Up, m.keys.Down)
	if !byLine && !key.Matches(msg, m.keys.PaneUp, m.keys.PaneDown) || m.step == stepPR && m.pr.previewing() {
		return m, false // the pull request's preview scrolls itself
	}
	room := max(1, m.layout().height-2)
	step := room
	if byLine {
		step = 1
	}
	if !key.Matches(msg, m.keys.PaneDown, m.keys.Down) {
		step = -step
	}
	return m.scrollBy(step)
}

// scrollBy moves a pane taller than the window by delta lines; false when
// it fits (there is nothing to scroll).
func (m Model) scrollBy(delta int) (Model, bool) {
	l := m.layout()
	n := strings.Count(m.pane(l), "\n") + 1
	if l.height == 0 || n <= l.height {
		return m, false
	}
	room := l.height - 2
	off := min(max(0, m.scroll.offset(m.step)+delta), n-1-room)
	m.scroll = paneScroll{step: m.step, off: off}
	return m, true
}

// keepCursorInView scrolls a pane taller than the window just enough for
// the line marked ▸ (a list's cursor, the field in focus) to show, after
// a key moved it or the step and when the window changes: on a clipped
// pane the focused field or the cursor would otherwise be out of sight.
func (m Model) keepCursorInView() Model {
	if arrows := screens[m.step].ArrowsScroll; arrows != nil && arrows(m) || m.doctor.open || m.height <= 0 {
		return m // the arrows scroll this pane, or no window to fit
	}
	l := m.layout()
	lines := strings.Split(m.pane(l), "\n")
	if len(lines) <= l.height {
		return m
	}
	body, room := lines[1:], l.height-2
	for i, line := range body {
		if !strings.HasPrefix(strings.TrimLeft(ansi.Strip(line), " "), "▸") {
			continue
		}
		// The marked line and the one under it (a field's input, a list
		// item's description).
		last := min(i+1, len(body)-1)
		off := m.scroll.offset(m.step)
		switch {
		case i < off:
			off = i
		case last >= off+room:
			off = max(0, last-room+1)
		default:
			return m
		}
		m.scroll = paneScroll{step: m.step, off: off}
		return m
	}
	return m
}

// wheel scrolls with the mouse wheel: the PR preview, else the pane.
func (m Model) wheel(msg tea.MouseMsg) (tea.Model, tea.Cmd) {
	if msg.Action != tea.MouseActionPress || msg.Button != tea.MouseButtonWheelUp && msg.Button != tea.MouseButtonWheelDown {
		return m, nil
	}
	up := msg.Button == tea.MouseButtonWheelUp
	if m.step == stepPR && m.pr.previewing() {
		k := tea.KeyMsg{Type: tea.KeyDown}
		if up {
			k.Type = tea.KeyUp
		}
		vp := m.prPreviewIn(m.layout().width)
		for range 3 {
			vp, _ = vp.Update(k)
		}
		m.pr.offset = vp.YOffset
		return m, nil
	}
	delta := 3
	if up {
		delta = -3
	}
	scrolled, _ := m.scrollBy(delta)
	return scrolled, nil
}

// sizeInputs gives the text inputs the width their pane draws them at.
// bubbles' textinput works out which part of a long value to show when it
// is updated, with the width it has then: with none, a long value ran on
// past its line. Called when the window changes and when inputs are made.
func (m *Model) sizeInputs() {
	if m.width <= 0 {
		return
	}
	w := m.layout().width
	for _, f := range []struct {
		in  *textinput.Model
		pad int // the pane's indent before the field and the cursor's column
	}{{&m.creds.clientID, 6}, {&m.creds.secret, 6}, {&m.creds.redirect, 6}, {&m.app.clientID, 6}, {&m.app.secret, 6}, {&m.app.scopesF, 6}, {&m.auth.paste.input, 4}} {
		f.in.Width = max(1, w-f.pad)
		// The window was worked out for the old width: from the end first,
		// then back to the cursor, so that it is one of the new width.
		pos := f.in.Position()
		f.in.CursorEnd()
		f.in.SetCursor(pos)
	}
}
