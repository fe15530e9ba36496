package sandbox

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/oauthwiz/oauthwiz/assets"
)

// specAPI answers a platform's API from the operations of its spec (an
// assets.API generated from the platform's OpenAPI file), never from
// oauthwiz's probes, so that a probe's mistake fails here as it would on the
// platform:
//
//   - a route the spec does not have: 404;
//   - a token without the scopes the spec asks (every scope of one
//     alternative): 403, in the platform's shape;
//   - a required path, query or header parameter missing or of the wrong
//     type, a required body field missing or of the wrong JSON type: 400 in
//     the platform's error shape;
//   - the objects a request creates are kept per site and org, listed where
//     the spec's answer keeps its list, read, changed and deleted — or
//     canceled and kept listed, as the platform's semantics say.
//
// Where the spec is silent the stand-in makes choices, which are
// assumptions: the text of a 400 or 404, and that a delete of an unknown id
// is a 404.
type specAPI struct {
	s         *Server
	api       *assets.API
	semantics assets.Semantics
	site      string // the objects' site key
	// auth checks the token, answering the platform's 401/403 itself.
	auth func(w http.ResponseWriter, r *http.Request) *token
	// refuse answers a token that lacks scopes (need: the closest
	// alternative's missing ones).
	refuse func(w http.ResponseWriter, t *token, need []string)
	// fail answers an error in the platform's shape.
	fail func(w http.ResponseWriter, status int, msg string)
}

// transportHeaders are header parameters the stand-in does not judge: the
// HTTP client sets them, and they say nothing about the probe.
var transportHeaders = map[string]bool{"accept": true, "content-type": true}

// datadogAPI is Datadog's API on one site.
func (s *Server) datadogAPI(site datadogSite) *specAPI {
	api := assets.DatadogAPI()
	sem, _ := datadogSemantics() // checked when the sandbox starts
	return &specAPI{s: s, api: &api, semantics: sem, site: site.ID,
		auth: func(w http.ResponseWriter, r *http.Request) *token { return s.accessToken(w, r, site) },
		refuse: func(w http.ResponseWriter, _ *token, _ []string) {
			writeJSON(w, http.StatusForbidden, forbidden)
		},
		fail: func(w http.ResponseWriter, status int, msg string) {
			writeJSON(w, status, map[string][]string{"errors": {msg}})
		}}
}

func (a *specAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	op, vars := a.api.Operation(r.Method, r.URL.Path)
	if op == nil {
		a.fail(w, http.StatusNotFound, "Not found")
		return
	}
	t := a.auth(w, r)
	if t == nil {
		return
	}
	granted := map[string]bool{}
	for _, sc := range t.Scopes {
		granted[sc] = !slices.Contains(a.s.opts.RefuseScopes, sc)
	}
	if !op.Allows(granted) {
		a.refuse(w, t, op.Needs(granted))
		return
	}
	if msg := badParams(op, r, vars); msg != "" {
		a.fail(w, http.StatusBadRequest, msg)
		return
	}
	var body any
	if op.Body != nil {
		b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
		switch {
		case err != nil:
			a.fail(w, http.StatusBadRequest, "the body could not be read")
			return
		case len(strings.TrimSpace(string(b))) == 0:
			if op.Body.Required {
				a.fail(w, http.StatusBadRequest, "a JSON body is required")
				return
			}
		case json.Unmarshal(b, &body) != nil:
			a.fail(w, http.StatusBadRequest, "the body is not valid JSON")
			return
		}
		if body != nil {
			for _, f := range op.Body.Fields {
				if msg := checkField(body, strings.Split(f.Path, "."), f); msg != "" {
					a.fail(w, http.StatusBadRequest, msg)
					return
				}
			}
		}
	}
	a.objects(w, r, t, op, vars, body)
}

// badParams checks the required path, query and header parameters:
// present, and of the spec's type where that type is a number or a boolean.
func badParams(op *assets.APIOperation, r *http.Request, vars map[string]string) string {
	for _, p := range op.Params {
		var v string
		switch p.In {
		case "path":
			v = vars[p.Name]
		case "query":
			if !r.URL.Query().Has(p.Name) {
				return fmt.Sprintf("missing required query parameter %s", p.Name)
			}
			v = r.URL.Query().Get(p.Name)
		case "header":
			if transportHeaders[strings.ToLower(p.Name)] {
				continue
			}
			if v = r.Header.Get(p.Name); v == "" {
				return fmt.Sprintf("missing required header %s", p.Name)
			}
		}
		if !valueOfType(v, p.Type) {
			return fmt.Sprintf("parameter %s: %q is not a valid %s", p.Name, v, p.Type)
		}
		if p.Format == "date-time" && !dateTime(v) {
			return fmt.Sprintf("parameter %s: %q is not an ISO-8601 date and time", p.Name, v)
		}
		if len(p.Enum) > 0 && !slices.Contains(p.Enum, v) {
			return fmt.Sprintf("parameter %s: %q is not one of %s", p.Name, v, strings.Join(p.Enum, ", "))
		}
	}
	return ""
}

func valueOfType(v, typ string) bool {
	var err error
	switch typ {
	case "integer":
		_, err = strconv.ParseInt(v, 10, 64)
	case "number":
		_, err = strconv.ParseFloat(v, 64)
	case "boolean":
		_, err = strconv.ParseBool(v)
	}
	return err == nil
}

// isoPrefix is an ISO-8601 date cut short: Datadog's usage docs take
// start_month as [YYYY-MM] and start_hr as [YYYY-MM-DDThh].
var isoPrefix = regexp.MustCompile(`^\d{4}-\d{2}(-\d{2}(T\d{2}(:\d{2}(:\d{2})?)?)?)?$`)

// dateTime reports whether v is a date-time parameter Datadog takes: RFC
// 3339 (what its API clients send) or an ISO-8601 date cut short.
func dateTime(v string) bool {
	if _, err := time.Parse(time.RFC3339, v); err == nil {
		return true
	}
	return isoPrefix.MatchString(v)
}

// checkField checks one required field (a dotted path; "x[]" reaches into
// every item of the array x) and says what is wrong with it.
func checkField(v any, segs []string, f assets.APIField) string {
	if len(segs) == 0 {
		if v == nil || jsonType(v, f.Type) {
			return "" // null is left to the field's own rules
		}
		return fmt.Sprintf("field %s must be %s", f.Path, article(f.Type))
	}
	name, each := strings.CutSuffix(segs[0], "[]")
	obj, ok := v.(map[string]any)
	if !ok {
		return "" // the parent's type is checked on its own path
	}
	child, present := obj[name]
	if !present {
		return fmt.Sprintf("field %s is required", f.Path)
	}
	if !each {
		return checkField(child, segs[1:], f)
	}
	list, _ := child.([]any)
	for _, item := range list {
		if msg := checkField(item, segs[1:], f); msg != "" {
			return msg
		}
	}
	return ""
}

func jsonType(v any, typ string) bool {
	switch typ {
	case "string":
		_, ok := v.(string)
		return ok
	case "integer":
		n, ok := v.(float64)
		return ok && n == float64(int64(n))
	case "number":
		_, ok := v.(float64)
		return ok
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "object":
		_, ok := v.(map[string]any)
		return ok
	case "array":
		_, ok := v.([]any)
		return ok
	}
	return true // one-of, any: the branches are the validator's business
}

func article(typ string) string {
	switch typ {
	case "integer", "object", "array":
		return "an " + typ
	}
	return "a " + typ
}

// objects gives the API's objects their life: created by a POST on a
// collection that has a delete, listed by a GET on it in the answer's shape,
// read, changed and deleted by their item path.
func (a *specAPI) objects(w http.ResponseWriter, r *http.Request, t *token, op *assets.APIOperation, vars map[string]string, body any) {
	s := a.s
	status := http.StatusOK
	if op.Response != nil && op.Response.Status != 0 {
		status = op.Response.Status
	}
	segs := strings.Split(strings.Trim(op.Path, "/"), "/")
	last := segs[len(segs)-1]
	if isPlaceholder(last) { // an item: /things/{thing_id}
		collection := "/" + strings.Join(segs[:len(segs)-1], "/")
		id := vars[strings.Trim(last, "{}")]
		o := s.find(a.site, t.OrgID, collection, id)
		if o == nil {
			a.fail(w, http.StatusNotFound, "Not found")
			return
		}
		switch op.Method {
		case http.MethodDelete:
			if c := a.cancelRule(op); c != nil { // canceled, still listed for a while
				s.api.mu.Lock()
				o.Canceled = s.opts.Now()
				o.Item = withAt(o.Item, c.StatusField, c.Status)
				s.api.mu.Unlock()
			} else {
				s.delete(a.site, t.OrgID, collection, []string{id})
			}
			answer(w, status, map[string]any{})
		case http.MethodGet:
			s.api.mu.Lock()
			item, shape := o.Item, o.Shape
			s.api.mu.Unlock()
			answer(w, status, wrapItem(shape, item))
		default: // PUT, PATCH: the object becomes what was sent, id kept
			s.api.mu.Lock()
			if m, ok := unwrap(body, o.Item).(map[string]any); ok {
				o.Item = mergeKeepingID(o.Item, m)
			}
			// A change can end an object too (a resolved incident).
			if c := a.cancelRule(op); c != nil && fmt.Sprint(valueAtPath(o.Item, c.StatusField)) == c.Status {
				o.Canceled = s.opts.Now()
			}
			item, shape := o.Item, o.Shape
			s.api.mu.Unlock()
			answer(w, status, wrapItem(shape, item))
		}
		return
	}
	switch {
	case op.Method == http.MethodPost && last == "delete": // a bulk delete: POST …/delete {"public_ids": […]}
		collection := "/" + strings.Join(segs[:len(segs)-1], "/")
		var ids []string
		if m, ok := body.(map[string]any); ok {
			for _, v := range m {
				if list, ok := v.([]any); ok {
					for _, x := range list {
						if id, ok := scalarString(x); ok {
							ids = append(ids, id)
						}
					}
				}
			}
		}
		if s.delete(a.site, t.OrgID, collection, ids) == 0 {
			a.fail(w, http.StatusNotFound, "Not found")
			return
		}
		answer(w, status, map[string]any{})
	case op.Method == http.MethodPost && op.Response != nil && op.Response.ID != "" && a.deletable(op.Path):
		answer(w, status, s.createFrom(a.site, t.OrgID, a.collectionOf(op.Path), op.Response, body))
	case op.Method == http.MethodGet && op.Response != nil && op.Response.List != "":
		items := []any{}
		hide := a.hiddenCanceled(op, r)
		for _, o := range a.listObjects(t.OrgID, op.Path) {
			if !hide || !o.canceled {
				items = append(items, o.item)
			}
		}
		if op.Response.List == "[]" {
			answer(w, status, items)
			return
		}
		answer(w, status, map[string]any{op.Response.List: items})
	default: // reads and actions without objects of their own
		answer(w, status, map[string]any{})
	}
}

func answer(w http.ResponseWriter, status int, v any) {
	if status == http.StatusNoContent {
		w.WriteHeader(status)
		return
	}
	writeJSON(w, status, v)
}

func isPlaceholder(seg string) bool {
	return strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}")
}

// deletable reports whether the spec can end what a POST on path creates:
// DELETE path/{id}, a bulk POST …/delete beside it, or a change the
// platform's semantics say ends it (a resolved incident).
func (a *specAPI) deletable(path string) bool {
	c := a.collectionOf(path)
	for _, o := range a.api.Operations {
		item := strings.HasPrefix(o.Path, c+"/{") && strings.Count(o.Path, "/") == strings.Count(c, "/")+1
		if (o.Method == http.MethodDelete && item) || (o.Method == http.MethodPost && o.Path == c+"/delete") || (item && a.cancelRule(&o) != nil) {
			return true
		}
	}
	return false
}

// collectionOf is where what a POST on path creates is listed: path itself
// when the spec lists it, else its parent (synthetics' API tests are
// created at …/tests/api and listed at …/tests).
func (a *specAPI) collectionOf(path string) string {
	if a.api.Has(http.MethodGet, path) {
		return path
	}
	if i := strings.LastIndex(path, "/"); i > 0 && a.api.Has(http.MethodGet, path[:i]) {
		return path[:i]
	}
	return path
}

// createFrom stores what a create sent as the object the API will list, and
// returns the answer the spec gives: JSON:API objects ({"data":{"id","type",
// "attributes"}}), a list of one ({"data":[…]}), or the object itself with
// its id (or public_id) set, as a string or an integer as the spec types it.
func (s *Server) createFrom(site, org, collection string, shape *assets.APIResponse, body any) any {
	sent, _ := body.(map[string]any)
	name := nameOf(sent)
	o := s.create(site, org, collection, name)
	id := o.ID
	if shape.IDType == "integer" {
		id = strconv.FormatInt(int64(hashInt(o.ID)), 10)
		s.api.mu.Lock()
		delete(s.api.objects, o.ID)
		o.ID = id
		s.api.objects[id] = o
		s.api.mu.Unlock()
	}
	idValue := any(id)
	if shape.IDType == "integer" {
		n, _ := strconv.ParseInt(id, 10, 64)
		idValue = n
	}
	var item map[string]any
	wrapper, wrapped := strings.CutSuffix(shape.ID, ".id")
	switch {
	case shape.ID == "data.id":
		data, _ := sent["data"].(map[string]any)
		item = map[string]any{"id": idValue, "type": data["type"], "attributes": data["attributes"]}
	case shape.ID == "data[0].id":
		item = copyMap(sent)
		item["id"] = idValue
	case wrapped: // {"service": {…, "id": …}}
		inner, _ := sent[wrapper].(map[string]any)
		item = copyMap(inner)
		item["id"] = idValue
	default:
		item = copyMap(sent)
		item[shape.ID] = idValue
	}
	s.api.mu.Lock()
	o.Item, o.Shape = item, shape.ID
	s.api.mu.Unlock()
	return wrapItem(shape.ID, item)
}

// wrapItem is an object's item in the shape of the spec's answer for one
// object (object.Shape).
func wrapItem(shape string, item map[string]any) any {
	wrapper, wrapped := strings.CutSuffix(shape, ".id")
	switch {
	case shape == "data.id":
		return map[string]any{"data": item}
	case shape == "data[0].id":
		return map[string]any{"data": []any{item}}
	case wrapped:
		return map[string]any{wrapper: item}
	}
	return item
}

func copyMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	return out
}

func mergeKeepingID(item, change map[string]any) map[string]any {
	out := copyMap(item)
	for k, v := range change {
		if k != "id" && k != "public_id" {
			out[k] = v
		}
	}
	return out
}

// hashInt turns a random hex id into a positive integer id.
func hashInt(hexID string) int64 {
	n, _ := strconv.ParseInt(hexID, 16, 64)
	return n%9_000_000_000 + 1_000_000_000
}

func scalarString(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case float64:
		return strconv.FormatInt(int64(x), 10), true
	}
	return "", false
}

func (s *Server) find(site, org, collection, id string) *object {
	s.api.mu.Lock()
	defer s.api.mu.Unlock()
	if o := s.api.objects[id]; o != nil && o.Site == site && o.OrgID == org && o.Collection == collection {
		return o
	}
	return nil
}

// cancelRule is the semantics of an operation that ends an object without
// deleting it (a canceled downtime, a resolved incident).
func (a *specAPI) cancelRule(op *assets.APIOperation) *assets.CancelRule {
	for i := range a.semantics.Cancel {
		if a.semantics.Cancel[i].Operation == op.Method+" "+op.Path {
			return &a.semantics.Cancel[i]
		}
	}
	return nil
}

// hiddenCanceled reports whether a list request leaves ended objects out
// (GET /api/v2/downtime?current_only=true).
func (a *specAPI) hiddenCanceled(list *assets.APIOperation, r *http.Request) bool {
	for _, c := range a.semantics.Cancel {
		if c.Collection() == list.Path && c.HiddenBy != "" {
			k, v, _ := strings.Cut(c.HiddenBy, "=")
			return r.URL.Query().Get(k) == v
		}
	}
	return false
}

// listed is an object as a list shows it, taken under the lock.
type listed struct {
	item     map[string]any
	canceled bool
}

// listObjects is the collection's objects, oldest first; ended ones are
// dropped once their retention has passed (kept for good without one).
func (a *specAPI) listObjects(org, collection string) []listed {
	s := a.s
	retained := map[string]time.Duration{}
	for _, c := range a.semantics.Cancel {
		d, _ := time.ParseDuration(c.Retained)
		retained[c.Collection()] = d
	}
	s.api.mu.Lock()
	defer s.api.mu.Unlock()
	var out []*object
	for id, o := range s.api.objects {
		if d := retained[o.Collection]; !o.Canceled.IsZero() && d > 0 && s.opts.Now().Sub(o.Canceled) > d {
			delete(s.api.objects, id)
			continue
		}
		if o.Site == a.site && o.OrgID == org && o.Collection == collection && o.Item != nil {
			out = append(out, o)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Created.Before(out[j].Created) })
	views := make([]listed, len(out))
	for i, o := range out {
		views[i] = listed{item: o.Item, canceled: !o.Canceled.IsZero()}
	}
	return views
}

// seedAccount gives an org the objects every account has that probes read
// (a synthetics location; a PagerDuty user, service, escalation policy), as
// the platform's semantics list them.
func (s *Server) seedAccount(site, org string, sem assets.Semantics) {
	s.api.mu.Lock()
	defer s.api.mu.Unlock()
	for _, sd := range sem.Seeded {
		for _, item := range sd.Items {
			id, _ := item["id"].(string)
			key := site + "/" + org + "/" + id
			s.api.objects[key] = &object{ID: key, Collection: sd.Collection, Site: site, OrgID: org, Seeded: true, Item: copyMap(item), Created: s.opts.Now()}
		}
	}
}

// unwrap takes the object out of a PagerDuty-style body ({"incident": {…}})
// when the stored item is the inner object.
func unwrap(body any, item map[string]any) any {
	m, ok := body.(map[string]any)
	if !ok || len(m) != 1 {
		return body
	}
	for k, v := range m {
		if inner, ok := v.(map[string]any); ok && item[k] == nil {
			return inner
		}
	}
	return body
}

// valueAtPath reads a dotted path of a JSON object.
func valueAtPath(m map[string]any, path string) any {
	var v any = m
	for _, p := range strings.Split(path, ".") {
		obj, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = obj[p]
	}
	return v
}
