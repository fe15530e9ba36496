package tui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/oauthwiz/oauthwiz/assets"
	"github.com/oauthwiz/oauthwiz/flows/authorize"
	"github.com/oauthwiz/oauthwiz/flows/devplatform"
	"github.com/oauthwiz/oauthwiz/flows/pullrequest"
	"github.com/oauthwiz/oauthwiz/flows/readme"
	"github.com/oauthwiz/oauthwiz/flows/scopes"
	"github.com/oauthwiz/oauthwiz/flows/secrets"
	"github.com/oauthwiz/oauthwiz/flows/termsafe"
	"github.com/oauthwiz/oauthwiz/flows/words"
)

// The line steps of the Datadog journey after the credentials, and of an
// app's journey: each is its screen's accessible form.

func lineAuthorize(r *lineRun) error {
	m, d := &r.m, r.d
	r.say("")
	r.say("Step 4 of 9: test authorization on %s.", m.site)
	if len(m.scopes()) == 0 || m.redirectURI() == "" {
		return fmt.Errorf("no scopes or no loopback redirect URI in %s", d.Info.ClientFile)
	}
	req := AuthorizeRequest{Site: m.site, ClientID: m.creds.clientID.Value(), ClientSecret: m.creds.secret.Value(), RedirectURI: m.redirectURI(), Scopes: m.scopes(), Timeout: d.Timeout}
	onURL := func(u string) {
		r.say("Open this URL in a browser signed in to your sandbox org, and click Authorize:")
		r.say("%s", u)
		r.say("Waiting up to %s (minutes:seconds)…", fmtDuration(d.Timeout))
	}
	var res Authorized
	var err error
	if m.redirect().PasteBack {
		res, err = r.authorizePastingBack(req, onURL)
	} else {
		res, err = d.Flows.Authorize(r.ctx, req, onURL)
	}
	if err != nil {
		r.say("Authorization failed: %v", err)
		for _, t := range assets.Diagnose(err.Error()) {
			r.say("%s. %s %s", t.Title, t.Meaning, t.Fix)
			break
		}
		return err
	}
	m.auth.result = &res
	if res.Site != "" && res.Site != m.site {
		r.say("The org's region was chosen on Datadog's page: the journey goes on with %s (started on %s).", res.Site, m.site)
		m.site = res.Site
	}
	r.say("Authorized on %s as %s. Scopes granted: %s.", res.Site, res.Org, strings.Join(res.Granted, ", "))
	if len(res.Missing) > 0 {
		r.say("Warning: scopes requested but not granted: %s.", strings.Join(res.Missing, ", "))
	}
	return nil
}

// authorizePastingBack runs an authorization whose callback lands on the
// partner's page: each line read is a pasted address, until one is the
// callback (or the wait ends).
func (r *lineRun) authorizePastingBack(req AuthorizeRequest, onURL func(string)) (Authorized, error) {
	type outcome struct {
		res Authorized
		err error
	}
	pasted, ignored, done := make(chan string), make(chan string, 4), make(chan outcome, 1)
	req.Pasted = pasted
	req.OnIgnored = func(reason string) {
		select {
		case ignored <- reason:
		default:
		}
	}
	ctx, cancel := context.WithCancel(r.ctx)
	defer cancel()
	shown := make(chan struct{})
	go func() {
		res, err := r.d.Flows.Authorize(ctx, req, func(u string) { onURL(u); close(shown) })
		done <- outcome{res, err}
	}()
	select { // the URL to open comes before the question
	case <-shown:
	case o := <-done:
		return o.res, o.err
	}
	for {
		fmt.Fprint(r.a.Out, "After Authorize, paste the whole address the browser landed on: ")
		if !r.sc.Scan() {
			cancel()
			o := <-done
			if o.err == nil {
				return o.res, nil
			}
			return Authorized{}, fmt.Errorf("no address was pasted: %w", o.err)
		}
		select {
		case pasted <- r.sc.Text():
		case o := <-done:
			return o.res, o.err
		}
		select {
		case o := <-done:
			return o.res, o.err
		case reason := <-ignored:
			r.say("Not the callback: %s.", reason)
		}
	}
}

func lineAPIKey(r *lineRun) error {
	m, d := &r.m, r.d
	r.say("")
	r.say("Step 5 of 9: the integration's API key.")
	if !slices.Contains(m.auth.result.Granted, "api_keys_write") {
		m.key.skipped = true
		r.say("api_keys_write was not granted: no API key.")
		return nil
	}
	k, err := d.Flows.CreateAPIKey(r.ctx, m.site, m.creds.clientID.Value())
	if err != nil {
		r.say("Creating the API key failed: %v", err)
		return err
	}
	m.key.result = k
	verb := "Reused the stored"
	if k.Created {
		verb = "Created the"
	}
	r.say("%s API key ending in %s for %s; valid: %v. Stored in %s.", verb, k.Last4, k.Org, k.Valid, d.Store.Where())
	return nil
}

func lineSites(r *lineRun) error {
	m, d := &r.m, r.d
	r.say("")
	r.say("Step 6 of 9: every site and every scope. A test client works only on its own site.")
	next := "eu1"
	if m.site == "eu1" {
		next = "us1"
	}
	if other := r.ask("Import the app manifest on which second site (or none)?", next); other != "none" {
		r.importAndAuthorize(other)
	}
	m.every.rows, _ = d.Flows.SiteMatrix(r.ctx)
	sites := m.every.authorized()
	if len(sites) == 0 || !r.yes("Check every scope on "+strings.Join(sites, " and "), "y") {
		return nil
	}
	rep, err := d.Flows.CheckScopes(r.ctx, sites, func(res scopes.Result) {
		if res.Status == scopes.Fail {
			r.say("Failed: %s %s %s, HTTP %d: %s", res.Site, res.Scope, res.Probe, res.HTTPStatus, res.Detail)
		}
	})
	if err != nil {
		r.say("The scope checks could not run: %v", err)
	} else {
		m.every.run = &scopeRun{report: &rep}
		r.say("Scope checks: %s", rep.Summary())
	}
	m.every.rows, _ = d.Flows.SiteMatrix(r.ctx)
	return nil
}

// importAndAuthorize brings the client to a second site and authorizes there.
func (r *lineRun) importAndAuthorize(other string) {
	m, d := &r.m, r.d
	if _, ok := assets.SiteByID(other); !ok {
		r.say("%q is not a site id: skipped.", other)
		return
	}
	_, err := d.Flows.ImportManifest(r.ctx, m.site, other)
	switch {
	case errors.Is(err, devplatform.ErrManual):
		r.say("Datadog has no public API for this: export the app manifest on %s (gear icon, Export App Manifest), import it in a sandbox org on %s, then run 'oauthwiz manifest import --site %s FILE'. No sandbox org there? Ask for one at %s.", m.site, other, other, assets.Contact("sandbox_on_another_site"))
		return
	case err != nil:
		r.say("Import failed: %v", err)
		return
	}
	r.say("Imported on %s: new credentials stored.", other)
	res, err := d.Flows.AuthorizeSite(r.ctx, other, m.scopes(), m.redirectURI(), d.Timeout, func(u string) {
		r.say("Open this URL and click Authorize: %s", u)
	})
	if err != nil {
		r.say("Authorization on %s failed: %v", other, err)
	} else {
		r.say("Authorized on %s as %s.", other, res.Org)
	}
}

func lineChecks(r *lineRun) error {
	m, d := &r.m, r.d
	r.say("")
	r.say("Step 7 of 9: pre-submission checks on %s.", d.Info.Dir)
	m.check.findings, m.check.err = d.Flows.Check(r.ctx, d.Info.Dir)
	m.check.ran = true
	if m.check.err == nil && m.check.fixable() {
		r.offerFixes()
	}
	if m.check.err != nil {
		r.say("The checks could not run: %v", m.check.err)
	} else {
		r.a.sayFindings(m.check.findings)
	}
	for _, row := range checkRows {
		if row.manual != "" && !m.hasEvidence(row) {
			r.say("Manual item, %s: %s", row.title, row.manual)
			m.check.ticked = map[string]bool{}
			if r.yes("Done", "n") {
				m.check.ticked[row.id] = true
			}
		}
	}
	return nil
}

// offerFixes shows the README and manifest fixes and writes them if asked.
func (r *lineRun) offerFixes() {
	m, d := &r.m, r.d
	r.a.sayFindings(m.check.findings)
	edits, err := d.Flows.PlanFixes(d.Info.Dir)
	switch {
	case err != nil:
		r.say("Cannot fix automatically: %v", err)
		return
	case len(edits) == 0:
		return
	}
	for _, e := range edits {
		fmt.Fprint(r.a.Out, e.Diff())
	}
	if !r.yes("Write these changes", "y") {
		r.say("Nothing written.")
		return
	}
	if err := d.Flows.ApplyFixes(edits); err != nil {
		r.say("Not written: %v", err)
		return
	}
	r.say("Fixes written; checking again.")
	m.check.findings, m.check.err = d.Flows.Check(r.ctx, d.Info.Dir)
}

func linePR(r *lineRun) error {
	m, d := &r.m, r.d
	r.say("")
	r.say("Step 8 of 9: the pull request.")
	plan, err := d.Flows.PlanPR(r.ctx)
	if err != nil {
		r.say("The pull request cannot be prepared: %v", err)
		return nil
	}
	r.say("Into %s (from %s); from %s.", plan.BaseRepo, plan.Base, strings.TrimPrefix(plan.PushedTo, "(dry run) "))
	if plan.Checkout != "" {
		r.say("%s.", strings.ToUpper(plan.Checkout[:1])+plan.Checkout[1:])
	}
	r.say("Branch %s with %s: %s. Every pushed commit was scanned for secrets.", plan.Branch, words.Count(len(plan.Files), "file"), strings.Join(plan.Files, ", "))
	for _, c := range plan.OtherCommits {
		r.say("Not pushed: %s %s, a commit of your checked-out branch that is not on %s.", short(c.Hash), c.Subject, plan.Base)
	}
	if r.yes("Read the diff and the pull request body first", "y") {
		r.say("The diff:")
		for _, l := range strings.Split(strings.TrimRight(plan.Diff, "\n"), "\n") {
			r.say("%s", termsafe.Text(l))
		}
		r.say("The pull request body:")
		for _, l := range strings.Split(strings.TrimRight(plan.Body, "\n"), "\n") {
			r.say("%s", termsafe.Text(l))
		}
	}
	if !r.yes("Commit, push and open the pull request", "y") {
		return nil
	}
	res, err := d.Flows.OpenPR(r.ctx, plan, false, func(s string) { r.say("%s", s) })
	if errors.Is(err, pullrequest.ErrPushRejected) {
		r.say("Your fork's %s has commits this branch lacks.", plan.Branch)
		if r.yes("Put your change on top of them and push", "n") {
			res, err = d.Flows.OpenPR(r.ctx, plan, true, func(s string) { r.say("%s", s) })
		}
	}
	if err != nil {
		r.say("The pull request failed: %v", err)
		return nil
	}
	m.pr.done = res
	r.say("Pull request #%d %s: %s", res.PullRequest.Number, res.PullRequest.Action, res.PullRequest.URL)
	return nil
}

func linePublish(r *lineRun) error {
	m, d := &r.m, r.d
	r.say("")
	r.say("Step 9 of 9: publish, then re-test the published client.")
	if !r.yes("Publish now", "y") {
		return nil
	}
	req := PublishRequest{Site: m.site, RedirectURI: m.redirectURI(), Scopes: m.scopes(), Timeout: d.Timeout,
		Confirm: func(edit *readme.FileEdit) (bool, error) {
			fmt.Fprint(r.a.Out, edit.Diff())
			return r.yes("Write app_uuid into manifest.json (and push it to the pull request)", "y"), nil
		}}
	res, err := d.Flows.Publish(r.ctx, req, func(u string) {
		r.say("Sign in to an org that is not your sandbox org and authorize: %s", u)
	})
	switch {
	case errors.Is(err, devplatform.ErrManual):
		r.say("Publish the app in the Developer Platform's Publishing tab, then run 'oauthwiz publish --site %s'.", m.site)
	case err != nil:
		r.say("Publishing failed: %v", err)
	default:
		m.publish.done = &res
		if res.Written {
			r.say("Published client %s; app_uuid %s written into manifest.json and pushed.", res.ClientID, res.AppUUID)
		} else {
			r.say("Published client %s; app_uuid %s.", res.ClientID, res.Note)
		}
		for s, v := range res.Retests {
			r.say("Re-test on %s: %s.", s, v)
		}
	}
	return nil
}

func lineAppCredentials(r *lineRun) error {
	app := r.d.App
	pl := app.Platform
	r.say("")
	r.say("Step 2 of 4: the %s app's credentials (Integrations, App Registration, your app).", pl.Title())
	r.say("Its redirect URL must be %s.", orDefault(app.RedirectURI, pl.DefaultRedirectURI()))
	id := r.ask("Client ID (client_id in the credentials JSON)?", app.ClientID)
	secret := app.ClientSecret
	switch {
	case r.a.ReadSecret != nil && secret == "":
		v, err := r.a.ReadSecret("Client secret (input hidden): ")
		if err != nil {
			return err
		}
		secret = v
	case secret == "":
		secret = r.ask("Client secret?", "")
	default:
		r.say("Client secret: %s (from the sandbox).", secrets.Mask(secret))
	}
	requested := strings.Fields(strings.ReplaceAll(r.ask("Scopes to request, space separated?", strings.Join(app.Scopes, " ")), ",", " "))
	if id == "" || secret == "" || len(requested) == 0 {
		return fmt.Errorf("the client ID, the client secret and at least one scope are needed")
	}
	r.m.app.clientID.SetValue(id)
	r.m.app.secret.SetValue(secret)
	r.m.app.scopesF.SetValue(strings.Join(requested, " "))
	return nil
}

func lineAppAuthorize(r *lineRun) error {
	app, d := r.d.App, r.d
	pl := app.Platform
	r.say("")
	r.say("Step 3 of 4: authorization.")
	a := &r.m.app
	req := AuthorizeRequest{Site: pl.DefaultSite(), ClientID: a.clientID.Value(), ClientSecret: a.secret.Value(), RedirectURI: orDefault(app.RedirectURI, pl.DefaultRedirectURI()),
		Scopes: pl.RequestScopes(strings.Fields(a.scopesF.Value())), Timeout: d.Timeout}
	res, err := app.Flows.AuthorizeApp(r.ctx, req, func(u string) {
		r.say("Open this URL in a browser signed in to %s:", pl.SignInHint("test"))
		r.say("%s", u)
	})
	if err != nil {
		r.say("The authorization failed: %v", err)
		for _, t := range pl.Diagnose(err.Error()) {
			r.say("What it means: %s", t.Meaning)
			r.say("What to do: %s", t.Fix)
			break
		}
		return err
	}
	a.auth.result = &res
	r.say("Authorized: the account is in %s %s; API host %s.", pl.SiteNoun(), res.Site, res.APIBase)
	r.say("Scopes granted: %s.", strings.Join(res.Granted, " "))
	if len(res.Missing) > 0 {
		r.say("Dropped by %s without an error: %s. Check their spelling and the app's scopes.", pl.Title(), strings.Join(res.Missing, " "))
	}
	r.say("The access token expires in %s.", authorize.Lifetime(res.Expiry.Sub(d.Now())))
	return nil
}

func lineAppScopes(r *lineRun) error {
	app := r.d.App
	pl := app.Platform
	res := r.m.app.auth.result
	r.say("")
	r.say("Step 4 of 4: every scope.")
	rep, err := app.Flows.CheckApp(r.ctx, res.Site, func(scopes.Result) {})
	if err != nil {
		r.say("The scope checks could not run: %v", err)
		return err
	}
	for _, x := range rep.Results {
		r.say("%s %s %s: %s", x.Status, x.Scope, x.Probe, orDefault(x.Detail, x.Endpoint))
	}
	r.say("Scope checks: %s", rep.Summary())
	r.m.app.run = &scopeRun{total: len(rep.Results), done: len(rep.Results), report: &rep} // for the checklist
	r.say("Refresh the token later with: oauthwiz authorize --provider %s --site %s --refresh", pl.Name(), res.Site)
	return nil
}
