package pullrequest

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// gitServer records the Authorization header of every request and asks for
// credentials (401 + WWW-Authenticate) when there are none.
type gitServer struct {
	mu    sync.Mutex
	auths []string
	srv   *httptest.Server
}

func newGitServer(t *testing.T, challenge bool) *gitServer {
	g := &gitServer{}
	g.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		g.mu.Lock()
		g.auths = append(g.auths, r.Header.Get("Authorization"))
		g.mu.Unlock()
		if r.Header.Get("Authorization") == "" && challenge {
			w.Header().Set("WWW-Authenticate", `Basic realm="GitHub"`)
			http.Error(w, "auth", http.StatusUnauthorized)
			return
		}
		http.Error(w, "not a git server", http.StatusInternalServerError)
	}))
	t.Cleanup(g.srv.Close)
	return g
}

func (g *gitServer) sawToken(token string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, a := range g.auths {
		r := &http.Request{Header: http.Header{"Authorization": {a}}}
		if _, pw, ok := r.BasicAuth(); ok && pw == token {
			return true
		}
	}
	return false
}

func TestTokenGoesOnlyToItsHostAfterAChallenge(t *testing.T) {
	needGit(t)
	root := newRepo(t, 2, 1)
	t.Run("the issuing host, after its challenge", func(t *testing.T) {
		g := newGitServer(t, true)
		auth := GitAuth{Token: "gh-canary", Hosts: []string{strings.TrimPrefix(g.srv.URL, "http://")}}
		Push(context.Background(), root, g.srv.URL+"/partner/integrations-extras.git", "master", auth, nil)
		if len(g.auths) < 2 || g.auths[0] != "" || !g.sawToken("gh-canary") {
			t.Fatalf("requests' Authorization headers: %q", g.auths)
		}
	})
	t.Run("another host never sees it", func(t *testing.T) {
		g := newGitServer(t, true)
		var notes []string
		auth := GitAuth{Token: "gh-canary", Hosts: []string{"github.com"}, Notice: func(s string) { notes = append(notes, s) }}
		err := Push(context.Background(), root, g.srv.URL+"/evil/repo.git", "master", auth, nil)
		if g.sawToken("gh-canary") || err == nil || !strings.Contains(err.Error(), "held back") || len(notes) != 1 {
			t.Fatalf("headers %q, err %v, notes %v", g.auths, err, notes)
		}
	})
	t.Run("no challenge, no token", func(t *testing.T) {
		g := newGitServer(t, false)
		auth := GitAuth{Token: "gh-canary", Hosts: []string{strings.TrimPrefix(g.srv.URL, "http://")}}
		Push(context.Background(), root, g.srv.URL+"/partner/integrations-extras.git", "master", auth, nil)
		if g.sawToken("gh-canary") {
			t.Fatalf("sent without being asked: %q", g.auths)
		}
	})
}

type failTransport struct{ t *testing.T }

func (f failTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	f.t.Errorf("no request may be made, got %s %s", r.Method, r.URL)
	return nil, errors.New("refused")
}

func TestTokenNeverOverPlainHTTPOrToOtherHosts(t *testing.T) {
	never := &http.Client{Transport: failTransport{t}}
	for _, tt := range []struct {
		url   string
		hosts []string
	}{
		{"http://github.com/partner/integrations-extras.git", []string{"github.com"}},
		{"https://github.com.evil.example/partner/x.git", []string{"github.com"}},
		{"https://evil.example/partner/x.git", []string{"github.com"}},
		{"https://github.com:8443/partner/x.git", []string{"github.com"}},
		{"/tmp/fork.git", []string{"github.com"}},
		{"file:///tmp/fork.git", []string{"github.com"}},
		{"https://user:pw@github.com/partner/x.git", []string{"github.com"}},
	} {
		a := GitAuth{Token: "gh-canary", Hosts: tt.hosts, HTTPClient: never}
		m, err := a.method(context.Background(), tt.url, "git-receive-pack")
		if m != nil || err != nil {
			t.Errorf("%s: credentials %v, %v", tt.url, m, err)
		}
	}
	for _, api := range []string{"http://ghe.example/api/v3", "ftp://ghe.example"} {
		if _, err := NewGitHub(nil, api, "t"); err == nil || !strings.Contains(err.Error(), "https") {
			t.Errorf("API URL %s: %v", api, err)
		}
	}
	for _, tt := range []struct{ api, want string }{
		{"", "github.com"}, {"https://api.github.com", "github.com"}, {"https://ghe.example/api/v3", "ghe.example"}, {"http://127.0.0.1:9999", "127.0.0.1:9999"},
	} {
		if got := NewGitAuth("t", tt.api).Hosts; len(got) != 1 || got[0] != tt.want {
			t.Errorf("%q: hosts %v", tt.api, got)
		}
	}
}
