package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/oauthwiz/oauthwiz/assets"
	"github.com/oauthwiz/oauthwiz/checks"
	"github.com/oauthwiz/oauthwiz/flows/secrets"
	"github.com/oauthwiz/oauthwiz/flows/session"
	"github.com/oauthwiz/oauthwiz/tui"
)

// StatusStep is one step of the journey with its evidence.
type StatusStep struct {
	Step     string `json:"step"`
	Done     bool   `json:"done"`
	Evidence string `json:"evidence"`
}

// StatusJSON is the --json document of `oauthwiz status`.
type StatusJSON struct {
	Integration string       `json:"integration"`
	Steps       []StatusStep `json:"steps"`
}

func runStatusCmd(ctx context.Context, sys *IO, args []string) error {
	var dir, name, sandboxURL string
	var asJSON bool
	f := newFlags(sys, "status", "status [--dir PATH] [--json]")
	f.String(&dir, "dir", ".", "integration folder")
	f.String(&name, "integration", "", "integration name that keys stored secrets")
	f.String(&sandboxURL, "sandbox", "", "control URL of an oauthwiz sandbox")
	f.Bool(&asJSON, "json", false, "print one JSON document on stdout")
	if err := f.parse(args); err != nil {
		return err
	}
	if f.NArg() == 1 {
		dir = f.Arg(0)
	}
	ws, err := openWorkspace(ctx, sys, sandboxURL, dir, name)
	if err != nil {
		return err
	}
	out := Status(ws)
	if asJSON {
		return json.NewEncoder(sys.Out).Encode(out)
	}
	fmt.Fprintf(sys.Out, "%s (%s)\n", out.Integration, ws.info.Dir)
	for _, s := range out.Steps {
		mark := "·"
		if s.Done {
			mark = "✓"
		}
		fmt.Fprintf(sys.Out, "%s %-20s %s\n", mark, s.Step, s.Evidence)
	}
	return nil
}

// Status reads the journey's evidence from the session, the secret store and
// a fresh run of the checks. It holds no secret.
func Status(ws *workspace) StatusJSON {
	st, _ := session.Load(secrets.StateDir(), ws.name)
	var withSecret, authorized, keys []string
	for _, site := range assets.SiteIDs() {
		ns := secrets.Namespace{Integration: ws.name, Site: site, Kind: "test"}
		if _, err := ws.store.Get(ns.ClientSecretKey()); err == nil {
			withSecret = append(withSecret, site)
		}
		var rec secrets.TokenRecord
		if secrets.GetJSON(ws.store, ns.TokenKey(), &rec) == nil {
			authorized = append(authorized, site)
			if _, err := ws.store.Get(ns.APIKeyKey(rec.OrgID)); err == nil {
				keys = append(keys, site)
			}
		}
	}
	step := func(name string, done bool, evidence string) StatusStep {
		if evidence == "" {
			evidence = "not done"
		}
		return StatusStep{Step: name, Done: done, Evidence: evidence}
	}
	var steps []StatusStep
	j := tui.Journey
	c := st.Case
	steps = append(steps, step(j[0], ws.info.HasManifest, strings.TrimSpace(ws.info.Name+" "+caseText(c))))
	steps = append(steps, step(j[1], len(withSecret) > 0, joinOr(withSecret, "secret stored for ")))
	steps = append(steps, step(j[2], len(authorized) > 0, joinOr(authorized, "authorized on ")))
	steps = append(steps, step(j[3], len(keys) > 0, joinOr(keys, "key stored on ")))
	steps = append(steps, step(j[4], len(authorized) >= 2, joinOr(authorized, "")))
	scopeDone, scopeText := false, ""
	if ev := st.ScopeChecks; ev != nil {
		counts := map[string]int{}
		for _, r := range ev.Results {
			counts[r.Status]++
		}
		scopeDone = counts["fail"] == 0
		scopeText = fmt.Sprintf("run %s: %d passed, %d failed, %d manual", ev.RunID, counts["pass"], counts["fail"], counts["manual"])
	}
	steps = append(steps, step(j[5], scopeDone, scopeText))
	checksDone, checksText := false, ""
	if ws.info.HasManifest {
		if findings, err := checks.Integration(ws.info.Dir, checks.Options{AppUUID: st.PublishedAppUUID}); err == nil {
			errs := 0
			for _, f := range findings {
				if f.Severity == checks.Error {
					errs++
				}
			}
			checksDone = errs == 0
			checksText = fmt.Sprintf("%d error(s), %d warning(s) now", errs, len(findings)-errs)
		}
	}
	steps = append(steps, step(j[6], checksDone, checksText))
	steps = append(steps, step(j[7], st.PullRequestURL != "", st.PullRequestURL))
	steps = append(steps, step(j[8], st.PublishedAppUUID != "", strings.TrimSpace(map[bool]string{true: "app_uuid " + st.PublishedAppUUID, false: ""}[st.PublishedAppUUID != ""])))
	var retested []string
	for site := range st.PublishedTests {
		retested = append(retested, site)
	}
	sort.Strings(retested)
	steps = append(steps, step(j[9], len(retested) > 0, joinOr(retested, "published client authorized on ")))
	return StatusJSON{Integration: ws.name, Steps: steps}
}

func caseText(c string) string {
	if c == "" {
		return ""
	}
	return "(" + c + ")"
}

func joinOr(list []string, prefix string) string {
	if len(list) == 0 {
		return ""
	}
	return prefix + strings.Join(list, ", ")
}
