package sandbox_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/oauthwiz/oauthwiz/flows/sandbox"
)

func (e *env) call(method, path, bearer, body string) (*http.Response, string) {
	e.t.Helper()
	req, _ := http.NewRequest(method, e.client.app+path, strings.NewReader(body))
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, strings.TrimSpace(string(b))
}

func (e *env) accessToken(scopes string) string {
	_, out := e.token(e.exchangeForm(e.code(func(q url.Values) { q.Set("scope", scopes) })), "application/x-www-form-urlencoded")
	return out["access_token"].(string)
}

func TestProbeEndpointsKeepRealObjects(t *testing.T) {
	e := start(t, sandbox.Options{AutoApprove: true, Scopes: []string{"dashboards_read", "dashboards_write", "slos_write", "synthetics_write", "monitors_read"}})
	at := e.accessToken("dashboards_read dashboards_write slos_write synthetics_write")
	resp, body := e.call("POST", "/api/v1/dashboard", at, `{"title":"oauthwiz-check-1","layout_type":"ordered","widgets":[]}`)
	var dash struct{ ID, Title string }
	json.Unmarshal([]byte(body), &dash)
	if resp.StatusCode != 200 || dash.ID == "" || dash.Title != "oauthwiz-check-1" || resp.Header.Get("X-Request-Id") == "" {
		t.Fatalf("create dashboard: %d %s", resp.StatusCode, body)
	}
	if _, body := e.call("GET", "/api/v1/dashboard", at, ""); !strings.Contains(body, dash.ID) {
		t.Fatalf("list does not show it: %s", body)
	}
	if objs := e.sb.State().Objects; len(objs) != 1 || objs[0].Name != "oauthwiz-check-1" {
		t.Fatalf("state objects %+v", objs)
	}
	_, body = e.call("POST", "/api/v1/slo", at, `{"name":"oauthwiz-check-2","type":"metric","thresholds":[{"timeframe":"7d","target":99.9}],"query":{"numerator":"sum:a{*}","denominator":"sum:b{*}"}}`)
	var slo struct{ Data []struct{ ID string } }
	json.Unmarshal([]byte(body), &slo)
	if len(slo.Data) != 1 {
		t.Fatalf("create SLO: %s", body)
	}
	_, body = e.call("POST", "/api/v1/synthetics/tests/api", at, `{"name":"oauthwiz-check-3","type":"api","locations":["aws:eu-central-1"],"message":"m","options":{},"config":{"request":{"method":"GET","url":"https://example.com"},"assertions":[]}}`)
	var syn struct {
		PublicID string `json:"public_id"`
	}
	json.Unmarshal([]byte(body), &syn)
	for _, c := range []struct{ method, path, body string }{
		{"DELETE", "/api/v1/dashboard/" + dash.ID, ""},
		{"DELETE", "/api/v1/slo/" + slo.Data[0].ID, ""},
		{"POST", "/api/v1/synthetics/tests/delete", `{"public_ids":["` + syn.PublicID + `"]}`},
	} {
		if resp, body := e.call(c.method, c.path, at, c.body); resp.StatusCode != 200 {
			t.Fatalf("%s %s: %d %s", c.method, c.path, resp.StatusCode, body)
		}
	}
	if objs := e.sb.State().Objects; len(objs) != 0 {
		t.Fatalf("objects left: %+v", objs)
	}
	if resp, body := e.call("GET", "/api/v1/monitor", at, ""); resp.StatusCode != 403 || body != `{"errors":["Forbidden"]}` {
		t.Fatalf("unrequested scope: %d %s", resp.StatusCode, body)
	}
	if resp, _ := e.call("DELETE", "/api/v1/dashboard/nope", at, ""); resp.StatusCode != 404 {
		t.Fatalf("delete unknown: %d", resp.StatusCode)
	}
}

// The stand-in answers from Datadog's spec, as Datadog would: a route the
// spec lacks is 404; a token without every scope of an operation's
// alternative is 403; a missing or mistyped required parameter or body
// field is 400 in Datadog's {"errors": [...]} shape.
func TestAPIRefusesWhatDatadogRefuses(t *testing.T) {
	e := start(t, sandbox.Options{AutoApprove: true, Scopes: []string{"teams_read", "teams_manage", "usage_read", "apm_read", "monitors_read", "monitors_write"}})
	manageOnly := e.accessToken("teams_manage usage_read apm_read monitors_read monitors_write")
	both := e.accessToken("teams_read teams_manage")
	team := `{"data":{"type":"team","attributes":{"name":"oauthwiz-check-t","handle":"oauthwiz-check-t"}}}`
	for _, tt := range []struct {
		name, method, path, token, body string
		status                          int
		text                            string
	}{
		{"unknown route", "GET", "/api/v2/no/such/thing", manageOnly, "", 404, "Not found"},
		{"one scope of two required", "POST", "/api/v2/team", manageOnly, team, 403, "Forbidden"},
		{"both scopes", "POST", "/api/v2/team", both, team, 201, `"id"`},
		{"required query parameter missing", "GET", "/api/v1/usage/summary", manageOnly, "", 400, "start_month"},
		{"required query parameter present", "GET", "/api/v1/usage/summary?start_month=2026-10-01T00:00:00Z", manageOnly, "", 200, ""},
		{"a date-time parameter that is no date", "GET", "/api/v1/usage/summary?start_month=%7B%7Bmonth%7D%7D", manageOnly, "", 400, "start_month"},
		{"a date-time cut to the month, as the usage docs write it", "GET", "/api/v1/usage/summary?start_month=2026-10", manageOnly, "", 200, ""},
		{"required filter missing", "GET", "/api/v2/apm/services", manageOnly, "", 400, "filter[env]"},
		{"required body field missing", "POST", "/api/v2/team", both, `{"data":{"type":"team","attributes":{"name":"x"}}}`, 400, "data.attributes.handle is required"},
		{"body field of the wrong type", "POST", "/api/v2/team", both, `{"data":{"type":"team","attributes":{"name":"x","handle":7}}}`, 400, "data.attributes.handle must be a string"},
		{"body not JSON", "POST", "/api/v2/team", both, `{`, 400, "not valid JSON"},
		{"path parameter of the wrong type", "DELETE", "/api/v1/monitor/abc", manageOnly, "", 400, "monitor_id"},
		{"a monitor's id is an integer", "POST", "/api/v1/monitor", manageOnly, `{"name":"oauthwiz-check-m","type":"metric alert","query":"avg(last_5m):avg:x{*} > 1"}`, 200, `"id":`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := e.call(tt.method, tt.path, tt.token, tt.body)
			if resp.StatusCode != tt.status || !strings.Contains(body, tt.text) {
				t.Fatalf("%s %s: %d %s, want %d with %q", tt.method, tt.path, resp.StatusCode, body, tt.status, tt.text)
			}
			if tt.status >= 400 && !strings.HasPrefix(body, `{"errors":[`) {
				t.Fatalf("not Datadog's error shape: %s", body)
			}
			if tt.name == "a monitor's id is an integer" {
				var m map[string]any
				json.Unmarshal([]byte(body), &m)
				if _, ok := m["id"].(float64); !ok {
					t.Fatalf("monitor id %v is not a number", m["id"])
				}
			}
		})
	}
}

func TestRateLimitHeadersAnd429(t *testing.T) {
	e := start(t, sandbox.Options{AutoApprove: true, RateLimit: 2, RatePeriod: 10 * time.Second})
	at := e.accessToken("dashboards_read")
	for i, want := range []string{"1", "0"} {
		resp, _ := e.call("GET", "/api/v1/dashboard", at, "")
		if resp.StatusCode != 200 || resp.Header.Get("X-RateLimit-Remaining") != want || resp.Header.Get("X-RateLimit-Limit") != "2" || resp.Header.Get("X-RateLimit-Period") != "10" || resp.Header.Get("X-RateLimit-Reset") == "" {
			t.Fatalf("request %d: %d %v", i, resp.StatusCode, resp.Header)
		}
	}
	if resp, _ := e.call("GET", "/api/v1/dashboard", at, ""); resp.StatusCode != 429 || e.sb.RateLimited() != 1 {
		t.Fatalf("third request: %d", resp.StatusCode)
	}
	e.clock.Add(10 * time.Second)
	if resp, _ := e.call("GET", "/api/v1/dashboard", at, ""); resp.StatusCode != 200 {
		t.Fatalf("after the window: %d", resp.StatusCode)
	}
}

func TestFaultInjection(t *testing.T) {
	e := start(t, sandbox.Options{AutoApprove: true})
	at := e.accessToken("dashboards_read")
	e.sb.SetFaults([]sandbox.Fault{{Path: "/api/v1/dashboard", Status: 503, Times: 1}, {Path: "/api/v1/dashboard", Malformed: true, Times: 1}})
	if resp, _ := e.call("GET", "/api/v1/dashboard", at, ""); resp.StatusCode != 503 {
		t.Fatalf("5xx fault: %d", resp.StatusCode)
	}
	if _, body := e.call("GET", "/api/v1/dashboard", at, ""); json.Valid([]byte(body)) {
		t.Fatalf("malformed fault: %s", body)
	}
	if resp, _ := e.call("GET", "/api/v1/dashboard", at, ""); resp.StatusCode != 200 {
		t.Fatalf("faults used up: %d", resp.StatusCode)
	}
	e.sb.SetFaults([]sandbox.Fault{{Path: "/api/", Reset: true, Times: 1}})
	req, _ := http.NewRequest("GET", e.client.app+"/api/v1/dashboard", nil)
	req.Header.Set("Authorization", "Bearer "+at)
	// A fresh connection: Go's transport silently retries an idempotent
	// request once when a reused connection drops.
	fresh := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	if _, err := fresh.Do(req); err == nil {
		t.Fatal("reset fault: the request succeeded")
	}
}

func TestRefusedScope(t *testing.T) {
	e := start(t, sandbox.Options{AutoApprove: true, RefuseScopes: []string{"dashboards_read"}})
	at := e.accessToken("dashboards_read")
	if resp, _ := e.call("GET", "/api/v1/dashboard", at, ""); resp.StatusCode != 403 {
		t.Fatalf("refused scope: %d", resp.StatusCode)
	}
}

func TestExportThenImportOnAnotherSite(t *testing.T) {
	e := start(t, sandbox.Options{AutoApprove: true})
	resp, err := http.Get(e.client.app + "/apps/export?client_id=" + e.client.id)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("export: %v %v", err, resp)
	}
	file, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	eu := e.sb.Discovery().Sites["eu1"].AppURL
	resp, err = http.Post(eu+"/apps/import", "application/json", strings.NewReader(string(file)))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("import: %v %v", err, resp)
	}
	var imp sandbox.ImportedClient
	json.NewDecoder(resp.Body).Decode(&imp)
	resp.Body.Close()
	if imp.Site != "eu1" || imp.ClientID == "" || imp.ClientID == e.client.id || imp.ClientSecret == e.client.secret {
		t.Fatalf("imported %+v", imp)
	}
	found := false
	for _, c := range e.sb.State().Clients {
		if c.ID == imp.ClientID && c.Site == "eu1" && c.Kind == "test" {
			found = true
		}
	}
	if !found {
		t.Fatal("the imported client is not listed")
	}
	if resp, _ := http.Post(eu+"/apps/import", "application/json", strings.NewReader(`{"app":{}}`)); resp.StatusCode != 400 {
		t.Fatalf("import of a file without a client: %d", resp.StatusCode)
	}
}

// A downtime's delete cancels it, as Datadog documents: it stays listed
// (status canceled) for about two days, except for current_only=true, and
// is no longer an object a run left behind.
func TestCanceledDowntimeStaysListed(t *testing.T) {
	e := start(t, sandbox.Options{AutoApprove: true, Scopes: []string{"monitors_downtime"}})
	at := e.accessToken("monitors_downtime")
	id := e.createDowntime(at)
	if resp, body := e.call("DELETE", "/api/v2/downtime/"+id, at, ""); resp.StatusCode != 204 {
		t.Fatalf("cancel: %d %s", resp.StatusCode, body)
	}
	if _, body := e.call("GET", "/api/v2/downtime", at, ""); !strings.Contains(body, id) || !strings.Contains(body, `"status":"canceled"`) {
		t.Fatalf("a canceled downtime is still listed, canceled: %s", body)
	}
	if _, body := e.call("GET", "/api/v2/downtime?current_only=true", at, ""); strings.Contains(body, id) {
		t.Fatalf("current_only lists a canceled downtime: %s", body)
	}
	if objs := e.sb.State().Objects; len(objs) != 0 {
		t.Fatalf("a canceled downtime counted as left behind: %+v", objs)
	}
	e.clock.Add(49 * time.Hour)
	fresh := e.accessToken("monitors_downtime") // the first has expired meanwhile
	if resp, body := e.call("GET", "/api/v2/downtime", fresh, ""); resp.StatusCode != 200 || strings.Contains(body, id) {
		t.Fatalf("after two days: %d %s", resp.StatusCode, body)
	}
}

// An object read while it changes: lists and reads run while the downtime is
// changed and canceled (under -race, the answers must not share a map the
// change writes), and a read after a change answers the changed object, not
// the one first created.
func TestObjectsReadWhileTheyChange(t *testing.T) {
	e := start(t, sandbox.Options{AutoApprove: true, Scopes: []string{"monitors_downtime"}})
	at := e.accessToken("monitors_downtime")
	id := e.createDowntime(at)
	item := "/api/v2/downtime/" + id
	get := func(path string) (int, string) {
		req, _ := http.NewRequest("GET", e.client.app+path, nil)
		req.Header.Set("Authorization", "Bearer "+at)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	done := make(chan string, 4)
	for range 4 {
		go func() {
			for range 20 {
				for _, p := range []string{"/api/v2/downtime", item} {
					if code, b := get(p); code != 200 {
						done <- fmt.Sprintf("GET %s: %d %s", p, code, b)
						return
					}
				}
			}
			done <- ""
		}()
	}
	change := `{"data":{"id":"` + id + `","type":"downtime","attributes":{"scope":"env:y","message":"oauthwiz-check-d changed"}}}`
	if resp, body := e.call("PATCH", item, at, change); resp.StatusCode != 200 || !strings.Contains(body, "env:y") {
		t.Fatalf("change: %d %s", resp.StatusCode, body)
	}
	if _, body := e.call("GET", item, at, ""); !strings.Contains(body, `"scope":"env:y"`) || !strings.HasPrefix(body, `{"data":{`) {
		t.Fatalf("a read after the change: %s", body)
	}
	if resp, body := e.call("DELETE", item, at, ""); resp.StatusCode != 204 {
		t.Fatalf("cancel: %d %s", resp.StatusCode, body)
	}
	for range 4 {
		if msg := <-done; msg != "" {
			t.Fatal(msg)
		}
	}
	if _, body := e.call("GET", item, at, ""); !strings.Contains(body, `"status":"canceled"`) || !strings.Contains(body, `"scope":"env:y"`) {
		t.Fatalf("a read after the cancel: %s", body)
	}
}

// createDowntime creates a downtime (scope env:x) and returns its id.
func (e *env) createDowntime(token string) string {
	e.t.Helper()
	resp, body := e.call("POST", "/api/v2/downtime", token, `{"data":{"type":"downtime","attributes":{"scope":"env:x","message":"oauthwiz-check-d","monitor_identifier":{"monitor_tags":["a:b"]}}}}`)
	var created struct{ Data struct{ ID string } }
	json.Unmarshal([]byte(body), &created)
	if resp.StatusCode != 200 || created.Data.ID == "" {
		e.t.Fatalf("create: %d %s", resp.StatusCode, body)
	}
	return created.Data.ID
}
