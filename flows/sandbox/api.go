package sandbox

import (
	"net/http"
	"slices"
	"strings"
)

var (
	forbidden    = map[string][]string{"errors": {"Forbidden"}}
	unauthorized = map[string][]string{"errors": {"Unauthorized"}}
)

// accessToken checks the access token, answering the way Datadog does: 401
// without credentials, 403 for a bad or expired token.
func (s *Server) accessToken(w http.ResponseWriter, r *http.Request, site datadogSite) *token {
	h := r.Header.Get("Authorization")
	if h == "" {
		writeJSON(w, http.StatusUnauthorized, unauthorized)
		return nil
	}
	value, ok := strings.CutPrefix(h, "Bearer ")
	s.mu.Lock()
	t := s.tokens[strings.TrimSpace(value)]
	s.mu.Unlock()
	if !ok || t == nil || t.Kind != "access" || t.Revoked || t.Site != site.ID || s.opts.Now().After(t.Expires) {
		writeJSON(w, http.StatusForbidden, forbidden)
		return nil
	}
	return t
}

// bearer is accessToken for an endpoint that needs one scope: 403 without it.
func (s *Server) bearer(w http.ResponseWriter, r *http.Request, site datadogSite, scope string) *token {
	t := s.accessToken(w, r, site)
	if t != nil && (!slices.Contains(t.Scopes, scope) || slices.Contains(s.opts.RefuseScopes, scope)) {
		writeJSON(w, http.StatusForbidden, forbidden)
		return nil
	}
	return t
}

func (s *Server) createAPIKey(w http.ResponseWriter, r *http.Request, site datadogSite) {
	t := s.bearer(w, r, site, "api_keys_write")
	if t == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range s.apiKeys {
		if k.OrgID == t.OrgID && k.ClientID == t.ClientID {
			// Assumption: Datadog documents one key per org, not the status
			// or body of the refusal of a second one.
			writeJSON(w, http.StatusConflict, map[string][]string{"errors": {"an API key already exists for this OAuth client in this organization: revoke it on the API Keys page to create another"}})
			return
		}
	}
	// Datadog names the key this way (its OAuth docs: find the key named
	// so to revoke a lost one).
	sem, _ := datadogSemantics()
	name := sem.APIKeyName.Value
	k := &apiKey{ID: uuidLike(), Key: randomHex(16), Name: name, OrgID: t.OrgID, ClientID: t.ClientID, Site: site.ID, Created: s.opts.Now().UTC()}
	s.apiKeys = append(s.apiKeys, k)
	ts := k.Created.Format("2006-01-02T15:04:05Z")
	writeJSON(w, http.StatusCreated, map[string]any{"data": map[string]any{
		"type": "api_keys", "id": k.ID,
		"attributes": map[string]any{"key": k.Key, "last4": k.Key[len(k.Key)-4:], "name": k.Name, "created_at": ts, "modified_at": ts},
	}})
}

func (s *Server) validate(w http.ResponseWriter, r *http.Request, site datadogSite) {
	if s.validKey(r.Header.Get("DD-API-KEY"), site.ID) {
		writeJSON(w, http.StatusOK, map[string]bool{"valid": true})
		return
	}
	writeJSON(w, http.StatusForbidden, forbidden)
}
