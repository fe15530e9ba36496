package tui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/oauthwiz/oauthwiz/flows/devplatform"
	"github.com/oauthwiz/oauthwiz/flows/integration"
	"github.com/oauthwiz/oauthwiz/flows/journey"
	"github.com/oauthwiz/oauthwiz/flows/pullrequest"
	"github.com/oauthwiz/oauthwiz/flows/sandbox"
	"github.com/oauthwiz/oauthwiz/flows/secrets"
)

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
	fixPushPublish(t, tm, "Pull request #7 created", "re-test on us1", false)
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(Model)
	if !fm.Finished || fm.Cancelled {
		t.Fatalf("finished=%v cancelled=%v", fm.Finished, fm.Cancelled)
	}
	if len(f.seen) != 1 || f.seen[0].RedirectURI != "http://127.0.0.1:8765/oauth/callback" || f.seen[0].ClientSecret != "s3cr3t" {
		t.Fatalf("authorize request %+v", f.seen)
	}
	golden.RequireEqual(t, []byte(fm.Summary()))
}

// TestWizardAgainstSandbox runs the real flows against the embedded sandbox.
func TestWizardAgainstSandbox(t *testing.T) {
	sb := startSandbox(t, sandbox.Options{Sites: []string{"us1", "eu1"}, AutoApprove: true, GitHub: true})
	d := sb.Discovery()
	store := &secrets.Memory{}
	dir := scratchInClone(t, sb)
	info, err := integration.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	dp := devplatform.StandIn{Provider: sb.Provider(), Discovery: &d}
	deps := Deps{Provider: sb.Provider(), Store: store, Integration: "acme", Kind: "test", OpenBrowser: sandbox.Browse, Now: time.Now, Timeout: 10 * time.Second,
		RedirectURI: d.RedirectURI(), Info: info,
		Flows: journey.Flows{Provider: sb.Provider(), Store: store, Integration: "acme", Kind: "test", OpenBrowser: sandbox.Browse, DevPlatform: dp, StateDir: t.TempDir(),
			Dir: dir, GitHubURL: sb.GitHubURL(), GitHubToken: sandbox.GitHubToken, Author: &object.Signature{Name: "PE", Email: "pe@acme.example", When: time.Now()}}}
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
	fixPushPublish(t, tm, "Pull request #1 created", "re-test on eu1", true)
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
	// The bar's total was planned from the tokens before the run: the run
	// made exactly that many probes.
	if r := fm.every.run; r.total != r.done || r.total != len(r.report.Results) {
		t.Fatalf("the progress bar planned %d probes; %d came, the report has %d", r.total, r.done, len(r.report.Results))
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

// The wizard keeps a secret only once Datadog accepted it: a mistyped one
// does not replace the working secret.
func TestWizardKeepsOnlyAcceptedSecrets(t *testing.T) {
	sb := startSandbox(t, sandbox.Options{Sites: []string{"us1"}, AutoApprove: true})
	c, _ := sb.Client("us1", "test")
	store := &secrets.Memory{}
	f := journey.Flows{Provider: sb.Provider(), Store: store, Integration: "acme", Kind: "test", OpenBrowser: sandbox.Browse}
	req := AuthorizeRequest{Site: "us1", ClientID: c.ClientID, ClientSecret: c.ClientSecret, RedirectURI: c.RedirectURIs[0], Timeout: 10 * time.Second}
	if _, err := f.Authorize(context.Background(), req, func(string) {}); err != nil {
		t.Fatal(err)
	}
	req.ClientSecret = "mistyped-secret-0000"
	if _, err := f.Authorize(context.Background(), req, func(string) {}); err == nil {
		t.Fatal("a wrong secret was accepted")
	}
	if v, _ := store.Get(secrets.Namespace{Integration: "acme", Site: "us1", Kind: secrets.Test}.ClientSecretKey(c.ClientID)); v != c.ClientSecret {
		t.Fatal("the mistyped secret replaced the stored one")
	}
}

// The wizard pushes what its plan showed: a file changed after the plan
// stops the pull request before anything is committed or pushed.
func TestWizardPushesWhatItShowed(t *testing.T) {
	sb := startSandbox(t, sandbox.Options{Sites: []string{"us1"}, GitHub: true})
	dir := scratchInClone(t, sb)
	if err := applyFixesNow(dir); err != nil {
		t.Fatal(err)
	}
	f := journey.Flows{Provider: sb.Provider(), Store: &secrets.Memory{}, Integration: "acme", Kind: "test", Dir: dir, GitHubURL: sb.GitHubURL(), GitHubToken: sandbox.GitHubToken,
		Author: &object.Signature{Name: "PE", Email: "pe@acme.example", When: time.Now()}}
	plan, err := f.PlanPR(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "late.txt"), []byte("written after the plan was shown\n"), 0o644)
	if _, err := f.OpenPR(context.Background(), plan, false, nil); !errors.Is(err, pullrequest.ErrPlanChanged) {
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
	sb := startSandbox(t, sandbox.Options{Sites: []string{"us1"}, GitHub: true})
	dir := scratchInClone(t, sb)
	if err := applyFixesNow(dir); err != nil {
		t.Fatal(err)
	}
	f := journey.Flows{Provider: sb.Provider(), Store: &secrets.Memory{}, Integration: "acme", Kind: "test", Dir: dir, StateDir: t.TempDir(),
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
	edits, err := journey.PlanFixes(dir)
	if err != nil {
		return err
	}
	return journey.Flows{}.ApplyFixes(edits)
}

// scratchInClone clones the sandbox's integrations-extras and writes a
// scratch acme integration (for the us1 client's scopes) in it.
func scratchInClone(t *testing.T, sb *sandbox.Server) string {
	t.Helper()
	clone := filepath.Join(t.TempDir(), "integrations-extras")
	if err := pullrequest.Clone(context.Background(), sb.GitHubURL()+"/DataDog/integrations-extras.git", clone, "master", 0, pullrequest.NewGitAuth(sandbox.GitHubToken, sb.GitHubURL())); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(clone, "acme")
	c, _ := sb.Client("us1", "test")
	if err := integration.WriteScratch(dir, "acme", integration.OAuthClient{Name: "Acme", RedirectURIs: []string{"https://acme.example/cb"}, Scopes: c.Scopes, OnboardingURL: "https://acme.example/on"}); err != nil {
		t.Fatal(err)
	}
	return dir
}

// fixPushPublish walks the wizard from the checklist to its end: write the
// fixes, push and open the pull request, publish (writing app_uuid when
// asked) and re-test, finish.
func fixPushPublish(t *testing.T, tm *teatest.TestModel, opened, retested string, appUUIDAsked bool) {
	t.Helper()
	enter := func() { tm.Send(tea.KeyMsg{Type: tea.KeyEnter}) }
	tm.Type("f")
	waitFor(t, tm, "press y to write")
	tm.Type("y")
	waitFor(t, tm, "Fixes written.")
	enter()
	waitFor(t, tm, "Press y to commit")
	tm.Type("y")
	waitFor(t, tm, opened)
	enter()
	waitFor(t, tm, "Press enter to publish")
	enter()
	if appUUIDAsked {
		waitFor(t, tm, "Press y to write it into manifest.json")
		tm.Type("y")
	}
	waitFor(t, tm, retested)
	enter()
	waitFor(t, tm, "Summary")
	enter()
}

// startSandbox starts the embedded sandbox for one test.
func startSandbox(t *testing.T, opts sandbox.Options) *sandbox.Server {
	t.Helper()
	sb, err := sandbox.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sb.Close)
	return sb
}

// A real integration — doppler's files: its client registers only its
// service's https redirect URI — reaches the API key step against a
// sandbox whose test client registers what Datadog's would: that URI alone
// (the callback is pasted back), or that URI and a test-only loopback one
// typed into the redirect field; in the wizard and in accessible mode.
func TestWizardOnARealIntegration(t *testing.T) {
	const served = "https://dashboard.doppler.com/notification_services/datadog/callback"
	loopback := fmt.Sprintf("http://127.0.0.1:%d/oauth/callback", sandbox.FreeLoopbackPort())
	for _, tc := range []struct {
		name       string
		registered []string
		typed      string // typed over the proposed redirect URI ("" keeps it)
	}{
		{"paste-back with the client's own URI", []string{served}, ""},
		{"test-only loopback URI", []string{served, loopback}, loopback},
	} {
		for _, frontEnd := range []string{"wizard", "accessible"} {
			t.Run(tc.name+"/"+frontEnd, func(t *testing.T) {
				r := startOnDoppler(t, tc.registered, served)
				if frontEnd == "wizard" {
					r.walkWizard(t, tc.typed)
				} else {
					r.walkAccessible(t, tc.typed)
				}
				// The redirect URI used is remembered for this client, and
				// no file of the integration changed.
				c, _ := r.sb.Client("us1", "test")
				want := served
				if tc.typed != "" {
					want = tc.typed
				}
				if got := (&journey.Workspace{StateDir: r.state, Integration: "doppler"}).RememberedRedirect("us1", c.ClientID); got != want {
					t.Fatalf("remembered redirect %q, want %q", got, want)
				}
				if b, _ := os.ReadFile(filepath.Join(r.deps.Info.Dir, "assets", "oauth_clients.json")); strings.Contains(string(b), "127.0.0.1") {
					t.Fatalf("the test redirect URI reached the client file:\n%s", b)
				}
			})
		}
	}
}

// dopplerRun is doppler's folder, a sandbox whose us1 test client
// registers the given redirect URIs, and a browser that stops at the
// partner's address (landed) and follows a loopback one.
type dopplerRun struct {
	sb     *sandbox.Server
	deps   Deps
	state  string
	landed chan string
}

func startOnDoppler(t *testing.T, registered []string, served string) *dopplerRun {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "doppler")
	if err := os.CopyFS(dir, os.DirFS("testdata/doppler")); err != nil {
		t.Fatal(err)
	}
	info, err := integration.Load(dir)
	if err != nil || info.Client == nil || info.Client.LoopbackRedirect() != "" {
		t.Fatalf("doppler's files: %v %+v", err, info.Client)
	}
	r := &dopplerRun{sb: startSandbox(t, sandbox.Options{Sites: []string{"us1"}, AutoApprove: true, RedirectURIs: registered, Scopes: info.Client.Scopes}),
		state: t.TempDir(), landed: make(chan string, 1)}
	browser := func(u string) error {
		go func() {
			noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			resp, err := noFollow.Get(u)
			if err != nil {
				t.Errorf("browser: %v", err)
				return
			}
			resp.Body.Close()
			loc := resp.Header.Get("Location")
			if strings.HasPrefix(loc, served) {
				r.landed <- loc // what a person copies from the address bar
				return
			}
			if err := sandbox.Browse(loc); err != nil {
				t.Errorf("browser: %v", err)
			}
		}()
		return nil
	}
	d, store := r.sb.Discovery(), &secrets.Memory{}
	r.deps = Deps{Provider: r.sb.Provider(), Store: store, Integration: "doppler", Kind: "test", Now: time.Now, Timeout: 10 * time.Second, Info: info,
		Flows: journey.Flows{Provider: r.sb.Provider(), Store: store, Integration: "doppler", Kind: "test", OpenBrowser: browser,
			DevPlatform: devplatform.StandIn{Provider: r.sb.Provider(), Discovery: &d}, StateDir: r.state, Dir: dir}}
	return r
}

func (r *dopplerRun) walkWizard(t *testing.T, typed string) {
	tm := teatest.NewTestModel(t, New(r.deps, testStyles()), teatest.WithInitialTermSize(80, 30))
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter}) // new integration
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter}) // us1
	waitFor(t, tm, "Redirect URI (for this test)")
	if typed != "" {
		tm.Send(tea.KeyMsg{Type: tea.KeyTab}) // the secret is prefilled: to the redirect field
		tm.Send(tea.KeyMsg{Type: tea.KeyCtrlU})
		tm.Type(typed)
		waitFor(t, tm, typed)
	}
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	if typed == "" {
		waitFor(t, tm, "paste the whole address")
		tm.Type(<-r.landed)
		tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	}
	waitFor(t, tm, "Authorized on us1")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitFor(t, tm, "valid: GET /api/v1/validate")
	tm.Send(tea.KeyMsg{Type: tea.KeyCtrlC})
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
}

// walkAccessible answers the line prompts: the defaults (new, us1, the
// seeded client), the redirect URI, the pasted address; it stops the run
// once the API key is made.
func (r *dopplerRun) walkAccessible(t *testing.T, typed string) {
	in, answers := io.Pipe()
	out := &lockedBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	errc := make(chan error, 1)
	go func() { errc <- Accessible{Deps: r.deps, In: in, Out: out}.Run(ctx) }()
	fmt.Fprintf(answers, "\n\n\n\n%s\n", typed) // case, site, client ID, secret, redirect URI
	if typed == "" {
		out.waitFor(t, "paste the whole address")
		fmt.Fprintln(answers, "https://dashboard.doppler.com/notification_services/datadog/callback?code=forged&state=forged")
		out.waitFor(t, "Not the callback")
		fmt.Fprintln(answers, <-r.landed)
	}
	out.waitFor(t, "Created the API key")
	cancel()
	answers.Close()
	<-errc
	if text := out.String(); !strings.Contains(text, "Authorized on us1") || (typed == "" && !strings.Contains(text, "may exchange the code first")) {
		t.Fatalf("accessible output:\n%s", text)
	}
}

// waitFor waits until the output shows s (the test fails after 10 s).
func (l *lockedBuffer) waitFor(t *testing.T, s string) {
	t.Helper()
	waitUntil(t, func() bool { return strings.Contains(l.String(), s) }, l)
}
