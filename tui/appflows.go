package tui

import (
	"context"
	"time"

	"github.com/oauthwiz/oauthwiz/flows/apikey"
	"github.com/oauthwiz/oauthwiz/flows/authorize"
	"github.com/oauthwiz/oauthwiz/flows/platform"
	"github.com/oauthwiz/oauthwiz/flows/scopes"
	"github.com/oauthwiz/oauthwiz/flows/secrets"
)

// RealAppFlows runs an app's journey with flows/.
type RealAppFlows struct {
	Platform    platform.Platform
	Store       secrets.Store
	Integration string // the name secrets are keyed by
	OpenBrowser func(string) error
	Now         func() time.Time
}

func (f RealAppFlows) ns(site string) secrets.Namespace {
	return secrets.Namespace{Integration: f.Integration, Site: site, Kind: secrets.Test}
}

// AuthorizeApp implements AppFlows.
func (f RealAppFlows) AuthorizeApp(ctx context.Context, req AuthorizeRequest, onURL func(string)) (Authorized, error) {
	res, err := authorize.Run(ctx, authorize.Options{
		Provider: f.Platform, Site: req.Site, ClientID: req.ClientID, ClientSecret: req.ClientSecret,
		RedirectURI: req.RedirectURI, Scopes: req.Scopes, Timeout: req.Timeout, OpenBrowser: f.OpenBrowser,
		OnURL: func(u, _ string) { onURL(u) },
	})
	if err != nil {
		return Authorized{}, err
	}
	site, err := f.Platform.SiteOfToken(res.Token, res.Site)
	if err != nil {
		return Authorized{}, err
	}
	res.Site = site
	ns := f.ns(site)
	if err := f.Store.Set(ns.ClientSecretKey(), req.ClientSecret); err != nil {
		return Authorized{}, err
	}
	if err := secrets.PutJSON(f.Store, ns.TokenKey(), res.Record(req.ClientID)); err != nil {
		return Authorized{}, err
	}
	base, _ := f.Platform.APIBase(site)
	return Authorized{Site: site, Org: res.Callback.OrgName, Granted: res.ScopesGranted, Missing: res.ScopesMissing, Requested: res.ScopesRequested,
		Expiry: res.Token.Expiry, APIBase: base}, nil
}

// CheckApp implements AppFlows.
func (f RealAppFlows) CheckApp(ctx context.Context, site string, onResult func(scopes.Result)) (scopes.Report, error) {
	// A token older than its lifetime is refreshed first (and, on PagerDuty,
	// the new refresh token stored).
	t, err := platform.Target(ctx, f.Platform, apikey.Options{Store: f.Store, NS: f.ns(site), Now: f.Now})
	if err != nil {
		return scopes.Report{}, err
	}
	cat := f.Platform.Probes()
	return scopes.Run(ctx, scopes.Options{Catalog: &cat, OnResult: onResult, Targets: []scopes.Target{t}}), nil
}
