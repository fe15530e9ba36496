package sandbox

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/oauthwiz/oauthwiz/assets"
)

// The stand-ins' sites and regions come from its own model of Datadog (datadog_sites.json,
// written from Datadog's pages), not from the product's assets/sites.json: a
// product table that named a wrong site parameter would otherwise agree with
// its stand-in by construction. The stand-in needs a site's name (its id)
// and its site parameter; the rest of the file is there to be compared.

//go:embed datadog_sites.json
var datadogSitesJSON []byte

//go:embed datadog_semantics.json
var datadogSemanticsJSON []byte

// datadogSemantics is the stand-in's model of what Datadog's API does
// beyond its spec (datadog_semantics.json).
var datadogSemantics = sync.OnceValues(func() (assets.Semantics, error) {
	var sem assets.Semantics
	if err := json.Unmarshal(datadogSemanticsJSON, &sem); err != nil {
		return sem, fmt.Errorf("datadog_semantics.json: %w", err)
	}
	if sem.APIKeyName.Value == "" || sem.APIKeyName.Source == "" {
		return sem, fmt.Errorf("datadog_semantics.json: api_key_name needs a value and its source")
	}
	return sem, nil
})

// datadogSite is one Datadog site as the stand-in knows it.
type datadogSite struct {
	ID     string // the docs' name in lower case: us1, eu1, us1-fed
	Param  string // the site parameter: the bare domain
	AppURL string
	Source string // which of the file's sources says so
}

type datadogSitesFile struct {
	Sources map[string]string `json:"sources"`
	Sites   []struct {
		Name          string `json:"name"`
		SiteURL       string `json:"site_url"`
		SiteParameter string `json:"site_parameter"`
		Source        string `json:"source"`
	} `json:"sites"`
}

var datadogSites = sync.OnceValues(func() ([]datadogSite, error) {
	return parseDatadogSites(datadogSitesJSON)
})

func parseDatadogSites(b []byte) ([]datadogSite, error) {
	var f datadogSitesFile
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("datadog_sites.json: %w", err)
	}
	var out []datadogSite
	for i, s := range f.Sites {
		if s.Name == "" || s.SiteParameter == "" || !strings.HasPrefix(s.SiteURL, "https://") {
			return nil, fmt.Errorf("datadog_sites.json: sites[%d] needs a name, a site parameter and an https site URL", i)
		}
		if _, ok := f.Sources[s.Source]; !ok {
			return nil, fmt.Errorf("datadog_sites.json: sites[%d] (%s) names source %q, which the file does not describe", i, s.Name, s.Source)
		}
		out = append(out, datadogSite{ID: strings.ToLower(s.Name), Param: s.SiteParameter, AppURL: s.SiteURL, Source: s.Source})
	}
	return out, nil
}

// siteIDs are the ids of every site the stand-in can emulate.
func siteIDs() []string {
	sites, _ := datadogSites()
	ids := make([]string, len(sites))
	for i, s := range sites {
		ids[i] = s.ID
	}
	return ids
}

// siteByID finds a site the stand-in can emulate.
func siteByID(id string) (datadogSite, bool) {
	sites, _ := datadogSites()
	for _, s := range sites {
		if s.ID == id {
			return s, true
		}
	}
	return datadogSite{}, false
}

//go:embed pagerduty_model.json
var pagerDutyModelJSON []byte

// pagerDutyRegion is one PagerDuty service region as the stand-in knows it.
type pagerDutyRegion struct {
	ID      string // the pages' name in lower case: us, eu
	APIHost string
}

// pagerDutyModel is what the PagerDuty stand-in takes from PagerDuty's pages.
type pagerDutyModel struct {
	Regions      []pagerDutyRegion
	CodeLifetime time.Duration
	// ImplicitScopes are granted beside the app's API scopes although no
	// operation of the spec requires them (openid).
	ImplicitScopes []string
	Semantics      assets.Semantics // what its API does beyond its spec
}

var pagerDutyFacts = sync.OnceValues(func() (pagerDutyModel, error) {
	return parsePagerDutyModel(pagerDutyModelJSON)
})

func parsePagerDutyModel(b []byte) (pagerDutyModel, error) {
	var f struct {
		Sources map[string]string `json:"sources"`
		Regions []struct {
			Name   string `json:"name"`
			APIURL string `json:"api_url"`
			Source string `json:"source"`
		} `json:"regions"`
		CodeLifetime struct {
			Value  string `json:"value"`
			Source string `json:"source"`
		} `json:"code_lifetime"`
		ImplicitScopes struct {
			Value  []string `json:"value"`
			Source string   `json:"source"`
		} `json:"implicit_scopes"`
		Semantics assets.Semantics `json:"semantics"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		return pagerDutyModel{}, fmt.Errorf("pagerduty_model.json: %w", err)
	}
	var m pagerDutyModel
	for i, r := range f.Regions {
		host, ok := strings.CutPrefix(r.APIURL, "https://")
		if r.Name == "" || !ok || host == "" || strings.Contains(host, "/") {
			return m, fmt.Errorf("pagerduty_model.json: regions[%d] needs a name and an https API URL (a host, no path)", i)
		}
		if _, ok := f.Sources[r.Source]; !ok {
			return m, fmt.Errorf("pagerduty_model.json: regions[%d] (%s) names source %q, which the file does not describe", i, r.Name, r.Source)
		}
		m.Regions = append(m.Regions, pagerDutyRegion{ID: strings.ToLower(r.Name), APIHost: host})
	}
	d, err := time.ParseDuration(f.CodeLifetime.Value)
	if err != nil || d <= 0 {
		return m, fmt.Errorf("pagerduty_model.json: code_lifetime %q is not a duration", f.CodeLifetime.Value)
	}
	if _, ok := f.Sources[f.CodeLifetime.Source]; !ok {
		return m, fmt.Errorf("pagerduty_model.json: code_lifetime names source %q, which the file does not describe", f.CodeLifetime.Source)
	}
	if len(f.ImplicitScopes.Value) > 0 {
		if _, ok := f.Sources[f.ImplicitScopes.Source]; !ok {
			return m, fmt.Errorf("pagerduty_model.json: implicit_scopes names source %q, which the file does not describe", f.ImplicitScopes.Source)
		}
	}
	m.CodeLifetime, m.ImplicitScopes, m.Semantics = d, f.ImplicitScopes.Value, f.Semantics
	return m, nil
}

// pagerDutyScope says whether PagerDuty knows a scope: one that an
// operation of its spec requires, or an implicit one. The product's own
// catalog is not consulted, so a scope it invents is refused here.
func pagerDutyScope(name string) bool {
	m, _ := pagerDutyFacts()
	if slices.Contains(m.ImplicitScopes, name) {
		return true
	}
	return slices.ContainsFunc(assets.PagerDuty().API.Scopes, func(s assets.Scope) bool { return s.Name == name })
}

// pagerDutyRegionByID finds a region the stand-in can emulate.
func pagerDutyRegionByID(id string) (pagerDutyRegion, bool) {
	m, _ := pagerDutyFacts()
	for _, r := range m.Regions {
		if r.ID == id {
			return r, true
		}
	}
	return pagerDutyRegion{}, false
}
