package cli_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oauthwiz/oauthwiz/flows/secrets"
)

func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@x", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@x")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// fakeGitHub answers what 'oauthwiz pr' asks, with a local bare repository
// as the fork; it counts the pull requests opened.
func fakeGitHub(t *testing.T, fork string) (*httptest.Server, *int) {
	prs := new(int)
	open := false
	gh := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.Method + " " + r.URL.Path {
		case "GET /user":
			w.Write([]byte(`{"login":"partner"}`))
		case "GET /repos/partner/integrations-extras":
			json.NewEncoder(w).Encode(map[string]any{"fork": true, "clone_url": fork})
		case "GET /repos/DataDog/integrations-extras":
			w.Write([]byte(`{"default_branch":"master"}`))
		case "GET /repos/DataDog/integrations-extras/pulls":
			if open {
				w.Write([]byte(`[{"number":7,"html_url":"https://github.com/DataDog/integrations-extras/pull/7"}]`))
			} else {
				w.Write([]byte(`[]`))
			}
		case "POST /repos/DataDog/integrations-extras/pulls":
			*prs++
			open = true
			w.WriteHeader(201)
			w.Write([]byte(`{"number":7,"html_url":"https://github.com/DataDog/integrations-extras/pull/7"}`))
		case "PATCH /repos/DataDog/integrations-extras/pulls/7":
			w.Write([]byte(`{"number":7,"html_url":"https://github.com/DataDog/integrations-extras/pull/7"}`))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(gh.Close)
	return gh, prs
}

// integrationRepo is a clone holding a fixed acme integration, and a bare fork.
func integrationRepo(t *testing.T) (root, dir, fork string) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not found: install it (apt-get install git)")
	}
	root = t.TempDir()
	git(t, root, "init", "-q", "-b", "master")
	git(t, root, "config", "user.name", "Partner Engineer")
	git(t, root, "config", "user.email", "pe@acme.example")
	os.WriteFile(filepath.Join(root, "CODEOWNERS"), []byte("*\n"), 0o644)
	git(t, root, "add", "-A")
	git(t, root, "commit", "-q", "-m", "base")
	dir = filepath.Join(root, "acme")
	os.MkdirAll(filepath.Join(dir, "assets"), 0o755)
	os.WriteFile(filepath.Join(dir, "README.md"), []byte(strings.Replace(fixReadme, "### Uninstallation\n\nRemove the tile.", "## Uninstallation\n\nUninstalling Acme revokes all authorizations; disable its keys on the API Keys page.", 1)), 0o644)
	os.WriteFile(filepath.Join(dir, "manifest.json"), []byte(strings.Replace(fixManifest, `"support": "README.md#Support",`, `"support": "README.md#Support", "uninstallation": "README.md#Uninstallation",`, 1)), 0o644)
	os.WriteFile(filepath.Join(dir, "assets", "oauth_clients.json"), []byte(fixClients), 0o644)
	// The fork has the base; the clone tracks it as origin.
	fork = t.TempDir()
	git(t, fork, "clone", "-q", "--bare", root, ".")
	git(t, root, "remote", "add", "origin", fork)
	git(t, root, "fetch", "-q", "origin")
	return root, dir, fork
}

func TestPRCommand(t *testing.T) {
	t.Parallel()
	root, dir, fork := integrationRepo(t)
	gh, prs := fakeGitHub(t, fork)
	store := &secrets.Memory{}

	head := git(t, root, "rev-parse", "HEAD")
	code, stdout, stderr := runCLI(t, "", false, store, "pr", dir, "--dry-run")
	if code != 0 || !strings.Contains(stdout, "+++ b/acme/manifest.json") || !strings.Contains(stdout, "### What does this PR do?") || git(t, root, "rev-parse", "HEAD") != head {
		t.Fatalf("dry run: %d\n%s\n%s", code, stdout, stderr)
	}
	if code, _, _ := runCLI(t, "", false, store, "pr", dir); code != 1 || git(t, root, "rev-parse", "HEAD") != head {
		t.Fatalf("without --yes and a terminal: %d", code)
	}
	if code, _, stderr := runCLI(t, "", false, store, "pr", dir, "--yes", "--github-api-url", gh.URL); code != 2 || !strings.Contains(stderr, "GH_TOKEN") {
		t.Fatalf("no token: %d %s", code, stderr)
	}
	store.Set("github/token", "gh-token-from-the-keyring")
	code, stdout, stderr = runCLI(t, "", false, store, "pr", dir, "--yes", "--json", "--github-api-url", gh.URL)
	var res struct {
		Branch      string
		Commit      string
		PushedTo    string `json:"pushed_to"`
		PullRequest struct {
			Number int
			URL    string
			Action string
		} `json:"pull_request"`
	}
	if code != 0 || json.Unmarshal([]byte(stdout), &res) != nil || res.PullRequest.Number != 7 || res.PullRequest.Action != "created" || res.Branch != "acme-oauth" || *prs != 1 {
		t.Fatalf("pr: %d\n%s\n%s", code, stdout, stderr)
	}
	if git(t, fork, "rev-parse", "refs/heads/acme-oauth") != res.Commit {
		t.Fatal("the fork does not have the commit")
	}
	if strings.Contains(stdout+stderr, "gh-token-from-the-keyring") {
		t.Fatal("the token is printed")
	}
}

// A refusal says why: the secret's file, line, rule and masked value on
// stderr, and with --json a "blocked" document on stdout; exit 1. An
// unpushed commit of the checked-out branch is named, and not pushed.
func TestPRRefusalSaysWhy(t *testing.T) {
	t.Parallel()
	root, dir, fork := integrationRepo(t)
	gh, prs := fakeGitHub(t, fork)
	store := &secrets.Memory{}
	store.Set("github/token", "gh-token-from-the-keyring")
	os.WriteFile(filepath.Join(root, "notes.txt"), []byte("draft\n"), 0o644)
	git(t, root, "add", "notes.txt")
	git(t, root, "commit", "-q", "-m", "my local notes")
	os.WriteFile(filepath.Join(dir, "config.yaml"), []byte("name: acme\nclient_secret: Zx9canarySecretValue0042abcd\n"), 0o644)

	code, stdout, stderr := runCLI(t, "", false, store, "pr", dir, "--yes", "--json", "--github-api-url", gh.URL)
	var doc struct {
		Blocked struct {
			Reason  string
			Secrets []struct {
				File, Rule, Masked string
				Line               int
			}
		}
	}
	if code != 1 || json.Unmarshal([]byte(stdout), &doc) != nil || doc.Blocked.Reason != "secrets" || len(doc.Blocked.Secrets) != 1 {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
	hit := doc.Blocked.Secrets[0]
	if hit.File != "acme/config.yaml" || hit.Line != 2 || hit.Rule != "credential-assignment" || hit.Masked != "Zx9c…abcd" {
		t.Fatalf("finding %+v", hit)
	}
	if !strings.Contains(stderr, "acme/config.yaml:2") || !strings.Contains(stderr, "Zx9c…abcd") || strings.Contains(stdout+stderr, "canarySecretValue") || *prs != 0 {
		t.Fatalf("stderr:\n%s", stderr)
	}

	os.Remove(filepath.Join(dir, "config.yaml"))
	code, stdout, stderr = runCLI(t, "", false, store, "pr", dir, "--dry-run")
	if code != 0 || !strings.Contains(stdout, "Not pushed: your checked-out branch has 1 commit that is not on origin/master") || !strings.Contains(stdout, "my local notes (notes.txt)") {
		t.Fatalf("dry run: %d\n%s\n%s", code, stdout, stderr)
	}
	code, _, stderr = runCLI(t, "", false, store, "pr", dir, "--yes", "--github-api-url", gh.URL)
	if code != 0 || *prs != 1 {
		t.Fatalf("pr: %d %s", code, stderr)
	}
	if files := git(t, fork, "ls-tree", "-r", "--name-only", "acme-oauth"); strings.Contains(files, "notes.txt") {
		t.Fatalf("the unpushed local commit reached the fork:\n%s", files)
	}
}

func TestPRClonesTheForkWhenThereIsNoClone(t *testing.T) {
	root, dir, fork := integrationRepo(t)
	git(t, fork, "fetch", "-q", root, "master:master") // the fork has the base branch
	gh, prs := fakeGitHub(t, fork)
	outside := filepath.Join(t.TempDir(), "acme")
	os.Rename(dir, outside)
	store := &secrets.Memory{}
	store.Set("github/token", "gh-token")
	home := t.TempDir() // the git identity comes from the user's global config
	os.WriteFile(filepath.Join(home, ".gitconfig"), []byte("[user]\n\tname = PE\n\temail = pe@acme.example\n"), 0o644)
	t.Setenv("HOME", home)
	if code, _, stderr := runCLI(t, "", false, store, "pr", outside, "--yes", "--github-api-url", gh.URL); code != 2 || !strings.Contains(stderr, "--clone-into") {
		t.Fatalf("no clone: %d %s", code, stderr)
	}
	clone := filepath.Join(t.TempDir(), "integrations-extras")
	code, stdout, stderr := runCLI(t, "", false, store, "pr", outside, "--yes", "--clone-into", clone, "--github-api-url", gh.URL)
	if code != 0 || *prs != 1 || !strings.Contains(stdout, "Pull request #7 created") {
		t.Fatalf("clone and PR: %d\n%s\n%s", code, stdout, stderr)
	}
	if git(t, clone, "rev-list", "--count", "HEAD") != "2" { // the shallow base commit and ours
		t.Fatalf("history: %s", git(t, clone, "log", "--oneline"))
	}
}
