package tui

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/oauthwiz/oauthwiz/assets"
	"github.com/oauthwiz/oauthwiz/checks"
	"github.com/oauthwiz/oauthwiz/flows/authorize"
	"github.com/oauthwiz/oauthwiz/flows/devplatform"
	"github.com/oauthwiz/oauthwiz/flows/integration"
	"github.com/oauthwiz/oauthwiz/flows/pullrequest"
	"github.com/oauthwiz/oauthwiz/flows/scopes"
	"github.com/oauthwiz/oauthwiz/flows/secrets"
)

// ErrCancelled is returned when the user quits with Ctrl+C.
var ErrCancelled = errors.New("cancelled")

// cleanupLimit bounds the wait for cancelled steps to clean up.
const cleanupLimit = 30 * time.Second

// Run shows the wizard on out (stderr) until it finishes, and returns the
// final model. bubbletea restores the terminal on return, also after a panic
// in the model, which it recovers and reports as an error.
func Run(ctx context.Context, deps Deps, in io.Reader, out io.Writer) (Model, error) {
	m := New(deps, NewStyles(RendererFor(out)))
	m.tasks = newTasks(ctx)
	// Signals are the caller's (SIGINT and SIGTERM cancel ctx): bubbletea's
	// own handler would end a SIGTERM as a plain quit, without the cleanup.
	p := tea.NewProgram(m, tea.WithInput(in), tea.WithOutput(out), tea.WithAltScreen(), tea.WithContext(ctx), tea.WithoutSignalHandler())
	final, err := p.Run()
	fm, _ := final.(Model)
	// Running tasks are cancelled and given time to clean up (a scope check
	// deletes what it created) before the process ends.
	if n := m.tasks.running(); n > 0 {
		fmt.Fprintf(out, "Stopping %d running step(s) and cleaning up…\n", n)
	}
	if !m.tasks.stop(cleanupLimit) {
		fmt.Fprintf(out, "Gave up waiting after %s: 'oauthwiz scopes check' sweeps what a stopped run left behind.\n", cleanupLimit)
	}
	if errors.Is(err, tea.ErrProgramKilled) || errors.Is(err, context.Canceled) || fm.Cancelled {
		return fm, ErrCancelled
	}
	return fm, err
}

func (a Accessible) sayFindings(findings []checks.Finding) {
	errs, warns := 0, 0
	for _, f := range findings {
		if f.Severity == checks.Error {
			errs++
		} else {
			warns++
		}
		loc := f.File
		if f.Line > 0 {
			loc = fmt.Sprintf("%s line %d", f.File, f.Line)
		}
		fmt.Fprintf(a.Out, "%s %s, %s: %s Fix: %s\n", f.Severity, f.Rule, loc, f.Message, f.Fix)
	}
	fmt.Fprintf(a.Out, "%d error%s, %d warning%s.\n", errs, plural(errs), warns, plural(warns))
}

// Summary is the plain-text checklist printed on stdout after the wizard.
func (m Model) Summary() string {
	var b strings.Builder
	for i, name := range journeyLabels() {
		mark, ev, _, done := m.stepStatus(i)
		if !done {
			mark, ev = "·", "not done"
		}
		fmt.Fprintf(&b, "%s %-20s %s\n", mark, name, ev)
	}
	return b.String()
}

// Accessible runs the same journey as plain line-by-line prompts, for screen
// readers and TERM=dumb. At end of input every question takes its default, so
// a scripted or CI run completes with Enter alone.
type Accessible struct {
	Deps Deps
	In   io.Reader
	Out  io.Writer
	// ReadSecret reads a secret without echo when a terminal is there.
	ReadSecret func(prompt string) (string, error)
}

// Run walks the journey.
func (a Accessible) Run(ctx context.Context) error {
	d := a.Deps
	if d.Timeout == 0 {
		d.Timeout = 5 * time.Minute
	}
	sc := bufio.NewScanner(a.In)
	sc.Buffer(make([]byte, 64*1024), 64*1024)
	ask := func(prompt, def string) string {
		fmt.Fprintf(a.Out, "%s [%s]: ", prompt, def)
		if !sc.Scan() {
			fmt.Fprintln(a.Out)
			return def
		}
		if v := strings.TrimSpace(sc.Text()); v != "" {
			return v
		}
		return def
	}
	say := func(format string, args ...any) { fmt.Fprintf(a.Out, format+"\n", args...) }

	say("Step 1 of 9: the integration.")
	say("Folder %s, name %s.", d.Info.Dir, d.Info.Name)
	if d.Info.Client != nil {
		say("OAuth client %q with scopes: %s.", d.Info.Client.Name, strings.Join(d.Info.Client.Scopes, ", "))
	}
	for i, c := range integration.Cases {
		say("  %d. %s (%s)", i+1, c.Title, c.Note)
	}
	choices, def := len(integration.Cases), "1"
	if d.App != nil {
		choices++
		say("  %d. Another platform: %s (a scoped OAuth app)", choices, d.App.Platform.Title())
		if d.Preselect == d.App.Platform.Name() {
			def = strconv.Itoa(choices)
		}
	}
	caseIdx := 1
	for {
		n, err := strconv.Atoi(ask(fmt.Sprintf("Which case, 1 to %d?", choices), def))
		if err == nil && n >= 1 && n <= choices {
			caseIdx = n
			break
		}
		say("Please answer a number from 1 to %d.", choices)
	}
	if caseIdx > len(integration.Cases) {
		return a.runApp(ctx, ask, say)
	}
	say("Case: %s.", integration.Cases[caseIdx-1].Title)

	say("")
	say("Step 2 of 9: the site. Known sites: %s.", strings.Join(assets.SiteIDs(), ", "))
	var site string
	for {
		site = ask("Site to test on first?", "us1")
		if s, ok := assets.SiteByID(site); ok {
			site = s.ID
			if !s.OAuthDocumented {
				say("Note: OAuth on %s is not documented by Datadog.", s.ID)
			}
			break
		}
		say("%q is not a site id.", site)
	}

	say("")
	say("Step 3 of 9: client credentials for %s.", site)
	if u, err := d.Provider.DeveloperPlatformURL(site); err == nil {
		say("Create a confidential OAuth client in %s (your app, OAuth & Permissions).", u)
	}
	m := New(d, Styles{})
	m.site = site
	m.enterCredentials()
	clientID := ask("Client ID?", m.clientID.Value())
	secret := m.secret.Value()
	if secret != "" {
		say("A client secret is known (%s); press Enter to use it.", secrets.Mask(secret))
	}
	var v string
	if a.ReadSecret != nil {
		v, _ = a.ReadSecret("Client secret (hidden): ")
	} else {
		fmt.Fprint(a.Out, "Client secret (not echoed when typed in a terminal): ")
		if sc.Scan() {
			v = strings.TrimSpace(sc.Text())
		}
		fmt.Fprintln(a.Out)
	}
	if v != "" {
		secret = v
	}
	if clientID == "" || secret == "" {
		return fmt.Errorf("a client ID and a client secret are needed: pass them with 'oauthwiz authorize --client-id ID' and OAUTHWIZ_CLIENT_SECRET")
	}
	m.clientID.SetValue(clientID)
	m.secret.SetValue(secret)

	say("")
	say("Step 4 of 9: test authorization on %s.", site)
	if len(m.scopes()) == 0 || m.redirectURI() == "" {
		return fmt.Errorf("no scopes or no loopback redirect URI in %s", d.Info.ClientFile)
	}
	res, err := d.Flows.Authorize(ctx, AuthorizeRequest{Site: site, ClientID: clientID, ClientSecret: secret, RedirectURI: m.redirectURI(), Scopes: m.scopes(), Timeout: d.Timeout}, func(u string) {
		say("Open this URL in a browser signed in to your sandbox org, and click Authorize:")
		say("%s", u)
		say("Waiting up to %s…", d.Timeout)
	})
	if err != nil {
		say("Authorization failed: %v", err)
		for _, t := range assets.Diagnose(err.Error()) {
			say("%s. %s %s", t.Title, t.Meaning, t.Fix)
			break
		}
		return err
	}
	m.auth.result = &res
	say("Authorized on %s as %s. Scopes granted: %s.", res.Site, res.Org, strings.Join(res.Granted, ", "))
	if len(res.Missing) > 0 {
		say("Warning: scopes requested but not granted: %s.", strings.Join(res.Missing, ", "))
	}

	say("")
	say("Step 5 of 9: the integration's API key.")
	if slices.Contains(res.Granted, "api_keys_write") {
		k, err := d.Flows.CreateAPIKey(ctx, site, clientID)
		if err != nil {
			say("Creating the API key failed: %v", err)
			return err
		}
		m.key.result = k
		verb := "Reused the stored"
		if k.Created {
			verb = "Created the"
		}
		say("%s API key ending in %s for %s; valid: %v. Stored in %s.", verb, k.Last4, k.Org, k.Valid, d.Store.Where())
	} else {
		m.key.skipped = true
		say("api_keys_write was not granted: no API key.")
	}
	say("")
	say("Step 6 of 9: every site and every scope. A test client works only on its own site.")
	next := "eu1"
	if site == "eu1" {
		next = "us1"
	}
	if other := ask("Import the app manifest on which second site (or none)?", next); other != "none" {
		if _, ok := assets.SiteByID(other); !ok {
			say("%q is not a site id: skipped.", other)
		} else {
			_, err := d.Flows.ImportManifest(ctx, site, other)
			switch {
			case errors.Is(err, devplatform.ErrManual):
				say("Datadog has no public API for this: export the app manifest on %s (gear icon, Export App Manifest), import it in a sandbox org on %s, then run 'oauthwiz manifest import --site %s FILE'. No sandbox org there? Ask for one at %s.", site, other, other, assets.Contact("sandbox_on_another_site"))
			case err != nil:
				say("Import failed: %v", err)
			default:
				say("Imported on %s: new credentials stored.", other)
				res, err := d.Flows.AuthorizeSite(ctx, other, m.scopes(), m.redirectURI(), d.Timeout, func(u string) {
					say("Open this URL and click Authorize: %s", u)
				})
				if err != nil {
					say("Authorization on %s failed: %v", other, err)
				} else {
					say("Authorized on %s as %s.", other, res.Org)
				}
			}
		}
	}
	m.every.rows, _ = d.Flows.SiteMatrix(ctx)
	if sites := m.every.authorized(); len(sites) > 0 && strings.EqualFold(ask("Check every scope on "+strings.Join(sites, " and ")+", y or n?", "y"), "y") {
		rep, err := d.Flows.CheckScopes(ctx, sites, func(r scopes.Result) {
			if r.Status == scopes.Fail {
				say("Failed: %s %s %s, HTTP %d: %s", r.Site, r.Scope, r.Probe, r.HTTPStatus, r.Detail)
			}
		})
		if err != nil {
			say("The scope checks could not run: %v", err)
		} else {
			m.every.run = &scopeRun{report: &rep}
			say("Scope checks: %s", rep.Summary())
		}
		m.every.rows, _ = d.Flows.SiteMatrix(ctx)
	}

	say("")
	say("Step 7 of 9: pre-submission checks on %s.", d.Info.Dir)
	m.check.findings, m.check.err = d.Flows.Check(ctx, d.Info.Dir)
	m.check.ran = true
	if m.check.err == nil && m.check.fixable() {
		a.sayFindings(m.check.findings)
		edits, err := d.Flows.PlanFixes(d.Info.Dir)
		if err != nil {
			say("Cannot fix automatically: %v", err)
		} else if len(edits) > 0 {
			for _, e := range edits {
				fmt.Fprint(a.Out, e.Diff())
			}
			if strings.EqualFold(ask("Write these changes, y or n?", "y"), "y") {
				if err := d.Flows.ApplyFixes(edits); err != nil {
					say("Not written: %v", err)
				} else {
					say("Fixes written; checking again.")
					m.check.findings, m.check.err = d.Flows.Check(ctx, d.Info.Dir)
				}
			} else {
				say("Nothing written.")
			}
		}
	}
	if m.check.err != nil {
		say("The checks could not run: %v", m.check.err)
	} else {
		a.sayFindings(m.check.findings)
	}
	for _, row := range checkRows {
		if row.manual != "" && !m.hasEvidence(row) {
			say("Manual item, %s: %s", row.title, row.manual)
			m.check.ticked = map[string]bool{}
			if strings.EqualFold(ask("Done, y or n?", "n"), "y") {
				m.check.ticked[row.id] = true
			}
		}
	}
	say("")
	say("Step 8 of 9: the pull request.")
	if plan, err := d.Flows.PlanPR(ctx); err != nil {
		say("The pull request cannot be prepared: %v", err)
	} else {
		say("Branch %s with %d file(s): %s. Every pushed commit was scanned for secrets.", plan.Branch, len(plan.Files), strings.Join(plan.Files, ", "))
		for _, c := range plan.OtherCommits {
			say("Not pushed: %s %s, a commit of your checked-out branch that is not on %s.", short(c.Hash), c.Subject, plan.Base)
		}
		if strings.EqualFold(ask("Commit, push and open the pull request, y or n?", "y"), "y") {
			res, err := d.Flows.OpenPR(ctx, plan, false)
			if errors.Is(err, pullrequest.ErrPushRejected) {
				say("Your fork's %s has commits this branch lacks.", plan.Branch)
				if strings.EqualFold(ask("Put your change on top of them and push, y or n?", "n"), "y") {
					res, err = d.Flows.OpenPR(ctx, plan, true)
				}
			}
			if err != nil {
				say("The pull request failed: %v", err)
			} else {
				m.pr.done = res
				say("Pull request #%d %s: %s", res.PullRequest.Number, res.PullRequest.Action, res.PullRequest.URL)
			}
		}
	}

	say("")
	say("Step 9 of 9: publish, then re-test the published client.")
	if strings.EqualFold(ask("Publish now, y or n?", "y"), "y") {
		res, err := d.Flows.Publish(ctx, PublishRequest{Site: site, RedirectURI: m.redirectURI(), Scopes: m.scopes(), Timeout: d.Timeout}, func(u string) {
			say("Sign in to an org that is not your sandbox org and authorize: %s", u)
		})
		switch {
		case errors.Is(err, devplatform.ErrManual):
			say("Publish the app in the Developer Platform's Publishing tab, then run 'oauthwiz publish --site %s'.", site)
		case err != nil:
			say("Publishing failed: %v", err)
		default:
			m.publish.done = &res
			if res.Written {
				say("Published client %s; app_uuid %s written into manifest.json and pushed.", res.ClientID, res.AppUUID)
			} else {
				say("Published client %s; app_uuid %s.", res.ClientID, res.Note)
			}
			for s, r := range res.Retests {
				say("Re-test on %s: %s.", s, r)
			}
		}
	}
	m.step = stepSummary
	m.caseChosen = integration.Cases[caseIdx-1].Case
	say("")
	say("Checklist:")
	fmt.Fprint(a.Out, m.Summary())
	return nil
}

// runApp is another platform's journey (PagerDuty) as plain prompts.
func (a Accessible) runApp(ctx context.Context, ask func(string, string) string, say func(string, ...any)) error {
	d := a.Deps
	app := d.App
	pl := app.Platform
	say("")
	say("Step 2 of 4: the %s app's credentials (Integrations, App Registration, your app).", pl.Title())
	say("Its redirect URL must be %s.", orDefault(app.RedirectURI, pl.DefaultRedirectURI()))
	id := ask("Client ID (client_id in the credentials JSON)?", app.ClientID)
	secret := app.ClientSecret
	if a.ReadSecret != nil && secret == "" {
		v, err := a.ReadSecret("Client secret (input hidden): ")
		if err != nil {
			return err
		}
		secret = v
	} else if secret == "" {
		secret = ask("Client secret?", "")
	} else {
		say("Client secret: %s (from the sandbox).", secrets.Mask(secret))
	}
	requested := strings.Fields(strings.ReplaceAll(ask("Scopes to request, space separated?", strings.Join(app.Scopes, " ")), ",", " "))
	if id == "" || secret == "" || len(requested) == 0 {
		return fmt.Errorf("the client ID, the client secret and at least one scope are needed")
	}
	say("")
	say("Step 3 of 4: authorization.")
	req := AuthorizeRequest{Site: pl.DefaultSite(), ClientID: id, ClientSecret: secret, RedirectURI: orDefault(app.RedirectURI, pl.DefaultRedirectURI()), Scopes: pl.RequestScopes(requested), Timeout: d.Timeout}
	res, err := app.Flows.AuthorizeApp(ctx, req, func(u string) {
		say("Open this URL in a browser signed in to %s:", pl.SignInHint("test"))
		say("%s", u)
	})
	if err != nil {
		say("The authorization failed: %v", err)
		for _, t := range pl.Diagnose(err.Error()) {
			say("What it means: %s", t.Meaning)
			say("What to do: %s", t.Fix)
			break
		}
		return err
	}
	say("Authorized: the account is in %s %s; API host %s.", pl.SiteNoun(), res.Site, res.APIBase)
	say("Scopes granted: %s.", strings.Join(res.Granted, " "))
	if len(res.Missing) > 0 {
		say("Dropped by %s without an error: %s. Check their spelling and the app's scopes.", pl.Title(), strings.Join(res.Missing, " "))
	}
	say("The access token expires in %s.", authorize.Lifetime(res.Expiry.Sub(d.Now())))
	say("")
	say("Step 4 of 4: every scope.")
	rep, err := app.Flows.CheckApp(ctx, res.Site, func(scopes.Result) {})
	if err != nil {
		say("The scope checks could not run: %v", err)
		return err
	}
	for _, r := range rep.Results {
		say("%s %s %s: %s", r.Status, r.Scope, r.Probe, orDefault(r.Detail, r.Endpoint))
	}
	say("Scope checks: %s", rep.Summary())
	say("Refresh the token later with: oauthwiz authorize --provider %s --site %s --refresh", pl.Name(), res.Site)
	return nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
