package scopes_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oauthwiz/oauthwiz/flows/internal/authtest"

	"github.com/oauthwiz/oauthwiz/assets"
	"github.com/oauthwiz/oauthwiz/flows/authorize"
	"github.com/oauthwiz/oauthwiz/flows/datadog"
	"github.com/oauthwiz/oauthwiz/flows/sandbox"
	"github.com/oauthwiz/oauthwiz/flows/scopes"
)

// probeScopes is every scope with a probe, plus api_keys_write.
func probeScopes() []string {
	out := []string{"api_keys_write"}
	for _, p := range assets.Probes().Probes {
		out = append(out, p.Scope)
	}
	return out
}

// authorized starts a sandbox and authorizes the test client on each site
// with the requested scopes (minus some, to leave scopes to refuse), and
// creates the API key there.
func authorized(t testing.TB, opts sandbox.Options, sites []string, requested []string) (*sandbox.Server, []scopes.Target) {
	t.Helper()
	opts.Sites, opts.AutoApprove = sites, true
	if opts.Scopes == nil {
		opts.Scopes = probeScopes()
	}
	sb, err := sandbox.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sb.Close)
	p := sb.Provider()
	var targets []scopes.Target
	for _, site := range sites {
		c, _ := sb.Client(site, "test")
		res, err := authtest.Run(context.Background(), authorize.Options{
			Provider: p, Site: site, ClientID: c.ClientID, ClientSecret: c.ClientSecret,
			RedirectURI: c.RedirectURIs[0], Scopes: requested, Timeout: 10 * time.Second,
			OnURL: func(u, _ string) { go sandbox.Browse(u) },
		})
		if err != nil {
			t.Fatal(err)
		}
		h, _ := p.Hosts(site)
		target := scopes.Target{Site: site, APIBase: h.APIURL, AccessToken: res.Token.AccessToken, Granted: res.ScopesGranted}
		if k, err := (datadog.Client{APIBase: h.APIURL}).CreateMarketplaceKey(context.Background(), res.Token.AccessToken); err == nil {
			target.APIKey = k.Key
		}
		targets = append(targets, target)
	}
	return sb, targets
}

func requestedScopes() []string {
	var out []string
	for _, s := range probeScopes() {
		if s != "apm_read" && s != "usage_read" { // left unrequested: one must be refused
			out = append(out, s)
		}
	}
	return append(out, "workflows_read") // a scope without a probe: manual
}

func TestEveryScopeOnTwoSites(t *testing.T) {
	sb, targets := authorized(t, sandbox.Options{RateLimit: 15, RatePeriod: 300 * time.Millisecond, Scopes: append(probeScopes(), "workflows_read")}, []string{"us1", "eu1"}, requestedScopes())
	var seen atomic.Int32
	rep := scopes.Run(context.Background(), scopes.Options{Targets: targets, Requested: requestedScopes(), RunID: "t1", OnResult: func(scopes.Result) { seen.Add(1) }})
	if rep.Failed() {
		for _, r := range rep.Results {
			if r.Status != scopes.Pass {
				t.Logf("%+v", r)
			}
		}
		t.Fatalf("the run failed; leftovers %+v", rep.Leftovers)
	}
	count := map[string]int{}
	for _, r := range rep.Results {
		count[r.Site+" "+r.Status]++
		if r.Status == scopes.Pass && r.Probe != "grant" && (r.HTTPStatus == 0 || r.Endpoint == "" || r.RequestID == "") {
			t.Errorf("a pass without evidence: %+v", r)
		}
		if r.Scope == "workflows_read" && r.Status != scopes.Manual {
			t.Errorf("a scope without a probe must be manual: %+v", r)
		}
		if r.Probe == "refusal" && (r.Status != scopes.Pass || r.HTTPStatus != 403) {
			t.Errorf("refusal probe: %+v", r)
		}
	}
	proven := map[string]bool{} // scopes whose data flow passed on us1
	for _, r := range rep.Results {
		if r.Site == "us1" && r.Status == scopes.Pass && r.Probe != "refusal" {
			proven[r.Scope] = true
		}
	}
	if len(proven) < 58 { // every probed scope but the two left unrequested
		t.Errorf("%d scopes proven on us1, want every requested one with a probe (58)", len(proven))
	}
	if count["us1 manual"] != 1 || count["eu1 manual"] != 1 || count["us1 pass"] < 25 || count["us1 pass"] != count["eu1 pass"] {
		t.Fatalf("counts %v", count)
	}
	if int(seen.Load()) != len(rep.Results) {
		t.Fatalf("progress saw %d of %d results", seen.Load(), len(rep.Results))
	}
	if n := len(sb.State().Objects); n != 0 {
		t.Fatalf("%d objects left behind", n)
	}
	if sb.RateLimited() != 0 {
		t.Fatalf("the rate limit was exceeded %d times", sb.RateLimited())
	}
	if sb.PointsReceived() != 2 {
		t.Fatalf("points received: %d", sb.PointsReceived())
	}
}

// A client that asks for every probed scope gets each one proven by a
// data flow: the bar is at least 60 scopes in one run.
func TestEveryProbedScopeProven(t *testing.T) {
	requested := probeScopes()
	sb, targets := authorized(t, sandbox.Options{}, []string{"us1"}, requested)
	rep := scopes.Run(context.Background(), scopes.Options{Targets: targets, Requested: requested, RunID: "all"})
	proven := map[string]bool{}
	for _, r := range rep.Results {
		switch {
		case r.Status == scopes.Pass && r.Probe != "grant" && r.Probe != "refusal":
			proven[r.Scope] = true
		case r.Status == scopes.Fail:
			t.Errorf("failed: %+v", r)
		}
	}
	t.Logf("%d scopes proven", len(proven))
	if len(proven) < 60 {
		t.Errorf("%d scopes proven, want at least 60", len(proven))
	}
	if n := len(sb.State().Objects); n != 0 {
		t.Fatalf("%d objects left behind", n)
	}
}

func TestRefusedScopeIsAFailure(t *testing.T) {
	_, targets := authorized(t, sandbox.Options{RefuseScopes: []string{"dashboards_write"}}, []string{"us1"}, []string{"dashboards_read", "dashboards_write"})
	rep := scopes.Run(context.Background(), scopes.Options{Targets: targets, Requested: []string{"dashboards_read", "dashboards_write"}})
	var write scopes.Result
	for _, r := range rep.Results {
		if r.Scope == "dashboards_write" {
			write = r
		}
	}
	if !rep.Failed() || write.Status != scopes.Fail || write.HTTPStatus != 403 || write.Detail != "Forbidden" {
		t.Fatalf("refused scope: %+v", rep.Results)
	}
}

func TestCancelledRunLeavesNothing(t *testing.T) {
	sb, targets := authorized(t, sandbox.Options{Scopes: append(probeScopes(), "workflows_read"), Faults: []sandbox.Fault{{Path: "/api/", Latency: 40 * time.Millisecond}}}, []string{"us1", "eu1"}, requestedScopes())
	ctx, cancel := context.WithCancel(context.Background())
	var created atomic.Int32
	rep := scopes.Run(ctx, scopes.Options{Targets: targets, Requested: requestedScopes(), Concurrency: 2, OnResult: func(r scopes.Result) {
		if r.Probe == "write" && r.Status == scopes.Pass && created.Add(1) == 2 {
			cancel() // Ctrl+C in the middle of the run
		}
	}})
	if created.Load() < 2 {
		t.Fatal("the run was not cancelled in the middle")
	}
	skipped := 0
	for _, r := range rep.Results {
		if r.Status == scopes.Skipped {
			skipped++
		}
	}
	if skipped == 0 || len(rep.Leftovers) != 0 || len(sb.State().Objects) != 0 {
		t.Fatalf("skipped %d, leftovers %+v, objects %+v", skipped, rep.Leftovers, sb.State().Objects)
	}
}

func TestRetriesOnlyWhatIsSafe(t *testing.T) {
	sb, targets := authorized(t, sandbox.Options{}, []string{"us1"}, []string{"dashboards_read", "dashboards_write", "monitors_read"})
	sb.SetFaults([]sandbox.Fault{
		{Method: "GET", Path: "/api/v1/dashboard", Status: 503, Times: 2},    // a read: retried until it passes
		{Method: "POST", Path: "/api/v1/dashboard", Status: 502, Times: 1},   // a create: never retried
		{Method: "GET", Path: "/api/v1/monitor", Malformed: true, Times: 10}, // a garbled answer is a failure
	})
	rep := scopes.Run(context.Background(), scopes.Options{Targets: targets, Requested: []string{"dashboards_read", "dashboards_write", "monitors_read"}, Sleep: func(context.Context, time.Duration) error { return nil }})
	got := map[string]scopes.Result{}
	for _, r := range rep.Results {
		got[r.Scope+"/"+r.Probe] = r
	}
	if r := got["dashboards_read/read"]; r.Status != scopes.Pass {
		t.Errorf("read after two 503s: %+v", r)
	}
	if r := got["dashboards_write/write"]; r.Status != scopes.Fail || r.HTTPStatus != 502 {
		t.Errorf("create after a 502: %+v", r)
	}
	if r := got["monitors_read/read"]; r.Status != scopes.Fail || !strings.Contains(r.Detail, "not valid JSON") {
		t.Errorf("malformed answer: %+v", r)
	}
	if len(sb.State().Objects) != 0 {
		t.Fatal("objects left")
	}
}

func TestWaitsOutA429(t *testing.T) {
	sb, targets := authorized(t, sandbox.Options{RateLimit: 1, RatePeriod: 200 * time.Millisecond}, []string{"us1"}, []string{"dashboards_read", "monitors_read"})
	// Three requests at once against one request per window: before any
	// answer tells the limit, two get 429 and are sent again after the reset.
	rep := scopes.Run(context.Background(), scopes.Options{Targets: targets, Requested: []string{"dashboards_read", "monitors_read"}, Concurrency: 3})
	if rep.Failed() {
		t.Fatalf("%+v", rep.Results)
	}
	if sb.RateLimited() == 0 {
		t.Fatal("the test did not provoke a 429")
	}
}

// A run killed between a create and its cleanup leaves objects named
// oauthwiz-check-<run>; the next run finds them in every collection, in each
// list shape of the catalog, and deletes them.
func TestNextRunSweepsWhatAKilledRunLeft(t *testing.T) {
	sb, targets := authorized(t, sandbox.Options{Scopes: append(probeScopes(), "workflows_read")}, []string{"us1"}, requestedScopes())
	// The first run cannot delete anything: as good as killed before cleanup.
	sb.SetFaults([]sandbox.Fault{{Method: "DELETE", Path: "/api/", Status: 404}, {Path: "/api/v1/synthetics/tests/delete", Status: 404}})
	first := scopes.Run(context.Background(), scopes.Options{Targets: targets, Requested: requestedScopes(), RunID: "dead"})
	left := len(sb.State().Objects)
	writes := 0
	for _, p := range assets.Probes().Probes {
		if p.Write != nil && slices.Contains(requestedScopes(), p.Scope) {
			writes++
			if p.Write.Sweep == nil {
				t.Errorf("%s: a write probe without a sweep cannot be cleaned up after a kill", p.Scope)
			}
		}
	}
	if left != writes || len(first.Leftovers) != writes {
		t.Fatalf("the first run left %d objects (%d leftovers), want %d", left, len(first.Leftovers), writes)
	}
	sb.SetFaults(nil)
	second := scopes.Run(context.Background(), scopes.Options{Targets: targets, Requested: requestedScopes(), RunID: "next"})
	if second.Failed() || len(second.Swept) != writes || len(second.Notes) != 0 {
		t.Fatalf("second run: failed %v, swept %+v, notes %v", second.Failed(), second.Swept, second.Notes)
	}
	if objs := sb.State().Objects; len(objs) != 0 {
		t.Fatalf("objects left: %+v", objs)
	}
	if !strings.HasSuffix(second.Summary(), fmt.Sprintf("; 0 objects left behind; %d left by an earlier run deleted.", writes)) {
		t.Fatalf("summary: %s", second.Summary())
	}
}

// Without the scope a list needs, the sweep says so instead of failing.
func TestSweepWithoutTheListScopeIsANote(t *testing.T) {
	_, targets := authorized(t, sandbox.Options{Scopes: []string{"dashboards_write"}}, []string{"us1"}, []string{"dashboards_write"})
	rep := scopes.Run(context.Background(), scopes.Options{Targets: targets, Requested: []string{"dashboards_write"}})
	if rep.Failed() || len(rep.Notes) != 1 || !strings.Contains(rep.Notes[0], "listing needs dashboards_read") {
		t.Fatalf("failed %v, notes %v", rep.Failed(), rep.Notes)
	}
}

// A scope whose operations need another scope too is reported as needing
// it, not failed: Datadog's spec has POST /api/v2/team require teams_read
// and teams_manage, so a client holding teams_manage alone would be
// refused — and the refusal would blame teams_manage.
func TestScopeThatNeedsAnother(t *testing.T) {
	requested := []string{"teams_manage", "usage_read", "apm_read"}
	sb, targets := authorized(t, sandbox.Options{Scopes: requested}, []string{"us1"}, requested)
	rep := scopes.Run(context.Background(), scopes.Options{Targets: targets, Requested: requested, RunID: "needs"})
	byScope := map[string]scopes.Result{}
	for _, r := range rep.Results {
		byScope[r.Scope+" "+r.Probe] = r
	}
	team := byScope["teams_manage write"]
	if team.Status != scopes.Manual || !strings.Contains(team.Detail, "needs teams_read too") {
		t.Fatalf("teams_manage: %+v", team)
	}
	for _, s := range []string{"usage_read read", "apm_read read"} {
		if r := byScope[s]; r.Status != scopes.Pass {
			t.Errorf("%s: %+v", s, r)
		}
	}
	if len(sb.State().Objects) != 0 {
		t.Fatalf("objects left: %+v", sb.State().Objects)
	}
}

// A probe broken on purpose fails in the sandbox as it would on Datadog:
// usage_read without the start_month the spec requires (the mistake the
// probe once had), and a team body without its handle.
func TestBrokenProbeFailsInTheSandbox(t *testing.T) {
	requested := []string{"usage_read", "teams_read", "teams_manage"}
	_, targets := authorized(t, sandbox.Options{Scopes: requested}, []string{"us1"}, requested)
	cat := assets.Probes()
	cat.Probes = nil
	for _, p := range assets.Probes().Probes {
		switch p.Scope {
		case "usage_read":
			broken := *p.Read
			broken.Query = nil
			p.Read = &broken
		case "teams_manage":
			w := *p.Write
			w.Body = json.RawMessage(`{"data": {"type": "team", "attributes": {"name": "{{name}}"}}}`)
			p.Write = &w
		default:
			continue
		}
		cat.Probes = append(cat.Probes, p)
	}
	rep := scopes.Run(context.Background(), scopes.Options{Targets: targets, Requested: requested, RunID: "broken", Catalog: &cat})
	for _, want := range []struct{ key, text string }{{"usage_read read", "start_month"}, {"teams_manage write", "handle"}} {
		found := false
		for _, r := range rep.Results {
			if r.Scope+" "+r.Probe == want.key {
				found = true
				if r.Status != scopes.Fail || r.HTTPStatus != 400 || !strings.Contains(r.Detail, want.text) {
					t.Errorf("%s: %+v, want a 400 naming %s", want.key, r, want.text)
				}
			}
		}
		if !found {
			t.Errorf("no result for %s", want.key)
		}
	}
}

// A probe whose template has no value is not sent: Datadog would get the
// literal braces and answer with an error blaming something else.
func TestProbeWithAnUnfilledTemplateIsNotSent(t *testing.T) {
	requested := []string{"usage_read"}
	_, targets := authorized(t, sandbox.Options{Scopes: requested}, []string{"us1"}, requested)
	cat := assets.Probes()
	cat.Probes = nil
	for _, p := range assets.Probes().Probes {
		if p.Scope == "usage_read" {
			broken := *p.Read
			broken.Query = map[string]string{"start_month": "{{first_of_month}}"}
			p.Read = &broken
			cat.Probes = append(cat.Probes, p)
		}
	}
	rep := scopes.Run(context.Background(), scopes.Options{Targets: targets, Requested: requested, RunID: "unfilled", Catalog: &cat})
	var read scopes.Result
	for _, r := range rep.Results {
		if r.Scope == "usage_read" && r.Probe == "read" {
			read = r
		}
	}
	// No status and no request id: the stand-in never saw it (sent, it
	// would have answered 400 for the start_month that is not a date).
	if read.Status != scopes.Fail || read.HTTPStatus != 0 || read.RequestID != "" || !strings.Contains(read.Detail, "{{first_of_month}} has no value") {
		t.Fatalf("read: %+v", read)
	}
}

// A canceled downtime stays listed for about two days: the next run's
// sweep asks for current downtimes only, so it neither deletes it again nor
// reports it as swept.
func TestCanceledDowntimesAreNotSweptAgain(t *testing.T) {
	requested := []string{"monitors_downtime"}
	_, targets := authorized(t, sandbox.Options{Scopes: requested}, []string{"us1"}, requested)
	for _, run := range []string{"first", "second"} {
		rep := scopes.Run(context.Background(), scopes.Options{Targets: targets, Requested: requested, RunID: run})
		if rep.Failed() || len(rep.Swept) != 0 {
			t.Fatalf("%s run: failed %v, swept %+v", run, rep.Failed(), rep.Swept)
		}
	}
}

// The synthetics test is created on a location that exists on the site,
// read from the site: without the scope that lists locations, the write is
// manual and says which scope would make it checkable.
func TestSyntheticsLocationComesFromTheSite(t *testing.T) {
	for _, tt := range []struct {
		requested []string
		status    string
		detail    string
	}{
		{[]string{"synthetics_write", "synthetics_read", "synthetics_private_location_read"}, scopes.Pass, "created"},
		{[]string{"synthetics_write", "synthetics_read"}, scopes.Manual, "synthetics_private_location_read"},
	} {
		_, targets := authorized(t, sandbox.Options{Scopes: tt.requested}, []string{"us1"}, tt.requested)
		rep := scopes.Run(context.Background(), scopes.Options{Targets: targets, Requested: tt.requested, RunID: "loc"})
		found := false
		for _, r := range rep.Results {
			if r.Scope == "synthetics_write" && r.Probe == "write" {
				found = true
				if r.Status != tt.status || !strings.Contains(r.Detail, tt.detail) {
					t.Errorf("%v: %+v", tt.requested, r)
				}
			}
		}
		if !found {
			t.Errorf("%v: no write result", tt.requested)
		}
	}
}
