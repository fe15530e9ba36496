package journey

import (
	"context"
	"fmt"

	"github.com/oauthwiz/oauthwiz/flows/authorize"
	"github.com/oauthwiz/oauthwiz/flows/platform"
	"github.com/oauthwiz/oauthwiz/flows/secrets"
)

// ClientSpec names the client whose stored tokens are refreshed or revoked.
type ClientSpec struct {
	Platform                     platform.Platform // nil: Datadog
	Site, ClientID, ClientSecret string
	KeepSecret                   bool // a secret given on this run: stored once the platform accepted it
}

func (w *Workspace) options(c ClientSpec) authorize.Options {
	pl := c.Platform
	if pl == nil {
		pl = platform.Datadog{Provider: w.Provider}
	}
	return authorize.Options{Provider: pl, Site: c.Site, ClientID: c.ClientID, ClientSecret: c.ClientSecret, HTTPClient: w.HTTPClient}
}

// storedToken is the token record of a site (authorize.ErrNotAuthorized
// when there is none).
func (w *Workspace) storedToken(site string) (secrets.TokenRecord, error) {
	var rec secrets.TokenRecord
	err := secrets.GetJSON(w.Store, w.ns(site).TokenKey(), &rec)
	if secrets.IsNotFound(err) {
		return rec, fmt.Errorf("%w: no token is stored for %s on %s (%s client)", authorize.ErrNotAuthorized, w.Integration, site, w.kind())
	}
	return rec, err
}

func (w *Workspace) keepSecret(c ClientSpec) error {
	if !c.KeepSecret {
		return nil
	}
	if err := w.Store.Set(w.ns(c.Site).ClientSecretKey(c.ClientID), c.ClientSecret); err != nil {
		return fmt.Errorf("storing the client secret: %w", err)
	}
	return nil
}

// Refresh refreshes the stored access token now (refresh_token grant) and
// saves the new record; rotated reports a new refresh token (PagerDuty's
// always are: the old one is spent).
func (w *Workspace) Refresh(ctx context.Context, c ClientSpec) (rec secrets.TokenRecord, rotated bool, err error) {
	if rec, err = w.storedToken(c.Site); err != nil {
		return rec, false, err
	}
	tok, err := authorize.Refresh(ctx, w.options(c), rec.RefreshToken)
	if err != nil {
		return rec, false, err
	}
	rotated = tok.RefreshToken != rec.RefreshToken
	rec.AccessToken, rec.RefreshToken, rec.Expiry = tok.AccessToken, tok.RefreshToken, tok.Expiry
	if err := secrets.PutJSON(w.Store, w.ns(c.Site).TokenKey(), rec); err != nil {
		return rec, rotated, err
	}
	return rec, rotated, w.keepSecret(c)
}

// Revoke revokes the stored refresh and access tokens (RFC 7009) and
// forgets them; the record as it was is returned for the report.
func (w *Workspace) Revoke(ctx context.Context, c ClientSpec) (secrets.TokenRecord, error) {
	rec, err := w.storedToken(c.Site)
	if err != nil {
		return rec, err
	}
	for _, t := range []struct{ v, hint string }{{rec.RefreshToken, "refresh_token"}, {rec.AccessToken, "access_token"}} {
		if t.v == "" {
			continue
		}
		if err := authorize.Revoke(ctx, w.options(c), t.v, t.hint); err != nil {
			return rec, err
		}
	}
	if err := w.Store.Delete(w.ns(c.Site).TokenKey()); err != nil {
		return rec, err
	}
	return rec, w.keepSecret(c)
}
