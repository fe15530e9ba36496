package pullrequest

import (
	"strings"
	"testing"
)

func TestMergeBodyKeepsWhatTheAuthorWrote(t *testing.T) {
	first := Body("### What does this PR do?\n\n### Motivation\n\n### Review checklist\n\n- [ ] Tests\n\n### Additional Notes\n",
		Evidence{Title: "Acme", Integration: "acme", Sites: []string{"us1", "eu1"}, ChangedFiles: []string{"acme/README.md (added)"}})
	// The author ticks a box and writes a note of their own on GitHub.
	edited := strings.Replace(first, "- [ ] Tests", "- [x] Tests", 1) + "\nReviewers: the logo is final.\n"
	// The next run knows of a new file, and no longer of the sites.
	fresh := Body("### What does this PR do?\n\n### Motivation\n\n### Review checklist\n\n- [ ] Tests\n\n### Additional Notes\n",
		Evidence{Title: "Acme", Integration: "acme", ChangedFiles: []string{"acme/README.md (added)", "acme/CHANGELOG.md (added)"}, ForceReason: "docs team"})
	got := MergeBody(edited, fresh)
	for _, want := range []string{"- [x] Tests", "Reviewers: the logo is final.", "acme/CHANGELOG.md (added)", "Test authorization (PKCE) passed on: eu1, us1.", "Pushed despite check errors: docs team"} {
		if !strings.Contains(got, want) {
			t.Errorf("merged body lacks %q:\n%s", want, got)
		}
	}
	if strings.Count(got, "<!-- oauthwiz:change -->") != 1 || strings.Contains(got, "- [ ] Tests") {
		t.Errorf("merged body:\n%s", got)
	}
	if MergeBody(got, fresh) != got {
		t.Error("merging the same fresh body twice changes it again")
	}
	// A body written by hand, without markers: kept whole, blocks appended.
	hand := MergeBody("Hand-written description.", fresh)
	if !strings.HasPrefix(hand, "Hand-written description.") || !strings.Contains(hand, "acme/CHANGELOG.md") {
		t.Errorf("hand-written body:\n%s", hand)
	}
}

// The template of DataDog/integrations-extras asks a question under each
// heading; where oauthwiz answers it, the question goes, the checklist stays.
func TestBodyReplacesTheTemplatePrompts(t *testing.T) {
	template := "### What does this PR do?\n\nA brief description of the change being made with this pull request.\n\n" +
		"### Motivation\n\nWhat inspired you to submit this pull request?\n\n" +
		"### Review checklist\n\n- [ ] PR has a meaningful title\n- [ ] Feature or bugfix has tests\n\n" +
		"### Additional Notes\n\nAnything else we should know when reviewing?\n"
	got := Body(template, Evidence{Title: "Acme", Integration: "acme", Sites: []string{"us1"}, ChangedFiles: []string{"acme/README.md (modified)"}})
	for _, gone := range []string{"A brief description of the change", "What inspired you", "Anything else we should know"} {
		if strings.Contains(got, gone) {
			t.Errorf("body keeps the template's prompt %q:\n%s", gone, got)
		}
	}
	for _, kept := range []string{"### What does this PR do?", "### Review checklist", "- [ ] PR has a meaningful title", "- [ ] Feature or bugfix has tests", "acme/README.md (modified)", "Test authorization (PKCE) passed on: us1."} {
		if !strings.Contains(got, kept) {
			t.Errorf("body lacks %q:\n%s", kept, got)
		}
	}
	// A section oauthwiz cannot answer keeps its every line.
	other := Body("### Screenshots\n\nAdd a screenshot.\n", Evidence{Title: "Acme", Integration: "acme"})
	if !strings.Contains(other, "Add a screenshot.") {
		t.Errorf("an unanswered section lost its text:\n%s", other)
	}
}
