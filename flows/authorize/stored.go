package authorize

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/oauthwiz/oauthwiz/flows/secrets"
	"golang.org/x/oauth2"
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
}

// ErrNotAuthorized means no token is stored for that integration and site.
var ErrNotAuthorized = errors.New("not authorized")

// FreshToken is the stored token record, refreshed first when it expires
// within the next half minute (through TokenSource, which persists it).
func FreshToken(ctx context.Context, s Stored) (secrets.TokenRecord, error) {
	src, err := s.TokenSource(ctx)
	if err != nil {
		return secrets.TokenRecord{}, err
	}
	if _, err := src.Token(); err != nil {
		return src.Record(), err
	}
	return src.Record(), nil
}

// TokenSource is the stored authorization as an oauth2.TokenSource: it
// hands out the stored access token while it has more than half a minute
// left, then refreshes it with x/oauth2's refresh grant and saves the new
// record (with the new refresh token, where the platform rotates them)
// before handing it out. The clock is the Stored's, so tests can age it.
func (s Stored) TokenSource(ctx context.Context) (*PersistingSource, error) {
	var rec secrets.TokenRecord
	if err := secrets.GetJSON(s.Store, s.NS.TokenKey(), &rec); err != nil {
		if secrets.IsNotFound(err) {
			return nil, fmt.Errorf("%w: no token is stored for %s on %s (%s client)", ErrNotAuthorized, s.NS.Integration, s.NS.Site, s.NS.Kind)
		}
		return nil, err
	}
	return &PersistingSource{ctx: ctx, s: s, rec: rec}, nil
}

// PersistingSource is Stored.TokenSource.
type PersistingSource struct {
	ctx context.Context
	s   Stored
	mu  sync.Mutex
	rec secrets.TokenRecord
}

var _ oauth2.TokenSource = (*PersistingSource)(nil)

// Record is the token record as last stored (never refreshed by itself).
func (p *PersistingSource) Record() secrets.TokenRecord {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.rec
}

// Token implements oauth2.TokenSource.
func (p *PersistingSource) Token() (*oauth2.Token, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now
	if p.s.Now != nil {
		now = p.s.Now
	}
	rec := p.rec
	if now().Before(rec.Expiry.Add(-30 * time.Second)) {
		return &oauth2.Token{AccessToken: rec.AccessToken, RefreshToken: rec.RefreshToken, Expiry: rec.Expiry, TokenType: "Bearer"}, nil
	}
	if p.s.Progress != nil {
		p.s.Progress(fmt.Sprintf("access token expired at %s: refreshing", rec.Expiry.Format(time.RFC3339)))
	}
	secret, err := secrets.ClientSecret(p.s.Store, p.s.NS, rec.ClientID)
	if err != nil {
		return nil, fmt.Errorf("the access token expired and the client secret is not stored (%v): authorize again", err)
	}
	tok, err := Refresh(p.ctx, Options{Provider: p.s.Provider, Site: p.s.NS.Site, ClientID: rec.ClientID, ClientSecret: secret, HTTPClient: p.s.HTTPClient}, rec.RefreshToken)
	if err != nil {
		return nil, fmt.Errorf("refreshing the access token: %w", err)
	}
	if !tok.Expiry.IsZero() {
		// x/oauth2 dates the expiry on the wall clock; the record keeps it
		// on this source's clock.
		tok.Expiry = now().Add(time.Until(tok.Expiry))
	}
	rec.AccessToken, rec.RefreshToken, rec.Expiry = tok.AccessToken, tok.RefreshToken, tok.Expiry
	// Saved before it is used: a rotated refresh token not saved is lost.
	if err := secrets.PutJSON(p.s.Store, p.s.NS.TokenKey(), rec); err != nil {
		return nil, err
	}
	p.rec = rec
	return tok, nil
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
