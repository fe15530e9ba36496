// Package pagerduty holds what is specific to PagerDuty's scoped OAuth apps:
// one identity host for every account, the API host of the account's region
// named by the ID token's audience, space-separated <resource>.read|write
// scopes that are dropped (not refused) when unknown, day-long access tokens
// and refresh tokens replaced at every refresh.
package pagerduty

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/oauthwiz/oauthwiz/assets"
	"github.com/oauthwiz/oauthwiz/flows/authorize"
	"github.com/oauthwiz/oauthwiz/flows/inputs"
)

// Provider is PagerDuty. With no overrides it talks to the real hosts; a
// sandbox supplies loopback ones.
type Provider struct {
	// IdentityURL replaces https://identity.pagerduty.com.
	IdentityURL string
	// APIs replaces the API base URL of each region (us, eu).
	APIs map[string]string
}

var _ authorize.Provider = (*Provider)(nil)

// Regions lists the region ids.
func Regions() []string {
	var out []string
	for _, r := range assets.PagerDuty().Regions {
		out = append(out, r.ID)
	}
	return out
}

// CheckRegion says what to do with an unknown region.
func CheckRegion(region string) error {
	for _, r := range Regions() {
		if r == region {
			return nil
		}
	}
	return fmt.Errorf("unknown PagerDuty region %q: use one of %s (the ID token's audience decides it after authorization)", region, strings.Join(Regions(), ", "))
}

// Endpoints implements authorize.Provider: the same identity host for every
// region.
func (p *Provider) Endpoints(region string) (authorize.Endpoints, error) {
	if err := CheckRegion(region); err != nil {
		return authorize.Endpoints{}, err
	}
	base := assets.PagerDuty().IdentityURL
	if p != nil && p.IdentityURL != "" {
		base = p.IdentityURL
	}
	return authorize.Endpoints{
		AuthorizeURL: base + "/oauth/authorize",
		TokenURL:     base + "/oauth/token",
		RevokeURL:    base + "/oauth/revoke",
	}, nil
}

// SiteFromParam implements authorize.Provider. PagerDuty's callback does not
// name a region; one that does is not PagerDuty's.
func (p *Provider) SiteFromParam(param string) (string, error) {
	return "", fmt.Errorf("PagerDuty callbacks carry no site parameter (got %q): is this a Datadog client?", param)
}

// ScopeParam joins scopes with spaces.
func (p *Provider) ScopeParam(scopes []string) string { return strings.Join(scopes, " ") }

// SplitScopes splits a granted scope string.
func (p *Provider) SplitScopes(s string) []string { return strings.Fields(s) }

// RequestScopes adds the scopes PagerDuty always grants (openid: the ID token
// that names the region) so that they are not reported as extra.
func RequestScopes(requested []string) []string {
	out := append([]string(nil), requested...)
	for _, s := range assets.PagerDuty().ImplicitScopes {
		found := false
		for _, r := range out {
			found = found || r == s
		}
		if !found {
			out = append([]string{s}, out...)
		}
	}
	return out
}

// APIBase is the API base URL of a region.
func (p *Provider) APIBase(region string) (string, error) {
	if err := CheckRegion(region); err != nil {
		return "", err
	}
	if p != nil && p.APIs != nil {
		u, ok := p.APIs[region]
		if !ok {
			return "", fmt.Errorf("the sandbox does not emulate PagerDuty region %s", region)
		}
		return u, nil
	}
	for _, r := range assets.PagerDuty().Regions {
		if r.ID == region {
			return "https://" + r.APIHost, nil
		}
	}
	return "", CheckRegion(region)
}

// ErrNoIDToken is returned when the token answer has no ID token: the
// openid scope was not granted.
var ErrNoIDToken = inputs.Errorf(inputs.Site, nil, "the token answer has no id_token (openid was not granted): name the region, us or eu")

// RegionOfToken reads the region from the ID token's audience. The ID token
// came straight from the token endpoint over TLS, which OpenID Connect
// accepts in place of checking its signature (Core §3.1.3.7); only the
// audience is read, never trusted for anything else.
func RegionOfToken(tok *oauth2.Token) (region, audience string, err error) {
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return "", "", ErrNoIDToken
	}
	return RegionOfIDToken(raw)
}

// RegionOfIDToken maps a JWT's aud claim (a string or a list; a host or a
// URL) to a region.
func RegionOfIDToken(raw string) (region, audience string, err error) {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return "", "", fmt.Errorf("the id_token is not a JWT (%d parts)", len(parts))
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return "", "", fmt.Errorf("the id_token's payload is not base64url: %v", err)
	}
	var claims struct {
		Aud any `json:"aud"`
	}
	if err := json.Unmarshal(payload, &claims); err != nil {
		return "", "", fmt.Errorf("the id_token's payload is not JSON: %v", err)
	}
	var auds []string
	switch a := claims.Aud.(type) {
	case string:
		auds = []string{a}
	case []any:
		for _, x := range a {
			if s, ok := x.(string); ok {
				auds = append(auds, s)
			}
		}
	}
	for _, a := range auds {
		host := a
		if u, err := url.Parse(a); err == nil && u.Host != "" {
			host = u.Host
		}
		for _, r := range assets.PagerDuty().Regions {
			if strings.EqualFold(host, r.APIHost) {
				return r.ID, a, nil
			}
		}
	}
	return "", strings.Join(auds, " "), fmt.Errorf("the id_token's audience %q names no known PagerDuty API host (%s)", strings.Join(auds, " "), apiHosts())
}

func apiHosts() string {
	var out []string
	for _, r := range assets.PagerDuty().Regions {
		out = append(out, r.APIHost)
	}
	return strings.Join(out, ", ")
}

// AccessTokenLifetime is how long PagerDuty's access tokens last.
func AccessTokenLifetime() time.Duration {
	d, err := time.ParseDuration(assets.PagerDuty().AccessTokenLifetime)
	if err != nil {
		panic(fmt.Errorf("assets/pagerduty.json access_token_lifetime: %w", err))
	}
	return d
}
