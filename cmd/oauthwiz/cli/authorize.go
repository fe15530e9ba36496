package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/oauthwiz/oauthwiz/flows/devplatform"
	"github.com/oauthwiz/oauthwiz/flows/journey"
	"github.com/oauthwiz/oauthwiz/flows/words"

	"github.com/oauthwiz/oauthwiz/assets"
	"github.com/oauthwiz/oauthwiz/flows/authorize"
	"github.com/oauthwiz/oauthwiz/flows/datadog"
	"github.com/oauthwiz/oauthwiz/flows/integration"
	"github.com/oauthwiz/oauthwiz/flows/platform"
	"github.com/oauthwiz/oauthwiz/flows/secrets"
)

// ClientFlags are the flags every networked command shares.
type ClientFlags struct {
	Provider          string // datadog or pagerduty; only authorize and scopes check offer the flag
	Site              string
	ClientID          string
	Kind              string // test or published
	Integration       string
	Dir               string
	Sandbox           string
	ClientSecretStdin bool
	CredentialsFile   string
	JSON              bool
}

func (c *ClientFlags) register(f *flagSet) {
	f.String(&c.Site, "site", "", "Datadog site id: "+strings.Join(assets.SiteIDs(), ", "))
	f.String(&c.ClientID, "client-id", "", "OAuth client ID (default: the sandbox's client for the site)")
	f.String(&c.Kind, "kind", "test", "client kind: test or published")
	f.String(&c.Integration, "integration", "", "integration name that keys stored secrets (default: the folder's app_id or name)")
	f.String(&c.Dir, "dir", ".", "integration folder")
	f.String(&c.Sandbox, "sandbox", "", "control URL of an oauthwiz sandbox (instead of the real Datadog)")
	f.Bool(&c.ClientSecretStdin, "client-secret-stdin", false, "read the client secret from standard input (else $OAUTHWIZ_CLIENT_SECRET, the keyring, or a masked prompt)")
	f.String(&c.CredentialsFile, "credentials-file", "", `JSON file with "client_id" and "client_secret" (read, stored in the keyring; delete it afterwards)`)
	f.Bool(&c.JSON, "json", false, "print one JSON document on stdout")
}

// readCredentialsFile reads {"client_id": …, "client_secret": …}.
func readCredentialsFile(path string) (id, secret string, err error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", "", usagef("--credentials-file: %v", err)
	}
	var c struct {
		ClientID     string `json:"client_id"`
		ClientSecret string `json:"client_secret"`
	}
	if err := json.Unmarshal(b, &c); err != nil {
		return "", "", &UsageError{Msg: "--credentials-file " + integration.JSONError(path, b, err).Error()}
	}
	if c.ClientID == "" || c.ClientSecret == "" {
		return "", "", usagef("--credentials-file %s: needs both \"client_id\" and \"client_secret\"", path)
	}
	return c.ClientID, c.ClientSecret, nil
}

// kind is --kind as the client kind it names (checked by resolve).
func (c *ClientFlags) kind() secrets.Kind { return secrets.Kind(c.Kind) }

// resolved is what ClientFlags resolve to.
type resolved struct {
	provider    *datadog.Provider
	platform    platform.Platform
	discovery   *devplatform.Discovery
	sandboxCli  *devplatform.SeededClient
	info        integration.Info
	ns          secrets.Namespace
	store       secrets.Store
	clientID    string
	secret      string
	secretFresh bool // given now, to be stored
}

func (c *ClientFlags) resolve(ctx context.Context, sys *IO, needSecret bool) (*resolved, error) {
	if _, ok := secrets.ParseKind(c.Kind); !ok {
		return nil, usagef("--kind %q: use test or published", c.Kind)
	}
	ws, err := openPlatformWorkspace(ctx, sys, c.Provider, c.Sandbox, c.Dir, c.Integration)
	if err != nil {
		return nil, err
	}
	r := &resolved{provider: ws.provider, platform: ws.platform, discovery: ws.discovery, info: ws.info, store: ws.store}
	if c.Site == "" && !r.platform.ClientPerSite() {
		// One client for every region: refresh, revoke and checks go where
		// the token was stored.
		c.Site = firstOr(ws.authorizedSites(c.kind()), r.platform.DefaultSite())
	}
	if c.Site == "" {
		return nil, usagef("no %s: pass --site (one of %s) or set OAUTHWIZ_SITE", r.platform.SiteNoun(), strings.Join(r.platform.Sites(), ", "))
	}
	if err := r.platform.CheckSite(c.Site); err != nil {
		return nil, &UsageError{Msg: "--site: " + err.Error()}
	}
	name := ws.name
	r.ns = secrets.Namespace{Integration: name, Site: c.Site, Kind: c.kind()}
	r.sandboxCli = r.seeded(func(sc devplatform.SeededClient) bool {
		return sc.Platform() == r.platform.Name() && (sc.Site == c.Site || !r.platform.ClientPerSite()) && sc.Kind == c.kind() && (c.ClientID == "" || c.ClientID == sc.ClientID)
	})
	r.clientID = c.ClientID
	var fileSecret string
	if c.CredentialsFile != "" {
		id, secret, err := readCredentialsFile(c.CredentialsFile)
		if err != nil {
			return nil, err
		}
		if r.clientID != "" && r.clientID != id {
			return nil, usagef("--client-id %s differs from the client_id in %s", r.clientID, c.CredentialsFile)
		}
		r.clientID, fileSecret = id, secret
	}
	if r.clientID == "" {
		// A client imported on this site earlier (oauthwiz manifest import).
		jw := &journey.Workspace{Store: r.store, StateDir: sys.stateDir(), Integration: name, Kind: c.kind()}
		r.clientID = jw.ImportedClient(c.Site)
	}
	if r.clientID == "" && r.sandboxCli != nil {
		r.clientID = r.sandboxCli.ClientID
	}
	if exact := r.seeded(func(sc devplatform.SeededClient) bool { return sc.ClientID == r.clientID }); exact != nil {
		r.sandboxCli = exact // the sandbox's record of exactly that client
	}
	if r.clientID == "" {
		var rec secrets.TokenRecord
		if secrets.GetJSON(r.store, r.ns.TokenKey(), &rec) == nil {
			r.clientID = rec.ClientID
		}
	}
	if r.clientID == "" {
		return nil, usagef("no client ID: pass --client-id, --credentials-file (the JSON the %s console offers once) or set OAUTHWIZ_CLIENT_ID", r.platform.Title())
	}
	if !needSecret {
		return r, nil
	}
	return r, r.resolveSecret(ctx, sys, c, fileSecret)
}

// resolveSecret finds the client secret: a credentials file, standard
// input, the environment, the store, the sandbox's seeded client, or a
// masked prompt.
func (r *resolved) resolveSecret(ctx context.Context, sys *IO, c *ClientFlags, fileSecret string) error {
	var err error
	switch {
	case fileSecret != "":
		r.secret, r.secretFresh = fileSecret, true
	case c.ClientSecretStdin:
		if r.secret, err = readLine(sys.lines()); err != nil || r.secret == "" {
			return usagef("--client-secret-stdin: no secret on standard input")
		}
		r.secretFresh = true
	case sys.Getenv("OAUTHWIZ_CLIENT_SECRET") != "":
		r.secret, r.secretFresh = sys.Getenv("OAUTHWIZ_CLIENT_SECRET"), true
	}
	if r.secret == "" {
		if v, err := secrets.ClientSecret(r.store, r.ns, r.clientID); err == nil {
			r.secret = v
		}
	}
	if r.secret == "" && r.sandboxCli != nil && r.sandboxCli.ClientID == r.clientID {
		r.secret, r.secretFresh = r.sandboxCli.ClientSecret, true
	}
	if r.secret != "" {
		return nil
	}
	p := sys.prompter()
	if p == nil {
		return usagef("no client secret: set OAUTHWIZ_CLIENT_SECRET or pass --client-secret-stdin (no terminal to prompt on)")
	}
	if r.secret, err = p.AskSecret(ctx, "Client secret (input hidden): "); err != nil || r.secret == "" {
		return usagef("no client secret entered")
	}
	r.secretFresh = true
	return nil
}

// seeded is the sandbox's first seeded client that match accepts (nil: none,
// or no sandbox).
func (r *resolved) seeded(match func(devplatform.SeededClient) bool) *devplatform.SeededClient {
	if r.discovery == nil {
		return nil
	}
	for i, sc := range r.discovery.Clients {
		if match(sc) {
			return &r.discovery.Clients[i]
		}
	}
	return nil
}

// AuthorizeOptions is `oauthwiz authorize`.
type AuthorizeOptions struct {
	ClientFlags
	RedirectURI string
	Scopes      string
	Timeout     time.Duration
	NoBrowser   bool
	Paste       bool
	Start       string // "authorize" or "test-authorization"
	Refresh     bool
	Revoke      bool
}

// AuthorizeJSON is the --json document.
type AuthorizeJSON struct {
	Provider        string   `json:"provider"`
	Site            string   `json:"site"`
	APIBase         string   `json:"api_base,omitempty"`
	Org             string   `json:"org"`
	OrgID           string   `json:"org_id,omitempty"`
	ScopesRequested []string `json:"scopes_requested"`
	ScopesGranted   []string `json:"scopes_granted"`
	ScopesMissing   []string `json:"scopes_missing"`
	ExpiresAt       string   `json:"expires_at"`
	ExpiresIn       string   `json:"expires_in,omitempty"`
	AccessToken     string   `json:"access_token"`
	RefreshToken    string   `json:"refresh_token"`
	// RefreshRotated is true when a refresh returned a new refresh token
	// (PagerDuty's always do: the old one is spent).
	RefreshRotated bool   `json:"refresh_token_rotated,omitempty"`
	Action         string `json:"action"`
	// StoredIn is where the tokens (and a secret given on this run) went:
	// the keyring, or the file it fell back to.
	StoredIn string `json:"stored_in"`
}

func runAuthorizeCmd(ctx context.Context, sys *IO, args []string) error {
	var o AuthorizeOptions
	f := newFlags(sys, "authorize", "authorize --site SITE [--client-id ID] [flags]")
	o.register(f)
	f.String(&o.Provider, "provider", "datadog", "OAuth platform: datadog or pagerduty (PagerDuty: --site is the region, us or eu, read from the ID token)")
	f.String(&o.RedirectURI, "redirect-uri", "", "loopback redirect URI registered on the client (default: from assets/oauth_clients.json or the sandbox)")
	f.String(&o.Scopes, "scopes", "", "scopes to request, comma or space separated (default: the client's)")
	f.Duration(&o.Timeout, "timeout", 5*time.Minute, "how long to wait for the browser's callback")
	f.Bool(&o.NoBrowser, "no-browser", false, "print the authorization URL instead of opening a browser")
	f.Bool(&o.Paste, "paste", false, "also accept the final callback URL pasted on standard input (over SSH)")
	f.String(&o.Start, "start", "authorize", "where the browser starts: authorize (the endpoint) or test-authorization (the Developer Platform link, via the onboarding URL)")
	f.Bool(&o.Refresh, "refresh", false, "refresh the stored access token instead of authorizing")
	f.Bool(&o.Revoke, "revoke", false, "revoke the stored tokens")
	if err := f.parse(args); err != nil {
		return err
	}
	return RunAuthorize(ctx, sys, o)
}

// RunAuthorize is the work of `oauthwiz authorize`.
func RunAuthorize(ctx context.Context, sys *IO, o AuthorizeOptions) error {
	r, err := o.resolve(ctx, sys, true)
	if err != nil {
		return err
	}
	if o.Refresh || o.Revoke {
		return refreshOrRevoke(ctx, sys, o, r)
	}
	out, err := authorizeOnce(ctx, sys, o, r)
	if err != nil {
		return err
	}
	return printAuthorize(sys, o.JSON, out, r.store.Where())
}

func (r *resolved) authorizeOptions(sys *IO, o AuthorizeOptions) authorize.Options {
	return authorize.Options{Provider: r.platform, Site: o.Site, ClientID: r.clientID, ClientSecret: r.secret, HTTPClient: sys.HTTPClient, Timeout: o.Timeout}
}

// authorizeOnce runs one authorization in the browser and stores what it
// gave: the command prints the outcome, 'oauthwiz publish' re-tests with it.
func authorizeOnce(ctx context.Context, sys *IO, o AuthorizeOptions, r *resolved) (AuthorizeJSON, error) {
	pl := r.platform
	aopts, err := r.requestOptions(sys, o)
	if err != nil {
		return AuthorizeJSON{}, err
	}
	var pasted chan string
	if o.Paste {
		pasted = make(chan string)
		go func() {
			sc := bufio.NewScanner(sys.lines())
			sc.Buffer(make([]byte, 64*1024), 64*1024)
			for sc.Scan() {
				pasted <- sc.Text()
			}
		}()
	}
	jw := r.workspace(sys)
	spec := journey.AuthorizeSpec{Platform: pl, Site: aopts.Site, ClientID: r.clientID, ClientSecret: r.secret, KeepSecret: r.secretFresh,
		RedirectURI: aopts.RedirectURI, Scopes: aopts.Scopes, Timeout: o.Timeout, StartURL: aopts.StartURL, OnboardingURL: aopts.OnboardingURL,
		Pasted: pasted, Report: authorizeReport(sys, o, pl.SignInHint(o.Kind))}
	if !o.NoBrowser && sys.CanOpenBrowser {
		spec.OpenBrowser = sys.OpenBrowser
	}
	res, err := jw.Authorize(ctx, spec)
	if err != nil {
		var ae *authorize.Error
		if errors.As(err, &ae) && ae.Step == authorize.StepTimeout && !o.Paste {
			fmt.Fprintln(sys.Err, "Over SSH? Run again with --paste and paste the final URL from the browser's address bar.")
		}
		if errors.As(err, &ae) && ae.Step == authorize.StepToken && !r.secretFresh && strings.Contains(err.Error(), "invalid_client") {
			// The secret came from the store: say so, since nobody typed it.
			fmt.Fprintf(sys.Err, "The client secret stored for %s on %s was rejected: give the current one with --client-secret-stdin or OAUTHWIZ_CLIENT_SECRET (it is stored once Datadog accepts it).\n", r.ns.Integration, o.Site)
		}
		if errors.As(err, &ae) && ae.Step != authorize.StepCancelled {
			explainWith(sys.Err, err, pl.Diagnose)
		}
		return AuthorizeJSON{}, err
	}
	return r.record(sys, res)
}

// workspace is the journey workspace of the resolved integration.
func (r *resolved) workspace(sys *IO) *journey.Workspace {
	return &journey.Workspace{Provider: r.provider, HTTPClient: sys.HTTPClient, Store: r.store, StateDir: sys.stateDir(), Integration: r.ns.Integration, Kind: r.ns.Kind, Info: r.info, Now: sys.Now}
}

// requestOptions are the authorization request's: the scopes (the flag,
// the client file, the sandbox's client), the redirect URI and where the
// browser starts.
func (r *resolved) requestOptions(sys *IO, o AuthorizeOptions) (authorize.Options, error) {
	pl := r.platform
	aopts := r.authorizeOptions(sys, o)
	if o.Scopes != "" {
		aopts.Scopes = splitList(o.Scopes)
	} else if r.info.Client != nil && len(r.info.Client.Scopes) > 0 && clientFor(pl, r.info.Client.Scopes) {
		aopts.Scopes = r.info.Client.Scopes
	} else if r.sandboxCli != nil {
		aopts.Scopes = r.sandboxCli.Scopes
	}
	for _, s := range aopts.Scopes {
		if !pl.KnownScope(s) {
			fmt.Fprintf(sys.Err, "warning: %s\n", pl.UnknownScope(s))
		}
	}
	aopts.Scopes = pl.RequestScopes(aopts.Scopes)
	src := journey.RedirectSources{Given: o.RedirectURI, Client: r.info.Client, Paste: o.Paste, Default: pl.DefaultRedirectURI(),
		Remembered: r.workspace(sys).RememberedRedirect(o.Site, r.clientID)}
	if r.sandboxCli != nil {
		// The sandbox, like Datadog, takes only the URIs its client registered.
		src.Seeded = r.sandboxCli.RedirectURIs
	}
	redirect := journey.ChooseRedirect(src)
	aopts.RedirectURI = redirect.URI
	if redirect.TestOnly && o.RedirectURI == "" {
		fmt.Fprintf(sys.Err, "note: using %s, which must be registered on the TEST client (test only, never in oauth_clients.json); or pass --paste to use the client's own redirect URI\n", redirect.URI)
	}
	switch o.Start {
	case "authorize":
	case "test-authorization":
		if r.sandboxCli == nil || r.sandboxCli.TestAuthURL == "" {
			return aopts, usagef("--start test-authorization: open the Test Authorization link of your client in the Developer Platform instead; oauthwiz serves the onboarding URL on the redirect URI's port")
		}
		aopts.StartURL, aopts.OnboardingURL = r.sandboxCli.TestAuthURL, r.sandboxCli.OnboardingURL
		aopts.RedirectURI = firstOr(r.sandboxCli.RedirectURIs, aopts.RedirectURI)
	default:
		return aopts, usagef("--start %q: use authorize or test-authorization", o.Start)
	}
	return aopts, nil
}

// record describes what an authorization gave (the journey stored it),
// tokens masked, and warns about scopes granted otherwise than asked.
func (r *resolved) record(sys *IO, res *authorize.Result) (AuthorizeJSON, error) {
	pl := r.platform
	out := AuthorizeJSON{
		Provider: pl.Name(), Site: res.Site, Org: res.Callback.OrgName, OrgID: res.Callback.OrgID, ScopesRequested: nonNil(res.ScopesRequested),
		ScopesGranted: nonNil(res.ScopesGranted), ScopesMissing: nonNil(res.ScopesMissing),
		ExpiresAt: res.Token.Expiry.UTC().Format(time.RFC3339), ExpiresIn: authorize.Lifetime(res.Token.Expiry.Sub(sys.Now())),
		AccessToken: secrets.Mask(res.Token.AccessToken), RefreshToken: secrets.Mask(res.Token.RefreshToken), Action: "authorized",
	}
	out.APIBase, _ = pl.APIBase(res.Site)
	if len(res.ScopesMissing) > 0 {
		fmt.Fprintf(sys.Err, "warning: %s left requested scopes out of the token: %s. %s does not refuse a scope it does not know or the app lacks; check their spelling and the app's configuration.\n",
			pl.Title(), strings.Join(res.ScopesMissing, " "), pl.Title())
	}
	if len(res.ScopesExtra) > 0 {
		fmt.Fprintf(sys.Err, "warning: the token has scopes that were not requested: %s\n", strings.Join(res.ScopesExtra, " "))
	}
	return out, nil
}

// authorizeReport says what each stage of an authorization does: the URL
// to open, the wait for the callback, the exchange, and notes.
func authorizeReport(sys *IO, o AuthorizeOptions, signIn string) func(journey.Stage, string) {
	timeout := o.Timeout
	if timeout == 0 {
		timeout = 5 * time.Minute
	}
	return func(stage journey.Stage, detail string) {
		switch stage {
		case journey.StageListening:
			if o.NoBrowser || !sys.CanOpenBrowser {
				fmt.Fprintf(sys.Err, "Open this URL in a browser signed in to %s:\n\n  %s\n\n", signIn, detail)
			} else {
				fmt.Fprintf(sys.Err, "Opening your browser. If it does not open, visit:\n\n  %s\n\n", detail)
			}
		case journey.StageWaiting:
			if authorize.PasteBack(detail) {
				fmt.Fprintf(sys.Err, "After Authorize the browser lands on %s, your service's page. Paste the whole address it shows here and press Enter (waiting up to %s).\n", detail, timeout)
				fmt.Fprintln(sys.Err, "If your service there is live, it may exchange the code first: the exchange here then fails with invalid_grant. A test-only loopback redirect URI on the test client (--redirect-uri http://127.0.0.1:8765/oauth/callback) avoids it.")
				return
			}
			fmt.Fprintf(sys.Err, "Waiting up to %s (minutes:seconds) for the callback on %s …\n", words.Minutes(timeout), detail)
			if o.Paste {
				fmt.Fprintln(sys.Err, "Or paste the final URL from the browser's address bar here and press Enter:")
			}
		case journey.StageExchanging:
			fmt.Fprintln(sys.Err, "Callback received: exchanging the code for tokens …")
		case journey.StageIgnored:
			fmt.Fprintln(sys.Err, "note: "+detail)
		case journey.StageNote:
			fmt.Fprintln(sys.Err, strings.ToUpper(detail[:1])+detail[1:]+".")
		}
	}
}

func refreshOrRevoke(ctx context.Context, sys *IO, o AuthorizeOptions, r *resolved) error {
	jw := r.workspace(sys)
	spec := journey.ClientSpec{Platform: r.platform, Site: o.Site, ClientID: r.clientID, ClientSecret: r.secret, KeepSecret: r.secretFresh}
	var rec secrets.TokenRecord
	var rotated bool
	var err error
	if o.Revoke {
		rec, err = jw.Revoke(ctx, spec)
	} else {
		rec, rotated, err = jw.Refresh(ctx, spec)
	}
	switch {
	case errors.Is(err, authorize.ErrNotAuthorized):
		return usagef("no token stored for %s on %s: run 'oauthwiz authorize --site %s' first", r.ns.Integration, o.Site, o.Site)
	case err != nil && !o.Revoke:
		explainWith(sys.Err, err, r.platform.Diagnose)
		return &RemoteError{Err: err}
	case err != nil:
		return &RemoteError{Err: err}
	}
	out := AuthorizeJSON{Provider: r.platform.Name(), Site: rec.Site, Org: rec.OrgName, OrgID: rec.OrgID, ScopesRequested: nonNil(rec.ScopesRequested), ScopesGranted: nonNil(rec.ScopesGranted), ScopesMissing: []string{}}
	if o.Revoke {
		out.Action = "revoked"
		return printAuthorize(sys, o.JSON, out, r.store.Where())
	}
	out.RefreshRotated = rotated
	out.Action, out.ExpiresAt, out.ExpiresIn = "refreshed", rec.Expiry.UTC().Format(time.RFC3339), authorize.Lifetime(rec.Expiry.Sub(sys.Now()))
	out.AccessToken, out.RefreshToken = secrets.Mask(rec.AccessToken), secrets.Mask(rec.RefreshToken)
	return printAuthorize(sys, o.JSON, out, r.store.Where())
}

func printAuthorize(sys *IO, asJSON bool, out AuthorizeJSON, where string) error {
	out.StoredIn = where
	if asJSON {
		return json.NewEncoder(sys.Out).Encode(out)
	}
	switch out.Action {
	case "revoked":
		fmt.Fprintf(sys.Out, "Revoked the tokens of %s on %s and removed them from %s.\n", out.Org, out.Site, where)
		return nil
	case "refreshed":
		fmt.Fprintf(sys.Out, "Refreshed the access token for %s on %s: %s, valid until %s (%s).\n", orWord(out.Org, "the account"), out.Site, out.AccessToken, out.ExpiresAt, out.ExpiresIn)
		if out.RefreshRotated {
			fmt.Fprintf(sys.Out, "  new refresh token: %s (the old one is spent; it is replaced in the store)\n", out.RefreshToken)
		}
		return nil
	}
	fmt.Fprintf(sys.Out, "Authorized on %s as %s.\n", out.Site, orWord(out.Org, "the account that signed in"))
	if out.APIBase != "" && out.Provider != "datadog" {
		fmt.Fprintf(sys.Out, "  API host:       %s\n", out.APIBase)
	}
	fmt.Fprintf(sys.Out, "  scopes granted: %s\n", strings.Join(out.ScopesGranted, " "))
	if len(out.ScopesMissing) > 0 {
		fmt.Fprintf(sys.Out, "  scopes missing: %s\n", strings.Join(out.ScopesMissing, " "))
	}
	fmt.Fprintf(sys.Out, "  access token:   %s (expires %s, in %s)\n  refresh token:  %s\n  stored in:      %s\n", out.AccessToken, out.ExpiresAt, out.ExpiresIn, out.RefreshToken, where)
	return nil
}

// clientFor reports whether the folder's client (assets/oauth_clients.json,
// a Datadog integration's) is this platform's: always for Datadog — a scope
// outside the spec's catalog is Datadog's to judge, never a reason to set
// the client's list aside — and for another platform when it knows every
// scope.
func clientFor(pl platform.Platform, scopes []string) bool {
	if pl.Name() == "datadog" {
		return true
	}
	for _, s := range scopes {
		if !pl.KnownScope(s) {
			return false
		}
	}
	return true
}

func orWord(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func firstOr(list []string, def string) string {
	if len(list) > 0 {
		return list[0]
	}
	return def
}
