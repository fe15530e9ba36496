package pullrequest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/oauthwiz/oauthwiz/checks"
)

// fakeGitHub records requests, in the manner of go-github's own tests.
type fakeGitHub struct {
	mu        sync.Mutex
	requests  []string
	forkPath  string // the local bare repository standing for the fork
	forkReady bool
	forkPolls int // GETs of the fork answered 404 after a 202, before it appears
	prs       []map[string]any
	srv       *httptest.Server
}

func newFakeGitHub(t *testing.T, forkPath string, forkExists bool) *fakeGitHub {
	f := &fakeGitHub{forkPath: forkPath, forkReady: forkExists}
	if !forkExists {
		f.forkPolls = 3 // one 404 before the fork is asked for, one while GitHub copies it
	}
	mux := http.NewServeMux()
	reply := func(w http.ResponseWriter, status int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(v)
	}
	mux.HandleFunc("GET /user", func(w http.ResponseWriter, r *http.Request) { reply(w, 200, map[string]any{"login": "partner"}) })
	mux.HandleFunc("GET /repos/DataDog/integrations-extras", func(w http.ResponseWriter, r *http.Request) {
		reply(w, 200, map[string]any{"full_name": "DataDog/integrations-extras", "default_branch": "master"})
	})
	mux.HandleFunc("GET /repos/partner/integrations-extras", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		if !f.forkReady {
			if f.forkPolls > 0 {
				f.forkPolls--
			}
			if f.forkPolls == 0 && len(f.requests) > 0 && strings.Contains(strings.Join(f.requests, "|"), "POST /repos/DataDog/integrations-extras/forks") {
				f.forkReady = true
			} else {
				reply(w, 404, map[string]any{"message": "Not Found"})
				return
			}
		}
		reply(w, 200, map[string]any{"full_name": "partner/integrations-extras", "fork": true, "clone_url": f.forkPath})
	})
	mux.HandleFunc("POST /repos/DataDog/integrations-extras/forks", func(w http.ResponseWriter, r *http.Request) {
		reply(w, 202, map[string]any{"full_name": "partner/integrations-extras", "fork": true, "clone_url": f.forkPath})
	})
	mux.HandleFunc("GET /repos/DataDog/integrations-extras/pulls", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		var out []map[string]any
		for _, pr := range f.prs {
			if pr["head"].(map[string]any)["label"] == r.URL.Query().Get("head") {
				out = append(out, pr)
			}
		}
		reply(w, 200, append([]map[string]any{}, out...))
	})
	mux.HandleFunc("POST /repos/DataDog/integrations-extras/pulls", func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		json.NewDecoder(r.Body).Decode(&body)
		f.mu.Lock()
		defer f.mu.Unlock()
		n := len(f.prs) + 1
		pr := map[string]any{"number": n, "html_url": fmt.Sprintf("https://github.com/DataDog/integrations-extras/pull/%d", n), "head": map[string]any{"label": body["head"]},
			"title": body["title"], "body": body["body"], "base": map[string]any{"ref": body["base"]}}
		f.prs = append(f.prs, pr)
		reply(w, 201, pr)
	})
	mux.HandleFunc("PATCH /repos/DataDog/integrations-extras/pulls/{n}", func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		json.NewDecoder(r.Body).Decode(&body)
		f.mu.Lock()
		defer f.mu.Unlock()
		pr := f.prs[0]
		for _, k := range []string{"body", "title"} { // GitHub edits only what is sent
			if v, ok := body[k]; ok {
				pr[k] = v
			}
		}
		reply(w, 200, pr)
	})
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.requests = append(f.requests, r.Method+" "+r.URL.Path)
		f.mu.Unlock()
		if r.Header.Get("Authorization") != "Bearer gh-canary-token-123456" {
			http.Error(w, `{"message":"Bad credentials"}`, http.StatusUnauthorized)
			return
		}
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeGitHub) did(req string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, r := range f.requests {
		if r == req {
			return true
		}
	}
	return false
}

// prRepo is a clone with a fixed acme integration ready to publish.
func prRepo(t *testing.T) (root, fork string) {
	needGit(t)
	root = newRepo(t, 3, 1)
	os.MkdirAll(filepath.Join(root, ".github"), 0o755)
	os.WriteFile(filepath.Join(root, ".github", "PULL_REQUEST_TEMPLATE.md"), []byte("### What does this PR do?\n\n### Motivation\n\n### Review checklist\n\n- [ ] Tests\n\n### Additional Notes\n"), 0o644)
	gitCmd(t, root, "add", "-A")
	gitCmd(t, root, "commit", "-q", "-m", "template")
	published(t, root)
	acme := filepath.Join(root, "acme")
	os.MkdirAll(filepath.Join(acme, "assets"), 0o755)
	os.WriteFile(filepath.Join(acme, "README.md"), []byte("# Acme\n\n## Overview\n\nx\n\n## Setup\n\nx\n\n## Uninstallation\n\nUninstalling Acme revokes all authorizations. Disable its keys on the [API Keys page][1].\n\n[1]: /organization-settings/api-keys?filter=Acme\n"), 0o644)
	os.WriteFile(filepath.Join(acme, "manifest.json"), []byte(`{"app_id": "acme", "app_uuid": "0193a8e2-6f0c-7c3e-9d1a-2b4c6d8e0f12", "tile": {"support": "README.md#Support", "uninstallation": "README.md#Uninstallation", "title": "Acme"}, "assets": {"oauth": "assets/oauth_clients.json"}}`), 0o644)
	os.WriteFile(filepath.Join(acme, "assets", "oauth_clients.json"), []byte(`{"integration": {"redirect_uris": ["https://acme.example/cb"], "scopes": ["api_keys_write"], "onboarding_url": "https://acme.example/on", "client_role": "integration"}}`), 0o644)
	fork = t.TempDir()
	gitCmd(t, fork, "init", "-q", "--bare")
	return root, fork
}

// checksGate is the pre-submission checks as a gate, as the journey gives it.
func checksGate(dir string) ([]Finding, error) {
	found, err := checks.Integration(dir, checks.Options{})
	out := make([]Finding, len(found))
	for i, f := range found {
		out[i] = Finding{Rule: f.Rule, Severity: f.Severity, File: f.File, Line: f.Line, Message: f.Message, Fix: f.Fix}
	}
	return out, err
}

func prOptions(root string, gh *GitHub) Options {
	return Options{IntegrationDir: filepath.Join(root, "acme"), BaseRepo: "DataDog/integrations-extras", GitHub: gh, Auth: GitAuth{Token: "gh-canary-token-123456"}, Gate: checksGate,
		Author: &object.Signature{Name: "PE", Email: "pe@acme.example", When: time.Now()}, Evidence: Evidence{Sites: []string{"us1", "eu1"}}}
}

func TestPullRequestCreatedThenUpdated(t *testing.T) {
	root, fork := prRepo(t)
	fake := newFakeGitHub(t, fork, false)
	gh, _ := NewGitHub(nil, fake.srv.URL, "gh-canary-token-123456")
	waits := 0
	gh.Wait = func(context.Context, time.Duration) error { waits++; return nil }
	// A new integration: its CODEOWNERS line goes with it, as the journey
	// asks (the checks would otherwise warn that it has none).
	o := prOptions(root, gh)
	o.CodeOwners = "@acme/integrations"
	res, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if res.PullRequest == nil || res.PullRequest.Action != "created" || res.PullRequest.Number != 1 || res.Branch != "acme-oauth" {
		t.Fatalf("result %+v", res)
	}
	if !fake.did("POST /repos/DataDog/integrations-extras/forks") || waits == 0 {
		t.Fatalf("the fork was not created, or its copy not waited for (%d waits)", waits)
	}
	if got := gitCmd(t, fork, "rev-parse", "refs/heads/acme-oauth"); got != res.Commit {
		t.Fatalf("fork has %s, commit %s", got, res.Commit)
	}
	body := fake.prs[0]["body"].(string)
	for _, want := range []string{"### What does this PR do?", "Adds OAuth to Acme", "`acme/README.md (added)`", "## Uninstallation", "Test authorization (PKCE) passed on: eu1, us1.", "every pre-submission check passed", "- [ ] Tests"} {
		if !strings.Contains(body, want) {
			t.Errorf("PR body lacks %q:\n%s", want, body)
		}
	}
	if fake.prs[0]["title"] != "[Acme] Add OAuth client" || fake.prs[0]["head"].(map[string]any)["label"] != "partner:acme-oauth" || fake.prs[0]["base"].(map[string]any)["ref"] != "master" {
		t.Fatalf("PR %+v", fake.prs[0])
	}
	// The token is in no file of the clone.
	cfg, _ := os.ReadFile(filepath.Join(root, ".git", "config"))
	if strings.Contains(string(cfg), "gh-canary-token") || strings.Contains(string(cfg), fork) {
		t.Fatal("the token or the push URL was written into .git/config")
	}

	// The author edits the pull request on GitHub: a ticked box, a note.
	fake.mu.Lock()
	fake.prs[0]["body"] = strings.Replace(body, "- [ ] Tests", "- [x] Tests", 1) + "\nReviewer note: logo is final.\n"
	fake.prs[0]["title"] = "[Acme] OAuth client, take two"
	fake.mu.Unlock()

	// A second change: the same PR is updated, not a second one opened.
	os.WriteFile(filepath.Join(root, "acme", "CHANGELOG.md"), []byte("# CHANGELOG\n\n## 1.0.0\n"), 0o644)
	o = prOptions(root, gh)
	o.Branch = "acme-oauth"
	res2, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if res2.PullRequest.Action != "updated" || res2.PullRequest.Number != 1 || len(fake.prs) != 1 {
		t.Fatalf("second run: %+v, %d PRs", res2.PullRequest, len(fake.prs))
	}
	body = fake.prs[0]["body"].(string)
	for _, want := range []string{"- [x] Tests", "Reviewer note: logo is final.", "`acme/CHANGELOG.md (added)`", "`acme/README.md (added)`"} {
		if !strings.Contains(body, want) {
			t.Errorf("updated body lacks %q:\n%s", want, body)
		}
	}
	if fake.prs[0]["title"] != "[Acme] OAuth client, take two" {
		t.Errorf("the title the author chose was replaced: %v", fake.prs[0]["title"])
	}
}

func TestPullRequestStops(t *testing.T) {
	tests := []struct {
		name string
		edit func(root string)
		opts func(*Options)
		want error
	}{
		{"secret in the diff", func(root string) {
			os.WriteFile(filepath.Join(root, "acme", "notes.txt"), []byte("client_secret: Zx9-canary-secret-value-0042\n"), 0o644)
		}, nil, ErrSecretInDiff},
		{"stored secret in the diff", func(root string) {
			os.WriteFile(filepath.Join(root, "acme", "notes.txt"), []byte("the-stored-client-secret-77\n"), 0o644)
		}, func(o *Options) { o.KnownSecrets = []string{"the-stored-client-secret-77"} }, ErrSecretInDiff},
		{"check errors", func(root string) {
			os.WriteFile(filepath.Join(root, "acme", "README.md"), []byte("# Acme\n\n## Setup\n\n### Uninstallation\n"), 0o644)
		}, nil, ErrChecksFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root, fork := prRepo(t)
			tt.edit(root)
			fake := newFakeGitHub(t, fork, true)
			gh, _ := NewGitHub(nil, fake.srv.URL, "gh-canary-token-123456")
			o := prOptions(root, gh)
			if tt.opts != nil {
				tt.opts(&o)
			}
			head := gitCmd(t, root, "rev-parse", "HEAD")
			_, err := Run(context.Background(), o)
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			if strings.Contains(err.Error(), "canary-secret-value") || strings.Contains(err.Error(), "the-stored-client-secret-77") {
				t.Fatal("the error repeats the secret")
			}
			if gitCmd(t, root, "rev-parse", "HEAD") != head || len(fake.requests) != 0 {
				t.Fatalf("something was committed or sent: %v", fake.requests)
			}
		})
	}
}

func TestForcedPushRecordsTheReason(t *testing.T) {
	root, fork := prRepo(t)
	os.WriteFile(filepath.Join(root, "acme", "README.md"), []byte("# Acme\n\n## Setup\n\n### Uninstallation\n"), 0o644)
	fake := newFakeGitHub(t, fork, true)
	gh, _ := NewGitHub(nil, fake.srv.URL, "gh-canary-token-123456")
	o := prOptions(root, gh)
	o.ForceReason = "the docs team asked for H3 here"
	if _, err := Run(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	if body := fake.prs[0]["body"].(string); !strings.Contains(body, "Pushed despite check errors: the docs team asked for H3 here") || !strings.Contains(body, "readme/uninstallation-level") {
		t.Fatalf("body:\n%s", body)
	}
}

func TestDryRunChangesNothing(t *testing.T) {
	root, fork := prRepo(t)
	fake := newFakeGitHub(t, fork, true)
	gh, _ := NewGitHub(nil, fake.srv.URL, "gh-canary-token-123456")
	o := prOptions(root, gh)
	o.DryRun = true
	head := gitCmd(t, root, "rev-parse", "HEAD")
	res, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res.Diff, "+++ b/acme/README.md") || !strings.Contains(res.PushedTo, "dry run") || !strings.Contains(res.Body, "Adds OAuth to Acme") ||
		res.BaseRepo != "DataDog/integrations-extras" || res.Checkout != "your working tree will switch from master to branch acme-oauth (git checkout acme-oauth)" {
		t.Fatalf("dry run: %+v", res)
	}
	if gitCmd(t, root, "rev-parse", "HEAD") != head || gitCmd(t, root, "branch", "--list", "acme-oauth") != "" || len(fake.requests) != 0 {
		t.Fatal("the dry run changed something")
	}
}

// divergedFork is a clone ready to publish and a fork whose acme-oauth
// branch already has a commit this clone lacks.
func divergedFork(t *testing.T) (root, fork string) {
	root, fork = prRepo(t)
	other := t.TempDir()
	gitCmd(t, other, "clone", "-q", root, ".")
	gitCmd(t, other, "checkout", "-q", "-b", "acme-oauth")
	os.WriteFile(filepath.Join(other, "y"), []byte("y"), 0o644)
	gitCmd(t, other, "add", "y")
	gitCmd(t, other, "commit", "-q", "-m", "elsewhere")
	gitCmd(t, other, "push", "-q", fork, "acme-oauth")
	return root, fork
}

func TestPushRejectedIsExplained(t *testing.T) {
	root, fork := divergedFork(t)
	fake := newFakeGitHub(t, fork, true)
	gh, _ := NewGitHub(nil, fake.srv.URL, "gh-canary-token-123456")
	o := prOptions(root, gh)
	o.Rebase = func(string) bool { return false } // offered, declined
	_, err := Run(context.Background(), o)
	if !errors.Is(err, ErrPushRejected) || !strings.Contains(err.Error(), "rebase") {
		t.Fatalf("got %v", err)
	}
}

func TestRebaseOnTheForksBranch(t *testing.T) {
	root, fork := divergedFork(t)
	fake := newFakeGitHub(t, fork, true)
	gh, _ := NewGitHub(nil, fake.srv.URL, "gh-canary-token-123456")
	o := prOptions(root, gh)
	asked := ""
	o.Rebase = func(b string) bool { asked = b; return true }
	res, err := Run(context.Background(), o)
	if err != nil || asked != "acme-oauth" || !strings.Contains(res.Commit, "rebased") || res.PullRequest == nil {
		t.Fatalf("rebase: %v %+v", err, res)
	}
	files := strings.Fields(gitCmd(t, fork, "ls-tree", "-r", "--name-only", "acme-oauth"))
	has := map[string]bool{}
	for _, f := range files {
		has[f] = true
	}
	if !has["acme/README.md"] || !has["y"] {
		t.Fatalf("fork branch files: %v", files)
	}
	if parent := gitCmd(t, fork, "log", "-1", "--format=%s", "acme-oauth^"); parent != "elsewhere" {
		t.Fatalf("the rebased commit's parent is %q", parent)
	}
}

func TestGitHubErrorsExplained(t *testing.T) {
	root, fork := prRepo(t)
	fake := newFakeGitHub(t, fork, true)
	gh, _ := NewGitHub(nil, fake.srv.URL, "wrong-token")
	_, err := Run(context.Background(), prOptions(root, gh))
	if err == nil || !strings.Contains(err.Error(), "GH_TOKEN") {
		t.Fatalf("bad token: %v", err)
	}
}

func TestCodeOwnersAndForkRemoteByName(t *testing.T) {
	root, fork := prRepo(t)
	gitCmd(t, root, "remote", "add", "myfork", fork)
	o := prOptions(root, nil)
	o.NoPush, o.CodeOwners = true, "@acme/integrations"
	res, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if got := gitCmd(t, root, "show", "HEAD:.github/CODEOWNERS"); !strings.HasSuffix(got, "/acme/ @acme/integrations") {
		t.Fatalf("CODEOWNERS:\n%s", got)
	}
	if st := gitCmd(t, root, "status", "--porcelain"); st != "" {
		t.Fatalf("status after the commit:\n%s", st)
	}
	found := false
	for _, f := range res.Files {
		found = found || f == ".github/CODEOWNERS"
	}
	if !found {
		t.Fatalf("files %v", res.Files)
	}
	url, err := RemoteURL(root, "myfork")
	if err != nil || url != fork {
		t.Fatalf("remote by name: %s %v", url, err)
	}
	if _, err := RemoteURL(root, "nope"); err == nil || !strings.Contains(err.Error(), "git remote -v") {
		t.Fatalf("unknown remote: %v", err)
	}
	if err := Push(context.Background(), root, url, "acme-oauth", GitAuth{}, nil); err != nil {
		t.Fatal(err)
	}
}

func TestResumedPushIsScannedToo(t *testing.T) {
	root, fork := prRepo(t)
	fake := newFakeGitHub(t, fork, true)
	gh, _ := NewGitHub(nil, fake.srv.URL, "gh-canary-token-123456")
	o := prOptions(root, gh)
	o.NoPush = true
	if _, err := Run(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	// A commit made by hand on the branch, with a secret in it.
	os.WriteFile(filepath.Join(root, "acme", "notes.txt"), []byte("api_key: 9f8e7d6c5b4a39281706f5e4d3c2b1a0\n"), 0o644)
	gitCmd(t, root, "add", "acme/notes.txt")
	gitCmd(t, root, "commit", "-q", "-m", "notes")
	_, err := Run(context.Background(), prOptions(root, gh))
	if !errors.Is(err, ErrSecretInDiff) || len(fake.requests) != 0 {
		t.Fatalf("resumed push with a secret: %v, requests %v", err, fake.requests)
	}
}

// A run that resumes from the commit of an earlier run (which failed to push)
// lists the same changed files in the body, not every file of the folder.
func TestResumedRunListsTheBranchChanges(t *testing.T) {
	root, _ := prRepo(t)
	first, err := Run(context.Background(), func() Options { o := prOptions(root, nil); o.NoPush = true; return o }())
	if err != nil {
		t.Fatal(err)
	}
	again, err := Run(context.Background(), func() Options { o := prOptions(root, nil); o.NoPush = true; return o }())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(again.Files, ",") != strings.Join(first.Files, ",") || len(first.Files) == 0 {
		t.Fatalf("first run %v, resumed run %v", first.Files, again.Files)
	}
	for _, f := range first.Files {
		if !strings.Contains(again.Body, f) {
			t.Fatalf("the resumed body lacks %s:\n%s", f, again.Body)
		}
	}
	if strings.Contains(again.Body, "committed earlier") || again.Commit != first.Commit {
		t.Fatalf("commit %s vs %s; body:\n%s", again.Commit, first.Commit, again.Body)
	}
}

// What is pushed is scanned as check scans it: a dummy in tests/ and a value
// the root's allowlist explains pass; any other secret, and a stored secret
// wherever it is, block the push.
func TestPushScanHonoursFixturesAndTheAllowlist(t *testing.T) {
	root := t.TempDir()
	os.WriteFile(filepath.Join(root, ".oauthwiz-allowlist"), []byte("acme/docs/sample.py 9c1e…5c2f the vendor's published sample\n"), 0o644)
	commit := func(path, body string) []PushedCommit {
		return []PushedCommit{{CommitInfo: CommitInfo{Hash: "c0ffee"}, Changes: []Change{{Path: path, Action: "added", After: []byte(body)}}}}
	}
	tests := []struct {
		name, path, body string
		blocked          bool
	}{
		{"dummy in tests/", "acme/tests/conftest.py", "API_KEY = '0f1e2d3c4b5a69788796a5b4c3d2e1f0'\n", false},
		{"allowlisted sample", "acme/docs/sample.py", "API_KEY = '9c1e7a3f5b2d8e4a6c0f1b9d3e7a5c2f'\n", false},
		{"the same value elsewhere", "acme/assets/config.py", "API_KEY = '9c1e7a3f5b2d8e4a6c0f1b9d3e7a5c2f'\n", true},
		{"a stored secret in tests/", "acme/tests/conftest.py", "TOKEN = 'canary-secret-value-123'\n", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := scan(commit(tt.path, tt.body), []string{"canary-secret-value-123"}, root)
			var blocked *BlockedError
			if got := errors.As(err, &blocked); got != tt.blocked {
				t.Fatalf("blocked = %v (%v), want %v", got, err, tt.blocked)
			}
		})
	}
}
