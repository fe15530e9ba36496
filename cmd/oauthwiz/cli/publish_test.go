package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oauthwiz/oauthwiz/cmd/oauthwiz/cli"
	"github.com/oauthwiz/oauthwiz/flows/sandbox"
	"github.com/oauthwiz/oauthwiz/flows/session"
)

func TestPublishWritesAppUUIDPushesAndRetests(t *testing.T) {
	t.Parallel()
	root, dir, fork := integrationRepo(t)
	gh, prs := fakeGitHub(t, fork)
	h := newHarness(t, sandbox.Options{Scopes: []string{"api_keys_write"}})
	h.dir = dir
	h.env["GH_TOKEN"] = "gh-canary-token"
	for _, site := range []string{"us1", "eu1"} {
		if code, _, stderr := h.run("", "authorize", "--site", site, "--no-browser", "--timeout", "10s"); code != 0 {
			t.Fatalf("authorize %s: %s", site, stderr)
		}
	}
	if code, stdout, stderr := h.run("", "pr", dir, "--yes", "--github-api-url", gh.URL); code != 0 || !strings.Contains(stdout, "created") {
		t.Fatalf("pr: %d %s %s", code, stdout, stderr)
	}
	code, stdout, stderr := h.run("", "publish", "--site", "us1", "--dir", dir, "--yes", "--json", "--github-api-url", gh.URL, "--timeout", "10s")
	var out cli.PublishJSON
	if code != 0 || json.Unmarshal([]byte(stdout), &out) != nil {
		t.Fatalf("publish: %d\n%s\n%s", code, stdout, stderr)
	}
	if out.AppUUID != h.sb.AppUUID() || !out.AppUUIDWritten || !strings.HasPrefix(out.Retest["us1"], "authorized as") || !strings.HasPrefix(out.Retest["eu1"], "authorized as") || out.PullRequest == "" || !strings.Contains(out.ClientSecret, "…") {
		t.Fatalf("publish result %+v", out)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if !strings.Contains(string(b), `"app_uuid": "`+out.AppUUID+`"`) {
		t.Fatalf("manifest:\n%s", b)
	}
	if git(t, fork, "rev-parse", "refs/heads/acme-oauth") != git(t, root, "rev-parse", "HEAD") || *prs != 1 {
		t.Fatalf("the app_uuid commit is not on the fork's PR branch (%d PRs)", *prs)
	}
	st, _ := session.Load(h.state, "acme")
	if st.PublishedAppUUID != out.AppUUID || st.PublishedTests["us1"].IsZero() || st.PublishedTests["eu1"].IsZero() || st.Clients["eu1/published"].ClientID != out.ClientID {
		t.Fatalf("session %+v", st)
	}
	// The check now compares the recorded app_uuid: it matches.
	if code, stdout, _ := h.run("", "check", dir); code != 0 || strings.Contains(stdout, "app-uuid") {
		t.Fatalf("check after publish: %d %s", code, stdout)
	}
	// The status reads the whole journey back, without a secret.
	code, stdout, _ = h.run("", "status", "--dir", dir, "--json")
	var status cli.StatusJSON
	if code != 0 || json.Unmarshal([]byte(stdout), &status) != nil || len(status.Steps) != 10 {
		t.Fatalf("status: %d %s", code, stdout)
	}
	for _, s := range status.Steps {
		if s.Step != "Every scope" && s.Step != "API key" && !s.Done { // neither was run in this test
			t.Errorf("step %q not done: %s", s.Step, s.Evidence)
		}
	}
	if strings.Contains(stdout, "ddsbx_") {
		t.Fatal("the status shows a secret")
	}
	// Publishing an existing integration leaves app_uuid alone.
	code, stdout, _ = h.run("", "publish", "--site", "us1", "--dir", dir, "--case", "existing", "--retest=false", "--json")
	if code != 0 || !strings.Contains(stdout, "keeps its app_uuid") || !strings.Contains(stdout, `"app_uuid_written":false`) {
		t.Fatalf("existing: %d %s", code, stdout)
	}
}
