// Package words writes counts the way a sentence says them: "1 probe",
// "2 probes", "0 objects" — never "probe(s)".
package words

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Minutes is a wait as a countdown shows it, minutes:seconds ("5:00");
// a negative one is 0:00.
func Minutes(d time.Duration) string {
	d = max(0, d).Round(time.Second)
	return fmt.Sprintf("%d:%02d", int(d.Minutes()), int(d.Seconds())%60)
}

// Count is n and the noun, plural unless n is 1.
func Count(n int, noun string) string {
	return strconv.Itoa(n) + " " + Noun(n, noun)
}

// IsAre is the verb agreeing with n of something.
func IsAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

// Noun is the noun as n of it is said: "entry" gives "entries", "pass"
// gives "passes", "key" gives "keys".
func Noun(n int, noun string) string {
	if n == 1 || noun == "" {
		return noun
	}
	last := noun[len(noun)-1]
	switch {
	case last == 'y' && len(noun) > 1 && !strings.ContainsRune("aeiou", rune(noun[len(noun)-2])):
		return noun[:len(noun)-1] + "ies"
	case last == 's' || last == 'x' || strings.HasSuffix(noun, "ch") || strings.HasSuffix(noun, "sh"):
		return noun + "es"
	}
	return noun + "s"
}
