package sandbox

import (
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/oauthwiz/oauthwiz/assets"
)

// Three sources of Datadog's sites, each checked against the others: the
// stand-in's model (Datadog's pages), the site list of Datadog's OpenAPI
// specs, and the product's own table. A product site with a wrong site
// parameter or host fails here instead of agreeing with its stand-in.
func TestSiteModelsAgree(t *testing.T) {
	model, err := datadogSites()
	if err != nil {
		t.Fatal(err)
	}
	servers := assets.DatadogAPI().Servers
	if servers == nil || servers.URL != "https://{subdomain}.{site}" || len(servers.Sites) == 0 {
		t.Fatalf("assets/datadog_api.json has no server list from the specs: %+v", servers)
	}
	params := map[string]datadogSite{}
	for _, s := range model {
		params[s.Param] = s
		if !slices.Contains(servers.Sites, s.Param) {
			t.Errorf("the stand-in's %s (%s) is not a site of the specs' servers %v", s.ID, s.Param, servers.Sites)
		}
	}
	for _, p := range servers.Sites {
		if _, ok := params[p]; !ok {
			t.Errorf("the specs list site %s; the stand-in's model does not", p)
		}
	}
	product := assets.Sites()
	if len(product) != len(model) {
		t.Errorf("the product knows %d sites, the stand-in %d", len(product), len(model))
	}
	for _, p := range product {
		s, ok := siteByID(p.ID)
		if !ok {
			t.Errorf("product site %s: Datadog's pages name no such site", p.ID)
			continue
		}
		u, _ := url.Parse(s.AppURL)
		for _, c := range []struct{ what, product, datadog string }{
			{"site parameter", p.Param, s.Param},
			{"app host", p.AppHost, u.Host},
			{"API host (" + servers.URL + ")", p.APIHost, strings.NewReplacer("https://", "", "{subdomain}", servers.Subdomain, "{site}", s.Param).Replace(servers.URL)},
		} {
			if c.product != c.datadog {
				t.Errorf("%s: the product's %s is %q, Datadog's %q", p.ID, c.what, c.product, c.datadog)
			}
		}
	}
}

// modelFileCase is a model file and the error it must give ("" for none).
type modelFileCase struct{ name, file, err string }

// checkModelFile parses each case: a good file must give what good accepts,
// a bad one an error saying the case's words.
func checkModelFile[T any](t *testing.T, cases []modelFileCase, parse func([]byte) (T, error), good func(T) bool) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parse([]byte(tt.file))
			switch {
			case tt.err == "" && (err != nil || !good(got)):
				t.Fatalf("%+v %v", got, err)
			case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
				t.Fatalf("error %v, want one saying %q", err, tt.err)
			}
		})
	}
}

func TestParseDatadogSites(t *testing.T) {
	checkModelFile(t, []modelFileCase{
		{"good", `{"sources": {"docs": "x"}, "sites": [{"name": "EU1", "site_url": "https://app.datadoghq.eu", "site_parameter": "datadoghq.eu", "source": "docs"}]}`, ""},
		{"not JSON", `{`, "datadog_sites.json"},
		{"no parameter", `{"sources": {"docs": "x"}, "sites": [{"name": "EU1", "site_url": "https://app.datadoghq.eu", "source": "docs"}]}`, "sites[0] needs"},
		{"plain http", `{"sources": {"docs": "x"}, "sites": [{"name": "EU1", "site_url": "http://app.datadoghq.eu", "site_parameter": "datadoghq.eu", "source": "docs"}]}`, "https site URL"},
		{"unsourced", `{"sources": {}, "sites": [{"name": "EU1", "site_url": "https://app.datadoghq.eu", "site_parameter": "datadoghq.eu", "source": "docs"}]}`, `names source "docs"`},
	}, parseDatadogSites, func(sites []datadogSite) bool {
		return len(sites) == 1 && sites[0].ID == "eu1" && sites[0].Param == "datadoghq.eu"
	})
}

// The same for PagerDuty: the stand-in's regions and code lifetime
// (PagerDuty's pages) against the product's assets/pagerduty.json.
func TestPagerDutyModelsAgree(t *testing.T) {
	model, err := pagerDutyFacts()
	if err != nil {
		t.Fatal(err)
	}
	product := assets.PagerDuty()
	if len(product.Regions) != len(model.Regions) {
		t.Errorf("the product knows %d PagerDuty regions, the stand-in %d", len(product.Regions), len(model.Regions))
	}
	for _, p := range product.Regions {
		r, ok := pagerDutyRegionByID(p.ID)
		switch {
		case !ok:
			t.Errorf("product region %s: PagerDuty's pages name no such region", p.ID)
		case r.APIHost != p.APIHost:
			t.Errorf("%s: the product's API host is %q, PagerDuty's %q", p.ID, p.APIHost, r.APIHost)
		}
	}
	if d, err := time.ParseDuration(product.CodeLifetime); err != nil || d != model.CodeLifetime {
		t.Errorf("the product's code lifetime is %q, PagerDuty's %s", product.CodeLifetime, model.CodeLifetime)
	}
	if !slices.Equal(product.ImplicitScopes, model.ImplicitScopes) {
		t.Errorf("the product's implicit scopes are %v, PagerDuty's %v", product.ImplicitScopes, model.ImplicitScopes)
	}
	// Every scope of the product's catalog is one PagerDuty knows.
	for _, sc := range product.Scopes {
		if !pagerDutyScope(sc) {
			t.Errorf("the product's PagerDuty catalog has %q; PagerDuty's spec and pages do not", sc)
		}
	}
	for _, sc := range []string{"services.read", "openid", "services.list", "read"} {
		if got, want := pagerDutyScope(sc), slices.Contains(product.Scopes, sc); got != want {
			t.Errorf("pagerDutyScope(%q) = %v, the product's catalog says %v", sc, got, want)
		}
	}
}

func TestParsePagerDutyModel(t *testing.T) {
	const sources = `"sources": {"pages": "x"}`
	checkModelFile(t, []modelFileCase{
		{"good", `{` + sources + `, "regions": [{"name": "EU", "api_url": "https://api.eu.pagerduty.com", "source": "pages"}], "code_lifetime": {"value": "30s", "source": "pages"}}`, ""},
		{"not JSON", `[`, "pagerduty_model.json"},
		{"a path in the URL", `{` + sources + `, "regions": [{"name": "EU", "api_url": "https://api.eu.pagerduty.com/v2", "source": "pages"}], "code_lifetime": {"value": "30s", "source": "pages"}}`, "no path"},
		{"unsourced region", `{` + sources + `, "regions": [{"name": "EU", "api_url": "https://api.eu.pagerduty.com", "source": "blog"}], "code_lifetime": {"value": "30s", "source": "pages"}}`, `names source "blog"`},
		{"no lifetime", `{` + sources + `, "regions": []}`, "code_lifetime"},
		{"unsourced lifetime", `{` + sources + `, "regions": [], "code_lifetime": {"value": "30s", "source": "blog"}}`, `names source "blog"`},
		{"unsourced implicit scopes", `{` + sources + `, "regions": [], "code_lifetime": {"value": "30s", "source": "pages"}, "implicit_scopes": {"value": ["openid"]}}`, "implicit_scopes"},
	}, parsePagerDutyModel, func(m pagerDutyModel) bool {
		return len(m.Regions) == 1 && m.Regions[0] == (pagerDutyRegion{ID: "eu", APIHost: "api.eu.pagerduty.com"}) && m.CodeLifetime == 30*time.Second
	})
}

// The name Datadog gives the marketplace key, which the product sends the
// user to revoke, is the name the stand-in gives it: two copies, one
// source (Datadog's docs), compared.
func TestAPIKeyNameAgrees(t *testing.T) {
	sem, err := datadogSemantics()
	if err != nil {
		t.Fatal(err)
	}
	if p := assets.Datadog().APIKeyName; p.Value != sem.APIKeyName.Value || p.Source == "" {
		t.Errorf("the product names the key %q (source %q), the stand-in %q", p.Value, p.Source, sem.APIKeyName.Value)
	}
	if !strings.Contains(assets.Diagnose("lost api key")[0].Fix, sem.APIKeyName.Value) {
		t.Errorf("the lost-key fix does not name the key %q: %q", sem.APIKeyName.Value, assets.Diagnose("lost api key")[0].Fix)
	}
}

// The consent page says what each scope opens from the spec alone: a
// description in oauthwiz's words would let the product's scope table
// vouch for itself.
func TestScopeReachFromTheSpec(t *testing.T) {
	api := &assets.API{Operations: []assets.APIOperation{
		{Method: "GET", Path: "/api/v1/monitor", Scopes: [][]string{{"monitors_read"}}},
		{Method: "GET", Path: "/api/v1/monitor/{monitor_id}", Scopes: [][]string{{"monitors_read"}, {"monitors_write"}}},
		{Method: "POST", Path: "/api/v1/monitor", Scopes: [][]string{{"monitors_read", "monitors_write"}}},
	}}
	for _, tc := range []struct{ scope, want string }{
		{"monitors_read", "3 operations of the API, such as GET /api/v1/monitor"},
		{"monitors_write", "2 operations of the API, such as GET /api/v1/monitor/{monitor_id}"},
		{"dashboards_read", "no operation of the API asks for it"},
	} {
		if got := scopeReach(api, tc.scope); got != tc.want {
			t.Errorf("scopeReach(%s) = %q, want %q", tc.scope, got, tc.want)
		}
	}
	api.Operations = api.Operations[:1]
	if got := scopeReach(api, "monitors_read"); got != "1 operation of the API: GET /api/v1/monitor" {
		t.Errorf("one operation: %q", got)
	}
}
