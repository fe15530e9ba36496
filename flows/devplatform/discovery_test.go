package devplatform_test

import (
	"testing"

	"github.com/oauthwiz/oauthwiz/flows/devplatform"
)

// A user's own GitHub token is never sent to a sandbox's stand-in: the
// stand-in's token goes there, and only there.
func TestGitHubTokenFor(t *testing.T) {
	standIn := &devplatform.Discovery{GitHubURL: "http://127.0.0.1:4000", GitHubToken: "stand-in-token"}
	for _, tt := range []struct {
		name   string
		d      *devplatform.Discovery
		apiURL string
		token  string
		ok     bool
	}{
		{"the stand-in", standIn, "http://127.0.0.1:4000", "stand-in-token", true},
		{"github.com", standIn, "", "", false},
		{"another GitHub", standIn, "https://ghe.example/api/v3", "", false},
		{"a sandbox without GitHub", &devplatform.Discovery{}, "", "", false},
		{"no sandbox", nil, "http://127.0.0.1:4000", "", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if token, ok := tt.d.GitHubTokenFor(tt.apiURL); token != tt.token || ok != tt.ok {
				t.Errorf("GitHubTokenFor(%q) = %q, %v; want %q, %v", tt.apiURL, token, ok, tt.token, tt.ok)
			}
		})
	}
}
