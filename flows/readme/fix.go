package readme

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"
)

// UninstallHeading is the canonical heading, an H2 whose anchor is
// README.md#Uninstallation.
const UninstallHeading = "## Uninstallation"

// ErrNoSetup means the README has no "## Setup" section to place the
// uninstallation section after.
var ErrNoSetup = errors.New("the README has no '## Setup' section: add it first (rule readme/setup-missing)")

// APIKeysPath is the relative link to the API Keys page filtered on a name.
func APIKeysPath(title string) string {
	return "/organization-settings/api-keys?filter=" + url.PathEscape(title)
}

// RevokeSentence and KeysSentence are the two things an uninstallation
// section says, as oauthwiz writes them (the keys one with an inline link).
func RevokeSentence(title string) string {
	return "Uninstalling " + title + " revokes every authorization that was previously granted to it."
}

// KeysSentence: see RevokeSentence.
func KeysSentence(title string) string { return keysSentence(title, "("+APIKeysPath(title)+")") }

// keysSentence links the API Keys page with target: "(/path)" inline or
// "[label]" by reference.
func keysSentence(title, target string) string {
	return "Then make sure that every API key tied to " + title + " is disabled: search for " + title +
		" on the [API Keys page]" + target + " and disable the keys it lists."
}

// Says reports which of the two statements an uninstallation section's text
// makes: that uninstalling revokes the authorizations, and where to disable
// the API keys. The wording is the author's; these are the words both need.
func Says(body string) (revokes, keys bool) {
	b := strings.ToLower(body)
	revokes = strings.Contains(b, "revok") && (strings.Contains(b, "authoriz") || strings.Contains(b, "authoris"))
	keys = strings.Contains(b, "api-keys") || strings.Contains(b, "api keys")
	return revokes, keys
}

// MissingSentences are the sentences an uninstallation section with this
// text lacks, as oauthwiz would write them.
func MissingSentences(body, title string) []string {
	revokes, keys := Says(body)
	var out []string
	if !revokes {
		out = append(out, RevokeSentence(title))
	}
	if !keys {
		out = append(out, KeysSentence(title))
	}
	return out
}

// Statements is the body oauthwiz writes for a new uninstallation section;
// ref is the reference label of the API Keys link.
func Statements(title, ref, eol string) string {
	return RevokeSentence(title) + eol + eol + keysSentence(title, "["+ref+"]") + eol
}

// ErrUnsafeEdit means the edit could not be made without breaking the
// README (an unclosed code block swallowing the new section, say).
var ErrUnsafeEdit = errors.New("the uninstallation section cannot be placed safely in this README")

// FixReadme puts the uninstallation section where publication needs it: an
// "## Uninstallation" H2 as the section right after "## Setup". An existing
// uninstall section at the wrong level, place or wording is moved there with
// its body; a missing one is written with its statements and a reference
// link numbered after the README's references. Every other byte is kept; a
// README that is already right comes back unchanged. The result is checked
// before it is returned: the section parses where it belongs, a new section
// only adds lines, and a second run changes nothing.
func FixReadme(src []byte, title string) ([]byte, bool, error) {
	out, changed, err := fixReadme(src, title)
	if u := Parse(src).Uninstall(); errors.Is(err, ErrNoSetup) && u >= 0 && Parse(src).Headings[u].Level >= 2 {
		// No '## Setup' to put the section after (doppler's README has an
		// H3 Setup): the section stays where its working anchor is, and
		// gets the statements it lacks.
		return completeInPlace(src, title)
	}
	if err != nil || !changed {
		return out, changed, err
	}
	d := Parse(out)
	setup, u := d.H2("setup"), d.Uninstall()
	why := ""
	switch {
	case setup < 0 || u < 0 || d.Headings[u].Level != 2 || d.NextH2After(setup, -1) != u:
		why = "the section would not be the H2 right after '## Setup' (an unclosed code block or HTML block is the usual cause)"
	case Parse(src).Uninstall() < 0 && !linesKept(string(src), string(out)):
		why = "lines of the README would change"
	default:
		if again, changed2, err := fixReadme(out, title); err != nil || changed2 || string(again) != string(out) {
			why = "a second run would change it again"
		}
	}
	if why != "" {
		return nil, false, fmt.Errorf("%w: %s; add '## Uninstallation' by hand right after '## Setup'", ErrUnsafeEdit, why)
	}
	return out, true, nil
}

// completeInPlace adds the missing statements to an uninstallation
// section that is not moved, checked as FixReadme checks a move: every line
// kept, and a second run changes nothing.
func completeInPlace(src []byte, title string) ([]byte, bool, error) {
	out, changed := completeSection(src, title)
	if !changed {
		return src, false, nil
	}
	if again, changed2 := completeSection(out, title); !linesKept(string(src), string(out)) || changed2 || string(again) != string(out) {
		return nil, false, fmt.Errorf("%w: the statements could not be added safely; add them by hand", ErrUnsafeEdit)
	}
	return out, true, nil
}

// linesKept reports whether every line of a is still in b, in order.
func linesKept(a, b string) bool {
	al, bl := strings.SplitAfter(a, "\n"), strings.SplitAfter(b, "\n")
	i := 0
	for _, x := range bl {
		if i < len(al) && strings.TrimRight(x, "\r\n") == strings.TrimRight(al[i], "\r\n") {
			i++
		}
	}
	return i == len(al)
}

func fixReadme(src []byte, title string) ([]byte, bool, error) {
	placed, moved, err := placeSection(src, title)
	if err != nil {
		return nil, false, err
	}
	out, completed := completeSection(placed, title)
	return out, moved || completed, nil
}

// completeSection adds to an existing uninstallation section the statements
// it lacks, after its own text (before any subsection), every line kept.
func completeSection(src []byte, title string) ([]byte, bool) {
	d := Parse(src)
	u := d.Uninstall()
	if u < 0 {
		return src, false
	}
	missing := MissingSentences(d.Body(u), title)
	if len(missing) == 0 {
		return src, false
	}
	end := d.SectionEnd(u)
	if u+1 < len(d.Headings) && d.Headings[u+1].Start < end {
		end = d.Headings[u+1].Start
	}
	own := string(src[d.Headings[u].End:end])
	text := strings.TrimRight(own, " \t\r\n")
	tail := own[len(text):] // the blank lines before what follows
	eol := d.EOL
	var add strings.Builder
	if text != "" || !strings.HasSuffix(string(src[:d.Headings[u].End]), "\n") {
		add.WriteString(eol) // end the line the section's text (or heading) is on
	}
	add.WriteString(eol)
	add.WriteString(strings.Join(missing, eol+eol))
	if !strings.HasPrefix(tail, "\n") && !strings.HasPrefix(tail, "\r\n") {
		tail = eol + tail
	}
	if end < len(src) && strings.Count(tail, "\n") < 2 {
		tail += eol // a blank line before the next heading or reference
	}
	var out strings.Builder
	out.Write(src[:d.Headings[u].End])
	out.WriteString(text)
	out.WriteString(add.String())
	out.WriteString(tail)
	out.Write(src[end:])
	return []byte(out.String()), true
}

func placeSection(src []byte, title string) ([]byte, bool, error) {
	if !utf8.Valid(src) {
		return nil, false, fmt.Errorf("the README is not valid UTF-8 (line %d)", CheckUTF8(src))
	}
	if err := CheckShape(src); err != nil {
		return nil, false, err
	}
	d := Parse(src)
	setup := d.H2("setup")
	if setup < 0 {
		return nil, false, ErrNoSetup
	}
	eol := d.EOL
	u := d.Uninstall()
	if u >= 0 {
		h := d.Headings[u]
		if h.Level == 2 && h.Text == "Uninstallation" && d.NextH2After(setup, -1) == u {
			return src, false, nil
		}
		at := insertPoint(d, setup, u)
		start, end := h.Start, d.SectionEnd(u)
		block := UninstallHeading + eol + eol + ensureBlankEnd(strings.TrimLeft(string(src[h.End:end]), "\r\n"), eol)
		var out strings.Builder
		if at <= start {
			out.WriteString(padBefore(string(src[:at]), eol))
			out.WriteString(block)
			out.Write(src[at:start])
			out.Write(src[end:])
		} else { // the section ends at or before the insertion point
			out.Write(src[:start])
			out.WriteString(padBefore(string(src[end:at]), eol))
			out.WriteString(block)
			out.Write(src[at:])
		}
		return []byte(out.String()), true, nil
	}

	// Missing: first the reference definition, then the section.
	label := nextRefLabel(d)
	def := "[" + label + "]: " + APIKeysPath(title)
	var withDef string
	if last := lastRef(d); last != nil {
		head, tail := string(src[:last.End]), string(src[last.End:])
		if !strings.HasSuffix(head, "\n") {
			head += eol
			def = strings.TrimSuffix(def, eol)
			withDef = head + def + tail
		} else {
			withDef = head + def + eol + tail
		}
	} else {
		withDef = padBefore(string(src), eol) + def + eol
	}
	d = Parse([]byte(withDef))
	at := insertPoint(d, d.H2("setup"), -1)
	block := UninstallHeading + eol + eol + Statements(title, label, eol) + eol
	out := padBefore(withDef[:at], eol) + block + withDef[at:]
	return []byte(out), true, nil
}

// insertPoint is where the uninstallation section goes: the start of the
// first H2 after Setup (ignoring the uninstall heading itself), or, when
// Setup is the last H2, before the reference definitions that end the file.
func insertPoint(d *Doc, setup, skip int) int {
	if next := d.NextH2After(setup, skip); next >= 0 {
		return d.Headings[next].Start
	}
	at := d.TrailingRefs()
	if skip >= 0 {
		// Never inside the section being moved.
		if s, e := d.Headings[skip].Start, d.SectionEnd(skip); at > s && at < e {
			at = e
		}
	}
	return at
}

func lastRef(d *Doc) *RefDef {
	if len(d.Refs) == 0 {
		return nil
	}
	return &d.Refs[len(d.Refs)-1]
}

// nextRefLabel numbers a new reference after the README's numeric ones.
func nextRefLabel(d *Doc) string {
	n := 0
	used := map[string]bool{}
	for _, r := range d.Refs {
		used[strings.ToLower(r.Label)] = true
		if v, err := strconv.Atoi(r.Label); err == nil && v > n {
			n = v
		}
	}
	for used[strconv.Itoa(n+1)] {
		n++
	}
	return strconv.Itoa(n + 1)
}

// padBefore makes sure text ends with a blank line (or is empty), so that an
// inserted heading starts a block of its own.
func padBefore(s, eol string) string {
	if s == "" {
		return s
	}
	if !strings.HasSuffix(s, "\n") {
		s += eol
	}
	if !strings.HasSuffix(strings.TrimSuffix(s, eol), "\n") {
		s += eol
	}
	return s
}

// ensureBlankEnd makes a moved section end with a blank line, so that the
// heading after it stays a heading.
func ensureBlankEnd(body, eol string) string {
	if strings.TrimSpace(body) == "" {
		return eol
	}
	if !strings.HasSuffix(body, "\n") {
		body += eol
	}
	if !strings.HasSuffix(strings.TrimSuffix(body, eol), "\n") {
		body += eol
	}
	return body
}

// CheckUTF8 returns the line of the first invalid byte, or 0.
func CheckUTF8(src []byte) int {
	line := 1
	for i := 0; i < len(src); {
		r, size := utf8.DecodeRune(src[i:])
		if r == utf8.RuneError && size <= 1 {
			return line
		}
		if r == '\n' {
			line++
		}
		i += size
	}
	return 0
}

// FirstAbove256 is the first character above U+0100, as ddev validate
// readmes finds them (a code point over 256), and its line (0: none).
func FirstAbove256(src []byte) (int, rune) {
	line := 1
	for _, r := range string(src) {
		if r == '\n' {
			line++
		}
		if r > 256 && r != utf8.RuneError {
			return line, r
		}
	}
	return 0, 0
}
