// Package authorize runs the OAuth 2.0 authorization code flow with PKCE (S256)
// through a one-shot loopback listener, and refreshes and revokes tokens.
package authorize

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"github.com/oauthwiz/oauthwiz/flows/inputs"
	"github.com/oauthwiz/oauthwiz/flows/integration"
	"github.com/oauthwiz/oauthwiz/flows/secrets"
	"github.com/oauthwiz/oauthwiz/flows/termsafe"
)

// Endpoints are the OAuth endpoints of one site.
type Endpoints struct {
	AuthorizeURL string
	TokenURL     string
	RevokeURL    string
}

// Provider hides what is specific to a platform (Datadog today): its hosts,
// how a callback names the site, and how scopes are written.
type Provider interface {
	// Endpoints returns the OAuth endpoints of a site id.
	Endpoints(site string) (Endpoints, error)
	// SiteFromParam maps a site or domain parameter (possibly with an org
	// subdomain in front) to a site id.
	SiteFromParam(param string) (string, error)
	// ScopeParam joins scopes the way the authorize endpoint expects them.
	ScopeParam(scopes []string) string
	// SplitScopes splits a granted scope string.
	SplitScopes(s string) []string
}

// Options configure one authorization attempt.
type Options struct {
	Provider     Provider
	Site         string // the site the flow starts on (and the token endpoint's site unless the callback says otherwise)
	ClientID     string
	ClientSecret string
	RedirectURI  string // loopback http URI; port 0 picks a free port
	Scopes       []string
	// StartURL, when set, is opened instead of the authorize endpoint — the
	// Developer Platform's Test Authorization link, which sends the browser to
	// OnboardingURL with a site/domain parameter. OnboardingURL must then be
	// served by the same loopback listener as the redirect URI.
	StartURL      string
	OnboardingURL string
	Timeout       time.Duration
	HTTPClient    *http.Client
	// OpenBrowser opens a URL; nil means the user opens it (see OnURL).
	OpenBrowser func(string) error
	// OnURL is told the URL the user must open and the redirect URI the
	// listener serves (its real port), before waiting starts.
	OnURL func(openURL, redirectURI string)
	// Pasted delivers callback URLs the user pasted (SSH): each is handled as
	// if the browser had reached the listener.
	Pasted <-chan string
	// Listen is net.Listen unless a test replaces it.
	Listen func(network, addr string) (net.Listener, error)
	// OnIgnored is told of a callback that was refused while waiting goes
	// on (a wrong or missing state, a foreign Host): someone else's request,
	// or a stale browser tab.
	OnIgnored func(reason string)
}

// Result is a completed authorization.
type Result struct {
	Site            string
	Callback        Callback
	Token           *oauth2.Token
	ScopesRequested []string
	ScopesGranted   []string
	ScopesMissing   []string // requested but not granted
	ScopesExtra     []string // granted but not requested
	RedirectURI     string   // the redirect URI actually sent
}

// Step is where an authorization failed.
type Step string

// The steps an authorization fails at.
const (
	StepInput     Step = "input"     // the options (client ID, secret, site)
	StepListen    Step = "listen"    // the loopback listener (the redirect URI)
	StepCallback  Step = "callback"  // the callback's site
	StepState     Step = "state"     // the callback's state
	StepConsent   Step = "consent"   // the authorize endpoint answered an error
	StepToken     Step = "token"     // the token endpoint
	StepTimeout   Step = "timeout"   // no callback in time
	StepCancelled Step = "cancelled" // the caller cancelled
)

// Error is a failed authorization, with the step that failed.
type Error struct {
	Step Step
	Err  error
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// redirectErr is a listen step error about the redirect URI input.
func redirectErr(format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	return &Error{Step: StepListen, Err: inputs.Errorf(inputs.RedirectURI, nil, msg)}
}

func stepErr(step Step, format string, args ...any) error {
	return &Error{Step: step, Err: fmt.Errorf(format, args...)}
}

// ConfirmationPage is what the browser shows after the callback. It loads
// nothing from elsewhere: no scripts, styles, fonts or images.
const ConfirmationPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>oauthwiz</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<style>body{font-family:sans-serif;margin:4em auto;max-width:32em;color:#222}</style></head>
<body><h1>%s</h1><p id="result">%s</p></body></html>
`

// NewState returns a random state value, fresh for every attempt.
func NewState() string {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// loopbackListen binds the redirect URI's port on 127.0.0.1 (or [::1]).
// PasteBack reports whether a redirect URI is not served on this machine
// (https, or a host that is not a loopback address): the callback is the
// address the browser lands on, pasted back.
func PasteBack(redirectURI string) bool {
	u, err := url.Parse(redirectURI)
	if err != nil || u.Scheme == "" {
		return false
	}
	switch u.Hostname() {
	case "127.0.0.1", "localhost", "::1":
		return u.Scheme != "http"
	}
	return true
}

func loopbackListen(opts Options) (net.Listener, *url.URL, error) {
	if err := integration.CheckRedirectURI(opts.RedirectURI); err != nil {
		return nil, nil, redirectErr("redirect URI: %v", err)
	}
	u, err := url.Parse(opts.RedirectURI)
	if err != nil {
		return nil, nil, redirectErr("redirect URI %q does not parse: %v", opts.RedirectURI, err)
	}
	if u.Scheme != "http" {
		return nil, nil, redirectErr("redirect URI %q: the loopback listener serves http only; use http://127.0.0.1:PORT/PATH (or paste the callback URL when the redirect URI is not on this machine)", opts.RedirectURI)
	}
	host := u.Hostname()
	bind := "127.0.0.1"
	switch host {
	case "127.0.0.1", "localhost":
	case "::1":
		bind = "::1"
	default:
		return nil, nil, redirectErr("redirect URI %q: host %q is not a loopback address; use 127.0.0.1, localhost or [::1]", opts.RedirectURI, host)
	}
	port := u.Port()
	if port == "" {
		port = "80"
	}
	listen := opts.Listen
	if listen == nil {
		listen = net.Listen
	}
	ln, err := listen("tcp", net.JoinHostPort(bind, port))
	if err != nil {
		return nil, nil, stepErr(StepListen, "cannot listen on %s for the redirect URI %s: %v", net.JoinHostPort(bind, port), opts.RedirectURI, err)
	}
	actual := *u
	actual.Host = net.JoinHostPort(host, strconv.Itoa(ln.Addr().(*net.TCPAddr).Port))
	return ln, &actual, nil
}

func (o Options) config(ep Endpoints, redirect string) *oauth2.Config {
	return &oauth2.Config{
		ClientID:     o.ClientID,
		ClientSecret: o.ClientSecret,
		RedirectURL:  redirect,
		Scopes:       o.Scopes,
		// Datadog's clients are confidential; the secret goes in the form body.
		Endpoint: oauth2.Endpoint{AuthURL: ep.AuthorizeURL, TokenURL: ep.TokenURL, AuthStyle: oauth2.AuthStyleInParams},
	}
}

func (o Options) httpContext(ctx context.Context) context.Context {
	c := o.HTTPClient
	if c == nil {
		c = &http.Client{Timeout: 30 * time.Second}
	}
	return context.WithValue(ctx, oauth2.HTTPClient, c)
}

// AuthCodeURL builds the authorize URL for one attempt.
func (o Options) AuthCodeURL(ep Endpoints, redirect, state, verifier string) string {
	cfg := o.config(ep, redirect)
	cfg.Scopes = nil // the provider joins scopes its own way
	extra := []oauth2.AuthCodeOption{oauth2.S256ChallengeOption(verifier)}
	if len(o.Scopes) > 0 {
		extra = append(extra, oauth2.SetAuthURLParam("scope", o.Provider.ScopeParam(o.Scopes)))
	}
	return cfg.AuthCodeURL(state, extra...)
}

// Attempt is an authorization under way: its loopback listener serves one
// callback, and OpenURL is where the user's browser starts.
type Attempt struct {
	OpenURL     string
	RedirectURI string // the redirect URI sent (its real port)

	opts            Options
	state, verifier string
	timeout         time.Duration
	results         chan Callback
	srv             *http.Server
	mu              sync.Mutex
	siteForToken    string // the site the onboarding request named
}

// Begin checks the options, listens on the loopback redirect URI and builds
// the URL to open. Close the attempt when done with it.
func Begin(ctx context.Context, opts Options) (*Attempt, error) {
	if opts.Provider == nil {
		return nil, errors.New("authorize: no provider")
	}
	if opts.ClientID == "" {
		return nil, stepErr(StepInput, "no client ID")
	}
	if opts.ClientSecret == "" {
		return nil, stepErr(StepInput, "no client secret")
	}
	startEP, err := opts.Provider.Endpoints(opts.Site)
	if err != nil {
		return nil, stepErr(StepInput, "%v", err)
	}
	var ln net.Listener
	var redirect *url.URL
	if PasteBack(opts.RedirectURI) {
		// The client's own (https) redirect URI: the browser lands on the
		// partner's page, and the person pastes the address it shows.
		if opts.Pasted == nil {
			return nil, redirectErr("redirect URI %q is not on this machine: paste the address the browser lands on (paste-back), or register a loopback redirect URI on the test client", opts.RedirectURI)
		}
		if opts.StartURL != "" {
			return nil, stepErr(StepInput, "starting from Test Authorization needs a loopback redirect URI, which serves the onboarding URL")
		}
		if err := integration.CheckRedirectURI(opts.RedirectURI); err != nil {
			return nil, redirectErr("redirect URI: %v", err)
		}
		if redirect, err = url.Parse(opts.RedirectURI); err != nil {
			return nil, redirectErr("redirect URI %q does not parse: %v", opts.RedirectURI, err)
		}
	} else if ln, redirect, err = loopbackListen(opts); err != nil {
		return nil, err
	}
	a := &Attempt{opts: opts, RedirectURI: redirect.String(), verifier: oauth2.GenerateVerifier(), state: NewState(),
		timeout: opts.Timeout, results: make(chan Callback, 1), siteForToken: opts.Site}
	if a.timeout == 0 {
		a.timeout = 5 * time.Minute
	}
	onboardingPath := ""
	if opts.StartURL != "" {
		ou, err := url.Parse(opts.OnboardingURL)
		if err != nil || ou.Port() != redirect.Port() || ou.Hostname() != redirect.Hostname() {
			ln.Close()
			return nil, stepErr(StepInput, "the onboarding URL %q must be served on the redirect URI's host and port (%s) to start from Test Authorization", opts.OnboardingURL, redirect.Host)
		}
		onboardingPath = ou.Path
	}
	if ln != nil {
		a.srv = &http.Server{Handler: a.handler(redirect, onboardingPath), ReadHeaderTimeout: 10 * time.Second}
		go a.srv.Serve(ln)
	}
	a.OpenURL = opts.AuthCodeURL(startEP, a.RedirectURI, a.state, a.verifier)
	if opts.StartURL != "" {
		a.OpenURL = opts.StartURL
	}
	return a, nil
}

// Close stops the listener (none in paste-back mode).
func (a *Attempt) Close() {
	if a.srv == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	a.srv.Shutdown(ctx)
}

// deliver hands over this attempt's one callback; false when one came already.
func (a *Attempt) deliver(cb Callback) bool {
	select {
	case a.results <- cb:
		return true
	default:
		return false
	}
}

func (a *Attempt) ignored(reason string) {
	if a.opts.OnIgnored != nil {
		a.opts.OnIgnored(reason)
	}
}

// handler serves the callback and, when starting from Test Authorization,
// the onboarding URL. Paths are compared decoded and exactly — not as
// ServeMux patterns, in which "{" or a space mean something — with "/" for
// an empty path.
func (a *Attempt) handler(redirect *url.URL, onboardingPath string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !sameHost(r.Host, redirect) {
			// DNS rebinding: a page on another name that resolves to this
			// machine must not reach the listener.
			a.ignored(fmt.Sprintf("a request for host %q, not %s, was refused; still waiting", termsafe.Text(r.Host), redirect.Host))
			http.Error(w, "oauthwiz: wrong host", http.StatusMisdirectedRequest)
			return
		}
		switch p := orSlash(r.URL.Path); {
		case p == orSlash(redirect.Path):
			a.callback(w, r)
		case onboardingPath != "" && p == orSlash(onboardingPath):
			a.onboarding(w, r)
		default:
			http.Error(w, "oauthwiz: this address only accepts the OAuth callback", http.StatusNotFound)
		}
	})
}

func page(w http.ResponseWriter, status int, title, body string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	fmt.Fprintf(w, ConfirmationPage, htmlEscape(title), htmlEscape(body))
}

func (a *Attempt) callback(w http.ResponseWriter, r *http.Request) {
	cb, perr := callbackFromQuery(r.URL.Query())
	if perr != nil {
		http.Error(w, "oauthwiz: this address only accepts the OAuth callback", http.StatusBadRequest)
		return
	}
	// Only the callback of this attempt ends the wait: another one (a stale
	// tab, a page that forged it) is answered and ignored.
	if cb.State != a.state {
		a.ignored("a callback with a wrong or missing state (not this attempt's: a stale tab or a forged request) was refused; still waiting")
		page(w, http.StatusBadRequest, "Not this authorization", "This callback does not carry the state oauthwiz is waiting for: it belongs to another attempt. Use the URL the terminal shows now.")
		return
	}
	title, body := "Authorization received", "You may now close this tab."
	if cb.Error != "" {
		title, body = "Authorization failed", "Datadog answered "+termsafe.Text(cb.Error)+". Return to the terminal for what to do."
	}
	if !a.deliver(cb) {
		title, body = "Already handled", "oauthwiz already received a callback for this attempt. You may close this tab."
	}
	page(w, http.StatusOK, title, body)
}

func (a *Attempt) onboarding(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	param := q.Get("site")
	if param == "" {
		param = q.Get("domain")
	}
	site, err := a.opts.Provider.SiteFromParam(param)
	if err != nil {
		http.Error(w, "oauthwiz: the onboarding request names no known site: "+err.Error(), http.StatusBadRequest)
		return
	}
	ep, err := a.opts.Provider.Endpoints(site)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	a.mu.Lock()
	a.siteForToken = site
	a.mu.Unlock()
	http.Redirect(w, r, a.opts.AuthCodeURL(ep, a.RedirectURI, a.state, a.verifier), http.StatusFound)
}

// Wait waits for this attempt's callback — from the browser, or pasted —
// until ctx ends or the attempt's timeout passes.
func (a *Attempt) Wait(ctx context.Context) (Callback, error) {
	ctx, cancel := context.WithTimeout(ctx, a.timeout)
	defer cancel()
	if a.opts.Pasted != nil {
		go a.readPasted(ctx)
	}
	select {
	case <-ctx.Done():
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return Callback{}, stepErr(StepTimeout, "no callback reached %s within %s: was the browser on this machine? Over SSH, paste the final URL from the browser's address bar instead", a.RedirectURI, a.timeout)
		}
		return Callback{}, &Error{Step: StepCancelled, Err: ctx.Err()}
	case cb := <-a.results:
		return cb, nil
	}
}

func (a *Attempt) readPasted(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case line, ok := <-a.opts.Pasted:
			if !ok {
				return
			}
			cb, err := ParseCallback(line)
			switch {
			case errors.Is(err, ErrNotACallback) && strings.TrimSpace(line) == "":
			case errors.Is(err, ErrNotACallback):
				a.ignored("the pasted text carries no code (nor an error): paste the whole address from the browser's address bar, with its ?code=…&state=…")
			case err != nil:
				a.ignored(err.Error() + ": paste the whole address from the browser's address bar")
			case cb.State != a.state:
				a.ignored("the pasted URL carries another attempt's state (or none): paste the address of the tab the current URL opened")
			default:
				a.deliver(cb)
				return
			}
		}
	}
}

// Exchange checks the callback (its state, an error the authorize endpoint
// sent, the site it names) and exchanges its code with the verifier at the
// token endpoint of that site.
func (a *Attempt) Exchange(ctx context.Context, cb Callback) (*Result, error) {
	opts := a.opts
	if cb.State != a.state {
		return nil, stepErr(StepState, "state mismatch: the callback does not belong to this attempt (expected the state sent with it); nothing was exchanged")
	}
	if cb.Error != "" {
		msg := cb.Error
		if cb.ErrorDescription != "" {
			msg += " - " + cb.ErrorDescription
		}
		return nil, stepErr(StepConsent, "the authorize endpoint answered %s", termsafe.Text(msg))
	}
	a.mu.Lock()
	site := a.siteForToken
	a.mu.Unlock()
	if p := cb.SiteOrDomain(); p != "" {
		// The person may have picked their org's region on Datadog's page
		// (the docs advise starting on US1): the code is exchanged at the
		// site the callback names, which is always a known Datadog site.
		fromCallback, err := opts.Provider.SiteFromParam(p)
		if err != nil {
			return nil, stepErr(StepCallback, "the callback names site %q, which is not a known site: %v", p, err)
		}
		site = fromCallback
	}
	ep, err := opts.Provider.Endpoints(site)
	if err != nil {
		return nil, stepErr(StepCallback, "%v", err)
	}
	tok, err := opts.config(ep, a.RedirectURI).Exchange(opts.httpContext(ctx), cb.Code, oauth2.VerifierOption(a.verifier))
	if err != nil {
		return nil, &Error{Step: StepToken, Err: describeTokenError(ep.TokenURL, err)}
	}
	res := &Result{Site: site, Callback: cb, Token: tok, ScopesRequested: opts.Scopes, RedirectURI: a.RedirectURI}
	res.ScopesGranted = grantedScopes(opts.Provider, tok, opts.Scopes)
	res.ScopesMissing, res.ScopesExtra = diffScopes(res.ScopesRequested, res.ScopesGranted)
	return res, nil
}

// grantedScopes reads the token response's scope; RFC 6749 §5.1 says an
// absent scope means exactly the requested ones.
func grantedScopes(p Provider, tok *oauth2.Token, requested []string) []string {
	if s, ok := tok.Extra("scope").(string); ok {
		return p.SplitScopes(s)
	}
	return append([]string(nil), requested...)
}

func diffScopes(requested, granted []string) (missing, extra []string) {
	g := map[string]bool{}
	for _, s := range granted {
		g[s] = true
	}
	r := map[string]bool{}
	for _, s := range requested {
		r[s] = true
		if !g[s] {
			missing = append(missing, s)
		}
	}
	for _, s := range granted {
		if !r[s] {
			extra = append(extra, s)
		}
	}
	return
}

func describeTokenError(endpoint string, err error) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		desc := re.ErrorCode
		if re.ErrorDescription != "" {
			desc += " - " + re.ErrorDescription
		}
		if desc == "" {
			desc = strings.TrimSpace(string(re.Body))
		}
		return fmt.Errorf("POST %s answered %d: %s", endpoint, re.Response.StatusCode, termsafe.Text(desc))
	}
	return fmt.Errorf("POST %s: %w", endpoint, err)
}

// Refresh trades a refresh token for a new access token.
func Refresh(ctx context.Context, opts Options, refreshToken string) (*oauth2.Token, error) {
	ep, err := opts.Provider.Endpoints(opts.Site)
	if err != nil {
		return nil, err
	}
	cfg := opts.config(ep, "")
	tok, err := cfg.TokenSource(opts.httpContext(ctx), &oauth2.Token{RefreshToken: refreshToken, Expiry: time.Unix(1, 0)}).Token()
	if err != nil {
		return nil, describeTokenError(ep.TokenURL, err)
	}
	if tok.RefreshToken == "" {
		tok.RefreshToken = refreshToken
	}
	return tok, nil
}

// Revoke revokes a token (RFC 7009). hint is "access_token" or "refresh_token".
func Revoke(ctx context.Context, opts Options, token, hint string) error {
	ep, err := opts.Provider.Endpoints(opts.Site)
	if err != nil {
		return err
	}
	form := url.Values{"client_id": {opts.ClientID}, "client_secret": {opts.ClientSecret}, "token": {token}}
	if hint != "" {
		form.Set("token_type_hint", hint)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ep.RevokeURL, strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	c := opts.HTTPClient
	if c == nil {
		c = &http.Client{Timeout: 30 * time.Second}
	}
	resp, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("POST %s: %w", ep.RevokeURL, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("POST %s answered %s", ep.RevokeURL, resp.Status)
	}
	return nil
}

// orSlash is a URL path with "/" for the empty path.
func orSlash(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

// sameHost reports whether a request's Host header names the listener: the
// redirect URI's host and port, or another loopback spelling of them.
func sameHost(host string, redirect *url.URL) bool {
	h, port, err := net.SplitHostPort(host)
	if err != nil || port != redirect.Port() {
		return false
	}
	return h == "localhost" || h == redirect.Hostname() || net.ParseIP(h) != nil && net.ParseIP(h).IsLoopback()
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}

// Record is what the later steps need of a completed authorization.
func (r *Result) Record(clientID string) secrets.TokenRecord {
	return secrets.TokenRecord{
		ClientID: clientID, Site: r.Site, OrgID: r.Callback.OrgID, OrgName: r.Callback.OrgName,
		AccessToken: r.Token.AccessToken, RefreshToken: r.Token.RefreshToken, Expiry: r.Token.Expiry,
		ScopesRequested: r.ScopesRequested, ScopesGranted: r.ScopesGranted, RedirectURI: r.RedirectURI,
		AuthorizedAt: time.Now().UTC(),
	}
}
