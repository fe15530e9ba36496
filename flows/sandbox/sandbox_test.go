package sandbox_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/oauthwiz/oauthwiz/flows/sandbox"
)

func TestS256RFC7636AppendixB(t *testing.T) {
	const verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
	const want = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
	if got := sandbox.S256(verifier); got != want {
		t.Fatalf("sandbox S256 = %s, want %s", got, want)
	}
	if got := oauth2.S256ChallengeFromVerifier(verifier); got != want {
		t.Fatalf("x/oauth2 S256 = %s, want %s", got, want)
	}
}

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }
func newClock() *clock               { return &clock{t: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)} }
func noRedirect() *http.Client {
	return &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }, Timeout: 5 * time.Second}
}

type env struct {
	t      *testing.T
	sb     *sandbox.Server
	clock  *clock
	client struct{ id, secret, redirect, app string }
}

func start(t *testing.T, opts sandbox.Options) *env {
	t.Helper()
	e := &env{t: t, clock: newClock()}
	if opts.Now == nil {
		opts.Now = e.clock.Now
	}
	if opts.Sites == nil {
		opts.Sites = []string{"us1", "eu1"}
	}
	sb, err := sandbox.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sb.Close)
	e.sb = sb
	c, ok := sb.Client("us1", "test")
	if !ok {
		t.Fatal("no us1 test client")
	}
	e.client.id, e.client.secret, e.client.redirect = c.ClientID, c.ClientSecret, c.RedirectURIs[0]
	e.client.app = sb.Discovery().Sites["us1"].AppURL
	return e
}

const verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"

func (e *env) authorizeURL(mod func(url.Values)) string {
	q := url.Values{
		"response_type": {"code"}, "client_id": {e.client.id}, "redirect_uri": {e.client.redirect},
		"code_challenge": {sandbox.S256(verifier)}, "code_challenge_method": {"S256"},
		"state": {"st-1"}, "scope": {"api_keys_write dashboards_read"},
	}
	if mod != nil {
		mod(q)
	}
	return e.client.app + "/oauth2/v1/authorize?" + q.Encode()
}

// get fetches without following redirects and returns status, Location and body.
func get(t *testing.T, u string) (int, *url.URL, string) {
	t.Helper()
	resp, err := noRedirect().Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	loc, _ := resp.Location()
	return resp.StatusCode, loc, string(b)
}

func (e *env) code(mod func(url.Values)) string {
	status, loc, body := get(e.t, e.authorizeURL(mod))
	if status != http.StatusFound || loc.Query().Get("code") == "" {
		e.t.Fatalf("authorize: %d %v %s", status, loc, body)
	}
	return loc.Query().Get("code")
}

func (e *env) token(form url.Values, contentType string) (int, map[string]any) {
	e.t.Helper()
	body := form.Encode()
	if contentType == "application/json" {
		m := map[string]string{}
		for k := range form {
			m[k] = form.Get(k)
		}
		b, _ := json.Marshal(m)
		body = string(b)
	}
	req, _ := http.NewRequest(http.MethodPost, e.client.app+"/oauth2/v1/token", strings.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	out := map[string]any{}
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func (e *env) exchangeForm(code string) url.Values {
	return url.Values{"grant_type": {"authorization_code"}, "code": {code}, "code_verifier": {verifier},
		"redirect_uri": {e.client.redirect}, "client_id": {e.client.id}, "client_secret": {e.client.secret}}
}

func (e *env) api(method, path, bearer, apiKey string) (int, string) {
	e.t.Helper()
	req, _ := http.NewRequest(method, e.client.app+path, nil)
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	if apiKey != "" {
		req.Header.Set("DD-API-KEY", apiKey)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(b))
}

func TestAuthorizeErrorsOnTheirCauses(t *testing.T) {
	e := start(t, sandbox.Options{AutoApprove: true})
	tests := []struct {
		name       string
		mod        func(url.Values)
		wantStatus int
		wantPage   string // error page text (no redirect)
		wantError  string // error= on the redirect
	}{
		{"unknown client", func(q url.Values) { q.Set("client_id", "nope") }, 400, "invalid_request - Invalid client_id parameter value", ""},
		{"client of another site", func(q url.Values) {
			c, _ := e.sb.Client("eu1", "test")
			q.Set("client_id", c.ClientID)
		}, 400, "invalid_request - Invalid client_id parameter value", ""},
		{"redirect uri path differs", func(q url.Values) { q.Set("redirect_uri", "http://127.0.0.1:8765/other") }, 400, "invalid_request - Mismatching redirect URI", ""},
		{"redirect uri host differs", func(q url.Values) { q.Set("redirect_uri", "http://localhost:8765/oauth/callback") }, 400, "invalid_request - Mismatching redirect URI", ""},
		{"https is not loopback-port flexible", func(q url.Values) { q.Set("redirect_uri", "https://127.0.0.1:9/oauth/callback") }, 400, "invalid_request - Mismatching redirect URI", ""},
		{"no PKCE", func(q url.Values) { q.Del("code_challenge"); q.Del("code_challenge_method") }, 302, "", "invalid_request"},
		{"plain PKCE refused", func(q url.Values) { q.Set("code_challenge_method", "plain") }, 302, "", "invalid_request"},
		{"unknown scope", func(q url.Values) { q.Set("scope", "dashboards_read not_a_scope") }, 302, "", "invalid_scope"},
		{"scope not on client", func(q url.Values) { q.Set("scope", "incident_write") }, 302, "", "invalid_scope"},
		{"wrong response type", func(q url.Values) { q.Set("response_type", "token") }, 302, "", "unsupported_response_type"},
		// Datadog matches the registered URI exactly (as its docs show one
		// URI per client); a loopback port other than the registered one is
		// refused before any redirect.
		{"another loopback port", func(q url.Values) { q.Set("redirect_uri", "http://127.0.0.1:40123/oauth/callback") }, 400, "Mismatching redirect URI", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, loc, body := get(t, e.authorizeURL(tt.mod))
			if status != tt.wantStatus {
				t.Fatalf("status %d, want %d (%s)", status, tt.wantStatus, body)
			}
			if tt.wantPage != "" {
				if loc != nil {
					t.Fatalf("an error page must not redirect, got Location %v", loc)
				}
				if !strings.Contains(body, tt.wantPage) {
					t.Fatalf("page does not say %q:\n%s", tt.wantPage, body)
				}
				return
			}
			if got := loc.Query().Get("error"); got != tt.wantError {
				t.Fatalf("error=%q, want %q (%v)", got, tt.wantError, loc)
			}
			if loc.Query().Get("state") != "st-1" {
				t.Fatalf("state not returned: %v", loc)
			}
			if tt.wantError == "" {
				for _, p := range []string{"code", "site", "domain", "dd_oid", "dd_org_name"} {
					if loc.Query().Get(p) == "" {
						t.Errorf("callback lacks %s: %v", p, loc)
					}
				}
			}
		})
	}
}

func TestTokenEndpointErrorsOnTheirCauses(t *testing.T) {
	e := start(t, sandbox.Options{AutoApprove: true})
	tests := []struct {
		name        string
		form        func(url.Values)
		contentType string
		wantStatus  int
		wantError   string
		wantDesc    string
	}{
		{"form ok", nil, "application/x-www-form-urlencoded", 200, "", ""},
		{"json ok", nil, "application/json", 200, "", ""},
		{"wrong content type", nil, "text/plain", 400, "invalid_grant", "Invalid code or code verifier"},
		{"wrong verifier", func(f url.Values) { f.Set("code_verifier", strings.Repeat("a", 43)) }, "application/x-www-form-urlencoded", 400, "invalid_grant", "Invalid code or code verifier"},
		{"no secret", func(f url.Values) { f.Del("client_secret") }, "application/x-www-form-urlencoded", 401, "invalid_client", ""},
		{"wrong secret", func(f url.Values) { f.Set("client_secret", "x") }, "application/x-www-form-urlencoded", 401, "invalid_client", ""},
		{"redirect differs", func(f url.Values) { f.Set("redirect_uri", "http://127.0.0.1:1/oauth/callback") }, "application/x-www-form-urlencoded", 400, "invalid_request", "Mismatching redirect URI"},
		{"unknown code", func(f url.Values) { f.Set("code", "nope") }, "application/x-www-form-urlencoded", 400, "invalid_grant", "Invalid code or code verifier"},
		{"bad grant", func(f url.Values) { f.Set("grant_type", "password") }, "application/x-www-form-urlencoded", 400, "unsupported_grant_type", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := e.exchangeForm(e.code(nil))
			if tt.form != nil {
				tt.form(f)
			}
			status, out := e.token(f, tt.contentType)
			if status != tt.wantStatus {
				t.Fatalf("status %d, want %d: %v", status, tt.wantStatus, out)
			}
			if tt.wantStatus == 200 {
				if out["access_token"] == "" || out["refresh_token"] == "" || out["token_type"] != "Bearer" || out["expires_in"] != float64(3600) || out["scope"] != "api_keys_write dashboards_read" {
					t.Fatalf("token response %v", out)
				}
				return
			}
			if out["error"] != tt.wantError || (tt.wantDesc != "" && out["error_description"] != tt.wantDesc) {
				t.Fatalf("got %v, want %s / %s", out, tt.wantError, tt.wantDesc)
			}
		})
	}
}

func TestBasicAuthAccepted(t *testing.T) {
	e := start(t, sandbox.Options{AutoApprove: true})
	f := e.exchangeForm(e.code(nil))
	f.Del("client_secret")
	f.Del("client_id")
	req, _ := http.NewRequest(http.MethodPost, e.client.app+"/oauth2/v1/token", strings.NewReader(f.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(e.client.id, e.client.secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("basic auth: %s", resp.Status)
	}
}

func TestReplayedCodeRevokesItsTokens(t *testing.T) {
	e := start(t, sandbox.Options{AutoApprove: true})
	f := e.exchangeForm(e.code(nil))
	status, first := e.token(f, "application/x-www-form-urlencoded")
	if status != 200 {
		t.Fatalf("first exchange: %d %v", status, first)
	}
	status, second := e.token(f, "application/x-www-form-urlencoded")
	if status != 400 || second["error_description"] != "Invalid code or code verifier" {
		t.Fatalf("replay: %d %v", status, second)
	}
	if st, body := e.api("POST", "/api/v2/api_keys/marketplace", first["access_token"].(string), ""); st != 403 || body != `{"errors":["Forbidden"]}` {
		t.Fatalf("token from a replayed code still works: %d %s", st, body)
	}
}

func TestExpiredCodeAndToken(t *testing.T) {
	e := start(t, sandbox.Options{AutoApprove: true, AccessTokenTTL: 2 * time.Second})
	code := e.code(nil)
	e.clock.Add(61 * time.Second)
	if status, out := e.token(e.exchangeForm(code), "application/x-www-form-urlencoded"); status != 400 || out["error_description"] != "Invalid code or code verifier" {
		t.Fatalf("expired code: %d %v", status, out)
	}
	status, out := e.token(e.exchangeForm(e.code(nil)), "application/x-www-form-urlencoded")
	if status != 200 || out["expires_in"] != float64(2) {
		t.Fatalf("exchange: %d %v", status, out)
	}
	e.clock.Add(3 * time.Second)
	if st, body := e.api("POST", "/api/v2/api_keys/marketplace", out["access_token"].(string), ""); st != 403 || body != `{"errors":["Forbidden"]}` {
		t.Fatalf("expired token: %d %s", st, body)
	}
	// The refresh token does not expire: it gets a new access token.
	rf := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {out["refresh_token"].(string)}, "client_id": {e.client.id}, "client_secret": {e.client.secret}}
	status, fresh := e.token(rf, "application/x-www-form-urlencoded")
	if status != 200 || fresh["access_token"] == out["access_token"] {
		t.Fatalf("refresh: %d %v", status, fresh)
	}
	if st, _ := e.api("POST", "/api/v2/api_keys/marketplace", fresh["access_token"].(string), ""); st != 201 {
		t.Fatalf("refreshed token refused: %d", st)
	}
}

func TestAPIKeyOnePerOrgAndValidate(t *testing.T) {
	e := start(t, sandbox.Options{AutoApprove: true})
	_, out := e.token(e.exchangeForm(e.code(nil)), "application/x-www-form-urlencoded")
	at := out["access_token"].(string)
	if st, body := e.api("POST", "/api/v2/api_keys/marketplace", "", ""); st != 401 || body != `{"errors":["Unauthorized"]}` {
		t.Fatalf("no bearer: %d %s", st, body)
	}
	st, body := e.api("POST", "/api/v2/api_keys/marketplace", at, "")
	if st != 201 {
		t.Fatalf("create: %d %s", st, body)
	}
	var doc struct {
		Data struct {
			Type       string
			Attributes struct{ Key, Last4 string }
		}
	}
	json.Unmarshal([]byte(body), &doc)
	if doc.Data.Type != "api_keys" || len(doc.Data.Attributes.Key) != 32 || doc.Data.Attributes.Last4 != doc.Data.Attributes.Key[28:] {
		t.Fatalf("key document %s", body)
	}
	if st, _ := e.api("POST", "/api/v2/api_keys/marketplace", at, ""); st != 409 {
		t.Fatalf("second key: %d, want 409", st)
	}
	if st, body := e.api("GET", "/api/v1/validate", "", doc.Data.Attributes.Key); st != 200 || body != `{"valid":true}` {
		t.Fatalf("validate: %d %s", st, body)
	}
	if st, _ := e.api("GET", "/api/v1/validate", "", "0000"); st != 403 {
		t.Fatalf("validate bad key: %d", st)
	}
	state := e.sb.State()
	if len(state.APIKeys) != 1 || state.APIKeys[0].Last4 != doc.Data.Attributes.Last4 {
		t.Fatalf("state api keys %+v", state.APIKeys)
	}
	raw, _ := json.Marshal(state)
	if strings.Contains(string(raw), doc.Data.Attributes.Key) || strings.Contains(string(raw), at) || strings.Contains(string(raw), e.client.secret) {
		t.Fatal("the sandbox state leaks a secret value")
	}
}

func TestMissingScopeIsForbidden(t *testing.T) {
	e := start(t, sandbox.Options{AutoApprove: true})
	_, out := e.token(e.exchangeForm(e.code(func(q url.Values) { q.Set("scope", "dashboards_read") })), "application/x-www-form-urlencoded")
	if out["scope"] != "dashboards_read" {
		t.Fatalf("granted %v", out["scope"])
	}
	if st, body := e.api("POST", "/api/v2/api_keys/marketplace", out["access_token"].(string), ""); st != 403 || body != `{"errors":["Forbidden"]}` {
		t.Fatalf("without api_keys_write: %d %s", st, body)
	}
}

func TestRevoke(t *testing.T) {
	e := start(t, sandbox.Options{AutoApprove: true})
	_, out := e.token(e.exchangeForm(e.code(nil)), "application/x-www-form-urlencoded")
	revoke := func(tok string) int {
		f := url.Values{"client_id": {e.client.id}, "client_secret": {e.client.secret}, "token": {tok}, "token_type_hint": {"refresh_token"}}
		resp, err := http.PostForm(e.client.app+"/oauth2/v1/revoke", f)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if st := revoke("unknown-token"); st != 200 {
		t.Fatalf("unknown token: %d, want 200 (RFC 7009)", st)
	}
	if st := revoke(out["refresh_token"].(string)); st != 200 {
		t.Fatalf("revoke: %d", st)
	}
	if st, _ := e.api("POST", "/api/v2/api_keys/marketplace", out["access_token"].(string), ""); st != 403 {
		t.Fatalf("access token of a revoked refresh token still works: %d", st)
	}
}

func TestTestClientOnlyFromItsSandboxOrg(t *testing.T) {
	e := start(t, sandbox.Options{AutoApprove: true, LoginOrg: "customer"})
	status, loc, body := get(t, e.authorizeURL(nil))
	if status != 400 || loc != nil || !strings.Contains(body, "invalid_request - Invalid client_id parameter value") {
		t.Fatalf("customer org on a test client: %d %v %s", status, loc, body)
	}
	pub, err := e.sb.Publish("us1")
	if err != nil {
		t.Fatal(err)
	}
	if pub.ClientID == e.client.id || pub.ClientSecret == e.client.secret {
		t.Fatal("a published client must have its own credentials")
	}
	status, loc, _ = get(t, e.authorizeURL(func(q url.Values) { q.Set("client_id", pub.ClientID) }))
	if status != 302 || loc.Query().Get("code") == "" {
		t.Fatalf("published client from a customer org: %d %v", status, loc)
	}
}

func TestTestAuthorizationRedirectsToOnboarding(t *testing.T) {
	e := start(t, sandbox.Options{OnboardingURL: "https://partner.example/onboard?x=1"})
	c, _ := e.sb.Client("eu1", "test")
	status, loc, _ := get(t, c.TestAuthURL)
	if status != 302 || loc.Host != "partner.example" || loc.Query().Get("site") != "datadoghq.eu" || loc.Query().Get("x") != "1" {
		t.Fatalf("test authorization: %d %v", status, loc)
	}
}

func TestConsentPageDeny(t *testing.T) {
	e := start(t, sandbox.Options{})
	status, _, body := get(t, e.authorizeURL(nil))
	if status != 200 || !strings.Contains(body, `id="authorize"`) || !strings.Contains(body, "dashboards_read") {
		t.Fatalf("consent page: %d %s", status, body)
	}
	// What each scope opens, from Datadog's spec (12 operations of its v1
	// and v2 specs name dashboards_read, at v2.67.0).
	if want := "<code>dashboards_read</code> — 12 operations of the API, such as GET /api/v1/dashboard"; !strings.Contains(body, want) {
		t.Errorf("consent page lacks %q:\n%s", want, body)
	}
	i := strings.Index(body, `name="request" value="`)
	req := body[i+len(`name="request" value="`):]
	req = req[:strings.Index(req, `"`)]
	resp, err := noRedirect().PostForm(e.client.app+"/oauth2/v1/authorize/decision", url.Values{"request": {req}, "decision": {"deny"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := resp.Location()
	if resp.StatusCode != 302 || loc.Query().Get("error") != "access_denied" || loc.Query().Get("state") != "st-1" {
		t.Fatalf("deny: %d %v", resp.StatusCode, loc)
	}
}

func TestStartRejectsBadInput(t *testing.T) {
	for _, opts := range []sandbox.Options{{Sites: []string{"mars"}}, {LoginOrg: "boss"}} {
		if _, err := sandbox.Start(opts); err == nil {
			t.Errorf("%+v: want an error", opts)
		}
	}
	// A scope outside the spec's catalog is Datadog's authorize endpoint's
	// to judge, not the stand-in's to refuse (published clients hold some).
	sb, err := sandbox.Start(sandbox.Options{Sites: []string{"us1"}, Scopes: []string{"dashboards_read", "mcp_read"}})
	if err != nil {
		t.Fatalf("a client with a scope outside the catalog: %v", err)
	}
	sb.Close()
}

// Test Authorization sends domain and site to the onboarding URL, site
// naming the org's subdomain; a subdomain that is not one DNS label is
// refused when the sandbox starts; the region form names a site it runs.
func TestSiteParametersAndRegionChoice(t *testing.T) {
	for _, bad := range []string{"Custom", "a.b", "-x", "x_y"} {
		if sb, err := sandbox.Start(sandbox.Options{Sites: []string{"us1"}, OrgSubdomain: bad}); err == nil {
			sb.Close()
			t.Errorf("subdomain %q was accepted", bad)
		}
	}
	sb, err := sandbox.Start(sandbox.Options{Sites: []string{"us1", "eu1"}, OrgSubdomain: "customsub"})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	c, _ := sb.Client("eu1", "test")
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(c.TestAuthURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	onboarding, _ := url.Parse(resp.Header.Get("Location"))
	if q := onboarding.Query(); q.Get("site") != "customsub.datadoghq.eu" || q.Get("domain") != "datadoghq.eu" {
		t.Fatalf("onboarding URL %s", onboarding)
	}
	us1, _ := sb.Provider().Hosts("us1")
	eu1, _ := sb.Provider().Hosts("eu1")
	for region, want := range map[string]string{"eu1": eu1.AppURL + "/oauth2/v1/authorize?client_id=x", "mars": ""} {
		resp, err := noFollow.Get(us1.AppURL + "/oauth2/v1/authorize/region?" + url.Values{"region": {region}, "request": {"client_id=x"}}.Encode())
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("Location"); got != want {
			t.Errorf("region %s: redirected to %q, want %q", region, got, want)
		}
	}
}

// The GitHub stand-in takes its own token only, as GitHub takes only a
// valid one: none is a challenge, any other 401 "Bad credentials" — so a
// product that sent a user's real token to the stand-in fails.
func TestGitHubStandInTakesOnlyItsToken(t *testing.T) {
	sb, err := sandbox.Start(sandbox.Options{Sites: []string{"us1"}, GitHub: true})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	if d := sb.Discovery(); d.GitHubToken != sandbox.GitHubToken || d.GitHubURL == "" {
		t.Fatalf("the discovery names GitHub %q with token %q", d.GitHubURL, d.GitHubToken)
	}
	for _, tt := range []struct {
		name, path string
		auth       func(*http.Request)
		status     int
		message    string
	}{
		{"no credentials", "/user", func(*http.Request) {}, 401, "Requires authentication"},
		{"a user's own token", "/user", func(r *http.Request) { r.Header.Set("Authorization", "Bearer ghp_real-user-token") }, 401, "Bad credentials"},
		{"the stand-in's token", "/user", func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+sandbox.GitHubToken) }, 200, ""},
		{"its token, token scheme", "/user", func(r *http.Request) { r.Header.Set("Authorization", "token "+sandbox.GitHubToken) }, 200, ""},
		{"git with another password", "/DataDog/integrations-extras.git/info/refs?service=git-upload-pack", func(r *http.Request) { r.SetBasicAuth("x-access-token", "ghp_real") }, 401, "Bad credentials"},
		{"git with its token", "/DataDog/integrations-extras.git/info/refs?service=git-upload-pack", func(r *http.Request) { r.SetBasicAuth("x-access-token", sandbox.GitHubToken) }, 200, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", sb.GitHubURL()+tt.path, nil)
			tt.auth(req)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.status || !strings.Contains(string(b), tt.message) {
				t.Errorf("%d %s, want %d %q", resp.StatusCode, b, tt.status, tt.message)
			}
		})
	}
}
