package authorize_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oauthwiz/oauthwiz/flows/internal/authtest"

	"github.com/oauthwiz/oauthwiz/flows/devplatform"

	"golang.org/x/oauth2"

	"github.com/oauthwiz/oauthwiz/flows/authorize"
	"github.com/oauthwiz/oauthwiz/flows/datadog"
	"github.com/oauthwiz/oauthwiz/flows/sandbox"
)

func startSandbox(t testing.TB, opts sandbox.Options) (*sandbox.Server, devplatform.SeededClient) {
	t.Helper()
	if opts.Sites == nil {
		opts.Sites = []string{"us1", "eu1"}
	}
	sb, err := sandbox.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sb.Close)
	c, _ := sb.Client("us1", "test")
	return sb, c
}

// browser follows the URL the flow shows, like a user's browser would.
func browser(t testing.TB) func(string, string) {
	return func(u, _ string) {
		go func() {
			resp, err := http.Get(u)
			if err != nil {
				t.Errorf("browser: %v", err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}()
	}
}

func options(sb *sandbox.Server, c devplatform.SeededClient) authorize.Options {
	return authorize.Options{
		Provider: sb.Provider(), Site: "us1", ClientID: c.ClientID, ClientSecret: c.ClientSecret,
		RedirectURI: c.RedirectURIs[0], Scopes: []string{"api_keys_write", "dashboards_read"},
		Timeout: 10 * time.Second,
	}
}

func TestHeadlessFlowAgainstSandbox(t *testing.T) {
	sb, c := startSandbox(t, sandbox.Options{AutoApprove: true})
	opts := options(sb, c)
	var shown string
	open := browser(t)
	opts.OnURL = func(u, r string) { shown = u; open(u, r) }
	res, err := authtest.Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(shown)
	q := u.Query()
	if q.Get("code_challenge_method") != "S256" || len(q.Get("code_challenge")) != 43 || len(q.Get("state")) < 20 || q.Get("scope") != "api_keys_write dashboards_read" {
		t.Fatalf("authorize URL lacks PKCE S256, state or scope: %s", shown)
	}
	if res.Site != "us1" || res.Callback.OrgName != "Partner Sandbox (us1)" || res.Token.AccessToken == "" || res.Token.RefreshToken == "" {
		t.Fatalf("result %+v", res)
	}
	if len(res.ScopesMissing) != 0 || strings.Join(res.ScopesGranted, " ") != "api_keys_write dashboards_read" {
		t.Fatalf("scopes granted %v missing %v", res.ScopesGranted, res.ScopesMissing)
	}
	if d := time.Until(res.Token.Expiry); d < 59*time.Minute || d > 61*time.Minute {
		t.Fatalf("expiry in %s, want about 1 h", d)
	}
}

func TestStartFromTestAuthorization(t *testing.T) {
	// The onboarding URL and the redirect URI share a fixed loopback port, as
	// the Developer Platform requires them registered.
	port := freePort(t)
	redirect := "http://127.0.0.1:" + port + "/oauth/callback"
	sb, _ := startSandbox(t, sandbox.Options{AutoApprove: true, RedirectURIs: []string{redirect}, OnboardingURL: "http://127.0.0.1:" + port + "/oauth/onboarding"})
	c, _ := sb.Client("eu1", "test")
	opts := options(sb, c)
	opts.Site = "us1" // the onboarding hop decides: the link is eu1's
	opts.RedirectURI = redirect
	opts.StartURL, opts.OnboardingURL = c.TestAuthURL, c.OnboardingURL
	opts.OnURL = browser(t)
	res, err := authtest.Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if res.Site != "eu1" || res.Callback.OrgName != "Partner Sandbox (eu1)" {
		t.Fatalf("result site %s org %s", res.Site, res.Callback.OrgName)
	}
}

func TestFlowFailures(t *testing.T) {
	tests := []struct {
		name     string
		sbOpts   sandbox.Options
		mod      func(*authorize.Options)
		act      func(t *testing.T, authURL string)
		wantStep authorize.Step
		wantText string
	}{
		{
			name:   "denied consent",
			sbOpts: sandbox.Options{},
			act: func(t *testing.T, authURL string) {
				resp, err := http.Get(authURL)
				if err != nil {
					t.Error(err)
					return
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				body := string(b)
				i := strings.Index(body, `name="request" value="`) + len(`name="request" value="`)
				req := body[i : i+strings.Index(body[i:], `"`)]
				base, _ := url.Parse(authURL)
				base.Path, base.RawQuery = "/oauth2/v1/authorize/decision", ""
				http.PostForm(base.String(), url.Values{"request": {req}, "decision": {"deny"}})
			},
			wantStep: "consent", wantText: "access_denied",
		},
		{
			name:     "timeout",
			sbOpts:   sandbox.Options{AutoApprove: true},
			mod:      func(o *authorize.Options) { o.Timeout = 300 * time.Millisecond },
			act:      func(t *testing.T, authURL string) {},
			wantStep: "timeout", wantText: "no callback reached",
		},
		{
			name:     "wrong secret",
			sbOpts:   sandbox.Options{AutoApprove: true},
			mod:      func(o *authorize.Options) { o.ClientSecret = "wrong" },
			act:      func(t *testing.T, u string) { browser(t)(u, "") },
			wantStep: "token", wantText: "invalid_client",
		},
		{
			name:     "non-loopback redirect",
			sbOpts:   sandbox.Options{AutoApprove: true},
			mod:      func(o *authorize.Options) { o.RedirectURI = "http://192.0.2.1:8000/cb" },
			act:      func(t *testing.T, u string) {},
			wantStep: "listen", wantText: "is not on this machine: paste the address the browser lands on", // without anything pasted
		},
		{
			name:   "callback naming an unknown site",
			sbOpts: sandbox.Options{AutoApprove: true},
			mod:    func(o *authorize.Options) {},
			act: func(t *testing.T, authURL string) {
				u, _ := url.Parse(authURL)
				http.Get(u.Query().Get("redirect_uri") + "?code=abc&site=evil.example&state=" + u.Query().Get("state"))
			},
			wantStep: "callback", wantText: `names site "evil.example", which is not a known site`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sb, c := startSandbox(t, tt.sbOpts)
			opts := options(sb, c)
			if tt.mod != nil {
				tt.mod(&opts)
			}
			opts.OnURL = func(u, _ string) { go tt.act(t, u) }
			_, err := authtest.Run(context.Background(), opts)
			var ae *authorize.Error
			if !errors.As(err, &ae) || ae.Step != tt.wantStep || !strings.Contains(err.Error(), tt.wantText) {
				t.Fatalf("got %v (%#v), want step %s with %q", err, ae, tt.wantStep, tt.wantText)
			}
		})
	}
}

// A callback that is not this attempt's — wrong or missing state, or sent
// to another Host name (DNS rebinding) — gets an error page and leaves the
// wait going; the real callback then completes the authorization.
func TestForeignCallbacksDoNotEndTheWait(t *testing.T) {
	sb, c := startSandbox(t, sandbox.Options{AutoApprove: true})
	opts := options(sb, c)
	var mu sync.Mutex
	var ignored []string
	opts.OnIgnored = func(r string) { mu.Lock(); ignored = append(ignored, r); mu.Unlock() }
	statuses := make(chan int, 3)
	opts.OnURL = func(authURL, redirect string) {
		go func() {
			u, _ := url.Parse(authURL)
			state := u.Query().Get("state")
			for _, req := range []struct{ url, host string }{
				{redirect + "?code=forged&state=not-this-one", ""},
				{redirect + "?code=forged", ""},
				{redirect + "?code=forged&state=" + state, "evil.example:" + u.Port()},
			} {
				r, _ := http.NewRequest("GET", req.url, nil)
				if req.host != "" {
					r.Host = req.host
				}
				resp, err := http.DefaultClient.Do(r)
				if err != nil {
					t.Error(err)
					return
				}
				resp.Body.Close()
				statuses <- resp.StatusCode
			}
			browser(t)(authURL, "")
		}()
	}
	res, err := authtest.Run(context.Background(), opts)
	if err != nil || res.Token.AccessToken == "" {
		t.Fatalf("the real callback after the foreign ones: %v", err)
	}
	for i := 0; i < 3; i++ {
		if st := <-statuses; st < 400 {
			t.Errorf("a foreign callback was answered %d", st)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(ignored) != 3 || !strings.Contains(ignored[0], "state") || !strings.Contains(ignored[2], "evil.example") {
		t.Fatalf("ignored: %q", ignored)
	}
}

// Redirect URIs that made the listener panic (no path, a space or "{" in
// the path) are served, or refused with what is wrong with them.
func TestRedirectURIShapes(t *testing.T) {
	sb, c := startSandbox(t, sandbox.Options{AutoApprove: true})
	for _, tt := range []struct {
		name, path string
		wantStep   authorize.Step
		wantText   string
	}{
		{"no path", "", "token", ""},
		{"escaped space", "/oauth%20callback", "token", ""},
		{"brace", "/{callback}", "listen", "not allowed in a URI"},
		{"fragment", "/cb#x", "listen", "fragment"},
		{"bad escape", "/cb%2", "listen", "percent-escape"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			opts := options(sb, c)
			opts.RedirectURI = "http://127.0.0.1:" + freePort(t) + tt.path
			opts.Timeout = 5 * time.Second
			opts.OnURL = func(authURL, redirect string) {
				go func() { // the callback as a browser would send it to this URI
					u, _ := url.Parse(authURL)
					resp, err := http.Get(redirect + "?code=unknown-code&state=" + u.Query().Get("state"))
					if err == nil {
						resp.Body.Close()
					}
				}()
			}
			_, err := authtest.Run(context.Background(), opts)
			var ae *authorize.Error
			if !errors.As(err, &ae) || ae.Step != tt.wantStep || !strings.Contains(err.Error(), tt.wantText) {
				t.Fatalf("got %v, want step %s with %q", err, tt.wantStep, tt.wantText)
			}
		})
	}
}

// Text from the authorize endpoint and the token endpoint reaches the
// terminal without its escape sequences.
func TestRemoteTextIsMadeSafe(t *testing.T) {
	sb, c := startSandbox(t, sandbox.Options{AutoApprove: true})
	opts := options(sb, c)
	opts.OnURL = func(authURL, redirect string) {
		go func() {
			u, _ := url.Parse(authURL)
			q := url.Values{"error": {"access_denied\x1b]0;pwned\x07"}, "error_description": {"no\x1b[2J\x1b[Hway\nfake prompt$ "}, "state": {u.Query().Get("state")}}
			resp, err := http.Get(redirect + "?" + q.Encode())
			if err == nil {
				resp.Body.Close()
			}
		}()
	}
	_, err := authtest.Run(context.Background(), opts)
	if err == nil || strings.ContainsAny(err.Error(), "\x1b\x07\n") || !strings.Contains(err.Error(), "access_denied - noway fake prompt$") {
		t.Fatalf("got %q", err)
	}
	tokenErr := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(400)
		w.Write([]byte(`{"error":"invalid_grant","error_description":"bad\u001b]52;c;ZXZpbA==\u0007 code"}`))
	}))
	defer tokenErr.Close()
	_, err = authorize.Refresh(context.Background(), authorize.Options{Provider: fixedEndpoints{tokenErr.URL}, ClientID: "x", ClientSecret: "y"}, "rt")
	if err == nil || strings.ContainsAny(err.Error(), "\x1b\x07") || !strings.Contains(err.Error(), "invalid_grant - bad code") {
		t.Fatalf("token endpoint error: %q", err)
	}
}

// fixedEndpoints is a provider whose every site has the same token URL.
type fixedEndpoints struct{ token string }

func (f fixedEndpoints) Endpoints(string) (authorize.Endpoints, error) {
	return authorize.Endpoints{TokenURL: f.token, RevokeURL: f.token}, nil
}
func (fixedEndpoints) SiteFromParam(p string) (string, error) { return p, nil }
func (fixedEndpoints) ScopeParam(s []string) string           { return strings.Join(s, " ") }
func (fixedEndpoints) SplitScopes(s string) []string          { return strings.Fields(s) }

func TestPastedCallbackOverSSH(t *testing.T) {
	sb, c := startSandbox(t, sandbox.Options{AutoApprove: true})
	opts := options(sb, c)
	pasted := make(chan string, 2)
	opts.Pasted = pasted
	opts.OnURL = func(authURL, _ string) {
		go func() {
			// The browser is on another machine: it gets the redirect but cannot
			// reach our listener; the user pastes the address bar instead.
			resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Get(authURL)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			pasted <- "not a url at all"
			pasted <- resp.Header.Get("Location")
		}()
	}
	res, err := authtest.Run(context.Background(), opts)
	if err != nil || res.Token.AccessToken == "" {
		t.Fatalf("pasted callback: %v", err)
	}
}

func TestOnlyOneCallbackIsServed(t *testing.T) {
	sb, c := startSandbox(t, sandbox.Options{AutoApprove: true})
	opts := options(sb, c)
	var redirect string
	open := browser(t)
	opts.OnURL = func(u, r string) { redirect = r; open(u, r) }
	if _, err := authtest.Run(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get(redirect + "?code=x&state=y"); err == nil {
		t.Fatal("the listener still answers after its callback")
	}
}

func TestRefreshAndRevoke(t *testing.T) {
	sb, c := startSandbox(t, sandbox.Options{AutoApprove: true})
	opts := options(sb, c)
	opts.OnURL = browser(t)
	res, err := authtest.Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := authorize.Refresh(context.Background(), opts, res.Token.RefreshToken)
	if err != nil || tok.AccessToken == res.Token.AccessToken || tok.RefreshToken != res.Token.RefreshToken {
		t.Fatalf("refresh: %v %+v", err, tok)
	}
	if err := authorize.Revoke(context.Background(), opts, res.Token.RefreshToken, "refresh_token"); err != nil {
		t.Fatal(err)
	}
	if _, err := authorize.Refresh(context.Background(), opts, res.Token.RefreshToken); err == nil || !strings.Contains(err.Error(), "invalid_grant") {
		t.Fatalf("refresh after revoke: %v", err)
	}
}

// TestInteropWithPlainOAuth2Client drives the sandbox with golang.org/x/oauth2
// alone (client secret in HTTP Basic, unlike oauthwiz), to show the sandbox
// speaks standard OAuth 2.0 + PKCE rather than oauthwiz's dialect.
func TestInteropWithPlainOAuth2Client(t *testing.T) {
	sb, c := startSandbox(t, sandbox.Options{AutoApprove: true})
	hosts := sb.Discovery().Sites["us1"]
	cfg := oauth2.Config{
		ClientID: c.ClientID, ClientSecret: c.ClientSecret, RedirectURL: c.RedirectURIs[0],
		Scopes:   []string{"dashboards_read"},
		Endpoint: oauth2.Endpoint{AuthURL: hosts.AppURL + "/oauth2/v1/authorize", TokenURL: hosts.APIURL + "/oauth2/v1/token", AuthStyle: oauth2.AuthStyleInHeader},
	}
	v := oauth2.GenerateVerifier()
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Get(cfg.AuthCodeURL("s", oauth2.S256ChallengeOption(v)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := resp.Location()
	if loc == nil || loc.Query().Get("state") != "s" {
		t.Fatalf("authorize: %s %v", resp.Status, loc)
	}
	tok, err := cfg.Exchange(context.Background(), loc.Query().Get("code"), oauth2.VerifierOption(v))
	if err != nil {
		t.Fatal(err)
	}
	if tok.Extra("scope") != "dashboards_read" || !tok.Valid() {
		t.Fatalf("token %+v", tok)
	}
}

func FuzzParseCallback(f *testing.F) {
	for _, s := range []string{
		"http://127.0.0.1:8000/oauth/callback?code=abc&state=xyz&domain=datadoghq.eu&dd_oid=1&dd_org_name=Org",
		"?error=access_denied&state=s",
		"code=1",
		"/cb?%zz",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		cb, err := authorize.ParseCallback(s)
		if err == nil && cb.Code == "" && cb.Error == "" {
			t.Fatalf("%q parsed to an empty callback", s)
		}
	})
}

// FuzzTokenResponse feeds arbitrary token endpoint answers (status, content
// type, body) to the refresh grant: it must never panic, a success must carry
// an access token and a refresh token, and a failure must name the endpoint.
func FuzzTokenResponse(f *testing.F) {
	for _, seed := range []struct {
		status int
		form   bool
		body   string
	}{
		{200, false, `{"access_token":"a","token_type":"bearer","expires_in":3600,"refresh_token":"r","scope":"dashboards_read"}`},
		{200, false, `{"access_token":"a","expires_in":"3600"}`},
		{200, true, `access_token=a&token_type=bearer&expires_in=3600&scope=x+y`},
		{400, false, `{"error":"invalid_grant","error_description":"Invalid code or code verifier"}`},
		{200, false, `{"access_token":""}`},
		{500, false, `<html>oops</html>`},
		{200, false, `{"access_token":"a","expires_in":1e309}`},
	} {
		f.Add(seed.status, seed.form, seed.body)
	}
	var mu sync.Mutex
	var status int
	var form bool
	var body string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if form {
			w.Header().Set("Content-Type", "application/x-www-form-urlencoded")
		} else {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(status)
		io.WriteString(w, body)
	}))
	defer srv.Close()
	p := &datadog.Provider{Overrides: map[string]datadog.Hosts{"us1": {AppURL: srv.URL, APIURL: srv.URL}}}
	f.Fuzz(func(t *testing.T, st int, isForm bool, b string) {
		if st < 200 || st > 599 {
			st = 200 + (st%400+400)%400
		}
		mu.Lock()
		status, form, body = st, isForm, b
		mu.Unlock()
		tok, err := authorize.Refresh(context.Background(), authorize.Options{Provider: p, Site: "us1", ClientID: "c", ClientSecret: "s"}, "old-refresh")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "POST "+srv.URL+"/oauth2/v1/token") {
				t.Fatalf("the error does not name the endpoint: %v", err)
			}
			return
		}
		if tok.AccessToken == "" || tok.RefreshToken == "" {
			t.Fatalf("a success without tokens: %+v from %d %q", tok, st, b)
		}
	})
}

// Paste-back with the client's own https redirect URI: no listener; the
// browser lands on the partner's page, and the address it shows is pasted.
func TestPasteBackWithTheClientsRedirectURI(t *testing.T) {
	sb, c := startSandbox(t, sandbox.Options{AutoApprove: true, RedirectURIs: []string{"https://acme.example/oauth/callback"}})
	opts := options(sb, c)
	opts.RedirectURI = "https://acme.example/oauth/callback"
	pasted := make(chan string, 1)
	opts.Pasted = pasted
	// The browser: it follows the authorize page's redirect no further than
	// the partner's address, which is what a person copies.
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	opts.OnURL = func(u, redirect string) {
		if redirect != "https://acme.example/oauth/callback" {
			t.Errorf("redirect URI sent: %s", redirect)
		}
		go func() {
			resp, err := noFollow.Get(u)
			if err != nil {
				t.Errorf("browser: %v", err)
				return
			}
			resp.Body.Close()
			pasted <- resp.Header.Get("Location")
		}()
	}
	res, err := authtest.Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if res.Token.AccessToken == "" || res.RedirectURI != "https://acme.example/oauth/callback" {
		t.Fatalf("result %+v", res)
	}
	// Without anybody to paste, an https redirect URI cannot be waited on.
	opts.Pasted, opts.OnURL = nil, nil
	if _, err := authtest.Run(context.Background(), opts); err == nil || !strings.Contains(err.Error(), "paste the address the browser lands on") {
		t.Fatalf("no paste: %v", err)
	}
}

func TestPasteBackDetection(t *testing.T) {
	for uri, want := range map[string]bool{
		"https://acme.example/cb":              true,
		"http://acme.example/cb":               true,
		"https://127.0.0.1:8443/cb":            true,
		"http://127.0.0.1:8765/oauth/callback": false,
		"http://localhost/cb":                  false,
		"http://[::1]:9000/cb":                 false,
		"not a uri":                            false,
	} {
		if got := authorize.PasteBack(uri); got != want {
			t.Errorf("%s: %v, want %v", uri, got, want)
		}
	}
}

// The person starts on US1 and picks their org's region on Datadog's page:
// the callback names that site (with the org's subdomain in site), and the
// code is exchanged at that site's token endpoint.
func TestRegionChosenOnDatadogsPage(t *testing.T) {
	sb, _ := startSandbox(t, sandbox.Options{AutoApprove: true, LoginOrg: "customer", OrgSubdomain: "customsub"})
	pub, err := sb.Publish("us1") // the app's client, on every site
	if err != nil {
		t.Fatal(err)
	}
	opts := options(sb, pub)
	var landed url.Values
	opts.OnURL = func(authURL, _ string) {
		go func() {
			// The browser picks eu1 in the consent page's region form.
			u, _ := url.Parse(authURL)
			region := u.Scheme + "://" + u.Host + "/oauth2/v1/authorize/region?" + url.Values{"region": {"eu1"}, "request": {u.RawQuery}}.Encode()
			c := &http.Client{CheckRedirect: func(r *http.Request, _ []*http.Request) error {
				if r.URL.Path == "/oauth/callback" {
					landed = r.URL.Query()
				}
				return nil
			}}
			resp, err := c.Get(region)
			if err != nil {
				t.Errorf("browser: %v", err)
				return
			}
			resp.Body.Close()
		}()
	}
	res, err := authtest.Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if res.Site != "eu1" || res.Callback.OrgName != "Customer Org (eu1)" {
		t.Fatalf("result site %s, org %q", res.Site, res.Callback.OrgName)
	}
	if landed.Get("site") != "customsub.datadoghq.eu" || landed.Get("domain") != "datadoghq.eu" {
		t.Fatalf("callback parameters %v", landed)
	}
	// The token works on eu1's API, and not on us1's.
	eu1, _ := sb.Provider().Hosts("eu1")
	us1, _ := sb.Provider().Hosts("us1")
	for host, want := range map[string]int{eu1.APIURL: http.StatusOK, us1.APIURL: http.StatusForbidden} {
		req, _ := http.NewRequest("GET", host+"/api/v1/dashboard", nil)
		req.Header.Set("Authorization", "Bearer "+res.Token.AccessToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want && !(want == http.StatusForbidden && resp.StatusCode == http.StatusUnauthorized) {
			t.Errorf("GET %s/api/v1/dashboard with the token: %d, want %d", host, resp.StatusCode, want)
		}
	}
}
