package pullrequest

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/google/go-github/v60/github"

	"github.com/oauthwiz/oauthwiz/flows/inputs"
	"github.com/oauthwiz/oauthwiz/flows/sandbox"
)

// sandboxIntegration starts a sandbox with its GitHub stand-in, clones
// its integrations-extras and writes an integration, acme, in the clone.
func sandboxIntegration(t *testing.T, opts sandbox.Options) (*sandbox.Server, string) {
	t.Helper()
	opts.Sites, opts.GitHub = []string{"us1"}, true
	sb, err := sandbox.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sb.Close)
	clone := filepath.Join(t.TempDir(), "integrations-extras")
	if err := Clone(context.Background(), sb.GitHubURL()+"/DataDog/integrations-extras.git", clone, "master", 0, NewGitAuth(sandbox.GitHubToken, sb.GitHubURL())); err != nil {
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
	return sb, acme
}

// TestAgainstTheSandboxGitHub clones, forks, pushes and opens the pull
// request against the sandbox's GitHub stand-in: git over HTTP served by
// go-git, no git binary and no network.
func TestAgainstTheSandboxGitHub(t *testing.T) {
	sb, acme := sandboxIntegration(t, sandbox.Options{})
	gh, _ := NewGitHub(nil, sb.GitHubURL(), sandbox.GitHubToken)
	gh.Wait = func(context.Context, time.Duration) error { return nil }
	var stages []string
	res, err := Run(context.Background(), Options{IntegrationDir: acme, BaseRepo: "DataDog/integrations-extras", GitHub: gh, Auth: NewGitAuth(sandbox.GitHubToken, sb.GitHubURL()), Gate: checksGate,
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
	if err := Clone(context.Background(), sb.GitHubURL()+"/"+sandbox.GitHubLogin+"/integrations-extras.git", back, "acme-oauth", 0, NewGitAuth(sandbox.GitHubToken, sb.GitHubURL())); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(back, ".github", "CODEOWNERS")); err != nil || !strings.Contains(string(b), "/acme/ support@acme.example") {
		t.Fatalf("fork's CODEOWNERS: %q %v", b, err)
	}
	// GitHub opens no second pull request for the same head and base (one
	// that its list missed): said in words, with what to do.
	_, _, err = gh.Client.PullRequests.Create(context.Background(), "DataDog", "integrations-extras", &github.NewPullRequest{Title: github.String("again"), Head: github.String(sandbox.GitHubLogin + ":acme-oauth"), Base: github.String("master")})
	err = explainPullRefusal(err, "DataDog/integrations-extras", sandbox.GitHubLogin+":acme-oauth", "master")
	if err == nil || !strings.Contains(err.Error(), "A pull request already exists for partner:acme-oauth. (GitHub did not list it as open a moment ago): run 'oauthwiz pr' again") {
		t.Fatalf("a second pull request: %v", err)
	}
	if n := len(sb.PullRequests("DataDog/integrations-extras")); n != 1 {
		t.Errorf("%d pull requests after the refused one", n)
	}
}

// The pull requests GitHub will not open, said in words and pointing at
// the input to change: a head branch that is not on the fork, a base
// branch the repository lacks, a head with nothing the base lacks.
func TestPullRequestRefusalsSaidPlainly(t *testing.T) {
	sb, err := sandbox.Start(sandbox.Options{Sites: []string{"us1"}, GitHub: true})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	gh, _ := NewGitHub(nil, sb.GitHubURL(), sandbox.GitHubToken)
	gh.Wait = func(context.Context, time.Duration) error { return nil }
	ctx := context.Background()
	if _, _, err := gh.Fork(ctx, "DataDog", "integrations-extras", sandbox.GitHubLogin); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, branch, base string
		field              inputs.Field
		want               string
	}{
		{"head not pushed", "acme-oauth", "master", inputs.Branch, "the branch acme-oauth is not on the fork (partner:acme-oauth): the push did not land there; run 'oauthwiz pr' again"},
		{"no such base", "acme-oauth", "main", inputs.BaseBranch, "DataDog/integrations-extras has no branch main"},
		{"nothing to merge", "master", "master", inputs.Branch, "No commits between master and partner:master: the branch has nothing master lacks"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := gh.OpenOrUpdate(ctx, "DataDog", "integrations-extras", sandbox.GitHubLogin, tt.branch, tt.base, "Acme", "body", false, false)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "(422)") {
				t.Fatalf("got %v, want it to say %q", err, tt.want)
			}
			if f, _ := inputs.FieldOf(err); f != tt.field {
				t.Errorf("the error is about %q, want %q", f, tt.field)
			}
		})
	}
	if n := len(sb.PullRequests("DataDog/integrations-extras")); n != 0 {
		t.Errorf("%d pull requests opened", n)
	}
}

// A new fork's git objects come a moment after GitHub answers the fork
// request (GitHub documents forking as asynchronous): the push waits, says
// so, and lands.
func TestPushWaitsForANewFork(t *testing.T) {
	sb, acme := sandboxIntegration(t, sandbox.Options{GitHubForkDelay: 500 * time.Millisecond})
	gh, _ := NewGitHub(nil, sb.GitHubURL(), sandbox.GitHubToken)
	var waits []time.Duration
	gh.Wait = func(ctx context.Context, d time.Duration) error {
		waits = append(waits, d)
		time.Sleep(200 * time.Millisecond) // not d: the test need not last seconds
		return ctx.Err()
	}
	var stages []string
	res, err := Run(context.Background(), Options{IntegrationDir: acme, BaseRepo: "DataDog/integrations-extras", GitHub: gh, Auth: NewGitAuth(sandbox.GitHubToken, sb.GitHubURL()), Gate: checksGate,
		CodeOwners: "support@acme.example", Author: &object.Signature{Name: "PE", Email: "pe@acme.example", When: time.Now()},
		Progress: func(s string) { stages = append(stages, s) }})
	if err != nil {
		t.Fatalf("%v\nstages:\n%s", err, strings.Join(stages, "\n"))
	}
	said := strings.Join(stages, "\n")
	if len(waits) == 0 || waits[0] != 2*time.Second || !strings.Contains(said, "The fork is not there yet (GitHub copies a new fork in the background); pushing again in 2s…") {
		t.Errorf("waits %v; stages:\n%s", waits, said)
	}
	if res.PullRequest == nil || res.PullRequest.Action != "created" {
		t.Fatalf("result %+v", res)
	}
}
