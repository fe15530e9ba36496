// Package datadog holds what is specific to Datadog: site hosts (from assets),
// the OAuth endpoints' paths, how scopes are written, and the API calls the
// journey makes.
package datadog

import (
	"fmt"
	"strings"

	"github.com/oauthwiz/oauthwiz/assets"
	"github.com/oauthwiz/oauthwiz/flows/authorize"
)

// Hosts are the base URLs of one site.
type Hosts struct {
	AppURL string `json:"app_url"`
	APIURL string `json:"api_url"`
}

// Provider is Datadog. With no overrides it talks to the real hosts of the
// sites table; a sandbox supplies loopback overrides for every site.
type Provider struct {
	Overrides map[string]Hosts
}

var _ authorize.Provider = (*Provider)(nil)

// Hosts returns the app and API base URLs of a site id.
func (p *Provider) Hosts(site string) (Hosts, error) {
	s, ok := assets.SiteByID(site)
	if !ok {
		return Hosts{}, fmt.Errorf("unknown site %q: use one of %s", site, strings.Join(assets.SiteIDs(), ", "))
	}
	if p != nil && p.Overrides != nil {
		h, ok := p.Overrides[s.ID]
		if !ok {
			return Hosts{}, fmt.Errorf("the sandbox does not emulate site %s", s.ID)
		}
		return h, nil
	}
	return Hosts{AppURL: "https://" + s.AppHost, APIURL: "https://" + s.APIHost}, nil
}

// Endpoints implements authorize.Provider: authorize on the app host, token and
// revoke on the API host.
func (p *Provider) Endpoints(site string) (authorize.Endpoints, error) {
	h, err := p.Hosts(site)
	if err != nil {
		return authorize.Endpoints{}, err
	}
	return authorize.Endpoints{
		AuthorizeURL: h.AppURL + "/oauth2/v1/authorize",
		TokenURL:     h.APIURL + "/oauth2/v1/token",
		RevokeURL:    h.APIURL + "/oauth2/v1/revoke",
	}, nil
}

// SiteFromParam maps a site or domain parameter to a site id. An org subdomain
// (bigcorp.datadoghq.eu) is dropped: API calls go to the bare site's API host.
func (p *Provider) SiteFromParam(param string) (string, error) {
	s, ok := assets.SiteForDomain(param)
	if !ok {
		return "", fmt.Errorf("%q is not the domain of a Datadog site", param)
	}
	return s.ID, nil
}

// ScopeParam joins scopes with spaces, as Datadog's authorize endpoint reads them.
func (p *Provider) ScopeParam(scopes []string) string { return strings.Join(scopes, " ") }

// SplitScopes splits a granted scope string on spaces or commas.
func (p *Provider) SplitScopes(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' })
}

// DeveloperPlatformURL is where a partner creates apps and clients on a site.
func (p *Provider) DeveloperPlatformURL(site string) (string, error) {
	h, err := p.Hosts(site)
	if err != nil {
		return "", err
	}
	return h.AppURL + "/apps", nil
}

// APIKeysPageURL is the org's API Keys page filtered on a name.
func (p *Provider) APIKeysPageURL(site, filter string) (string, error) {
	h, err := p.Hosts(site)
	if err != nil {
		return "", err
	}
	return h.AppURL + "/organization-settings/api-keys?filter=" + strings.ReplaceAll(filter, " ", "%20"), nil
}
