// Package journey is the use-case layer between the engines in flows/ and
// the two front-ends (the commands and the wizard): what each step of the
// publication journey does, and the one definition of when a step is done
// and what shows it.
package journey

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/oauthwiz/oauthwiz/checks"
	"github.com/oauthwiz/oauthwiz/flows/integration"
	"github.com/oauthwiz/oauthwiz/flows/words"
)

// StepID names a step of the journey.
type StepID string

// The journey's steps, in order.
const (
	StepCase        StepID = "case"
	StepCredentials StepID = "credentials"
	StepAuthorize   StepID = "authorize"
	StepAPIKey      StepID = "apikey"
	StepSites       StepID = "sites"
	StepScopes      StepID = "scopes"
	StepChecks      StepID = "checks"
	StepPR          StepID = "pr"
	StepPublish     StepID = "publish"
	StepRetest      StepID = "retest"
)

// Step is a step as the front-ends name it.
type Step struct {
	ID    StepID
	Label string
}

// Steps is the journey, in order.
var Steps = []Step{
	{StepCase, "Integration & case"},
	{StepCredentials, "Client credentials"},
	{StepAuthorize, "Test authorization"},
	{StepAPIKey, "API key"},
	{StepSites, "Every site"},
	{StepScopes, "Every scope"},
	{StepChecks, "README & manifest"},
	{StepPR, "Pull request"},
	{StepPublish, "Publish"},
	{StepRetest, "Re-test published"},
}

// Authorization is an authorization's evidence (never its tokens).
type Authorization struct{ Site, Org string }

// APIKey is a stored API key's evidence: its last four characters.
type APIKey struct {
	Site, Last4 string
	Valid       bool
}

// ScopeCounts is a scope-check run's outcome.
type ScopeCounts struct {
	RunID              string
	Pass, Fail, Manual int
	Ran                bool
}

// PullRequest is the pull request opened for the integration.
type PullRequest struct {
	Number int
	URL    string
	Action string // opened, updated, "opened earlier"
}

// Publication is what publishing recorded.
type Publication struct {
	AppUUID string
	// Kept is true when the integration is not new: its manifest keeps its
	// own app_uuid and the published one is not written.
	Kept bool
}

// Facts are what is known of the journey so far: the wizard fills them from
// what it did, the commands from the session and the secret store.
type Facts struct {
	Case               integration.Case
	CredentialsSites   []string         // sites with client credentials entered or stored
	First              *Authorization   // the first site's test authorization
	Authorized         []string         // every site with a test authorization
	APIKey             *APIKey          // the first site's API key
	APIKeyNotRequested bool             // api_keys_write was not granted, so no key
	Scopes             *ScopeCounts     // the last scope-check run
	Checks             []checks.Finding // the pre-submission checks' findings
	ChecksRan          bool
	PullRequest        *PullRequest
	Published          *Publication
	Retested           []string // sites the published client was authorized on
}

// Status is a step's state: done or not, and the evidence that shows it.
type Status struct {
	Step
	Done bool
	// Skipped is done without doing it (an API key that was not requested).
	Skipped  bool
	Evidence string
}

// Progress is the one definition of each step's done and evidence, for the
// sidebar, the summary, accessible mode and 'oauthwiz status'.
func Progress(f Facts) []Status {
	out := make([]Status, len(Steps))
	for i, s := range Steps {
		out[i] = Status{Step: s}
		out[i].Done, out[i].Skipped, out[i].Evidence = f.status(s.ID)
	}
	return out
}

func (f Facts) status(id StepID) (done, skipped bool, evidence string) {
	switch id {
	case StepCase:
		return f.Case != "", false, string(f.Case)
	case StepCredentials:
		return len(f.CredentialsSites) > 0, false, strings.Join(f.CredentialsSites, ", ")
	case StepAuthorize:
		if f.First != nil {
			return true, false, f.First.Site + " · " + f.First.Org
		}
	case StepAPIKey:
		switch {
		case f.APIKey != nil && f.APIKey.Valid:
			return true, false, "…" + f.APIKey.Last4 + " valid"
		case f.APIKeyNotRequested:
			return true, true, "not requested"
		}
	case StepSites:
		if len(f.Authorized) >= 2 {
			return true, false, strings.Join(f.Authorized, ", ")
		}
	case StepScopes:
		if f.Scopes != nil && f.Scopes.Ran && f.Scopes.Fail == 0 {
			return true, false, words.Count(f.Scopes.Pass, "probe") + " passed"
		}
	case StepChecks:
		if f.ChecksRan && PublicationReady(f.Checks) {
			return true, false, "checks pass"
		}
	case StepPR:
		if p := f.PullRequest; p != nil {
			return true, false, fmt.Sprintf("#%d %s", p.Number, p.Action)
		}
	case StepPublish:
		switch p := f.Published; {
		case p == nil:
		case p.Kept:
			return true, false, "app_uuid kept: not new"
		default:
			return true, false, "app_uuid " + p.AppUUID
		}
	case StepRetest:
		if len(f.Retested) > 0 {
			return true, false, strings.Join(slices.Sorted(slices.Values(f.Retested)), ", ")
		}
	}
	return false, false, ""
}

// PublicationReady reports whether the findings leave the README and
// manifest.json ready for publication: no error of their rules.
func PublicationReady(findings []checks.Finding) bool {
	for _, f := range findings {
		if f.Severity == checks.Error && (strings.HasPrefix(f.Rule, "readme/") || strings.HasPrefix(f.Rule, "manifest/")) {
			return false
		}
	}
	return true
}

// PRNumber reads a pull request's number from its URL (0 when it has none).
func PRNumber(url string) int {
	n := 0
	if i := strings.LastIndex(url, "/"); i >= 0 {
		n, _ = strconv.Atoi(url[i+1:])
	}
	return n
}
