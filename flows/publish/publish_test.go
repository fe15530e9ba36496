package publish

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oauthwiz/oauthwiz/flows/datadog"
	"github.com/oauthwiz/oauthwiz/flows/integration"
	"github.com/oauthwiz/oauthwiz/flows/sandbox"
	"github.com/oauthwiz/oauthwiz/flows/secrets"
	"github.com/oauthwiz/oauthwiz/flows/session"
)

func TestRecord(t *testing.T) {
	sb, err := sandbox.Start(sandbox.Options{Sites: []string{"us1", "eu1"}})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	dir := filepath.Join(t.TempDir(), "acme")
	if err := integration.WriteScratch(dir, "acme", integration.OAuthClient{Name: "Acme", RedirectURIs: []string{"https://a/cb"}, Scopes: []string{"api_keys_write"}, OnboardingURL: "https://a/on"}); err != nil {
		t.Fatal(err)
	}
	store, state := &secrets.Memory{}, t.TempDir()
	// eu1 was tested: the published client is recorded for it too.
	secrets.PutJSON(store, secrets.Namespace{Integration: "acme", Site: "eu1", Kind: "test"}.TokenKey(), secrets.TokenRecord{ClientID: "x"})
	o := Options{Provider: sb.Provider(), Sandbox: true, Store: store, StateDir: state, Integration: "acme", Dir: dir, Site: "us1", Case: integration.CaseNew}
	out, err := Record(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if out.AppUUID != sb.AppUUID() || out.ManifestEdit == nil || !strings.Contains(string(out.ManifestEdit.After), sb.AppUUID()) || strings.Join(out.Sites, ",") != "us1,eu1" {
		t.Fatalf("outcome %+v", out)
	}
	for _, site := range []string{"us1", "eu1"} {
		if _, err := store.Get(secrets.Namespace{Integration: "acme", Site: site, Kind: "published"}.ClientSecretKey()); err != nil {
			t.Fatalf("%s: the published secret is not stored", site)
		}
	}
	st, _ := session.Load(state, "acme")
	if st.PublishedAppUUID != out.AppUUID || st.Clients["eu1/published"].ClientID != out.ClientID {
		t.Fatalf("session %+v", st)
	}
	// An existing integration keeps its app_uuid.
	o.Case = integration.CaseExisting
	out, err = Record(context.Background(), o)
	if err != nil || out.ManifestEdit != nil || !strings.Contains(out.Note, "keeps its app_uuid") {
		t.Fatalf("existing: %+v %v", out, err)
	}
	// Real Datadog: the values must be given.
	o.Sandbox, o.Provider = false, &datadog.Provider{}
	if _, err := Record(context.Background(), o); !errors.Is(err, ErrNeedCredentials) {
		t.Fatalf("no credentials: %v", err)
	}
}
