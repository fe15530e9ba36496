package pullrequest

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/oauthwiz/oauthwiz/flows/session"
	"github.com/oauthwiz/oauthwiz/flows/words"
)

// Evidence is what the wizard knows and the pull request body reports —
// never a secret.
type Evidence struct {
	Title          string // the tile title
	Integration    string
	NewIntegration bool
	Sites          []string // sites authorized on
	Scopes         *session.ScopeEvidence
	Findings       []Finding
	Uninstallation bool // the uninstallation section is in this change
	ForceReason    string
	ChangedFiles   []string
}

// The sections of DataDog/integrations-extras' pull request template.
var templateSections = []string{"What does this PR do?", "Motivation", "Review checklist", "Additional Notes"}

// What oauthwiz writes goes between markers, one block per kind of evidence,
// so that an update replaces its own blocks and keeps every other line of
// the body — the template's ticked boxes and the author's own words.
func block(id, text string) string {
	if strings.TrimSpace(text) == "" {
		return ""
	}
	return "<!-- oauthwiz:" + id + " -->\n" + strings.TrimRight(text, "\n") + "\n<!-- /oauthwiz:" + id + " -->"
}

var blockRE = regexp.MustCompile(`(?s)<!-- oauthwiz:([a-z-]+) -->\n.*?\n<!-- /oauthwiz:([a-z-]+) -->`)

// Body fills the repository's pull request template (its headings kept, the
// text under them completed) or, without one, writes those sections.
func Body(template string, ev Evidence) string {
	fill := map[string]string{
		"What does this PR do?": joinBlocks(block("change", whatItDoes(ev))),
		"Motivation":            block("motivation", fmt.Sprintf("Publish %s's OAuth client on the Datadog Marketplace / integrations page, as the OAuth integration guide requires.", ev.Title)),
		"Additional Notes":      joinBlocks(block("sites", sitesNote(ev)), block("scopes", scopesNote(ev)), block("checks", checksNote(ev)), block("force", forceNote(ev))),
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
	answered := false // in a section oauthwiz fills: its prompt goes
	for _, l := range lines {
		trimmed := strings.TrimSpace(l)
		if strings.HasPrefix(trimmed, "#") {
			answered = false
			out = append(out, l)
			title := strings.TrimSpace(strings.TrimLeft(trimmed, "#"))
			if text, ok := fill[title]; ok {
				out = append(out, "", text)
				delete(fill, title)
				answered = true
			}
			continue
		}
		// The template's prompt under a section oauthwiz answers ("A brief
		// description of the change…") is dropped; a checklist or a comment
		// there stays, as does every line of the sections it cannot answer.
		if answered && trimmed != "" && !strings.HasPrefix(trimmed, "- [") && !strings.HasPrefix(trimmed, "<!--") {
			continue
		}
		out = append(out, l)
	}
	for _, s := range templateSections { // sections the template lacks
		if text, ok := fill[s]; ok {
			out = append(out, "", "### "+s, "", text)
		}
	}
	return strings.Join(out, "\n")
}

func joinBlocks(blocks ...string) string {
	var kept []string
	for _, b := range blocks {
		if b != "" {
			kept = append(kept, b)
		}
	}
	return strings.Join(kept, "\n\n")
}

// MergeBody updates an open pull request's body with a fresh one: each of
// oauthwiz's blocks found in the old body is replaced by its fresh version
// (or kept, when the fresh body has nothing for it: earlier evidence is not
// thrown away), new blocks are added after the last block before them (or
// at the end), and everything outside the blocks stays as the author left it.
func MergeBody(old, fresh string) string {
	if strings.TrimSpace(old) == "" {
		return fresh
	}
	freshBlocks := map[string]string{}
	var order []string
	for _, m := range blockRE.FindAllStringSubmatch(fresh, -1) {
		if m[1] == m[2] {
			freshBlocks[m[1]] = m[0]
			order = append(order, m[1])
		}
	}
	have := map[string]bool{}
	merged := blockRE.ReplaceAllStringFunc(old, func(b string) string {
		m := blockRE.FindStringSubmatch(b)
		if m[1] != m[2] {
			return b
		}
		have[m[1]] = true
		if f, ok := freshBlocks[m[1]]; ok {
			return f
		}
		return b
	})
	for i, id := range order {
		if have[id] {
			continue
		}
		at := -1
		for j := i - 1; j >= 0 && at < 0; j-- { // after the closest earlier block
			if end := "<!-- /oauthwiz:" + order[j] + " -->"; strings.Contains(merged, end) {
				at = strings.Index(merged, end) + len(end)
			}
		}
		if at < 0 {
			merged = strings.TrimRight(merged, "\n") + "\n\n" + freshBlocks[id] + "\n"
		} else {
			merged = merged[:at] + "\n\n" + freshBlocks[id] + merged[at:]
		}
		have[id] = true
	}
	return merged
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

func sitesNote(ev Evidence) string {
	if len(ev.Sites) == 0 {
		return ""
	}
	sites := append([]string(nil), ev.Sites...)
	sort.Strings(sites)
	return fmt.Sprintf("Test authorization (PKCE) passed on: %s.", strings.Join(sites, ", "))
}

func scopesNote(ev Evidence) string {
	if ev.Scopes == nil || len(ev.Scopes.Results) == 0 {
		return ""
	}
	var b strings.Builder
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
	fmt.Fprintf(&b, "Scope checks (run %s, %s):\n\n| site | passed | failed | manual |\n|---|---|---|---|\n", ev.Scopes.RunID, ev.Scopes.At.Format("2006-01-02"))
	for _, s := range sites {
		fmt.Fprintf(&b, "| %s | %d | %d | %d |\n", s, counts[s]["pass"], counts[s]["fail"], counts[s]["manual"])
	}
	return strings.TrimRight(b.String(), "\n")
}

func checksNote(ev Evidence) string {
	errs, warns := 0, 0
	for _, f := range ev.Findings {
		if f.Severity == SeverityError {
			errs++
		} else {
			warns++
		}
	}
	if errs == 0 && warns == 0 {
		return "`oauthwiz check`: every pre-submission check passed."
	}
	var b strings.Builder
	fmt.Fprintf(&b, "`oauthwiz check`: %s, %s.\n", words.Count(errs, "error"), words.Count(warns, "warning"))
	for _, f := range ev.Findings {
		fmt.Fprintf(&b, "- %s `%s` %s:%d — %s\n", f.Severity, f.Rule, f.File, f.Line, f.Message)
	}
	return strings.TrimRight(b.String(), "\n")
}

func forceNote(ev Evidence) string {
	if ev.ForceReason == "" {
		return ""
	}
	return "Pushed despite check errors: " + ev.ForceReason
}
