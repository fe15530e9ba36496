package sandbox

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/oauthwiz/oauthwiz/flows/devplatform"
	"github.com/oauthwiz/oauthwiz/flows/secrets"

	"github.com/oauthwiz/oauthwiz/assets"
)

// DefaultPagerDutyScopes are the scopes the stand-in's app is configured with.
var DefaultPagerDutyScopes = []string{
	"escalation_policies.read", "incidents.read", "incidents.write", "schedules.read", "schedules.write",
	"services.read", "services.write", "teams.read", "teams.write", "users.read", "users.write",
}

// pdState is the PagerDuty stand-in: one identity host, one API host per
// region, one account (in one region) and one scoped OAuth app.
type pdState struct {
	identityURL string
	apis        map[string]string // region → API base URL
	region      string            // the account's region
	account     *org
	client      *client
	pending     map[string]*pendingRequest
	codes       map[string]*authCode
	signingKey  []byte
}

func (s *Server) startPagerDuty() error {
	o := s.opts
	if o.PagerDutyRegion == "" {
		o.PagerDutyRegion = "us"
	}
	facts, err := pagerDutyFacts()
	if err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	home, ok := pagerDutyRegionByID(o.PagerDutyRegion)
	if !ok {
		var known []string
		for _, r := range facts.Regions {
			known = append(known, r.ID)
		}
		return fmt.Errorf("sandbox: unknown PagerDuty region %q (known: %s)", o.PagerDutyRegion, strings.Join(known, ", "))
	}
	region := home.ID
	scopes := o.PagerDutyScopes
	if len(scopes) == 0 {
		scopes = DefaultPagerDutyScopes
	}
	for _, sc := range scopes {
		if !pagerDutyScope(sc) {
			return fmt.Errorf("sandbox: %q is not a PagerDuty scope", sc)
		}
	}
	pd := &pdState{region: region, apis: map[string]string{}, pending: map[string]*pendingRequest{}, codes: map[string]*authCode{},
		signingKey: []byte(randomHex(32)),
		account:    &org{ID: "P" + strings.ToUpper(randomHex(3)), Name: "Acme Ops (" + region + ")", Site: "pagerduty:" + region, Kind: "account"},
		client: &client{ID: randomHex(16), Secret: "pdsbx_secret_" + randomHex(20), Name: "oauthwiz sandbox PagerDuty app", Site: "pagerduty", Kind: "test",
			RedirectURIs: append([]string(nil), s.opts.RedirectURIs...), Scopes: append([]string(nil), scopes...)}}
	s.pd = pd
	id, err := s.serve(s.pdIdentityHandler())
	if err != nil {
		return err
	}
	pd.identityURL = id
	for _, r := range facts.Regions {
		u, err := s.serve(s.pdAPIHandler(r.ID))
		if err != nil {
			return err
		}
		pd.apis[r.ID] = u
	}
	// What every account has from the start: the writes that need a
	// service, a user (and its email, for From) or an escalation policy
	// find one.
	s.seedAccount("pagerduty:"+region, pd.account.ID, facts.Semantics)
	return nil
}

func (s *Server) pdDiscovery(d *devplatform.Discovery) {
	if s.pd == nil {
		return
	}
	d.PagerDuty = &devplatform.PagerDutyHosts{IdentityURL: s.pd.identityURL, APIs: map[string]string{}}
	for k, v := range s.pd.apis {
		d.PagerDuty.APIs[k] = v
	}
	c := s.pd.client
	d.Clients = append(d.Clients, devplatform.SeededClient{Provider: "pagerduty", Site: s.pd.region, Kind: secrets.Kind(c.Kind), Name: c.Name,
		ClientID: c.ID, ClientSecret: c.Secret, RedirectURIs: append([]string(nil), c.RedirectURIs...), Scopes: append([]string(nil), c.Scopes...)})
}

var pdPage = template.Must(template.New("pd").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}} · PagerDuty sandbox</title>
<style>body{font-family:sans-serif;max-width:36em;margin:3em auto;color:#222}button{font-size:1em;padding:.5em 1.5em;margin-right:1em}.err{color:#a00;font-family:monospace}</style></head><body>
<p><small>oauthwiz sandbox · PagerDuty identity</small></p>
<h1>{{.Title}}</h1>
{{if .Error}}<p class="err" id="error">{{.Error}}</p>{{end}}
{{if .Request}}<p><b>{{.App}}</b> asks for access to the account <b>{{.Account}}</b>.</p>
<form method="post" action="/oauth/authorize/decision"><input type="hidden" name="request" value="{{.Request}}">
<p>Scopes: <code id="scopes">{{.Scopes}}</code></p>
<button type="submit" name="decision" value="allow" id="authorize">Allow</button>
<button type="submit" name="decision" value="deny" id="deny">Deny</button></form>{{end}}
</body></html>`))

type pdPageData struct{ Title, Error, Request, App, Account, Scopes string }

func pdErrorPage(w http.ResponseWriter, msg string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusBadRequest)
	pdPage.Execute(w, pdPageData{Title: "Something went wrong", Error: msg})
}

func (s *Server) pdIdentityHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /oauth/authorize", s.pdAuthorize)
	mux.HandleFunc("POST /oauth/authorize/decision", s.pdDecision)
	mux.HandleFunc("POST /oauth/token", s.pdToken)
	mux.HandleFunc("POST /oauth/revoke", s.pdRevoke)
	return s.faultMiddleware(mux)
}

// faultMiddleware injects the sandbox's faults without the API's rate limits.
func (s *Server) faultMiddleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if f := s.matchFault(r); f != nil && injectFault(w, r, f) {
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) pdAuthorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	pd := s.pd
	c := pd.client
	if q.Get("client_id") != c.ID {
		pdErrorPage(w, "invalid_client: no app has this client ID")
		return
	}
	redirectURI := q.Get("redirect_uri")
	if redirectURI == "" || !c.redirectAllowed(redirectURI) {
		pdErrorPage(w, "invalid_request: the redirect_uri does not match the app's redirect URL")
		return
	}
	state := q.Get("state")
	if !checkCodeRequest(q, failTo(w, r, redirectURI, state)) {
		return
	}
	// PagerDuty does not refuse a scope it does not know or the app lacks:
	// the token simply comes back without it.
	granted := []string{"openid"}
	for _, sc := range strings.Fields(q.Get("scope")) {
		if slices.Contains(c.Scopes, sc) && !slices.Contains(granted, sc) {
			granted = append(granted, sc)
		}
	}
	reqID := randomHex(16)
	s.mu.Lock()
	pd.pending[reqID] = &pendingRequest{clientID: c.ID, redirectURI: redirectURI, state: state, challenge: q.Get("code_challenge"), scopes: granted, expires: s.opts.Now().Add(10 * time.Minute)}
	s.mu.Unlock()
	if s.opts.AutoApprove {
		s.pdApprove(w, r, reqID)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' http://127.0.0.1:* http://localhost:*")
	pdPage.Execute(w, pdPageData{Title: "Authorize " + c.Name, Request: reqID, App: c.Name, Account: pd.account.Name, Scopes: strings.Join(granted, " ")})
}

func (s *Server) pdDecision(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		pdErrorPage(w, "the consent form could not be read")
		return
	}
	reqID := r.PostForm.Get("request")
	if r.PostForm.Get("decision") == "allow" {
		s.pdApprove(w, r, reqID)
		return
	}
	s.mu.Lock()
	p := s.pd.pending[reqID]
	delete(s.pd.pending, reqID)
	s.mu.Unlock()
	if p == nil {
		pdErrorPage(w, "this page has expired: start the authorization again")
		return
	}
	params := url.Values{"error": {"access_denied"}, "error_description": {"The user denied the request"}}
	if p.state != "" {
		params.Set("state", p.state)
	}
	redirectWith(w, r, p.redirectURI, params)
}

func (s *Server) pdApprove(w http.ResponseWriter, r *http.Request, reqID string) {
	pd := s.pd
	s.mu.Lock()
	p := pd.pending[reqID]
	delete(pd.pending, reqID)
	s.mu.Unlock()
	if p == nil || s.opts.Now().After(p.expires) {
		pdErrorPage(w, "this page has expired: start the authorization again")
		return
	}
	code := randomHex(20)
	ttl := s.opts.PagerDutyCodeTTL
	if ttl == 0 {
		facts, _ := pagerDutyFacts()
		ttl = facts.CodeLifetime
	}
	s.mu.Lock()
	pd.codes[code] = &authCode{clientID: p.clientID, redirectURI: p.redirectURI, challenge: p.challenge, orgID: pd.account.ID, site: pd.account.Site, scopes: p.scopes, expires: s.opts.Now().Add(ttl)}
	s.mu.Unlock()
	params := url.Values{"code": {code}}
	if p.state != "" {
		params.Set("state", p.state)
	}
	redirectWith(w, r, p.redirectURI, params)
}

func (s *Server) pdClientAuth(r *http.Request, form url.Values) bool {
	id, secret, basic := r.BasicAuth()
	if !basic {
		id, secret = form.Get("client_id"), form.Get("client_secret")
	}
	c := s.pd.client
	return id == c.ID && secret != "" && subtle.ConstantTimeCompare([]byte(secret), []byte(c.Secret)) == 1
}

func (s *Server) pdToken(w http.ResponseWriter, r *http.Request) {
	form, ok := readTokenForm(r)
	if !ok {
		oauthError(w, http.StatusBadRequest, "invalid_request", "the body must be form-encoded")
		return
	}
	if !s.pdClientAuth(r, form) {
		oauthError(w, http.StatusUnauthorized, "invalid_client", "Client authentication failed")
		return
	}
	pd := s.pd
	s.mu.Lock()
	defer s.mu.Unlock()
	switch form.Get("grant_type") {
	case "authorization_code":
		ac := pd.codes[form.Get("code")]
		switch {
		case ac == nil || ac.used || s.opts.Now().After(ac.expires):
			oauthError(w, http.StatusBadRequest, "invalid_grant", "The authorization code is invalid, expired (30 s) or already used")
			return
		case S256(form.Get("code_verifier")) != ac.challenge:
			oauthError(w, http.StatusBadRequest, "invalid_grant", "PKCE verification failed: the code_verifier does not match the code_challenge")
			return
		case form.Get("redirect_uri") != ac.redirectURI:
			oauthError(w, http.StatusBadRequest, "invalid_grant", "redirect_uri does not match the authorization request")
			return
		}
		ac.used = true
		s.pdIssue(w, ac.orgID, ac.scopes)
	case "refresh_token":
		rt := s.tokens[form.Get("refresh_token")]
		if rt == nil || rt.Kind != "refresh" || rt.Revoked || rt.ClientID != pd.client.ID {
			oauthError(w, http.StatusBadRequest, "invalid_grant", "The refresh token is invalid, revoked or already used")
			return
		}
		// Every refresh replaces the refresh token: the old one is spent.
		rt.Revoked = true
		s.pdIssue(w, rt.OrgID, rt.Scopes)
	default:
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "grant_type must be authorization_code or refresh_token")
	}
}

// pdIssue answers a token request; callers hold s.mu.
func (s *Server) pdIssue(w http.ResponseWriter, orgID string, scopes []string) {
	pd := s.pd
	ttl := s.opts.PagerDutyTokenTTL
	if ttl == 0 {
		ttl = 24 * time.Hour
	}
	site := "pagerduty:" + pd.region
	refresh := &token{ID: randomHex(6), Value: "pdsbx_rt_" + randomHex(24), Kind: "refresh", ClientID: pd.client.ID, OrgID: orgID, Site: site, Scopes: scopes}
	access := &token{ID: randomHex(6), Value: "pdus+_" + randomHex(24), Kind: "access", ClientID: pd.client.ID, OrgID: orgID, Site: site, Scopes: scopes,
		Expires: s.opts.Now().Add(ttl), Refresh: refresh.Value}
	s.tokens[refresh.Value], s.tokens[access.Value] = refresh, access
	resp := map[string]any{"access_token": access.Value, "token_type": "bearer", "expires_in": int(ttl.Seconds()),
		"refresh_token": refresh.Value, "scope": strings.Join(scopes, " ")}
	if slices.Contains(scopes, "openid") {
		resp["id_token"] = s.pdIDToken(orgID)
	}
	writeJSON(w, http.StatusOK, resp)
}

// pdIDToken is an ID token whose audience is the account's API host.
func (s *Server) pdIDToken(orgID string) string {
	home, _ := pagerDutyRegionByID(s.pd.region)
	host := home.APIHost
	enc := func(v any) string { b, _ := json.Marshal(v); return base64.RawURLEncoding.EncodeToString(b) }
	now := s.opts.Now()
	head := enc(map[string]string{"alg": "HS256", "typ": "JWT"})
	body := enc(map[string]any{"iss": s.pd.identityURL, "sub": "PUSER01", "aud": "https://" + host, "account": orgID, "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()})
	mac := hmac.New(sha256.New, s.pd.signingKey)
	mac.Write([]byte(head + "." + body))
	return head + "." + body + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

func (s *Server) pdRevoke(w http.ResponseWriter, r *http.Request) {
	form, ok := readTokenForm(r)
	if !ok || !s.pdClientAuth(r, form) {
		oauthError(w, http.StatusUnauthorized, "invalid_client", "Client authentication failed")
		return
	}
	s.mu.Lock()
	if t := s.tokens[form.Get("token")]; t != nil && t.ClientID == s.pd.client.ID {
		t.Revoked = true
	}
	s.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}

func pdError(w http.ResponseWriter, status int, body map[string]any) {
	writeJSON(w, status, map[string]any{"error": body})
}

// pdAPIHandler is PagerDuty's REST API for one region, answered from its
// spec (specAPI) with PagerDuty's error shapes: 401 code 2006; 403 "Token
// missing required scopes" with the required and the token's scopes, as
// PagerDuty documents; 400 and 404 as the error object (the codes, 2001 and
// 2100, are assumptions).
func (s *Server) pdAPIHandler(region string) http.Handler {
	site := "pagerduty:" + region
	facts := assets.PagerDuty()
	model, _ := pagerDutyFacts()
	api := &specAPI{s: s, api: &facts.API, semantics: model.Semantics, site: site,
		auth: func(w http.ResponseWriter, r *http.Request) *token {
			value, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
			s.mu.Lock()
			t := s.tokens[strings.TrimSpace(value)]
			s.mu.Unlock()
			if !ok || t == nil || t.Kind != "access" || t.Revoked || s.opts.Now().After(t.Expires) || t.Site != site {
				pdError(w, http.StatusUnauthorized, map[string]any{"message": "Unauthorized", "code": 2006})
				return nil
			}
			return t
		},
		refuse: func(w http.ResponseWriter, t *token, need []string) {
			pdError(w, http.StatusForbidden, map[string]any{"message": "Token missing required scopes", "required_scopes": strings.Join(need, " "), "token_scopes": strings.Join(t.Scopes, " ")})
		},
		fail: func(w http.ResponseWriter, status int, msg string) {
			code := 2001 // Invalid Input Provided
			if status == http.StatusNotFound {
				code = 2100
			}
			pdError(w, status, map[string]any{"message": http.StatusText(status), "code": code, "errors": []string{msg}})
		}}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if f := s.matchFault(r); f != nil && injectFault(w, r, f) {
			return
		}
		w.Header().Set("X-Request-Id", randomHex(8))
		api.ServeHTTP(w, r)
	})
}
