package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/oauthwiz/oauthwiz/assets"
	"github.com/oauthwiz/oauthwiz/flows/authorize"
	"github.com/oauthwiz/oauthwiz/flows/journey"
	"github.com/oauthwiz/oauthwiz/flows/scopes"
	"github.com/oauthwiz/oauthwiz/flows/secrets"
	"github.com/oauthwiz/oauthwiz/flows/words"
)

// ScopesOptions is `oauthwiz scopes check`.
type ScopesOptions struct {
	Provider    string
	Sites       string
	Integration string
	Dir         string
	Kind        string
	Sandbox     string
	Scopes      string
	Concurrency int
	Timeout     time.Duration
	JSON        bool
}

func runScopesCmd(ctx context.Context, sys *IO, args []string) error {
	if len(args) > 0 && args[0] == "list" {
		var asJSON bool
		f := newFlags(sys, "scopes list", "scopes list [--json]")
		f.Bool(&asJSON, "json", false, "print one JSON document on stdout")
		if err := f.parse(args[1:]); err != nil {
			return err
		}
		return RunScopesList(sys, asJSON)
	}
	if len(args) == 0 || args[0] != "check" {
		return usagef("usage: oauthwiz scopes check --site SITE[,SITE…] [flags] | scopes list [--json]")
	}
	var o ScopesOptions
	f := newFlags(sys, "scopes check", "scopes check --site us1[,eu1…] [flags]")
	f.String(&o.Provider, "provider", "datadog", "OAuth platform: datadog or pagerduty")
	f.String(&o.Sites, "site", "", "sites (PagerDuty: regions) to check, comma separated (each authorized first with 'oauthwiz authorize')")
	f.String(&o.Integration, "integration", "", "integration name that keys stored secrets (default: the folder's app_id or name)")
	f.String(&o.Dir, "dir", ".", "integration folder")
	f.String(&o.Kind, "kind", "test", "client kind: test or published")
	f.String(&o.Sandbox, "sandbox", "", "control URL of an oauthwiz sandbox (instead of the real Datadog)")
	f.String(&o.Scopes, "scopes", "", "scopes to check (default: the ones requested at authorization)")
	concurrency := 4
	f.IntVar(&concurrency, "concurrency", 4, "requests in flight per site")
	f.Duration(&o.Timeout, "timeout", 20*time.Second, "timeout of each request")
	f.Bool(&o.JSON, "json", false, "print one JSON document on stdout")
	if err := f.parse(args[1:]); err != nil {
		return err
	}
	o.Concurrency = concurrency
	return RunScopes(ctx, sys, o)
}

// ScopesJSON is the --json document.
type ScopesJSON struct {
	RunID     string            `json:"run_id"`
	Results   []scopes.Result   `json:"results"`
	Leftovers []scopes.Leftover `json:"leftovers"`
	Swept     []scopes.Leftover `json:"swept"`
	Notes     []string          `json:"notes,omitempty"`
}

// RunScopes is the work of `oauthwiz scopes check`.
func RunScopes(ctx context.Context, sys *IO, o ScopesOptions) error {
	kind, ok := secrets.ParseKind(o.Kind)
	if !ok {
		return usagef("--kind %q: use test or published", o.Kind)
	}
	ws, err := openPlatformWorkspace(ctx, sys, o.Provider, o.Sandbox, o.Dir, o.Integration)
	if err != nil {
		return err
	}
	pl := ws.platform
	sites := splitList(o.Sites)
	if len(sites) == 0 {
		sites = ws.authorizedSites(kind) // every site with a token
	}
	if len(sites) == 0 {
		return usagef("no %s authorized yet and none given: run 'oauthwiz authorize --provider %s' first, or pass --site (one of %s)", pl.SiteNoun(), pl.Name(), strings.Join(pl.Sites(), ", "))
	}
	for _, s := range sites {
		if err := pl.CheckSite(s); err != nil {
			return &UsageError{Msg: "--site: " + err.Error()}
		}
	}
	jw := ws.journey(sys)
	jw.Kind = kind
	done, planned := 0, 0
	rep, err := jw.CheckScopes(ctx, journey.ScopesRequest{Platform: pl, Sites: sites, Scopes: splitList(o.Scopes), Concurrency: o.Concurrency, Timeout: o.Timeout,
		Progress: func(site, s string) { fmt.Fprintln(sys.Err, site+": "+s) },
		Planned:  func(n int) { planned = n },
		OnResult: func(r scopes.Result) {
			done++
			switch {
			case o.JSON:
			case sys.ErrTerminal:
				fmt.Fprint(sys.Err, "\r"+probeBar(done, planned))
			default:
				fmt.Fprintf(sys.Err, "%s %s %s: %s %s\n", r.Site, r.Scope, r.Probe, r.Status, r.Endpoint)
			}
		}})
	var siteErr *journey.SiteError
	var unsaved *journey.RecordError
	switch {
	case errors.As(err, &siteErr) && errors.Is(err, authorize.ErrNotAuthorized):
		return notAuthorized(siteErr.Err, pl.Name(), siteErr.Site)
	case errors.As(err, &unsaved):
		fmt.Fprintln(sys.Err, "warning: the evidence could not be saved for the pull request:", err)
	case err != nil:
		return &RemoteError{Err: err}
	}
	if !o.JSON && sys.ErrTerminal && done > 0 {
		fmt.Fprintln(sys.Err)
	}
	if o.JSON {
		if err := json.NewEncoder(sys.Out).Encode(ScopesJSON{RunID: rep.RunID, Results: rep.Results, Leftovers: rep.Leftovers, Swept: rep.Swept, Notes: rep.Notes}); err != nil {
			return err
		}
	} else {
		printScopes(sys, rep, pl.Diagnose)
	}
	if ctx.Err() != nil {
		return ErrCancelled
	}
	if rep.Failed() {
		return &ProblemsError{Msg: "scope checks failed"}
	}
	return nil
}

func printScopes(sys *IO, rep scopes.Report, diagnose func(string) []assets.Trouble) {
	site := ""
	for _, r := range rep.Results {
		if r.Site != site {
			site = r.Site
			fmt.Fprintf(sys.Out, "%s\n", site)
		}
		code := ""
		if r.HTTPStatus != 0 {
			code = fmt.Sprint(r.HTTPStatus)
		}
		fmt.Fprintf(sys.Out, "  %-7s %-34s %-8s %3s  %s\n", r.Status, r.Scope, r.Probe, code, r.Endpoint)
		if r.Status != scopes.Pass {
			fmt.Fprintf(sys.Out, "          %s\n", r.Detail)
			if r.Status == scopes.Fail {
				for _, t := range diagnose(fmt.Sprintf("%d %s", r.HTTPStatus, r.Detail)) {
					fmt.Fprintf(sys.Out, "          what it means: %s\n          what to do: %s\n", t.Meaning, t.Fix)
					break
				}
			}
		}
	}
	for _, l := range rep.Swept {
		fmt.Fprintf(sys.Out, "Deleted on %s: %s %s (%s), left by an earlier run that was stopped before its cleanup\n", l.Site, l.Endpoint, l.ID, l.Scope)
	}
	for _, n := range rep.Notes {
		fmt.Fprintf(sys.Out, "Note: %s\n", n)
	}
	for _, l := range rep.Leftovers {
		fmt.Fprintf(sys.Out, "LEFT BEHIND on %s: %s %s (%s): delete it by hand\n", l.Site, l.Endpoint, l.ID, l.Scope)
	}
	fmt.Fprintf(sys.Out, "Run %s: %s\n", rep.RunID, rep.Summary())
}

// ScopeListing is one scope of `oauthwiz scopes list`.
type ScopeListing struct {
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Probe       string   `json:"probe"` // read, write, read+write, or manual (no probe: checked by hand)
	Private     bool     `json:"private,omitempty"`
	Declared    bool     `json:"declared"` // named by the spec's AuthZ scheme (else only by operations)
	Specs       []string `json:"specs,omitempty"`
}

// RunScopesList prints Datadog's scope catalog, the one 'check', the
// doctor and the scope checks refer to, with what oauthwiz can prove of each.
func RunScopesList(sys *IO, asJSON bool) error {
	probes := assets.Probes()
	var out []ScopeListing
	for _, s := range assets.ScopeCatalog() {
		l := ScopeListing{Name: s.Name, Description: s.Description, Private: s.Private, Declared: s.Declared, Specs: s.Specs, Probe: "manual"}
		if p, ok := probes.For(s.Name); ok {
			switch {
			case p.Read != nil && p.Write != nil:
				l.Probe = "read+write"
			case p.Write != nil:
				l.Probe = "write"
			case p.Read != nil:
				l.Probe = "read"
			}
		}
		if s.Name == "api_keys_write" && probes.APIKey != nil {
			l.Probe = "write" // the API key step creates and validates one
		}
		out = append(out, l)
	}
	if asJSON {
		return json.NewEncoder(sys.Out).Encode(map[string]any{"scopes": out})
	}
	probed := 0
	for _, l := range out {
		if l.Probe != "manual" {
			probed++
		}
		fmt.Fprintf(sys.Out, "%-44s %-10s %s\n", l.Name, l.Probe, l.Description)
	}
	fmt.Fprintf(sys.Out, "%d scopes (Datadog's spec), %d with a probe; the others are checked by hand.\n", len(out), probed)
	return nil
}

// probeBar is a terminal's one-line progress of a scope-check run, redrawn
// in place: "[██████░░░░░░░░░░░░░░] 12 of 40 probes".
func probeBar(done, planned int) string {
	if planned < done {
		planned = done // a run may probe more than planned (a retried write)
	}
	const width = 20
	full := width * done / max(1, planned)
	return "[" + strings.Repeat("█", full) + strings.Repeat("░", width-full) + "] " + fmt.Sprintf("%d of %s", done, words.Count(planned, "probe"))
}
