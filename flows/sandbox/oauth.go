package sandbox

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/oauthwiz/oauthwiz/assets"
)

// The texts Datadog shows for these failures (as the OAuth troubleshooting docs quote them); the error page
// carries them verbatim and never redirects.
const (
	errInvalidClientID = "invalid_request - Invalid client_id parameter value"
	errMismatchRedir   = "invalid_request - Mismatching redirect URI"
	errCodeOrVerifier  = "Invalid code or code verifier"
)

var challengeRE = regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`)

func (s *Server) siteHandler(site datadogSite) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /apps", func(w http.ResponseWriter, r *http.Request) { s.appsPage(w, site) })
	mux.HandleFunc("GET /organization-settings/api-keys", func(w http.ResponseWriter, r *http.Request) { s.apiKeysPage(w, r, site) })
	mux.HandleFunc("POST /organization-settings/api-keys/revoke", func(w http.ResponseWriter, r *http.Request) { s.revokeAPIKeyPage(w, r, site) })
	mux.HandleFunc("GET /apps/export", func(w http.ResponseWriter, r *http.Request) { s.exportManifest(w, r, site) })
	mux.HandleFunc("POST /apps/import", func(w http.ResponseWriter, r *http.Request) { s.importManifest(w, r, site) })
	mux.HandleFunc("POST /apps/publish", func(w http.ResponseWriter, r *http.Request) { s.publishApp(w, r, site) })
	mux.HandleFunc("GET /apps/test-authorization", func(w http.ResponseWriter, r *http.Request) { s.testAuthorization(w, r, site) })
	mux.HandleFunc("GET /oauth2/v1/authorize", func(w http.ResponseWriter, r *http.Request) { s.authorize(w, r, site) })
	mux.HandleFunc("POST /oauth2/v1/authorize/decision", func(w http.ResponseWriter, r *http.Request) { s.decision(w, r, site) })
	mux.HandleFunc("GET /oauth2/v1/authorize/region", func(w http.ResponseWriter, r *http.Request) { s.switchRegion(w, r, site) })
	mux.HandleFunc("POST /oauth2/v1/token", func(w http.ResponseWriter, r *http.Request) { s.tokenEndpoint(w, r, site) })
	mux.HandleFunc("POST /oauth2/v1/revoke", func(w http.ResponseWriter, r *http.Request) { s.revoke(w, r, site) })
	mux.HandleFunc("POST /api/v2/api_keys/marketplace", func(w http.ResponseWriter, r *http.Request) { s.createAPIKey(w, r, site) })
	mux.HandleFunc("GET /api/v1/validate", func(w http.ResponseWriter, r *http.Request) { s.validate(w, r, site) })
	s.registerDatadogAPI(mux, site)
	return s.apiMiddleware(site, mux)
}

var pageTmpl = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}} · Datadog sandbox ({{.Site}})</title>
<style>body{font-family:sans-serif;max-width:36em;margin:3em auto;color:#222}button{font-size:1em;padding:.5em 1.5em;margin-right:1em}
.err{color:#a00;font-family:monospace}li{margin:.3em 0}</style></head><body>
<p><small>oauthwiz sandbox · site {{.Site}} ({{.Param}})</small></p>
<h1>{{.Title}}</h1>
{{if .Error}}<p class="err" id="error">{{.Error}}</p>{{end}}
{{if .Consent}}
<p><b>{{.ClientName}}</b> asks for access to your Datadog organization.</p>
<form method="post" action="/oauth2/v1/authorize/decision">
<input type="hidden" name="request" value="{{.Request}}">
<p><label>Signed in to <select name="org" id="org">{{range .Orgs}}<option value="{{.ID}}"{{if .Selected}} selected{{end}}>{{.Name}}</option>{{end}}</select></label></p>
<p>It will be able to:</p><ul id="scopes">{{range .Scopes}}<li><code>{{.Name}}</code> — {{.Reach}}</li>{{end}}</ul>
<button type="submit" name="decision" value="authorize" id="authorize">Authorize</button>
<button type="submit" name="decision" value="deny" id="deny">Deny</button>
</form>
<form method="get" action="/oauth2/v1/authorize/region">
<input type="hidden" name="request" value="{{.Query}}">
<p><label>Your organization is in another region? <select name="region" id="region">{{range .Regions}}<option value="{{.ID}}"{{if .Selected}} selected{{end}}>{{.ID}} ({{.Param}})</option>{{end}}</select></label>
<button type="submit" id="switch-region">Continue there</button></p>
</form>{{end}}
{{if .Clients}}<ul>{{range .Clients}}<li>{{.Kind}} client <code>{{.ID}}</code> — scopes {{.Scopes}}</li>{{end}}</ul>{{end}}
</body></html>`))

type regionOption struct {
	ID, Param string
	Selected  bool
}

type orgOption struct {
	ID, Name string
	Selected bool
}

type pageData struct {
	Title, Site, Param, Error string
	Consent                   bool
	ClientName, Request       string
	Orgs                      []orgOption
	Regions                   []regionOption
	Query                     string // the authorize request's, carried to another region
	Scopes                    []consentScope
	Clients                   []StateClient
}

// consentScope is a line of the consent page's scope list.
type consentScope struct{ Name, Reach string }

// scopeReach says what a scope opens, from Datadog's spec alone (never
// from oauthwiz's descriptions): how many operations accept it and the
// first of them in the spec's order, e.g. "3 operations of the API, such as GET /api/v1/monitor".
// Datadog's own consent page shows its own description of each scope; the
// stand-in does not copy those sentences.
func scopeReach(api *assets.API, scope string) string {
	var ops []string
	for _, op := range api.Operations {
		for _, alt := range op.Scopes {
			if slices.Contains(alt, scope) {
				ops = append(ops, op.Method+" "+op.Path)
				break
			}
		}
	}
	switch len(ops) {
	case 0:
		return "no operation of the API asks for it"
	case 1:
		return "1 operation of the API: " + ops[0]
	}
	return fmt.Sprintf("%d operations of the API, such as %s", len(ops), ops[0])
}

func (s *Server) page(w http.ResponseWriter, status int, site datadogSite, d pageData) {
	d.Site, d.Param = site.ID, site.Param
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	w.WriteHeader(status)
	pageTmpl.Execute(w, d)
}

func (s *Server) errorPage(w http.ResponseWriter, site datadogSite, msg string) {
	s.page(w, http.StatusBadRequest, site, pageData{Title: "Authorization error", Error: msg})
}

func (s *Server) appsPage(w http.ResponseWriter, site datadogSite) {
	var cs []StateClient
	for _, c := range s.State().Clients {
		if c.Site == site.ID {
			cs = append(cs, c)
		}
	}
	s.page(w, http.StatusOK, site, pageData{Title: "Developer Platform", Clients: cs})
}

// testAuthorization is the Developer Platform's Test Authorization link: it
// sends the browser to the client's onboarding URL with the site parameter.
func (s *Server) testAuthorization(w http.ResponseWriter, r *http.Request, site datadogSite) {
	s.mu.Lock()
	c := s.findClient(r.URL.Query().Get("client_id"), site.ID)
	s.mu.Unlock()
	if c == nil {
		s.errorPage(w, site, errInvalidClientID)
		return
	}
	u, err := url.Parse(c.OnboardingURL)
	if err != nil {
		s.errorPage(w, site, "the client's onboarding URL does not parse")
		return
	}
	q := u.Query()
	for k, v := range s.siteParams(site) {
		q[k] = v
	}
	u.RawQuery = q.Encode()
	http.Redirect(w, r, u.String(), http.StatusFound)
}

func redirectWith(w http.ResponseWriter, r *http.Request, redirectURI string, params url.Values) {
	u, _ := url.Parse(redirectURI)
	q := u.Query()
	for k, v := range params {
		q[k] = v
	}
	u.RawQuery = q.Encode()
	http.Redirect(w, r, u.String(), http.StatusFound)
}

func (s *Server) authorize(w http.ResponseWriter, r *http.Request, site datadogSite) {
	q := r.URL.Query()
	s.mu.Lock()
	c := s.findClient(q.Get("client_id"), site.ID)
	s.mu.Unlock()
	// Until the client and redirect URI are known good, nothing redirects.
	if c == nil {
		s.errorPage(w, site, errInvalidClientID)
		return
	}
	redirectURI := q.Get("redirect_uri")
	if redirectURI == "" || !c.redirectAllowed(redirectURI) {
		s.errorPage(w, site, errMismatchRedir)
		return
	}
	state := q.Get("state")
	fail := failTo(w, r, redirectURI, state)
	if !checkCodeRequest(q, fail) {
		return
	}
	// Assumptions: Datadog's endpoint reference lists no scope parameter
	// (scopes are set on the client; its own CLI sends one), and no source
	// documents invalid_scope. The stand-in takes the parameter as a subset
	// of the client's scopes and refuses the rest with invalid_scope.
	scopes := strings.Fields(q.Get("scope"))
	if len(scopes) == 0 {
		scopes = c.Scopes
	}
	for _, sc := range scopes {
		if !slices.Contains(c.Scopes, sc) {
			fail("invalid_scope", fmt.Sprintf("scope %q is not requested by this client", sc))
			return
		}
	}
	login := "partner-sandbox"
	if s.opts.LoginOrg == "customer" || c.Kind == "published" {
		// A published client is re-tested from an org that is not the
		// partner's sandbox, as the publishing docs ask.
		login = "customer"
	}
	s.mu.Lock()
	loginOrg := s.orgOf(site.ID, login)
	reqID := randomHex(16)
	s.pending[reqID] = &pendingRequest{clientID: c.ID, redirectURI: redirectURI, state: state, challenge: q.Get("code_challenge"), scopes: scopes, site: site.ID, expires: s.opts.Now().Add(10 * time.Minute)}
	s.mu.Unlock()
	if s.opts.AutoApprove {
		s.approve(w, r, site, reqID, loginOrg.ID)
		return
	}
	d := pageData{Title: "Authorize " + c.Name, Consent: true, ClientName: c.Name, Request: reqID, Query: r.URL.RawQuery}
	for _, id := range s.order {
		d.Regions = append(d.Regions, regionOption{ID: id, Param: s.sites[id].site.Param, Selected: id == site.ID})
	}
	s.mu.Lock()
	for _, o := range s.orgs {
		if o.Site == site.ID {
			d.Orgs = append(d.Orgs, orgOption{ID: o.ID, Name: o.Name, Selected: o.ID == loginOrg.ID})
		}
	}
	s.mu.Unlock()
	api := assets.DatadogAPI()
	for _, sc := range scopes {
		d.Scopes = append(d.Scopes, consentScope{Name: sc, Reach: scopeReach(&api, sc)})
	}
	s.page(w, http.StatusOK, site, d)
}

// switchRegion is the consent page's region choice: the same authorize
// request, sent to the chosen site (Datadog's docs advise starting on US1
// and letting the person pick their region there).
func (s *Server) switchRegion(w http.ResponseWriter, r *http.Request, site datadogSite) {
	target, ok := s.sites[r.URL.Query().Get("region")]
	if !ok {
		s.errorPage(w, site, "this sandbox does not run that region")
		return
	}
	q, err := url.ParseQuery(r.URL.Query().Get("request"))
	if err != nil || q.Get("client_id") == "" {
		s.errorPage(w, site, "the authorization request to carry over is missing: start the authorization again")
		return
	}
	http.Redirect(w, r, target.url+"/oauth2/v1/authorize?"+q.Encode(), http.StatusFound)
}

func (s *Server) decision(w http.ResponseWriter, r *http.Request, site datadogSite) {
	if err := r.ParseForm(); err != nil {
		s.errorPage(w, site, "the consent form could not be read")
		return
	}
	reqID := r.PostForm.Get("request")
	if r.PostForm.Get("decision") != "authorize" {
		s.mu.Lock()
		p := s.pending[reqID]
		delete(s.pending, reqID)
		s.mu.Unlock()
		if p == nil {
			s.errorPage(w, site, "this consent page has expired: start the authorization again")
			return
		}
		params := url.Values{"error": {"access_denied"}, "error_description": {"The user denied the request"}}
		if p.state != "" {
			params.Set("state", p.state)
		}
		redirectWith(w, r, p.redirectURI, params)
		return
	}
	s.approve(w, r, site, reqID, r.PostForm.Get("org"))
}

// approve issues a code for a pending request on behalf of an org, enforcing
// that a test client is authorized only from its own sandbox org.
func (s *Server) approve(w http.ResponseWriter, r *http.Request, site datadogSite, reqID, orgID string) {
	s.mu.Lock()
	p := s.pending[reqID]
	delete(s.pending, reqID)
	var c *client
	var o *org
	if p != nil {
		c = s.findClient(p.clientID, site.ID)
		o = s.orgByID(orgID)
	}
	s.mu.Unlock()
	if p == nil || c == nil || s.opts.Now().After(p.expires) {
		s.errorPage(w, site, "this consent page has expired: start the authorization again")
		return
	}
	if o == nil || o.Site != site.ID {
		s.errorPage(w, site, "unknown organization")
		return
	}
	if c.Kind == "test" && o.ID != c.OwnerOrg {
		// Before publication only members of the creating sandbox org can authorize.
		s.errorPage(w, site, errInvalidClientID)
		return
	}
	code := randomHex(20)
	s.mu.Lock()
	s.codes[code] = &authCode{clientID: c.ID, redirectURI: p.redirectURI, challenge: p.challenge, orgID: o.ID, site: site.ID, scopes: p.scopes, expires: s.opts.Now().Add(s.opts.CodeTTL)}
	s.mu.Unlock()
	params := s.siteParams(site)
	params.Set("code", code)
	params.Set("dd_oid", o.ID)
	params.Set("dd_org_name", o.Name)
	if p.state != "" {
		params.Set("state", p.state)
	}
	redirectWith(w, r, p.redirectURI, params)
}

// failTo answers an authorize request with an error redirect (the client and
// the redirect URI being known good by then).
func failTo(w http.ResponseWriter, r *http.Request, redirectURI, state string) func(code, desc string) {
	return func(code, desc string) {
		p := url.Values{"error": {code}, "error_description": {desc}}
		if state != "" {
			p.Set("state", state)
		}
		redirectWith(w, r, redirectURI, p)
	}
}

// checkCodeRequest enforces the authorization code flow with PKCE S256, as
// both stand-ins do; false means fail was called.
func checkCodeRequest(q url.Values, fail func(code, desc string)) bool {
	switch {
	case q.Get("response_type") != "code":
		fail("unsupported_response_type", "response_type must be code")
	case q.Get("code_challenge_method") != "S256":
		fail("invalid_request", "code_challenge_method must be S256 (PKCE)")
	case !challengeRE.MatchString(q.Get("code_challenge")):
		fail("invalid_request", "code_challenge must be the 43-character base64url SHA-256 of the code verifier")
	default:
		return true
	}
	return false
}

func oauthError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, map[string]string{"error": code, "error_description": desc})
}

// readTokenForm reads a form or JSON body; anything else is the documented
// "Invalid code or code verifier" (Datadog fails the PKCE check on it).
func readTokenForm(r *http.Request) (url.Values, bool) {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mt {
	case "application/x-www-form-urlencoded":
		if err := r.ParseForm(); err != nil {
			return nil, false
		}
		return r.PostForm, true
	case "application/json":
		var m map[string]any
		if err := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 1<<16)).Decode(&m); err != nil {
			return nil, false
		}
		v := url.Values{}
		for k, x := range m {
			if s, ok := x.(string); ok {
				v.Set(k, s)
			}
		}
		return v, true
	}
	return nil, false
}

// clientAuth finds the confidential client from HTTP Basic or the body.
func (s *Server) clientAuth(r *http.Request, form url.Values, site datadogSite) (*client, string) {
	id, secret, basic := r.BasicAuth()
	if basic {
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
	} else {
		id, secret = form.Get("client_id"), form.Get("client_secret")
	}
	if id == "" {
		return nil, "client_id is required"
	}
	if secret == "" {
		return nil, "client authentication failed: this client is confidential and client_secret is required"
	}
	s.mu.Lock()
	c := s.findClient(id, site.ID)
	s.mu.Unlock()
	if c == nil || subtle.ConstantTimeCompare([]byte(c.Secret), []byte(secret)) != 1 {
		return nil, "client authentication failed"
	}
	return c, ""
}

func (s *Server) tokenEndpoint(w http.ResponseWriter, r *http.Request, site datadogSite) {
	form, ok := readTokenForm(r)
	if !ok {
		oauthError(w, http.StatusBadRequest, "invalid_grant", errCodeOrVerifier)
		return
	}
	c, why := s.clientAuth(r, form, site)
	if c == nil {
		oauthError(w, http.StatusUnauthorized, "invalid_client", why)
		return
	}
	switch form.Get("grant_type") {
	case "authorization_code":
		s.exchangeCode(w, form, c, site)
	case "refresh_token":
		s.refresh(w, form, c)
	default:
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "grant_type must be authorization_code or refresh_token")
	}
}

func (s *Server) exchangeCode(w http.ResponseWriter, form url.Values, c *client, site datadogSite) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ac := s.codes[form.Get("code")]
	if ac == nil || ac.clientID != c.ID {
		oauthError(w, http.StatusBadRequest, "invalid_grant", errCodeOrVerifier)
		return
	}
	if ac.used {
		// A replayed code revokes what it issued (RFC 6749 §4.1.2).
		for _, v := range ac.issued {
			if t := s.tokens[v]; t != nil {
				t.Revoked = true
			}
		}
		oauthError(w, http.StatusBadRequest, "invalid_grant", errCodeOrVerifier)
		return
	}
	if s.opts.Now().After(ac.expires) {
		oauthError(w, http.StatusBadRequest, "invalid_grant", errCodeOrVerifier)
		return
	}
	if S256(form.Get("code_verifier")) != ac.challenge {
		oauthError(w, http.StatusBadRequest, "invalid_grant", errCodeOrVerifier)
		return
	}
	if form.Get("redirect_uri") != ac.redirectURI {
		oauthError(w, http.StatusBadRequest, "invalid_request", "Mismatching redirect URI")
		return
	}
	ac.used = true
	refresh := s.issue("refresh", c, ac.orgID, ac.scopes, "")
	access := s.issue("access", c, ac.orgID, ac.scopes, refresh.Value)
	ac.issued = []string{refresh.Value, access.Value}
	s.tokenResponse(w, access, refresh)
}

func (s *Server) refresh(w http.ResponseWriter, form url.Values, c *client) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rt := s.tokens[form.Get("refresh_token")]
	if rt == nil || rt.Kind != "refresh" || rt.Revoked || rt.ClientID != c.ID {
		oauthError(w, http.StatusBadRequest, "invalid_grant", "the refresh token is invalid or revoked")
		return
	}
	access := s.issue("access", c, rt.OrgID, rt.Scopes, rt.Value)
	s.tokenResponse(w, access, rt)
}

// issue records a token; callers hold s.mu.
func (s *Server) issue(kind string, c *client, orgID string, scopes []string, refresh string) *token {
	prefix := map[string]string{"access": "ddsbx_at_", "refresh": "ddsbx_rt_"}[kind]
	t := &token{ID: randomHex(6), Value: prefix + randomHex(24), Kind: kind, ClientID: c.ID, OrgID: orgID, Site: c.Site, Scopes: scopes, Refresh: refresh}
	if kind == "access" {
		t.Expires = s.opts.Now().Add(s.opts.AccessTokenTTL)
	}
	s.tokens[t.Value] = t
	return t
}

func (s *Server) tokenResponse(w http.ResponseWriter, access, refresh *token) {
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token":  access.Value,
		"token_type":    "Bearer",
		"expires_in":    int(s.opts.AccessTokenTTL.Seconds()),
		"refresh_token": refresh.Value,
		"scope":         strings.Join(access.Scopes, " "),
	})
}

func (s *Server) revoke(w http.ResponseWriter, r *http.Request, site datadogSite) {
	form, ok := readTokenForm(r)
	if !ok {
		oauthError(w, http.StatusBadRequest, "invalid_request", "the body must be form-encoded or JSON")
		return
	}
	c, why := s.clientAuth(r, form, site)
	if c == nil {
		oauthError(w, http.StatusUnauthorized, "invalid_client", why)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	// RFC 7009: an unknown token is answered 200 as well.
	if t := s.tokens[form.Get("token")]; t != nil && t.ClientID == c.ID {
		t.Revoked = true
		if t.Kind == "refresh" {
			for _, o := range s.tokens {
				if o.Refresh == t.Value {
					o.Revoked = true
				}
			}
		}
	}
	w.WriteHeader(http.StatusOK)
}

// S256 is the PKCE S256 transform of a verifier (RFC 7636 §4.2).
func S256(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}
