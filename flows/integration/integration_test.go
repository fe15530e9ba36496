package integration

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadScratchRoundTrip(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "acme")
	c := OAuthClient{Name: "Acme", RedirectURIs: []string{"https://acme.example/cb", "http://127.0.0.1:8765/oauth/callback"}, Scopes: []string{"api_keys_write"}, OnboardingURL: "https://acme.example/onboard"}
	if err := WriteScratch(dir, "acme", c); err != nil {
		t.Fatal(err)
	}
	info, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if info.Name != "acme" || !info.HasManifest || info.Client == nil || info.Client.Key != "integration" {
		t.Fatalf("info %+v", info)
	}
	if got := info.Client.LoopbackRedirect(); got != "http://127.0.0.1:8765/oauth/callback" {
		t.Fatalf("loopback redirect %q", got)
	}
}

func TestLoadErrorsNameFileAndLine(t *testing.T) {
	tests := []struct {
		name, file, body, want string
	}{
		{"manifest syntax", "manifest.json", "{\n  \"app_id\": \"x\",\n  oops\n}", "manifest.json:3:"},
		{"clients syntax", "assets/oauth_clients.json", "{\"integration\": [}", "oauth_clients.json:1:"},
		{"clients without client", "assets/oauth_clients.json", `{"x": 1}`, "no client object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			os.MkdirAll(filepath.Join(dir, "assets"), 0o755)
			os.WriteFile(filepath.Join(dir, tt.file), []byte(tt.body), 0o644)
			_, err := Load(dir)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want %q", err, tt.want)
			}
		})
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Fatal("missing folder: want an error")
	}
}

func TestParseCase(t *testing.T) {
	for _, s := range []string{"new", "existing", "ui-extension"} {
		if _, err := ParseCase(s); err != nil {
			t.Error(err)
		}
	}
	if _, err := ParseCase("old"); err == nil {
		t.Error("want an error")
	}
}

func FuzzParseClients(f *testing.F) {
	f.Add([]byte(`{"integration":{"redirect_uris":["https://a"],"scopes":["x"]}}`))
	f.Add([]byte(`{"a":{"scopes":"notalist"}}`))
	f.Add([]byte("\n\n{"))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := ParseClients("f.json", b)
		if err == nil && c == nil {
			t.Fatal("nil client without error")
		}
		if err != nil && !strings.HasPrefix(err.Error(), "f.json") {
			t.Fatalf("error does not name the file: %v", err)
		}
	})
}

// FuzzCheckRedirectURI: any text is judged without a panic, and what is
// accepted is an absolute http(s) URI with a host that the loopback
// listener can serve exactly.
func FuzzCheckRedirectURI(f *testing.F) {
	for _, s := range []string{"https://acme.example/cb", "http://127.0.0.1:8765", "http://127.0.0.1:8765/a%20b", "http://127.0.0.1:8765/{x}", "https://x/#f", "%", "http://[::1]:80/cb", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		if CheckRedirectURI(raw) != nil {
			return
		}
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" || u.Fragment != "" {
			t.Fatalf("accepted %q: %+v %v", raw, u, err)
		}
		if strings.ContainsAny(raw, " {}|\\^`\"<>") {
			t.Fatalf("accepted %q with a character a URI cannot hold", raw)
		}
	})
}
