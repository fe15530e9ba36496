package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/oauthwiz/oauthwiz/assets"
	"github.com/oauthwiz/oauthwiz/flows/termsafe"
	"github.com/oauthwiz/oauthwiz/flows/words"
)

// truncate cuts s to n columns, ending in "…" when it was longer; it
// measures what shows (wide characters count two, colours nothing) and
// never cuts inside an escape sequence.
func truncate(s string, n int) string { return ansi.Truncate(s, max(1, n), "…") }

// hardWrap breaks a long token such as a URL into lines of w columns,
// by characters (never inside one) and by their width.
func hardWrap(s string, w int) string {
	if w <= 0 || ansi.StringWidth(s) <= w {
		return s
	}
	var parts []string
	for s != "" {
		var head string
		head, s = cutWidth(s, w)
		parts = append(parts, head)
	}
	return strings.Join(parts, "\n")
}

// diffView draws a unified diff's lines for a pane w columns wide: each
// made safe for the terminal, coloured by its mark (added, removed) and
// wrapped whole, its continuations marked "↪" in the mark column, so that a
// wrapped added line does not read as unchanged context.
func (m Model) diffView(diff string, w int) []string {
	var out []string
	for _, l := range strings.Split(strings.TrimRight(diff, "\n"), "\n") {
		l = termsafe.Text(l)
		style := m.st.Subtle
		switch {
		case strings.HasPrefix(l, "+"):
			style = m.st.Done
		case strings.HasPrefix(l, "-"):
			style = m.st.Error
		}
		if w > 2 && ansi.StringWidth(l) > w {
			mark, rest := l[:1], l[1:]
			parts := strings.Split(hardWrap(rest, w-1), "\n")
			for i := range parts {
				if i == 0 {
					parts[i] = mark + parts[i]
				} else {
					parts[i] = "↪" + parts[i]
				}
			}
			l = strings.Join(parts, "\n")
		}
		for _, part := range strings.Split(l, "\n") {
			out = append(out, style.Render(part))
		}
	}
	return out
}

func (m Model) errorView(b *pane, err error, w int) {
	m.errorViewWith(b, err, w, assets.Diagnose)
}

// errorViewWith shows an error with a platform's troubleshooting catalog.
func (m Model) errorViewWith(b *pane, err error, w int, diagnose func(string) []assets.Trouble) {
	if errors.Is(err, context.Canceled) {
		// esc stopped it: said in words, not as Go's "context canceled".
		fmt.Fprintln(b, m.st.Warn.Render(hardWrapWords("Stopped, as you asked: nothing more was sent, and what the step had created was cleaned up.", w)))
		fmt.Fprintln(b, "Press r to start it again, or esc to go back.")
		return
	}
	fmt.Fprintln(b, m.st.Error.Render("✗ ")+hardWrapWords(err.Error(), w-2))
	for i, t := range diagnose(err.Error()) {
		if i == 1 {
			break
		}
		fmt.Fprintln(b)
		fmt.Fprintln(b, m.st.Key.Render(t.Title))
		fmt.Fprintln(b, lipgloss.NewStyle().Width(w).Render("What it means: "+t.Meaning))
		fmt.Fprintln(b, lipgloss.NewStyle().Width(w).Render("What to do: "+t.Fix))
	}
	fmt.Fprintln(b, m.st.Faint.Render(hardWrapWords("Another message on the page or in a log? ctrl+t opens the doctor.", w)))
}

// field is "label value" with the value whole — wrapped under itself,
// never cut: it is what a person copies (a URI, an ID, scopes).
func field(label, value string, w int) string { return hanging(label, value, w, nil) }

// wrapWords fills lines of at most w columns with text's words, breaking
// only at spaces (x/ansi's wrappers also break after hyphens, which splits
// an app_uuid); a word wider than a line is cut into lines of w.
func wrapWords(text string, w int) []string {
	w = max(2, w)
	var lines []string
	cur := ""
	for _, word := range strings.Fields(text) {
		for ansi.StringWidth(word) > w {
			if cur != "" {
				lines, cur = append(lines, cur), ""
			}
			head, rest := cutWidth(word, w)
			lines, word = append(lines, head), rest
		}
		switch {
		case word == "":
		case cur == "":
			cur = word
		case ansi.StringWidth(cur)+1+ansi.StringWidth(word) <= w:
			cur += " " + word
		default:
			lines, cur = append(lines, cur), word
		}
	}
	return append(lines, cur)
}

// cutWidth splits s after as many characters as fit in w columns, at
// least one (a character wider than the line goes alone).
func cutWidth(s string, w int) (head, rest string) {
	end, width := 0, 0
	for end < len(s) {
		r, size := utf8.DecodeRuneInString(s[end:])
		rw := ansi.StringWidth(string(r))
		if end > 0 && width+rw > w {
			break
		}
		width += rw
		end += size
	}
	return s[:end], s[end:]
}

// hanging writes text after label, word-wrapped to w columns (a word
// longer than a line is broken), its continuation lines indented to where
// the text starts; render, when not nil, colours the text's lines.
func hanging(label, text string, w int, render func(...string) string) string {
	pad := ansi.StringWidth(label)
	lines := wrapWords(text, max(10, w-pad))
	for i, l := range lines {
		if render != nil {
			l = render(l)
		}
		if i == 0 {
			lines[i] = label + l
		} else {
			lines[i] = strings.Repeat(" ", pad) + l
		}
	}
	return strings.Join(lines, "\n")
}

// hardWrapWords wraps prose to w columns at spaces only (a branch name,
// a command, a URL in a sentence stay whole, where x/ansi's wrappers break
// after hyphens), keeping the text's own line breaks and, on a wrapped
// line's continuations, its indent.
func hardWrapWords(s string, w int) string {
	w = max(10, w)
	var out []string
	for _, line := range strings.Split(s, "\n") {
		if ansi.StringWidth(line) <= w {
			out = append(out, line)
			continue
		}
		rest := strings.TrimLeft(line, " ")
		indent := line[:len(line)-len(rest)]
		if w-len(indent) < 10 {
			indent = "" // no room to keep it: hanging's lines are 10 wide at least
		}
		out = append(out, hanging(indent, rest, w, nil))
	}
	return strings.Join(out, "\n")
}

func fmtDuration(d time.Duration) string { return words.Minutes(d) }

// pane is a screen's right-hand text, written line by line.
type pane struct{ strings.Builder }

// line writes one line.
func (p *pane) line(format string, args ...any) { fmt.Fprintf(p, format+"\n", args...) }

// text is what was written, without the last line's end.
func (p *pane) text() string { return strings.TrimRight(p.String(), "\n") }
