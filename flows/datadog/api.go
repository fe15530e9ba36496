package datadog

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/oauthwiz/oauthwiz/flows/termsafe"
)

// APIError is a non-2xx answer of the Datadog API.
type APIError struct {
	Method, URL string
	Status      int
	Errors      []string // the {"errors":[…]} body, when there is one
	Body        string
}

func (e *APIError) Error() string {
	msg := strings.Join(e.Errors, "; ")
	if msg == "" {
		msg = e.Body
	}
	if len(msg) > 300 {
		msg = msg[:300] + "…"
	}
	return fmt.Sprintf("%s %s answered %d: %s", e.Method, e.URL, e.Status, termsafe.Text(msg))
}

// Client calls one site's API host.
type Client struct {
	HTTP    *http.Client
	APIBase string
}

func (c Client) http() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return &http.Client{Timeout: 30 * time.Second}
}

// do sends a request. A 429 was not processed, so it is sent again once the
// window the X-RateLimit-Reset header gives has passed (a few times at most);
// nothing else is retried here.
func (c Client) do(ctx context.Context, method, path string, header http.Header, body []byte, out any) error {
	u := strings.TrimRight(c.APIBase, "/") + path
	var resp *http.Response
	for attempt := 0; ; attempt++ {
		var r io.Reader
		if body != nil {
			r = bytes.NewReader(body)
		}
		req, err := http.NewRequestWithContext(ctx, method, u, r)
		if err != nil {
			return err
		}
		for k, v := range header {
			req.Header[k] = v
		}
		req.Header.Set("Accept", "application/json")
		resp, err = c.http().Do(req)
		if err != nil {
			return fmt.Errorf("%s %s: %w", method, u, err)
		}
		if resp.StatusCode != http.StatusTooManyRequests || attempt == 3 {
			break
		}
		resp.Body.Close()
		wait := time.Second
		if secs, err := strconv.ParseFloat(resp.Header.Get("X-RateLimit-Reset"), 64); err == nil && secs > 0 && secs < 60 {
			wait = time.Duration(secs * float64(time.Second))
		}
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("%s %s: reading the answer: %w", method, u, err)
	}
	if resp.StatusCode/100 != 2 {
		e := &APIError{Method: method, URL: u, Status: resp.StatusCode, Body: strings.TrimSpace(string(raw))}
		var eb struct {
			Errors []string `json:"errors"`
		}
		if json.Unmarshal(raw, &eb) == nil {
			e.Errors = eb.Errors
		}
		return e
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			return fmt.Errorf("%s %s: the answer is not the expected JSON: %w", method, u, err)
		}
	}
	return nil
}

// MarketplaceKey is the API key created for an OAuth client's org.
type MarketplaceKey struct {
	ID        string
	Key       string
	Last4     string
	Name      string
	CreatedAt time.Time
}

// ParseMarketplaceKey reads the JSON:API answer of the marketplace key endpoint.
func ParseMarketplaceKey(raw []byte) (MarketplaceKey, error) {
	var doc struct {
		Data struct {
			Type       string `json:"type"`
			ID         string `json:"id"`
			Attributes struct {
				Key       string `json:"key"`
				Last4     string `json:"last4"`
				Name      string `json:"name"`
				CreatedAt string `json:"created_at"`
			} `json:"attributes"`
		} `json:"data"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return MarketplaceKey{}, fmt.Errorf("the API key answer is not valid JSON: %w", err)
	}
	a := doc.Data.Attributes
	if a.Key == "" {
		return MarketplaceKey{}, fmt.Errorf("the API key answer has no data.attributes.key")
	}
	k := MarketplaceKey{ID: doc.Data.ID, Key: a.Key, Last4: a.Last4, Name: a.Name}
	if k.Last4 == "" && len(a.Key) >= 4 {
		k.Last4 = a.Key[len(a.Key)-4:]
	}
	if a.CreatedAt != "" {
		k.CreatedAt, _ = time.Parse(time.RFC3339, a.CreatedAt)
	}
	return k, nil
}

// CreateMarketplaceKey creates the org's API key with an access token that
// holds api_keys_write. Never retried: a second call could make a second key.
func (c Client) CreateMarketplaceKey(ctx context.Context, accessToken string) (MarketplaceKey, error) {
	var raw json.RawMessage
	h := http.Header{"Authorization": {"Bearer " + accessToken}}
	if err := c.do(ctx, http.MethodPost, "/api/v2/api_keys/marketplace", h, nil, &raw); err != nil {
		return MarketplaceKey{}, err
	}
	return ParseMarketplaceKey(raw)
}

// Validate checks an API key with GET /api/v1/validate.
func (c Client) Validate(ctx context.Context, apiKey string) (bool, error) {
	var out struct {
		Valid bool `json:"valid"`
	}
	err := c.do(ctx, http.MethodGet, "/api/v1/validate", http.Header{"Dd-Api-Key": {apiKey}}, nil, &out)
	if e, ok := err.(*APIError); ok && (e.Status == http.StatusForbidden || e.Status == http.StatusUnauthorized) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return out.Valid, nil
}
