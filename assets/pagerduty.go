package assets

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"sync"
)

//go:embed pagerduty.json
var pagerDutyJSON []byte

//go:embed pagerduty_api.json
var pagerDutyAPIJSON []byte

// PagerDutyRegion is a PagerDuty service region and its API host.
type PagerDutyRegion struct {
	ID      string `json:"id"`
	APIHost string `json:"api_host"`
}

// PagerDutyFacts is assets/pagerduty.json: everything oauthwiz knows about
// PagerDuty's scoped OAuth apps.
type PagerDutyFacts struct {
	IdentityURL         string            `json:"identity_url"`
	Regions             []PagerDutyRegion `json:"regions"`
	DefaultRedirectURI  string            `json:"default_redirect_uri"`
	AccessTokenLifetime string            `json:"access_token_lifetime"`
	CodeLifetime        string            `json:"code_lifetime"`
	ImplicitScopes      []string          `json:"implicit_scopes"`
	Troubles            []Trouble         `json:"troubles"`
	Probes              ProbeCatalog      `json:"probes"`
	// Scopes are the catalog: what PagerDuty's spec requires of its
	// operations (pagerduty_api.json) and the implicit scopes.
	Scopes []string `json:"-"`
	// API is PagerDuty's REST API as its spec describes it.
	API API `json:"-"`
}

var (
	pdOnce     sync.Once
	pd         PagerDutyFacts
	pdTroubles []*regexp.Regexp
)

// PagerDuty returns the PagerDuty facts.
func PagerDuty() PagerDutyFacts {
	pdOnce.Do(func() {
		if err := json.Unmarshal(pagerDutyJSON, &pd); err != nil {
			panic(fmt.Errorf("assets/pagerduty.json: %w", err))
		}
		if err := json.Unmarshal(pagerDutyAPIJSON, &pd.API); err != nil {
			panic(fmt.Errorf("assets/pagerduty_api.json: %w", err))
		}
		pd.Scopes = append([]string(nil), pd.ImplicitScopes...)
		for _, s := range pd.API.Scopes {
			pd.Scopes = append(pd.Scopes, s.Name)
		}
		sort.Strings(pd.Scopes)
		pd.Probes.Operation = func(method, path string) *APIOperation { op, _ := pd.API.Operation(method, path); return op }
		pdTroubles = compileTroubles(pd.Troubles)
	})
	return pd
}

// KnownPagerDutyScope reports whether a scope is in PagerDuty's catalog.
func KnownPagerDutyScope(s string) bool {
	list := PagerDuty().Scopes
	i := sort.SearchStrings(list, s)
	return i < len(list) && list[i] == s
}

// DiagnosePagerDuty matches text against PagerDuty's troubleshooting entries.
func DiagnosePagerDuty(text string) []Trouble {
	f := PagerDuty()
	return diagnose(f.Troubles, pdTroubles, text)
}
