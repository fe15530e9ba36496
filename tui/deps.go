package tui

import (
	"context"
	"errors"
	"time"

	"github.com/oauthwiz/oauthwiz/flows/devplatform"
	"github.com/oauthwiz/oauthwiz/flows/journey"

	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/oauthwiz/oauthwiz/assets"
	"github.com/oauthwiz/oauthwiz/checks"
	"github.com/oauthwiz/oauthwiz/flows/apikey"
	"github.com/oauthwiz/oauthwiz/flows/authorize"
	"github.com/oauthwiz/oauthwiz/flows/datadog"
	"github.com/oauthwiz/oauthwiz/flows/integration"
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
}

// Authorized is a completed authorization, without token values.
type Authorized struct {
	Site, Org, OrgID string
	Granted, Missing []string
	Requested        []string
	Expiry           time.Time
	APIBase          string // where the token's API lives (an app's region)
}

// Flows are the wizard's side effects; the real ones call flows/, tests stub them.
type Flows interface {
	// Authorize runs test authorization, stores the secret and the tokens,
	// and reports the URL the user must open through onURL.
	Authorize(ctx context.Context, req AuthorizeRequest, onURL func(string)) (Authorized, error)
	// CreateAPIKey creates or reuses the org's marketplace API key.
	CreateAPIKey(ctx context.Context, site, clientID string) (*apikey.Result, error)
	// Check runs the pre-submission checks on the integration folder.
	Check(ctx context.Context, dir string) ([]checks.Finding, error)
	// PlanFixes previews the README and manifest edits; ApplyFixes writes them.
	PlanFixes(dir string) ([]*readme.FileEdit, error)
	ApplyFixes(edits []*readme.FileEdit) error
	SiteFlows
	PRFlows
	// SaveCase records the publication case in the integration's session.
	SaveCase(c integration.Case) error
}

// Deps is what the wizard needs from outside.
type Deps struct {
	Provider    *datadog.Provider
	Store       secrets.Store
	Info        integration.Info
	Integration string // the name secrets are keyed by
	Kind        secrets.Kind
	// DevPlatform is the Developer Platform: the stand-in's, automated, or
	// real Datadog's, done by the person (nil: real Datadog's).
	DevPlatform devplatform.DevPlatform
	Flows       Flows
	Now         func() time.Time
	Version     string
	Demo        bool
	// RedirectURI overrides the client file's loopback redirect URI.
	RedirectURI string
	Timeout     time.Duration
	// Resume is the progress of an earlier run: the wizard opens at the
	// first step that is not done.
	Resume *Resume
	// App is another platform offered in the first step (PagerDuty); nil
	// offers Datadog only. Preselect ("pagerduty") puts the cursor on it.
	App       *App
	Preselect string
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

func (d Deps) ns(site string) secrets.Namespace {
	return secrets.Namespace{Integration: d.Integration, Site: site, Kind: d.Kind}
}

// RealFlows runs the flows/ packages.
type RealFlows struct {
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

func (f RealFlows) ns(site string) secrets.Namespace {
	return secrets.Namespace{Integration: f.Integration, Site: site, Kind: f.Kind}
}

// Authorize implements Flows.
func (f RealFlows) Authorize(ctx context.Context, req AuthorizeRequest, onURL func(string)) (Authorized, error) {
	res, err := authorize.Run(ctx, authorize.Options{
		Provider: f.Provider, Site: req.Site, ClientID: req.ClientID, ClientSecret: req.ClientSecret,
		RedirectURI: req.RedirectURI, Scopes: req.Scopes, Timeout: req.Timeout, OpenBrowser: f.OpenBrowser,
		OnURL: func(u, _ string) { onURL(u) },
	})
	if err != nil {
		return Authorized{}, err
	}
	// The secret is kept once Datadog accepted it: a mistyped one never
	// replaces the working secret.
	ns := f.ns(req.Site)
	if err := f.Store.Set(ns.ClientSecretKey(), req.ClientSecret); err != nil {
		return Authorized{}, err
	}
	if err := secrets.PutJSON(f.Store, ns.TokenKey(), res.Record(req.ClientID)); err != nil {
		return Authorized{}, err
	}
	return Authorized{Site: res.Site, Org: res.Callback.OrgName, OrgID: res.Callback.OrgID, Granted: res.ScopesGranted, Missing: res.ScopesMissing, Expiry: res.Token.Expiry}, nil
}

// Check implements Flows: the checks as every front-end runs them (the
// recorded case and app_uuid, the stored secrets as canaries).
func (f RealFlows) Check(ctx context.Context, dir string) ([]checks.Finding, error) {
	w := f.journey()
	w.Info.Dir = dir
	return w.Check(ctx)
}

// journey is the integration's journey workspace.
func (f RealFlows) journey() *journey.Workspace {
	return &journey.Workspace{Store: f.Store, StateDir: f.StateDir, Integration: f.Integration, Kind: f.Kind, Now: f.Now,
		Info: integration.Info{Dir: f.Dir, HasManifest: true}}
}

// PlanFixes implements Flows.
func (f RealFlows) PlanFixes(dir string) ([]*readme.FileEdit, error) { return PlanFixes(dir) }

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
func (f RealFlows) SaveCase(c integration.Case) error {
	return f.updateState(func(st *session.State) { st.Case = string(c) })
}

// LoadResume reads an earlier run's progress for the wizard to resume.
func (f RealFlows) LoadResume() *Resume {
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
func (f RealFlows) ApplyFixes(edits []*readme.FileEdit) error {
	for _, e := range edits {
		if err := e.Write(); err != nil {
			return err
		}
	}
	return nil
}

// CreateAPIKey implements Flows.
func (f RealFlows) CreateAPIKey(ctx context.Context, site, clientID string) (*apikey.Result, error) {
	return apikey.Create(ctx, apikey.Options{Provider: f.Provider, Store: f.Store, NS: f.ns(site), Now: f.Now})
}

// seeded is the client a Developer Platform holds already for a site and
// kind (the stand-in's), if any.
func seeded(dp devplatform.DevPlatform, site string, kind secrets.Kind) (devplatform.SeededClient, bool) {
	if dp == nil {
		return devplatform.SeededClient{}, false
	}
	return dp.Seeded(site, kind)
}

// devPlatform is f's Developer Platform, real Datadog's when none is set.
func (f RealFlows) devPlatform() devplatform.DevPlatform {
	if f.DevPlatform == nil {
		return devplatform.Manual{Provider: f.Provider}
	}
	return f.DevPlatform
}

func (f RealFlows) now() time.Time {
	if f.Now == nil {
		return time.Now()
	}
	return f.Now()
}
