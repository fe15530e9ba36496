package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/oauthwiz/oauthwiz/assets"
)

// specRouters loads the pinned specs and a router for each.
func specRouters(t *testing.T) map[string]routers.Router {
	t.Helper()
	_, dir, err := module()
	if err != nil {
		t.Fatalf("the pinned spec module cannot be fetched (the module proxy is needed): %v", err)
	}
	out := map[string]routers.Router{}
	for v, file := range specFiles {
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromFile(filepath.Join(dir, filepath.FromSlash(file)))
		if err != nil {
			t.Fatal(err)
		}
		// Requests are matched on the path: one server for every site.
		doc.Servers = openapi3.Servers{{URL: "https://api.datadoghq.com"}}
		// Some of Datadog's patterns use Perl syntax (look-ahead) that Go's
		// regexp lacks: see perlTolerant.
		r, err := legacy.NewRouter(doc, openapi3.DisableExamplesValidation(), openapi3.DisableSchemaPatternValidation())
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		out[v] = r
	}
	return out
}

// probeCall is one request a probe makes, as the run sends it.
type probeCall struct {
	what  string // "dashboards_write write", for messages
	scope string // the scope the probe declares for it
	req   assets.Request
	id    string
}

func probeCalls(cat assets.ProbeCatalog) []probeCall {
	var out []probeCall
	for _, p := range cat.Probes {
		if p.Read != nil {
			out = append(out, probeCall{p.Scope + " read", p.Scope, *p.Read, ""})
		}
		if w := p.Write; w != nil {
			out = append(out, probeCall{p.Scope + " write", p.Scope, w.Request, ""})
			// An id of digits fits every id parameter (monitors' are integers).
			out = append(out, probeCall{p.Scope + " cleanup", p.Scope, w.Cleanup, "1234567"})
			if w.Sweep != nil {
				out = append(out, probeCall{p.Scope + " sweep", w.Sweep.Scope, w.Sweep.Request, ""})
			}
			for _, n := range w.Needs {
				out = append(out, probeCall{p.Scope + " needs " + n.What, n.Scope, assets.Request{Method: n.Method, Path: n.Path}, ""})
			}
		}
	}
	if cat.APIKey != nil {
		out = append(out, probeCall{"api key send", "", cat.APIKey.Send, ""})
	}
	return out
}

// Every request of every Datadog probe is one Datadog's spec has: the
// operation exists for that method and path, its required parameters are
// there, its body has every required field with the right type (kin-openapi
// validates it), and the operation accepts the scope the probe declares.
// A probe that passes in the sandbox and fails on Datadog is caught here.
func TestProbesConformToTheSpec(t *testing.T) {
	rs := specRouters(t)
	vars := assets.ProbeVars("oauthwiz-check-test", time.Now())
	for _, c := range probeCalls(assets.Probes()) {
		t.Run(c.what, func(t *testing.T) {
			target, body := c.req.Expand(vars, c.id)
			if err := conforms(rs, c.req.Method, target, body, nil); err != nil {
				t.Fatalf("%s %s: %v", c.req.Method, target, err)
			}
			if c.scope == "" {
				return // authenticated with the API key, not a scope
			}
			path, _, _ := strings.Cut(target, "?")
			op, _ := assets.Operation(c.req.Method, path)
			if op == nil {
				t.Fatalf("%s %s needs no scope in the spec, yet the probe declares %s", c.req.Method, path, c.scope)
			}
			found := false
			for _, alt := range op.Scopes {
				for _, s := range alt {
					found = found || s == c.scope
				}
			}
			if !found {
				t.Fatalf("%s %s takes %v; the probe declares %s", c.req.Method, path, op.Scopes, c.scope)
			}
		})
	}
}

// conforms validates a request, with its headers, against the spec whose
// paths it belongs to.
func conforms(rs map[string]routers.Router, method, target string, body []byte, header map[string]string) error {
	v := "v2"
	switch {
	case rs["rest"] != nil:
		v = "rest"
	case strings.HasPrefix(target, "/api/v1/"):
		v = "v1"
	}
	base := "https://api.datadoghq.com"
	if v == "rest" {
		base = "https://api.pagerduty.com"
	}
	req, err := http.NewRequest(method, base+target, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	route, params, err := rs[v].FindRoute(req)
	if err != nil {
		return fmt.Errorf("no such operation in the %s spec: %w", v, err)
	}
	return openapi3filter.ValidateRequest(context.Background(), &openapi3filter.RequestValidationInput{
		Request: req, PathParams: params, Route: route,
		// PagerDuty's spec marks "type" (and a reference's "id") read-only
		// although its own required lists and examples send them in
		// bodies: for it, the read-only rule is not applied.
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true, RegexCompiler: perlTolerant,
			ExcludeReadOnlyValidations: v == "rest"},
	})
}

// perlTolerant compiles a pattern with Go's regexp; a pattern in Perl syntax
// Go cannot compile (a look-ahead) matches everything instead: the value
// is checked against every other rule.
func perlTolerant(expr string) (openapi3.RegexMatcher, error) {
	re, err := regexp.Compile(expr)
	if err != nil {
		return anything{}, nil
	}
	return re, nil
}

type anything struct{}

func (anything) MatchString(string) bool { return true }

// Every request of every PagerDuty probe is one PagerDuty's spec has, with
// the scope it declares, the headers the spec requires (its From, filled
// with an address as the run reads one), the parameters and the body.
func TestPagerDutyProbesConformToTheSpec(t *testing.T) {
	if _, err := os.Stat(defaultPagerDutySpec); err != nil {
		t.Skipf("PagerDuty's spec is not at %s: the PagerDuty probes were checked where it is", defaultPagerDutySpec)
	}
	b, err := os.ReadFile(defaultPagerDutySpec)
	if err != nil {
		t.Fatal(err)
	}
	repaired, err := repairResponseRefs(b)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := openapi3.NewLoader().LoadFromData(repaired)
	if err != nil {
		t.Fatal(err)
	}
	doc.Servers = openapi3.Servers{{URL: "https://api.pagerduty.com"}}
	// PagerDuty's spec has defaults of the wrong type (an integer's "10"):
	// the document is not judged, the probes' requests are.
	r, err := legacy.NewRouter(doc, openapi3.DisableExamplesValidation(), openapi3.DisableSchemaPatternValidation(), openapi3.DisableSchemaDefaultsValidation())
	if err != nil {
		t.Fatal(err)
	}
	rs := map[string]routers.Router{"rest": r}
	cat := assets.PagerDuty().Probes
	vars := assets.ProbeVars("oauthwiz-check-test", time.Now())
	// What the run reads for a probe's needs: an id, an email.
	for _, v := range []string{"service", "escalation_policy", "user"} {
		vars[v] = "PABC123"
	}
	vars["from"] = "pat@acme.example"
	for _, c := range probeCalls(cat) {
		t.Run(c.what, func(t *testing.T) {
			target, body := c.req.Expand(vars, c.id)
			header := c.req.Header(vars)
			for k, v := range cat.Headers {
				header[k] = v
			}
			if err := conforms(rs, c.req.Method, target, body, header); err != nil {
				t.Fatalf("%s %s: %v", c.req.Method, target, err)
			}
			path, _, _ := strings.Cut(target, "?")
			pd := assets.PagerDuty()
			op, _ := pd.API.Operation(c.req.Method, path)
			if op == nil || !op.Allows(map[string]bool{c.scope: true}) {
				t.Fatalf("%s %s: the spec does not accept %s alone (%v)", c.req.Method, path, c.scope, op)
			}
		})
	}
}
