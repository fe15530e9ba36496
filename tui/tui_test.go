package tui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"

	"github.com/oauthwiz/oauthwiz/flows/apikey"
	"github.com/oauthwiz/oauthwiz/flows/datadog"
	"github.com/oauthwiz/oauthwiz/flows/integration"
	"github.com/oauthwiz/oauthwiz/flows/journey"
	"github.com/oauthwiz/oauthwiz/flows/readme"
	"github.com/oauthwiz/oauthwiz/flows/scopes"
	"github.com/oauthwiz/oauthwiz/flows/secrets"
)

var fixedNow = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

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
	case "pgdown":
		msg = tea.KeyMsg{Type: tea.KeyPgDown}
	case "up":
		msg = tea.KeyMsg{Type: tea.KeyUp}
	case "ctrl+t":
		msg = tea.KeyMsg{Type: tea.KeyCtrlT}
	case "f1":
		msg = tea.KeyMsg{Type: tea.KeyF1}
	case "ctrl+u":
		msg = tea.KeyMsg{Type: tea.KeyCtrlU}
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
	// Each screen from a fresh stub: one case's writes (a fix applied) must
	// not show in another's screen.
	base := func() tea.Model { return New(testDeps(&stubFlows{granted: f.granted}), testStyles()) }
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
		{"integration-long-folder", func() tea.Model {
			d := testDeps(f)
			// The folder says which integration this is: wrapped whole at
			// 60 columns, not cut before its last segment.
			d.Info.Dir = "/home/partner/src/github.com/partner-org/integrations-extras/acme_cloud_monitoring"
			return New(d, testStyles())
		}, "monitoring"}, // the end of the folder, at every size
		{"site", func() tea.Model { return press(base(), "down", "enter", "down", "down", "down") }, "▸ eu1"},
		{"credentials", creds, "25 characters, s3cr…test"},
		{"credentials-test-redirect", func() tea.Model {
			d := testDeps(f)
			c := *d.Info.Client
			c.RedirectURIs = []string{"https://acme.example/cb"} // a real client's: its service's only
			d.Info.Client = &c
			return press(New(d, testStyles()), "enter", "enter")
		}, "http://127.0.0.1:8765/oauth/callback"},
		{"authorizing", authorizing, "5:00 left"},
		{"credentials-long-values", func() tea.Model {
			d := testDeps(f)
			c := *d.Info.Client
			// Long values a person copies: wrapped whole, never cut with "…".
			c.RedirectURIs = []string{"https://integrations.partner-service.example.com/datadog/oauth2/callback/end-of-uri"}
			c.OnboardingURL = "https://integrations.partner-service.example.com/datadog/onboarding/end-of-onboarding"
			d.Info.Client = &c
			return press(New(d, testStyles()), "enter", "enter")
		}, "redirect URIs https://integrations"},
		{"credentials-paste-back", func() tea.Model {
			return press(creds(), "tab", "ctrl+u", "https://acme.example/oauth/callback")
		}, "Paste-back: you paste the address"},
		{"authorizing-paste-back", func() tea.Model {
			m := send(press(creds(), "tab", "ctrl+u", "https://acme.example/oauth/callback", "enter"), authURLMsg{fakeURL})
			return send(press(m, "https://acme.example/oauth/callback?code=x", "enter"), authNoteMsg{"the pasted URL carries another attempt's state (or none): paste the address of the tab the current URL opened"})
		}, "another attempt's state"},
		{"authorizing-paste-opened", func() tea.Model { return press(authorizing(), "p") }, "Paste the whole address the browser landed on"},
		{"authorized", authorized, "✓ Authorized on us1 as Partner Sandbox"},
		{"apikey", keyed, "✓ Created the key …abcd"},
		{"authorized-other-region", func() tea.Model {
			return send(authorizing(), authorizedMsg{Authorized{Site: "eu1", Org: "Customer Org (eu1)", Granted: []string{"api_keys_write"}, Expiry: fixedNow.Add(time.Hour)}})
		}, "started on us1"},
		{"sites", everySite, "▸eu1"},
		{"sites-done", func() tea.Model {
			return pressDrain(New(testDeps(&stubFlows{granted: f.granted}), testStyles()), "enter", "enter", "abc-123", "tab", "s3cr3t-value-for-the-test", "enter", "enter", "enter", "i", "a", "s")
		}, "2 passed, 0 failed"},
		{"sites-checking", func() tea.Model {
			// The run is started, not run: one failed probe has come of the
			// four the two sites' tokens plan.
			m, _ := pressDrain(everySite(), "i", "a").Update(keyMsg("s"))
			return send(m, scopeResultMsg{scopes.Result{Site: "us1", Scope: "dashboards_read", Probe: "read", Status: scopes.Fail, HTTPStatus: 403, Endpoint: "GET /api/v1/dashboard", RequestID: "req-7f3a",
				Detail: `{"errors":["Forbidden"]}`}})
		}, "1/4"},
		{"checks", checked, "✗ README"},
		{"checks-manual", func() tea.Model { return press(checked(), "down", "down", "down", "down", "down", "down", " ") }, "ticked (manual)"},
		{"checks-preview", func() tea.Model { return pressDrain(checked(), "f") }, "+## Uninstallation"},
		{"checks-preview-scrolled", func() tea.Model { return pressDrain(checked(), "f", "pgdown", "pgdown", "down") }, `"uninstallation": "README.md#Uninstallation"`},
		{"checks-fixed", func() tea.Model { return pressDrain(checked(), "f", "y") }, "Fixes written."},
		{"pr-plan", func() tea.Model { return pressDrain(checked(), "enter") }, "Press y to commit, push"},
		{"pr-plan-scrolled", func() tea.Model { return pressDrain(checked(), "enter", "pgdown", "down") }, "── diff (tab: body) · lines "},
		{"pr-plan-body", func() tea.Model { return pressDrain(checked(), "enter", "pgdown", "tab") }, "── body (tab: diff) · lines 1–"},
		{"pr-done", func() tea.Model { return pressDrain(checked(), "enter", "y") }, "✓ Pull request #7 created"},
		{"publish", func() tea.Model { return pressDrain(checked(), "enter", "y", "enter") }, "Press enter to publish."},
		{"publish-done", func() tea.Model { return pressDrain(checked(), "enter", "y", "enter", "enter") }, "re-test on us1"},
		{"publish-retest-failed", func() tea.Model {
			// Why the published client failed, whole at every size.
			sf := &stubFlows{granted: f.granted, retestErr: errors.New("the authorize page said: invalid_request - Invalid client_id parameter value (the published client ID is not the one in use)")}
			m := pressDrain(New(testDeps(sf), testStyles()), "enter", "enter", "abc-123", "tab", "s3cr3t-value-for-the-test", "enter")
			m = send(m, authorizedMsg{Authorized{Site: "us1", Org: "Partner Sandbox", Granted: f.granted, Expiry: fixedNow.Add(time.Hour)}})
			m = send(press(m, "enter"), apiKeyMsg{&apikey.Result{Site: "us1", Org: "Partner Sandbox", Last4: "abcd", Created: true, Valid: true}})
			return pressDrain(m, "enter", "enter", "enter", "y", "enter", "enter")
		}, "use)"}, // the reason's last word: not cut
		{"summary", func() tea.Model { return pressDrain(checked(), "enter", "y", "enter", "enter", "enter") }, "Summary"},
		{"help", func() tea.Model { return press(base(), "?") }, "ctrl+c"},
		{"pr-rejected", func() tea.Model {
			return pressDrain(pressDrain(New(testDeps(&stubFlows{granted: f.granted, rejectPush: true}), testStyles()), "enter", "enter", "abc-123", "tab", "s3cr3t-value-for-the-test", "enter"),
				"enter", "enter", "enter", "enter", "y")
		}, "b rebase & push"},
		{"publish-app-uuid", func() tea.Model {
			edit := &readme.FileEdit{Path: "/work/integrations-extras/acme/manifest.json",
				Before: []byte("{\n  \"app_uuid\": \"0193a8e2-6f0c-7c3e-9d1a-2b4c6d8e0f12\",\n  \"app_id\": \"acme\"\n}\n"),
				After:  []byte("{\n  \"app_uuid\": \"5b1e5b6e-0d4a-4a8e-9c1f-2d3e4f5a6b7c\",\n  \"app_id\": \"acme\"\n}\n")}
			return pressDrain(New(testDeps(&stubFlows{granted: f.granted, appUUIDEdit: edit}), testStyles()),
				"enter", "enter", "abc-123", "tab", "s3cr3t-value-for-the-test", "enter", "enter", "enter", "enter", "enter", "y", "enter", "enter")
		}, "y write app_uuid"},
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
// screenSizes are the windows every screen is drawn at: a small split
// pane, the classic terminal, a large one.
var screenSizes = []struct{ w, h int }{{60, 20}, {80, 24}, {120, 40}}

// checkScreen draws a screen at each size and compares it with its golden
// file: no line is wider than the window, the header and the step's title
// are always in view, the secret never shows, and want is on the screen
// (at 60×20 it may be scrolled out of view: the pane says so).
func checkScreen(t *testing.T, m tea.Model, want, secret string) {
	t.Helper()
	for _, size := range screenSizes {
		t.Run(fmt.Sprintf("%dx%d", size.w, size.h), func(t *testing.T) {
			view := send(m, tea.WindowSizeMsg{Width: size.w, Height: size.h}).View()
			lines := strings.Split(view, "\n")
			if !strings.Contains(view, want) && (size.w > 60 || !strings.Contains(view, "below (pgup/pgdn)")) {
				t.Fatalf("screen lacks %q:\n%s", want, view)
			}
			if len(lines) > size.h {
				t.Errorf("%d lines for a %d-line window:\n%s", len(lines), size.h, view)
			}
			if !strings.HasPrefix(lines[0], "oauthwiz") {
				t.Errorf("the header is not the first line:\n%s", view)
			}
			for i, line := range lines {
				if w := lipgloss.Width(line); w > size.w {
					t.Errorf("line %d is %d columns wide (max %d): %q", i+1, w, size.w, line)
				}
			}
			if strings.Contains(view, secret) {
				t.Fatal("the secret is shown in clear")
			}
			// Help is one key away on every screen, and the bar says so:
			// F1 while typing, when '?' is a character.
			if mm, ok := m.(Model); ok && !mm.showHelp {
				want := "? help"
				if mm.typing() {
					want = "f1 help"
				}
				if !strings.Contains(lines[len(lines)-1], want) {
					t.Errorf("the help bar does not offer %q: %q", want, lines[len(lines)-1])
				}
			}
			golden.RequireEqual(t, []byte(view))
		})
	}
}

// In a text field '?' is a character (a secret may hold one) and F1 is
// the help, as the bar says; elsewhere '?' is the help.
func TestHelpWhileTyping(t *testing.T) {
	start := New(testDeps(&stubFlows{}), testStyles())
	tests := []struct {
		name  string
		keys  []string
		typed func(Model) string
	}{
		{"client ID field", []string{"enter", "enter", "ab?"}, func(m Model) string { return m.creds.clientID.Value() }},
		{"doctor's text", []string{"ctrl+t", "why?"}, func(m Model) string { return m.doctor.input.Value() }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := press(start, tt.keys...).(Model)
			last := tt.keys[len(tt.keys)-1]
			if got := tt.typed(m); got != last || m.showHelp {
				t.Fatalf("typing %q: the field holds %q, help shown %v", last, got, m.showHelp)
			}
			if bar := m.helpView(); !strings.Contains(bar, "f1 help") || strings.Contains(bar, "? help") {
				t.Errorf("the bar while typing: %q", bar)
			}
			m = press(m, "f1").(Model)
			if !m.showHelp || tt.typed(m) != last || !strings.Contains(m.View(), "ctrl+t") {
				t.Fatalf("after f1: help shown %v, field %q:\n%s", m.showHelp, tt.typed(m), m.View())
			}
			if m = press(m, "f1").(Model); m.showHelp {
				t.Error("a second f1 does not close the help")
			}
		})
	}
	if m := press(start, "?").(Model); !m.showHelp {
		t.Error("'?' outside a text field does not open the help")
	}
}

func TestSecretInputTakesLongPastes(t *testing.T) {
	long := strings.Repeat("x", 3000)
	m := press(New(testDeps(&stubFlows{}), testStyles()), "enter", "enter", "id", "tab")
	m, _ = m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(long), Paste: true})
	if got := m.(Model).creds.secret.Value(); got != long {
		t.Fatalf("pasted %d characters, kept %d", len(long), len(got))
	}
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
		"error readme/uninstallation-level, README.md line 17", "+## Uninstallation",
		"Into DataDog/integrations-extras (from upstream/master); from your fork of DataDog/integrations-extras, branch acme-oauth.", "Your working tree will switch from master to branch acme-oauth", "+    \"uninstallation\": \"README.md#Uninstallation\",", "Adds OAuth to Acme.", "Fixes written; checking again.", "0 errors, 0 warnings.", "✓ Every site", "✓ Every scope", "✓ README & manifest"} {
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

// An API key Datadog created but nothing could store is shown once, on the
// API key screen, as the command prints it: losing it would strand the org.
func TestUnstoredAPIKeyIsShownOnce(t *testing.T) {
	f := &stubFlows{granted: []string{"api_keys_write", "dashboards_read"},
		keyErr: &journey.UnstoredKeyError{Key: "0123456789abcdef0123456789abcdef", Err: errors.New("the API key was created but could not be stored: keyring: locked")}}
	m := pressDrain(New(testDeps(f), testStyles()), "enter", "enter", "abc-123", "tab", "s3cr3t-value-for-the-test", "enter", "enter")
	view := m.View()
	if !strings.Contains(view, "never shown again") || !strings.Contains(view, "0123456789abcdef0123456789abcdef") {
		t.Fatalf("the key is not shown:\n%s", view)
	}
	if strings.Contains(fmt.Sprint(f.keyErr), "0123456789abcdef") {
		t.Fatal("the error's text holds the key")
	}
}

// An org whose region was chosen on Datadog's page: the journey goes on
// with that site (the API key is made there), in both front-ends.
func TestRegionChosenOnDatadogsPageMovesTheJourney(t *testing.T) {
	f := &stubFlows{granted: []string{"api_keys_write"}, authSite: "eu1"}
	m := pressDrain(New(testDeps(f), testStyles()), "enter", "enter", "abc-123", "tab", "s3cr3t", "enter", "enter").(Model)
	if m.site != "eu1" || m.key.result == nil || m.key.result.Site != "eu1" {
		t.Fatalf("site %s, key %+v", m.site, m.key.result)
	}
	var out bytes.Buffer
	f = &stubFlows{granted: []string{"api_keys_write"}, authSite: "eu1"}
	Accessible{Deps: testDeps(f), In: strings.NewReader("1\nus1\nabc-123\ns3cr3t\n"), Out: &out}.Run(context.Background())
	if !strings.Contains(out.String(), "the journey goes on with eu1 (started on us1)") || !strings.Contains(out.String(), "API key ending in abcd for Partner Sandbox") {
		t.Fatalf("accessible:\n%s", out.String())
	}
}

// A pane taller than the window scrolls with pgup/pgdn under the step's
// title, which stays in view with the header; keys the screen takes (the
// PR preview's own scrolling) are left to it.
func TestPaneScrollsUnderItsTitle(t *testing.T) {
	m := send(press(New(testDeps(&stubFlows{}), testStyles()), "enter", "enter", "abc-123", "tab", "s3cr3t"), tea.WindowSizeMsg{Width: 60, Height: 20})
	top := m.View()
	if !strings.Contains(top, "below (pgup/pgdn)") || strings.Contains(top, "above") {
		t.Fatalf("the pane does not say it has more:\n%s", top)
	}
	down := send(m, tea.KeyMsg{Type: tea.KeyPgDown})
	view := down.View()
	if !strings.Contains(view, "above") || !strings.Contains(view, "3. Client credentials") || !strings.HasPrefix(view, "oauthwiz") || !strings.Contains(view, "Redirect URI (for this test)") {
		t.Fatalf("after pgdn:\n%s", view)
	}
	if back := send(down, tea.KeyMsg{Type: tea.KeyPgUp}).View(); back != top {
		t.Fatalf("pgup does not go back to the top:\n%s", back)
	}
	// The mouse wheel scrolls too, three lines a notch.
	wheel := tea.MouseMsg{Button: tea.MouseButtonWheelDown, Action: tea.MouseActionPress}
	// At 16 rows the pane starts scrolled to the field in focus (3 lines
	// down); a notch down goes 3 more, a notch up comes back.
	sized := send(m, tea.WindowSizeMsg{Width: 60, Height: 16})
	wheelUp := tea.MouseMsg{Button: tea.MouseButtonWheelUp, Action: tea.MouseActionPress}
	for _, tt := range []struct {
		m    tea.Model
		want string
	}{{sized, "↑ 3 above"}, {send(sized, wheel), "↑ 6 above"}, {send(sized, wheel, wheelUp), "↑ 3 above"}} {
		if view := tt.m.View(); !strings.Contains(view, tt.want) || !strings.Contains(view, "▸ Client secret") {
			t.Fatalf("the wheel: want %q and the field in focus:\n%s", tt.want, view)
		}
	}
	// Where the screen has no list, the arrows scroll a line at a time.
	auth := send(press(New(testDeps(&stubFlows{}), testStyles()), "enter", "enter", "abc-123", "tab", "s3cr3t", "enter"), authURLMsg{fakeURL}, tea.WindowSizeMsg{Width: 60, Height: 14})
	if view := send(auth, tea.KeyMsg{Type: tea.KeyDown}).View(); !strings.Contains(view, "↑ 1 above") || !strings.Contains(view, "4. Test authorization") {
		t.Fatalf("↓ on the authorize screen:\n%s", view)
	}
}

// c copies the value in focus and o opens it; both say what happened,
// and o without a browser offers c instead of failing silently.
func TestCopyAndOpenSayWhatHappened(t *testing.T) {
	authorizing := func(d Deps) tea.Model {
		return send(press(New(d, testStyles()), "enter", "enter", "abc-123", "tab", "s3cr3t", "enter"), authURLMsg{fakeURL}, tea.WindowSizeMsg{Width: 80, Height: 24})
	}
	var copied string
	tests := []struct {
		name string
		deps func(d Deps) Deps
		key  string
		want string
	}{
		{"copied", func(d Deps) Deps { d.Copy = func(s string) error { copied = s; return nil }; return d }, "c", "Copied the authorize URL"},
		{"no clipboard", func(d Deps) Deps { return d }, "c", "no clipboard oauthwiz can reach"},
		{"clipboard refused", func(d Deps) Deps { d.Copy = func(string) error { return errors.New("write: broken pipe") }; return d }, "c", "Could not copy the authorize URL: write: broken pipe"},
		{"no browser", func(d Deps) Deps { return d }, "o", "No browser can be opened from here: press c to copy the URL"},
		{"browser failed", func(d Deps) Deps {
			d.OpenBrowser = func(string) error { return errors.New("xdg-open not found") }
			return d
		}, "o", "The browser did not open (xdg-open not found): press c to copy the URL."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := pressDrain(authorizing(tt.deps(testDeps(&stubFlows{}))), tt.key)
			if view := m.View(); !strings.Contains(strings.ReplaceAll(view, "\n", " "), tt.want) {
				t.Fatalf("after %s:\n%s", tt.key, view)
			}
			if after := pressDrain(m, "p").View(); strings.Contains(after, tt.want) {
				t.Fatal("the report stays after the next key")
			}
		})
	}
	if copied != fakeURL {
		t.Fatalf("copied %q", copied)
	}
}

func TestOSC52(t *testing.T) {
	var out bytes.Buffer
	if err := OSC52(&out)("https://app.datadoghq.com/oauth2/v1/authorize?x=1"); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "\x1b]52;c;aHR0cHM6Ly9hcHAuZGF0YWRvZ2hxLmNvbS9vYXV0aDIvdjEvYXV0aG9yaXplP3g9MQ==\a" {
		t.Fatalf("OSC 52: %q", got)
	}
}

// q quits like ctrl+c where no text field has the keys; in one, it is a
// letter. esc stopping a step is said in words.
func TestQQuitsOutsideTextFields(t *testing.T) {
	if m := press(New(testDeps(&stubFlows{}), testStyles()), "q").(Model); !m.Cancelled {
		t.Fatal("q on the first screen did not quit")
	}
	m := press(New(testDeps(&stubFlows{}), testStyles()), "enter", "enter", "q").(Model)
	if m.Cancelled || m.creds.clientID.Value() != "q" {
		t.Fatalf("q in the client ID field: cancelled=%v value=%q", m.Cancelled, m.creds.clientID.Value())
	}
	stopped := send(press(m, "tab", "s3cr3t", "enter"), errMsg{stepAuthorize, fmt.Errorf("waiting: %w", context.Canceled)}).View()
	if strings.Contains(stopped, "context canceled") || !strings.Contains(stopped, "Stopped, as you asked") {
		t.Fatalf("esc while waiting:\n%s", stopped)
	}
}

// Once the scope checks ran, every probe is listed with what was sent
// where and what came back, in columns as wide as what they hold.
func TestScopeTableListsEveryProbe(t *testing.T) {
	f := &stubFlows{granted: []string{"api_keys_write", "dashboards_read"}}
	m := pressDrain(New(testDeps(f), testStyles()), "enter", "enter", "abc-123", "tab", "s3cr3t", "enter", "enter", "enter", "i", "a", "s")
	view := send(m, tea.WindowSizeMsg{Width: 120, Height: 60}).View()
	for _, want := range []string{"endpoint · request id", "✓      us1  dashboards_read read   200  GET /api/v1/dashboard", "manual eu1  workflows_read  manual -    No probe is known for this scope"} {
		if !strings.Contains(view, want) {
			t.Errorf("the table lacks %q:\n%s", want, view)
		}
	}
}

// Accessible mode resumes where an earlier run stopped, as the full-screen
// wizard does: the steps done are said, not asked again.
func TestAccessibleModeResumes(t *testing.T) {
	f := &stubFlows{granted: []string{"api_keys_write", "dashboards_read"}}
	d := testDeps(f)
	d.Resume = &Resume{Case: integration.CaseNew, Site: "us1", ClientID: "abc-123",
		Authorized: &Authorized{Site: "us1", Org: "Partner Sandbox", Granted: []string{"api_keys_write", "dashboards_read"}}}
	var out bytes.Buffer
	if err := (Accessible{Deps: d, In: strings.NewReader(""), Out: &out}).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	if !strings.Contains(text, "Resuming where the last run stopped. Done: the case (A new integration), the test authorization on us1 as Partner Sandbox.") ||
		strings.Contains(text, "Step 1 of 9") || strings.Contains(text, "Step 4 of 9") || !strings.Contains(text, "Step 5 of 9") {
		t.Fatalf("accessible resume:\n%s", text)
	}
}

// A value a person copies is wrapped whole under its label, never cut:
// joined again, the lines give it back at every size.
func TestLongValuesAreWrappedNotCut(t *testing.T) {
	const uri = "https://integrations.partner-service.example.com/datadog/oauth2/callback/end-of-uri"
	d := testDeps(&stubFlows{})
	c := *d.Info.Client
	c.RedirectURIs = []string{uri}
	d.Info.Client = &c
	m := press(New(d, testStyles()), "enter", "enter")
	for _, size := range screenSizes {
		view := send(m, tea.WindowSizeMsg{Width: size.w, Height: 60}).View()
		var got strings.Builder
		in := false
		for _, line := range strings.Split(view, "\n") {
			if _, pane, ok := strings.Cut(line, "│ "); ok {
				line = pane // beside the sidebar: the pane's part
			} else if len(line) > 28 && strings.TrimSpace(line[:28]) == "" {
				line = line[28:] // under the sidebar's last row
			}
			switch {
			case strings.Contains(line, "redirect URIs "):
				in = true
				got.WriteString(strings.TrimSpace(line[strings.Index(line, "redirect URIs ")+len("redirect URIs "):]))
			case in && strings.Contains(line, "onboarding"):
				in = false
			case in:
				got.WriteString(strings.TrimSpace(line))
			}
		}
		if got.String() != uri {
			t.Errorf("%dx%d: the redirect URI reads %q", size.w, size.h, got.String())
		}
	}
}

// o opens the pull request once it is open.
func TestOOpensThePullRequest(t *testing.T) {
	var opened string
	d := testDeps(&stubFlows{granted: []string{"api_keys_write", "dashboards_read"}})
	d.OpenBrowser = func(u string) error { opened = u; return nil }
	m := pressDrain(New(d, testStyles()), "enter", "enter", "abc-123", "tab", "s3cr3t", "enter", "enter", "enter", "enter", "enter", "y")
	pressDrain(m, "o")
	if !strings.Contains(opened, "/pull/7") {
		t.Fatalf("opened %q", opened)
	}
}

// demo --auto: nobody at the keyboard, the journey plays itself to the end
// (each screen's next action, waiting for what runs, answering app_uuid).
func TestDemoPlaysItself(t *testing.T) {
	edit := &readme.FileEdit{Path: "/work/integrations-extras/acme/manifest.json",
		Before: []byte("{\n  \"app_uuid\": \"0193a8e2-6f0c-7c3e-9d1a-2b4c6d8e0f12\"\n}\n"),
		After:  []byte("{\n  \"app_uuid\": \"5b1e5b6e-0d4a-4a8e-9c1f-2d3e4f5a6b7c\"\n}\n")}
	f := &stubFlows{granted: []string{"api_keys_write", "dashboards_read"}, appUUIDEdit: edit}
	d := testDeps(&knownStub{stubFlows: f})
	d.Demo, d.AutoEnter = true, 5*time.Millisecond
	tm := teatest.NewTestModel(t, New(d, testStyles()), teatest.WithInitialTermSize(80, 24))
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(Model)
	if !fm.Finished || fm.pr.done == nil || fm.publish.done == nil || !f.fixed || !f.imported || !f.scopesRan {
		t.Fatalf("finished=%v pr=%v publish=%v fixed=%v imported=%v scopes=%v", fm.Finished, fm.pr.done, fm.publish.done, f.fixed, f.imported, f.scopesRan)
	}
}

// knownStub prefills the credentials, as the demo's stand-in does.
type knownStub struct{ *stubFlows }

func (k *knownStub) Known(string) journey.KnownClient {
	return journey.KnownClient{ClientID: "abc-123", ClientSecret: "s3cr3t-value-for-the-test"}
}

// In colour, as a real terminal draws it, a help bar too narrow for every
// key still ends with '? help' (the ellipsis bubbles draws is styled).
func TestHelpBarInColour(t *testing.T) {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.ANSI256)
	for _, size := range screenSizes {
		m := send(New(testDeps(&stubFlows{}), NewStyles(r)), tea.WindowSizeMsg{Width: size.w, Height: size.h})
		lines := strings.Split(m.View(), "\n")
		last := strings.TrimRight(ansi.Strip(lines[len(lines)-1]), " ")
		if !strings.HasSuffix(last, "? help") && !strings.HasSuffix(last, "ctrl+c quit") {
			t.Errorf("%dx%d: the help bar ends %q", size.w, size.h, last)
		}
		if w := ansi.StringWidth(lines[len(lines)-1]); w > size.w {
			t.Errorf("%dx%d: the help bar is %d columns wide", size.w, size.h, w)
		}
	}
}

// On a pane clipped by a short window, the field in focus and a list's
// cursor stay in view as tab and the arrows move them: the pane scrolls
// after them.
func TestFocusStaysInView(t *testing.T) {
	small := tea.WindowSizeMsg{Width: 60, Height: 11}
	creds := send(press(New(testDeps(&stubFlows{}), testStyles()), "enter", "enter"), small)
	for i, want := range []string{"▸ Client ID", "▸ Client secret", "▸ Redirect URI", "▸ Client ID"} {
		if i > 0 {
			creds = press(creds, "tab")
		}
		if v := creds.View(); !strings.Contains(v, want) {
			t.Errorf("after %d tabs the screen lacks %q:\n%s", i, want, v)
		}
	}
	sites := send(press(New(testDeps(&stubFlows{}), testStyles()), "enter"), tea.WindowSizeMsg{Width: 60, Height: 9})
	for i := range 8 {
		sites = press(sites, "down")
		if v := sites.View(); !strings.Contains(v, "▸ ") || !strings.Contains(v, "below") && !strings.Contains(v, "above") {
			t.Fatalf("after %d downs the cursor is not shown on a clipped list:\n%s", i+1, v)
		}
	}
	if v := sites.View(); !strings.Contains(v, "▸ uk1") {
		t.Errorf("the last site is selected but not shown:\n%s", v)
	}
}
