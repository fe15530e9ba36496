// Package scopes checks, scope by scope and site by site, that an access token
// can send, pull or edit what each requested scope allows, that objects it
// creates are deleted, and that a scope it did not request is refused.
package scopes

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/oauthwiz/oauthwiz/assets"
	"github.com/oauthwiz/oauthwiz/flows/words"
)

// Statuses of a result. "manual" means oauthwiz cannot judge it.
const (
	Pass    = "pass"
	Fail    = "fail"
	Manual  = "manual"
	Skipped = "skipped"
)

// Target is one site to check, with its credentials.
type Target struct {
	Site        string
	APIBase     string
	AccessToken string
	APIKey      string // the integration's API key there, for api_keys_write
	Granted     []string
	Requested   []string // overrides Options.Requested for this site
}

// Options configure a run.
type Options struct {
	// Catalog is the platform's probes; nil means Datadog's.
	Catalog     *assets.ProbeCatalog
	Targets     []Target
	Requested   []string
	HTTPClient  *http.Client
	Concurrency int           // requests in flight per site; default 4
	Timeout     time.Duration // per request; default 20 s
	Retries     int           // for idempotent requests; default 3
	RunID       string
	Now         func() time.Time
	Sleep       func(context.Context, time.Duration) error
	OnResult    func(Result) // progress, as results arrive; never called concurrently
}

// Result is the outcome of one probe on one site.
type Result struct {
	Site       string `json:"site"`
	Scope      string `json:"scope"`
	Probe      string `json:"probe"` // read, write, cleanup, refusal, validate, send
	Status     string `json:"status"`
	HTTPStatus int    `json:"http_status"`
	Endpoint   string `json:"endpoint"`
	Detail     string `json:"detail"`
	RequestID  string `json:"request_id,omitempty"`
}

// Leftover is an object a probe created and could not delete.
type Leftover struct {
	Site     string `json:"site"`
	Scope    string `json:"scope"`
	Endpoint string `json:"endpoint"`
	ID       string `json:"id"`
}

// Report is a whole run.
type Report struct {
	RunID     string     `json:"run_id"`
	Results   []Result   `json:"results"`
	Leftovers []Leftover `json:"leftovers"`
	// Swept are objects an earlier run left (it was killed before its
	// cleanup) that this run found by name and deleted.
	Swept []Leftover `json:"swept"`
	// Notes say what the run could not do around the probes, such as a
	// sweep that could not list a collection.
	Notes []string `json:"notes,omitempty"`
}

// Failed reports whether anything failed or was left behind.
func (r Report) Failed() bool {
	if len(r.Leftovers) > 0 {
		return true
	}
	for _, x := range r.Results {
		if x.Status == Fail {
			return true
		}
	}
	return false
}

// Summary counts the results in one line, as every screen shows it.
func (r Report) Summary() string {
	counts := map[string]int{}
	for _, x := range r.Results {
		counts[x.Status]++
	}
	line := fmt.Sprintf("%d passed, %d failed, %d manual, %d skipped; %s left behind", counts[Pass], counts[Fail], counts[Manual], counts[Skipped], words.Count(len(r.Leftovers), "object"))
	if len(r.Swept) > 0 {
		line += fmt.Sprintf("; %d left by an earlier run deleted", len(r.Swept))
	}
	return line + "."
}

// ObjectName is the name of every object a run creates.
func ObjectName(runID string) string { return "oauthwiz-check-" + runID }

type job func(ctx context.Context, s *siteRun)

type siteRun struct {
	cat     assets.ProbeCatalog
	t       Target
	o       *Options
	lim     *limiter
	mu      *sync.Mutex
	report  *Report
	granted map[string]bool
	vars    map[string]string // the run's template values (assets.ProbeVars)
}

func (s *siteRun) emit(r Result) {
	r.Site = s.t.Site
	s.mu.Lock()
	defer s.mu.Unlock()
	s.report.Results = append(s.report.Results, r)
	if s.o.OnResult != nil {
		s.o.OnResult(r) // one call at a time: callers need no lock
	}
}

func catalogOr(c *assets.ProbeCatalog) assets.ProbeCatalog {
	if c == nil {
		return assets.Probes()
	}
	return *c
}

func isImplicit(c assets.ProbeCatalog, scope string) bool {
	for _, s := range c.Implicit {
		if s == scope {
			return true
		}
	}
	return false
}

// apiKeyScope is the scope whose check is the API key's, if the platform has one.
func apiKeyScope(c assets.ProbeCatalog) string {
	if c.APIKey == nil {
		return ""
	}
	return c.APIKey.Scope
}

// Expected is about how many results a site will give, for progress bars.
// cat nil means Datadog's probes.
func Expected(cat *assets.ProbeCatalog, t Target, requested []string) int {
	c := catalogOr(cat)
	keyScope := apiKeyScope(c)
	if t.Requested != nil {
		requested = t.Requested
	}
	granted := map[string]bool{}
	for _, g := range t.Granted {
		granted[g] = true
	}
	n := 1 // the refusal probe
	for _, sc := range requested {
		if isImplicit(c, sc) {
			continue
		}
		p, ok := c.For(sc)
		switch {
		case !granted[sc] || !ok && (keyScope == "" || sc != keyScope):
			n++
		case keyScope != "" && sc == keyScope:
			n += 2
		default:
			if p.Read != nil {
				n++
			}
			if p.Write != nil {
				n += 2 // create and cleanup
			}
		}
	}
	return n
}

// Run checks every requested scope on every target, all sites at once.
func Run(ctx context.Context, o Options) Report {
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{}
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 4
	}
	if o.Timeout <= 0 {
		o.Timeout = 20 * time.Second
	}
	if o.Retries <= 0 {
		o.Retries = 3
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Sleep == nil {
		o.Sleep = sleepCtx
	}
	if o.RunID == "" {
		o.RunID = strconv.FormatInt(o.Now().Unix(), 36)
	}
	report := &Report{RunID: o.RunID, Results: []Result{}, Leftovers: []Leftover{}, Swept: []Leftover{}}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, t := range o.Targets {
		s := &siteRun{cat: catalogOr(o.Catalog), t: t, o: &o, mu: &mu, report: report, granted: map[string]bool{},
			lim: &limiter{now: o.Now, sleep: o.Sleep}, vars: assets.ProbeVars(ObjectName(o.RunID), o.Now())}
		for _, g := range t.Granted {
			s.granted[g] = true
		}
		jobs := s.jobs()
		queue := make(chan job)
		for w := 0; w < o.Concurrency; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := range queue {
					j(ctx, s)
				}
			}()
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(queue)
			for i, j := range jobs {
				select {
				case queue <- j:
				case <-ctx.Done():
					for _, rest := range jobs[i:] {
						rest(nil, s) // a nil context reports the job as cancelled
					}
					return
				}
			}
		}()
	}
	wg.Wait()
	sort.SliceStable(report.Results, func(i, j int) bool {
		a, b := report.Results[i], report.Results[j]
		if a.Site != b.Site {
			return a.Site < b.Site
		}
		return a.Scope < b.Scope
	})
	return *report
}

func (s *siteRun) jobs() []job {
	var out []job
	requested := append([]string(nil), s.o.Requested...)
	if s.t.Requested != nil {
		requested = append([]string(nil), s.t.Requested...)
	}
	sort.Strings(requested)
	for _, sc := range requested {
		sc := sc
		if isImplicit(s.cat, sc) {
			continue
		}
		if !s.granted[sc] {
			out = append(out, func(ctx context.Context, s *siteRun) {
				s.emit(Result{Scope: sc, Probe: "grant", Status: Fail, Detail: "requested but not granted by the token: authorize again and compare the granted scopes"})
			})
			continue
		}
		if k := apiKeyScope(s.cat); k != "" && sc == k {
			out = append(out, func(ctx context.Context, s *siteRun) { s.apiKeyProbe(ctx) })
			continue
		}
		p, ok := s.cat.For(sc)
		if !ok {
			out = append(out, func(ctx context.Context, s *siteRun) {
				s.emit(Result{Scope: sc, Probe: "manual", Status: Manual, Detail: s.cat.Manual})
			})
			continue
		}
		if p.Read != nil {
			out = append(out, func(ctx context.Context, s *siteRun) { s.readProbe(ctx, sc, *p.Read) })
		}
		if p.Write != nil {
			out = append(out, func(ctx context.Context, s *siteRun) { s.writeProbe(ctx, sc, *p.Write) })
		}
	}
	// Least privilege: a scope that was not granted must be refused.
	for _, p := range s.cat.Probes {
		if p.Read != nil && !s.granted[p.Scope] {
			p := p
			out = append(out, func(ctx context.Context, s *siteRun) { s.refusalProbe(ctx, p.Scope, *p.Read) })
			break
		}
	}
	return out
}

type answer struct {
	status    int
	body      []byte
	requestID string
}

// do sends one request: waits for the rate limit, retries idempotent calls on
// 5xx and broken connections with backoff, and waits out a 429.
func (s *siteRun) do(ctx context.Context, method, path string, body []byte, header http.Header, idempotent bool) (answer, error) {
	url := strings.TrimRight(s.t.APIBase, "/") + path
	backoff := 200 * time.Millisecond
	for attempt := 0; ; attempt++ {
		if err := s.lim.wait(ctx); err != nil {
			return answer{}, err
		}
		sendCtx := ctx
		if !idempotent {
			// A create, once sent, is read to its end even when the run is
			// cancelled: only its answer holds the id the cleanup deletes.
			sendCtx = context.WithoutCancel(ctx)
		}
		rctx, cancel := context.WithTimeout(sendCtx, s.o.Timeout)
		var rdr io.Reader
		if body != nil {
			rdr = bytes.NewReader(body)
		}
		req, err := http.NewRequestWithContext(rctx, method, url, rdr)
		if err != nil {
			cancel()
			return answer{}, err
		}
		for k, v := range header {
			req.Header[k] = v
		}
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := s.o.HTTPClient.Do(req)
		if err != nil {
			s.lim.done(nil)
			cancel()
			if ctx.Err() != nil {
				return answer{}, ctx.Err()
			}
			if idempotent && attempt < s.o.Retries {
				if err := s.o.Sleep(ctx, backoff); err != nil {
					return answer{}, err
				}
				backoff *= 2
				continue
			}
			return answer{}, err
		}
		b, rerr := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		cancel()
		s.lim.done(resp.Header)
		a := answer{status: resp.StatusCode, body: b, requestID: resp.Header.Get("X-Request-Id")}
		switch {
		case resp.StatusCode == http.StatusTooManyRequests && attempt < s.o.Retries+5:
			// Not processed: safe to send again once the window resets.
			if err := s.o.Sleep(ctx, resetDelay(resp.Header)); err != nil {
				return a, err
			}
			continue
		case resp.StatusCode >= 500 && idempotent && attempt < s.o.Retries:
			if err := s.o.Sleep(ctx, backoff); err != nil {
				return a, err
			}
			backoff *= 2
			continue
		}
		if rerr != nil {
			return a, fmt.Errorf("reading the answer: %w", rerr)
		}
		return a, nil
	}
}

// bearer is the headers of a probe request: the token and the catalog's
// headers (PagerDuty's API version).
func (s *siteRun) bearer() http.Header {
	h := http.Header{"Authorization": {"Bearer " + s.t.AccessToken}, "Accept": {"application/json"}}
	for k, v := range s.cat.Headers {
		h.Set(k, v)
	}
	return h
}

// call sends one of the catalog's requests with the token: its path, query,
// body and headers (PagerDuty's From) filled with vars and the object's id.
// A template left without a value is not sent: the platform would get a
// literal {{from}} and answer with an error that blames the wrong thing.
func (s *siteRun) call(ctx context.Context, r assets.Request, vars map[string]string, id string, idempotent bool) (answer, error) {
	if missing := r.Unfilled(vars); len(missing) > 0 {
		return answer{}, fmt.Errorf("%s %s: the catalog's template {{%s}} has no value here (a value a write reads is not read for a sweep); fix the probe in the catalog", r.Method, r.Path, strings.Join(missing, "}}, {{"))
	}
	target, body := r.Expand(vars, id)
	h := s.bearer()
	for k, v := range r.Header(vars) {
		h.Set(k, v)
	}
	return s.do(ctx, r.Method, target, body, h, idempotent)
}

func cancelled(ctx context.Context) bool { return ctx == nil || ctx.Err() != nil }

func (s *siteRun) skipCancelled(scope, probe, endpoint string) {
	s.emit(Result{Scope: scope, Probe: probe, Status: Skipped, Endpoint: endpoint, Detail: "cancelled before it ran"})
}

func (s *siteRun) describe(a answer, err error) string {
	if err != nil {
		return err.Error()
	}
	if f := s.cat.Forbidden; f != nil && a.status == http.StatusForbidden {
		var doc any
		if json.Unmarshal(a.body, &doc) == nil {
			required, _ := scopeText(valueAt(doc, f.Required))
			granted, _ := scopeText(valueAt(doc, f.Granted))
			msg, _ := scalar(valueAt(doc, f.Message))
			if required != "" {
				if msg == "" {
					msg = http.StatusText(a.status)
				}
				return fmt.Sprintf("%s: the call needs %s; the token has %s", msg, required, orNone(granted))
			}
		}
	}
	var e struct {
		Errors []string `json:"errors"`
	}
	if json.Unmarshal(a.body, &e) == nil && len(e.Errors) > 0 {
		return strings.Join(e.Errors, "; ")
	}
	if !json.Valid(a.body) {
		return "the answer is not valid JSON"
	}
	return http.StatusText(a.status)
}

// scopeText reads a scope list written as a string or as an array.
func scopeText(v any) (string, bool) {
	if l, ok := v.([]any); ok {
		var parts []string
		for _, x := range l {
			if t, ok := scalar(x); ok {
				parts = append(parts, t)
			}
		}
		return strings.Join(parts, " "), len(parts) > 0
	}
	return scalar(v)
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// lacking reports, as a manual result, a probe whose operation needs scopes
// the token lacks besides the one probed (POST /api/v2/team needs
// teams_read with teams_manage): the request would be refused, and the
// refusal would blame the wrong scope.
func (s *siteRun) lacking(scope, probe string, r assets.Request) bool {
	if s.cat.Operation == nil {
		return false
	}
	op := s.cat.Operation(r.Method, r.Path)
	if op == nil || op.Allows(s.granted) {
		return false
	}
	var alts []string
	for _, alt := range op.Scopes {
		alts = append(alts, strings.Join(alt, " and "))
	}
	need := op.Needs(s.granted)
	s.emit(Result{Scope: scope, Probe: probe, Status: Manual, Endpoint: r.Method + " " + r.Path,
		Detail: fmt.Sprintf("needs %s too: Datadog's spec has %s %s require %s; request %s as well, or check this scope by hand",
			strings.Join(need, " and "), r.Method, r.Path, strings.Join(alts, ", or "), strings.Join(need, " and "))})
	return true
}

func (s *siteRun) readProbe(ctx context.Context, scope string, r assets.Request) {
	ep := r.Method + " " + r.Path
	if cancelled(ctx) {
		s.skipCancelled(scope, "read", ep)
		return
	}
	if s.lacking(scope, "read", r) {
		return
	}
	idem := r.Method == http.MethodGet || r.Idempotent
	a, err := s.call(ctx, r, s.vars, "", idem)
	res := Result{Scope: scope, Probe: "read", HTTPStatus: a.status, Endpoint: ep, RequestID: a.requestID}
	switch {
	case err == nil && a.status/100 == 2 && json.Valid(a.body):
		res.Status, res.Detail = Pass, "data pulled"
	default:
		res.Status, res.Detail = Fail, s.describe(a, err)
	}
	s.emit(res)
}

func (s *siteRun) refusalProbe(ctx context.Context, scope string, r assets.Request) {
	ep := r.Method + " " + r.Path
	if cancelled(ctx) {
		s.skipCancelled(scope, "refusal", ep)
		return
	}
	a, err := s.call(ctx, r, s.vars, "", true)
	res := Result{Scope: scope, Probe: "refusal", HTTPStatus: a.status, Endpoint: ep, RequestID: a.requestID}
	switch {
	case err != nil:
		res.Status, res.Detail = Fail, err.Error()
	case a.status == http.StatusForbidden || a.status == http.StatusUnauthorized:
		res.Status, res.Detail = Pass, "refused as it should be: the scope was not requested"
	case a.status/100 == 2:
		res.Status, res.Detail = Fail, "an unrequested scope was allowed: least privilege is broken"
	default:
		res.Status, res.Detail = Fail, "expected 403, got "+s.describe(a, nil)
	}
	s.emit(res)
}

// with adds values (read for a probe's needs) to the run's template values.
func (s *siteRun) with(extra map[string]string) map[string]string {
	if len(extra) == 0 {
		return s.vars
	}
	out := make(map[string]string, len(s.vars)+len(extra))
	for k, v := range s.vars {
		out[k] = v
	}
	for k, v := range extra {
		out[k] = v
	}
	return out
}

// needs reads the values a write's body needs from the account. A value it
// cannot read makes the probe manual, with the reason.
func (s *siteRun) needs(ctx context.Context, scope string, w assets.WriteProbe) (map[string]string, bool) {
	vars := map[string]string{}
	for _, n := range w.Needs {
		ep := n.Method + " " + n.Path
		res := Result{Scope: scope, Probe: "write", Status: Manual, Endpoint: w.Method + " " + w.Path}
		if !s.granted[n.Scope] {
			res.Detail = fmt.Sprintf("the write needs %s from the account, and finding it needs %s, which the token does not have: request it too, or check this scope by hand", n.What, n.Scope)
			s.emit(res)
			return nil, false
		}
		a, err := s.do(ctx, n.Method, n.Path, nil, s.bearer(), true)
		if err != nil || a.status/100 != 2 {
			res.Detail = fmt.Sprintf("could not read %s to use (%s: %s): check this scope by hand", n.What, ep, s.describe(a, err))
			s.emit(res)
			return nil, false
		}
		v, ok := lookup(a.body, n.Value)
		if !ok {
			res.Detail = fmt.Sprintf("the account has no %s to use (%s): create one, or check this scope by hand", strings.TrimPrefix(strings.TrimPrefix(n.What, "a "), "an "), ep)
			s.emit(res)
			return nil, false
		}
		vars[n.As] = v
	}
	return vars, true
}

func (s *siteRun) writeProbe(ctx context.Context, scope string, w assets.WriteProbe) {
	ep := w.Method + " " + w.Path
	if cancelled(ctx) {
		s.skipCancelled(scope, "write", ep)
		return
	}
	if s.lacking(scope, "write", w.Request) {
		return
	}
	if w.Sweep != nil {
		s.sweep(ctx, scope, w)
	}
	vars, ok := s.needs(ctx, scope, w)
	if !ok {
		return
	}
	vars = s.with(vars)
	a, err := s.call(ctx, w.Request, vars, "", false)
	res := Result{Scope: scope, Probe: "write", HTTPStatus: a.status, Endpoint: ep, RequestID: a.requestID}
	if err != nil || a.status/100 != 2 {
		res.Status, res.Detail = Fail, s.describe(a, err)
		if err != nil && !errors.Is(err, context.Canceled) {
			res.Detail += " (a create is never retried blindly: look for " + ObjectName(s.o.RunID) + " objects)"
		}
		s.emit(res)
		return
	}
	id, ok := lookup(a.body, w.IDPath)
	if !ok {
		res.Status, res.Detail = Fail, "created, but the answer has no "+w.IDPath+": delete "+ObjectName(s.o.RunID)+" by hand"
		s.emit(res)
		s.leftover(scope, ep, "?")
		return
	}
	res.Status, res.Detail = Pass, "created "+id
	s.emit(res)
	s.leftover(scope, ep, id)

	// Clean up even when the run is cancelled: the object must not stay.
	cctx, cancel := context.WithTimeout(context.WithoutCancel(orBackground(ctx)), 30*time.Second)
	defer cancel()
	cep := w.Cleanup.Method + " " + w.Cleanup.Path
	ca, cerr := s.call(cctx, w.Cleanup, vars, id, true)
	cres := Result{Scope: scope, Probe: "cleanup", HTTPStatus: ca.status, Endpoint: cep, RequestID: ca.requestID}
	if cerr == nil && ca.status/100 == 2 {
		cres.Status, cres.Detail = Pass, "deleted "+id
		s.forget(id)
	} else {
		cres.Status, cres.Detail = Fail, s.describe(ca, cerr)+": delete "+id+" by hand"
	}
	s.emit(cres)
}

// sweep deletes the objects of earlier runs in the probe's collection: a run
// killed between a create and its cleanup leaves one, and only its name,
// oauthwiz-check-<run>, says where it came from.
func (s *siteRun) sweep(ctx context.Context, scope string, w assets.WriteProbe) {
	sw := w.Sweep
	ep := sw.Method + " " + sw.Path
	if !s.granted[sw.Scope] {
		s.note(fmt.Sprintf("%s: objects left by an earlier run in %s were not looked for: listing needs %s, which the token does not have", s.t.Site, sw.Path, sw.Scope))
		return
	}
	a, err := s.call(ctx, sw.Request, s.vars, "", true)
	if err != nil || a.status/100 != 2 {
		s.note(fmt.Sprintf("%s: could not list %s to look for objects left by an earlier run: %s", s.t.Site, ep, s.describe(a, err)))
		return
	}
	var doc any
	if json.Unmarshal(a.body, &doc) != nil {
		s.note(fmt.Sprintf("%s: the answer of %s is not JSON: objects left by an earlier run were not looked for", s.t.Site, ep))
		return
	}
	items, _ := valueAt(doc, sw.Items).([]any)
	// Names are compared as oauthwiz writes them in any case: some objects'
	// names must be upper case with underscores (OAUTHWIZ_CHECK_…).
	norm := func(s string) string { return strings.ToLower(strings.ReplaceAll(s, "_", "-")) }
	mine := ObjectName(s.o.RunID)
	for _, it := range items {
		name, _ := scalar(valueAt(it, sw.Name))
		id, ok := scalar(valueAt(it, sw.ID))
		if !ok || !strings.HasPrefix(norm(name), ObjectName("")) || norm(name) == mine {
			continue
		}
		ca, cerr := s.call(ctx, w.Cleanup, s.vars, id, true)
		if cerr == nil && (ca.status/100 == 2 || ca.status == http.StatusNotFound) {
			s.swept(Leftover{Site: s.t.Site, Scope: scope, Endpoint: w.Method + " " + w.Path, ID: id})
			continue
		}
		s.note(fmt.Sprintf("%s: %s (%s, left by an earlier run) could not be deleted: %s; delete it by hand", s.t.Site, name, id, s.describe(ca, cerr)))
	}
}

// swept records an object of an earlier run deleted by a sweep — once:
// probes sharing a collection (monitors_write, monitors_draft_write) both
// sweep it.
func (s *siteRun) swept(l Leftover) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, done := range s.report.Swept {
		if done.Site == l.Site && done.ID == l.ID {
			return
		}
	}
	s.report.Swept = append(s.report.Swept, l)
}

func (s *siteRun) note(msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.report.Notes = append(s.report.Notes, msg)
}

func orBackground(ctx context.Context) context.Context {
	if ctx == nil {
		return context.Background()
	}
	return ctx
}

func (s *siteRun) leftover(scope, ep, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.report.Leftovers = append(s.report.Leftovers, Leftover{Site: s.t.Site, Scope: scope, Endpoint: ep, ID: id})
}

func (s *siteRun) forget(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	kept := s.report.Leftovers[:0]
	for _, l := range s.report.Leftovers {
		if !(l.Site == s.t.Site && l.ID == id) {
			kept = append(kept, l)
		}
	}
	s.report.Leftovers = kept
}

func (s *siteRun) apiKeyProbe(ctx context.Context) {
	c := s.cat.APIKey
	scope := c.Scope
	if cancelled(ctx) {
		s.skipCancelled(scope, "validate", c.Validate.Method+" "+c.Validate.Path)
		return
	}
	if s.t.APIKey == "" {
		s.emit(Result{Scope: scope, Probe: "validate", Status: Skipped, Detail: "no API key is stored for this site: create it first (the API key step, or 'oauthwiz apikey create')"})
		return
	}
	key := http.Header{"Dd-Api-Key": {s.t.APIKey}, "Accept": {"application/json"}}
	a, err := s.do(ctx, c.Validate.Method, c.Validate.Path, nil, key, true)
	res := Result{Scope: scope, Probe: "validate", HTTPStatus: a.status, Endpoint: c.Validate.Method + " " + c.Validate.Path, RequestID: a.requestID}
	if err == nil && a.status == http.StatusOK {
		res.Status, res.Detail = Pass, "the API key is valid"
	} else {
		res.Status, res.Detail = Fail, s.describe(a, err)
	}
	s.emit(res)
	target, body := c.Send.Expand(s.vars, "")
	// A duplicate point is harmless, so sending is retried like a read.
	a, err = s.do(ctx, c.Send.Method, target, body, key, true)
	res = Result{Scope: scope, Probe: "send", HTTPStatus: a.status, Endpoint: c.Send.Method + " " + c.Send.Path, RequestID: a.requestID}
	if err == nil && a.status/100 == 2 {
		res.Status, res.Detail = Pass, "one point sent to the site's intake with the API key"
	} else {
		res.Status, res.Detail = Fail, s.describe(a, err)
	}
	s.emit(res)
}

// lookup reads a value at a path like "id", "data.id" or "data[0].id".
func lookup(body []byte, path string) (string, bool) {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return "", false
	}
	return scalar(valueAt(v, path))
}

// valueAt walks a decoded JSON document along a dotted path with optional
// indexes; "" is the document itself. A missing step gives nil.
func valueAt(v any, path string) any {
	if path == "" {
		return v
	}
	for _, part := range strings.Split(path, ".") {
		name, idx := part, -1
		if i := strings.Index(part, "["); i >= 0 && strings.HasSuffix(part, "]") {
			name = part[:i]
			n, err := strconv.Atoi(part[i+1 : len(part)-1])
			if err != nil || n < 0 {
				return nil
			}
			idx = n
		}
		if name != "" {
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[name]
		}
		if idx >= 0 {
			l, ok := v.([]any)
			if !ok || idx >= len(l) {
				return nil
			}
			v = l[idx]
		}
	}
	return v
}

// scalar is an id or a name as text.
func scalar(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, x != ""
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	}
	return "", false
}
