package sandbox

import (
	"html/template"
	"net/http"
	"net/url"
	"strings"
)

// The API Keys page (Organization Settings → API Keys), where Datadog's docs
// send a user to find a lost key by name and revoke it. The stand-in lists
// the site's keys (last 4 only) filtered on ?filter= and revokes one per
// button, so the documented recovery can be rehearsed end to end.
var apiKeysTmpl = template.Must(template.New("keys").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>API Keys · Datadog sandbox ({{.Site}})</title>
<style>body{font-family:sans-serif;max-width:48em;margin:3em auto;color:#222}td,th{padding:.3em 1em;text-align:left}</style></head><body>
<p><small>oauthwiz sandbox · site {{.Site}}</small></p>
<h1>API Keys</h1>
<form method="get"><label>Filter <input name="filter" value="{{.Filter}}"></label> <button>Search</button></form>
{{if .Done}}<p id="done">{{.Done}}</p>{{end}}
{{if .Keys}}<table id="keys"><tr><th>Name</th><th>Key</th><th>Organization</th><th>Created</th><th></th></tr>
{{range .Keys}}<tr><td>{{.Name}}</td><td>…{{.Last4}}</td><td>{{.Org}}</td><td>{{.Created}}</td>
<td><form method="post" action="/organization-settings/api-keys/revoke"><input type="hidden" name="id" value="{{.ID}}"><input type="hidden" name="filter" value="{{$.Filter}}"><button>Revoke</button></form></td></tr>
{{end}}</table>{{else}}<p id="none">No API key matches.</p>{{end}}
</body></html>`))

type apiKeyRow struct{ ID, Name, Last4, Org, Created string }

func (s *Server) apiKeysPage(w http.ResponseWriter, r *http.Request, site datadogSite) {
	filter := r.URL.Query().Get("filter")
	s.mu.Lock()
	var rows []apiKeyRow
	for _, k := range s.apiKeys {
		if k.Site != site.ID || !strings.Contains(strings.ToLower(k.Name), strings.ToLower(filter)) {
			continue
		}
		org := k.OrgID
		if o := s.orgByID(k.OrgID); o != nil {
			org = o.Name
		}
		rows = append(rows, apiKeyRow{ID: k.ID, Name: k.Name, Last4: k.Key[len(k.Key)-4:], Org: org, Created: k.Created.Format("2006-01-02 15:04 UTC")})
	}
	s.mu.Unlock()
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	apiKeysTmpl.Execute(w, map[string]any{"Site": site.ID, "Filter": filter, "Keys": rows, "Done": r.URL.Query().Get("done")})
}

func (s *Server) revokeAPIKeyPage(w http.ResponseWriter, r *http.Request, site datadogSite) {
	id, filter := r.PostFormValue("id"), r.PostFormValue("filter")
	s.mu.Lock()
	done := "No such key: it was revoked already."
	for i, k := range s.apiKeys {
		if k.ID == id && k.Site == site.ID {
			s.apiKeys = append(s.apiKeys[:i], s.apiKeys[i+1:]...)
			done = "Revoked the key ending in " + k.Key[len(k.Key)-4:] + "."
			break
		}
	}
	s.mu.Unlock()
	q := url.Values{"filter": {filter}, "done": {done}}
	http.Redirect(w, r, "/organization-settings/api-keys?"+q.Encode(), http.StatusSeeOther)
}
