package authorize_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/oauthwiz/oauthwiz/flows/internal/authtest"

	"github.com/oauthwiz/oauthwiz/flows/authorize"
	"github.com/oauthwiz/oauthwiz/flows/sandbox"
	"github.com/oauthwiz/oauthwiz/flows/secrets"
)

type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// The stored token is an oauth2.TokenSource: fresh, it is handed out as it
// is; expired, it is refreshed once and saved before use.
func TestStoredTokenSourceRefreshesAndPersists(t *testing.T) {
	clk := &testClock{t: time.Now()}
	sb, c := startSandbox(t, sandbox.Options{AutoApprove: true, Now: clk.Now, AccessTokenTTL: time.Hour})
	opts := options(sb, c)
	opts.OnURL = browser(t)
	res, err := authtest.Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	store := &secrets.Memory{}
	ns := secrets.Namespace{Integration: "acme", Site: "us1", Kind: "test"}
	secrets.PutJSON(store, ns.TokenKey(), res.Record(c.ClientID))
	store.Set(ns.ClientSecretKey(c.ClientID), c.ClientSecret)
	var progress []string
	st := authorize.Stored{Provider: sb.Provider(), Store: store, NS: ns, Now: clk.Now, Progress: func(s string) { progress = append(progress, s) }}

	src, err := st.TokenSource(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	tok, err := src.Token()
	if err != nil || tok.AccessToken != res.Token.AccessToken || len(progress) != 0 {
		t.Fatalf("fresh token: %v, refreshed: %v", err, progress)
	}
	clk.add(2 * time.Hour)
	tok, err = src.Token()
	if err != nil || tok.AccessToken == res.Token.AccessToken || len(progress) != 1 {
		t.Fatalf("expired token: %v, refreshed: %v", err, progress)
	}
	var saved secrets.TokenRecord
	secrets.GetJSON(store, ns.TokenKey(), &saved)
	if saved.AccessToken != tok.AccessToken || saved.RefreshToken != tok.RefreshToken || !saved.Expiry.Equal(tok.Expiry) || saved.OrgID == "" {
		t.Fatalf("saved %+v, handed out %+v", saved, tok)
	}
	// Handed out again without another refresh.
	if again, err := src.Token(); err != nil || again.AccessToken != tok.AccessToken || len(progress) != 1 {
		t.Fatalf("second use: %v %v", err, progress)
	}
	// Expired without a stored secret: said so, nothing saved.
	store.Delete(ns.ClientSecretKey(c.ClientID))
	clk.add(2 * time.Hour)
	if _, err := src.Token(); err == nil {
		t.Fatal("refreshed without a client secret")
	}
	if _, err := (authorize.Stored{Provider: sb.Provider(), Store: &secrets.Memory{}, NS: ns}).TokenSource(context.Background()); !errors.Is(err, authorize.ErrNotAuthorized) {
		t.Fatalf("nothing stored: %v", err)
	}
}
