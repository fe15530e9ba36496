package journey_test

import (
	"testing"

	"github.com/oauthwiz/oauthwiz/flows/integration"
	"github.com/oauthwiz/oauthwiz/flows/journey"
)

func TestChooseRedirect(t *testing.T) {
	served := &integration.OAuthClient{RedirectURIs: []string{"https://acme.example/cb"}}
	withLoopback := &integration.OAuthClient{RedirectURIs: []string{"https://acme.example/cb", "http://127.0.0.1:9000/cb"}}
	tests := []struct {
		name                string
		src                 journey.RedirectSources
		want                string
		testOnly, pasteBack bool
	}{
		{"a real client: the test-only loopback URI", journey.RedirectSources{Client: served}, journey.TestRedirectURI, true, false},
		{"the client file's loopback URI", journey.RedirectSources{Client: withLoopback}, "http://127.0.0.1:9000/cb", false, false},
		{"given wins", journey.RedirectSources{Given: "http://127.0.0.1:7000/x", Remembered: "http://127.0.0.1:7001/y", Client: withLoopback}, "http://127.0.0.1:7000/x", true, false},
		{"remembered before the file", journey.RedirectSources{Remembered: "http://127.0.0.1:7001/y", Client: withLoopback}, "http://127.0.0.1:7001/y", true, false},
		{"a remembered paste-back URI without pasting", journey.RedirectSources{Remembered: "https://acme.example/cb", Client: served}, journey.TestRedirectURI, true, false},
		{"a remembered paste-back URI when pasting", journey.RedirectSources{Remembered: "https://acme.example/cb", Client: served, Paste: true}, "https://acme.example/cb", false, true},
		{"pasting: the client's own URI", journey.RedirectSources{Client: served, Paste: true}, "https://acme.example/cb", false, true},
		{"the stand-in's registered URI", journey.RedirectSources{Client: served, Seeded: []string{"http://127.0.0.1:5555/oauth/callback"}}, "http://127.0.0.1:5555/oauth/callback", false, false},
		{"the platform's default", journey.RedirectSources{Default: "http://localhost:8080/callback"}, "http://localhost:8080/callback", false, false},
		{"no client file", journey.RedirectSources{}, journey.TestRedirectURI, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := journey.ChooseRedirect(tt.src)
			if got.URI != tt.want || got.TestOnly != tt.testOnly || got.PasteBack != tt.pasteBack {
				t.Fatalf("got %+v, want %s test-only=%v paste-back=%v", got, tt.want, tt.testOnly, tt.pasteBack)
			}
		})
	}
}
