package secrets

import (
	"bytes"
	"regexp"
)

// Secret-shaped strings: a credential-named key with a long value, a JWT, or
// a value issued by the oauthwiz sandbox.
var secretPatterns = []struct {
	rule string
	re   *regexp.Regexp
}{
	{"credential-assignment", regexp.MustCompile(`(?i)["']?(client_secret|clientsecret|api_key|apikey|app_key|application_key|access_token|refresh_token|dd_api_key|dd_app_key)["']?\s*[:=]\s*["']?([A-Za-z0-9_\-.~+/]{20,})`)},
	{"jwt", regexp.MustCompile(`eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}`)},
	{"oauthwiz-sandbox-credential", regexp.MustCompile(`ddsbx_(secret|at|rt)_[0-9a-f]{16,}`)},
}

var placeholderRE = regexp.MustCompile(`(?i)^(x+|\*+|<.*>|\$\{.*\}|your[_-].*|example.*|placeholder.*|changeme.*|redacted.*)$`)

// Hit is a secret found in a text: never its value, only its mask.
type Hit struct {
	Line   int
	Masked string
	Known  bool   // one of the stored secrets, verbatim
	Rule   string // stored-secret, or the pattern's name
}

// Scan finds the stored secrets (known) and secret-shaped values in a text,
// for the pre-submission checks and the scan of what a pull request pushes.
func Scan(b []byte, known []string) []Hit {
	var out []Hit
	lineOf := func(i int) int { return bytes.Count(b[:i], []byte("\n")) + 1 }
	for _, k := range known {
		if len(k) < 8 {
			continue
		}
		if i := bytes.Index(b, []byte(k)); i >= 0 {
			out = append(out, Hit{Line: lineOf(i), Masked: Mask(k), Known: true, Rule: "stored-secret"})
		}
	}
	for _, p := range secretPatterns {
		for _, loc := range p.re.FindAllSubmatchIndex(b, -1) {
			val := string(b[loc[0]:loc[1]])
			if len(loc) >= 6 && loc[4] >= 0 {
				val = string(b[loc[4]:loc[5]])
				if placeholderRE.MatchString(val) || !hasLetterAndDigit(val) {
					continue
				}
			}
			out = append(out, Hit{Line: lineOf(loc[0]), Masked: Mask(val), Rule: p.rule})
		}
	}
	return out
}

func hasLetterAndDigit(s string) bool {
	var l, d bool
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			d = true
		case (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z'):
			l = true
		}
	}
	return l && d
}
