package appmanifest

import (
	"strings"
	"testing"
)

// An export shaped the way the Developer Platform's files look: the client
// nested somewhere among other app settings, which must be left alone.
const exportUS1 = `{
  "app": {"name": "Acme", "stable": true, "ui_extensions": [{"kind": "widget"}]},
  "oauth": {
    "clients": [
      {"name": "Acme", "redirect_uris": ["https://acme.example/cb", "http://127.0.0.1:8765/oauth/callback"],
       "scopes": ["api_keys_write", "dashboards_read"], "onboarding_url": "https://acme.example/onboard", "client_role": "integration"}
    ]
  }
}`

func TestClientsAndDiff(t *testing.T) {
	a, err := Clients("us1.json", []byte(exportUS1))
	if err != nil || len(a) != 1 || a[0].Path != "$.oauth.clients[0]" || a[0].Name != "Acme" || len(a[0].RedirectURIs) != 2 {
		t.Fatalf("clients %+v %v", a, err)
	}
	same := strings.Replace(exportUS1, `["api_keys_write", "dashboards_read"]`, `["dashboards_read", "api_keys_write"]`, 1)
	b, _ := Clients("eu1.json", []byte(same))
	if d := Diff(a, b); len(d) != 0 {
		t.Fatalf("scope order must not matter: %+v", d)
	}
	other := strings.Replace(exportUS1, `"dashboards_read"]`, `"dashboards_read", "monitors_read"]`, 1)
	other = strings.Replace(other, "https://acme.example/onboard", "https://eu.acme.example/onboard", 1)
	c, _ := Clients("eu1.json", []byte(other))
	d := Diff(a, c)
	if len(d) != 2 || d[0].Field != "scopes" || d[1].Field != "onboarding_url" {
		t.Fatalf("diff %+v", d)
	}
}

func TestClientsBadInput(t *testing.T) {
	if _, err := Clients("x.json", []byte("{\n  \"a\": [1,,]\n}")); err == nil || !strings.Contains(err.Error(), "x.json:2:") {
		t.Fatalf("syntax: %v", err)
	}
	if _, err := Clients("x.json", []byte(`{"app": {}}`)); err == nil || !strings.Contains(err.Error(), "no OAuth client") {
		t.Fatalf("no client: %v", err)
	}
}

func FuzzClients(f *testing.F) {
	f.Add([]byte(exportUS1))
	f.Add([]byte(`[{"redirect_uris":"x","scopes":"a b","onboarding_url":1}]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		cs, err := Clients("f.json", b)
		if err == nil && len(cs) == 0 {
			t.Fatal("no clients and no error")
		}
		if err == nil && len(Diff(cs, cs)) != 0 {
			t.Fatal("a manifest differs from itself")
		}
	})
}
