package tui

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/oauthwiz/oauthwiz/assets"
	"github.com/oauthwiz/oauthwiz/checks"
	"github.com/oauthwiz/oauthwiz/flows/integration"
	"github.com/oauthwiz/oauthwiz/flows/secrets"
	"github.com/oauthwiz/oauthwiz/flows/words"
)

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

// errToApp leaves the Datadog journey for the app's (the first step chose
// another platform).
var errToApp = errors.New("another platform was chosen")

// lineRun is an accessible run: the questions and answers, and the wizard's
// model holding what was decided so far (the same facts the sidebar reads).
type lineRun struct {
	a       Accessible
	ctx     context.Context
	d       Deps
	m       Model
	sc      *bufio.Scanner
	caseIdx int
}

func (r *lineRun) ask(prompt, def string) string {
	fmt.Fprintf(r.a.Out, "%s [%s]: ", prompt, def)
	if !r.sc.Scan() {
		fmt.Fprintln(r.a.Out)
		return def
	}
	if v := strings.TrimSpace(r.sc.Text()); v != "" {
		return v
	}
	return def
}

func (r *lineRun) yes(prompt, def string) bool {
	return strings.EqualFold(r.ask(prompt+", y or n?", def), "y")
}

func (r *lineRun) say(format string, args ...any) { fmt.Fprintf(r.a.Out, format+"\n", args...) }

// secretLine reads a secret: without echo on a terminal, else a plain line.
func (r *lineRun) secretLine(prompt string) (string, error) {
	if r.a.ReadSecret != nil {
		return r.a.ReadSecret(prompt)
	}
	fmt.Fprint(r.a.Out, prompt)
	v := ""
	if r.sc.Scan() {
		v = strings.TrimSpace(r.sc.Text())
	}
	fmt.Fprintln(r.a.Out)
	return v, nil
}

// Run walks the journey: the screens' line steps, in the journey's order.
func (a Accessible) Run(ctx context.Context) error {
	d := a.Deps
	if d.Timeout == 0 {
		d.Timeout = 5 * time.Minute
	}
	sc := bufio.NewScanner(a.In)
	sc.Buffer(make([]byte, 64*1024), 64*1024)
	r := &lineRun{a: a, ctx: ctx, d: d, m: New(d, Styles{}), sc: sc}
	if err := r.walk(datadogSteps[r.resumeAt():]); errors.Is(err, errToApp) {
		if err := r.walk(appSteps); err != nil {
			return err
		}
		r.m.step, r.m.Finished = stepAppSummary, true
		r.say("")
		r.say("Checklist:")
		fmt.Fprint(a.Out, r.m.Summary())
		return nil
	} else if err != nil {
		return err
	}
	r.m.step = stepSummary
	r.m.caseChosen = integration.Cases[r.caseIdx-1].Case
	r.say("")
	r.say("Checklist:")
	fmt.Fprint(a.Out, r.m.Summary())
	return nil
}

// resumeAt is where an earlier run left the journey (the index in
// datadogSteps), as the full-screen wizard resumes: the steps before it are
// said to be done, and not asked again.
func (r *lineRun) resumeAt() int {
	m := &r.m
	if m.step == stepIntegration || m.inApp() {
		return 0
	}
	r.caseIdx = m.caseList.cursor + 1
	at := 0
	for i, s := range datadogSteps {
		if s == m.step {
			at = i
		}
	}
	done := "the case (" + integration.Cases[m.caseList.cursor].Title + ")"
	if a := m.auth.result; a != nil {
		done += fmt.Sprintf(", the test authorization on %s as %s", a.Site, a.Org)
	}
	if k := m.key.result; k != nil {
		done += ", the API key …" + k.Last4
	}
	r.say("Resuming where the last run stopped. Done: %s. (Run with --restart to start over.)", done)
	return at
}

// walk runs the line step of each screen of a journey.
func (r *lineRun) walk(steps []step) error {
	for _, s := range steps {
		if line := screens[s].Line; line != nil {
			if err := line(r); err != nil {
				return err
			}
		}
	}
	return nil
}

func lineIntegration(r *lineRun) error {
	d := r.d
	r.say("Step 1 of 9: the integration.")
	r.say("Folder %s, name %s.", d.Info.Dir, d.Info.Name)
	if d.Info.Client != nil {
		r.say("OAuth client %q with scopes: %s.", d.Info.Client.Name, strings.Join(d.Info.Client.Scopes, ", "))
	}
	for i, c := range integration.Cases {
		r.say("  %d. %s (%s)", i+1, c.Title, c.Note)
	}
	choices, def := len(integration.Cases), "1"
	if d.App != nil {
		choices++
		r.say("  %d. Another platform: %s (a scoped OAuth app)", choices, d.App.Platform.Title())
		if d.Preselect == d.App.Platform.Name() {
			def = strconv.Itoa(choices)
		}
	}
	for {
		n, err := strconv.Atoi(r.ask(fmt.Sprintf("Which case, 1 to %d?", choices), def))
		if err == nil && n >= 1 && n <= choices {
			r.caseIdx = n
			break
		}
		r.say("Please answer a number from 1 to %d.", choices)
	}
	if r.caseIdx > len(integration.Cases) {
		return errToApp
	}
	r.say("Case: %s.", integration.Cases[r.caseIdx-1].Title)
	return nil
}

func lineSite(r *lineRun) error {
	r.say("")
	r.say("Step 2 of 9: the site. Known sites: %s.", strings.Join(assets.SiteIDs(), ", "))
	for {
		site := r.ask("Site to test on first?", "us1")
		if s, ok := assets.SiteByID(site); ok {
			if !s.OAuthDocumented {
				r.say("Note: OAuth on %s is not documented by Datadog.", s.ID)
			}
			r.m.site = s.ID
			return nil
		}
		r.say("%q is not a site id.", site)
	}
}

func lineCredentials(r *lineRun) error {
	m := &r.m
	r.say("")
	r.say("Step 3 of 9: client credentials for %s.", m.site)
	if u, err := r.d.Provider.DeveloperPlatformURL(m.site); err == nil {
		r.say("Create a confidential OAuth client in %s (your app, OAuth & Permissions).", u)
	}
	m.enterCredentials()
	clientID := r.ask("Client ID?", m.creds.clientID.Value())
	secret := m.creds.secret.Value()
	if secret != "" {
		r.say("A client secret is known (%s); press Enter to use it.", secrets.Mask(secret))
	}
	if v, _ := r.secretLine(secretPrompt(r.a.ReadSecret != nil)); v != "" {
		secret = v
	}
	if clientID == "" || secret == "" {
		return fmt.Errorf("a client ID and a client secret are needed: pass them with 'oauthwiz authorize --client-id ID' and OAUTHWIZ_CLIENT_SECRET")
	}
	m.creds.clientID.SetValue(clientID)
	m.creds.secret.SetValue(secret)
	if m.redirect().TestOnly {
		r.say("The proposed redirect URI is not in the client file: register it on the TEST client only (never in oauth_clients.json nor the pull request), or give the client's https URI to paste the callback back.")
	}
	for tries := 1; ; tries++ {
		m.creds.redirect.SetValue(r.ask("Redirect URI for this test?", m.creds.redirect.Value()))
		err := integration.CheckRedirectURI(m.redirectURI())
		if err == nil {
			break
		}
		r.say("Redirect URI: %v.", err)
		if tries == 3 {
			return fmt.Errorf("no usable redirect URI: pass one with 'oauthwiz authorize --redirect-uri URI'")
		}
	}
	if m.redirect().PasteBack {
		r.say("Paste-back: after Authorize your browser lands on that page; paste its address here. A live service there may exchange the code first (here: invalid_grant; its log: the callback); a test-only loopback URI avoids it.")
	}
	return nil
}

func secretPrompt(hidden bool) string {
	if hidden {
		return "Client secret (hidden): "
	}
	return "Client secret (not echoed when typed in a terminal): "
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
	fmt.Fprintf(a.Out, "%s, %s.\n", words.Count(errs, "error"), words.Count(warns, "warning"))
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
