package pullrequest

import (
	"fmt"
	"sort"
	"strings"

	"github.com/oauthwiz/oauthwiz/checks"
	"github.com/oauthwiz/oauthwiz/flows/session"
)

// Evidence is what the wizard knows and the pull request body reports —
// never a secret.
type Evidence struct {
	Title          string // the tile title
	Integration    string
	NewIntegration bool
	Sites          []string // sites authorized on
	Scopes         *session.ScopeEvidence
	Findings       []checks.Finding
	Uninstallation bool // the uninstallation section is in this change
	ForceReason    string
	ChangedFiles   []string
}

// The sections of DataDog/integrations-extras' pull request template.
var templateSections = []string{"What does this PR do?", "Motivation", "Review checklist", "Additional Notes"}

// Body fills the repository's pull request template (its headings kept, the
// text under them completed) or, without one, writes those sections.
func Body(template string, ev Evidence) string {
	fill := map[string]string{
		"What does this PR do?": whatItDoes(ev),
		"Motivation":            fmt.Sprintf("Publish %s's OAuth client on the Datadog Marketplace / integrations page, as the OAuth integration guide requires.", ev.Title),
		"Additional Notes":      notes(ev),
	}
	if strings.TrimSpace(template) == "" {
		var b strings.Builder
		for _, s := range templateSections {
			if text, ok := fill[s]; ok {
				fmt.Fprintf(&b, "### %s\n\n%s\n\n", s, text)
			}
		}
		return strings.TrimRight(b.String(), "\n") + "\n"
	}
	lines := strings.Split(template, "\n")
	var out []string
	for _, l := range lines {
		out = append(out, l)
		title := strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(l), "#"))
		if strings.HasPrefix(strings.TrimSpace(l), "#") {
			if text, ok := fill[title]; ok {
				out = append(out, "", text)
				delete(fill, title)
			}
		}
	}
	for _, s := range templateSections { // sections the template lacks
		if text, ok := fill[s]; ok {
			out = append(out, "", "### "+s, "", text)
		}
	}
	return strings.Join(out, "\n")
}

func whatItDoes(ev Evidence) string {
	var b strings.Builder
	verb := "Adds OAuth to"
	if ev.NewIntegration {
		verb = "Adds the new OAuth integration"
	}
	fmt.Fprintf(&b, "%s %s (`%s`):\n", verb, ev.Title, ev.Integration)
	for _, f := range ev.ChangedFiles {
		fmt.Fprintf(&b, "- `%s`\n", f)
	}
	if ev.Uninstallation {
		b.WriteString("\nThe README has an `## Uninstallation` section right after `## Setup`, and `tile.uninstallation` points to it.\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

func notes(ev Evidence) string {
	var b strings.Builder
	if len(ev.Sites) > 0 {
		sites := append([]string(nil), ev.Sites...)
		sort.Strings(sites)
		fmt.Fprintf(&b, "Test authorization (PKCE) passed on: %s.\n", strings.Join(sites, ", "))
	}
	if ev.Scopes != nil && len(ev.Scopes.Results) > 0 {
		counts := map[string]map[string]int{}
		var sites []string
		for _, r := range ev.Scopes.Results {
			if counts[r.Site] == nil {
				counts[r.Site] = map[string]int{}
				sites = append(sites, r.Site)
			}
			counts[r.Site][r.Status]++
		}
		sort.Strings(sites)
		fmt.Fprintf(&b, "\nScope checks (run %s, %s):\n\n| site | passed | failed | manual |\n|---|---|---|---|\n", ev.Scopes.RunID, ev.Scopes.At.Format("2006-01-02"))
		for _, s := range sites {
			fmt.Fprintf(&b, "| %s | %d | %d | %d |\n", s, counts[s]["pass"], counts[s]["fail"], counts[s]["manual"])
		}
	}
	errs, warns := 0, 0
	for _, f := range ev.Findings {
		if f.Severity == checks.Error {
			errs++
		} else {
			warns++
		}
	}
	switch {
	case errs == 0 && warns == 0:
		b.WriteString("\n`oauthwiz check`: every pre-submission check passed.\n")
	default:
		fmt.Fprintf(&b, "\n`oauthwiz check`: %d error(s), %d warning(s).\n", errs, warns)
		for _, f := range ev.Findings {
			fmt.Fprintf(&b, "- %s `%s` %s:%d — %s\n", f.Severity, f.Rule, f.File, f.Line, f.Message)
		}
	}
	if ev.ForceReason != "" {
		fmt.Fprintf(&b, "\nPushed despite check errors: %s\n", ev.ForceReason)
	}
	return strings.TrimRight(b.String(), "\n")
}
