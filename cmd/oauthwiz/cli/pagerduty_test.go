package cli_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oauthwiz/oauthwiz/cmd/oauthwiz/cli"
	"github.com/oauthwiz/oauthwiz/flows/sandbox"
)

// The PagerDuty path through the commands: authorize reports the dropped
// scope and the region from the ID token, the scope checks pass, a refresh
// rotates the refresh token, and a refused call is explained with the scope
// it needed and the scopes the token has.
func TestPagerDutyCommands(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sandbox.Options{Sites: []string{"us1"}, PagerDuty: true, PagerDutyRegion: "eu", RefuseScopes: []string{"teams.write"}})
	code, stdout, stderr := h.run("", "authorize", "--provider", "pagerduty", "--scopes", "services.read,teams.read,teams.write,incidents.raed", "--no-browser", "--json", "--timeout", "10s")
	if code != 0 {
		t.Fatalf("authorize exit %d\n%s", code, stderr)
	}
	var a cli.AuthorizeJSON
	if err := json.Unmarshal([]byte(stdout), &a); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	d := h.sb.Discovery()
	if a.Provider != "pagerduty" || a.Site != "eu" || a.APIBase != d.PagerDuty.APIs["eu"] || a.ExpiresIn != "24h" {
		t.Fatalf("authorize: %+v", a)
	}
	if strings.Join(a.ScopesMissing, ",") != "incidents.raed" || !strings.Contains(stderr, "left requested scopes out of the token: incidents.raed") ||
		!strings.Contains(stderr, `scope "incidents.raed" is not in PagerDuty's scope catalog`) || !strings.Contains(stderr, "The account is in region eu") {
		t.Fatalf("the dropped scope is not reported: %v\n%s", a.ScopesMissing, stderr)
	}
	for _, c := range d.Clients {
		if strings.Contains(stdout+stderr, c.ClientSecret) {
			t.Fatal("a client secret in the output")
		}
	}

	code, stdout, stderr = h.run("", "scopes", "check", "--provider", "pagerduty", "--site", "eu", "--scopes", "services.read,teams.read,teams.write")
	if code != 1 {
		t.Fatalf("scopes check exit %d (want 1: teams.write is refused)\n%s\n%s", code, stdout, stderr)
	}
	for _, want := range []string{
		"pass    services.read", "pass    teams.read",
		"Token missing required scopes: the call needs teams.write; the token has openid services.read teams.read teams.write",
		"what it means: PagerDuty answered 403: required_scopes names what the call needs",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("scopes check lacks %q:\n%s", want, stdout)
		}
	}
	if n := len(h.sb.State().Objects); n != 0 {
		t.Fatalf("%d objects left", n)
	}

	code, stdout, stderr = h.run("", "authorize", "--provider", "pagerduty", "--site", "eu", "--refresh", "--json")
	if code != 0 {
		t.Fatalf("refresh exit %d\n%s", code, stderr)
	}
	var r cli.AuthorizeJSON
	json.Unmarshal([]byte(stdout), &r)
	if r.Action != "refreshed" || !r.RefreshRotated || r.ExpiresIn != "24h" || r.RefreshToken == a.RefreshToken {
		t.Fatalf("refresh: %+v", r)
	}
	// The rotated refresh token was stored: a second refresh works, and
	// without --site it goes to the region the token is stored under.
	if code, stdout, stderr = h.run("", "authorize", "--provider", "pagerduty", "--refresh"); code != 0 || !strings.Contains(stdout, " on eu:") {
		t.Fatalf("second refresh exit %d\n%s\n%s", code, stdout, stderr)
	}
	if code, stdout, stderr = h.run("", "scopes", "check", "--provider", "pagerduty", "--scopes", "services.read"); code != 0 || !strings.Contains(stdout, "eu\n") {
		t.Fatalf("scopes check without --site: exit %d\n%s\n%s", code, stdout, stderr)
	}

	// Revoking: PagerDuty's revoke endpoint, then the stored tokens removed.
	code, stdout, stderr = h.run("", "authorize", "--provider", "pagerduty", "--site", "eu", "--revoke", "--json")
	if code != 0 || !strings.Contains(stdout, `"action":"revoked"`) {
		t.Fatalf("revoke exit %d\n%s\n%s", code, stdout, stderr)
	}
	for _, tok := range h.sb.State().Tokens {
		if tok.Kind == "refresh" && strings.HasPrefix(tok.Site, "pagerduty") && !tok.Revoked && tok.ExpiresAt == nil {
			// the last refresh token must be revoked; spent ones are too
			t.Errorf("a live PagerDuty refresh token after --revoke: %+v", tok)
		}
	}
	if code, _, stderr = h.run("", "scopes", "check", "--provider", "pagerduty", "--site", "eu"); code != 2 || !strings.Contains(stderr, "oauthwiz authorize --provider pagerduty --site eu") {
		t.Fatalf("scope checks after revoke: %d\n%s", code, stderr)
	}
	if code, _, stderr = h.run("", "scopes", "check", "--provider", "pagerduty"); code != 2 || !strings.Contains(stderr, "no region authorized yet and none given") {
		t.Fatalf("scope checks with nothing authorized: %d\n%s", code, stderr)
	}

	// The console's one-time credentials JSON: read, and a wrong secret in it
	// explained with PagerDuty's catalog.
	var pd struct{ ClientID string }
	for _, c := range d.Clients {
		if c.Provider == "pagerduty" {
			pd.ClientID = c.ClientID
		}
	}
	creds := filepath.Join(t.TempDir(), "credentials.json")
	os.WriteFile(creds, []byte(`{"client_id": "`+pd.ClientID+`", "client_secret": "not-the-secret"}`), 0o600)
	code, _, stderr = h.run("", "authorize", "--provider", "pagerduty", "--credentials-file", creds, "--no-browser", "--timeout", "10s")
	if code == 0 || !strings.Contains(stderr, "invalid_client") || !strings.Contains(stderr, "PagerDuty does not accept this client ID and secret") || strings.Contains(stderr, "not-the-secret") {
		t.Fatalf("a wrong secret in the credentials file: exit %d\n%s", code, stderr)
	}

	if code, _, stderr = h.run("", "authorize", "--provider", "pagerduty", "--site", "ap1"); code != 2 || !strings.Contains(stderr, "unknown PagerDuty region") {
		t.Fatalf("bad region: %d\n%s", code, stderr)
	}
	if code, _, stderr = h.run("", "authorize", "--provider", "opsgenie"); code != 2 || !strings.Contains(stderr, "use datadog or pagerduty") {
		t.Fatalf("bad provider: %d\n%s", code, stderr)
	}
}

// `oauthwiz sandbox --pagerduty --json` lists the PagerDuty app among the clients.
func TestSandboxListsThePagerDutyClient(t *testing.T) {
	t.Parallel()
	var out lockedBuffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() {
		done <- cli.RunSandbox(ctx, &cli.IO{Out: &out, Err: &out}, cli.SandboxOptions{JSON: true, Sites: "us1", PagerDuty: true, PDRegion: "us", TokenTTL: time.Hour, RatePeriod: time.Second})
	}()
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(out.String(), "\n") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	var d struct {
		Clients []struct {
			Provider, Site, ClientID string
		} `json:"clients"`
		PagerDuty struct {
			IdentityURL string            `json:"identity_url"`
			APIs        map[string]string `json:"apis"`
		} `json:"pagerduty"`
	}
	if err := json.Unmarshal([]byte(out.String()), &d); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	providers := map[string]int{}
	for _, c := range d.Clients {
		providers[c.Provider]++
	}
	if providers["pagerduty"] != 1 || providers["datadog"] != 1 || !strings.HasPrefix(d.PagerDuty.IdentityURL, "http://127.0.0.1:") || len(d.PagerDuty.APIs) != 2 {
		t.Fatalf("discovery: %+v", d)
	}
}

type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

// `oauthwiz demo --provider pagerduty --accessible`: the PagerDuty stand-in's
// app, authorized and checked with Enter alone.
func TestDemoPagerDutyAccessible(t *testing.T) {
	t.Parallel()
	var out, errb lockedBuffer
	sys := &cli.IO{In: strings.NewReader(""), Out: &out, Err: &errb, Getenv: func(string) string { return "" }, Now: time.Now,
		OpenBrowser: func(string) error { t.Error("no browser"); return nil }}
	if err := cli.RunDemo(context.Background(), sys, cli.DemoOptions{Provider: "pagerduty", Accessible: true, Timeout: 10 * time.Second}); err != nil {
		t.Fatalf("%v\n%s", err, errb.String())
	}
	for _, want := range []string{"Another platform: PagerDuty", "Authorized: the account is in region us", "The access token expires in 24h.", "0 failed", "--provider pagerduty --site us --refresh"} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("demo output lacks %q:\n%s", want, errb.String())
		}
	}
	if !strings.Contains(out.String(), "0 test objects left") {
		t.Errorf("stdout: %s", out.String())
	}
	if err := cli.RunDemo(context.Background(), sys, cli.DemoOptions{Provider: "opsgenie", Accessible: true}); err == nil || !strings.Contains(err.Error(), "use datadog or pagerduty") {
		t.Fatalf("bad provider: %v", err)
	}
}
