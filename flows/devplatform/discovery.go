package devplatform

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/oauthwiz/oauthwiz/flows/datadog"
	"github.com/oauthwiz/oauthwiz/flows/secrets"
)

// Discovery is what a sandbox's control URL publishes about itself: its
// sites' hosts, its seeded clients, and its other stand-ins.
type Discovery struct {
	ControlURL string                   `json:"control_url"`
	Sites      map[string]datadog.Hosts `json:"sites"`
	Clients    []SeededClient           `json:"clients"`
	// GitHubURL is the GitHub stand-in (API and git), when it runs.
	GitHubURL string `json:"github_url,omitempty"`
	// GitHubToken is the one token the GitHub stand-in takes (a test value,
	// published on purpose): a user's own GitHub token is never sent to it.
	GitHubToken string `json:"github_token,omitempty"`
	// PagerDuty is the PagerDuty stand-in, when it runs.
	PagerDuty *PagerDutyHosts `json:"pagerduty,omitempty"`
}

// PagerDutyHosts are the PagerDuty stand-in's identity host and the API base
// URL of each region.
type PagerDutyHosts struct {
	IdentityURL string            `json:"identity_url"`
	APIs        map[string]string `json:"apis"`
}

// SeededClient is a client a sandbox created at start (its secret is a test
// value, published on purpose).
type SeededClient struct {
	Provider      string       `json:"provider,omitempty"`
	Site          string       `json:"site"`
	Kind          secrets.Kind `json:"kind"`
	Name          string       `json:"name,omitempty"`
	ClientID      string       `json:"client_id"`
	ClientSecret  string       `json:"client_secret"`
	RedirectURIs  []string     `json:"redirect_uris"`
	OnboardingURL string       `json:"onboarding_url"`
	Scopes        []string     `json:"scopes"`
	TestAuthURL   string       `json:"test_authorization_url,omitempty"`
}

// GitHubTokenFor is the token to send to the GitHub API at apiURL when it
// is this sandbox's stand-in (ok), so that a user's own token is never sent
// there; not ok for any other GitHub.
func (d *Discovery) GitHubTokenFor(apiURL string) (token string, ok bool) {
	if d == nil || d.GitHubURL == "" || apiURL != d.GitHubURL {
		return "", false
	}
	return d.GitHubToken, true
}

// Platform is the seeded client's platform ("" is Datadog).
func (c SeededClient) Platform() string {
	if c.Provider == "" {
		return "datadog"
	}
	return c.Provider
}

// Client returns the seeded Datadog client of a kind on a site.
func (d *Discovery) Client(site string, kind secrets.Kind) (SeededClient, bool) {
	if d == nil {
		return SeededClient{}, false
	}
	for _, c := range d.Clients {
		if c.Site == site && c.Kind == kind {
			return c, true
		}
	}
	return SeededClient{}, false
}

// Discover reads a sandbox's discovery document and returns a provider whose
// hosts are the sandbox's.
func Discover(ctx context.Context, client *http.Client, controlURL string) (*datadog.Provider, *Discovery, error) {
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	u := strings.TrimRight(controlURL, "/") + "/sandbox/discovery"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("sandbox %q: %w", controlURL, err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, nil, fmt.Errorf("cannot reach the sandbox at %s (is 'oauthwiz sandbox' running?): %w", controlURL, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, nil, fmt.Errorf("sandbox %s: GET %s answered %s", controlURL, u, resp.Status)
	}
	var d Discovery
	if err := json.NewDecoder(resp.Body).Decode(&d); err != nil {
		return nil, nil, fmt.Errorf("sandbox %s: the discovery document is not valid JSON: %w", controlURL, err)
	}
	return &datadog.Provider{Overrides: d.Sites}, &d, nil
}

// RedirectURI is the redirect URI a stand-in's Datadog test clients
// registered (all of them register the same ones), or "" without any.
func (d Discovery) RedirectURI() string { return d.RedirectURIFor("datadog") }

// RedirectURIFor is the first redirect URI a platform's seeded client
// registered.
func (d Discovery) RedirectURIFor(platform string) string {
	for _, c := range d.Clients {
		if c.Platform() == platform && len(c.RedirectURIs) > 0 {
			return c.RedirectURIs[0]
		}
	}
	return ""
}
