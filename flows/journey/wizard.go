package journey

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/oauthwiz/oauthwiz/assets"
	"github.com/oauthwiz/oauthwiz/checks"
	"github.com/oauthwiz/oauthwiz/flows/apikey"
	"github.com/oauthwiz/oauthwiz/flows/datadog"
	"github.com/oauthwiz/oauthwiz/flows/devplatform"
	"github.com/oauthwiz/oauthwiz/flows/integration"
	"github.com/oauthwiz/oauthwiz/flows/platform"
	"github.com/oauthwiz/oauthwiz/flows/pullrequest"
	"github.com/oauthwiz/oauthwiz/flows/readme"
	"github.com/oauthwiz/oauthwiz/flows/scopes"
	"github.com/oauthwiz/oauthwiz/flows/secrets"
	"github.com/oauthwiz/oauthwiz/flows/session"
)

// AuthorizeRequest is what the authorize step asks of the flows.
type AuthorizeRequest struct {
	Site, ClientID, ClientSecret, RedirectURI string
	Scopes                                    []string
	Timeout                                   time.Duration
	// Pasted carries the addresses the person pastes (the callback of a
	// paste-back redirect URI, or of a browser on another machine).
	Pasted <-chan string
	// OnIgnored says why a pasted address (or a stray callback) did not
	// end the wait.
	OnIgnored func(reason string)
}

// Authorized is a completed authorization, without token values.
type Authorized struct {
	Site, Org, OrgID string
	Granted, Missing []string
	Requested        []string
	Expiry           time.Time
	APIBase          string // where the token's API lives (an app's region)
}

// Resume is what an earlier run left: the case, and the first site's
// authorization and API key (their evidence, never their values).
type Resume struct {
	Case       integration.Case
	Site       string
	ClientID   string
	Authorized *Authorized
	APIKey     *apikey.Result
	// Later steps' evidence, from the integration's session.
	Scopes         *scopes.Report // the last scope-check run
	PullRequestURL string
	AppUUID        string
	Retested       []string // sites the published client was authorized on
}

// Flows runs the flows/ packages.
type Flows struct {
	// Getenv is the environment as the front-end has it (nil: none).
	Getenv      func(string) string
	Provider    *datadog.Provider
	Store       secrets.Store
	Integration string
	Kind        secrets.Kind
	OpenBrowser func(string) error
	Now         func() time.Time
	// StateDir holds the integration's session state (empty: none).
	StateDir string
	// DevPlatform is the Developer Platform (nil: real Datadog's, by hand).
	DevPlatform devplatform.DevPlatform
	// The pull request and publish steps.
	Dir         string // the integration folder
	GitHubURL   string // "" for github.com
	GitHubToken string
	Author      *object.Signature // nil: the git identity
}

func (f Flows) ns(site string) secrets.Namespace {
	return secrets.Namespace{Integration: f.Integration, Site: site, Kind: f.Kind}
}

// Authorize implements Flows.
func (f Flows) Authorize(ctx context.Context, req AuthorizeRequest, onURL func(string)) (Authorized, error) {
	res, err := f.workspace().Authorize(ctx, req.spec(nil, f.OpenBrowser, onURL))
	if err != nil {
		return Authorized{}, err
	}
	return Authorized{Site: res.Site, Org: res.Callback.OrgName, OrgID: res.Callback.OrgID, Granted: res.ScopesGranted, Missing: res.ScopesMissing, Expiry: res.Token.Expiry}, nil
}

// spec is the request as the Authorize use case takes it: the secret was
// typed or pasted on this run, so it is kept once accepted; the URL to open
// goes to onURL.
func (req AuthorizeRequest) spec(pl platform.Platform, open func(string) error, onURL func(string)) AuthorizeSpec {
	return AuthorizeSpec{Platform: pl, Site: req.Site, ClientID: req.ClientID, ClientSecret: req.ClientSecret, KeepSecret: true,
		RedirectURI: req.RedirectURI, Scopes: req.Scopes, Timeout: req.Timeout, OpenBrowser: open, Pasted: req.Pasted,
		Report: func(stage Stage, detail string) {
			switch {
			case stage == StageListening:
				onURL(detail)
			case stage == StageIgnored && req.OnIgnored != nil:
				req.OnIgnored(detail)
			}
		}}
}

// Check implements Flows: the checks as every front-end runs them (the
// recorded case and app_uuid, the stored secrets as canaries).
func (f Flows) Check(ctx context.Context, dir string) ([]checks.Finding, error) {
	w := f.workspace()
	w.Info.Dir = dir
	return w.Check(ctx)
}

// workspace is the integration's journey workspace.
func (f Flows) workspace() *Workspace {
	return &Workspace{Getenv: f.Getenv, Provider: f.Provider, Store: f.Store, StateDir: f.StateDir, Integration: f.Integration, Kind: f.Kind, Now: f.Now,
		Info: integration.Info{Dir: f.Dir, HasManifest: true}}
}

// PlanFixes implements Flows.
func (f Flows) PlanFixes(dir string) ([]*readme.FileEdit, error) { return PlanFixes(dir) }

// PlanFixes plans the README fix, then the manifest fix as it will be once the
// README is fixed.
func PlanFixes(dir string) ([]*readme.FileEdit, error) {
	var out []*readme.FileEdit
	if _, err := readme.PlanManifest(dir, ""); errors.Is(err, readme.ErrNothingToFix) {
		return nil, nil // not an OAuth integration: no uninstallation edits apply
	}
	r, err := readme.PlanReadme(dir, "")
	if err != nil {
		return nil, err
	}
	if r != nil {
		out = append(out, r)
	}
	m, err := readme.PlanManifest(dir, "")
	if err != nil && !errors.Is(err, readme.ErrNothingToFix) {
		return nil, err
	}
	if m != nil {
		out = append(out, m)
	}
	return out, nil
}

// SaveCase implements Flows.
func (f Flows) SaveCase(c integration.Case) error {
	return f.updateState(func(st *session.State) { st.Case = string(c) })
}

// LoadResume reads an earlier run's progress for the wizard to resume.
func (f Flows) LoadResume() *Resume {
	st := f.state()
	r := &Resume{Case: integration.Case(st.Case)}
	for _, s := range assets.Sites() {
		var tok secrets.TokenRecord
		if secrets.GetJSON(f.Store, f.ns(s.ID).TokenKey(), &tok) != nil {
			continue
		}
		r.Site, r.ClientID = s.ID, tok.ClientID
		r.Authorized = &Authorized{Site: s.ID, Org: tok.OrgName, OrgID: tok.OrgID, Granted: tok.ScopesGranted, Expiry: tok.Expiry}
		var key secrets.APIKeyRecord
		if secrets.GetJSON(f.Store, f.ns(s.ID).APIKeyKey(tok.OrgID), &key) == nil {
			r.APIKey = &apikey.Result{Site: s.ID, Org: tok.OrgName, OrgID: tok.OrgID, KeyID: key.ID, Last4: key.Last4, Name: key.Name, Valid: true}
		}
		break
	}
	if ev := st.ScopeChecks; ev != nil {
		rep := &scopes.Report{RunID: ev.RunID}
		for _, x := range ev.Results {
			rep.Results = append(rep.Results, scopes.Result{Site: x.Site, Scope: x.Scope, Probe: x.Probe, Status: x.Status, HTTPStatus: x.HTTPStatus, Endpoint: x.Endpoint, RequestID: x.RequestID})
		}
		r.Scopes = rep
	}
	r.PullRequestURL, r.AppUUID = st.PullRequestURL, st.PublishedAppUUID
	for site := range st.PublishedTests {
		r.Retested = append(r.Retested, site)
	}
	if r.Case == "" && r.Site == "" {
		return nil
	}
	return r
}

// ApplyFixes implements Flows.
func (f Flows) ApplyFixes(edits []*readme.FileEdit) error {
	for _, e := range edits {
		if err := e.Write(); err != nil {
			return err
		}
	}
	return nil
}

// CreateAPIKey implements Flows.
func (f Flows) CreateAPIKey(ctx context.Context, site, clientID string) (*apikey.Result, error) {
	var unstored string
	res, err := f.workspace().CreateAPIKey(ctx, APIKeyRequest{Site: site, LastResort: func(key string) { unstored = key }})
	if err != nil && unstored != "" {
		return nil, &UnstoredKeyError{Key: unstored, Err: err}
	}
	return res, err
}

// UnstoredKeyError is an API key Datadog created that could not be stored
// anywhere: its value, shown once, is the only copy left. The error's text
// never holds the key.
type UnstoredKeyError struct {
	Key string
	Err error
}

func (e *UnstoredKeyError) Error() string { return e.Err.Error() }
func (e *UnstoredKeyError) Unwrap() error { return e.Err }

// KnownClient is what is known of the client on a site before asking: the
// stand-in's seeded client, or the client ID and secret an earlier run
// stored (and the seeded client's scopes, when there is one).
type KnownClient struct {
	ClientID, ClientSecret string
	Scopes                 []string
	// RedirectURI is the one the client last authorized with here.
	RedirectURI string
	// Seeded are the stand-in client's registered redirect URIs.
	Seeded []string
}

// Known implements the wizard's Flows.
func (f Flows) Known(site string) KnownClient {
	var k KnownClient
	if c, ok := f.devPlatform().Seeded(site, f.kind()); ok {
		k = KnownClient{ClientID: c.ClientID, ClientSecret: c.ClientSecret, Scopes: c.Scopes, Seeded: c.RedirectURIs}
	}
	if k.ClientID == "" {
		var rec secrets.TokenRecord
		if secrets.GetJSON(f.Store, f.ns(site).TokenKey(), &rec) == nil {
			k.ClientID = rec.ClientID
		}
	}
	if k.ClientSecret == "" {
		if v, err := secrets.ClientSecret(f.Store, f.ns(site), k.ClientID); err == nil {
			k.ClientSecret = v
		}
	}
	k.RedirectURI = f.workspace().RememberedRedirect(site, k.ClientID)
	return k
}

func (f Flows) kind() secrets.Kind {
	if f.Kind == "" {
		return secrets.Test
	}
	return f.Kind
}

// devPlatform is f's Developer Platform, real Datadog's when none is set.
func (f Flows) devPlatform() devplatform.DevPlatform {
	if f.DevPlatform == nil {
		return devplatform.Manual{Provider: f.Provider}
	}
	return f.DevPlatform
}

// SiteRow is one line of the site matrix.
type SiteRow struct {
	Site        string
	Documented  bool // OAuth is documented on the site
	ClientID    string
	Imported    bool // a manifest import made its client (or it is the first site)
	Credentials bool // a client secret is stored
	Authorized  bool
	Org         string
	APIKey      bool
	ScopesPass  int
	ScopesFail  int
	Probes      int // how many probes a scope check makes here with the stored token
}

func (f Flows) state() session.State {
	if f.StateDir == "" {
		return session.State{Integration: f.Integration}
	}
	st, _ := session.Load(f.StateDir, f.Integration)
	return st
}

// updateState changes the saved state (nothing to save without a folder).
func (f Flows) updateState(change func(*session.State)) error {
	if f.StateDir == "" {
		return nil
	}
	return session.Update(f.StateDir, f.Integration, func(s *session.State) error { change(s); return nil })
}

// clientFor is the client ID in use on a site: imported, authorized, or the
// sandbox's own.
func (f Flows) clientFor(site string) string {
	if id := f.workspace().clientFor(f.state(), site); id != "" {
		return id
	}
	c, _ := f.devPlatform().Seeded(site, f.kind())
	return c.ClientID
}

// SiteMatrix implements SiteFlows.
func (f Flows) SiteMatrix(ctx context.Context) ([]SiteRow, error) {
	st := f.state()
	cat := platform.Datadog{Provider: f.Provider}.Probes()
	var rows []SiteRow
	for _, s := range assets.Sites() {
		ns := f.ns(s.ID)
		row := SiteRow{Site: s.ID, Documented: s.OAuthDocumented, ClientID: f.clientFor(s.ID)}
		_, row.Imported = st.Clients[session.ClientKey(s.ID, f.Kind)]
		if _, err := secrets.ClientSecret(f.Store, ns, row.ClientID); err == nil {
			row.Credentials = true
		}
		var tok secrets.TokenRecord
		if secrets.GetJSON(f.Store, ns.TokenKey(), &tok) == nil {
			row.Authorized, row.Org = true, tok.OrgName
			row.Probes = scopes.Expected(&cat, scopes.Target{Granted: tok.ScopesGranted, Requested: tok.ScopesRequested}, nil)
			if _, err := f.Store.Get(ns.APIKeyKey(tok.OrgID)); err == nil {
				row.APIKey = true
			}
		}
		if ev := st.ScopeChecks; ev != nil {
			for _, r := range ev.Results {
				if r.Site == s.ID {
					switch r.Status {
					case scopes.Pass:
						row.ScopesPass++
					case scopes.Fail:
						row.ScopesFail++
					}
				}
			}
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// ImportManifest implements SiteFlows: the manifest exported on from is
// imported on to, and the new client recorded there. Real Datadog's pages
// are the person's: that comes back as devplatform.ErrManual.
func (f Flows) ImportManifest(ctx context.Context, from, to string) (string, error) {
	dp := f.devPlatform()
	b, err := dp.Export(ctx, from, f.clientFor(from))
	if err != nil {
		return "", err
	}
	imp, err := f.workspace().Import(ctx, dp, to, b)
	return imp.ClientID, err
}

// AuthorizeSite implements SiteFlows.
func (f Flows) AuthorizeSite(ctx context.Context, site string, sc []string, redirect string, timeout time.Duration, onURL func(string)) (Authorized, error) {
	id := f.clientFor(site)
	secret, err := secrets.ClientSecret(f.Store, f.ns(site), id)
	if id == "" || err != nil {
		return Authorized{}, fmt.Errorf("no client credentials for %s yet: import the app manifest there first (i)", site)
	}
	return f.Authorize(ctx, AuthorizeRequest{Site: site, ClientID: id, ClientSecret: secret, RedirectURI: redirect, Scopes: sc, Timeout: timeout}, onURL)
}

// CheckScopes implements SiteFlows.
func (f Flows) CheckScopes(ctx context.Context, sites []string, onResult func(scopes.Result)) (scopes.Report, error) {
	return f.workspace().CheckScopes(ctx, ScopesRequest{Sites: sites, OnResult: onResult})
}

// PublishSummary is what the publish step did.
type PublishSummary struct {
	ClientID, AppUUID string
	Written           bool   // app_uuid written into manifest.json and pushed
	Note              string // why app_uuid was left alone
	Retests           map[string]string
}

// PublishCall is what the publish step knows: the site the app was made
// on, and how to authorize again (scopes, redirect URI).
type PublishCall struct {
	Site, RedirectURI string
	Scopes            []string
	Timeout           time.Duration // how long each re-test waits for the browser
	// Confirm is asked, with the edit's diff, before app_uuid is written
	// into manifest.json (nil: it is written).
	Confirm func(edit *readme.FileEdit) (bool, error)
}

// PlanPR implements PRFlows.
func (f Flows) PlanPR(ctx context.Context) (*pullrequest.Result, error) {
	return f.workspace().PlanPR(ctx, f.prRequest(false))
}

// OpenPR implements PRFlows.
func (f Flows) OpenPR(ctx context.Context, plan *pullrequest.Result, rebase bool, progress func(string)) (*pullrequest.Result, error) {
	if f.GitHubToken == "" {
		return nil, errors.New("no GitHub token: quit, set GH_TOKEN (a token with the repo or public_repo scope) and come back, or run 'oauthwiz pr'")
	}
	r := f.prRequest(rebase)
	gh, err := pullrequest.NewGitHub(nil, f.GitHubURL, f.GitHubToken)
	if err != nil {
		return nil, err
	}
	r.GitHub, r.Auth, r.Progress = gh, pullrequest.NewGitAuth(f.GitHubToken, f.GitHubURL), progress
	return f.workspace().OpenPR(ctx, r, plan)
}

// prRequest is the wizard's pull request: the defaults 'oauthwiz pr' has;
// rebase answers the question of a fork's branch that moved on (asked on
// the screen after a first push was rejected).
func (f Flows) prRequest(rebase bool) PRRequest {
	return PRRequest{Author: f.Author, Rebase: func(string) bool { return rebase }}
}

// Publish implements PRFlows: the stand-in's Publishing tab is automated;
// real Datadog's values are pasted in 'oauthwiz publish'.
func (f Flows) Publish(ctx context.Context, req PublishCall, onURL func(string)) (PublishSummary, error) {
	dp := f.devPlatform()
	if !dp.Automated() {
		return PublishSummary{}, devplatform.ErrManual
	}
	jr := PublishRequest{Site: req.Site, DevPlatform: dp, ConfirmEdit: req.Confirm,
		Retest: func(ctx context.Context, site, _ string) (string, error) {
			pub := f
			pub.Kind = secrets.Published
			res, err := pub.AuthorizeSite(ctx, site, req.Scopes, req.RedirectURI, req.Timeout, onURL)
			return res.Org, err
		}}
	if f.GitHubToken != "" {
		gh, err := pullrequest.NewGitHub(nil, f.GitHubURL, f.GitHubToken)
		if err != nil {
			return PublishSummary{}, err
		}
		push := f.prRequest(false)
		push.GitHub, push.Auth = gh, pullrequest.NewGitAuth(f.GitHubToken, f.GitHubURL)
		jr.Push = &push
	}
	res, err := f.workspace().Publish(ctx, jr)
	if res == nil || res.Outcome == nil {
		return PublishSummary{}, err
	}
	return PublishSummary{ClientID: res.ClientID, AppUUID: res.AppUUID, Note: res.Note, Written: res.Written, Retests: res.Retests}, err
}

// AppFlows runs an app's journey with flows/.
type AppFlows struct {
	Platform    platform.Platform
	Store       secrets.Store
	Integration string // the name secrets are keyed by
	OpenBrowser func(string) error
	Now         func() time.Time
}

func (f AppFlows) ns(site string) secrets.Namespace {
	return secrets.Namespace{Integration: f.Integration, Site: site, Kind: secrets.Test}
}

// AuthorizeApp implements AppFlows.
func (f AppFlows) AuthorizeApp(ctx context.Context, req AuthorizeRequest, onURL func(string)) (Authorized, error) {
	w := &Workspace{Store: f.Store, Integration: f.Integration, Kind: secrets.Test, Now: f.Now}
	res, err := w.Authorize(ctx, req.spec(f.Platform, f.OpenBrowser, onURL))
	if err != nil {
		return Authorized{}, err
	}
	base, _ := f.Platform.APIBase(res.Site)
	return Authorized{Site: res.Site, Org: res.Callback.OrgName, Granted: res.ScopesGranted, Missing: res.ScopesMissing, Requested: res.ScopesRequested,
		Expiry: res.Token.Expiry, APIBase: base}, nil
}

// CheckApp implements AppFlows.
func (f AppFlows) CheckApp(ctx context.Context, site string, onResult func(scopes.Result)) (scopes.Report, error) {
	// A token older than its lifetime is refreshed first (and, on PagerDuty,
	// the new refresh token stored).
	t, err := platform.Target(ctx, f.Platform, apikey.Options{Store: f.Store, NS: f.ns(site), Now: f.Now})
	if err != nil {
		return scopes.Report{}, err
	}
	cat := f.Platform.Probes()
	return scopes.Run(ctx, scopes.Options{Catalog: &cat, OnResult: onResult, Targets: []scopes.Target{t}}), nil
}
