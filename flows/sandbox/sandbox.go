// Package sandbox is a loopback stand-in for Datadog's OAuth and API endpoints,
// faithful to their documented behaviour, for tests and pairing demos. One
// listener per emulated site, plus a control listener that publishes the
// sandbox's sites and clients and lists its state.
package sandbox

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/oauthwiz/oauthwiz/flows/devplatform"
	"github.com/oauthwiz/oauthwiz/flows/secrets"

	"github.com/oauthwiz/oauthwiz/flows/datadog"
)

// Options shape a sandbox.
type Options struct {
	// Sites to emulate (ids); empty means all nine.
	Sites []string
	// AutoApprove answers a valid authorize request with the redirect at once,
	// as if the user had clicked Authorize.
	AutoApprove bool
	// LoginOrg is the org the emulated browser session is signed in to:
	// "sandbox" (the partner's sandbox org, default) or "customer".
	LoginOrg string
	// OrgSubdomain gives every org a custom subdomain (e.g. "customsub"):
	// the site parameter sent to the onboarding URL and the callback then
	// names it (customsub.datadoghq.com), as Datadog's docs describe; the
	// domain parameter stays the bare site domain.
	OrgSubdomain string
	// AccessTokenTTL defaults to one hour, like Datadog's.
	AccessTokenTTL time.Duration
	// CodeTTL is how long an authorization code may wait; default 60 s.
	// Assumption: no Datadog source documents a code lifetime.
	CodeTTL time.Duration
	// RedirectURIs, OnboardingURL and Scopes shape the seeded test clients.
	// The PagerDuty stand-in's app registers the same redirect URIs: the
	// product must use the URI registered there, not its own default.
	RedirectURIs  []string
	OnboardingURL string
	Scopes        []string
	// Now is the sandbox's clock.
	Now func() time.Time
	// RateLimit is how many API requests a credential may make per
	// RatePeriod on a site (0: no limit); the answers carry X-RateLimit-*.
	RateLimit  int
	RatePeriod time.Duration
	// RefuseScopes are refused with 403 even when granted, to test how
	// failures are reported.
	RefuseScopes []string
	// Faults are injected into matching API requests.
	Faults []Fault
	// GitHub starts the GitHub stand-in (REST API and git over HTTP).
	GitHub bool
	// GitHubForkDelay keeps a new fork's git objects out of reach (404)
	// that long, as GitHub's asynchronous forking may (default 0).
	GitHubForkDelay time.Duration
	// PagerDuty starts the PagerDuty stand-in: an identity host, an API
	// host per region, one account in PagerDutyRegion (default us) and an
	// app configured with PagerDutyScopes (default DefaultPagerDutyScopes).
	PagerDuty         bool
	PagerDutyRegion   string
	PagerDutyScopes   []string
	PagerDutyCodeTTL  time.Duration // default 30 s, as PagerDuty documents
	PagerDutyTokenTTL time.Duration // default 24 h
}

// Defaults for the seeded test clients.
var (
	DefaultRedirectURI   = "http://127.0.0.1:8765/oauth/callback"
	DefaultOnboardingURL = "http://127.0.0.1:8765/oauth/onboarding"
	DefaultScopes        = []string{"api_keys_write", "dashboards_read", "monitors_read"}
)

type org struct {
	ID, Name, Site, Kind string // Kind: "partner-sandbox" or "customer"
}

type client struct {
	ID, Secret, Name, Site, Kind, OwnerOrg string
	RedirectURIs                           []string
	Scopes                                 []string
	OnboardingURL                          string
}

type pendingRequest struct {
	clientID, redirectURI, state, challenge string
	scopes                                  []string
	site                                    string
	expires                                 time.Time
}

type authCode struct {
	clientID, redirectURI, challenge, orgID, site string
	scopes                                        []string
	expires                                       time.Time
	used                                          bool
	issued                                        []string // token values issued with it
}

type token struct {
	ID, Value, Kind, ClientID, OrgID, Site string
	Scopes                                 []string
	Expires                                time.Time // zero: does not expire
	Revoked                                bool
	Refresh                                string // for an access token, the refresh token it came with
}

type apiKey struct {
	ID, Key, Name, OrgID, ClientID, Site string
	Created                              time.Time
}

// Server is a running sandbox.
type Server struct {
	opts    Options
	mu      sync.Mutex
	sites   map[string]*siteServer
	order   []string
	ctlURL  string
	orgs    []*org
	clients []*client
	pending map[string]*pendingRequest
	codes   map[string]*authCode
	tokens  map[string]*token
	apiKeys []*apiKey
	closers []func()
	api     apiState
	appUUID string // the app's published app_uuid
	github  *gitHub
	pd      *pdState
}

var subdomainRE = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

// siteParams are the parameters Datadog adds to the onboarding URL and the
// callback: domain, the site's domain, and site, which also names the
// org's subdomain when it has one.
func (s *Server) siteParams(site datadogSite) url.Values {
	v := url.Values{"domain": {site.Param}, "site": {site.Param}}
	if s.opts.OrgSubdomain != "" {
		v.Set("site", s.opts.OrgSubdomain+"."+site.Param)
	}
	return v
}

type siteServer struct {
	site datadogSite
	url  string
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

func uuidLike() string {
	h := randomHex(16)
	return h[0:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:32]
}

// Start opens the listeners and seeds orgs and test clients.
func Start(opts Options) (*Server, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.AccessTokenTTL == 0 {
		opts.AccessTokenTTL = time.Hour
	}
	if opts.CodeTTL == 0 {
		opts.CodeTTL = time.Minute
	}
	if len(opts.RedirectURIs) == 0 {
		opts.RedirectURIs = []string{onFreePort(DefaultRedirectURI)}
	}
	if opts.OnboardingURL == "" {
		opts.OnboardingURL = DefaultOnboardingURL
	}
	if len(opts.Scopes) == 0 {
		opts.Scopes = DefaultScopes
	}
	// A scope outside the spec's catalog is not refused: Datadog's authorize
	// endpoint is what decides (a published client holds such scopes).
	if opts.OrgSubdomain != "" && !subdomainRE.MatchString(opts.OrgSubdomain) {
		return nil, fmt.Errorf("sandbox: --org-subdomain %q is not one DNS label (lowercase letters, digits, inner hyphens)", opts.OrgSubdomain)
	}
	switch opts.LoginOrg {
	case "", "sandbox", "customer":
	default:
		return nil, fmt.Errorf("sandbox: --login-org must be sandbox or customer, not %q", opts.LoginOrg)
	}
	if _, err := datadogSites(); err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	if _, err := datadogSemantics(); err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	ids := opts.Sites
	if len(ids) == 0 {
		ids = siteIDs()
	}
	s := &Server{opts: opts, sites: map[string]*siteServer{}, pending: map[string]*pendingRequest{}, codes: map[string]*authCode{}, tokens: map[string]*token{},
		api: apiState{objects: map[string]*object{}, windows: map[string]*rateWindow{}}}
	s.SetFaults(opts.Faults)
	s.appUUID = uuidLike()
	for _, id := range ids {
		site, ok := siteByID(id)
		if !ok {
			s.Close()
			return nil, fmt.Errorf("sandbox: unknown site %q (known: %s)", id, strings.Join(siteIDs(), ", "))
		}
		if _, dup := s.sites[site.ID]; dup {
			continue
		}
		url, err := s.serve(s.siteHandler(site))
		if err != nil {
			s.Close()
			return nil, err
		}
		s.sites[site.ID] = &siteServer{site: site, url: url}
		s.order = append(s.order, site.ID)
		sandboxOrg := &org{ID: uuidLike(), Name: "Partner Sandbox (" + site.ID + ")", Site: site.ID, Kind: "partner-sandbox"}
		customer := &org{ID: uuidLike(), Name: "Customer Org (" + site.ID + ")", Site: site.ID, Kind: "customer"}
		s.orgs = append(s.orgs, sandboxOrg, customer)
		sem, _ := datadogSemantics()
		s.seedAccount(site.ID, sandboxOrg.ID, sem)
		s.seedAccount(site.ID, customer.ID, sem)
		s.clients = append(s.clients, &client{
			ID: uuidLike(), Secret: "ddsbx_secret_" + randomHex(20), Name: "oauthwiz sandbox integration",
			Site: site.ID, Kind: "test", OwnerOrg: sandboxOrg.ID,
			RedirectURIs: append([]string(nil), opts.RedirectURIs...), Scopes: append([]string(nil), opts.Scopes...),
			OnboardingURL: opts.OnboardingURL,
		})
	}
	if opts.GitHub {
		if err := s.startGitHub(); err != nil {
			s.Close()
			return nil, err
		}
	}
	if opts.PagerDuty {
		if err := s.startPagerDuty(); err != nil {
			s.Close()
			return nil, err
		}
	}
	ctl, err := s.serve(s.controlHandler())
	if err != nil {
		s.Close()
		return nil, err
	}
	s.ctlURL = ctl
	return s, nil
}

func (s *Server) serve(h http.Handler) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("sandbox: cannot listen on 127.0.0.1: %w", err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	s.closers = append(s.closers, func() { srv.Close() })
	return "http://" + ln.Addr().String(), nil
}

// Close stops every listener.
func (s *Server) Close() {
	for _, c := range s.closers {
		c()
	}
	s.closers = nil
}

// ControlURL is the base URL of the control listener (the --sandbox value).
func (s *Server) ControlURL() string { return s.ctlURL }

// Provider returns a Datadog provider pointed at this sandbox.
func (s *Server) Provider() *datadog.Provider {
	return &datadog.Provider{Overrides: s.Discovery().Sites}
}

func (s *Server) publicClient(c *client) devplatform.SeededClient {
	return devplatform.SeededClient{
		Provider: "datadog", Site: c.Site, Kind: secrets.Kind(c.Kind), Name: c.Name, ClientID: c.ID, ClientSecret: c.Secret,
		RedirectURIs: append([]string(nil), c.RedirectURIs...), OnboardingURL: c.OnboardingURL,
		Scopes:      append([]string(nil), c.Scopes...),
		TestAuthURL: s.sites[c.Site].url + "/apps/test-authorization?client_id=" + c.ID,
	}
}

// Discovery describes the sandbox: its sites, and its clients with their
// (test) secrets — publishing them is the sandbox's purpose.
func (s *Server) Discovery() devplatform.Discovery {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := devplatform.Discovery{ControlURL: s.ctlURL, Sites: map[string]datadog.Hosts{}}
	if s.github != nil {
		d.GitHubURL, d.GitHubToken = s.github.url, GitHubToken
	}
	for _, id := range s.order {
		u := s.sites[id].url
		d.Sites[id] = datadog.Hosts{AppURL: u, APIURL: u}
	}
	for _, c := range s.clients {
		d.Clients = append(d.Clients, s.publicClient(c))
	}
	s.pdDiscovery(&d)
	return d
}

// Client returns the client of a kind on a site.
func (s *Server) Client(site string, kind secrets.Kind) (devplatform.SeededClient, bool) {
	for _, c := range s.Discovery().Clients {
		if c.Site == site && c.Kind == kind {
			return c, true
		}
	}
	return devplatform.SeededClient{}, false
}

// Publish issues the app's published client (new credentials, usable from any
// org on every site). Publishing again issues new credentials, as Datadog does.
func (s *Server) Publish(site string) (devplatform.SeededClient, error) {
	return s.publish(site, "")
}

// AppUUID is the app_uuid the sandbox's Publishing tab gives.
func (s *Server) AppUUID() string { return s.appUUID }

// publish issues the published client of a test client (the site's first one
// when clientID is empty).
func (s *Server) publish(site, clientID string) (devplatform.SeededClient, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var test *client
	for _, c := range s.clients {
		if c.Site == site && c.Kind == "test" && (clientID == "" || c.ID == clientID) && (test == nil || clientID != "") {
			test = c
		}
	}
	if test == nil {
		return devplatform.SeededClient{}, fmt.Errorf("no test client %q on site %q", clientID, site)
	}
	// A published client is the app's, usable from any org on every site:
	// the same credentials on each emulated site. Publishing again replaces it.
	kept := s.clients[:0]
	for _, c := range s.clients {
		if c.Kind != "published" {
			kept = append(kept, c)
		}
	}
	s.clients = kept
	id, secret := uuidLike(), "ddsbx_secret_"+randomHex(20)
	var first *client
	for _, sid := range s.order {
		pub := *test
		pub.ID, pub.Secret, pub.Kind, pub.Site = id, secret, "published", sid
		pub.OwnerOrg = s.orgOf(sid, "partner-sandbox").ID
		s.clients = append(s.clients, &pub)
		if sid == site {
			first = &pub
		}
	}
	return s.publicClient(first), nil
}

// RevokeAPIKeys removes the API keys of an org, as a user would on the API Keys
// page; it returns how many were removed.
func (s *Server) RevokeAPIKeys(orgID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	kept := s.apiKeys[:0]
	n := 0
	for _, k := range s.apiKeys {
		if k.OrgID == orgID {
			n++
			continue
		}
		kept = append(kept, k)
	}
	s.apiKeys = kept
	return n
}

// State is what GET /sandbox/state lists: never a secret value.
type State struct {
	Orgs []struct {
		ID   string `json:"id"`
		Name string `json:"name"`
		Site string `json:"site"`
		Kind string `json:"kind"`
	} `json:"orgs"`
	Clients     []StateClient   `json:"clients"`
	Tokens      []StateToken    `json:"tokens"`
	APIKeys     []StateAPIKey   `json:"api_keys"`
	Pending     int             `json:"pending_authorizations"`
	Codes       []StateAuthCode `json:"codes"`
	Objects     []StateObject   `json:"objects"`
	RateLimited int             `json:"rate_limited"`
}

// StateClient is a client without its secret.
type StateClient struct {
	ID            string   `json:"client_id"`
	Name          string   `json:"name"`
	Site          string   `json:"site"`
	Kind          string   `json:"kind"`
	OwnerOrg      string   `json:"owner_org"`
	RedirectURIs  []string `json:"redirect_uris"`
	Scopes        []string `json:"scopes"`
	OnboardingURL string   `json:"onboarding_url"`
}

// StateToken is an issued token without its value.
type StateToken struct {
	ID        string     `json:"id"`
	Kind      string     `json:"kind"`
	ClientID  string     `json:"client_id"`
	OrgID     string     `json:"org_id"`
	Site      string     `json:"site"`
	Scopes    []string   `json:"scopes"`
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
	Revoked   bool       `json:"revoked"`
}

// StateAPIKey is an API key with only its last four characters.
type StateAPIKey struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	OrgID     string    `json:"org_id"`
	ClientID  string    `json:"client_id"`
	Site      string    `json:"site"`
	Last4     string    `json:"last4"`
	CreatedAt time.Time `json:"created_at"`
}

// StateAuthCode is an authorization code's status.
type StateAuthCode struct {
	ClientID string    `json:"client_id"`
	Used     bool      `json:"used"`
	Expires  time.Time `json:"expires_at"`
}

// State lists the sandbox's state.
func (s *Server) State() State {
	s.mu.Lock()
	defer s.mu.Unlock()
	var st State
	for _, o := range s.orgs {
		st.Orgs = append(st.Orgs, struct {
			ID   string `json:"id"`
			Name string `json:"name"`
			Site string `json:"site"`
			Kind string `json:"kind"`
		}{o.ID, o.Name, o.Site, o.Kind})
	}
	for _, c := range s.clients {
		st.Clients = append(st.Clients, StateClient{c.ID, c.Name, c.Site, c.Kind, c.OwnerOrg, c.RedirectURIs, c.Scopes, c.OnboardingURL})
	}
	for _, t := range s.tokens {
		e := StateToken{ID: t.ID, Kind: t.Kind, ClientID: t.ClientID, OrgID: t.OrgID, Site: t.Site, Scopes: t.Scopes, Revoked: t.Revoked}
		if !t.Expires.IsZero() {
			exp := t.Expires
			e.ExpiresAt = &exp
		}
		st.Tokens = append(st.Tokens, e)
	}
	sort.Slice(st.Tokens, func(i, j int) bool { return st.Tokens[i].ID < st.Tokens[j].ID })
	for _, k := range s.apiKeys {
		st.APIKeys = append(st.APIKeys, StateAPIKey{k.ID, k.Name, k.OrgID, k.ClientID, k.Site, k.Key[len(k.Key)-4:], k.Created})
	}
	for _, c := range s.codes {
		st.Codes = append(st.Codes, StateAuthCode{c.clientID, c.used, c.expires})
	}
	st.Pending = len(s.pending)
	s.mu.Unlock()
	st.Objects, st.RateLimited = s.Objects(), s.RateLimited()
	s.mu.Lock()
	return st
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func (s *Server) controlHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /sandbox/discovery", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, s.Discovery())
	})
	mux.HandleFunc("GET /sandbox/state", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, s.State())
	})
	mux.HandleFunc("POST /sandbox/publish", func(w http.ResponseWriter, r *http.Request) {
		c, err := s.Publish(r.URL.Query().Get("site"))
		if err != nil {
			writeJSON(w, http.StatusBadRequest, map[string][]string{"errors": {err.Error()}})
			return
		}
		writeJSON(w, http.StatusOK, c)
	})
	mux.HandleFunc("POST /sandbox/faults", func(w http.ResponseWriter, r *http.Request) {
		var faults []Fault
		if err := json.NewDecoder(r.Body).Decode(&faults); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string][]string{"errors": {"the body must be a JSON list of faults"}})
			return
		}
		s.SetFaults(faults)
		writeJSON(w, http.StatusOK, map[string]int{"faults": len(faults)})
	})
	mux.HandleFunc("POST /sandbox/api_keys/revoke", func(w http.ResponseWriter, r *http.Request) {
		n := s.RevokeAPIKeys(r.URL.Query().Get("org_id"))
		writeJSON(w, http.StatusOK, map[string]int{"revoked": n})
	})
	return mux
}

// onFreePort is a loopback URI with its port replaced by one free now: the
// redirect URI seeded clients register when none is given. Like Datadog,
// the sandbox accepts only a registered URI, port included, so each sandbox
// (a test, a demo) registers a port of its own.
func onFreePort(uri string) string {
	u, err := url.Parse(uri)
	if err != nil {
		return uri
	}
	u.Host = net.JoinHostPort(u.Hostname(), strconv.Itoa(FreeLoopbackPort()))
	return u.String()
}

// FreeLoopbackPort is a port nothing listens on now, picked below Linux's
// ephemeral range (32768–60999): a redirect URI registered on one is bound
// much later, and a port the kernel hands out for ":0" may by then be an
// outgoing connection's ("address already in use" in a busy test run).
func FreeLoopbackPort() int {
	for range 100 {
		p := 20000 + mrand.IntN(12000)
		if ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p))); err == nil {
			ln.Close()
			return p
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 8765
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// redirectAllowed: a registered redirect URI, byte for byte. Datadog's
// docs show no loopback port flexibility (RFC 8252 §7.3), so neither does
// the stand-in: a partner must register the exact test URI.
func (c *client) redirectAllowed(uri string) bool {
	for _, r := range c.RedirectURIs {
		if r == uri {
			return true
		}
	}
	return false
}

func (s *Server) findClient(id, site string) *client {
	for _, c := range s.clients {
		if c.ID == id && c.Site == site {
			return c
		}
	}
	return nil
}

func (s *Server) orgOf(site, kind string) *org {
	for _, o := range s.orgs {
		if o.Site == site && o.Kind == kind {
			return o
		}
	}
	return nil
}

func (s *Server) orgByID(id string) *org {
	for _, o := range s.orgs {
		if o.ID == id {
			return o
		}
	}
	return nil
}

// Browse follows a URL the way a browser would (redirects included), for
// demos and tests where no real browser can open: with AutoApprove the
// authorize redirect lands on the caller's loopback listener.
func Browse(u string) error {
	c := &http.Client{Timeout: 30 * time.Second}
	resp, err := c.Get(u)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 400 {
		return fmt.Errorf("GET %s answered %s", u, resp.Status)
	}
	return nil
}
