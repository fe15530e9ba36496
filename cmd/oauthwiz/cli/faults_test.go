package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oauthwiz/oauthwiz/flows/sandbox"
)

// TestFaults injects latency, 5xx, 429, reset connections and malformed
// bodies into each network step, and checks that the step either completes
// or stops with a clear message and exit code, that running it again
// completes, and that no API key is created twice, no test object is left,
// and no secret is printed.
func TestFaults(t *testing.T) {
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
			t.Setenv("OAUTHWIZ_STATE_DIR", h.state)
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
