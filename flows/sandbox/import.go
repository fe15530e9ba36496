package sandbox

import (
	"io"
	"net/http"

	"github.com/oauthwiz/oauthwiz/flows/appmanifest"
)

// ImportedClient is what the Developer Platform shows once after an import.
type ImportedClient struct {
	Site         string `json:"site"`
	Name         string `json:"name"`
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
}

// exportManifest is Export App Manifest: an app document holding the client.
func (s *Server) exportManifest(w http.ResponseWriter, r *http.Request, site datadogSite) {
	s.mu.Lock()
	c := s.findClient(r.URL.Query().Get("client_id"), site.ID)
	s.mu.Unlock()
	if c == nil {
		writeJSON(w, http.StatusNotFound, map[string][]string{"errors": {"no such client on " + site.ID}})
		return
	}
	w.Header().Set("Content-Disposition", `attachment; filename="app-manifest.json"`)
	writeJSON(w, http.StatusOK, map[string]any{
		"app": map[string]any{"name": c.Name, "stable": true},
		"oauth": map[string]any{"clients": []any{map[string]any{
			"name": c.Name, "redirect_uris": c.RedirectURIs, "scopes": c.Scopes, "onboarding_url": c.OnboardingURL, "client_role": "integration",
		}}},
	})
}

// importManifest is the import in a sandbox org of another site: a new test
// client with new credentials, owned by that site's sandbox org.
func (s *Server) importManifest(w http.ResponseWriter, r *http.Request, site datadogSite) {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string][]string{"errors": {"the manifest could not be read"}})
		return
	}
	clients, err := appmanifest.Clients("app-manifest.json", b)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string][]string{"errors": {err.Error()}})
		return
	}
	s.mu.Lock()
	owner := s.orgOf(site.ID, "partner-sandbox")
	c := &client{ID: uuidLike(), Secret: "ddsbx_secret_" + randomHex(20), Name: clients[0].Name, Site: site.ID, Kind: "test", OwnerOrg: owner.ID,
		RedirectURIs: clients[0].RedirectURIs, Scopes: clients[0].Scopes, OnboardingURL: clients[0].OnboardingURL}
	s.clients = append(s.clients, c)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, ImportedClient{Site: site.ID, Name: c.Name, ClientID: c.ID, ClientSecret: c.Secret})
}

// PublishedApp is what the Publishing tab shows once: the published client's
// credentials and the app_uuid a new integration's manifest must carry.
type PublishedApp struct {
	Site         string `json:"site"`
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
	AppUUID      string `json:"app_uuid"`
}

// publishApp is the Publishing tab: publishing (again) issues new credentials.
func (s *Server) publishApp(w http.ResponseWriter, r *http.Request, site datadogSite) {
	c, err := s.publish(site.ID, r.URL.Query().Get("client_id"))
	if err != nil {
		writeJSON(w, http.StatusNotFound, map[string][]string{"errors": {err.Error()}})
		return
	}
	writeJSON(w, http.StatusOK, PublishedApp{Site: site.ID, ClientID: c.ClientID, ClientSecret: c.ClientSecret, AppUUID: s.appUUID})
}
