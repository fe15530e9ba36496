package assets

import (
	"strings"
)

// API is what datadog_api.json holds: Datadog's OAuth scopes and every
// operation that needs one, written by assets/specgen from Datadog's OpenAPI
// specs (the pinned datadog-api-client-go module). It is generated, never
// edited by hand: 'make assets' rewrites it, and a test fails when it differs
// from what the pinned specs give.
type API struct {
	Source     APISource      `json:"source"`
	Servers    *APIServers    `json:"servers,omitempty"`
	Scopes     []Scope        `json:"scopes"`
	Operations []APIOperation `json:"operations"`
}

// APIServers is what a spec's regional server entry says of the API's hosts:
// "https://{subdomain}.{site}", the site variable's values and the
// subdomain's default. Datadog's published list of its sites, for checks
// and stand-ins that must not take the product's own table.
type APIServers struct {
	URL       string   `json:"url"`
	Sites     []string `json:"sites"`
	Subdomain string   `json:"subdomain"`
}

// APISource says where the data came from.
type APISource struct {
	Module  string   `json:"module"`
	Version string   `json:"version"`
	Files   []string `json:"files"`
	Note    string   `json:"note"`
}

// APIOperation is one operation of the API that an OAuth token can call.
type APIOperation struct {
	Spec   string `json:"spec"` // v1 or v2
	Method string `json:"method"`
	Path   string `json:"path"` // with {name} placeholders, as in the spec
	ID     string `json:"id"`   // the spec's operationId
	// Scopes are the alternatives the spec's security list gives: a token
	// holding every scope of one alternative may call the operation.
	Scopes [][]string `json:"scopes"`
	// Permission is the operation's x-permission (the RBAC permissions and
	// how they combine), when the spec gives one.
	Permission *APIPermission `json:"permission,omitempty"`
	Params     []APIParam     `json:"params,omitempty"` // required path and query parameters
	Body       *APIBody       `json:"body,omitempty"`   // the JSON request body, when there is one
	Deprecated bool           `json:"deprecated,omitempty"`
	// Response is the shape of the success answer, where it says where an
	// object's id or a list's items are.
	Response *APIResponse `json:"response,omitempty"`
	// Source is "docs" for an operation documented outside the spec.
	Source string `json:"source,omitempty"`
}

// APIPermission is an x-permission: permissions combined with AND or OR.
type APIPermission struct {
	Operator    string   `json:"operator"`
	Permissions []string `json:"permissions"`
}

// APIParam is a required parameter.
type APIParam struct {
	Name   string   `json:"name"`
	In     string   `json:"in"` // path or query
	Type   string   `json:"type,omitempty"`
	Format string   `json:"format,omitempty"` // date-time, int64, …
	Enum   []string `json:"enum,omitempty"`
}

// APIResponse is what the spec says of an operation's success answer.
type APIResponse struct {
	Status int `json:"status"`
	// ID is where the answer holds an object's id ("id", "public_id",
	// "data.id", "data[0].id"), and IDType its JSON type.
	ID     string `json:"id,omitempty"`
	IDType string `json:"id_type,omitempty"`
	// List is where the answer holds a list of objects: a property ("data",
	// "dashboards") or "[]" for a top-level array.
	List string `json:"list,omitempty"`
}

// APIBody is a request body: whether it is required, and the fields it must
// hold (dotted paths, "[]" for an array's items) with their JSON types.
type APIBody struct {
	Required bool       `json:"required"`
	Fields   []APIField `json:"fields,omitempty"`
}

// APIField is one required field of a body.
type APIField struct {
	Path string `json:"path"`
	Type string `json:"type"` // string, integer, number, boolean, object, array, or one-of
}

// Allows reports whether a token with the granted scopes may call the
// operation: it holds every scope of at least one alternative.
func (o APIOperation) Allows(granted map[string]bool) bool {
	for _, alt := range o.Scopes {
		all := true
		for _, s := range alt {
			all = all && granted[s]
		}
		if all {
			return true
		}
	}
	return false
}

// Needs names what the token lacks for the operation, as the closest
// alternative: "teams_manage and teams_read".
func (o APIOperation) Needs(granted map[string]bool) []string {
	var best []string
	for _, alt := range o.Scopes {
		var missing []string
		for _, s := range alt {
			if !granted[s] {
				missing = append(missing, s)
			}
		}
		if best == nil || len(missing) < len(best) {
			best = missing
		}
	}
	return best
}

// Match reports whether a concrete path (/api/v2/team/abc) is this
// operation's (/api/v2/team/{team_id}), and the values of its placeholders.
// It walks both paths segment by segment without splitting them: the
// sandbox and the runner call it for every operation on every request.
func (o APIOperation) Match(method, path string) (map[string]string, bool) {
	if !strings.EqualFold(method, o.Method) {
		return nil, false
	}
	want, got := strings.Trim(o.Path, "/"), strings.Trim(path, "/")
	if strings.Count(want, "/") != strings.Count(got, "/") {
		return nil, false
	}
	var vars map[string]string
	for want != "" || got != "" {
		var w, g string
		w, want, _ = strings.Cut(want, "/")
		g, got, _ = strings.Cut(got, "/")
		if strings.HasPrefix(w, "{") && strings.HasSuffix(w, "}") {
			if g == "" {
				return nil, false
			}
			if vars == nil {
				vars = map[string]string{}
			}
			vars[w[1:len(w)-1]] = g
		} else if w != g {
			return nil, false
		}
	}
	if vars == nil {
		vars = map[string]string{}
	}
	return vars, true
}

// Operation finds the operation a request is for (nil: the spec has none),
// with the values of its path placeholders. A literal segment wins over a
// placeholder (/api/v2/team/sync before /api/v2/team/{team_id}).
func (a *API) Operation(method, path string) (*APIOperation, map[string]string) {
	var best *APIOperation
	var bestVars map[string]string
	for i := range a.Operations {
		o := &a.Operations[i]
		vars, ok := o.Match(method, path)
		if ok && (best == nil || len(vars) < len(bestVars)) {
			best, bestVars = o, vars
		}
	}
	return best, bestVars
}

// Has reports whether the API has an operation at exactly this path
// (placeholders and all).
func (a *API) Has(method, specPath string) bool {
	for _, o := range a.Operations {
		if o.Method == method && o.Path == specPath {
			return true
		}
	}
	return false
}

// Sourced is a fact and where it comes from.
type Sourced struct {
	Value, Source string
}

// Semantics are what an API does that its spec does not say, each with its
// source: the shape of the stand-ins' own models (flows/sandbox), kept here
// beside the API it completes.
type Semantics struct {
	// APIKeyName is the name Datadog gives the key POST
	// /api/v2/api_keys/marketplace creates.
	APIKeyName Sourced      `json:"api_key_name"`
	Cancel     []CancelRule `json:"cancel"`
	Seeded     []struct {
		Collection string           `json:"collection"`
		Items      []map[string]any `json:"items"`
		Source     string           `json:"source"`
	} `json:"seeded"`
}

// CancelRule is a delete that cancels an object instead: it stays listed,
// with a status, for a while.
type CancelRule struct {
	Operation   string `json:"operation"` // "DELETE /api/v2/downtime/{downtime_id}"
	StatusField string `json:"status_field"`
	Status      string `json:"status"`
	Retained    string `json:"retained"`  // how long a canceled object stays listed
	HiddenBy    string `json:"hidden_by"` // the query that leaves canceled objects out
	Source      string `json:"source"`
}

// Collection is where the canceled objects are listed.
func (c CancelRule) Collection() string {
	item, _, _ := strings.Cut(strings.TrimPrefix(c.Operation, "DELETE "), "/{")
	return item
}
