// Package assets holds the facts oauthwiz relies on — Datadog sites, the OAuth
// scope catalog and the troubleshooting catalog — as embedded data, so that each
// fact lives in one place and code never rebuilds hostnames by string arithmetic.
package assets

import (
	"embed"
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

//go:embed sites.json scopes.json troubleshooting.json datadog_api.json datadog.json
var files embed.FS

// Site is one Datadog site of the sites table.
type Site struct {
	ID              string `json:"id"`
	Param           string `json:"site"` // the site parameter, also the bare domain
	AppHost         string `json:"app_host"`
	APIHost         string `json:"api_host"`
	OAuthDocumented bool   `json:"oauth_documented"`
}

// Scope is one entry of the scope catalog.
type Scope struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"` // from scopes.json: oauthwiz's words
	// Private scopes (api_keys_write) are documented for OAuth integrations
	// and absent from the spec.
	Private bool `json:"private,omitempty"`
	// Declared is false for a scope that operations require although the
	// AuthZ scheme's list does not name it.
	Declared bool     `json:"declared"`
	Specs    []string `json:"specs,omitempty"` // v1, v2: the specs that name it
}

// Trouble is one entry of the troubleshooting catalog.
type Trouble struct {
	ID       string   `json:"id"`
	Patterns []string `json:"patterns"`
	Title    string   `json:"title"`
	Meaning  string   `json:"meaning"`
	Fix      string   `json:"fix"`
	Step     string   `json:"step"`
}

var (
	loadOnce  sync.Once
	sites     []Site
	api       API
	datadog   DatadogFacts
	scopes    []Scope
	troubles  []Trouble
	troubleRE []*regexp.Regexp
	loadErr   error
)

func load() {
	loadOnce.Do(func() {
		var described struct {
			Scopes []Scope `json:"scopes"`
		}
		for _, f := range []struct {
			name string
			into any
		}{{"sites.json", &sites}, {"datadog_api.json", &api}, {"datadog.json", &datadog}, {"scopes.json", &described}, {"troubleshooting.json", &troubles}} {
			b, err := files.ReadFile(f.name)
			if err == nil {
				err = json.Unmarshal(b, f.into)
			}
			if err != nil {
				loadErr = fmt.Errorf("assets/%s: %w", f.name, err)
				return
			}
		}
		// Which scopes exist comes from Datadog's spec; what they are for, in
		// oauthwiz's words, from scopes.json.
		words := map[string]string{}
		for _, s := range described.Scopes {
			words[s.Name] = s.Description
		}
		scopes = append([]Scope(nil), api.Scopes...)
		for i := range scopes {
			scopes[i].Description = words[scopes[i].Name]
		}
		sort.Slice(scopes, func(i, j int) bool { return scopes[i].Name < scopes[j].Name })
		troubleRE = compileTroubles(troubles)
	})
	if loadErr != nil {
		// The embedded files are part of the binary: a broken one is a build defect.
		panic(loadErr)
	}
}

// Sites returns the Datadog sites in table order.
func Sites() []Site { load(); return append([]Site(nil), sites...) }

// SiteByID finds a site by its id (us1, eu1, …).
func SiteByID(id string) (Site, bool) {
	load()
	for _, s := range sites {
		if s.ID == strings.ToLower(strings.TrimSpace(id)) {
			return s, true
		}
	}
	return Site{}, false
}

// SiteIDs lists the site ids, for error messages and help.
func SiteIDs() []string {
	load()
	ids := make([]string, len(sites))
	for i, s := range sites {
		ids[i] = s.ID
	}
	return ids
}

// SiteForDomain maps a site or domain parameter, possibly with an org subdomain
// in front (bigcorp.datadoghq.eu), to its site. The longest matching site
// parameter wins so that us3.datadoghq.com is not taken for datadoghq.com.
func SiteForDomain(domain string) (Site, bool) {
	load()
	d := strings.ToLower(strings.TrimSuffix(strings.TrimSpace(domain), "."))
	d = strings.TrimPrefix(strings.TrimPrefix(d, "https://"), "http://")
	if i := strings.IndexAny(d, "/:"); i >= 0 {
		d = d[:i]
	}
	var best Site
	found := false
	for _, s := range sites {
		for _, candidate := range []string{s.Param, s.AppHost} {
			if d == candidate || strings.HasSuffix(d, "."+candidate) {
				if !found || len(s.Param) > len(best.Param) {
					best, found = s, true
				}
			}
		}
	}
	return best, found
}

// ScopeCatalog is Datadog's scope catalog, sorted by name: the scopes of
// its spec's AuthZ schemes, those its operations require, and the private
// api_keys_write.
func ScopeCatalog() []Scope { load(); return append([]Scope(nil), scopes...) }

// DatadogAPI is the generated description of Datadog's API (see API).
func DatadogAPI() API { load(); return api }

// DatadogFacts are what oauthwiz knows of Datadog beyond its sites, scopes
// and API spec (datadog.json), each with its source.
type DatadogFacts struct {
	// APIKeyName is the name Datadog gives the marketplace API key: the
	// key to revoke when it is lost.
	APIKeyName Sourced `json:"api_key_name"`
}

// Datadog returns the facts of datadog.json.
func Datadog() DatadogFacts { load(); return datadog }

// Operation finds the operation of Datadog's API a request is for (nil: the
// spec has none), with the values of its path placeholders. A literal
// segment wins over a placeholder (/api/v2/team/sync before
// /api/v2/team/{team_id}).
func Operation(method, path string) (*APIOperation, map[string]string) {
	load()
	return api.Operation(method, path)
}

// UnknownScope says what a scope outside the catalog means: the catalog is
// the spec's, the spec is not the whole truth (published clients hold scopes
// it lacks), and Datadog's authorize endpoint decides.
func UnknownScope(name string) string {
	load()
	return fmt.Sprintf("scope %q is not in the catalog of Datadog's spec (%s %s); the authorize endpoint decides whether to grant it: compare the granted scopes with the request", name, "datadog-api-client-go", api.Source.Version)
}

// LookupScope finds a scope by name.
func LookupScope(name string) (Scope, bool) {
	load()
	i := sort.Search(len(scopes), func(i int) bool { return scopes[i].Name >= name })
	if i < len(scopes) && scopes[i].Name == name {
		return scopes[i], true
	}
	return Scope{}, false
}

// Troubles returns the troubleshooting catalog.
func Troubles() []Trouble { load(); return append([]Trouble(nil), troubles...) }

// Symptoms are the first pattern of every catalog entry, for "known
// symptoms" lists.
func Symptoms() []string {
	var out []string
	for _, t := range Troubles() {
		out = append(out, t.Patterns[0])
	}
	return out
}

// Diagnose returns the catalog entries whose patterns occur in text, most
// specific (longest matching pattern) first.
func Diagnose(text string) []Trouble {
	load()
	return diagnose(troubles, troubleRE, text)
}

func compileTroubles(list []Trouble) []*regexp.Regexp {
	var out []*regexp.Regexp
	for _, t := range list {
		parts := make([]string, len(t.Patterns))
		for i, p := range t.Patterns {
			parts[i] = regexp.QuoteMeta(strings.ToLower(p))
		}
		out = append(out, regexp.MustCompile(strings.Join(parts, "|")))
	}
	return out
}

func diagnose(list []Trouble, res []*regexp.Regexp, text string) []Trouble {
	lower := strings.ToLower(text)
	type hit struct {
		t   Trouble
		len int
	}
	var hits []hit
	for i, re := range res {
		if m := re.FindAllString(lower, -1); len(m) > 0 {
			longest := 0
			for _, s := range m {
				longest = max(longest, len(s))
			}
			hits = append(hits, hit{list[i], longest})
		}
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].len > hits[j].len })
	out := make([]Trouble, len(hits))
	for i, h := range hits {
		out[i] = h.t
	}
	return out
}

//go:embed probes.json
var probesJSON []byte

// Request is one HTTP call of a probe. Its path, query and body are
// templates: see Expand.
type Request struct {
	Method     string            `json:"method"`
	Path       string            `json:"path"`
	Query      map[string]string `json:"query,omitempty"`
	Headers    map[string]string `json:"headers,omitempty"` // PagerDuty's From`
	Body       json.RawMessage   `json:"body,omitempty"`
	Idempotent bool              `json:"idempotent,omitempty"` // a POST that only reads
	// The shape of a list answer, where the request lists a collection:
	// where the list is ("" for a top-level array) and the id and name
	// fields of an item (dotted paths).
	Items string `json:"items,omitempty"`
	ID    string `json:"id,omitempty"`
	Name  string `json:"name,omitempty"`
}

// ProbeVars are the values a run gives the templates of its probes:
// {{name}} (the objects' name), {{name_upper}} (the same, upper case with
// underscores, for names that must be: synthetics variables), {{key}} (a
// short upper-case key unique to the run, for objects with unique keys: case
// projects), {{last_month}} (the first instant of last month, RFC 3339),
// {{hour_ago}} and
// {{now}} (RFC 3339, seconds), {{hour_ago_ms}} and {{now_ms}} (Unix
// milliseconds), {{hour_ago_s}} and {{now_s}} (Unix seconds).
func ProbeVars(name string, now time.Time) map[string]string {
	now = now.UTC().Truncate(time.Second)
	ago := now.Add(-time.Hour)
	run := name[strings.LastIndex(name, "-")+1:]
	return map[string]string{
		"name": name, "name_upper": strings.ToUpper(strings.ReplaceAll(name, "-", "_")), "key": "OW" + strings.ToUpper(run),
		"last_month": time.Date(now.Year(), now.Month()-1, 1, 0, 0, 0, 0, time.UTC).Format(time.RFC3339),
		"now":        now.Format(time.RFC3339), "hour_ago": ago.Format(time.RFC3339),
		"now_ms": strconv.FormatInt(now.UnixMilli(), 10), "hour_ago_ms": strconv.FormatInt(ago.UnixMilli(), 10),
		"now_s": strconv.FormatInt(now.Unix(), 10), "hour_ago_s": strconv.FormatInt(ago.Unix(), 10),
	}
}

// Expand fills the request's templates — {{var}} from vars in its path,
// query and body, {id} with id — and returns the target (path and encoded
// query) and the body. Values are escaped for where they go: path segment,
// query value, or JSON string. A body value that is exactly "{{var}}" of a
// number-valued var ({{now_ms}}, …) becomes a JSON number.
func (r Request) Expand(vars map[string]string, id string) (target string, body []byte) {
	fill := func(s string, escape func(string) string) string {
		for k, v := range vars {
			s = strings.ReplaceAll(s, "{{"+k+"}}", escape(v))
		}
		return strings.ReplaceAll(s, "{id}", escape(id))
	}
	target = fill(r.Path, url.PathEscape)
	if len(r.Query) > 0 {
		q := url.Values{}
		for k, v := range r.Query {
			q.Set(k, fill(v, func(s string) string { return s }))
		}
		target += "?" + q.Encode()
	}
	if len(r.Body) > 0 {
		b := string(r.Body)
		for k, v := range vars {
			if _, err := strconv.ParseInt(v, 10, 64); err == nil {
				b = strings.ReplaceAll(b, `"{{`+k+`}}"`, v)
			}
		}
		body = []byte(fill(b, func(s string) string {
			q, _ := json.Marshal(s)
			return string(q[1 : len(q)-1])
		}))
	}
	return target, body
}

// Need is a value a write probe's body needs from the account, read first
// (a service to open an incident on, a user to put in a schedule).
type Need struct {
	Scope  string `json:"scope"` // the scope the read needs
	Method string `json:"method"`
	Path   string `json:"path"`
	Value  string `json:"value"` // where the value is in the answer
	As     string `json:"as"`    // {{as}} in the body template
	What   string `json:"what"`  // for messages: "a service"
}

// WriteProbe creates an object and says how to delete it.
type WriteProbe struct {
	Request
	IDPath  string  `json:"id_path"`
	Cleanup Request `json:"cleanup"`
	Sweep   *Sweep  `json:"sweep,omitempty"`
	Needs   []Need  `json:"needs,omitempty"`
}

// Sweep lists a collection (Request's list shape) so that objects an earlier
// run created and could not delete (the process was killed) are found by name.
type Sweep struct {
	Request
	Scope string `json:"scope"` // the scope the list needs
}

// Probe is the data-flow check of one scope.
type Probe struct {
	Scope string      `json:"scope"`
	Read  *Request    `json:"read,omitempty"`
	Write *WriteProbe `json:"write,omitempty"`
	// Derived probes are read from Datadog's spec (deriveReads), not
	// written in probes.json.
	Derived bool `json:"-"`
}

// ProbeCatalog is a platform's probes: assets/probes.json for Datadog, the
// "probes" of assets/pagerduty.json for PagerDuty.
type ProbeCatalog struct {
	Probes []Probe `json:"probes"`
	// APIKey checks the integration's API key (Datadog's api_keys_write);
	// absent for a platform without one.
	APIKey *struct {
		Scope    string  `json:"scope"`
		Validate Request `json:"validate"`
		Send     Request `json:"send"`
	} `json:"api_key,omitempty"`
	// Headers go on every probe request (PagerDuty's API version).
	Headers map[string]string `json:"headers,omitempty"`
	// Forbidden says where a 403 answer names the scopes the call required
	// and the scopes the token has, when the platform says so.
	Forbidden *struct {
		Message  string `json:"message"`
		Required string `json:"required"`
		Granted  string `json:"granted"`
	} `json:"forbidden,omitempty"`
	Manual string `json:"manual"`
	// Implicit scopes come with every token (PagerDuty's openid): nothing to
	// check, so they are not probed.
	Implicit []string `json:"implicit,omitempty"`
	// Operation, when set, finds the API operation of a request in the
	// platform's spec (Datadog's): a probe then checks that the token holds
	// every scope the operation needs, not only the one it probes.
	Operation func(method, path string) *APIOperation `json:"-"`
}

// For returns the probe of a scope.
func (c ProbeCatalog) For(scope string) (Probe, bool) {
	for _, p := range c.Probes {
		if p.Scope == scope {
			return p, true
		}
	}
	return Probe{}, false
}

var (
	probesOnce sync.Once
	probes     ProbeCatalog
)

// Probes returns the probe catalog.
func Probes() ProbeCatalog {
	probesOnce.Do(func() {
		if err := json.Unmarshal(probesJSON, &probes); err != nil {
			panic(fmt.Errorf("assets/probes.json: %w", err))
		}
		probes.Operation = func(method, path string) *APIOperation { op, _ := Operation(method, path); return op }
		deriveReads(&probes, DatadogAPI().Operations)
	})
	return probes
}

// deriveReads adds, for every scope without a probe in probes.json, a read
// taken from Datadog's spec: a GET that the scope alone unlocks, without a
// path placeholder, whose required query parameters oauthwiz can fill (an
// enum's first value; a date-time, the last hour), or a search (POST …/search)
// whose body is optional. Among candidates, an operation the scope alone
// unlocks comes first, then the fewest parameters, then the shortest path.
// Every probe, derived or written, is checked against the spec by
// assets/specgen's conformance test.
func deriveReads(cat *ProbeCatalog, ops []APIOperation) {
	has := map[string]bool{}
	for _, p := range cat.Probes {
		has[p.Scope] = true
	}
	best := map[string]*Request{}
	cost := map[string][3]int{} // alternatives (an operation the scope alone owns first), parameters, path length
	for _, op := range ops {
		if op.Deprecated || strings.Contains(op.Path, "{") {
			continue
		}
		var r *Request
		switch {
		case op.Method == "GET":
			r = &Request{Method: "GET", Path: op.Path}
			for _, p := range op.Params {
				v, ok := fillParam(p)
				if !ok {
					r = nil
					break
				}
				if r.Query == nil {
					r.Query = map[string]string{}
				}
				r.Query[p.Name] = v
			}
		case op.Method == "POST" && strings.HasSuffix(op.Path, "/search") && op.Body != nil && !op.Body.Required:
			r = &Request{Method: "POST", Path: op.Path, Body: json.RawMessage(`{}`), Idempotent: true}
		}
		if r == nil {
			continue
		}
		for _, alt := range op.Scopes {
			if len(alt) != 1 || has[alt[0]] {
				continue
			}
			c := [3]int{len(op.Scopes), len(r.Query), len(op.Path)}
			if old, seen := best[alt[0]]; !seen || less(c, cost[alt[0]]) || (c == cost[alt[0]] && r.Path < old.Path) {
				best[alt[0]], cost[alt[0]] = r, c
			}
		}
	}
	scopes := slices.Sorted(maps.Keys(best))
	for _, s := range scopes {
		cat.Probes = append(cat.Probes, Probe{Scope: s, Read: best[s], Derived: true})
	}
}

func less(a, b [3]int) bool {
	for i := range a {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return false
}

// fillParam is the value a derived probe gives a required query parameter.
func fillParam(p APIParam) (string, bool) {
	switch {
	case len(p.Enum) > 0:
		return p.Enum[0], true
	case p.Format == "date-time":
		n := strings.ToLower(p.Name)
		if strings.Contains(n, "end") || strings.HasSuffix(n, "to") || strings.Contains(n, "until") {
			return "{{now}}", true
		}
		return "{{hour_ago}}", true
	}
	return "", false
}

//go:embed contacts.json
var contactsJSON []byte

// Contact returns a documented contact address by purpose
// ("sandbox_on_another_site", "developer_platform_access").
func Contact(purpose string) string {
	var m map[string]string
	if err := json.Unmarshal(contactsJSON, &m); err != nil {
		panic(fmt.Errorf("assets/contacts.json: %w", err))
	}
	return m[purpose]
}

// Unfilled names the templates of the request ({{name}} in its path, query,
// headers or body) that vars gives no value: sent as they are, the platform
// would get the literal braces.
func (r Request) Unfilled(vars map[string]string) []string {
	parts := []string{r.Path, string(r.Body)}
	for _, v := range r.Query {
		parts = append(parts, v)
	}
	for _, v := range r.Headers {
		parts = append(parts, v)
	}
	var out []string
	for _, part := range parts {
		for {
			_, rest, ok := strings.Cut(part, "{{")
			if !ok {
				break
			}
			name, after, ok := strings.Cut(rest, "}}")
			if !ok {
				break
			}
			if _, known := vars[name]; !known && !slices.Contains(out, name) {
				out = append(out, name)
			}
			part = after
		}
	}
	sort.Strings(out)
	return out
}

// Header is the request's own headers, their templates filled.
func (r Request) Header(vars map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range r.Headers {
		for name, val := range vars {
			v = strings.ReplaceAll(v, "{{"+name+"}}", val)
		}
		out[k] = v
	}
	return out
}
