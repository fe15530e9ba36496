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

// ClientSecretKey is where one client's secret is stored: keyed by its
// client ID too, so that a secret is only ever sent with the client it
// was accepted for (a new test client on the same site starts blank).
func (n Namespace) ClientSecretKey(clientID string) string {
	return n.key("client_secret:" + clientID)
}

// legacyClientSecretKey is where versions before the client-ID key kept
// the site's one secret.
func (n Namespace) legacyClientSecretKey() string { return n.key("client_secret") }

// ClientSecret reads the stored secret of a client. A secret stored by an
// older version under the site alone is still found when the site's token
// record names the same client (the client it was accepted for).
func ClientSecret(s Store, n Namespace, clientID string) (string, error) {
	if clientID == "" {
		return "", fmt.Errorf("%w: no client ID to look the secret up by", ErrNotFound)
	}
	v, err := s.Get(n.ClientSecretKey(clientID))
	if !IsNotFound(err) {
		return v, err
	}
	var rec TokenRecord
	if GetJSON(s, n.TokenKey(), &rec) == nil && rec.ClientID == clientID {
		if old, lerr := s.Get(n.legacyClientSecretKey()); lerr == nil {
			return old, nil
		}
	}
	return "", err
}

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
// and for both client kinds, so that checks can look for them verbatim:
// the secrets of clientIDs (the clients the session records) and of the
// clients the stored tokens name.
func Known(s Store, integration string, sites, clientIDs []string) []string {
	var out []string
	for _, site := range sites {
		for _, kind := range []Kind{Test, Published} {
			ns := Namespace{Integration: integration, Site: site, Kind: kind}
			var rec TokenRecord
			haveToken := GetJSON(s, ns.TokenKey(), &rec) == nil
			ids := clientIDs
			if haveToken {
				ids = append([]string{rec.ClientID}, clientIDs...)
			}
			seen := map[string]bool{}
			for _, id := range ids {
				if seen[id] {
					continue
				}
				seen[id] = true
				if v, err := ClientSecret(s, ns, id); err == nil {
					out = append(out, v)
				}
			}
			if !haveToken {
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
