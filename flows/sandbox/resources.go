package sandbox

import (
	"encoding/json"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Fault makes matching requests misbehave, for tests.
type Fault struct {
	Method    string        `json:"method,omitempty"` // "" matches every method
	Path      string        `json:"path,omitempty"`   // a path prefix (API, /oauth2/, /apps/); "" matches every API path
	Latency   time.Duration `json:"latency,omitempty"`
	Status    int           `json:"status,omitempty"`    // answer this status (5xx, 429) instead
	Reset     bool          `json:"reset,omitempty"`     // drop the connection
	Malformed bool          `json:"malformed,omitempty"` // answer 200 with a broken body
	Times     int           `json:"times,omitempty"`     // how many requests it hits; 0: all
}

type object struct {
	ID, Collection, Site, OrgID, Name string
	Created                           time.Time
	Seeded                            bool
	// Item is the object as its collection lists it. It is never changed
	// in place once stored — a change stores a new map (withAt,
	// mergeKeepingID) — because answers are encoded outside the lock.
	Item map[string]any
	// Shape is where the spec's answer for one object keeps its id
	// ("data.id", "data[0].id", "service.id", "id"): wrapItem puts Item in
	// that shape. Empty: the item as it is.
	Shape string
	// Canceled is when a delete canceled the object instead (a downtime):
	// it stays listed for a while (datadog_semantics.json).
	Canceled time.Time
}

// StateObject is an object created through the API and still alive.
type StateObject struct {
	ID         string `json:"id"`
	Collection string `json:"collection"`
	Site       string `json:"site"`
	OrgID      string `json:"org_id"`
	Name       string `json:"name"`
}

type rateWindow struct {
	start time.Time
	used  int
}

type apiState struct {
	mu          sync.Mutex
	objects     map[string]*object
	windows     map[string]*rateWindow
	faults      []*Fault
	rateLimited int // 429 answers given
	requests    int
	points      int // series points accepted
}

// SetFaults replaces the injected faults.
func (s *Server) SetFaults(faults []Fault) {
	s.api.mu.Lock()
	defer s.api.mu.Unlock()
	s.api.faults = nil
	for i := range faults {
		f := faults[i]
		s.api.faults = append(s.api.faults, &f)
	}
}

func (s *Server) matchFault(r *http.Request) *Fault {
	s.api.mu.Lock()
	defer s.api.mu.Unlock()
	for _, f := range s.api.faults {
		api := strings.HasPrefix(r.URL.Path, "/api/")
		if (f.Method == "" || f.Method == r.Method) && strings.HasPrefix(r.URL.Path, f.Path) && (api || f.Path != "") {
			if f.Times < 0 {
				continue
			}
			hit := *f
			if f.Times > 0 {
				f.Times--
				if f.Times == 0 {
					f.Times = -1 // used up
				}
			}
			return &hit
		}
	}
	return nil
}

// injectFault applies a fault; true means the request was answered (or
// dropped) by it, false that it only added latency.
func injectFault(w http.ResponseWriter, r *http.Request, f *Fault) bool {
	if f.Latency > 0 {
		select {
		case <-time.After(f.Latency):
		case <-r.Context().Done():
			return true
		}
	}
	switch {
	case f.Reset:
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
				return true
			}
		}
		panic(http.ErrAbortHandler)
	case f.Malformed:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		w.Write([]byte(`{"data": [{"id": `))
		return true
	case f.Status != 0:
		writeJSON(w, f.Status, map[string][]string{"errors": {http.StatusText(f.Status)}})
		return true
	}
	return false
}

// apiMiddleware applies faults, the rate limit and the request id to every
// API call, the way Datadog's edge would.
func (s *Server) apiMiddleware(site datadogSite, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if f := s.matchFault(r); f != nil && injectFault(w, r, f) {
			return
		}
		if !strings.HasPrefix(r.URL.Path, "/api/") {
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Set("X-Request-Id", randomHex(8))
		if !s.takeRate(w, site, r) {
			writeJSON(w, http.StatusTooManyRequests, map[string][]string{"errors": {"Too many requests"}})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// takeRate counts the request in its clock-aligned window (per site and credential)
// and sets the X-RateLimit headers; false means the limit is exhausted.
func (s *Server) takeRate(w http.ResponseWriter, site datadogSite, r *http.Request) bool {
	limit, period := s.opts.RateLimit, s.opts.RatePeriod
	s.api.mu.Lock()
	defer s.api.mu.Unlock()
	s.api.requests++
	if limit <= 0 {
		return true
	}
	if period <= 0 {
		period = 10 * time.Second
	}
	key := site.ID + "|" + r.Header.Get("Authorization") + r.Header.Get("DD-API-KEY")
	now := s.opts.Now()
	// Fixed windows aligned on the clock, as X-RateLimit-Reset describes them.
	start := now.Truncate(period)
	win := s.api.windows[key]
	if win == nil || !win.start.Equal(start) {
		win = &rateWindow{start: start}
		s.api.windows[key] = win
	}
	reset := win.start.Add(period).Sub(now)
	h := w.Header()
	h.Set("X-RateLimit-Limit", strconv.Itoa(limit))
	h.Set("X-RateLimit-Period", strconv.Itoa(int(math.Ceil(period.Seconds()))))
	h.Set("X-RateLimit-Reset", strconv.FormatFloat(math.Max(reset.Seconds(), 0.001), 'f', 3, 64))
	if win.used >= limit {
		h.Set("X-RateLimit-Remaining", "0")
		s.api.rateLimited++
		return false
	}
	win.used++
	h.Set("X-RateLimit-Remaining", strconv.Itoa(limit-win.used))
	return true
}

// registerDatadogAPI serves Datadog's API from its spec (datadogAPI) and the
// metrics intake that the API key sends a point to (POST /api/v2/series,
// authenticated with DD-API-KEY, not a scope).
func (s *Server) registerDatadogAPI(mux *http.ServeMux, site datadogSite) {
	mux.Handle("/api/", s.datadogAPI(site))
	mux.HandleFunc("POST /api/v2/series", func(w http.ResponseWriter, r *http.Request) {
		if !s.validKey(r.Header.Get("DD-API-KEY"), site.ID) {
			writeJSON(w, http.StatusForbidden, forbidden)
			return
		}
		var body struct {
			Series []struct {
				Points []json.RawMessage `json:"points"`
			} `json:"series"`
		}
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&body); err != nil || len(body.Series) == 0 {
			writeJSON(w, http.StatusBadRequest, map[string][]string{"errors": {"Payload is not in the expected format"}})
			return
		}
		s.api.mu.Lock()
		for _, se := range body.Series {
			s.api.points += len(se.Points)
		}
		s.api.mu.Unlock()
		writeJSON(w, http.StatusAccepted, map[string][]string{"errors": {}})
	})
}

// withAt is doc with the dotted path set to v: a new map, copied along the
// path, so that a reader holding doc never sees it change.
func withAt(doc map[string]any, path string, v any) map[string]any {
	out := copyMap(doc)
	head, rest, nested := strings.Cut(path, ".")
	if !nested {
		out[head] = v
		return out
	}
	inner, _ := doc[head].(map[string]any)
	out[head] = withAt(inner, rest, v)
	return out
}

func nameOf(body map[string]any) string {
	for _, k := range []string{"name", "title"} {
		if v, ok := body[k].(string); ok {
			return v
		}
	}
	// PagerDuty wraps the object: {"team": {"name": …}}.
	for _, v := range body {
		if m, ok := v.(map[string]any); ok {
			for _, k := range []string{"name", "title"} {
				if v, ok := m[k].(string); ok {
					return v
				}
			}
		}
	}
	if d, ok := body["data"].(map[string]any); ok {
		if a, ok := d["attributes"].(map[string]any); ok {
			for _, k := range []string{"name", "title", "message"} {
				if v, ok := a[k].(string); ok {
					return v
				}
			}
		}
	}
	return ""
}

func (s *Server) create(site, org, collection, name string) *object {
	s.api.mu.Lock()
	defer s.api.mu.Unlock()
	o := &object{ID: randomHex(6), Collection: collection, Site: site, OrgID: org, Name: name, Created: s.opts.Now()}
	s.api.objects[o.ID] = o
	return o
}

func (s *Server) delete(site, org, collection string, ids []string) int {
	s.api.mu.Lock()
	defer s.api.mu.Unlock()
	n := 0
	for _, id := range ids {
		if o := s.api.objects[id]; o != nil && o.Site == site && o.OrgID == org && o.Collection == collection {
			delete(s.api.objects, id)
			n++
		}
	}
	return n
}

func (s *Server) validKey(key, site string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range s.apiKeys {
		if key != "" && k.Key == key && k.Site == site {
			return true
		}
	}
	return false
}

// Objects lists the objects created through the API and still alive.
func (s *Server) Objects() []StateObject {
	s.api.mu.Lock()
	defer s.api.mu.Unlock()
	out := []StateObject{}
	for _, o := range s.api.objects {
		if !o.Seeded && o.Canceled.IsZero() { // a canceled downtime is no longer active
			out = append(out, StateObject{o.ID, o.Collection, o.Site, o.OrgID, o.Name})
		}
	}
	return out
}

// RateLimited is how many requests the sandbox answered 429.
func (s *Server) RateLimited() int {
	s.api.mu.Lock()
	defer s.api.mu.Unlock()
	return s.api.rateLimited
}

// APIRequests is how many API requests the Datadog sites received.
func (s *Server) APIRequests() int { s.api.mu.Lock(); defer s.api.mu.Unlock(); return s.api.requests }

// PointsReceived is how many series points were accepted with an API key.
func (s *Server) PointsReceived() int { s.api.mu.Lock(); defer s.api.mu.Unlock(); return s.api.points }
