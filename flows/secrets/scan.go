package secrets

import (
	"bytes"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/rs/zerolog"
	"github.com/zricethezav/gitleaks/v8/detect"
	"github.com/zricethezav/gitleaks/v8/logging"
)

// oauthwiz's own patterns, for what gitleaks' default rule set does not
// name: credential-named keys (client_secret, DD_API_KEY: a Datadog API key
// is 32 hex digits with no fixed prefix), bearer tokens outside a curl line,
// PagerDuty tokens, and values issued by the oauthwiz sandbox.
var secretPatterns = []struct {
	rule  string
	re    *regexp.Regexp
	value int // the submatch holding the secret (0: the whole match)
	// keywords: the pattern runs only on a text holding one (lower case),
	// so that most files meet no regular expression at all.
	keywords []string
}{
	{"credential-assignment", regexp.MustCompile(`(?i)["']?(client_secret|clientsecret|api_key|apikey|app_key|application_key|access_token|refresh_token|dd_api_key|dd_app_key|dd_application_key)["']?\s*[:=]\s*["']?([A-Za-z0-9_\-.~+/]{20,})`), 2, []string{"secret", "key", "token"}},
	{"bearer-token", regexp.MustCompile(`(?i)\bbearer\s+([A-Za-z0-9_\-.~+/]{20,}=*)`), 1, []string{"bearer"}},
	// PagerDuty's REST API takes "Authorization: Token token=<key>".
	{"pagerduty-token", regexp.MustCompile(`(?i)\btoken\s+token=([A-Za-z0-9_+\-]{20,})`), 1, []string{"token="}},
	{"jwt", regexp.MustCompile(`eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}`), 0, []string{"eyj"}},
	{"oauthwiz-sandbox-credential", regexp.MustCompile(`ddsbx_(secret|at|rt)_[0-9a-f]{16,}`), 0, []string{"ddsbx_"}},
}

var placeholderRE = regexp.MustCompile(`(?i)^(x+|\*+|<.*>|\$\{.*\}|\{\{.*\}\}|your[_-].*|example.*|placeholder.*|changeme.*|redacted.*)$`)

// leaks is gitleaks' default rule set (cloud keys, GitHub and Slack tokens,
// private keys, JWTs, generic keys with entropy and stop words), built
// once. Its own keyword prefilter keeps most files from any regexp.
var leaks = sync.OnceValues(func() (*detect.Detector, error) {
	// gitleaks logs to stderr by default; oauthwiz reports findings itself.
	logging.Logger = logging.Logger.Level(zerolog.Disabled)
	return detect.NewDetectorDefaultConfig()
})

// Hit is a secret found in a text: never its value, only its mask.
type Hit struct {
	Line   int
	Masked string
	Known  bool   // one of the stored secrets, verbatim
	Rule   string // stored-secret, gitleaks' rule id, or the pattern's name
}

// Scan finds the stored secrets (known) and secret-shaped values in a text,
// for the pre-submission checks and the scan of what a pull request pushes.
// One value found by several rules is reported once.
func Scan(b []byte, known []string) []Hit {
	var out []Hit
	seen := map[string]bool{} // line and value
	add := func(line int, val, rule string, isKnown bool) {
		key := strconv.Itoa(line) + "\x00" + val
		if seen[key] || (!isKnown && (placeholderRE.MatchString(val) || !hasLetterAndDigit(val))) {
			return
		}
		seen[key] = true
		out = append(out, Hit{Line: line, Masked: Mask(val), Known: isKnown, Rule: rule})
	}
	lineOf := func(i int) int { return bytes.Count(b[:i], []byte("\n")) + 1 }
	for _, k := range known {
		if len(k) < 8 {
			continue
		}
		if i := bytes.Index(b, []byte(k)); i >= 0 {
			add(lineOf(i), k, "stored-secret", true)
		}
	}
	lower := bytes.ToLower(b)
	for _, p := range secretPatterns {
		if !containsAny(lower, p.keywords) {
			continue
		}
		for _, loc := range p.re.FindAllSubmatchIndex(b, -1) {
			val := string(b[loc[2*p.value]:loc[2*p.value+1]])
			add(lineOf(loc[0]), val, p.rule, false)
		}
	}
	if d, err := leaks(); err == nil && mayHoldToken(b) {
		for _, f := range d.DetectBytes(b) {
			val := f.Secret
			if val == "" {
				val = f.Match
			}
			add(f.StartLine+1, val, f.RuleID, false) // gitleaks counts lines from 0
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Line < out[j].Line })
	return out
}

// mayHoldToken is a prefilter before gitleaks' rules: every key, token and
// private key they find holds a run of at least 12 letters and digits with
// both in it (their generic rule also wants an entropy of 3.5 bits, which
// needs 12 distinct characters). A file without one is not run through them.
func mayHoldToken(b []byte) bool {
	run, letter, digit := 0, false, false
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			digit = true
		case (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'):
			letter = true
		default:
			run, letter, digit = 0, false, false
			continue
		}
		run++
		if run >= 12 && letter && digit {
			return true
		}
	}
	return false
}

func containsAny(b []byte, words []string) bool {
	for _, w := range words {
		if bytes.Contains(b, []byte(w)) {
			return true
		}
	}
	return false
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

// InFixture reports whether a repository path is test data (a tests/, test/,
// testdata/ or fixtures/ folder): a secret-shaped value there is usually a
// dummy, reported but not blocking. A stored secret blocks everywhere.
func InFixture(path string) bool {
	for _, seg := range strings.Split(filepath.ToSlash(path), "/") {
		switch strings.ToLower(seg) {
		case "tests", "test", "testdata", "fixtures":
			return true
		}
	}
	return false
}
