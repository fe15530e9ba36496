package cli_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oauthwiz/oauthwiz/cmd/oauthwiz/cli"
	"github.com/oauthwiz/oauthwiz/flows/integration"
	"github.com/oauthwiz/oauthwiz/flows/journey"
	"github.com/oauthwiz/oauthwiz/flows/readme"
	"github.com/oauthwiz/oauthwiz/flows/sandbox"
	"github.com/oauthwiz/oauthwiz/flows/secrets"
	"github.com/oauthwiz/oauthwiz/flows/session"
)

// An existing integration keeps its own app_uuid: 'oauthwiz status' and the
// wizard's checklist judge its README and manifest alike, and neither
// suggests rewriting the app_uuid with the published one.
func TestStatusAndWizardAgreeOnAnExistingIntegration(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sandbox.Options{})
	dir := filepath.Join(t.TempDir(), "acme")
	if err := integration.WriteScratch(dir, "acme", integration.OAuthClient{Name: "Acme", RedirectURIs: []string{"https://acme.example/cb"}, Scopes: []string{"dashboards_read"}, OnboardingURL: "https://acme.example/on"}); err != nil {
		t.Fatal(err)
	}
	for _, plan := range []func(string, string) (*readme.FileEdit, error){readme.PlanReadme, readme.PlanManifest} {
		if e, err := plan(dir, ""); err != nil || (e != nil && e.Write() != nil) {
			t.Fatalf("fix: %v", err)
		}
	}
	// Published once; the integration is an existing one, whose manifest
	// keeps the app_uuid it has.
	err := session.Update(h.state, "acme", func(st *session.State) error {
		st.Case, st.PublishedAppUUID = string(integration.CaseExisting), "5b1e5b6e-0d4a-4a8e-9c1f-2d3e4f5a6b7c"
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := h.run("", "status", "--dir", dir, "--json")
	var status cli.StatusJSON
	if code != 0 || json.Unmarshal([]byte(stdout), &status) != nil {
		t.Fatalf("status: %d %s %s", code, stdout, stderr)
	}
	got := map[string]cli.StatusStep{}
	for _, s := range status.Steps {
		got[s.Step] = s
	}
	if s := got["README & manifest"]; !s.Done || s.Evidence != "checks pass" {
		t.Fatalf("status says %+v", s)
	}
	if s := got["Publish"]; !s.Done || s.Evidence != "app_uuid kept: not new" {
		t.Fatalf("status says %+v", s)
	}
	if code, stdout, _ := h.run("", "check", dir); code != 0 || strings.Contains(stdout, "app-uuid") {
		t.Fatalf("check suggests an app_uuid change: %d %s", code, stdout)
	}
	// The wizard's checklist runs the same checks on the same folder.
	flows := journey.Flows{Store: &secrets.File{Path: filepath.Join(h.state, "secrets.json")}, Integration: "acme", Kind: "test", StateDir: h.state, Dir: dir}
	findings, err := flows.Check(context.Background(), dir)
	if err != nil || !journey.PublicationReady(findings) {
		t.Fatalf("wizard checklist: %+v %v", findings, err)
	}
	for _, f := range findings {
		if strings.Contains(f.Rule, "app-uuid") {
			t.Fatalf("the wizard suggests an app_uuid change: %+v", f)
		}
	}
}
