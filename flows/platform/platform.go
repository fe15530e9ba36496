// Package platform is the seam between the journey and the OAuth platform it
// runs against: Datadog or PagerDuty. Commands and the wizard ask a Platform
// for endpoints, sites or regions, scope rules, probes and the
// troubleshooting catalog, and never test which platform it is.
package platform

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/oauthwiz/oauthwiz/flows/devplatform"
	"github.com/oauthwiz/oauthwiz/flows/inputs"

	"golang.org/x/oauth2"

	"github.com/oauthwiz/oauthwiz/assets"
	"github.com/oauthwiz/oauthwiz/flows/authorize"
	"github.com/oauthwiz/oauthwiz/flows/datadog"
	"github.com/oauthwiz/oauthwiz/flows/pagerduty"
)

// Platform is what is specific to one OAuth platform.
type Platform interface {
	authorize.Provider
	// Name is the --provider value; Title is for people.
	Name() string
	Title() string
	// Sites are the site or region ids; DefaultSite is "" when the user must choose.
	Sites() []string
	DefaultSite() string
	CheckSite(site string) error
	// SiteNoun is "site" or "region", for messages and flags.
	SiteNoun() string
	// DefaultRedirectURI is the platform's usual loopback redirect, or "".
	DefaultRedirectURI() string
	// RequestScopes adds what the platform always grants to a request.
	RequestScopes(requested []string) []string
	// KnownScope reports whether a scope is in the platform's catalog, and
	// UnknownScope says what the platform does with one that is not.
	KnownScope(scope string) bool
	UnknownScope(scope string) string
	// SiteOfToken is the site or region the token's API lives on: the one
	// the flow ran on, unless the token names another.
	SiteOfToken(tok *oauth2.Token, site string) (string, error)
	// APIBase is the API base URL of a site or region.
	APIBase(site string) (string, error)
	// Probes is the data-flow probe catalog.
	Probes() assets.ProbeCatalog
	// Diagnose matches an error text against the troubleshooting catalog.
	Diagnose(text string) []assets.Trouble
	// AccessTokenLifetime is how long an access token lasts.
	AccessTokenLifetime() time.Duration
	// SignInHint says where the browser must be signed in for a client of
	// a kind (test or published).
	SignInHint(kind string) string
	// ClientPerSite is true when a client works on one site only (Datadog's
	// do; a PagerDuty app serves accounts of every region).
	ClientPerSite() bool
}

// ErrNoPagerDutyStandIn means the sandbox was started without PagerDuty.
var ErrNoPagerDutyStandIn = errors.New("no PagerDuty stand-in")

// Names are the platforms' names.
var Names = []string{"datadog", "pagerduty"}

// New returns a platform by name; a sandbox's discovery document, when given,
// points it at the sandbox's stand-ins.
func New(name string, sandbox *devplatform.Discovery) (Platform, error) {
	switch name {
	case "", "datadog":
		p := &datadog.Provider{}
		if sandbox != nil {
			p.Overrides = sandbox.Sites
		}
		return Datadog{p}, nil
	case "pagerduty":
		p := &pagerduty.Provider{}
		if sandbox != nil {
			if sandbox.PagerDuty == nil {
				return nil, fmt.Errorf("%w: the sandbox at %s runs none", ErrNoPagerDutyStandIn, sandbox.ControlURL)
			}
			p.IdentityURL, p.APIs = sandbox.PagerDuty.IdentityURL, sandbox.PagerDuty.APIs
		}
		return PagerDuty{p}, nil
	}
	return nil, inputs.Errorf(inputs.Provider, nil, fmt.Sprintf("platform %q: use %s", name, strings.Join(Names, " or ")))
}

// Datadog is the Datadog platform.
type Datadog struct{ *datadog.Provider }

func (Datadog) Name() string        { return "datadog" }
func (Datadog) Title() string       { return "Datadog" }
func (Datadog) Sites() []string     { return assets.SiteIDs() }
func (Datadog) DefaultSite() string { return "" }
func (Datadog) SiteNoun() string    { return "site" }
func (Datadog) CheckSite(site string) error {
	if _, ok := assets.SiteByID(site); !ok {
		return fmt.Errorf("unknown site %q: use one of %s", site, strings.Join(assets.SiteIDs(), ", "))
	}
	return nil
}
func (Datadog) DefaultRedirectURI() string                               { return "" }
func (Datadog) RequestScopes(r []string) []string                        { return r }
func (Datadog) KnownScope(s string) bool                                 { _, ok := assets.LookupScope(s); return ok }
func (Datadog) UnknownScope(s string) string                             { return assets.UnknownScope(s) }
func (Datadog) SiteOfToken(_ *oauth2.Token, site string) (string, error) { return site, nil }
func (d Datadog) APIBase(site string) (string, error) {
	h, err := d.Provider.Hosts(site)
	return h.APIURL, err
}
func (Datadog) Probes() assets.ProbeCatalog           { return assets.Probes() }
func (Datadog) Diagnose(text string) []assets.Trouble { return assets.Diagnose(text) }
func (Datadog) AccessTokenLifetime() time.Duration    { return time.Hour }

// PagerDuty is the PagerDuty platform.
type PagerDuty struct{ *pagerduty.Provider }

func (PagerDuty) Name() string                      { return "pagerduty" }
func (PagerDuty) Title() string                     { return "PagerDuty" }
func (PagerDuty) Sites() []string                   { return pagerduty.Regions() }
func (PagerDuty) DefaultSite() string               { return "us" }
func (PagerDuty) SiteNoun() string                  { return "region" }
func (PagerDuty) CheckSite(region string) error     { return pagerduty.CheckRegion(region) }
func (PagerDuty) DefaultRedirectURI() string        { return assets.PagerDuty().DefaultRedirectURI }
func (PagerDuty) RequestScopes(r []string) []string { return pagerduty.RequestScopes(r) }
func (PagerDuty) KnownScope(s string) bool          { return assets.KnownPagerDutyScope(s) }
func (PagerDuty) UnknownScope(s string) string {
	return fmt.Sprintf("scope %q is not in PagerDuty's scope catalog: PagerDuty will not refuse it, it will silently leave it out of the token", s)
}
func (PagerDuty) SiteOfToken(tok *oauth2.Token, _ string) (string, error) {
	region, _, err := pagerduty.RegionOfToken(tok)
	return region, err
}
func (p PagerDuty) APIBase(region string) (string, error) { return p.Provider.APIBase(region) }
func (PagerDuty) Probes() assets.ProbeCatalog             { return assets.PagerDuty().Probes }
func (PagerDuty) Diagnose(text string) []assets.Trouble   { return assets.DiagnosePagerDuty(text) }
func (PagerDuty) AccessTokenLifetime() time.Duration      { return pagerduty.AccessTokenLifetime() }

// SignInHint implements Platform.
func (Datadog) SignInHint(kind string) string {
	if kind == "published" {
		return "a Datadog org that is not your sandbox org"
	}
	return "your Datadog sandbox org"
}

// SignInHint implements Platform.
func (PagerDuty) SignInHint(string) string { return "your PagerDuty account" }

// ClientPerSite implements Platform: a Datadog client lives on one site.
func (Datadog) ClientPerSite() bool { return true }

// ClientPerSite implements Platform: one PagerDuty app for every region.
func (PagerDuty) ClientPerSite() bool { return false }
