package tui

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oauthwiz/oauthwiz/flows/apikey"
	"github.com/oauthwiz/oauthwiz/flows/integration"
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
