package apikey_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oauthwiz/oauthwiz/flows/internal/authtest"

	"github.com/oauthwiz/oauthwiz/flows/apikey"
	"github.com/oauthwiz/oauthwiz/flows/authorize"
	"github.com/oauthwiz/oauthwiz/flows/sandbox"
	"github.com/oauthwiz/oauthwiz/flows/secrets"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

type fixture struct {
	sb    *sandbox.Server
	store *secrets.Memory
	clock *clock
	opts  apikey.Options
	log   *strings.Builder
}

// authorized runs a real authorization against the sandbox and stores the
// token record and client secret, as 'oauthwiz authorize' does.
func authorized(t *testing.T, scopes []string) *fixture {
	t.Helper()
	clk := &clock{t: time.Now()}
	sb, err := sandbox.Start(sandbox.Options{Sites: []string{"us1"}, AutoApprove: true, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sb.Close)
	c, _ := sb.Client("us1", "test")
	store := &secrets.Memory{}
	ns := secrets.Namespace{Integration: "acme", Site: "us1", Kind: "test"}
	res, err := authtest.Run(context.Background(), authorize.Options{
		Provider: sb.Provider(), Site: "us1", ClientID: c.ClientID, ClientSecret: c.ClientSecret,
		RedirectURI: c.RedirectURIs[0], Scopes: scopes, Timeout: 10 * time.Second,
		OnURL: func(u, _ string) {
			go func() {
				if resp, err := http.Get(u); err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
			}()
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	store.Set(ns.ClientSecretKey(c.ClientID), c.ClientSecret)
	secrets.PutJSON(store, ns.TokenKey(), res.Record(c.ClientID))
	log := &strings.Builder{}
	return &fixture{sb: sb, store: store, clock: clk, log: log, opts: apikey.Options{
		Provider: sb.Provider(), Store: store, NS: ns, Now: clk.Now,
		Progress: func(s string) { log.WriteString(s + "\n") },
	}}
}

func TestCreateOnceThenReuse(t *testing.T) {
	f := authorized(t, []string{"api_keys_write"})
	res, err := apikey.Create(context.Background(), f.opts)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Created || !res.Valid || len(res.Last4) != 4 || res.Org != "Partner Sandbox (us1)" {
		t.Fatalf("first create: %+v", res)
	}
	again, err := apikey.Create(context.Background(), f.opts)
	if err != nil {
		t.Fatal(err)
	}
	if again.Created || !again.Valid || again.Last4 != res.Last4 {
		t.Fatalf("second create must reuse: %+v", again)
	}
	if n := len(f.sb.State().APIKeys); n != 1 {
		t.Fatalf("sandbox holds %d keys, want 1", n)
	}
	for _, v := range f.store.Values() {
		if len(v) > 8 && strings.Contains(f.log.String(), v) {
			t.Fatalf("progress output leaks a stored secret: %s", f.log.String())
		}
	}
}

func TestRotate(t *testing.T) {
	f := authorized(t, []string{"api_keys_write"})
	first, err := apikey.Create(context.Background(), f.opts)
	if err != nil {
		t.Fatal(err)
	}
	f.opts.Rotate = true
	if _, err := apikey.Create(context.Background(), f.opts); err == nil || !strings.Contains(err.Error(), "revoke the key") {
		t.Fatalf("rotate without confirmation: %v", err)
	}
	var page string
	f.opts.ConfirmRevoked = func(p, name, last4 string) error {
		page = p
		f.sb.RevokeAPIKeys(first.OrgID) // the user revokes it on the API Keys page
		return nil
	}
	second, err := apikey.Create(context.Background(), f.opts)
	if err != nil {
		t.Fatal(err)
	}
	if !second.Created || second.Last4 == first.Last4 || !strings.Contains(page, "/organization-settings/api-keys?filter=") {
		t.Fatalf("rotation: %+v page %s", second, page)
	}
}

func TestLostKeyIsExplained(t *testing.T) {
	f := authorized(t, []string{"api_keys_write"})
	res, err := apikey.Create(context.Background(), f.opts)
	if err != nil {
		t.Fatal(err)
	}
	f.store.Delete(f.opts.NS.APIKeyKey(res.OrgID))
	_, err = apikey.Create(context.Background(), f.opts)
	if err == nil || !strings.Contains(err.Error(), "lost API key") || !strings.Contains(err.Error(), "409") {
		t.Fatalf("lost key: %v", err)
	}
	// The page is filtered on the name Datadog gives the key (its docs: "OAuth
	// Client API Key"), and the steps end in creating it again, not in a
	// command that would fail the same way.
	for _, want := range []string{"api-keys?filter=OAuth%20Client%20API%20Key", `revoke the key named "OAuth Client API Key"`, "create the key again"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q lacks %q", err, want)
		}
	}
	if names := f.sb.State().APIKeys; len(names) != 1 || names[0].Name != "OAuth Client API Key" {
		t.Errorf("the stand-in's key: %+v", names)
	}

	// The recovery, as the steps say: the page the error names lists the key
	// (last 4 only), its Revoke button removes it, and the key is made again.
	page := regexp.MustCompile(`http://\S+/organization-settings/api-keys\?filter=[^;\s]+`).FindString(err.Error())
	body := httpGet(t, page)
	if !strings.Contains(body, "OAuth Client API Key") || !strings.Contains(body, "…"+res.Last4) || !strings.Contains(body, ">Revoke<") || regexp.MustCompile(`[0-9a-f]{32}`).MatchString(body) { // never a key's value
		t.Fatalf("API Keys page %s:\n%s", page, body)
	}
	id := regexp.MustCompile(`name="id" value="([^"]+)"`).FindStringSubmatch(body)
	if id == nil {
		t.Fatalf("no revoke button:\n%s", body)
	}
	u, _ := url.Parse(page)
	resp, err := http.PostForm(u.Scheme+"://"+u.Host+"/organization-settings/api-keys/revoke", url.Values{"id": {id[1]}, "filter": {"OAuth Client API Key"}})
	if err != nil {
		t.Fatal(err)
	}
	after, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(after), "Revoked the key ending in "+res.Last4) || !strings.Contains(string(after), "No API key matches") {
		t.Fatalf("after revoking:\n%s", after)
	}
	again, err := apikey.Create(context.Background(), f.opts)
	if err != nil || !again.Created || again.Last4 == res.Last4 {
		t.Fatalf("creating again after the revoke: %+v %v", again, err)
	}
}

func httpGet(t *testing.T, u string) string {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d\n%s", u, resp.StatusCode, b)
	}
	return string(b)
}

func TestExpiredTokenIsRefreshed(t *testing.T) {
	f := authorized(t, []string{"api_keys_write"})
	f.clock.Add(2 * time.Hour)
	res, err := apikey.Create(context.Background(), f.opts)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Created || !strings.Contains(f.log.String(), "refreshing") {
		t.Fatalf("expired token: %+v, log %s", res, f.log)
	}
}

func TestMissingScopeAndNoAuthorization(t *testing.T) {
	f := authorized(t, []string{"dashboards_read"})
	if _, err := apikey.Create(context.Background(), f.opts); err == nil || !strings.Contains(err.Error(), `403: Forbidden`) {
		t.Fatalf("without api_keys_write: %v", err)
	}
	f.opts.NS.Site = "eu1"
	if _, err := apikey.Create(context.Background(), f.opts); err == nil || !errors.Is(err, authorize.ErrNotAuthorized) || !strings.Contains(err.Error(), "on eu1") {
		t.Fatalf("not authorized: %v", err)
	}
}

func TestInterruptedCreationIsExplained(t *testing.T) {
	f := authorized(t, []string{"api_keys_write"})
	res, err := apikey.Create(context.Background(), f.opts)
	if err != nil {
		t.Fatal(err)
	}
	// As if the process had died after Datadog created the key and before
	// it was stored: the key is gone from the store, the marker is there.
	key := f.opts.NS.APIKeyKey(res.OrgID)
	f.store.Delete(key)
	f.store.Set(key+":pending", "2026-11-23T10:00:00Z")
	_, err = apikey.Create(context.Background(), f.opts)
	if err == nil || !strings.Contains(err.Error(), "an earlier run was interrupted") {
		t.Fatalf("interrupted: %v", err)
	}
	if _, err := f.store.Get(key + ":pending"); err != nil {
		t.Fatal("the marker must stay until a key is stored")
	}
}
