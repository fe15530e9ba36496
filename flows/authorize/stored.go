package authorize

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/oauthwiz/oauthwiz/flows/secrets"
)

// Stored is an authorization kept in the secret store: its token record and
// its client secret, for any platform.
type Stored struct {
	Provider   Provider
	Store      secrets.Store
	NS         secrets.Namespace
	HTTPClient *http.Client
	Now        func() time.Time
	Progress   func(string)
	// AuthorizeCommand is what to run when nothing is stored yet
	// (default: oauthwiz authorize --site SITE).
	AuthorizeCommand string
}

// ErrNotAuthorized means no token is stored for that integration and site.
var ErrNotAuthorized = errors.New("not authorized")

// FreshToken loads the stored token record and refreshes it if it expires
// within the next half minute, saving the refreshed record (with the new
// refresh token, where the platform rotates them).
func FreshToken(ctx context.Context, s Stored) (secrets.TokenRecord, error) {
	var rec secrets.TokenRecord
	if err := secrets.GetJSON(s.Store, s.NS.TokenKey(), &rec); err != nil {
		if secrets.IsNotFound(err) {
			cmd := s.AuthorizeCommand
			if cmd == "" {
				cmd = "oauthwiz authorize --site " + s.NS.Site
			}
			return rec, fmt.Errorf("%w: no token is stored for %s on %s (%s client): run '%s' first", ErrNotAuthorized, s.NS.Integration, s.NS.Site, s.NS.Kind, cmd)
		}
		return rec, err
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	if now().Before(rec.Expiry.Add(-30 * time.Second)) {
		return rec, nil
	}
	if s.Progress != nil {
		s.Progress(fmt.Sprintf("access token expired at %s: refreshing", rec.Expiry.Format(time.RFC3339)))
	}
	secret, err := s.Store.Get(s.NS.ClientSecretKey())
	if err != nil {
		return rec, fmt.Errorf("the access token expired and the client secret is not stored (%v): run 'oauthwiz authorize' again", err)
	}
	tok, err := Refresh(ctx, Options{Provider: s.Provider, Site: s.NS.Site, ClientID: rec.ClientID, ClientSecret: secret, HTTPClient: s.HTTPClient}, rec.RefreshToken)
	if err != nil {
		return rec, fmt.Errorf("refreshing the access token: %w", err)
	}
	rec.AccessToken, rec.RefreshToken, rec.Expiry = tok.AccessToken, tok.RefreshToken, tok.Expiry
	if err := secrets.PutJSON(s.Store, s.NS.TokenKey(), rec); err != nil {
		return rec, err
	}
	return rec, nil
}

// Lifetime shows how long a token has left the way people say it: "24h",
// "59m0s".
func Lifetime(d time.Duration) string {
	d = d.Round(time.Minute)
	if d >= time.Hour && d%time.Hour == 0 {
		return fmt.Sprintf("%dh", int(d.Hours()))
	}
	return d.String()
}
