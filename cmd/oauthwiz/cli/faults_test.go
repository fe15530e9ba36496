package cli_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oauthwiz/oauthwiz/flows/integration"
	"github.com/oauthwiz/oauthwiz/flows/pullrequest"
	"github.com/oauthwiz/oauthwiz/flows/sandbox"
)

// TestFaults injects latency, 5xx, 429, reset connections and malformed
// bodies into each network step, and checks that the step either completes
// or stops with a clear message and exit code, that running it again
// completes, and that no API key is created twice, no test object is left,
// and no secret is printed.
func TestFaults(t *testing.T) {
	t.Parallel()
	steps := map[string][]string{
		"authorize": {"authorize", "--site", "us1", "--no-browser", "--timeout", "10s"},
		"apikey":    {"apikey", "create", "--site", "us1"},
		"scopes":    {"scopes", "check", "--site", "us1"},
	}
	tests := []struct {
		name  string
		step  string
		fault sandbox.Fault
		code  int // the faulty run's exit code
		want  string
	}{
		{"token 503", "authorize", sandbox.Fault{Path: "/oauth2/v1/token", Status: 503, Times: 1}, 3, "answered 503"},
		{"token reset", "authorize", sandbox.Fault{Path: "/oauth2/v1/token", Reset: true, Times: 1}, 3, "/oauth2/v1/token"},
		{"token malformed", "authorize", sandbox.Fault{Path: "/oauth2/v1/token", Malformed: true, Times: 1}, 3, "/oauth2/v1/token"},
		{"authorize latency", "authorize", sandbox.Fault{Path: "/oauth2/v1/authorize", Latency: 200 * time.Millisecond, Times: 1}, 0, ""},
		{"api key 503", "apikey", sandbox.Fault{Path: "/api/v2/api_keys/marketplace", Status: 503, Times: 1}, 3, "answered 503"},
		{"api key reset", "apikey", sandbox.Fault{Path: "/api/v2/api_keys/marketplace", Reset: true, Times: 1}, 3, "api_keys/marketplace"},
		{"api key malformed", "apikey", sandbox.Fault{Path: "/api/v2/api_keys/marketplace", Malformed: true, Times: 1}, 3, "not the expected JSON"},
		{"api key 429 waited out", "apikey", sandbox.Fault{Path: "/api/v2/api_keys/marketplace", Status: 429, Times: 1}, 0, ""},
		{"validate latency", "apikey", sandbox.Fault{Path: "/api/v1/validate", Latency: 200 * time.Millisecond, Times: 1}, 0, ""},
		{"probe 5xx retried", "scopes", sandbox.Fault{Method: "GET", Path: "/api/v1/dashboard", Status: 502, Times: 2}, 0, ""},
		{"probe 429 waited out", "scopes", sandbox.Fault{Method: "GET", Path: "/api/v1/monitor", Status: 429, Times: 1}, 0, ""},
		{"probe malformed", "scopes", sandbox.Fault{Method: "GET", Path: "/api/v1/dashboard", Malformed: true, Times: 4}, 1, "not valid JSON"},
		{"probe create reset", "scopes", sandbox.Fault{Method: "POST", Path: "/api/v1/dashboard", Reset: true, Times: 1}, 1, "never retried blindly"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, sandbox.Options{Scopes: []string{"api_keys_write", "dashboards_read", "dashboards_write", "monitors_read"}})
			var outputs strings.Builder
			run := func(step string) (int, string) {
				code, stdout, stderr := h.run("", steps[step]...)
				outputs.WriteString(stdout + stderr)
				return code, stdout + stderr
			}
			// The steps before the one under test, without faults.
			for _, before := range []string{"authorize", "apikey"} {
				if before == tt.step {
					break
				}
				if code, out := run(before); code != 0 {
					t.Fatalf("%s: %d %s", before, code, out)
				}
			}
			h.sb.SetFaults([]sandbox.Fault{tt.fault})
			code, out := run(tt.step)
			if code != tt.code || !strings.Contains(out, tt.want) {
				t.Fatalf("faulty %s: exit %d (want %d), want %q:\n%s", tt.step, code, tt.code, tt.want, out)
			}
			h.sb.SetFaults(nil)
			if code, out := run(tt.step); code != 0 {
				t.Fatalf("%s again, without the fault: %d\n%s", tt.step, code, out)
			}
			st := h.sb.State()
			perOrg := map[string]int{}
			for _, k := range st.APIKeys {
				perOrg[k.OrgID]++
				if perOrg[k.OrgID] > 1 {
					t.Fatal("an API key was created twice")
				}
			}
			if len(st.Objects) != 0 {
				t.Fatalf("test objects left: %+v", st.Objects)
			}
			// Canary: no client secret, token or key in any output, and no
			// file of the state folder but the secret store holds one.
			var canaries []string
			for _, c := range h.sb.Discovery().Clients {
				canaries = append(canaries, c.ClientSecret)
			}
			b, _ := os.ReadFile(filepath.Join(h.state, "secrets.json"))
			var stored map[string]string
			json.Unmarshal(b, &stored)
			for _, v := range stored {
				canaries = append(canaries, v)
				var rec map[string]any
				if json.Unmarshal([]byte(v), &rec) == nil {
					for _, f := range []string{"access_token", "refresh_token", "key"} {
						if s, ok := rec[f].(string); ok {
							canaries = append(canaries, s)
						}
					}
				}
			}
			filepath.Walk(h.state, func(p string, info os.FileInfo, err error) error {
				if err != nil || info.IsDir() || filepath.Base(p) == "secrets.json" {
					return nil
				}
				data, _ := os.ReadFile(p)
				for _, c := range canaries {
					if len(c) > 8 && strings.Contains(string(data), c) {
						t.Errorf("%s holds a secret", p)
					}
				}
				return nil
			})
			for _, c := range canaries {
				if len(c) > 8 && strings.Contains(outputs.String(), c) {
					t.Fatalf("a secret was printed: …%s", c[len(c)-4:])
				}
			}
		})
	}
}

// TestFaultsOnManifestImportAndGitHub: the import, the GitHub API and the
// push fail once; the next run completes, with one pull request.
func TestFaultsOnManifestImportAndGitHub(t *testing.T) {
	tests := []struct {
		name  string
		fault sandbox.Fault
		step  string
		want  string
	}{
		{"import 500", sandbox.Fault{Path: "/apps/import", Status: 500, Times: 1}, "import", "answered 500"},
		{"import reset", sandbox.Fault{Path: "/apps/import", Reset: true, Times: 1}, "import", "apps/import"},
		{"GitHub 502 on the pull request", sandbox.Fault{Method: "POST", Path: "/repos/DataDog/integrations-extras/pulls", Status: 502, Times: 1}, "pr", "502"},
		{"GitHub rate limit on the fork", sandbox.Fault{Path: "/repos/partner/integrations-extras", Status: 403, Times: 1}, "pr", "403"},
		{"push reset", sandbox.Fault{Path: "/partner/integrations-extras.git/git-receive-pack", Reset: true, Times: 1}, "pr", "pushing acme-oauth"},
		{"GitHub latency", sandbox.Fault{Path: "/user", Latency: 200 * time.Millisecond, Times: 1}, "pr", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, sandbox.Options{GitHub: true})
			home := t.TempDir()
			os.WriteFile(filepath.Join(home, ".gitconfig"), []byte("[user]\n\tname = PE\n\temail = pe@acme.example\n"), 0o644)
			t.Setenv("HOME", home)
			h.env["GH_TOKEN"] = "gh-canary-not-for-the-stand-in" // the stand-in refuses it: pr must send its own
			clone := filepath.Join(t.TempDir(), "integrations-extras")
			if err := pullrequest.Clone(context.Background(), h.sb.GitHubURL()+"/DataDog/integrations-extras.git", clone, "master", 0, pullrequest.NewGitAuth(sandbox.GitHubToken, h.sb.GitHubURL())); err != nil {
				t.Fatal(err)
			}
			h.dir = filepath.Join(clone, "acme")
			c, _ := h.sb.Client("us1", "test")
			integration.WriteScratch(h.dir, "acme", integration.OAuthClient{Name: "Acme", RedirectURIs: []string{"https://acme.example/cb"}, Scopes: c.Scopes, OnboardingURL: "https://acme.example/on"})
			if code, _, stderr := h.run("", "fix", "readme", h.dir, "--yes"); code != 0 {
				t.Fatal(stderr)
			}
			h.run("", "fix", "manifest", h.dir, "--yes")
			export := filepath.Join(t.TempDir(), "us1.json")
			if code, _, stderr := h.run("", "manifest", "export", "--site", "us1", "--out", export, "--dir", h.dir); code != 0 {
				t.Fatal(stderr)
			}
			args := map[string][]string{
				"import": {"manifest", "import", "--site", "eu1", export, "--dir", h.dir},
				"pr":     {"pr", h.dir, "--yes", "--github-api-url", h.sb.GitHubURL()},
			}[tt.step]
			h.sb.SetFaults([]sandbox.Fault{tt.fault})
			code, stdout, stderr := h.run("", args...)
			if tt.want == "" {
				if code != 0 {
					t.Fatalf("with latency: %d %s", code, stderr)
				}
			} else if code != 3 || !strings.Contains(stdout+stderr, tt.want) {
				t.Fatalf("faulty %s: exit %d, want 3 and %q:\n%s%s", tt.step, code, tt.want, stdout, stderr)
			}
			h.sb.SetFaults(nil)
			if tt.want != "" {
				if code, stdout, stderr := h.run("", args...); code != 0 {
					t.Fatalf("%s again: %d\n%s%s", tt.step, code, stdout, stderr)
				}
			}
			if tt.step == "pr" {
				if prs := h.sb.PullRequests("DataDog/integrations-extras"); len(prs) != 1 {
					t.Fatalf("%d pull requests", len(prs))
				}
			}
		})
	}
}
