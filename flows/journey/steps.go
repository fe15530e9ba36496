package journey

import (
	"context"
	"fmt"
	"time"

	"github.com/oauthwiz/oauthwiz/flows/apikey"
	"github.com/oauthwiz/oauthwiz/flows/appmanifest"
	"github.com/oauthwiz/oauthwiz/flows/devplatform"
	"github.com/oauthwiz/oauthwiz/flows/platform"
	"github.com/oauthwiz/oauthwiz/flows/scopes"
	"github.com/oauthwiz/oauthwiz/flows/session"
)

// APIKeyRequest is what a front-end decides about the API key step.
type APIKeyRequest struct {
	Site   string
	Rotate bool
	// ConfirmRevoked is asked during a rotation, once the old key is to be
	// revoked on the API Keys page (see apikey.Options).
	ConfirmRevoked func(pageURL, keyName, last4 string) error
	Progress       func(string)
	// LastResort is given the key's value only if it could not be stored.
	LastResort func(key string)
}

// CreateAPIKey creates (or reuses, or rotates) the org's marketplace API
// key on a site, stored before anything else, then validated.
func (w *Workspace) CreateAPIKey(ctx context.Context, r APIKeyRequest) (*apikey.Result, error) {
	return apikey.Create(ctx, apikey.Options{Provider: w.Provider, Store: w.Store, NS: w.ns(r.Site), HTTPClient: w.HTTPClient,
		Rotate: r.Rotate, ConfirmRevoked: r.ConfirmRevoked, Now: w.Now, Progress: r.Progress, LastResort: r.LastResort})
}

// ScopesRequest is what a front-end decides about a scope check.
type ScopesRequest struct {
	Platform    platform.Platform // nil: Datadog
	Sites       []string
	Scopes      []string // "" uses each token's requested scopes
	Concurrency int
	Timeout     time.Duration
	OnResult    func(scopes.Result)
	Progress    func(site, text string)
	// Planned hears how many probes the run will make, once the sites'
	// tokens are known and before the first probe.
	Planned func(probes int)
}

// SiteError is a step that failed on one site (not authorized there, a
// token that could not be refreshed); the engines' messages name the site.
type SiteError struct {
	Site string
	Err  error
}

func (e *SiteError) Error() string { return e.Err.Error() }
func (e *SiteError) Unwrap() error { return e.Err }

// CheckScopes runs the scope-by-scope checks on the sites (each token
// refreshed first when it expires) and records the evidence for the pull
// request's body.
func (w *Workspace) CheckScopes(ctx context.Context, r ScopesRequest) (scopes.Report, error) {
	pl := r.Platform
	if pl == nil {
		pl = platform.Datadog{Provider: w.Provider}
	}
	var targets []scopes.Target
	for _, site := range r.Sites {
		progress := func(string) {}
		if r.Progress != nil {
			progress = func(s string) { r.Progress(site, s) }
		}
		t, err := platform.Target(ctx, pl, apikey.Options{Provider: w.Provider, Store: w.Store, NS: w.ns(site), HTTPClient: w.HTTPClient, Now: w.Now, Progress: progress})
		if err != nil {
			return scopes.Report{}, &SiteError{Site: site, Err: err}
		}
		if len(r.Scopes) > 0 {
			t.Requested = r.Scopes
		}
		targets = append(targets, t)
	}
	cat := pl.Probes()
	if r.Planned != nil {
		probes := 0
		for _, t := range targets {
			probes += scopes.Expected(&cat, t, nil)
		}
		r.Planned(probes)
	}
	rep := scopes.Run(ctx, scopes.Options{Catalog: &cat, Targets: targets, HTTPClient: w.HTTPClient, Concurrency: r.Concurrency, Timeout: r.Timeout,
		RunID: w.runID(), Now: w.Now, OnResult: r.OnResult})
	ev := &session.ScopeEvidence{RunID: rep.RunID, At: w.now().UTC()}
	for _, x := range rep.Results {
		ev.Results = append(ev.Results, session.ScopeResult{Site: x.Site, Scope: x.Scope, Probe: x.Probe, Status: x.Status, HTTPStatus: x.HTTPStatus, Endpoint: x.Endpoint, RequestID: x.RequestID})
	}
	if err := w.UpdateState(func(st *session.State) { st.ScopeChecks = ev }); err != nil {
		return rep, &RecordError{What: "the scope checks' evidence", Err: err}
	}
	return rep, nil
}

func (w *Workspace) now() time.Time {
	if w.Now == nil {
		return time.Now()
	}
	return w.Now()
}

// runID names a scope-check run (its objects are oauthwiz-check-<id>):
// nanoseconds, so that a run restarted within the second is told apart.
func (w *Workspace) runID() string {
	return fmt.Sprintf("%x", w.now().UnixNano()&0xffffffffff)
}

// Import creates the app from an exported manifest on another site, through
// the Developer Platform (the stand-in's import, or a person's and what they
// paste), and records the new client: its secret in the store first, its ID
// in the session.
func (w *Workspace) Import(ctx context.Context, dp devplatform.DevPlatform, site string, manifest []byte) (devplatform.Credentials, error) {
	if _, err := appmanifest.Clients("app-manifest.json", manifest); err != nil {
		return devplatform.Credentials{}, err
	}
	imp, err := dp.Import(ctx, site, manifest)
	if err != nil {
		return imp, err
	}
	if err := w.Store.Set(w.ns(site).ClientSecretKey(imp.ClientID), imp.ClientSecret); err != nil {
		return imp, fmt.Errorf("storing the new client secret: %w", err)
	}
	return imp, w.UpdateState(func(st *session.State) {
		st.SetClient(site, w.kind(), session.ClientRecord{ClientID: imp.ClientID, ImportedAt: w.now().UTC()})
	})
}

// ImportedClient is the client ID recorded for a site by an import ("" when
// none was).
func (w *Workspace) ImportedClient(site string) string {
	return w.State().Clients[session.ClientKey(site, w.kind())].ClientID
}
