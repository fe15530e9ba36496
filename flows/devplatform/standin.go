package devplatform

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/oauthwiz/oauthwiz/flows/datadog"
	"github.com/oauthwiz/oauthwiz/flows/secrets"
	"github.com/oauthwiz/oauthwiz/flows/termsafe"
)

// StandIn is the sandbox's Developer Platform: the same three actions as
// HTTP calls to its app pages (GET /apps/export, POST /apps/import, POST
// /apps/publish on a site's app host).
type StandIn struct {
	Provider  *datadog.Provider
	Discovery *Discovery
	HTTP      *http.Client // nil: a client with a 30 s timeout
}

// Automated implements DevPlatform.
func (StandIn) Automated() bool { return true }

// Seeded implements DevPlatform.
func (s StandIn) Seeded(site string, kind secrets.Kind) (SeededClient, bool) {
	return s.Discovery.Client(site, kind)
}

// Export implements DevPlatform.
func (s StandIn) Export(ctx context.Context, site, clientID string) ([]byte, error) {
	return s.call(ctx, http.MethodGet, site, "/apps/export?client_id="+url.QueryEscape(clientID), nil, "export")
}

// Import implements DevPlatform.
func (s StandIn) Import(ctx context.Context, site string, manifest []byte) (Credentials, error) {
	var c Credentials
	b, err := s.call(ctx, http.MethodPost, site, "/apps/import", manifest, "import")
	if err != nil {
		return c, err
	}
	if err := json.Unmarshal(b, &c); err != nil || c.ClientID == "" || c.ClientSecret == "" {
		return Credentials{}, fmt.Errorf("import on %s: the answer holds no client ID and secret", site)
	}
	return c, nil
}

// Publish implements DevPlatform.
func (s StandIn) Publish(ctx context.Context, site, testClientID string) (Published, error) {
	var p Published
	b, err := s.call(ctx, http.MethodPost, site, "/apps/publish?client_id="+url.QueryEscape(testClientID), nil, "publishing")
	if err != nil {
		return p, err
	}
	if err := json.Unmarshal(b, &p); err != nil || p.ClientID == "" || p.ClientSecret == "" {
		return Published{}, fmt.Errorf("publishing on %s: the answer holds no client ID and secret", site)
	}
	return p, nil
}

// call sends one request to a site's app host and returns a 200's body; any
// other answer is an error that says where and what came back.
func (s StandIn) call(ctx context.Context, method, site, path string, body []byte, action string) ([]byte, error) {
	h, err := s.Provider.Hosts(site)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, method, h.AppURL+path, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	c := s.HTTP
	if c == nil {
		c = &http.Client{Timeout: 30 * time.Second}
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s on %s: %w", action, site, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("%s on %s: %w", action, site, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s on %s answered %s: %s", action, site, resp.Status, termsafe.Text(strings.TrimSpace(string(b))))
	}
	return b, nil
}

// For returns the stand-in when a sandbox was discovered, else Manual.
func For(p *datadog.Provider, d *Discovery, c *http.Client, manual Manual) DevPlatform {
	if d != nil {
		return StandIn{Provider: p, Discovery: d, HTTP: c}
	}
	manual.Provider = p
	return manual
}
