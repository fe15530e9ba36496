package platform

import (
	"context"
	"fmt"

	"github.com/oauthwiz/oauthwiz/flows/apikey"
	"github.com/oauthwiz/oauthwiz/flows/authorize"
	"github.com/oauthwiz/oauthwiz/flows/scopes"
)

// Target prepares one site's scope check, the same way for the commands and
// the wizard: the stored access token (refreshed first when it expired), the
// site's API base and, where the platform checks an API key and its scope was
// granted, the key (created once, or reused). o.NS says where the secrets
// are; o.Provider is needed for Datadog's API key.
func Target(ctx context.Context, pl Platform, o apikey.Options) (scopes.Target, error) {
	rec, err := authorize.FreshToken(ctx, authorize.Stored{Provider: pl, Store: o.Store, NS: o.NS, HTTPClient: o.HTTPClient, Now: o.Now, Progress: o.Progress})
	if err != nil {
		return scopes.Target{}, err
	}
	base, err := pl.APIBase(o.NS.Site)
	if err != nil {
		return scopes.Target{}, err
	}
	t := scopes.Target{Site: o.NS.Site, APIBase: base, AccessToken: rec.AccessToken, Granted: rec.ScopesGranted, Requested: rec.ScopesRequested}
	if cat := pl.Probes(); cat.APIKey != nil && granted(rec.ScopesGranted, cat.APIKey.Scope) {
		if t.APIKey, err = apikey.Ensure(ctx, o); err != nil {
			return scopes.Target{}, fmt.Errorf("%s: the API key: %w", o.NS.Site, err)
		}
	}
	return t, nil
}

func granted(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
