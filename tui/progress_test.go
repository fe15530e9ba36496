package tui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/oauthwiz/oauthwiz/flows/apikey"
	"github.com/oauthwiz/oauthwiz/flows/integration"
	"github.com/oauthwiz/oauthwiz/flows/scopes"
)

func TestResumeOpensAtTheFirstStepNotDone(t *testing.T) {
	f := &stubFlows{granted: []string{"api_keys_write"}}
	deps := testDeps(f)
	deps.Resume = &Resume{Case: integration.CaseExisting, Site: "eu1", ClientID: "abc",
		Authorized: &Authorized{Site: "eu1", Org: "Partner Sandbox (eu1)", Granted: []string{"api_keys_write"}, Expiry: fixedNow.Add(time.Hour)}}
	m := wide(New(deps, testStyles()))
	if m.step != stepAPIKey || m.site != "eu1" || m.caseChosen != integration.CaseExisting {
		t.Fatalf("step %d site %s case %s", m.step, m.site, m.caseChosen)
	}
	// The resumed API key step says where it stands and what enter does,
	// and enter creates the key there.
	if view := m.View(); !strings.Contains(view, "no API key is stored") || !strings.Contains(view, "enter create the key") {
		t.Fatalf("resumed at the API key:\n%s", view)
	}
	if created := pressDrain(m, "enter").(Model); created.key.result == nil || created.step != stepAPIKey {
		t.Fatalf("enter on the resumed step: step %d, key %+v", created.step, created.key.result)
	}
	deps.Resume.APIKey = &apikey.Result{Site: "eu1", Last4: "wxyz", Valid: true}
	m = wide(New(deps, testStyles()))
	if m.step != stepSites {
		t.Fatalf("with a key: step %d", m.step)
	}
	view := drain(m, m.Init()).View()
	if !strings.Contains(view, "✓ Test authorization") || !strings.Contains(view, "…wxyz valid") || !strings.Contains(view, "Every site and every scope") {
		t.Fatalf("resumed screen:\n%s", view)
	}
	// With scope checks passed, a pull request and a publication recorded:
	// the checklist, with every earlier step ticked in the sidebar.
	deps.Resume.Scopes = &scopes.Report{RunID: "r", Results: []scopes.Result{{Site: "eu1", Scope: "dashboards_read", Probe: "read", Status: scopes.Pass}}}
	deps.Resume.PullRequestURL = "https://github.com/DataDog/integrations-extras/pull/42"
	deps.Resume.AppUUID, deps.Resume.Retested = "5b1e5b6e-0d4a-4a8e-9c1f-2d3e4f5a6b7c", []string{"eu1"}
	m = wide(New(deps, testStyles()))
	if m.step != stepChecks {
		t.Fatalf("with scope evidence: step %d", m.step)
	}
	resumed := drain(m, m.Init())
	resumed = press(resumed, "down", "down", "down", "down", "down", "down", " ") // a manual row can be ticked
	view = resumed.View()
	for _, want := range []string{"7. Pre-submission checklist", "✗ README", "✓ Every scope", "✓ Pull request", "✓ Publish", "✓ Re-test published"} {
		if !strings.Contains(view, want) {
			t.Errorf("resumed checklist lacks %q:\n%s", want, view)
		}
	}
	deps.Resume = &Resume{Case: integration.CaseNew}
	if m := New(deps, testStyles()); m.step != stepSite {
		t.Fatalf("case only: step %d", m.step)
	}
	// Choosing the case records it.
	pressDrain(New(testDeps(f), testStyles()), "down", "enter")
	if f.savedCase != integration.CaseExisting {
		t.Fatalf("saved case %q", f.savedCase)
	}
}

// The sidebar says which part of a step did not apply to the case, and why.
func TestSidebarMarksWhatTheCaseLeavesOut(t *testing.T) {
	tests := []struct {
		name string
		done PublishResult
		want string
	}{
		{"new integration", PublishResult{AppUUID: "0f3c0d1e-2a4b-4c6d", Written: true}, "app_uuid 0f3c0d1e-2a4b-4c6d"},
		{"existing integration", PublishResult{AppUUID: "0f3c0d1e-2a4b-4c6d", Note: "left alone: an existing integration keeps its app_uuid"}, "app_uuid kept: not new"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := New(testDeps(&stubFlows{}), testStyles())
			m.publish.done = &tt.done
			if r := m.stepRows()[8]; !r.done || r.evidence != tt.want {
				t.Fatalf("publish step: done %v, evidence %q, want %q", r.done, r.evidence, tt.want)
			}
		})
	}
}

// wide is a model in a window wide enough for the sidebar.
func wide(m Model) Model { return send(m, tea.WindowSizeMsg{Width: 120, Height: 40}).(Model) }
