package journey_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oauthwiz/oauthwiz/checks"
	"github.com/oauthwiz/oauthwiz/flows/authorize"
	"github.com/oauthwiz/oauthwiz/flows/devplatform"
	"github.com/oauthwiz/oauthwiz/flows/integration"
	"github.com/oauthwiz/oauthwiz/flows/journey"
	"github.com/oauthwiz/oauthwiz/flows/readme"
	"github.com/oauthwiz/oauthwiz/flows/sandbox"
	"github.com/oauthwiz/oauthwiz/flows/scopes"
	"github.com/oauthwiz/oauthwiz/flows/secrets"
	"github.com/oauthwiz/oauthwiz/flows/session"
)

func TestProgressIsTheOneDefinitionOfDone(t *testing.T) {
	readmeErr := checks.Finding{Rule: "readme/uninstallation-missing", Severity: checks.Error}
	oauthErr := checks.Finding{Rule: "oauth/redirect-uri-invalid", Severity: checks.Error}
	tests := []struct {
		name     string
		facts    journey.Facts
		step     journey.StepID
		done     bool
		skipped  bool
		evidence string
	}{
		{"no case yet", journey.Facts{}, journey.StepCase, false, false, ""},
		{"case chosen", journey.Facts{Case: integration.CaseExisting}, journey.StepCase, true, false, "existing"},
		{"first authorization", journey.Facts{First: &journey.Authorization{Site: "us1", Org: "Sandbox"}}, journey.StepAuthorize, true, false, "us1 · Sandbox"},
		{"key not requested", journey.Facts{APIKeyNotRequested: true}, journey.StepAPIKey, true, true, "not requested"},
		{"key refused", journey.Facts{APIKey: &journey.APIKey{Last4: "abcd"}}, journey.StepAPIKey, false, false, ""},
		{"key valid", journey.Facts{APIKey: &journey.APIKey{Last4: "abcd", Valid: true}}, journey.StepAPIKey, true, false, "…abcd valid"},
		{"one site is not every site", journey.Facts{Authorized: []string{"us1"}}, journey.StepSites, false, false, ""},
		{"two sites", journey.Facts{Authorized: []string{"us1", "eu1"}}, journey.StepSites, true, false, "us1, eu1"},
		{"a scope failed", journey.Facts{Scopes: &journey.ScopeCounts{Ran: true, Pass: 3, Fail: 1}}, journey.StepScopes, false, false, ""},
		{"one probe", journey.Facts{Scopes: &journey.ScopeCounts{Ran: true, Pass: 1}}, journey.StepScopes, true, false, "1 probe passed"},
		{"checks not run", journey.Facts{}, journey.StepChecks, false, false, ""},
		{"README error", journey.Facts{ChecksRan: true, Checks: []checks.Finding{readmeErr}}, journey.StepChecks, false, false, ""},
		{"only another family's error", journey.Facts{ChecksRan: true, Checks: []checks.Finding{oauthErr}}, journey.StepChecks, true, false, "checks pass"},
		{"pull request", journey.Facts{PullRequest: &journey.PullRequest{Number: 7, Action: "created"}}, journey.StepPR, true, false, "#7 created"},
		{"published, new", journey.Facts{Published: &journey.Publication{AppUUID: "5b1e5b6e-0d4a-4a8e-9c1f-2d3e4f5a6b7c"}}, journey.StepPublish, true, false, "app_uuid 5b1e5b6e-0d4a-4a8e-9c1f-2d3e4f5a6b7c"},
		{"published, kept", journey.Facts{Published: &journey.Publication{AppUUID: "x", Kept: true}}, journey.StepPublish, true, false, "app_uuid kept: not new"},
		{"re-tested", journey.Facts{Retested: []string{"eu1", "ap1"}}, journey.StepRetest, true, false, "ap1, eu1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, st := range journey.Progress(tt.facts) {
				if st.ID != tt.step {
					continue
				}
				if st.Done != tt.done || st.Skipped != tt.skipped || st.Evidence != tt.evidence {
					t.Fatalf("%s: done %v skipped %v %q; want %v %v %q", st.Label, st.Done, st.Skipped, st.Evidence, tt.done, tt.skipped, tt.evidence)
				}
				return
			}
			t.Fatalf("no step %q", tt.step)
		})
	}
}

// The workspace reads what was recorded: evidence only, never a value.
func TestFactsFromTheRecords(t *testing.T) {
	store, state := &secrets.Memory{}, t.TempDir()
	dir := filepath.Join(t.TempDir(), "acme")
	if err := integration.WriteScratch(dir, "acme", integration.OAuthClient{Name: "Acme", RedirectURIs: []string{"https://a/cb"}, Scopes: []string{"dashboards_read"}, OnboardingURL: "https://a/on"}); err != nil {
		t.Fatal(err)
	}
	info, _ := integration.Load(dir)
	w := &journey.Workspace{Store: store, StateDir: state, Integration: "acme", Info: info}
	for _, site := range []string{"eu1", "us1"} {
		ns := secrets.Namespace{Integration: "acme", Site: site, Kind: "test"}
		store.Set(ns.ClientSecretKey("c"), "secret-"+site+"-0123456789")
		secrets.PutJSON(store, ns.TokenKey(), secrets.TokenRecord{ClientID: "c", OrgID: "o-" + site, OrgName: "Org " + site, ScopesGranted: []string{"dashboards_read"}})
	}
	session.Update(state, "acme", func(st *session.State) error {
		st.Case, st.PullRequestURL = "new", "https://github.com/DataDog/integrations-extras/pull/42"
		return nil
	})
	f := w.Facts(context.Background())
	if f.Case != integration.CaseNew || f.First == nil || f.First.Site != "us1" || f.First.Org != "Org us1" || len(f.Authorized) != 2 || !f.APIKeyNotRequested || !f.ChecksRan {
		t.Fatalf("facts %+v", f)
	}
	if f.PullRequest == nil || f.PullRequest.Number != 42 {
		t.Fatalf("pull request %+v", f.PullRequest)
	}
	// A new integration's pull request gets its CODEOWNERS line from the
	// manifest's support address; the checks gate it with the recorded case.
	o := w.PROptions(journey.PRRequest{})
	if o.CodeOwners == "" || o.Branch != "" || o.Gate == nil || o.BaseRepo != "DataDog/integrations-extras" || len(o.KnownSecrets) < 2 {
		t.Fatalf("options %+v", o)
	}
}

// Publishing stores the shown-once values first; a declined edit writes
// nothing; the re-test is recorded per site.
func TestPublish(t *testing.T) {
	sb := startSandbox(t, sandbox.Options{Sites: []string{"us1"}})
	d := sb.Discovery()
	dp := devplatform.StandIn{Provider: sb.Provider(), Discovery: &d}
	dir := filepath.Join(t.TempDir(), "acme")
	if err := integration.WriteScratch(dir, "acme", integration.OAuthClient{Name: "Acme", RedirectURIs: []string{"https://a/cb"}, Scopes: []string{"dashboards_read"}, OnboardingURL: "https://a/on"}); err != nil {
		t.Fatal(err)
	}
	info, _ := integration.Load(dir)
	w := &journey.Workspace{Store: &secrets.Memory{}, StateDir: t.TempDir(), Integration: "acme", Info: info}
	before, _ := os.ReadFile(filepath.Join(dir, "manifest.json"))
	out, err := w.Publish(context.Background(), journey.PublishRequest{Site: "us1", DevPlatform: dp,
		ConfirmEdit: func(*readme.FileEdit) (bool, error) { return false, nil }})
	after, _ := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if !errors.Is(err, journey.ErrEditDeclined) || out.Written || string(after) != string(before) {
		t.Fatalf("declined: %v %+v", err, out)
	}
	if _, err := w.Store.Get(secrets.Namespace{Integration: "acme", Site: "us1", Kind: "published"}.ClientSecretKey(out.ClientID)); err != nil {
		t.Fatal("the published secret was not stored before the question")
	}
	var retested []string
	out, err = w.Publish(context.Background(), journey.PublishRequest{Site: "us1", DevPlatform: dp,
		Retest: func(_ context.Context, site, clientID string) (string, error) {
			retested = append(retested, site+"/"+clientID)
			return "Customer Org", nil
		}})
	if err != nil || !out.Written || out.Retests["us1"] != "authorized as Customer Org" || len(retested) != 1 {
		t.Fatalf("published: %v %+v %v", err, out, retested)
	}
	if st := w.State(); st.PublishedTests["us1"].IsZero() || st.PublishedAppUUID != sb.AppUUID() {
		t.Fatalf("state %+v", st)
	}
}

// The scope check is one use case for both front-ends: each site's token is
// looked up (a site without one is named), and the run's evidence recorded.
func TestCheckScopesRecordsTheEvidence(t *testing.T) {
	sb := startSandbox(t, sandbox.Options{Sites: []string{"us1", "eu1"}, AutoApprove: true, Scopes: []string{"dashboards_read", "dashboards_write"}})
	c, _ := sb.Client("us1", secrets.Test)
	f := journey.Flows{Provider: sb.Provider(), Store: &secrets.Memory{}, Integration: "acme", Kind: secrets.Test, StateDir: t.TempDir(), OpenBrowser: sandbox.Browse}
	if _, err := f.Authorize(context.Background(), journey.AuthorizeRequest{Site: "us1", ClientID: c.ClientID, ClientSecret: c.ClientSecret,
		RedirectURI: c.RedirectURIs[0], Scopes: c.Scopes, Timeout: 10 * time.Second}, func(string) {}); err != nil {
		t.Fatal(err)
	}
	w := &journey.Workspace{Provider: sb.Provider(), Store: f.Store, StateDir: f.StateDir, Integration: "acme"}
	_, err := w.CheckScopes(context.Background(), journey.ScopesRequest{Sites: []string{"us1", "eu1"}})
	var siteErr *journey.SiteError
	if !errors.As(err, &siteErr) || siteErr.Site != "eu1" || !errors.Is(err, authorize.ErrNotAuthorized) {
		t.Fatalf("eu1 has no token: %v", err)
	}
	// How many probes a run makes is known before it (the progress bars'
	// totals): a read, a write and its cleanup, and the refusal probe.
	rows, err := f.SiteMatrix(context.Background())
	if err != nil || rows[0].Site != "us1" || rows[0].Probes != 4 {
		t.Fatalf("the site matrix plans %+v (%v), want 4 probes on us1", rows, err)
	}
	var results, planned int
	rep, err := w.CheckScopes(context.Background(), journey.ScopesRequest{Sites: []string{"us1"}, OnResult: func(scopes.Result) { results++ }, Planned: func(n int) { planned = n }})
	if err != nil || rep.Failed() || results != len(rep.Results) || len(rep.Leftovers) != 0 {
		t.Fatalf("us1: %v %+v", err, rep)
	}
	if planned != 4 || len(rep.Results) != 4 {
		t.Fatalf("planned %d probes, made %d: %+v", planned, len(rep.Results), rep.Results)
	}
	if ev := w.State().ScopeChecks; ev == nil || ev.RunID != rep.RunID || len(ev.Results) != len(rep.Results) {
		t.Fatalf("evidence %+v", ev)
	}
}

// failOn is a store that refuses to store keys containing a substring.
type failOn struct {
	secrets.Store
	substr string
}

func (f failOn) Set(key, value string) error {
	if strings.Contains(key, f.substr) && !strings.HasSuffix(key, ":pending") {
		return errors.New("keyring: locked")
	}
	return f.Store.Set(key, value)
}

// A created API key that cannot be stored comes back whole, once, for the
// screen to show; the error's text never holds it.
func TestUnstoredAPIKeyComesBackOnce(t *testing.T) {
	sb := startSandbox(t, sandbox.Options{Sites: []string{"us1"}, AutoApprove: true, Scopes: []string{"api_keys_write"}})
	c, _ := sb.Client("us1", secrets.Test)
	mem := &secrets.Memory{}
	f := journey.Flows{Provider: sb.Provider(), Store: mem, Integration: "acme", Kind: secrets.Test, OpenBrowser: sandbox.Browse}
	if _, err := f.Authorize(context.Background(), journey.AuthorizeRequest{Site: "us1", ClientID: c.ClientID, ClientSecret: c.ClientSecret,
		RedirectURI: c.RedirectURIs[0], Scopes: c.Scopes, Timeout: 10 * time.Second}, func(string) {}); err != nil {
		t.Fatal(err)
	}
	f.Store = failOn{Store: mem, substr: "api_key:"}
	_, err := f.CreateAPIKey(context.Background(), "us1", c.ClientID)
	var unstored *journey.UnstoredKeyError
	if !errors.As(err, &unstored) || len(unstored.Key) < 20 || strings.Contains(err.Error(), unstored.Key) {
		t.Fatalf("got %v", err)
	}
	if keys := sb.State().APIKeys; len(keys) != 1 {
		t.Fatalf("the sandbox has %d keys", len(keys))
	}
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

// gitRun runs git in dir (the test is skipped without git).
func gitRun(t testing.TB, dir string, args ...string) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed: apt-get install git")
	}
	cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@example.com"}, args...)...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

// An integration the base branch has is existing by default; its identity
// is compared with the base's, and no fix rewrites its app_uuid.
func TestTheCaseAndIdentityFromTheBaseBranch(t *testing.T) {
	upstream := t.TempDir()
	gitRun(t, upstream, "init", "-q", "-b", "master")
	acme := filepath.Join(upstream, "acme")
	if err := integration.WriteScratch(acme, "acme", integration.OAuthClient{Name: "Acme", RedirectURIs: []string{"https://a/cb"}, Scopes: []string{"dashboards_read"}, OnboardingURL: "https://a/on"}); err != nil {
		t.Fatal(err)
	}
	gitRun(t, upstream, "add", "-A")
	gitRun(t, upstream, "commit", "-q", "-m", "acme")
	clone := filepath.Join(t.TempDir(), "integrations-extras")
	gitRun(t, filepath.Dir(clone), "clone", "-q", upstream, clone)
	// A second integration, only in the clone: new.
	beta := filepath.Join(clone, "beta")
	if err := integration.WriteScratch(beta, "beta", integration.OAuthClient{Name: "Beta", RedirectURIs: []string{"https://b/cb"}, Scopes: []string{"dashboards_read"}, OnboardingURL: "https://b/on"}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		dir  string
		want integration.Case
		why  string
	}{
		{filepath.Join(clone, "acme"), integration.CaseExisting, "on origin/master"},
		{beta, integration.CaseNew, "not on origin/master"},
		{filepath.Join(t.TempDir(), "nowhere"), integration.CaseNew, ""},
	} {
		w := &journey.Workspace{Store: &secrets.Memory{}, Integration: filepath.Base(tt.dir), Info: integration.Info{Dir: tt.dir}}
		if c, why := w.DefaultCase(); c != tt.want || !strings.Contains(why, tt.why) || (tt.why == "" && why != "") {
			t.Errorf("%s: %s (%s), want %s (%s)", tt.dir, c, why, tt.want, tt.why)
		}
	}
	// The clone changes acme's app_uuid and app_id: the checks refuse it.
	manifest := filepath.Join(clone, "acme", "manifest.json")
	b, _ := os.ReadFile(manifest)
	changed := strings.Replace(strings.Replace(string(b), "0193a8e2-6f0c-7c3e-9d1a-2b4c6d8e0f12", "5b1e5b6e-0d4a-4a8e-9c1f-2d3e4f5a6b7c", 1), `"app_id": "acme"`, `"app_id": "acme-oauth"`, 1)
	os.WriteFile(manifest, []byte(changed), 0o644)
	info, _ := integration.Load(filepath.Join(clone, "acme"))
	w := &journey.Workspace{Store: &secrets.Memory{}, Integration: "acme", Info: info}
	findings, err := w.Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var changedIDs []string
	for _, f := range findings {
		if f.Rule == "manifest/identity-changed" {
			changedIDs = append(changedIDs, f.Message)
		}
	}
	if len(changedIDs) != 2 || !strings.Contains(changedIDs[0]+changedIDs[1], "origin/master") {
		t.Fatalf("identity findings %q (all: %+v)", changedIDs, findings)
	}
	// No fix rewrites an existing integration's app_uuid.
	os.WriteFile(manifest, b, 0o644)
	if _, err := journey.PlanFix(filepath.Join(clone, "acme"), journey.FixManifest, "", "5b1e5b6e-0d4a-4a8e-9c1f-2d3e4f5a6b7c"); !errors.Is(err, journey.ErrIdentityKept) {
		t.Fatalf("fix manifest --app-uuid on an existing integration: %v", err)
	}
}

// A region picked on Datadog's page: the tokens and the secret are kept
// for the site the callback named, the person is told, and the redirect
// URI is remembered where the client registered it.
func TestAuthorizeRecordsTheChosenRegion(t *testing.T) {
	sb := startSandbox(t, sandbox.Options{Sites: []string{"us1", "eu1"}, AutoApprove: true, LoginOrg: "customer", OrgSubdomain: "customsub"})
	pub, err := sb.Publish("us1")
	if err != nil {
		t.Fatal(err)
	}
	store, state := &secrets.Memory{}, t.TempDir()
	w := &journey.Workspace{Provider: sb.Provider(), Store: store, StateDir: state, Integration: "acme", Kind: secrets.Published}
	var notes []string
	res, err := w.Authorize(context.Background(), journey.AuthorizeSpec{Site: "us1", ClientID: pub.ClientID, ClientSecret: pub.ClientSecret, KeepSecret: true,
		RedirectURI: pub.RedirectURIs[0], Scopes: pub.Scopes, Timeout: 10 * time.Second,
		OpenBrowser: func(authURL string) error {
			u, _ := url.Parse(authURL)
			go sandbox.Browse(u.Scheme + "://" + u.Host + "/oauth2/v1/authorize/region?" + url.Values{"region": {"eu1"}, "request": {u.RawQuery}}.Encode())
			return nil
		},
		Report: func(stage journey.Stage, detail string) {
			if stage == journey.StageNote {
				notes = append(notes, detail)
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	eu1 := secrets.Namespace{Integration: "acme", Site: "eu1", Kind: secrets.Published}
	var tok secrets.TokenRecord
	if res.Site != "eu1" || secrets.GetJSON(store, eu1.TokenKey(), &tok) != nil || tok.OrgName != "Customer Org (eu1)" {
		t.Fatalf("site %s, token on eu1: %+v", res.Site, tok)
	}
	if v, _ := secrets.ClientSecret(store, eu1, pub.ClientID); v != pub.ClientSecret {
		t.Fatal("the secret is not kept for eu1")
	}
	if len(notes) != 1 || !strings.Contains(notes[0], "the org is on eu1") {
		t.Fatalf("notes %q", notes)
	}
	if w.RememberedRedirect("us1", pub.ClientID) != pub.RedirectURIs[0] {
		t.Fatal("the redirect URI is not remembered for us1")
	}
}

// A whole checkout, as a CI checks it: doppler's real files on the base
// branch and a new integration beside them. Changing doppler's
// source_type_name is reported for doppler alone; the new one has nothing
// to keep.
func TestWholeCheckoutKeepsIdentities(t *testing.T) {
	upstream := t.TempDir()
	gitRun(t, upstream, "init", "-q", "-b", "master")
	if err := os.CopyFS(filepath.Join(upstream, "doppler"), os.DirFS("../../tui/testdata/doppler")); err != nil {
		t.Fatal(err)
	}
	gitRun(t, upstream, "add", "-A")
	gitRun(t, upstream, "commit", "-q", "-m", "doppler")
	clone := filepath.Join(t.TempDir(), "integrations-extras")
	gitRun(t, filepath.Dir(clone), "clone", "-q", upstream, clone)
	if err := integration.WriteScratch(filepath.Join(clone, "beta"), "beta", integration.OAuthClient{Name: "Beta", RedirectURIs: []string{"https://b/cb"}, Scopes: []string{"dashboards_read"}, OnboardingURL: "https://b/on"}); err != nil {
		t.Fatal(err)
	}
	manifest := filepath.Join(clone, "doppler", "manifest.json")
	b, _ := os.ReadFile(manifest)
	os.WriteFile(manifest, []byte(strings.Replace(string(b), `"source_type_name": "doppler"`, `"source_type_name": "doppler-oauth"`, 1)), 0o644)
	rep, err := journey.CheckTree(clone, checks.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range rep.Findings {
		if f.Rule == "manifest/identity-changed" {
			got = append(got, f.Integration+": "+f.Message)
		}
	}
	if len(got) != 1 || !strings.HasPrefix(got[0], "doppler: assets.integration.source_type_name is \"doppler\" on origin/master") {
		t.Fatalf("identity findings %q", got)
	}
}

// BenchmarkCheckTreeInAClone: a checkout of 300 integrations whose base
// branch has them all; with the base, every manifest is also read from
// git and its identity compared.
func BenchmarkCheckTreeInAClone(b *testing.B) {
	upstream := b.TempDir()
	gitRun(b, upstream, "init", "-q", "-b", "master")
	for i := 0; i < 300; i++ {
		name := fmt.Sprintf("partner_%03d", i)
		if err := integration.WriteScratch(filepath.Join(upstream, name), name, integration.OAuthClient{Name: name, RedirectURIs: []string{"https://p.example/cb"}, Scopes: []string{"dashboards_read"}, OnboardingURL: "https://p.example/on"}); err != nil {
			b.Fatal(err)
		}
	}
	gitRun(b, upstream, "add", "-A")
	gitRun(b, upstream, "commit", "-q", "-m", "partners")
	clone := filepath.Join(b.TempDir(), "integrations-extras")
	gitRun(b, filepath.Dir(clone), "clone", "-q", upstream, clone)
	for _, bc := range []struct {
		name string
		opts checks.Options
	}{
		{"with-base", checks.Options{}},
		{"without-base", checks.Options{BaseFor: func(string) *checks.BaseManifest { return nil }}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				rep, err := journey.CheckTree(clone, bc.opts)
				if err != nil || rep.Summary.Integrations != 300 {
					b.Fatal(err, rep.Summary)
				}
			}
		})
	}
}
