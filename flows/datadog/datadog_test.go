package datadog

import (
	"strings"
	"testing"
)

func TestProviderHostsAndSites(t *testing.T) {
	p := &Provider{}
	ep, err := p.Endpoints("eu1")
	if err != nil || ep.AuthorizeURL != "https://app.datadoghq.eu/oauth2/v1/authorize" || ep.TokenURL != "https://api.datadoghq.eu/oauth2/v1/token" {
		t.Fatalf("eu1 endpoints %+v %v", ep, err)
	}
	for param, want := range map[string]string{"bigcorp.datadoghq.eu": "eu1", "us5.datadoghq.com": "us5", "datadoghq.com": "us1"} {
		if got, err := p.SiteFromParam(param); err != nil || got != want {
			t.Errorf("%s: %s %v", param, got, err)
		}
	}
	if _, err := p.SiteFromParam("evil.example"); err == nil {
		t.Error("unknown domain accepted")
	}
	if _, err := p.Hosts("mars"); err == nil || !strings.Contains(err.Error(), "us1") {
		t.Errorf("unknown site: %v", err)
	}
	sb := &Provider{Overrides: map[string]Hosts{"us1": {AppURL: "http://127.0.0.1:1", APIURL: "http://127.0.0.1:1"}}}
	if _, err := sb.Hosts("eu1"); err == nil {
		t.Error("a sandbox provider must refuse sites it does not emulate")
	}
	if u, _ := p.APIKeysPageURL("us1", "Acme Cloud"); u != "https://app.datadoghq.com/organization-settings/api-keys?filter=Acme%20Cloud" {
		t.Errorf("api keys page %s", u)
	}
}

func TestParseMarketplaceKey(t *testing.T) {
	k, err := ParseMarketplaceKey([]byte(`{"data":{"type":"api_keys","id":"k1","attributes":{"key":"0123456789abcdef0123456789abcdef","name":"Acme","created_at":"2026-11-23T10:00:00Z"}}}`))
	if err != nil || k.Last4 != "cdef" || k.ID != "k1" || k.CreatedAt.IsZero() {
		t.Fatalf("%+v %v", k, err)
	}
	for _, bad := range []string{``, `{}`, `{"data":{"attributes":{}}}`, `[1]`} {
		if _, err := ParseMarketplaceKey([]byte(bad)); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func FuzzParseMarketplaceKey(f *testing.F) {
	f.Add([]byte(`{"data":{"type":"api_keys","id":"k1","attributes":{"key":"abc","last4":"x"}}}`))
	f.Add([]byte(`{"data":null}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		k, err := ParseMarketplaceKey(b)
		if err == nil && k.Key == "" {
			t.Fatal("a key without a value was accepted")
		}
	})
}

// An API's error text reaches the terminal without escape sequences.
func TestAPIErrorIsTerminalSafe(t *testing.T) {
	e := &APIError{Method: "GET", URL: "https://api.datadoghq.com/api/v1/validate", Status: 403, Errors: []string{"Forbidden\x1b]0;pwned\x07\x1b[2J"}}
	if msg := e.Error(); strings.ContainsAny(msg, "\x1b\x07") || !strings.HasSuffix(msg, "answered 403: Forbidden") {
		t.Fatalf("%q", msg)
	}
}
