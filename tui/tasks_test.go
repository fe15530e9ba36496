package tui

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oauthwiz/oauthwiz/flows/apikey"
	"github.com/oauthwiz/oauthwiz/flows/devplatform"
	"github.com/oauthwiz/oauthwiz/flows/integration"
	"github.com/oauthwiz/oauthwiz/flows/journey"
	"github.com/oauthwiz/oauthwiz/flows/sandbox"
	"github.com/oauthwiz/oauthwiz/flows/secrets"
)

// slowFlows' site matrix runs until it is cancelled, then takes a while to
// clean up, as a scope check deleting its objects does.
type slowFlows struct {
	*stubFlows
	started chan struct{}
	cleaned atomic.Bool
}

func (s *slowFlows) SiteMatrix(ctx context.Context) ([]SiteRow, error) {
	close(s.started)
	<-ctx.Done()
	time.Sleep(150 * time.Millisecond)
	s.cleaned.Store(true)
	return nil, ctx.Err()
}

// Quitting — ctrl+c, or SIGTERM/SIGINT cancelling the context — cancels the
// running steps and returns only once they have cleaned up.
func TestQuitWaitsForRunningStepsToCleanUp(t *testing.T) {
	for _, how := range []string{"signal", "ctrl+c"} {
		t.Run(how, func(t *testing.T) {
			f := &slowFlows{stubFlows: &stubFlows{granted: []string{"api_keys_write"}}, started: make(chan struct{})}
			deps := testDeps(f)
			deps.Resume = &Resume{Case: integration.CaseNew, Site: "us1", ClientID: "abc",
				Authorized: &Authorized{Site: "us1", Org: "Partner Sandbox", Granted: []string{"api_keys_write"}, Expiry: fixedNow.Add(time.Hour)},
				APIKey:     &apikey.Result{Site: "us1", Last4: "abcd", Valid: true}}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			in, keys := io.Pipe()
			defer keys.Close()
			var out bytes.Buffer
			done := make(chan error, 1)
			go func() { _, err := Run(ctx, deps, in, &out); done <- err }()
			select {
			case <-f.started:
			case <-time.After(5 * time.Second):
				t.Fatal("the step did not start")
			}
			if how == "signal" {
				cancel()
			} else {
				keys.Write([]byte{0x03})
			}
			select {
			case err := <-done:
				if !errors.Is(err, ErrCancelled) {
					t.Fatalf("Run returned %v", err)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("Run did not return")
			}
			if !f.cleaned.Load() {
				t.Fatal("Run returned before the running step had cleaned up")
			}
			if !strings.Contains(out.String(), "cleaning up") {
				t.Fatalf("no word of the cleanup:\n%q", out.String())
			}
		})
	}
}

// Ctrl+C while the scope checks run against the sandbox: the wizard waits
// for the run to delete what it created, and the sandbox is left with no
// test object.
func TestCtrlCDuringAScopeCheckLeavesNoObject(t *testing.T) {
	sb := startSandbox(t, sandbox.Options{Sites: []string{"us1"}, AutoApprove: true,
		Scopes:    []string{"dashboards_read", "dashboards_write", "monitors_write", "slos_write", "incident_write"},
		RateLimit: 4, RatePeriod: 400 * time.Millisecond})
	c, _ := sb.Client("us1", "test")
	d := sb.Discovery()
	dp := devplatform.StandIn{Provider: sb.Provider(), Discovery: &d}
	store := &secrets.Memory{}
	f := journey.Flows{Provider: sb.Provider(), Store: store, Integration: "acme", Kind: "test", OpenBrowser: sandbox.Browse, StateDir: t.TempDir(), DevPlatform: dp, Now: time.Now}
	req := AuthorizeRequest{Site: "us1", ClientID: c.ClientID, ClientSecret: c.ClientSecret, RedirectURI: c.RedirectURIs[0], Scopes: c.Scopes, Timeout: 10 * time.Second}
	if _, err := f.Authorize(context.Background(), req, func(string) {}); err != nil {
		t.Fatal(err)
	}
	if err := f.SaveCase(integration.CaseNew); err != nil {
		t.Fatal(err)
	}
	deps := Deps{Provider: sb.Provider(), Store: store, Integration: "acme", Kind: "test", OpenBrowser: sandbox.Browse, Flows: f, Now: time.Now, Timeout: 10 * time.Second,
		Info:   integration.Info{Dir: t.TempDir(), Name: "acme", Client: &integration.OAuthClient{Name: "Acme", Scopes: c.Scopes}},
		Resume: f.LoadResume()}
	in, keys := io.Pipe()
	defer keys.Close()
	out := &lockedBuffer{}
	done := make(chan error, 1)
	go func() { _, err := Run(context.Background(), deps, in, out); done <- err }()
	waitUntil(t, func() bool { return strings.Contains(out.String(), "us1      original ✓     ✓") }, out)
	keys.Write([]byte("s"))
	waitUntil(t, func() bool { return len(sb.State().Objects) > 0 }, out)
	keys.Write([]byte{0x03})
	select {
	case err := <-done:
		if !errors.Is(err, ErrCancelled) {
			t.Fatalf("Run returned %v", err)
		}
	case <-time.After(40 * time.Second):
		t.Fatal("Run did not return")
	}
	if left := sb.State().Objects; len(left) != 0 {
		t.Fatalf("left in the sandbox: %+v", left)
	}
}

// lockedBuffer is a bytes.Buffer a running program writes while a test reads.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// waitUntil polls cond for up to 20 s; the screen so far is in the failure.
func waitUntil(t *testing.T, cond func() bool, out *lockedBuffer) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			s := out.String()
			t.Fatalf("gave up waiting; the screen:\n%s", s[max(0, len(s)-3000):])
		}
		time.Sleep(2 * time.Millisecond)
	}
}
