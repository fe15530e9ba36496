package assets

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestSitesTable(t *testing.T) {
	if got := len(Sites()); got != 9 {
		t.Fatalf("sites: got %d, want 9", got)
	}
	eu, ok := SiteByID("eu1")
	if !ok || eu.AppHost != "app.datadoghq.eu" || eu.APIHost != "api.datadoghq.eu" {
		t.Fatalf("eu1 = %+v", eu)
	}
	for _, id := range []string{"us1-fed", "us2-fed", "uk1"} {
		s, _ := SiteByID(id)
		if s.OAuthDocumented {
			t.Errorf("%s: OAuth must be marked undocumented", id)
		}
	}
}

func TestSiteForDomain(t *testing.T) {
	tests := []struct{ in, want string }{
		{"datadoghq.com", "us1"},
		{"us3.datadoghq.com", "us3"},
		{"bigcorp.us3.datadoghq.com", "us3"},
		{"bigcorp.datadoghq.eu", "eu1"},
		{"app.datadoghq.eu", "eu1"},
		{"https://ap2.datadoghq.com/", "ap2"},
		{"us2.ddog-gov.com", "us2-fed"},
		{"ddog-gov.com", "us1-fed"},
		{"example.com", ""},
		{"", ""},
	}
	for _, tt := range tests {
		s, ok := SiteForDomain(tt.in)
		if tt.want == "" {
			if ok {
				t.Errorf("%q: got %s, want no site", tt.in, s.ID)
			}
			continue
		}
		if !ok || s.ID != tt.want {
			t.Errorf("%q: got %q (%v), want %q", tt.in, s.ID, ok, tt.want)
		}
	}
}

func TestScopeCatalog(t *testing.T) {
	all := ScopeCatalog()
	if len(all) < 70 {
		t.Fatalf("scope catalog has %d entries", len(all))
	}
	seen := map[string]bool{}
	for _, s := range all {
		if s.Description == "" || seen[s.Name] {
			t.Errorf("scope %q: empty description or duplicate", s.Name)
		}
		seen[s.Name] = true
	}
	k, ok := LookupScope("api_keys_write")
	if !ok || !k.Private {
		t.Fatalf("api_keys_write must be present and private: %+v", k)
	}
	if _, ok := LookupScope("metrics_write"); ok {
		t.Fatal("metrics_write is not an OAuth scope")
	}
}

func TestDiagnose(t *testing.T) {
	tests := []struct{ text, want string }{
		{"invalid_request - Invalid client_id parameter value", "invalid-client-id"},
		{"invalid_request - Mismatching redirect URI", "mismatching-redirect-uri"},
		{`{"error":"invalid_grant","error_description":"Invalid code or code verifier"}`, "invalid-code-or-verifier"},
		{`403 {"errors":["Forbidden"]}`, "forbidden"},
		{"Hostname/IP does not match certificate's altnames", "altnames"},
		{"listen tcp 127.0.0.1:8000: bind: address already in use", "port-in-use"},
		{"error=access_denied", "access-denied"},
		{"x509: certificate is valid for api.datadoghq.eu, not bigcorp.datadoghq.eu", "altnames"},
		// Any other TLS failure is not the org subdomain's.
		{`Post "https://api.datadoghq.com/oauth2/v1/token": tls: failed to verify certificate: x509: certificate signed by unknown authority`, "tls-untrusted"},
		{"x509: certificate has expired or is not yet valid", "tls-untrusted"},
		{`{"error":"redirect_uri_mismatch"}`, "mismatching-redirect-uri"},
		{`{"error":"unsupported_grant_type"}`, "unsupported-grant-type"},
		// A refused refresh: invalid_grant without Datadog's PKCE message.
		{`refresh on us1: {"error":"invalid_grant","error_description":"the refresh token is invalid or revoked"}`, "invalid-grant"},
	}
	for _, tt := range tests {
		got := Diagnose(tt.text)
		if len(got) == 0 || got[0].ID != tt.want {
			t.Errorf("%q: got %v, want first %s", tt.text, got, tt.want)
		}
	}
	for _, tls := range []string{"x509: certificate signed by unknown authority", "certificate has expired"} {
		for _, d := range Diagnose(tls) {
			if d.ID == "altnames" {
				t.Errorf("%q blamed on an org subdomain", tls)
			}
		}
	}
	if got := Diagnose("everything is fine"); len(got) != 0 {
		t.Errorf("unexpected diagnosis %v", got)
	}
}

func FuzzDiagnose(f *testing.F) {
	f.Add("invalid_request - Invalid client_id parameter value")
	f.Add("")
	f.Add("\xff\xfe")
	f.Fuzz(func(t *testing.T, s string) {
		for _, d := range Diagnose(s) {
			if d.ID == "" || d.Fix == "" {
				t.Fatalf("empty diagnosis for %q", s)
			}
		}
	})
}

func TestProbeCatalog(t *testing.T) {
	c := Probes()
	if len(c.Probes) < 20 || c.Manual == "" || c.APIKey.Send.Path != "/api/v2/series" {
		t.Fatalf("catalog: %d probes", len(c.Probes))
	}
	for _, p := range c.Probes {
		if _, ok := LookupScope(p.Scope); !ok {
			t.Errorf("probe for unknown scope %q", p.Scope)
		}
		if p.Read == nil && p.Write == nil {
			t.Errorf("%s: no probe", p.Scope)
		}
		if w := p.Write; w != nil {
			if w.IDPath == "" || w.Cleanup.Method == "" || !strings.Contains(w.Cleanup.Path+string(w.Cleanup.Body), "{id}") {
				t.Errorf("%s: write probe without a usable cleanup", p.Scope)
			}
			if !strings.Contains(string(w.Body), "{{name}}") && !strings.Contains(string(w.Body), "{{name_upper}}") {
				t.Errorf("%s: created objects must carry the run's name", p.Scope)
			}
		}
	}
	if _, ok := Probes().For("dashboards_write"); !ok {
		t.Fatal("dashboards_write has a probe")
	}
}

func TestContacts(t *testing.T) {
	if Contact("sandbox_on_another_site") != "ecosystems@datadog.com" || Contact("lost_client_secret") != "ecosystems@datadog.com" || Contact("developer_platform_access") == "" {
		t.Fatal("contacts")
	}
}

// The scope catalog is Datadog's spec's: every scope scopes.json describes
// exists there, and every scope there is described.
func TestScopeCatalogFollowsTheSpec(t *testing.T) {
	b, err := files.ReadFile("scopes.json")
	if err != nil {
		t.Fatal(err)
	}
	var described struct{ Scopes []Scope }
	if err := json.Unmarshal(b, &described); err != nil {
		t.Fatal(err)
	}
	for _, s := range described.Scopes {
		if _, ok := LookupScope(s.Name); !ok {
			t.Errorf("scopes.json describes %q, which Datadog's spec (%s) does not have", s.Name, DatadogAPI().Source.Version)
		}
	}
	declared := 0
	for _, s := range ScopeCatalog() {
		if s.Description == "" {
			t.Errorf("scope %s (new in the spec?) has no description in scopes.json", s.Name)
		}
		if s.Declared {
			declared++
		}
	}
	if declared != 109 {
		t.Errorf("%d scopes declared by the AuthZ schemes of v2.67.0's specs, want 109", declared)
	}
	if s, ok := LookupScope("api_keys_write"); !ok || !s.Private {
		t.Error("the private api_keys_write is missing")
	}
}

func TestOperations(t *testing.T) {
	for _, tt := range []struct {
		method, path, id string
		vars             map[string]string
	}{
		{"POST", "/api/v2/team", "CreateTeam", nil},
		{"DELETE", "/api/v2/team/abc-1", "DeleteTeam", map[string]string{"team_id": "abc-1"}},
		{"GET", "/api/v1/usage/summary", "GetUsageSummary", nil},
		{"GET", "/api/v2/apm/services", "", nil},
		{"POST", "/api/v2/api_keys/marketplace", "CreateMarketplaceAPIKey", nil},
		{"GET", "/api/v2/nothing/here", "", nil},
	} {
		op, vars := Operation(tt.method, tt.path)
		switch {
		case tt.path == "/api/v2/nothing/here":
			if op != nil {
				t.Errorf("%s %s: found %+v", tt.method, tt.path, op)
			}
		case op == nil:
			t.Errorf("%s %s: no operation", tt.method, tt.path)
		case tt.id != "" && op.ID != tt.id:
			t.Errorf("%s %s: %s, want %s", tt.method, tt.path, op.ID, tt.id)
		case tt.vars != nil && fmt.Sprint(vars) != fmt.Sprint(tt.vars):
			t.Errorf("%s %s: vars %v", tt.method, tt.path, vars)
		}
	}
	team, _ := Operation("POST", "/api/v2/team")
	if team.Allows(map[string]bool{"teams_manage": true}) || !team.Allows(map[string]bool{"teams_manage": true, "teams_read": true}) ||
		fmt.Sprint(team.Needs(map[string]bool{"teams_manage": true})) != "[teams_read]" {
		t.Errorf("POST /api/v2/team: scopes %v", team.Scopes)
	}
	usage, _ := Operation("GET", "/api/v1/usage/summary")
	apm, _ := Operation("GET", "/api/v2/apm/services")
	if len(usage.Params) != 1 || usage.Params[0].Name != "start_month" || len(apm.Params) != 1 || apm.Params[0].Name != "filter[env]" {
		t.Errorf("required parameters: %+v, %+v", usage.Params, apm.Params)
	}
	fields := map[string]string{}
	for _, f := range team.Body.Fields {
		fields[f.Path] = f.Type
	}
	if !team.Body.Required || fields["data.attributes.name"] != "string" || fields["data.type"] != "string" {
		t.Errorf("POST /api/v2/team body: %+v", team.Body)
	}
}

func TestExpand(t *testing.T) {
	now := time.Date(2026, 1, 15, 10, 30, 0, 0, time.UTC)
	vars := ProbeVars("oauthwiz-check-r1", now)
	if vars["last_month"] != "2025-12-01T00:00:00Z" || vars["now_ms"] != "1768473000000" || vars["hour_ago"] != "2026-01-15T09:30:00Z" {
		t.Fatalf("vars %v", vars)
	}
	r := Request{Method: "POST", Path: "/api/v2/things/{id}", Query: map[string]string{"start_month": "{{last_month}}", "filter[env]": "{{name}}"},
		Body: json.RawMessage(`{"name": "{{name}}", "from": "{{hour_ago_ms}}", "note": "a \"quoted\" {{name}}", "ids": ["{id}"]}`)}
	target, body := r.Expand(vars, "a/b")
	if target != "/api/v2/things/a%2Fb?filter%5Benv%5D=oauthwiz-check-r1&start_month=2025-12-01T00%3A00%3A00Z" {
		t.Errorf("target %s", target)
	}
	var doc map[string]any
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatalf("body %s: %v", body, err)
	}
	if doc["name"] != "oauthwiz-check-r1" || doc["from"] != float64(1768469400000) || doc["note"] != `a "quoted" oauthwiz-check-r1` || fmt.Sprint(doc["ids"]) != "[a/b]" {
		t.Errorf("body %s", body)
	}
	if _, b := (Request{Method: "GET", Path: "/x"}).Expand(vars, ""); b != nil {
		t.Errorf("a request without a body got %q", b)
	}
}

// Coverage: at least 60 scopes have a data-flow probe (the written ones and
// the reads derived from Datadog's spec), and every derived probe is for a
// scope without a written one.
func TestProbeCoverage(t *testing.T) {
	cat := Probes()
	probed := map[string]bool{cat.APIKey.Scope: true}
	for _, p := range cat.Probes {
		if probed[p.Scope] && p.Derived {
			t.Errorf("%s: derived although a probe is written", p.Scope)
		}
		probed[p.Scope] = true
	}
	if len(probed) < 60 {
		t.Fatalf("%d scopes probed, want at least 60", len(probed))
	}
}

// PagerDuty's catalog is what its spec's operations require, plus the
// implicit openid: event_rules.* and users:notifications.read are in; names
// no operation requires (log_entries.read, rulesets.read, the bare read and
// write) are not.
func TestPagerDutyCatalogFollowsItsSpec(t *testing.T) {
	for scope, want := range map[string]bool{
		"openid": true, "event_rules.read": true, "event_rules.write": true, "users:notifications.read": true, "services.write": true,
		"log_entries.read": false, "rulesets.read": false, "read": false, "write": false, "maintenance_windows.read": false,
	} {
		if got := KnownPagerDutyScope(scope); got != want {
			t.Errorf("%s: in the catalog %v, want %v", scope, got, want)
		}
	}
	if n := len(PagerDuty().Scopes); n != 72 { // 71 from the spec, and openid
		t.Errorf("%d PagerDuty scopes, want 72", n)
	}
}

// The operation a request is for, with its placeholders' values; a
// literal segment wins over a placeholder.
func TestOperationLookup(t *testing.T) {
	api := DatadogAPI()
	tests := []struct {
		method, path, want string
		vars               map[string]string
	}{
		{"DELETE", "/api/v2/team/abc-123", "DELETE /api/v2/team/{team_id}", map[string]string{"team_id": "abc-123"}},
		{"delete", "/api/v2/team/abc-123/", "DELETE /api/v2/team/{team_id}", map[string]string{"team_id": "abc-123"}},
		{"GET", "/api/v2/team", "GET /api/v2/team", map[string]string{}},
		{"POST", "/api/v2/team/sync", "POST /api/v2/team/sync", map[string]string{}},
		{"GET", "/api/v2/team/t1/memberships/u1", "", nil},
		{"GET", "/api/v2/team//links", "", nil},
		{"GET", "/api/v2/team/abc/extra/deep/path", "", nil},
		{"PATCH", "/api/v2/no/such/thing", "", nil},
		{"GET", "/", "", nil},
	}
	for _, tt := range tests {
		op, vars := api.Operation(tt.method, tt.path)
		got := ""
		if op != nil {
			got = op.Method + " " + op.Path
		}
		if got != tt.want || (op != nil && fmt.Sprint(vars) != fmt.Sprint(tt.vars)) {
			t.Errorf("%s %s: got %q %v, want %q %v", tt.method, tt.path, got, vars, tt.want, tt.vars)
		}
	}
}

// BenchmarkOperationLookup is the sandbox's and the runner's lookup of the
// operation a request is for, across the 834 operations of the spec.
func BenchmarkOperationLookup(b *testing.B) {
	api := DatadogAPI()
	b.ReportAllocs()
	for b.Loop() {
		if op, _ := api.Operation("DELETE", "/api/v2/team/abc-123"); op == nil {
			b.Fatal("no operation")
		}
	}
}

func TestUnfilledTemplates(t *testing.T) {
	vars := map[string]string{"name": "oauthwiz-check-x", "from": "a@example.com"}
	tests := []struct {
		name string
		r    Request
		want string
	}{
		{"all known", Request{Path: "/x/{{name}}", Query: map[string]string{"q": "{{name}}"}, Headers: map[string]string{"From": "{{from}}"}, Body: json.RawMessage(`{"n": "{{name}}"}`)}, ""},
		{"the object id is not a template", Request{Path: "/x/{id}"}, ""},
		{"in the path", Request{Path: "/x/{{team}}/y"}, "team"},
		{"in the query", Request{Path: "/x", Query: map[string]string{"filter[env]": "{{env}}"}}, "env"},
		{"in a header", Request{Path: "/x", Headers: map[string]string{"From": "{{email}}"}}, "email"},
		{"in the body, twice, with another", Request{Path: "/x", Body: json.RawMessage(`{"a": "{{svc}}", "b": "{{svc}}", "c": "{{ep}}"}`)}, "ep svc"},
		{"unclosed braces are text", Request{Path: "/x", Body: json.RawMessage(`{"a": "{{oops"}`)}, ""},
	}
	for _, tt := range tests {
		if got := strings.Join(tt.r.Unfilled(vars), " "); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}

// Every template of every probe — Datadog's and PagerDuty's — has a value
// where it is sent: the run's values everywhere, a write's needs in its
// write and cleanup, but not in a sweep's deletes, which run before the
// needs are read.
func TestEveryProbeTemplateHasAValue(t *testing.T) {
	run := ProbeVars("oauthwiz-check-abc", time.Now())
	check := func(where string, r Request, vars map[string]string) {
		if missing := r.Unfilled(vars); len(missing) > 0 {
			t.Errorf("%s (%s %s): no value for %v", where, r.Method, r.Path, missing)
		}
	}
	for _, cat := range []ProbeCatalog{Probes(), PagerDuty().Probes} {
		for _, p := range cat.Probes {
			if p.Read != nil {
				check(p.Scope+" read", *p.Read, run)
			}
			w := p.Write
			if w == nil {
				continue
			}
			withNeeds := map[string]string{}
			for k, v := range run {
				withNeeds[k] = v
			}
			for _, n := range w.Needs {
				withNeeds[n.As] = "x"
			}
			check(p.Scope+" write", w.Request, withNeeds)
			check(p.Scope+" cleanup", w.Cleanup, withNeeds)
			if w.Sweep != nil {
				check(p.Scope+" sweep", w.Sweep.Request, run)
				check(p.Scope+" sweep's delete", w.Cleanup, run)
			}
		}
		if k := cat.APIKey; k != nil {
			check("api key validate", k.Validate, run)
			check("api key send", k.Send, run)
		}
	}
}

// Unfilled and Expand agree on any request: given a value for each name
// Unfilled reports, nothing is left unfilled, and no reported name has a
// value already.
func FuzzUnfilled(f *testing.F) {
	f.Add("/x/{{team}}", "{{from}}", `{"a":"{{svc}}","b":"{{oops"}`, "name")
	f.Add("/{{}}/{{{{x}}}}", "}}{{", "{{a}}{{b}}", "a")
	f.Fuzz(func(t *testing.T, path, header, body, known string) {
		vars := map[string]string{known: "v"}
		r := Request{Method: "POST", Path: path, Headers: map[string]string{"From": header}, Query: map[string]string{"q": header}, Body: json.RawMessage(body)}
		missing := r.Unfilled(vars)
		for _, name := range missing {
			if _, ok := vars[name]; ok {
				t.Fatalf("%q has a value but is reported unfilled", name)
			}
			vars[name] = "v"
		}
		if again := r.Unfilled(vars); len(again) != 0 {
			t.Fatalf("still unfilled after giving every reported name a value: %q", again)
		}
	})
}
