package platform_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oauthwiz/oauthwiz/flows/internal/authtest"

	"github.com/oauthwiz/oauthwiz/flows/authorize"
	"github.com/oauthwiz/oauthwiz/flows/platform"
	"github.com/oauthwiz/oauthwiz/flows/sandbox"
	"github.com/oauthwiz/oauthwiz/flows/scopes"
)

// pagerDuty starts the PagerDuty stand-in and returns the platform pointed at it.
func pagerDuty(t *testing.T, opts sandbox.Options) (*sandbox.Server, platform.Platform, string, string) {
	t.Helper()
	opts.Sites, opts.AutoApprove, opts.PagerDuty = []string{"us1"}, true, true
	sb, err := sandbox.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sb.Close)
	p, id, secret := pdPlatform(t, sb)
	return sb, p, id, secret
}

// pdPlatform is the PagerDuty platform pointed at a sandbox, and its app.
func pdPlatform(t testing.TB, sb *sandbox.Server) (platform.Platform, string, string) {
	t.Helper()
	d := sb.Discovery()
	p, err := platform.New("pagerduty", &d)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range d.Clients {
		if c.Provider == "pagerduty" {
			pdRedirects.Store(c.ClientID, d.RedirectURIFor("pagerduty"))
			return p, c.ClientID, c.ClientSecret
		}
	}
	t.Fatal("the discovery document lists no PagerDuty client")
	return nil, "", ""
}

// pdRedirects: the redirect URI each stand-in's app registered, by client
// ID (the stand-in matches it exactly, port included).
var pdRedirects sync.Map

func authorizePD(t *testing.T, p platform.Platform, id, secret string, requested []string) *authorize.Result {
	t.Helper()
	redirect, _ := pdRedirects.Load(id)
	res, err := authtest.Run(context.Background(), authorize.Options{
		Provider: p, Site: p.DefaultSite(), ClientID: id, ClientSecret: secret,
		RedirectURI: redirect.(string), Scopes: p.RequestScopes(requested), Timeout: 10 * time.Second,
		OnURL: func(u, _ string) { go sandbox.Browse(u) },
	})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestPagerDutyEndToEnd(t *testing.T) {
	tests := []struct {
		name      string
		region    string
		requested []string
		missing   []string
		probes    string // how many of each probe ran
	}{
		{"us account, every scope the app has", "us", []string{"services.read", "services.write", "users.read", "users.write", "incidents.read", "incidents.write", "schedules.read", "schedules.write", "teams.read", "teams.write", "escalation_policies.read"}, nil,
			"map[cleanup:5 read:6 write:5]"},
		{"eu account, a misspelt scope is dropped", "eu", []string{"services.read", "incidents.raed"}, []string{"incidents.raed"}, "map[grant:1 read:1 refusal:1]"},
		{"a scope the app lacks is dropped", "us", []string{"teams.read", "analytics.read"}, []string{"analytics.read"}, "map[grant:1 read:1 refusal:1]"},
		// services.write needs an escalation policy, and listing them needs
		// escalation_policies.read: without it the probe is manual, not passed.
		{"a write whose prerequisite read is not granted", "us", []string{"services.write"}, nil, "map[refusal:1 write:1]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sb, p, id, secret := pagerDuty(t, sandbox.Options{PagerDutyRegion: tt.region})
			res := authorizePD(t, p, id, secret, tt.requested)
			if strings.Join(res.ScopesMissing, " ") != strings.Join(tt.missing, " ") || len(res.ScopesExtra) != 0 {
				t.Fatalf("missing %v extra %v, want missing %v", res.ScopesMissing, res.ScopesExtra, tt.missing)
			}
			region, err := p.SiteOfToken(res.Token, p.DefaultSite())
			if err != nil || region != tt.region {
				t.Fatalf("region %q %v, want %q", region, err, tt.region)
			}
			if left := time.Until(res.Token.Expiry); left < 23*time.Hour || left > 25*time.Hour {
				t.Fatalf("the access token lasts %s, want a day", left)
			}
			base, _ := p.APIBase(region)
			cat := p.Probes()
			rep := scopes.Run(context.Background(), scopes.Options{Catalog: &cat, Requested: tt.requested,
				Targets: []scopes.Target{{Site: region, APIBase: base, AccessToken: res.Token.AccessToken, Granted: res.ScopesGranted}}})
			for _, r := range rep.Results {
				want := scopes.Pass
				switch {
				case slices.Contains(tt.missing, r.Scope):
					want = scopes.Fail // requested, not granted
				case r.Scope == "services.write" && !slices.Contains(tt.requested, "escalation_policies.read"):
					want = scopes.Manual
					if !strings.Contains(r.Detail, "escalation_policies.read") {
						t.Errorf("the manual result does not say why: %s", r.Detail)
					}
				}
				if r.Status != want {
					t.Errorf("%s %s: %s (%s), want %s", r.Scope, r.Probe, r.Status, r.Detail, want)
				}
			}
			probes := map[string]int{}
			for _, r := range rep.Results {
				probes[r.Probe]++
			}
			if got := fmt.Sprint(probes); got != tt.probes {
				t.Fatalf("probes run: %s, want %s", got, tt.probes)
			}
			if objs := sb.State().Objects; len(objs) != 0 || len(rep.Leftovers) != 0 {
				t.Fatalf("objects left: %+v %+v", objs, rep.Leftovers)
			}
		})
	}
}

// A call outside the token's scopes is PagerDuty's 403, read into the
// scope it needed and the scopes the token has.
func TestPagerDutyMissingScopeExplained(t *testing.T) {
	_, p, id, secret := pagerDuty(t, sandbox.Options{RefuseScopes: []string{"teams.write"}})
	res := authorizePD(t, p, id, secret, []string{"teams.read", "teams.write"})
	base, _ := p.APIBase("us")
	cat := p.Probes()
	rep := scopes.Run(context.Background(), scopes.Options{Catalog: &cat, Requested: []string{"teams.read", "teams.write"},
		Targets: []scopes.Target{{Site: "us", APIBase: base, AccessToken: res.Token.AccessToken, Granted: res.ScopesGranted}}})
	var write, refusal scopes.Result
	for _, r := range rep.Results {
		switch r.Probe {
		case "write":
			write = r
		case "refusal":
			refusal = r
		}
	}
	if write.Status != scopes.Fail || write.HTTPStatus != 403 || write.Detail != "Token missing required scopes: the call needs teams.write; the token has openid teams.read teams.write" {
		t.Fatalf("write: %+v", write)
	}
	if refusal.Status != scopes.Pass || refusal.HTTPStatus != 403 {
		t.Fatalf("refusal: %+v", refusal)
	}
	if d := p.Diagnose(write.Detail); len(d) == 0 || d[0].ID != "pd-missing-scopes" {
		t.Fatalf("diagnosis %+v", d)
	}
}

// Every refresh gives a new refresh token, and the old one is refused after.
func TestPagerDutyRefreshRotates(t *testing.T) {
	_, p, id, secret := pagerDuty(t, sandbox.Options{})
	res := authorizePD(t, p, id, secret, []string{"services.read"})
	opts := authorize.Options{Provider: p, Site: "us", ClientID: id, ClientSecret: secret}
	tok, err := authorize.Refresh(context.Background(), opts, res.Token.RefreshToken)
	if err != nil || tok.RefreshToken == res.Token.RefreshToken || tok.AccessToken == res.Token.AccessToken {
		t.Fatalf("refresh: %v, same refresh token %v", err, tok != nil && tok.RefreshToken == res.Token.RefreshToken)
	}
	_, err = authorize.Refresh(context.Background(), opts, res.Token.RefreshToken)
	if err == nil || !strings.Contains(err.Error(), "invalid_grant") {
		t.Fatalf("the spent refresh token: %v", err)
	}
	if d := p.Diagnose(err.Error()); len(d) == 0 || d[0].ID != "pd-invalid-grant" {
		t.Fatalf("diagnosis %+v", d)
	}
}

// PagerDuty's stand-in answers from PagerDuty's spec with PagerDuty's
// shapes: a route the spec lacks is 404, a create without the From header
// the spec requires is 400, a missing scope is 403 naming the scope the call
// needs and the token's.
func TestPagerDutyStandInRefusesWhatPagerDutyRefuses(t *testing.T) {
	_, p, id, secret := pagerDuty(t, sandbox.Options{})
	res := authorizePD(t, p, id, secret, []string{"incidents.write", "services.read"})
	base, _ := p.APIBase("us")
	call := func(method, path, body string, header map[string]string) (int, string) {
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+res.Token.AccessToken)
		req.Header.Set("Accept", "application/vnd.pagerduty+json;version=2")
		req.Header.Set("Content-Type", "application/json")
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	incident := `{"incident": {"type": "incident", "title": "oauthwiz-check-x", "service": {"id": "PSVC001", "type": "service_reference"}}}`
	for _, tt := range []struct {
		name, method, path, body string
		header                   map[string]string
		status                   int
		text                     string
	}{
		{"unknown route", "GET", "/no/such/thing", "", nil, 404, `"code":2100`},
		{"From missing", "POST", "/incidents", incident, nil, 400, "missing required header From"},
		{"From given", "POST", "/incidents", incident, map[string]string{"From": "pat@acme.example"}, 201, `"incident":{`},
		{"a scope the token lacks", "POST", "/teams", `{"team": {"type": "team", "name": "x"}}`, nil, 403, `"required_scopes":"teams.write"`},
		{"required body field missing", "POST", "/incidents", `{"incident": {"type": "incident"}}`, map[string]string{"From": "pat@acme.example"}, 400, "incident.service is required"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			status, body := call(tt.method, tt.path, tt.body, tt.header)
			if status != tt.status || !strings.Contains(body, tt.text) {
				t.Fatalf("%d %s, want %d with %q", status, body, tt.status, tt.text)
			}
			if status >= 400 && !strings.HasPrefix(body, `{"error":{`) {
				t.Fatalf("not PagerDuty's error shape: %s", body)
			}
		})
	}
}
