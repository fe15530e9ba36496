package tui

import (
	"context"
	"fmt"
	"time"

	"github.com/oauthwiz/oauthwiz/assets"
	"github.com/oauthwiz/oauthwiz/flows/apikey"
	"github.com/oauthwiz/oauthwiz/flows/appmanifest"
	"github.com/oauthwiz/oauthwiz/flows/platform"
	"github.com/oauthwiz/oauthwiz/flows/scopes"
	"github.com/oauthwiz/oauthwiz/flows/secrets"
	"github.com/oauthwiz/oauthwiz/flows/session"
)

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
}

// SiteFlows are the side effects of the every-site and every-scope step.
type SiteFlows interface {
	SiteMatrix(ctx context.Context) ([]SiteRow, error)
	// ImportManifest brings the client of site from to site to: new
	// credentials, recorded. Against real Datadog it returns devplatform.ErrManual.
	ImportManifest(ctx context.Context, from, to string) (clientID string, err error)
	// AuthorizeSite authorizes with the client recorded for a site.
	AuthorizeSite(ctx context.Context, site string, scopes []string, redirect string, timeout time.Duration, onURL func(string)) (Authorized, error)
	// CheckScopes runs the scope checks on the authorized sites.
	CheckScopes(ctx context.Context, sites []string, onResult func(scopes.Result)) (scopes.Report, error)
}

func (f RealFlows) state() session.State {
	if f.StateDir == "" {
		return session.State{Integration: f.Integration}
	}
	st, _ := session.Load(f.StateDir, f.Integration)
	return st
}

// updateState changes the saved state (nothing to save without a folder).
func (f RealFlows) updateState(change func(*session.State)) error {
	if f.StateDir == "" {
		return nil
	}
	return session.Update(f.StateDir, f.Integration, func(s *session.State) error { change(s); return nil })
}

// clientFor is the client ID in use on a site: imported, authorized, or the
// sandbox's own.
func (f RealFlows) clientFor(site string) string {
	if rec, ok := f.state().Clients[session.ClientKey(site, f.Kind)]; ok {
		return rec.ClientID
	}
	var tok secrets.TokenRecord
	if secrets.GetJSON(f.Store, f.ns(site).TokenKey(), &tok) == nil {
		return tok.ClientID
	}
	c, _ := seeded(f.DevPlatform, site, f.Kind)
	return c.ClientID
}

// SiteMatrix implements SiteFlows.
func (f RealFlows) SiteMatrix(ctx context.Context) ([]SiteRow, error) {
	st := f.state()
	var rows []SiteRow
	for _, s := range assets.Sites() {
		ns := f.ns(s.ID)
		row := SiteRow{Site: s.ID, Documented: s.OAuthDocumented, ClientID: f.clientFor(s.ID)}
		_, row.Imported = st.Clients[session.ClientKey(s.ID, f.Kind)]
		if _, err := f.Store.Get(ns.ClientSecretKey()); err == nil {
			row.Credentials = true
		}
		var tok secrets.TokenRecord
		if secrets.GetJSON(f.Store, ns.TokenKey(), &tok) == nil {
			row.Authorized, row.Org = true, tok.OrgName
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
func (f RealFlows) ImportManifest(ctx context.Context, from, to string) (string, error) {
	dp := f.devPlatform()
	b, err := dp.Export(ctx, from, f.clientFor(from))
	if err != nil {
		return "", err
	}
	if _, err := appmanifest.Clients("export.json", b); err != nil {
		return "", err
	}
	imp, err := dp.Import(ctx, to, b)
	if err != nil {
		return "", err
	}
	if err := f.Store.Set(f.ns(to).ClientSecretKey(), imp.ClientSecret); err != nil {
		return "", err
	}
	return imp.ClientID, f.updateState(func(st *session.State) {
		st.SetClient(to, f.Kind, session.ClientRecord{ClientID: imp.ClientID, ImportedAt: f.now().UTC()})
	})
}

// AuthorizeSite implements SiteFlows.
func (f RealFlows) AuthorizeSite(ctx context.Context, site string, sc []string, redirect string, timeout time.Duration, onURL func(string)) (Authorized, error) {
	id := f.clientFor(site)
	secret, err := f.Store.Get(f.ns(site).ClientSecretKey())
	if id == "" || err != nil {
		return Authorized{}, fmt.Errorf("no client credentials for %s yet: import the app manifest there first (i)", site)
	}
	return f.Authorize(ctx, AuthorizeRequest{Site: site, ClientID: id, ClientSecret: secret, RedirectURI: redirect, Scopes: sc, Timeout: timeout}, onURL)
}

// CheckScopes implements SiteFlows.
func (f RealFlows) CheckScopes(ctx context.Context, sites []string, onResult func(scopes.Result)) (scopes.Report, error) {
	var targets []scopes.Target
	for _, site := range sites {
		t, err := platform.Target(ctx, platform.Datadog{Provider: f.Provider}, apikey.Options{Provider: f.Provider, Store: f.Store, NS: f.ns(site), Now: f.Now})
		if err != nil {
			return scopes.Report{}, err
		}
		targets = append(targets, t)
	}
	rep := scopes.Run(ctx, scopes.Options{Targets: targets, OnResult: onResult})
	ev := &session.ScopeEvidence{RunID: rep.RunID, At: time.Now().UTC()}
	for _, r := range rep.Results {
		ev.Results = append(ev.Results, session.ScopeResult{Site: r.Site, Scope: r.Scope, Probe: r.Probe, Status: r.Status, HTTPStatus: r.HTTPStatus, Endpoint: r.Endpoint, RequestID: r.RequestID})
	}
	return rep, f.updateState(func(st *session.State) { st.ScopeChecks = ev })
}
