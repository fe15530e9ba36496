package pullrequest

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/oauthwiz/oauthwiz/flows/sandbox"
)

// TestAgainstTheSandboxGitHub clones, forks, pushes and opens the pull
// request against the sandbox's GitHub stand-in: git over HTTP served by
// go-git, no git binary and no network.
func TestAgainstTheSandboxGitHub(t *testing.T) {
	sb, err := sandbox.Start(sandbox.Options{Sites: []string{"us1"}, GitHub: true})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	clone := filepath.Join(t.TempDir(), "integrations-extras")
	if err := Clone(context.Background(), sb.GitHubURL()+"/DataDog/integrations-extras.git", clone, "master", 0, NewGitAuth("sandbox", sb.GitHubURL())); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(clone, ".github", "PULL_REQUEST_TEMPLATE.md")); err != nil || !strings.Contains(string(b), "What does this PR do?") {
		t.Fatalf("clone: %v", err)
	}
	acme := filepath.Join(clone, "acme")
	os.MkdirAll(filepath.Join(acme, "assets"), 0o755)
	os.WriteFile(filepath.Join(acme, "README.md"), []byte("# Acme\n\n## Overview\n\nx\n\n## Setup\n\nx\n\n## Uninstallation\n\nUninstalling Acme revokes all authorizations. Disable its keys on the [API Keys page][1].\n\n[1]: /organization-settings/api-keys?filter=Acme\n"), 0o644)
	os.WriteFile(filepath.Join(acme, "manifest.json"), []byte(`{"app_id": "acme", "tile": {"support": "README.md#Support", "uninstallation": "README.md#Uninstallation", "title": "Acme"}, "assets": {"oauth": "assets/oauth_clients.json"}, "author": {"support_email": "support@acme.example"}}`), 0o644)
	os.WriteFile(filepath.Join(acme, "assets", "oauth_clients.json"), []byte(`{"integration": {"redirect_uris": ["https://acme.example/cb"], "scopes": ["api_keys_write"], "onboarding_url": "https://acme.example/on", "client_role": "integration"}}`), 0o644)
	gh, _ := NewGitHub(nil, sb.GitHubURL(), "sandbox-token")
	gh.Wait = func(context.Context, time.Duration) error { return nil }
	var stages []string
	res, err := Run(context.Background(), Options{IntegrationDir: acme, BaseRepo: "DataDog/integrations-extras", GitHub: gh, Auth: NewGitAuth("sandbox-token", sb.GitHubURL()), Gate: checksGate,
		CodeOwners: "support@acme.example", Author: &object.Signature{Name: "PE", Email: "pe@acme.example", When: time.Now()},
		Progress: func(s string) { stages = append(stages, s) }})
	if err != nil {
		t.Fatal(err)
	}
	// Each stage is said as it starts, with what the push carries and how
	// much of its pack has gone.
	said := strings.Join(stages, "\n")
	for _, want := range []string{"Committing acme on branch acme-oauth…", "Pushing 1 commit (4 files, ", "to " + sb.GitHubURL() + "/" + sandbox.GitHubLogin + "/integrations-extras", " objects, ", "\nSent ", "Opening the pull request on DataDog/integrations-extras…"} {
		if !strings.Contains(said, want) {
			t.Errorf("the stages lack %q:\n%s", want, said)
		}
	}
	prs := sb.PullRequests("DataDog/integrations-extras")
	if res.PullRequest == nil || res.PullRequest.Action != "created" || len(prs) != 1 || prs[0].Head != sandbox.GitHubLogin+":acme-oauth" || !strings.Contains(prs[0].Body, "Adds OAuth to Acme") {
		t.Fatalf("result %+v, PRs %+v", res, prs)
	}
	// The fork has the branch: clone it back and look.
	back := t.TempDir()
	if err := Clone(context.Background(), sb.GitHubURL()+"/"+sandbox.GitHubLogin+"/integrations-extras.git", back, "acme-oauth", 0, NewGitAuth("sandbox", sb.GitHubURL())); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(back, ".github", "CODEOWNERS")); err != nil || !strings.Contains(string(b), "/acme/ support@acme.example") {
		t.Fatalf("fork's CODEOWNERS: %q %v", b, err)
	}
}
