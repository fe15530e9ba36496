package secrets

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// TokenRecord is what authorize leaves behind for the steps after it. The whole
// record is a secret (it holds the tokens), so it lives in the Store.
type TokenRecord struct {
	ClientID        string    `json:"client_id"`
	Site            string    `json:"site"`
	OrgID           string    `json:"org_id,omitempty"`
	OrgName         string    `json:"org_name,omitempty"`
	AccessToken     string    `json:"access_token"`
	RefreshToken    string    `json:"refresh_token,omitempty"`
	Expiry          time.Time `json:"expiry"`
	ScopesRequested []string  `json:"scopes_requested,omitempty"`
	ScopesGranted   []string  `json:"scopes_granted,omitempty"`
	RedirectURI     string    `json:"redirect_uri,omitempty"`
	AuthorizedAt    time.Time `json:"authorized_at,omitempty"`
}

// APIKeyRecord is a stored marketplace API key.
type APIKeyRecord struct {
	ID        string    `json:"id"`
	Key       string    `json:"key"`
	Last4     string    `json:"last4"`
	Name      string    `json:"name,omitempty"`
	OrgID     string    `json:"org_id,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// Kind is which client of the app a secret belongs to.
type Kind string

// The two clients of an app.
const (
	Test      Kind = "test"      // the test client, authorized from the sandbox org
	Published Kind = "published" // the published client, authorized from a customer org
)

// ParseKind reads a kind as the commands take it.
func ParseKind(s string) (Kind, bool) {
	switch k := Kind(s); k {
	case Test, Published:
		return k, true
	}
	return "", false
}

// Namespace addresses one integration's secrets on one site for one client kind.
type Namespace struct {
	Integration, Site string
	Kind              Kind
}

func (n Namespace) key(item string) string { return Key(n.Integration, n.Site, string(n.Kind), item) }

// ClientSecretKey is where the client secret is stored.
func (n Namespace) ClientSecretKey() string { return n.key("client_secret") }

// TokenKey is where the token record is stored.
func (n Namespace) TokenKey() string { return n.key("token") }

// APIKeyKey is where the API key for one org is stored.
func (n Namespace) APIKeyKey(orgID string) string { return n.key("api_key:" + orgID) }

// PutJSON stores v as JSON under key.
func PutJSON(s Store, key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if err := s.Set(key, string(b)); err != nil {
		return fmt.Errorf("storing %s in %s: %w", key, s.Where(), err)
	}
	return nil
}

// GetJSON loads the JSON stored under key into v.
func GetJSON(s Store, key string, v any) error {
	raw, err := s.Get(key)
	if err != nil {
		return err
	}
	if err := json.Unmarshal([]byte(raw), v); err != nil {
		return fmt.Errorf("the secret stored under %s in %s is not valid JSON: %w", key, s.Where(), err)
	}
	return nil
}

// IsNotFound reports whether err means nothing was stored.
func IsNotFound(err error) bool { return errors.Is(err, ErrNotFound) }

// Known returns every secret value stored for an integration, on every site
// and for both client kinds, so that checks can look for them verbatim.
func Known(s Store, integration string, sites []string) []string {
	var out []string
	for _, site := range sites {
		for _, kind := range []Kind{Test, Published} {
			ns := Namespace{Integration: integration, Site: site, Kind: kind}
			if v, err := s.Get(ns.ClientSecretKey()); err == nil {
				out = append(out, v)
			}
			var rec TokenRecord
			if GetJSON(s, ns.TokenKey(), &rec) != nil {
				continue
			}
			out = append(out, rec.AccessToken, rec.RefreshToken)
			var key APIKeyRecord
			if GetJSON(s, ns.APIKeyKey(rec.OrgID), &key) == nil {
				out = append(out, key.Key)
			}
		}
	}
	return out
}
