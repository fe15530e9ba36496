package journey

import (
	"slices"

	"github.com/oauthwiz/oauthwiz/flows/authorize"
	"github.com/oauthwiz/oauthwiz/flows/integration"
	"github.com/oauthwiz/oauthwiz/flows/session"
)

// TestRedirectURI is the loopback redirect URI proposed for a test client
// whose file registers none (real clients register their service's https
// URIs only): registered on the test client only, never written into
// oauth_clients.json or the pull request.
const TestRedirectURI = "http://127.0.0.1:8765/oauth/callback"

// RedirectSources is what a redirect URI is chosen from, most specific
// first.
type RedirectSources struct {
	Given      string                   // typed or passed as a flag
	Remembered string                   // the one that worked for this site and client
	Client     *integration.OAuthClient // the integration's client file
	Paste      bool                     // the person pastes the callback: the client's own URI will do
	Seeded     []string                 // the stand-in's client registers these
	Default    string                   // the platform's usual one (PagerDuty's)
}

// Redirect is the redirect URI an authorization uses, and what the person
// must know about it.
type Redirect struct {
	URI string
	// TestOnly: in no file: it is registered on the test client only.
	TestOnly bool
	// PasteBack: not served on this machine: the person pastes the
	// address the browser lands on.
	PasteBack bool
}

// ChooseRedirect picks the redirect URI: the given one, the one remembered
// for this client (a paste-back one only when pasting), the client file's
// loopback one, its own first one when pasting, the stand-in's, the
// platform's, and last the proposed test-only loopback one.
func ChooseRedirect(s RedirectSources) Redirect {
	uri := s.Given
	if uri == "" && s.Remembered != "" && (s.Paste || !authorize.PasteBack(s.Remembered)) {
		uri = s.Remembered
	}
	if uri == "" {
		uri = s.Client.LoopbackRedirect()
	}
	if uri == "" && s.Paste && s.Client != nil && len(s.Client.RedirectURIs) > 0 {
		uri = s.Client.RedirectURIs[0]
	}
	if uri == "" && len(s.Seeded) > 0 {
		uri = s.Seeded[0]
	}
	if uri == "" {
		uri = s.Default
	}
	r := Redirect{URI: uri}
	if r.URI == "" {
		r.URI = TestRedirectURI
	}
	r.PasteBack = authorize.PasteBack(r.URI)
	r.TestOnly = !r.PasteBack && !s.Client.Registers(r.URI) && !slices.Contains(s.Seeded, r.URI) && r.URI != s.Default
	return r
}

// RememberedRedirect is the redirect URI the last successful authorization
// of this client on this site used ("" when none did).
func (w *Workspace) RememberedRedirect(site, clientID string) string {
	return w.State().Redirect(site, w.kind(), clientID)
}

func (w *Workspace) rememberRedirect(site, clientID, uri string) error {
	if w.StateDir == "" || uri == "" || clientID == "" {
		return nil
	}
	return w.UpdateState(func(st *session.State) { st.SetRedirect(site, w.kind(), clientID, uri) })
}
