// Package termsafe makes text that came from elsewhere (a callback's
// error_description, a token endpoint's or an API's error body) safe to
// print on a terminal: no escape sequence can move the cursor, retitle the
// window, write the clipboard or hide what follows.
package termsafe

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxLen bounds the text kept: a remote's message is a line or two.
const MaxLen = 1000

// Text returns s with escape sequences removed, other control characters
// (C0, DEL, C1, line breaks included) turned into spaces, bidirectional
// overrides dropped, invalid UTF-8 replaced, and the result cut at MaxLen
// runes.
func Text(s string) string {
	var b strings.Builder
	n := 0
	for i := 0; i < len(s) && n < MaxLen; {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == 0x1b: // ESC: skip the whole sequence
			i += escapeLen(s[i:])
			continue
		case r == utf8.RuneError && size == 1:
			b.WriteRune(unicode.ReplacementChar)
		case r == 0x9b: // C1 CSI: its parameters and final byte go too
			i += size
			for i < len(s) && s[i] >= 0x20 && s[i] < 0x40 {
				i++
			}
			if i < len(s) && s[i] >= 0x40 && s[i] < 0x7f {
				i++
			}
			continue
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			b.WriteByte(' ')
		case (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || r == 0x200e || r == 0x200f:
			// bidirectional controls can make the text read differently
		default:
			b.WriteRune(r)
		}
		i += size
		n++
	}
	if n == MaxLen && len(s) > b.Len() {
		b.WriteString("…")
	}
	return b.String()
}

// escapeLen is the length of the escape sequence at the start of s (which
// starts with ESC): CSI up to its final byte, OSC/DCS/SOS/PM/APC up to BEL
// or ST, otherwise ESC and the byte after it.
func escapeLen(s string) int {
	if len(s) < 2 {
		return len(s)
	}
	switch s[1] {
	case '[': // CSI: parameters and intermediates, then a final byte
		i := 2
		for i < len(s) && s[i] >= 0x20 && s[i] < 0x40 {
			i++
		}
		if i < len(s) {
			i++
		}
		return i
	case ']', 'P', 'X', '^', '_': // strings ended by BEL or ESC \
		for i := 2; i < len(s); i++ {
			if s[i] == 0x07 {
				return i + 1
			}
			if s[i] == 0x1b && i+1 < len(s) && s[i+1] == '\\' {
				return i + 2
			}
		}
		return len(s)
	}
	return 2
}
