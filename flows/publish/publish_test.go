package publish

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oauthwiz/oauthwiz/flows/datadog"
	"github.com/oauthwiz/oauthwiz/flows/devplatform"
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
	o := Options{DevPlatform: standIn(sb), Store: store, StateDir: state, Integration: "acme", Dir: dir, Site: "us1", Case: integration.CaseNew}
	out, err := Record(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if out.AppUUID != sb.AppUUID() || out.ManifestEdit == nil || !strings.Contains(string(out.ManifestEdit.After), sb.AppUUID()) || strings.Join(out.Sites, ",") != "us1,eu1" {
		t.Fatalf("outcome %+v", out)
	}
	for _, site := range []string{"us1", "eu1"} {
		if _, err := store.Get(secrets.Namespace{Integration: "acme", Site: site, Kind: "published"}.ClientSecretKey(out.ClientID)); err != nil {
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
	// Real Datadog, nobody to ask: the values must be given, and the
	// error carries the steps to take.
	o.DevPlatform = devplatform.Manual{Provider: &datadog.Provider{}}
	_, err = Record(context.Background(), o)
	var steps *devplatform.ManualSteps
	if !errors.Is(err, ErrNeedCredentials) || !errors.As(err, &steps) || steps.Action != "publish" {
		t.Fatalf("no credentials: %v", err)
	}
	// Given ahead (a credentials file and --app-uuid): recorded as given.
	o.Case = integration.CaseNew
	o.DevPlatform = devplatform.Manual{Provider: &datadog.Provider{}, Given: devplatform.Published{
		Credentials: devplatform.Credentials{ClientID: "pub-id", ClientSecret: "pub-secret-0123456789"}, AppUUID: "0F0E0D0C-0000-4000-8000-000000000001"}}
	out, err = Record(context.Background(), o)
	if err != nil || out.ClientID != "pub-id" || out.AppUUID != "0f0e0d0c-0000-4000-8000-000000000001" || out.MaskedSecret == "pub-secret-0123456789" {
		t.Fatalf("given: %+v %v", out, err)
	}
}

func standIn(sb *sandbox.Server) devplatform.DevPlatform {
	d := sb.Discovery()
	return devplatform.StandIn{Provider: sb.Provider(), Discovery: &d}
}
