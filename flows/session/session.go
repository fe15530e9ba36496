// Package session keeps what oauthwiz knows about an integration between runs
// — never a secret: those live in the secrets store.
package session

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/oauthwiz/oauthwiz/flows/atomic"
	"github.com/oauthwiz/oauthwiz/flows/secrets"
)

// State is one integration's saved progress.
type State struct {
	Integration      string         `json:"integration"`
	Case             string         `json:"case,omitempty"`
	PublishedAppUUID string         `json:"published_app_uuid,omitempty"`
	ScopeChecks      *ScopeEvidence `json:"scope_checks,omitempty"`
	// Clients are the client IDs in use per "site/kind" (test or
	// published); their secrets are in the secrets store.
	Clients map[string]ClientRecord `json:"clients,omitempty"`
	// PullRequestURL is the pull request 'oauthwiz pr' opened or updated.
	PullRequestURL string `json:"pull_request_url,omitempty"`
	// PullRequestBranch is the branch it was pushed from: later commits
	// (the published app_uuid) go to it.
	PullRequestBranch string `json:"pull_request_branch,omitempty"`
	// Redirects are the redirect URIs that worked, per "site/kind/client
	// ID": a test-only loopback URI lives here, never in a file.
	Redirects map[string]string `json:"redirects,omitempty"`
	// PublishedTests are the re-tests with the published client, per site.
	PublishedTests map[string]time.Time `json:"published_tests,omitempty"`
}

// ClientRecord is what is known of a site's client, besides its secret.
type ClientRecord struct {
	ClientID   string    `json:"client_id"`
	ImportedAt time.Time `json:"imported_at,omitempty"`
}

// ClientKey is the key of State.Clients.
func ClientKey(site string, kind secrets.Kind) string { return site + "/" + string(kind) }

// ScopeEvidence is the last scope-check run, kept for the pull request body.
type ScopeEvidence struct {
	RunID   string        `json:"run_id"`
	At      time.Time     `json:"at"`
	Results []ScopeResult `json:"results"`
}

// ScopeResult is one probe's outcome (no token, no key: only what was seen).
type ScopeResult struct {
	Site       string `json:"site"`
	Scope      string `json:"scope"`
	Probe      string `json:"probe"`
	Status     string `json:"status"`
	HTTPStatus int    `json:"http_status"`
	Endpoint   string `json:"endpoint"`
	RequestID  string `json:"request_id,omitempty"`
}

// Path is the file of an integration's state in a state folder.
func Path(stateDir, integration string) string {
	safe := strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == 0 {
			return '_'
		}
		return r
	}, integration)
	return filepath.Join(stateDir, "integrations", safe+".json")
}

// Load reads an integration's state; a missing file is an empty state.
func Load(stateDir, integration string) (State, error) {
	p := Path(stateDir, integration)
	b, err := os.ReadFile(p)
	if errors.Is(err, os.ErrNotExist) {
		return State{Integration: integration}, nil
	}
	if err != nil {
		return State{}, err
	}
	s, err := Parse(b, integration)
	if err != nil {
		return State{}, fmt.Errorf("%s %v: move it aside; oauthwiz starts a new one", p, err)
	}
	return s, nil
}

// Parse reads the text of a state file. The integration's name comes from the
// file's name, not from its content.
func Parse(b []byte, integration string) (State, error) {
	var s State
	if err := json.Unmarshal(b, &s); err != nil {
		return State{}, fmt.Errorf("is not valid JSON (%v)", err)
	}
	s.Integration = integration
	return s, nil
}

// Update changes an integration's state under a lock that holds across
// processes: it reads the state as it is now, applies change, and writes
// it atomically, so that two commands recording different things (a scope
// run, an imported client) both keep theirs. An unreadable file is an error
// rather than a blank state that would overwrite it.
func Update(stateDir, integration string, change func(*State) error) error {
	p := Path(stateDir, integration)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return err
	}
	return atomic.Update(p, 0o600, func(old []byte) ([]byte, error) {
		s := State{Integration: integration}
		if len(old) > 0 {
			var err error
			if s, err = Parse(old, integration); err != nil {
				return nil, fmt.Errorf("%s %v: move it aside; oauthwiz starts a new one", p, err)
			}
		}
		if err := change(&s); err != nil {
			return nil, err
		}
		b, err := json.MarshalIndent(s, "", "  ")
		return append(b, '\n'), err
	})
}

// SetClient records the client in use on a site for a kind.
func (s *State) SetClient(site string, kind secrets.Kind, rec ClientRecord) {
	if s.Clients == nil {
		s.Clients = map[string]ClientRecord{}
	}
	s.Clients[ClientKey(site, kind)] = rec
}

// ClientIDs are the client IDs the state records, on every site and for
// both kinds (each once).
func (s State) ClientIDs() []string {
	var out []string
	for _, rec := range s.Clients {
		if rec.ClientID != "" && !slices.Contains(out, rec.ClientID) {
			out = append(out, rec.ClientID)
		}
	}
	slices.Sort(out)
	return out
}

// SetRedirect remembers the redirect URI a client used on a site.
func (s *State) SetRedirect(site string, kind secrets.Kind, clientID, uri string) {
	if s.Redirects == nil {
		s.Redirects = map[string]string{}
	}
	s.Redirects[ClientKey(site, kind)+"/"+clientID] = uri
}

// Redirect is the redirect URI a client used on a site ("" if none).
func (s State) Redirect(site string, kind secrets.Kind, clientID string) string {
	return s.Redirects[ClientKey(site, kind)+"/"+clientID]
}

// SetPublishedTest records a re-test with the published client.
func (s *State) SetPublishedTest(site string, at time.Time) {
	if s.PublishedTests == nil {
		s.PublishedTests = map[string]time.Time{}
	}
	s.PublishedTests[site] = at
}
