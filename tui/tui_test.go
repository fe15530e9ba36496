package tui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/muesli/termenv"

	"github.com/oauthwiz/oauthwiz/assets"
	"github.com/oauthwiz/oauthwiz/checks"
	"github.com/oauthwiz/oauthwiz/flows/apikey"
	"github.com/oauthwiz/oauthwiz/flows/datadog"
	"github.com/oauthwiz/oauthwiz/flows/devplatform"
	"github.com/oauthwiz/oauthwiz/flows/integration"
	"github.com/oauthwiz/oauthwiz/flows/journey"
	"github.com/oauthwiz/oauthwiz/flows/pullrequest"
	"github.com/oauthwiz/oauthwiz/flows/readme"
	"github.com/oauthwiz/oauthwiz/flows/sandbox"
	"github.com/oauthwiz/oauthwiz/flows/scopes"
	"github.com/oauthwiz/oauthwiz/flows/secrets"
)

var fixedNow = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

const fakeURL = "https://app.datadoghq.com/oauth2/v1/authorize?client_id=abc-123&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256&redirect_uri=http%3A%2F%2F127.0.0.1%3A8765%2Foauth%2Fcallback&response_type=code&scope=api_keys_write+dashboards_read&state=st"

// stubFlows answers at once with fixed results, so screens are deterministic.
type stubFlows struct {
	authErr error
	keyErr  error
	granted []string
	seen    []AuthorizeRequest
	fixed   bool

	imported, euAuthorized, scopesRan bool
	savedCase                         integration.Case
	// rejectPush answers the first push as a fork whose branch moved on;
	// rebased records that the rebase was asked for.
	rejectPush, rebased bool
	publishErr          error
}

func (s *stubFlows) Authorize(ctx context.Context, req AuthorizeRequest, onURL func(string)) (Authorized, error) {
	s.seen = append(s.seen, req)
	onURL(fakeURL)
	if s.authErr != nil {
		return Authorized{}, s.authErr
	}
	return Authorized{Site: req.Site, Org: "Partner Sandbox", OrgID: "org-1", Granted: s.granted, Expiry: fixedNow.Add(time.Hour)}, nil
}

var stubFindings = []checks.Finding{
	{Integration: "acme", Rule: "readme/uninstallation-level", Severity: "error", File: "README.md", Line: 17, Message: "'### Uninstallation' is an H3; the docs build only keeps H2 sections", Fix: "run 'oauthwiz fix readme' to make it '## Uninstallation'"},
	{Integration: "acme", Rule: "manifest/uninstallation-missing", Severity: "error", File: "manifest.json", Line: 7, Message: "tile.uninstallation is missing, and the integration has an OAuth client (assets.oauth)", Fix: "run 'oauthwiz fix manifest'"},
}

func (s *stubFlows) Check(ctx context.Context, dir string) ([]checks.Finding, error) {
	if s.fixed {
		return nil, nil
	}
	return stubFindings, nil
}

func (s *stubFlows) PlanFixes(dir string) ([]*readme.FileEdit, error) {
	return []*readme.FileEdit{{Path: "/work/integrations-extras/acme/README.md",
		Before: []byte("## Setup\n\nConnect.\n\n### Uninstallation\n\nRemove it.\n"),
		After:  []byte("## Setup\n\nConnect.\n\n## Uninstallation\n\nRemove it.\n")}}, nil
}

func (s *stubFlows) ApplyFixes(edits []*readme.FileEdit) error { s.fixed = true; return nil }

func (s *stubFlows) SaveCase(c integration.Case) error { s.savedCase = c; return nil }

func (s *stubFlows) PlanPR(ctx context.Context) (*pullrequest.Result, error) {
	return &pullrequest.Result{Branch: "acme-oauth", Files: []string{"acme/README.md", "acme/manifest.json", "acme/assets/oauth_clients.json"}}, nil
}

func (s *stubFlows) OpenPR(ctx context.Context, plan *pullrequest.Result, rebase bool) (*pullrequest.Result, error) {
	if s.rejectPush && !rebase {
		return nil, fmt.Errorf("pushing to https://github.com/partner/integrations-extras.git: %w", pullrequest.ErrPushRejected)
	}
	s.rebased = rebase
	return &pullrequest.Result{Branch: "acme-oauth", Commit: "0123456789abcdef", PushedTo: "https://github.com/partner/integrations-extras.git",
		PullRequest: &pullrequest.PR{Number: 7, URL: "https://github.com/DataDog/integrations-extras/pull/7", Action: "created"}}, nil
}

func (s *stubFlows) Publish(ctx context.Context, req PublishRequest, onURL func(string)) (PublishResult, error) {
	if s.publishErr != nil {
		return PublishResult{}, s.publishErr
	}
	onURL(fakeURL)
	return PublishResult{ClientID: "published-client", AppUUID: "5b1e5b6e-0d4a-4a8e-9c1f-2d3e4f5a6b7c", Written: true,
		Retests: map[string]string{req.Site: "authorized as Customer Org"}}, nil
}

func (s *stubFlows) SiteMatrix(ctx context.Context) ([]SiteRow, error) {
	var rows []SiteRow
	for _, site := range assets.Sites() {
		r := SiteRow{Site: site.ID, Documented: site.OAuthDocumented}
		switch {
		case site.ID == "us1":
			r.Credentials, r.Authorized, r.APIKey, r.Org = true, true, true, "Partner Sandbox"
		case site.ID == "eu1" && s.imported:
			r.Imported, r.Credentials = true, true
			r.Authorized = s.euAuthorized
		}
		if s.scopesRan && r.Authorized {
			r.ScopesPass = 5
		}
		rows = append(rows, r)
	}
	return rows, nil
}

func (s *stubFlows) ImportManifest(ctx context.Context, from, to string) (string, error) {
	s.imported = true
	return "eu1-client", nil
}

func (s *stubFlows) AuthorizeSite(ctx context.Context, site string, sc []string, redirect string, timeout time.Duration, onURL func(string)) (Authorized, error) {
	onURL(fakeURL)
	s.euAuthorized = true
	return Authorized{Site: site, Org: "Partner Sandbox (eu1)", Granted: sc}, nil
}

func (s *stubFlows) CheckScopes(ctx context.Context, sites []string, onResult func(scopes.Result)) (scopes.Report, error) {
	rep := scopes.Report{RunID: "run1"}
	for _, site := range sites {
		for _, r := range []scopes.Result{
			{Site: site, Scope: "dashboards_read", Probe: "read", Status: scopes.Pass, HTTPStatus: 200, Endpoint: "GET /api/v1/dashboard"},
			{Site: site, Scope: "workflows_read", Probe: "manual", Status: scopes.Manual},
		} {
			onResult(r)
			rep.Results = append(rep.Results, r)
		}
	}
	s.scopesRan = true
	return rep, nil
}

func (s *stubFlows) CreateAPIKey(ctx context.Context, site, clientID string) (*apikey.Result, error) {
	if s.keyErr != nil {
		return nil, s.keyErr
	}
	return &apikey.Result{Site: site, Org: "Partner Sandbox", Last4: "abcd", Created: true, Valid: true}, nil
}

func testStyles() Styles {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.Ascii)
	return NewStyles(r)
}

func testDeps(f Flows) Deps {
	return Deps{
		Provider: &datadog.Provider{}, Store: &secrets.Memory{}, Integration: "acme", Kind: "test", Flows: f,
		Now: func() time.Time { return fixedNow }, Timeout: 5 * time.Minute,
		Info: integration.Info{Dir: "/work/integrations-extras/acme", Name: "acme", HasManifest: true, ClientFile: "/work/integrations-extras/acme/assets/oauth_clients.json",
			Client: &integration.OAuthClient{Name: "Acme", Scopes: []string{"api_keys_write", "dashboards_read"},
				RedirectURIs: []string{"https://acme.example/cb", "http://127.0.0.1:8765/oauth/callback"}, OnboardingURL: "https://acme.example/onboard"}},
	}
}

func keyMsg(k string) tea.KeyMsg {
	var msg tea.KeyMsg
	switch k {
	case "enter":
		msg = tea.KeyMsg{Type: tea.KeyEnter}
	case " ":
		msg = tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}
	case "esc":
		msg = tea.KeyMsg{Type: tea.KeyEsc}
	case "tab":
		msg = tea.KeyMsg{Type: tea.KeyTab}
	case "down":
		msg = tea.KeyMsg{Type: tea.KeyDown}
	case "up":
		msg = tea.KeyMsg{Type: tea.KeyUp}
	case "ctrl+t":
		msg = tea.KeyMsg{Type: tea.KeyCtrlT}
	default:
		msg = tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
	}
	return msg
}

func press(m tea.Model, keys ...string) tea.Model {
	for _, k := range keys {
		m, _ = m.Update(keyMsg(k))
	}
	return m
}

// pressDrain presses keys and feeds back the messages of the commands they
// return that answer at once (the stub flows); timers are left out.
func pressDrain(m tea.Model, keys ...string) tea.Model {
	for _, k := range keys {
		var cmd tea.Cmd
		m, cmd = m.Update(keyMsg(k))
		m = drain(m, cmd)
	}
	return m
}

func drain(m tea.Model, cmd tea.Cmd) tea.Model {
	for _, msg := range quickMsgs(cmd) {
		var next tea.Cmd
		m, next = m.Update(msg)
		m = drain(m, next)
	}
	return m
}

func quickMsgs(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	ch := make(chan tea.Msg, 1)
	go func() { ch <- cmd() }()
	select {
	case msg := <-ch:
		if batch, ok := msg.(tea.BatchMsg); ok {
			var out []tea.Msg
			for _, c := range batch {
				out = append(out, quickMsgs(c)...)
			}
			return out
		}
		if msg == nil {
			return nil
		}
		return []tea.Msg{msg}
	case <-time.After(30 * time.Millisecond):
		return nil
	}
}

func send(m tea.Model, msgs ...tea.Msg) tea.Model {
	for _, msg := range msgs {
		m, _ = m.Update(msg)
	}
	return m
}

// TestScreens renders each screen at 80×24 and compares it with its golden
// file (go test ./tui -update rewrites them).
func TestScreens(t *testing.T) {
	f := &stubFlows{granted: []string{"api_keys_write", "dashboards_read"}}
	base := func() tea.Model { return New(testDeps(f), testStyles()) }
	creds := func() tea.Model {
		return press(base(), "enter", "enter", "abc-123", "tab", "s3cr3t-value-for-the-test")
	}
	authorizing := func() tea.Model { return send(press(creds(), "enter"), authURLMsg{fakeURL}) }
	authorized := func() tea.Model {
		return send(authorizing(), authorizedMsg{Authorized{Site: "us1", Org: "Partner Sandbox", Granted: []string{"api_keys_write", "dashboards_read"}, Expiry: fixedNow.Add(time.Hour)}})
	}
	keyed := func() tea.Model {
		return send(press(authorized(), "enter"), apiKeyMsg{&apikey.Result{Site: "us1", Org: "Partner Sandbox", Last4: "abcd", Created: true, Valid: true}})
	}
	everySite := func() tea.Model { return pressDrain(keyed(), "enter") }
	checked := func() tea.Model { return pressDrain(keyed(), "enter", "enter") }
	tests := []struct {
		name  string
		model func() tea.Model
		want  string
	}{
		{"integration", base, "Which case is this?"},
		{"site", func() tea.Model { return press(base(), "down", "enter", "down", "down", "down") }, "▸ eu1"},
		{"credentials", creds, "25 characters, s3cr…test"},
		{"authorizing", authorizing, "5:00 left"},
		{"authorized", authorized, "✓ Authorized on us1 as Partner Sandbox"},
		{"apikey", keyed, "✓ Created the key …abcd"},
		{"sites", everySite, "▸eu1"},
		{"sites-done", func() tea.Model {
			return pressDrain(New(testDeps(&stubFlows{granted: f.granted}), testStyles()), "enter", "enter", "abc-123", "tab", "s3cr3t-value-for-the-test", "enter", "enter", "enter", "i", "a", "s")
		}, "2 passed, 0 failed"},
		{"checks", checked, "✗ README"},
		{"checks-manual", func() tea.Model { return press(checked(), "down", "down", "down", "down", "down", "down", " ") }, "ticked (manual)"},
		{"checks-preview", func() tea.Model { return pressDrain(checked(), "f") }, "+## Uninstallation"},
		{"checks-fixed", func() tea.Model { return pressDrain(checked(), "f", "y") }, "Fixes written."},
		{"pr-plan", func() tea.Model { return pressDrain(checked(), "enter") }, "Press y to commit, push"},
		{"pr-done", func() tea.Model { return pressDrain(checked(), "enter", "y") }, "✓ Pull request #7 created"},
		{"publish", func() tea.Model { return pressDrain(checked(), "enter", "y", "enter") }, "Press enter to publish."},
		{"publish-done", func() tea.Model { return pressDrain(checked(), "enter", "y", "enter", "enter") }, "written into manifest.json and pushed"},
		{"summary", func() tea.Model { return pressDrain(checked(), "enter", "y", "enter", "enter", "enter") }, "Summary"},
		{"help", func() tea.Model { return press(base(), "?") }, "ctrl+c"},
		{"pr-rejected", func() tea.Model {
			return pressDrain(pressDrain(New(testDeps(&stubFlows{granted: f.granted, rejectPush: true}), testStyles()), "enter", "enter", "abc-123", "tab", "s3cr3t-value-for-the-test", "enter"),
				"enter", "enter", "enter", "enter", "y")
		}, "b rebase & push"},
		{"publish-error", func() tea.Model {
			return pressDrain(New(testDeps(&stubFlows{granted: f.granted, publishErr: errors.New("publishing on us1 answered 500 Internal Server Error")}), testStyles()),
				"enter", "enter", "abc-123", "tab", "s3cr3t-value-for-the-test", "enter", "enter", "enter", "enter", "enter", "y", "enter", "enter")
		}, "r retry"},
		{"authorize-error", func() tea.Model {
			return send(press(creds(), "enter"), errMsg{stepAuthorize, errors.New("POST https://api.datadoghq.com/oauth2/v1/token answered 400: invalid_request - Mismatching redirect URI")})
		}, "What to do:"},
		{"apikey-skipped", func() tea.Model {
			return press(send(authorizing(), authorizedMsg{Authorized{Site: "us1", Org: "Partner Sandbox", Granted: []string{"dashboards_read"}}}), "enter")
		}, "api_keys_write was not granted"},
		{"credentials-missing", func() tea.Model { return press(base(), "enter", "enter", "enter", "enter") }, "Enter the client ID."},
		{"doctor", func() tea.Model { return paste(press(creds(), "ctrl+t"), doctorPaste) }, "Paste the error message"},
		{"doctor-answer", func() tea.Model { return press(paste(press(creds(), "ctrl+t"), doctorPaste), "enter") }, "Go back to: Client credentials"},
		{"doctor-unknown", func() tea.Model { return press(paste(press(base(), "ctrl+t"), "something else entirely"), "enter") }, "No known OAuth failure"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkScreen(t, tt.model(), tt.want, "s3cr3t-value-for-the-test") })
	}
}

// A push the fork refused because its branch moved on is offered a rebase,
// as 'oauthwiz pr' asks: b pushes again on top of the fork's branch.
func TestWizardOffersTheRebase(t *testing.T) {
	f := &stubFlows{granted: []string{"api_keys_write", "dashboards_read"}, rejectPush: true}
	m := pressDrain(pressDrain(New(testDeps(f), testStyles()), "enter", "enter", "abc-123", "tab", "s3cr3t-value-for-the-test", "enter"),
		"enter", "enter", "enter", "enter", "y")
	if f.rebased || !strings.Contains(m.View(), "Press b to put your change") {
		t.Fatalf("after the rejected push:\n%s", m.View())
	}
	m = pressDrain(m, "b")
	if !f.rebased || !strings.Contains(m.View(), "✓ Pull request #7 created") {
		t.Fatalf("after b (rebased %v):\n%s", f.rebased, m.View())
	}
}

// doctorPaste is what a partner engineer copies from the authorize page.
const doctorPaste = "Error\nInvalid client_id\nThe application could not be authorized."

func paste(m tea.Model, text string) tea.Model {
	m, _ = m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(text), Paste: true})
	return m
}

// The doctor opens over any step, takes a pasted error (newlines and all),
// names the step to go back to, and g goes there; esc returns where it was.
func TestDoctorSendsBackToTheStepItNames(t *testing.T) {
	f := &stubFlows{granted: []string{"api_keys_write", "dashboards_read"}}
	atError := send(press(New(testDeps(f), testStyles()), "enter", "enter", "abc-123", "tab", "s3cr3t", "enter"),
		errMsg{stepAuthorize, errors.New("the authorize page said: Invalid client_id")})
	tests := []struct {
		name   string
		text   string
		keys   []string
		step   step
		screen string
	}{
		{"goes to the credentials", doctorPaste, []string{"enter", "g"}, stepCredentials, "Client ID"},
		{"esc comes back", doctorPaste, []string{"enter", "esc"}, stepAuthorize, "Invalid client_id"},
		{"esc while typing comes back", "half a message", []string{"esc"}, stepAuthorize, "Invalid client_id"},
		{"redirect mismatch names authorize", "invalid_request - Mismatching redirect URI", []string{"enter", "g"}, stepAuthorize, "Invalid client_id"},
		{"nothing known: g stays", "teapot", []string{"enter", "g"}, stepAuthorize, "No known OAuth failure"},
		{"e edits again", "teapot", []string{"enter", "e", " and 401 Unauthorized", "enter"}, stepAuthorize, "Go back to"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := press(paste(press(atError, "ctrl+t"), tt.text), tt.keys...).(Model)
			if m.step != tt.step {
				t.Fatalf("step %d, want %d", m.step, tt.step)
			}
			if v := m.View(); !strings.Contains(v, tt.screen) {
				t.Fatalf("screen lacks %q:\n%s", tt.screen, v)
			}
		})
	}
}

// checkScreen draws a model at 80×24 and checks what a user sees: the text
// wanted, no line wider than the window, the secret never in clear, and the
// whole screen as its golden file.
func checkScreen(t *testing.T, m tea.Model, want, secret string) {
	t.Helper()
	view := send(m, tea.WindowSizeMsg{Width: 80, Height: 24}).View()
	if !strings.Contains(view, want) {
		t.Fatalf("screen lacks %q:\n%s", want, view)
	}
	for i, line := range strings.Split(view, "\n") {
		if w := lipgloss.Width(line); w > 80 {
			t.Errorf("line %d is %d columns wide (max 80): %q", i+1, w, line)
		}
	}
	if strings.Contains(view, secret) {
		t.Fatal("the secret is shown in clear")
	}
	golden.RequireEqual(t, []byte(view))
}

func TestSecretInputTakesLongPastes(t *testing.T) {
	long := strings.Repeat("x", 3000)
	m := press(New(testDeps(&stubFlows{}), testStyles()), "enter", "enter", "id", "tab")
	m, _ = m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(long), Paste: true})
	if got := m.(Model).secret.Value(); got != long {
		t.Fatalf("pasted %d characters, kept %d", len(long), len(got))
	}
}

// TestWizardRunsToTheEnd drives the real program loop with teatest.
func TestWizardRunsToTheEnd(t *testing.T) {
	f := &stubFlows{granted: []string{"api_keys_write", "dashboards_read"}}
	tm := teatest.NewTestModel(t, New(testDeps(f), testStyles()), teatest.WithInitialTermSize(80, 24))
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	tm.Type("abc-123")
	tm.Send(tea.KeyMsg{Type: tea.KeyTab})
	tm.Type("s3cr3t")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitFor(t, tm, "Authorized on us1")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitFor(t, tm, "Created the key")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitFor(t, tm, "Every site and every scope")
	tm.Type("i")
	waitFor(t, tm, "Imported on eu1")
	tm.Type("a")
	waitFor(t, tm, "Authorized on eu1")
	tm.Type("s")
	waitFor(t, tm, "2 passed, 0 failed")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitFor(t, tm, "manifest.json")
	tm.Type("f")
	waitFor(t, tm, "press y to write")
	tm.Type("y")
	waitFor(t, tm, "Fixes written.")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitFor(t, tm, "Press y to commit")
	tm.Type("y")
	waitFor(t, tm, "Pull request #7 created")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitFor(t, tm, "Press enter to publish")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitFor(t, tm, "re-test on us1")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitFor(t, tm, "Summary")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(Model)
	if !fm.Finished || fm.Cancelled {
		t.Fatalf("finished=%v cancelled=%v", fm.Finished, fm.Cancelled)
	}
	if len(f.seen) != 1 || f.seen[0].RedirectURI != "http://127.0.0.1:8765/oauth/callback" || f.seen[0].ClientSecret != "s3cr3t" {
		t.Fatalf("authorize request %+v", f.seen)
	}
	golden.RequireEqual(t, []byte(fm.Summary()))
}

func TestCtrlCCancels(t *testing.T) {
	tm := teatest.NewTestModel(t, New(testDeps(&stubFlows{}), testStyles()), teatest.WithInitialTermSize(80, 24))
	tm.Send(tea.KeyMsg{Type: tea.KeyCtrlC})
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(Model)
	if !fm.Cancelled {
		t.Fatal("ctrl+c must cancel")
	}
}

func waitFor(t *testing.T, tm *teatest.TestModel, s string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(s)) }, teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
}

// TestWizardAgainstSandbox runs the real flows against the embedded sandbox.
func TestWizardAgainstSandbox(t *testing.T) {
	sb, err := sandbox.Start(sandbox.Options{Sites: []string{"us1", "eu1"}, AutoApprove: true, GitHub: true})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	d := sb.Discovery()
	store := &secrets.Memory{}
	dir := scratchInClone(t, sb)
	info, err := integration.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	dp := devplatform.StandIn{Provider: sb.Provider(), Discovery: &d}
	deps := Deps{Provider: sb.Provider(), Store: store, Integration: "acme", Kind: "test", DevPlatform: dp, Now: time.Now, Timeout: 10 * time.Second,
		RedirectURI: "http://127.0.0.1:0/oauth/callback", Info: info,
		Flows: RealFlows{Provider: sb.Provider(), Store: store, Integration: "acme", Kind: "test", OpenBrowser: sandbox.Browse, DevPlatform: dp, StateDir: t.TempDir(),
			Dir: dir, GitHubURL: sb.GitHubURL(), GitHubToken: "sandbox", Author: &object.Signature{Name: "PE", Email: "pe@acme.example", When: time.Now()}}}
	tm := teatest.NewTestModel(t, New(deps, testStyles()), teatest.WithInitialTermSize(80, 24))
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter}) // prefilled from the sandbox
	waitFor(t, tm, "Authorized on us1")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitFor(t, tm, "valid: GET /api/v1/validate")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitFor(t, tm, "Every site and every scope")
	tm.Type("i") // eu1 is proposed: import the manifest there
	waitFor(t, tm, "Imported on eu1")
	tm.Type("a")
	waitFor(t, tm, "Authorized on eu1")
	tm.Type("s")
	waitFor(t, tm, "0 failed")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitFor(t, tm, "✗ manifest.json") // README: no section yet; manifest: no key
	tm.Type("f")
	waitFor(t, tm, "press y to write")
	tm.Type("y")
	waitFor(t, tm, "Fixes written.")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitFor(t, tm, "Press y to commit")
	tm.Type("y")
	waitFor(t, tm, "Pull request #1 created")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitFor(t, tm, "Press enter to publish")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitFor(t, tm, "re-test on eu1")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitFor(t, tm, "Summary")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(Model)
	if fm.publish.done == nil || !fm.publish.done.Written || fm.publish.done.Retests["us1"] == "" || !strings.HasPrefix(fm.publish.done.Retests["eu1"], "authorized") {
		t.Fatalf("publish: %+v %v", fm.publish.done, fm.publish.err)
	}
	prs := sb.PullRequests("DataDog/integrations-extras")
	if len(prs) != 1 || !strings.Contains(prs[0].Body, "Scope checks") {
		t.Fatalf("pull requests %+v", prs)
	}
	if mb, _ := os.ReadFile(filepath.Join(dir, "manifest.json")); !strings.Contains(string(mb), sb.AppUUID()) {
		t.Fatalf("app_uuid not in the manifest:\n%s", mb)
	}
	if pass, ok := fm.every.scopesPassed(); !ok || pass < 6 || len(fm.every.authorized()) != 2 {
		t.Fatalf("every site: %+v", fm.every.run)
	}
	if len(sb.State().Objects) != 0 {
		t.Fatalf("objects left: %+v", sb.State().Objects)
	}
	if !fm.Finished || len(sb.State().APIKeys) != 2 || !journey.PublicationReady(fm.check.findings) { // us1, and eu1 for the scope checks
		t.Fatalf("finished=%v keys=%d findings=%+v", fm.Finished, len(sb.State().APIKeys), fm.check.findings)
	}
	rb, _ := os.ReadFile(filepath.Join(dir, "README.md"))
	mb, _ := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if !strings.Contains(string(rb), "## Uninstallation") || !strings.Contains(string(mb), `"uninstallation": "README.md#Uninstallation"`) {
		t.Fatalf("files not fixed:\n%s\n%s", rb, mb)
	}
	out := fmt.Sprint(fm.Summary())
	for _, v := range store.Values() {
		if strings.Contains(out, v) {
			t.Fatal("summary leaks a stored secret")
		}
	}
}

func TestAccessibleMode(t *testing.T) {
	f := &stubFlows{granted: []string{"api_keys_write", "dashboards_read"}}
	var out bytes.Buffer
	in := strings.NewReader("7\n2\nmars\neu1\nabc-123\ns3cr3t\n")
	err := Accessible{Deps: testDeps(f), In: in, Out: &out}.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	text := out.String()
	for _, want := range []string{"Please answer a number from 1 to 3.", "Case: OAuth added to an existing integration.", `"mars" is not a site id.`, "Step 4 of 9", fakeURL, "Pull request #7 created", "written into manifest.json and pushed", "Imported on us1", "Authorized on us1", "Scope checks: 2 passed, 0 failed, 2 manual", "Created the API key ending in abcd", "✓ API key",
		"error readme/uninstallation-level, README.md line 17", "+## Uninstallation", "Fixes written; checking again.", "0 errors, 0 warnings.", "✓ Every site", "✓ Every scope", "✓ README & manifest"} {
		if !strings.Contains(text, want) {
			t.Errorf("accessible output lacks %q", want)
		}
	}
	if f.seen[0].Site != "eu1" || f.seen[0].ClientID != "abc-123" {
		t.Fatalf("request %+v", f.seen[0])
	}
	if strings.Contains(text, "s3cr3t") {
		t.Fatal("accessible mode echoes the secret")
	}
}

func TestMain(m *testing.M) {
	// Screens show local times; pin the zone so golden files hold everywhere.
	time.Local = time.UTC
	os.Exit(m.Run())
}

// BenchmarkFirstFrame is building the model and drawing its first screen.
func BenchmarkFirstFrame(b *testing.B) {
	deps := testDeps(&stubFlows{})
	st := testStyles()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		_ = New(deps, st).View()
	}
}

// BenchmarkKeyToFrame is one key press on the site list and the redraw.
func BenchmarkKeyToFrame(b *testing.B) {
	m := press(New(testDeps(&stubFlows{}), testStyles()), "enter")
	down := tea.KeyMsg{Type: tea.KeyDown}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		m, _ = m.Update(down)
		_ = m.View()
	}
}

func TestResumeOpensAtTheFirstStepNotDone(t *testing.T) {
	f := &stubFlows{granted: []string{"api_keys_write"}}
	deps := testDeps(f)
	deps.Resume = &Resume{Case: integration.CaseExisting, Site: "eu1", ClientID: "abc",
		Authorized: &Authorized{Site: "eu1", Org: "Partner Sandbox (eu1)", Granted: []string{"api_keys_write"}, Expiry: fixedNow.Add(time.Hour)}}
	m := New(deps, testStyles())
	if m.step != stepAPIKey || m.site != "eu1" || m.caseChosen != integration.CaseExisting {
		t.Fatalf("step %d site %s case %s", m.step, m.site, m.caseChosen)
	}
	deps.Resume.APIKey = &apikey.Result{Site: "eu1", Last4: "wxyz", Valid: true}
	m = New(deps, testStyles())
	if m.step != stepSites {
		t.Fatalf("with a key: step %d", m.step)
	}
	view := drain(m, m.Init()).View()
	if !strings.Contains(view, "✓ Test authorization") || !strings.Contains(view, "…wxyz valid") || !strings.Contains(view, "Every site and every scope") {
		t.Fatalf("resumed screen:\n%s", view)
	}
	// With scope checks passed, a pull request and a publication recorded:
	// the checklist, with every earlier step ticked in the sidebar.
	deps.Resume.Scopes = &scopes.Report{RunID: "r", Results: []scopes.Result{{Site: "eu1", Scope: "dashboards_read", Probe: "read", Status: scopes.Pass}}}
	deps.Resume.PullRequestURL = "https://github.com/DataDog/integrations-extras/pull/42"
	deps.Resume.AppUUID, deps.Resume.Retested = "5b1e5b6e-0d4a-4a8e-9c1f-2d3e4f5a6b7c", []string{"eu1"}
	m = New(deps, testStyles())
	if m.step != stepChecks {
		t.Fatalf("with scope evidence: step %d", m.step)
	}
	resumed := drain(m, m.Init())
	resumed = press(resumed, "down", "down", "down", "down", "down", "down", " ") // a manual row can be ticked
	view = resumed.View()
	for _, want := range []string{"7. Pre-submission checklist", "✗ README", "✓ Every scope", "✓ Pull request", "✓ Publish", "✓ Re-test published"} {
		if !strings.Contains(view, want) {
			t.Errorf("resumed checklist lacks %q:\n%s", want, view)
		}
	}
	deps.Resume = &Resume{Case: integration.CaseNew}
	if m := New(deps, testStyles()); m.step != stepSite {
		t.Fatalf("case only: step %d", m.step)
	}
	// Choosing the case records it.
	pressDrain(New(testDeps(f), testStyles()), "down", "enter")
	if f.savedCase != integration.CaseExisting {
		t.Fatalf("saved case %q", f.savedCase)
	}
}

// The sidebar says which part of a step did not apply to the case, and why.
func TestSidebarMarksWhatTheCaseLeavesOut(t *testing.T) {
	tests := []struct {
		name string
		done PublishResult
		want string
	}{
		{"new integration", PublishResult{AppUUID: "0f3c0d1e-2a4b-4c6d", Written: true}, "app_uuid 0f3c0d1e-2a4…"},
		{"existing integration", PublishResult{AppUUID: "0f3c0d1e-2a4b-4c6d", Note: "left alone: an existing integration keeps its app_uuid"}, "app_uuid kept: not new"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := New(testDeps(&stubFlows{}), testStyles())
			m.publish.done = &tt.done
			if _, ev, _, done := m.stepStatus(8); !done || ev != tt.want {
				t.Fatalf("publish step: done %v, evidence %q, want %q", done, ev, tt.want)
			}
		})
	}
}

// The wizard keeps a secret only once Datadog accepted it: a mistyped one
// does not replace the working secret.
func TestWizardKeepsOnlyAcceptedSecrets(t *testing.T) {
	sb, err := sandbox.Start(sandbox.Options{Sites: []string{"us1"}, AutoApprove: true})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	c, _ := sb.Client("us1", "test")
	store := &secrets.Memory{}
	f := RealFlows{Provider: sb.Provider(), Store: store, Integration: "acme", Kind: "test", OpenBrowser: sandbox.Browse}
	req := AuthorizeRequest{Site: "us1", ClientID: c.ClientID, ClientSecret: c.ClientSecret, RedirectURI: "http://127.0.0.1:0/oauth/callback", Timeout: 10 * time.Second}
	if _, err := f.Authorize(context.Background(), req, func(string) {}); err != nil {
		t.Fatal(err)
	}
	req.ClientSecret = "mistyped-secret-0000"
	if _, err := f.Authorize(context.Background(), req, func(string) {}); err == nil {
		t.Fatal("a wrong secret was accepted")
	}
	if v, _ := store.Get(f.ns("us1").ClientSecretKey()); v != c.ClientSecret {
		t.Fatal("the mistyped secret replaced the stored one")
	}
}

// The wizard pushes what its plan showed: a file changed after the plan
// stops the pull request before anything is committed or pushed.
func TestWizardPushesWhatItShowed(t *testing.T) {
	sb, err := sandbox.Start(sandbox.Options{Sites: []string{"us1"}, GitHub: true})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	dir := scratchInClone(t, sb)
	if err := applyFixesNow(dir); err != nil {
		t.Fatal(err)
	}
	f := RealFlows{Provider: sb.Provider(), Store: &secrets.Memory{}, Integration: "acme", Kind: "test", Dir: dir, GitHubURL: sb.GitHubURL(), GitHubToken: "sandbox",
		Author: &object.Signature{Name: "PE", Email: "pe@acme.example", When: time.Now()}}
	plan, err := f.PlanPR(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "late.txt"), []byte("written after the plan was shown\n"), 0o644)
	if _, err := f.OpenPR(context.Background(), plan, false); !errors.Is(err, pullrequest.ErrPlanChanged) {
		t.Fatalf("got %v", err)
	}
	if prs := sb.PullRequests("DataDog/integrations-extras"); len(prs) != 0 {
		t.Fatalf("pull requests: %+v", prs)
	}
}

// The wizard's pull request is the one 'oauthwiz pr' makes: a new
// integration gets its CODEOWNERS line, owned by the manifest's support
// address, and the body names the checks.
func TestWizardPullRequestHasCodeOwners(t *testing.T) {
	sb, err := sandbox.Start(sandbox.Options{Sites: []string{"us1"}, GitHub: true})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	dir := scratchInClone(t, sb)
	if err := applyFixesNow(dir); err != nil {
		t.Fatal(err)
	}
	f := RealFlows{Provider: sb.Provider(), Store: &secrets.Memory{}, Integration: "acme", Kind: "test", Dir: dir, StateDir: t.TempDir(),
		Author: &object.Signature{Name: "PE", Email: "pe@acme.example", When: time.Now()}}
	plan, err := f.PlanPR(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(plan.Files, ".github/CODEOWNERS") || !strings.Contains(plan.Diff, "+/acme/ ") {
		t.Fatalf("files %v\n%s", plan.Files, plan.Diff)
	}
}

// applyFixesNow writes the README and manifest fixes a folder needs.
func applyFixesNow(dir string) error {
	edits, err := PlanFixes(dir)
	if err != nil {
		return err
	}
	return RealFlows{}.ApplyFixes(edits)
}

// scratchInClone clones the sandbox's integrations-extras and writes a
// scratch acme integration (for the us1 client's scopes) in it.
func scratchInClone(t *testing.T, sb *sandbox.Server) string {
	t.Helper()
	clone := filepath.Join(t.TempDir(), "integrations-extras")
	if err := pullrequest.Clone(context.Background(), sb.GitHubURL()+"/DataDog/integrations-extras.git", clone, "master", 0, pullrequest.NewGitAuth("sandbox", sb.GitHubURL())); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(clone, "acme")
	c, _ := sb.Client("us1", "test")
	if err := integration.WriteScratch(dir, "acme", integration.OAuthClient{Name: "Acme", RedirectURIs: []string{"https://acme.example/cb"}, Scopes: c.Scopes, OnboardingURL: "https://acme.example/on"}); err != nil {
		t.Fatal(err)
	}
	return dir
}
