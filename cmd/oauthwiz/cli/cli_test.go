package cli_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oauthwiz/oauthwiz/cmd/oauthwiz/cli"
	"github.com/oauthwiz/oauthwiz/flows/sandbox"
	"github.com/oauthwiz/oauthwiz/flows/secrets"
	"github.com/oauthwiz/oauthwiz/flows/session"
)

// browserWriter is stderr for the command under test: it keeps what was
// written and, like a person reading the terminal, opens the URL it is told
// to open. With paste set (a paste-back run), the browser stops at the
// partner's address (never fetched) and pastes it there.
type browserWriter struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	t     *testing.T
	paste io.Writer
}

func (w *browserWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	for _, line := range strings.Split(string(p), "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "http://127.0.0.1") && (strings.Contains(line, "/oauth2/v1/authorize?") || strings.Contains(line, "/oauth/authorize?") || strings.Contains(line, "/apps/test-authorization?")) {
			go w.open(line)
		}
	}
	return len(p), nil
}

func (w *browserWriter) open(u string) {
	if w.paste == nil {
		if err := sandbox.Browse(u); err != nil {
			w.t.Errorf("browser: %v", err)
		}
		return
	}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(u)
	if err != nil {
		w.t.Errorf("browser: %v", err)
		return
	}
	resp.Body.Close()
	fmt.Fprintln(w.paste, resp.Header.Get("Location"))
}

func (w *browserWriter) String() string { w.mu.Lock(); defer w.mu.Unlock(); return w.buf.String() }

type harness struct {
	t     *testing.T
	sb    *sandbox.Server
	state string
	env   map[string]string
	dir   string
	// prompt, when set, is a person at a terminal answering the prompts;
	// terminal is a terminal whose answers are the run's stdin.
	prompt   *fakePrompter
	terminal bool
	// errTerminal: stderr is a terminal (progress redrawn in place)
	errTerminal bool
}

// fakePrompter answers prompts from a list, in order, and keeps what it was
// asked and told.
type fakePrompter struct {
	answers     []string
	asked, said []string
}

func (f *fakePrompter) Say(text string) { f.said = append(f.said, text) }
func (f *fakePrompter) Ask(_ context.Context, label string) (string, error) {
	f.asked = append(f.asked, label)
	if len(f.answers) == 0 {
		return "", cli.ErrCancelled
	}
	a := f.answers[0]
	f.answers = f.answers[1:]
	return a, nil
}
func (f *fakePrompter) AskSecret(ctx context.Context, label string) (string, error) {
	return f.Ask(ctx, label)
}
func (f *fakePrompter) Confirm(ctx context.Context, q string) (bool, error) {
	a, err := f.Ask(ctx, q)
	return a == "y", err
}

func newHarness(t *testing.T, opts sandbox.Options) *harness {
	t.Helper()
	if opts.Sites == nil {
		opts.Sites = []string{"us1", "eu1"}
	}
	opts.AutoApprove = true
	sb, err := sandbox.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sb.Close)
	h := &harness{t: t, sb: sb, state: t.TempDir(), dir: t.TempDir()}
	h.env = map[string]string{"OAUTHWIZ_SANDBOX": sb.ControlURL(), "OAUTHWIZ_STATE_DIR": h.state}
	return h
}

func (h *harness) run(stdin string, args ...string) (code int, stdout, stderr string) {
	h.t.Helper()
	var out bytes.Buffer
	errw := &browserWriter{t: h.t}
	sys := &cli.IO{
		In: strings.NewReader(stdin), Out: &out, Err: errw,
		Getenv:     func(k string) string { return h.env[k] },
		Store:      func(func(string)) secrets.Store { return &secrets.File{Path: filepath.Join(h.state, "secrets.json")} },
		HTTPClient: &http.Client{Timeout: 10 * time.Second},
		Now:        time.Now, Version: "test",
		OpenBrowser: func(string) error { h.t.Error("no browser may be opened"); return nil },
	}
	if h.prompt != nil {
		sys.Interactive, sys.Prompt = true, h.prompt
	}
	if h.terminal {
		sys.Interactive = true
	}
	sys.ErrTerminal = h.errTerminal
	if args[0] == "authorize" || args[0] == "apikey" || args[0] == "scopes" {
		args = append(args, "--dir", h.dir)
	}
	err := cli.Main(context.Background(), args, sys)
	return cli.ExitCode(err), out.String(), errw.String() + errString(err)
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return "\nerror: " + err.Error()
}

func TestAuthorizeThenAPIKeyHeadless(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sandbox.Options{})
	c, _ := h.sb.Client("us1", "test")
	code, stdout, stderr := h.run("", "authorize", "--site", "us1", "--no-browser", "--json", "--timeout", "10s")
	if code != 0 {
		t.Fatalf("authorize exit %d\n%s", code, stderr)
	}
	var a cli.AuthorizeJSON
	if err := json.Unmarshal([]byte(stdout), &a); err != nil {
		t.Fatalf("stdout is not one JSON document: %v\n%s", err, stdout)
	}
	if a.Site != "us1" || a.Org != "Partner Sandbox (us1)" || len(a.ScopesMissing) != 0 || !strings.Contains(a.AccessToken, "…") || a.ExpiresAt == "" {
		t.Fatalf("authorize JSON %+v", a)
	}
	if !strings.Contains(stderr, "Open this URL") {
		t.Fatalf("--no-browser must print the URL on stderr:\n%s", stderr)
	}

	code, stdout, stderr = h.run("", "apikey", "create", "--site", "us1", "--json")
	if code != 0 {
		t.Fatalf("apikey exit %d\n%s", code, stderr)
	}
	var k cli.APIKeyJSON
	json.Unmarshal([]byte(stdout), &k)
	if !k.Created || !k.Valid || len(k.Last4) != 4 {
		t.Fatalf("apikey JSON %s", stdout)
	}
	code, stdout2, _ := h.run("", "apikey", "create", "--site", "us1", "--json")
	json.Unmarshal([]byte(stdout2), &k)
	if code != 0 || k.Created {
		t.Fatalf("second apikey create must reuse: %d %s", code, stdout2)
	}

	// Canary: no secret value in any output, nor in any file but the store.
	var stored map[string]string
	b, _ := os.ReadFile(filepath.Join(h.state, "secrets.json"))
	json.Unmarshal(b, &stored)
	canaries := []string{c.ClientSecret}
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
	if len(canaries) < 4 {
		t.Fatalf("expected the secret, the tokens and the key in the store, got %d values", len(canaries))
	}
	outputs := stdout + stderr + stdout2
	for _, cv := range canaries {
		if len(cv) > 8 && strings.Contains(outputs, cv) {
			t.Fatalf("a secret value appears in the output: …%s", cv[len(cv)-4:])
		}
	}
	if st, _ := os.Stat(filepath.Join(h.state, "secrets.json")); st.Mode().Perm() != 0o600 {
		t.Fatalf("secrets file mode %v", st.Mode().Perm())
	}
	state, _ := json.Marshal(h.sb.State())
	for _, cv := range canaries {
		if len(cv) > 8 && strings.Contains(string(state), cv) {
			t.Fatal("the sandbox state leaks a secret value")
		}
	}

	// Refresh, then revoke.
	if code, stdout, stderr := h.run("", "authorize", "--site", "us1", "--refresh", "--json"); code != 0 || !strings.Contains(stdout, `"action":"refreshed"`) {
		t.Fatalf("refresh: %d %s %s", code, stdout, stderr)
	}
	if code, stdout, stderr := h.run("", "authorize", "--site", "us1", "--revoke"); code != 0 || !strings.Contains(stdout, "Revoked") {
		t.Fatalf("revoke: %d %s %s", code, stdout, stderr)
	}
	if code, _, stderr := h.run("", "authorize", "--site", "us1", "--refresh"); code != 2 || !strings.Contains(stderr, "run 'oauthwiz authorize --site us1' first") {
		t.Fatalf("refresh after revoke: %d %s", code, stderr)
	}
}

func TestScopesCheckOnTwoSites(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sandbox.Options{RefuseScopes: []string{"monitors_read"}})
	h.env["OAUTHWIZ_STATE_DIR"] = h.state
	for _, site := range []string{"us1", "eu1"} {
		if code, _, stderr := h.run("", "authorize", "--site", site, "--no-browser", "--timeout", "10s"); code != 0 {
			t.Fatalf("authorize %s: %s", site, stderr)
		}
	}
	if code, _, stderr := h.run("", "apikey", "create", "--site", "us1"); code != 0 {
		t.Fatalf("apikey: %s", stderr)
	}
	if code, _, stderr := h.run("", "scopes", "check", "--site", "us1,ap1"); code != 2 || !strings.Contains(stderr, "--site ap1") {
		t.Fatalf("unauthorized site: %d %s", code, stderr)
	}
	code, stdout, stderr := h.run("", "scopes", "check", "--site", "us1,eu1", "--json")
	var doc cli.ScopesJSON
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatalf("%v\n%s\n%s", err, stdout, stderr)
	}
	status := map[string]string{}
	for _, r := range doc.Results {
		status[r.Site+" "+r.Scope+" "+r.Probe] = r.Status
	}
	want := map[string]string{
		"us1 dashboards_read read": "pass", "us1 monitors_read read": "fail", "us1 api_keys_write validate": "pass", "us1 api_keys_write send": "pass",
		"eu1 dashboards_read read": "pass", "eu1 api_keys_write validate": "pass", // created on eu1 for the check
	}
	for k, v := range want {
		if status[k] != v {
			t.Errorf("%s: %q, want %q (%v)", k, status[k], v, status)
		}
	}
	if code != 1 || len(doc.Leftovers) != 0 {
		t.Fatalf("exit %d, leftovers %v", code, doc.Leftovers)
	}
	_, human, progress := h.run("", "scopes", "check", "--site", "us1")
	if !strings.Contains(human, "What it means") && !strings.Contains(human, "what it means") || !strings.Contains(human, "1 failed") {
		t.Fatalf("human output:\n%s", human)
	}
	// Not a terminal: one plain line per probe, no carriage return.
	if strings.Contains(progress, "\r") || !strings.Contains(progress, "us1 dashboards_read read: pass GET /api/v1/dashboard") {
		t.Fatalf("progress on a log:\n%q", progress)
	}
	// A terminal: one bar redrawn in place, full at the end, counting the
	// probes the run made.
	h.errTerminal = true
	_, _, bar := h.run("", "scopes", "check", "--site", "us1")
	h.errTerminal = false
	us1 := 0
	for _, r := range doc.Results {
		if r.Site == "us1" {
			us1++
		}
	}
	draws := strings.Split(bar, "\r")
	last, _, _ := strings.Cut(draws[len(draws)-1], "\n")
	if want := fmt.Sprintf("[%s] %d of %d probes", strings.Repeat("█", 20), us1, us1); last != want || len(draws) != us1+1 || !strings.HasSuffix(draws[1], fmt.Sprintf("░] 1 of %d probes", us1)) {
		t.Fatalf("progress on a terminal ends %q, want %q after %d draws:\n%q", last, want, us1, bar)
	}
	st, err := session.Load(h.state, filepath.Base(h.dir))
	if err != nil || st.ScopeChecks == nil || len(st.ScopeChecks.Results) == 0 {
		t.Fatalf("evidence not saved: %+v %v", st, err)
	}
}

func TestAuthorizeFromTestAuthorizationLink(t *testing.T) {
	t.Parallel()
	port := freePort(t)
	h := newHarness(t, sandbox.Options{RedirectURIs: []string{"http://127.0.0.1:" + port + "/oauth/callback"}, OnboardingURL: "http://127.0.0.1:" + port + "/oauth/onboarding"})
	code, stdout, stderr := h.run("", "authorize", "--site", "eu1", "--start", "test-authorization", "--no-browser", "--json", "--timeout", "10s")
	if code != 0 || !strings.Contains(stdout, `"site":"eu1"`) {
		t.Fatalf("test authorization start: %d %s %s", code, stdout, stderr)
	}
}

func TestCredentialsFile(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sandbox.Options{})
	c, _ := h.sb.Client("eu1", "test")
	good := filepath.Join(t.TempDir(), "creds.json")
	os.WriteFile(good, []byte(`{"client_id":"`+c.ClientID+`","client_secret":"`+c.ClientSecret+`"}`), 0o600)
	bad := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(bad, []byte("{\n  \"client_id\": \"x\",\n  oops\n}"), 0o600)
	half := filepath.Join(t.TempDir(), "half.json")
	os.WriteFile(half, []byte(`{"client_id":"x"}`), 0o600)
	for _, tt := range []struct {
		file string
		code int
		want string
	}{
		{bad, 2, "bad.json:3:"},
		{half, 2, "needs both"},
		{filepath.Join(t.TempDir(), "none.json"), 2, "no such file"},
		{good, 0, `"site":"eu1"`},
	} {
		code, stdout, stderr := h.run("", "authorize", "--site", "eu1", "--credentials-file", tt.file, "--no-browser", "--json", "--timeout", "10s")
		if code != tt.code || !strings.Contains(stdout+stderr, tt.want) {
			t.Errorf("%s: exit %d\n%s%s\nwant %q", filepath.Base(tt.file), code, stdout, stderr, tt.want)
		}
		if strings.Contains(stdout+stderr, c.ClientSecret) {
			t.Fatal("the secret from the file is printed")
		}
	}
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sandbox.Options{})
	tests := []struct {
		name string
		args []string
		env  map[string]string
		code int
		want string
	}{
		{"no site", []string{"authorize"}, nil, 2, "pass --site"},
		{"unknown site", []string{"authorize", "--site", "mars"}, nil, 2, "use one of us1, us3"},
		{"bad kind", []string{"authorize", "--site", "us1", "--kind", "x"}, nil, 2, "--kind"},
		{"no client id without sandbox", []string{"authorize", "--site", "us1"}, map[string]string{"OAUTHWIZ_SANDBOX": ""}, 2, "--client-id"},
		{"no secret without a terminal", []string{"authorize", "--site", "us1", "--client-id", "abc"}, map[string]string{"OAUTHWIZ_SANDBOX": ""}, 2, "OAUTHWIZ_CLIENT_SECRET"},
		{"apikey before authorize", []string{"apikey", "create", "--site", "eu1"}, nil, 2, "run 'oauthwiz authorize --site eu1' first"},
		{"wizard without a terminal", []string{"wizard"}, nil, 2, "oauthwiz authorize --site SITE"},
		{"wizard in a folder that is no integration", []string{"wizard", "--accessible", "--dir", "."}, nil, 2, "has no manifest.json: run oauthwiz in your integration's folder"},
		{"unknown command", []string{"frobnicate"}, nil, 2, "unknown command"},
		{"sandbox unreachable", []string{"authorize", "--site", "us1"}, map[string]string{"OAUTHWIZ_SANDBOX": "http://127.0.0.1:1"}, 2, "cannot reach the sandbox"},
		{"env gives the site", []string{"apikey", "create"}, map[string]string{"OAUTHWIZ_SITE": "eu1"}, 2, "--site eu1"},
		// The engines name the input in words; the command adds its flag.
		{"redirect URI not loopback", []string{"authorize", "--site", "us1", "--redirect-uri", "http://example.com/cb", "--timeout", "1s"}, nil, 2, "is not on this machine: paste the address the browser lands on (paste-back), or register a loopback redirect URI on the test client (--redirect-uri)"},
		{"platform unknown", []string{"authorize", "--site", "us1", "--provider", "opsgenie"}, nil, 2, "use datadog or pagerduty (--provider)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			saved := h.env
			h.env = map[string]string{"OAUTHWIZ_SANDBOX": h.sb.ControlURL(), "OAUTHWIZ_STATE_DIR": h.state}
			for k, v := range tt.env {
				h.env[k] = v
			}
			defer func() { h.env = saved }()
			code, _, stderr := h.run("", tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.want) {
				t.Fatalf("exit %d (want %d), stderr:\n%s\nwant %q", code, tt.code, stderr, tt.want)
			}
		})
	}
}

// A mistyped secret does not replace the stored one: Datadog showed the
// working secret once, so it is kept until another has been accepted.
func TestUnverifiedSecretIsNotStored(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sandbox.Options{})
	c, _ := h.sb.Client("us1", "test")
	h.env["OAUTHWIZ_CLIENT_SECRET"] = c.ClientSecret
	if code, _, stderr := h.run("", "authorize", "--site", "us1", "--no-browser", "--timeout", "10s"); code != 0 {
		t.Fatalf("first authorization: %d %s", code, stderr)
	}
	store := &secrets.File{Path: filepath.Join(h.state, "secrets.json")}
	key := secrets.Namespace{Integration: filepath.Base(h.dir), Site: "us1", Kind: "test"}.ClientSecretKey(c.ClientID)
	for _, args := range [][]string{
		{"authorize", "--site", "us1", "--no-browser", "--timeout", "10s"},
		{"authorize", "--site", "us1", "--refresh"},
		{"authorize", "--site", "us1", "--revoke"},
	} {
		h.env["OAUTHWIZ_CLIENT_SECRET"] = "mistyped-secret-0000"
		if code, _, stderr := h.run("", args...); code != 3 {
			t.Fatalf("%v with a wrong secret: exit %d\n%s", args, code, stderr)
		}
		if v, err := store.Get(key); err != nil || v != c.ClientSecret {
			t.Fatalf("%v: the stored secret was replaced (%v)", args, err)
		}
	}
	delete(h.env, "OAUTHWIZ_CLIENT_SECRET")
	if code, _, stderr := h.run("", "authorize", "--site", "us1", "--refresh"); code != 0 {
		t.Fatalf("the stored secret no longer works: %d %s", code, stderr)
	}
}

func TestAuthorizeRemoteFailureIsExplained(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sandbox.Options{})
	h.env["OAUTHWIZ_CLIENT_SECRET"] = "not-the-secret"
	code, _, stderr := h.run("", "authorize", "--site", "us1", "--no-browser", "--timeout", "10s")
	if code != 3 || !strings.Contains(stderr, "invalid_client") || !strings.Contains(stderr, "What to do:") {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if strings.Contains(stderr, "not-the-secret") {
		t.Fatal("the secret is echoed")
	}
}

func TestDoctor(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sandbox.Options{})
	tests := []struct {
		args  []string
		stdin string
		code  int
		want  string
	}{
		{[]string{"doctor", "invalid_request - Mismatching redirect URI"}, "", 0, "The redirect URI does not match the client"},
		{[]string{"doctor"}, `{"errors":["Forbidden"]}`, 0, "403 Forbidden"},
		{[]string{"doctor", "--json", "Invalid code or code verifier"}, "", 0, `"id":"invalid-code-or-verifier"`},
		{[]string{"doctor", "all good"}, "", 1, "No known OAuth failure"},
	}
	for _, tt := range tests {
		code, stdout, stderr := h.run(tt.stdin, tt.args...)
		if code != tt.code || !strings.Contains(stdout, tt.want) {
			t.Errorf("%v: exit %d\n%s%s\nwant %q", tt.args, code, stdout, stderr, tt.want)
		}
	}
}

// Without --json the sandbox says, for people, how to reach its GitHub
// stand-in: with its own token, and 'pr --sandbox' to have it sent (a
// --github-api-url alone would send the user's token, which it refuses).
func TestSandboxCommandSaysHowToReachGitHub(t *testing.T) {
	t.Parallel()
	r, w := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go cli.RunSandbox(ctx, &cli.IO{Out: w, Err: io.Discard, Getenv: func(string) string { return "" }}, cli.SandboxOptions{Sites: "us1", TokenTTL: time.Hour, GitHub: true})
	var text strings.Builder
	lines := bufio.NewScanner(r)
	for lines.Scan() && !strings.HasPrefix(lines.Text(), "State:") {
		text.WriteString(lines.Text() + "\n")
	}
	control := regexp.MustCompile(`control URL (\S+)`).FindStringSubmatch(text.String())
	if control == nil || !strings.Contains(text.String(), "token "+sandbox.GitHubToken+" (the only one it takes") || !strings.Contains(text.String(), "'oauthwiz pr --sandbox "+control[1]+"' sends it") {
		t.Fatalf("the sandbox said:\n%s", text.String())
	}
}

func TestSandboxCommandPrintsOneJSONLine(t *testing.T) {
	t.Parallel()
	r, w := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- cli.RunSandbox(ctx, &cli.IO{Out: w, Err: io.Discard, Getenv: func(string) string { return "" }}, cli.SandboxOptions{JSON: true, Sites: "us1,eu1", Scopes: "dashboards_read", RedirectURIs: "http://127.0.0.1:9999/cb", OnboardingURL: "http://127.0.0.1:9999/onboard", TokenTTL: time.Hour, GitHub: true})
	}()
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		ControlURL string                       `json:"control_url"`
		GitHubURL  string                       `json:"github_url"`
		Sites      map[string]map[string]string `json:"sites"`
		Clients    []map[string]any             `json:"clients"`
	}
	if err := json.Unmarshal([]byte(line), &d); err != nil {
		t.Fatalf("%v: %s", err, line)
	}
	if d.ControlURL == "" || d.GitHubURL == "" || len(d.Sites) != 2 || d.Sites["eu1"]["api_url"] == "" || len(d.Clients) != 2 {
		t.Fatalf("discovery %s", line)
	}
	c := d.Clients[0]
	for _, f := range []string{"site", "kind", "client_id", "client_secret", "redirect_uris", "onboarding_url", "scopes"} {
		if c[f] == nil {
			t.Errorf("client lacks %s", f)
		}
	}
	if c["redirect_uris"].([]any)[0] != "http://127.0.0.1:9999/cb" {
		t.Errorf("redirect flag ignored: %v", c["redirect_uris"])
	}
	resp, err := http.Get(d.ControlURL + "/sandbox/state")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("state: %v", err)
	}
	resp.Body.Close()
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestDemoAccessibleCompletesWithEnterAlone(t *testing.T) {
	t.Parallel()
	var out, errb bytes.Buffer
	sys := &cli.IO{In: strings.NewReader(""), Out: &out, Err: &errb, Getenv: func(string) string { return "" }, Now: time.Now,
		OpenBrowser: func(string) error { t.Error("no browser"); return nil }}
	if err := cli.RunDemo(context.Background(), sys, cli.DemoOptions{Accessible: true, Timeout: 10 * time.Second}); err != nil {
		t.Fatalf("%v\n%s", err, errb.String())
	}
	for _, want := range []string{"Step 9 of 9", "✓ API key", "valid", "Imported on eu1", "Authorized on eu1", "0 failed", "✓ Every site", "✓ Every scope", "Fixes written; checking again.", "✓ README & manifest",
		"Pull request #1 created", "written into manifest.json and pushed", "Re-test on eu1: authorized", "✓ Pull request", "✓ Publish", "✓ Re-test published"} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("demo output lacks %q:\n%s", want, errb.String())
		}
	}
	if !strings.Contains(out.String(), "0 test objects left, 1 pull request.") {
		t.Errorf("stdout: %s", out.String())
	}
}

// The catalog the doctor and the checks cite can be listed.
func TestScopesList(t *testing.T) {
	t.Parallel()
	store := &secrets.Memory{}
	code, stdout, stderr := runCLI(t, "", false, store, "scopes", "list", "--json")
	var doc struct {
		Scopes []cli.ScopeListing `json:"scopes"`
	}
	if code != 0 || json.Unmarshal([]byte(stdout), &doc) != nil || len(doc.Scopes) < 100 {
		t.Fatalf("scopes list: %d %s %s", code, stdout, stderr)
	}
	probed := map[string]string{}
	for _, s := range doc.Scopes {
		probed[s.Name] = s.Probe
	}
	if probed["api_keys_write"] != "write" || probed["dashboards_write"] == "manual" || probed["dashboards_read"] != "read" {
		t.Fatalf("probes: api_keys_write %q, dashboards_write %q, dashboards_read %q", probed["api_keys_write"], probed["dashboards_write"], probed["dashboards_read"])
	}
	if code, stdout, _ := runCLI(t, "", false, store, "scopes", "list"); code != 0 || !strings.Contains(stdout, "with a probe") {
		t.Fatalf("text: %d %s", code, stdout)
	}
	// The doctor's advice for an unknown scope names the command.
	if _, stdout, stderr := runCLI(t, "", false, store, "doctor", "invalid_scope"); !strings.Contains(stdout+stderr, "oauthwiz scopes list") {
		t.Fatalf("doctor: %s %s", stdout, stderr)
	}
}

// A stored secret Datadog rejects is named as the stored one: nobody typed
// it, so the advice says how to give the current one.
func TestRejectedStoredSecretIsNamed(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sandbox.Options{})
	store := &secrets.File{Path: filepath.Join(h.state, "secrets.json")}
	name := filepath.Base(h.dir)
	c, _ := h.sb.Client("us1", "test")
	store.Set(secrets.Namespace{Integration: name, Site: "us1", Kind: secrets.Test}.ClientSecretKey(c.ClientID), "an-old-secret-that-was-rotated-0000")
	code, _, stderr := h.run("", "authorize", "--site", "us1", "--no-browser", "--timeout", "10s")
	if code == 0 || !strings.Contains(stderr, "The client secret stored for "+name+" on us1 was rejected") || !strings.Contains(stderr, "--client-secret-stdin") {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if v, _ := store.Get(secrets.Namespace{Integration: name, Site: "us1", Kind: secrets.Test}.ClientSecretKey(c.ClientID)); v != "an-old-secret-that-was-rotated-0000" {
		t.Fatal("the stored secret changed")
	}
}

// Paste-back from the command line: the client registers only its https
// redirect URI; the address the browser lands on is pasted, and the code
// exchanged here.
func TestAuthorizePasteBack(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sandbox.Options{RedirectURIs: []string{"https://acme.example/oauth/callback"}})
	in, paste := io.Pipe()
	defer paste.Close()
	errw := &browserWriter{paste: paste, t: t}
	var out bytes.Buffer
	sys := &cli.IO{In: in, Out: &out, Err: errw,
		Getenv:     func(k string) string { return h.env[k] },
		Store:      func(func(string)) secrets.Store { return &secrets.File{Path: filepath.Join(h.state, "secrets.json")} },
		HTTPClient: &http.Client{Timeout: 10 * time.Second}, Now: time.Now,
		OpenBrowser: func(string) error { t.Error("no browser may be opened"); return nil }}
	err := cli.Main(context.Background(), []string{"authorize", "--site", "us1", "--redirect-uri", "https://acme.example/oauth/callback", "--paste", "--no-browser", "--timeout", "10s", "--json", "--dir", h.dir}, sys)
	if err != nil {
		t.Fatalf("%v\n%s", err, errw.buf.String())
	}
	if !strings.Contains(out.String(), `"action":"authorized"`) || !strings.Contains(errw.buf.String(), "may exchange the code first") {
		t.Fatalf("stdout %s\nstderr %s", out.String(), errw.buf.String())
	}
}

// The redirect URI that worked is remembered for the site and client: the
// next run uses it without the flag (the sandbox's first registered URI is
// the service's https one, which needs --paste).
func TestAuthorizeRemembersTheRedirectURI(t *testing.T) {
	t.Parallel()
	loopback := "http://127.0.0.1:" + freePort(t) + "/oauth/callback"
	h := newHarness(t, sandbox.Options{RedirectURIs: []string{"https://acme.example/oauth/callback", loopback}})
	c, _ := h.sb.Client("us1", "test")
	h.env["OAUTHWIZ_CLIENT_SECRET"] = c.ClientSecret
	if code, _, stderr := h.run("", "authorize", "--site", "us1", "--no-browser", "--timeout", "10s"); code == 0 || !strings.Contains(stderr, "paste") {
		t.Fatalf("without a remembered URI the https one needs --paste: %d\n%s", code, stderr)
	}
	if code, _, stderr := h.run("", "authorize", "--site", "us1", "--no-browser", "--timeout", "10s", "--redirect-uri", loopback); code != 0 {
		t.Fatalf("first run: %d\n%s", code, stderr)
	}
	code, _, stderr := h.run("", "authorize", "--site", "us1", "--no-browser", "--timeout", "10s")
	if code != 0 || !strings.Contains(stderr, "callback on "+loopback) {
		t.Fatalf("second run: %d\n%s", code, stderr)
	}
}
