package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/oauthwiz/oauthwiz/flows/journey"
	"github.com/oauthwiz/oauthwiz/flows/pagerduty"
	"github.com/oauthwiz/oauthwiz/flows/platform"
	"github.com/oauthwiz/oauthwiz/flows/sandbox"
	"github.com/oauthwiz/oauthwiz/flows/scopes"
	"github.com/oauthwiz/oauthwiz/flows/secrets"
)

type stubAppFlows struct{ seen []AuthorizeRequest }

func (s *stubAppFlows) AuthorizeApp(ctx context.Context, req AuthorizeRequest, onURL func(string)) (Authorized, error) {
	s.seen = append(s.seen, req)
	onURL("https://identity.pagerduty.com/oauth/authorize?client_id=pd-client&response_type=code")
	return Authorized{Site: "eu", Granted: []string{"openid", "services.read", "teams.write"}, Missing: []string{"incidents.raed"},
		Requested: req.Scopes, Expiry: fixedNow.Add(24 * time.Hour), APIBase: "https://api.eu.pagerduty.com"}, nil
}

func (s *stubAppFlows) CheckApp(ctx context.Context, site string, onResult func(scopes.Result)) (scopes.Report, error) {
	rep := scopes.Report{RunID: "run1", Results: []scopes.Result{
		{Site: site, Scope: "incidents.raed", Probe: "grant", Status: scopes.Fail, Detail: "requested but not granted by the token: authorize again and compare the granted scopes"},
		{Site: site, Scope: "services.read", Probe: "read", Status: scopes.Pass, HTTPStatus: 200, Endpoint: "GET /services"},
		{Site: site, Scope: "teams.write", Probe: "write", Status: scopes.Fail, HTTPStatus: 403, Endpoint: "POST /teams",
			Detail: "Token missing required scopes: the call needs teams.write; the token has openid services.read"},
		{Site: site, Scope: "users.read", Probe: "refusal", Status: scopes.Pass, HTTPStatus: 403, Endpoint: "GET /users"},
	}}
	for _, r := range rep.Results {
		onResult(r)
	}
	return rep, nil
}

func appDeps(f *stubAppFlows) Deps {
	d := testDeps(&stubFlows{})
	d.App = &App{Platform: platform.PagerDuty{Provider: &pagerduty.Provider{}}, Flows: f, Scopes: []string{"services.read", "teams.write", "incidents.raed"}}
	d.Preselect = "pagerduty"
	return d
}

// TestAppScreens renders the PagerDuty path's screens at 80×24.
func TestAppScreens(t *testing.T) {
	base := func() tea.Model { return New(appDeps(&stubAppFlows{}), testStyles()) }
	creds := func() tea.Model {
		return press(base(), "enter", "pd-client-0123456789", "tab", "pdsecret-for-the-test")
	}
	authorized := func() tea.Model { return pressDrain(creds(), "enter") }
	checked := func() tea.Model { return pressDrain(authorized(), "enter") }
	tests := []struct {
		name  string
		model func() tea.Model
		want  string
	}{
		{"app-first-step", base, "▸ Another platform: PagerDuty"},
		{"app-credentials", creds, "Scopes to request"},
		{"app-credentials-long-scopes", func() tea.Model {
			return press(creds(), "tab", " escalation_policies.read incidents.read schedules.read schedules.write users.read users.write")
		}, "9 scopes: services.read teams.write"},
		{"app-credentials-missing", func() tea.Model { return press(base(), "enter", "enter") }, "Enter the client ID"},
		{"app-authorized", authorized, "Dropped by PagerDuty (not refused):"},
		{"app-scopes", checked, "Token missing required scopes: the call needs"},
		{"app-summary", func() tea.Model { return pressDrain(checked(), "enter") }, "oauthwiz authorize --provider pagerduty"},
		{"app-doctor", func() tea.Model {
			return press(paste(press(checked(), "ctrl+t"), `{"error":{"message":"Token missing required scopes","required_scopes":"incidents.read"}}`), "enter")
		}, "Go back to: App credentials"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkScreen(t, tt.model(), tt.want, "pdsecret-for-the-test") })
	}
}

// The PagerDuty path in the real program loop, from the first step to the end.
func TestAppJourneyRunsToTheEnd(t *testing.T) {
	f := &stubAppFlows{}
	tm := teatest.NewTestModel(t, New(appDeps(f), testStyles()), teatest.WithInitialTermSize(80, 24))
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitFor(t, tm, "PagerDuty app's credentials")
	tm.Type("pd-client")
	tm.Send(tea.KeyMsg{Type: tea.KeyTab})
	tm.Type("s3cr3t")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitFor(t, tm, "account is in region eu")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitFor(t, tm, "2 passed, 2 failed")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitFor(t, tm, "Press enter to finish")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(Model)
	if !fm.Finished || len(f.seen) != 1 {
		t.Fatalf("finished=%v requests=%+v", fm.Finished, f.seen)
	}
	golden.RequireEqual(t, []byte(fm.View())) // the last screen of the run
	req := f.seen[0]
	if req.Site != "us" || req.RedirectURI != "http://localhost:5000/callback" || strings.Join(req.Scopes, " ") != "openid services.read teams.write incidents.raed" || req.ClientSecret != "s3cr3t" {
		t.Fatalf("authorize request %+v", req)
	}
}

// The PagerDuty path with the real flows against the sandbox's stand-in.
func TestAppAgainstSandbox(t *testing.T) {
	sb := startSandbox(t, sandbox.Options{Sites: []string{"us1"}, AutoApprove: true, PagerDuty: true, PagerDutyRegion: "eu"})
	d := sb.Discovery()
	pl, err := platform.New("pagerduty", &d)
	if err != nil {
		t.Fatal(err)
	}
	store := &secrets.Memory{}
	deps := testDeps(&stubFlows{})
	deps.Store, deps.Now, deps.Timeout = store, time.Now, 10*time.Second
	var app *App
	for _, c := range d.Clients {
		if c.Provider == "pagerduty" {
			app = &App{Platform: pl, ClientID: c.ClientID, ClientSecret: c.ClientSecret, Scopes: []string{"services.read", "teams.read", "teams.write", "incidents.raed"},
				RedirectURI: d.RedirectURIFor("pagerduty"),
				Flows:       journey.AppFlows{Platform: pl, Store: store, Integration: "pd-app", OpenBrowser: sandbox.Browse, Now: time.Now}}
		}
	}
	deps.App, deps.Preselect = app, "pagerduty"
	tm := teatest.NewTestModel(t, New(deps, testStyles()), teatest.WithInitialTermSize(80, 24))
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter}) // prefilled from the sandbox
	waitFor(t, tm, "account is in region eu")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitFor(t, tm, "5 passed, 1 failed") // incidents.raed was dropped: requested, not granted
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(Model)
	r := fm.app.auth.result
	if !fm.Finished || r == nil || r.Site != "eu" || r.APIBase != d.PagerDuty.APIs["eu"] || strings.Join(r.Missing, " ") != "incidents.raed" {
		t.Fatalf("finished=%v result=%+v", fm.Finished, r)
	}
	if n := len(sb.State().Objects); n != 0 {
		t.Fatalf("%d objects left", n)
	}
	// What is printed on stdout at the end is this journey's checklist,
	// not Datadog's.
	if sum := fm.Summary(); !strings.Contains(sum, "5 passed") || strings.Contains(sum, "Integration & case") || strings.Contains(sum, "not done") {
		t.Fatalf("summary:\n%s", sum)
	}
	var rec secrets.TokenRecord
	if err := secrets.GetJSON(store, secrets.Namespace{Integration: "pd-app", Site: "eu", Kind: "test"}.TokenKey(), &rec); err != nil {
		t.Fatalf("the token is not stored under the region: %v", err)
	}
}

// The PagerDuty path as plain prompts, for screen readers.
func TestAccessibleAppPath(t *testing.T) {
	f := &stubAppFlows{}
	deps := appDeps(f)
	deps.App.ClientID = "pd-client"
	var out strings.Builder
	in := strings.NewReader("\n\n\n") // the preselected platform, the client ID, the scopes
	err := Accessible{Deps: deps, In: in, Out: &out, ReadSecret: func(string) (string, error) { return "s3cr3t", nil }}.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	text := out.String()
	for _, want := range []string{"4. Another platform: PagerDuty", "Which case, 1 to 4? [4]", "Its redirect URL must be http://localhost:5000/callback.",
		"Authorized: the account is in region eu; API host https://api.eu.pagerduty.com.", "Dropped by PagerDuty without an error: incidents.raed.",
		"The access token expires in 24h.", "fail teams.write write: Token missing required scopes: the call needs teams.write",
		"Scope checks: 2 passed, 2 failed", "oauthwiz authorize --provider pagerduty --site eu --refresh"} {
		if !strings.Contains(text, want) {
			t.Errorf("accessible output lacks %q", want)
		}
	}
	if strings.Contains(text, "s3cr3t") || len(f.seen) != 1 || f.seen[0].ClientSecret != "s3cr3t" {
		t.Fatalf("secret handling: %+v\n%s", f.seen, text)
	}
	// It ends with this journey's checklist, as the Datadog path ends
	// with Datadog's.
	if !strings.Contains(text, "Checklist:\n✓ Platform             PagerDuty") || !strings.Contains(text, "✗ Every scope          2 passed, 2 failed") || strings.Contains(text, "Integration & case") {
		t.Fatalf("the closing checklist is not the app journey's:\n%s", text)
	}
}

// A long value scrolls inside its input wherever the cursor is: at the end
// the field shows the value's end, at the start its start, never wrapped.
func TestLongInputScrollsWithTheCursor(t *testing.T) {
	m := send(New(appDeps(&stubAppFlows{}), testStyles()), tea.WindowSizeMsg{Width: 60, Height: 30})
	m = press(m, "enter", "pd-client-0123456789", "tab", "pdsecret-for-the-test", "tab", " escalation_policies.read incidents.read schedules.read schedules.write users.read users.write")
	field := func(m tea.Model) string {
		lines := strings.Split(m.View(), "\n")
		for i, l := range lines {
			if strings.Contains(l, "Scopes to request") {
				if !strings.Contains(lines[i+2], "9 scopes:") {
					t.Errorf("the field runs on past its line:\n%s", m.View())
				}
				return strings.TrimSpace(lines[i+1])
			}
		}
		t.Fatalf("no scopes field:\n%s", m.View())
		return ""
	}
	if got := field(m); !strings.HasSuffix(got, "users.write") || ansi.StringWidth(got) > 56 {
		t.Errorf("cursor at the end: the field shows %q", got)
	}
	if got := field(press(m, "home")); !strings.HasPrefix(got, "services.read") || ansi.StringWidth(got) > 56 {
		t.Errorf("cursor at the start: the field shows %q", got)
	}
	mid := press(m, "home")
	for range 20 {
		mid = press(mid, "right")
	}
	if got := field(mid); ansi.StringWidth(got) > 56 || !strings.HasPrefix(got, "services.read") {
		t.Errorf("cursor 20 characters in: the field shows %q", got)
	}
}
