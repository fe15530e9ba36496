package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/oauthwiz/oauthwiz/flows/devplatform"
	"github.com/oauthwiz/oauthwiz/flows/journey"
	"github.com/oauthwiz/oauthwiz/flows/words"

	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/oauthwiz/oauthwiz/flows/integration"
	"github.com/oauthwiz/oauthwiz/flows/platform"
	"github.com/oauthwiz/oauthwiz/flows/pullrequest"
	"github.com/oauthwiz/oauthwiz/flows/sandbox"
	"github.com/oauthwiz/oauthwiz/flows/secrets"
	"github.com/oauthwiz/oauthwiz/tui"
)

// WizardOptions is `oauthwiz` with no command.
type WizardOptions struct {
	Provider    string // the platform preselected in the first step
	Dir         string
	Integration string
	Sandbox     string
	Accessible  bool
	Restart     bool
	Timeout     time.Duration
}

func accessibleFromEnv(sys *IO) bool {
	return sys.Getenv("ACCESSIBLE") != "" || sys.Getenv("TERM") == "dumb"
}

func runWizard(ctx context.Context, sys *IO, args []string) error {
	var o WizardOptions
	f := newFlags(sys, "", "[--dir PATH] [--sandbox URL] [--accessible]")
	f.String(&o.Provider, "provider", "datadog", "platform preselected in the first step: datadog or pagerduty")
	f.String(&o.Dir, "dir", ".", "integration folder")
	f.String(&o.Integration, "integration", "", "integration name that keys stored secrets")
	f.String(&o.Sandbox, "sandbox", "", "control URL of an oauthwiz sandbox (instead of the real Datadog)")
	f.Bool(&o.Accessible, "accessible", accessibleFromEnv(sys), "plain line-by-line prompts (also ACCESSIBLE=1 or TERM=dumb)")
	f.Duration(&o.Timeout, "timeout", 5*time.Minute, "how long to wait for the browser's callback")
	f.Bool(&o.Restart, "restart", false, "start at the first step instead of resuming where the last run stopped")
	if err := f.parse(args); err != nil {
		return err
	}
	return RunWizard(ctx, sys, o)
}

// RunWizard is the work of `oauthwiz`.
func RunWizard(ctx context.Context, sys *IO, o WizardOptions) error {
	if !sys.Interactive && !o.Accessible {
		return usagef("the wizard needs a terminal, and none is attached. Run the steps as commands instead:\n" +
			"  oauthwiz authorize --site SITE --client-id ID   (secret in OAUTHWIZ_CLIENT_SECRET or --client-secret-stdin)\n" +
			"  oauthwiz apikey create --site SITE\n" +
			"or pass --accessible (ACCESSIBLE=1) to answer plain prompts on standard input")
	}
	// The wizard owns the terminal's input: a slow keyring is not asked
	// about there; the store falls back to its file, every screen that
	// stores a secret says where it went and why, and the warning itself is
	// written once the full screen is gone (runJourney).
	sys.KeyringWait = nil
	ws, err := openWorkspace(ctx, sys, o.Sandbox, o.Dir, o.Integration)
	if err != nil {
		return err
	}
	if !ws.info.HasManifest && o.Provider != "pagerduty" {
		// Named after a folder that is not an integration, secrets and
		// state would be kept for an integration that does not exist.
		return usagef("%s has no manifest.json: run oauthwiz in your integration's folder (inside your clone of DataDog/integrations-extras) or pass --dir PATH; for a new integration, create it first ('ddev create' in the clone) and come back; 'oauthwiz --provider pagerduty' needs no folder", ws.info.Dir)
	}
	p, d, info, name, store := ws.provider, ws.discovery, ws.info, ws.name, ws.store
	// The wizard cannot ask on a line: real Datadog's pages come back as
	// steps to show (devplatform.ErrManual).
	dp := devplatform.For(p, d, sys.HTTPClient, devplatform.Manual{})
	deps := tui.Deps{
		Provider: p, Store: store, Info: info, Integration: name, Kind: secrets.Test, OpenBrowser: browserFor(sys), Now: sys.Now,
		Version: sys.Version, Timeout: o.Timeout,
		Flows: journey.Flows{Getenv: sys.Getenv, Provider: p, Store: store, Integration: name, Kind: secrets.Test, Now: sys.Now, OpenBrowser: browserFor(sys), StateDir: sys.stateDir(), DevPlatform: dp,
			Dir: info.Dir, GitHubToken: githubTokenQuiet(sys, store)},
	}
	if d != nil {
		deps.RedirectURI = d.RedirectURI() // registered by the stand-in, port included
		if rf := deps.Flows.(journey.Flows); d.GitHubURL != "" {
			rf.GitHubURL = d.GitHubURL
			rf.GitHubToken, _ = d.GitHubTokenFor(d.GitHubURL) // the stand-in's own, never the user's
			deps.Flows = rf
		}
	}
	deps.DefaultCase, deps.DefaultCaseWhy = ws.journey(sys).DefaultCase()
	if !o.Restart {
		deps.Resume = deps.Flows.(journey.Flows).LoadResume()
	}
	if err := offerApp(&deps, o.Provider, d, store, name, sys.Now, browserFor(sys)); err != nil {
		return err
	}
	return runJourney(ctx, sys, deps, o.Accessible, ws.warnings)
}

// offerApp adds PagerDuty to the wizard's first step (on a sandbox, its
// stand-in's app, prefilled), preselected when --provider says so.
func offerApp(deps *tui.Deps, preselect string, d *devplatform.Discovery, store secrets.Store, name string, now func() time.Time, open func(string) error) error {
	if _, err := platform.New(preselect, nil); err != nil {
		return &UsageError{Msg: err.Error(), Err: err}
	}
	if d != nil && d.PagerDuty == nil {
		if preselect == "pagerduty" {
			return usagef("--provider pagerduty: the sandbox at %s has no PagerDuty stand-in: start it with 'oauthwiz sandbox --pagerduty'", d.ControlURL)
		}
		return nil // a Datadog-only sandbox
	}
	pl, err := platform.New("pagerduty", d)
	if err != nil {
		return &UsageError{Msg: err.Error(), Err: err}
	}
	app := &tui.App{Platform: pl, Flows: journey.AppFlows{Platform: pl, Store: store, Integration: name, OpenBrowser: open, Now: now}}
	if d != nil {
		for _, c := range d.Clients {
			if c.Platform() == pl.Name() {
				app.ClientID, app.ClientSecret, app.Scopes = c.ClientID, c.ClientSecret, c.Scopes
				app.RedirectURI = firstOr(c.RedirectURIs, pl.DefaultRedirectURI())
			}
		}
	}
	deps.App, deps.Preselect = app, preselect
	return nil
}

func browserFor(sys *IO) func(string) error {
	if !sys.CanOpenBrowser {
		return nil
	}
	return sys.OpenBrowser
}

// warnings (nil: none) are held while the full screen is up and written
// once the terminal is restored.
func runJourney(ctx context.Context, sys *IO, deps tui.Deps, accessible bool, warnings *heldLines) error {
	if accessible || !sys.Interactive {
		var rs func(string) (string, error)
		if sys.Interactive {
			rs = sys.ReadSecret
		}
		return tui.Accessible{Deps: deps, In: sys.lines(), Out: sys.Err, ReadSecret: rs}.Run(ctx)
	}
	if warnings != nil {
		warnings.hold()
		defer warnings.release()
	}
	final, err := tui.Run(ctx, deps, sys.In, sys.Err)
	if errors.Is(err, tui.ErrCancelled) {
		return ErrCancelled
	}
	if err != nil {
		return err
	}
	fmt.Fprint(sys.Out, final.Summary())
	return nil
}

// DemoOptions is `oauthwiz demo`.
type DemoOptions struct {
	Provider   string
	Accessible bool
	NoBrowser  bool
	Timeout    time.Duration
	// Auto presses Enter by itself at this pace (0: the person does): a
	// talk's walk-through with nobody at the keyboard.
	Auto time.Duration
}

func runDemoCmd(ctx context.Context, sys *IO, args []string) error {
	var o DemoOptions
	f := newFlags(sys, "demo", "demo [--accessible] [--no-browser] [--auto DURATION] [--provider datadog|pagerduty]")
	f.String(&o.Provider, "provider", "datadog", "platform preselected in the first step: datadog or pagerduty (the PagerDuty stand-in's app)")
	f.Bool(&o.Accessible, "accessible", accessibleFromEnv(sys), "plain line-by-line prompts (also ACCESSIBLE=1 or TERM=dumb)")
	f.Bool(&o.NoBrowser, "no-browser", false, "do not open a browser: the sandbox approves by itself")
	f.Duration(&o.Timeout, "timeout", 2*time.Minute, "how long to wait for the consent page")
	f.Duration(&o.Auto, "auto", 0, "press Enter by itself every DURATION (e.g. 2s), once each step is idle: the journey plays itself")
	if err := f.parse(args); err != nil {
		return err
	}
	if o.Auto < 0 {
		return usagef("--auto %s: give a pace such as 2s", o.Auto)
	}
	return RunDemo(ctx, sys, o)
}

// RunDemo walks the journey against the embedded sandbox and a scratch
// integration folder. Secrets stay in memory: the demo never touches the keyring.
func RunDemo(ctx context.Context, sys *IO, o DemoOptions) error {
	// Where a browser can open, the real consent page is shown; elsewhere the
	// sandbox approves by itself, so Enter alone completes the demo.
	autoApprove := o.NoBrowser || !sys.CanOpenBrowser
	sb, err := sandbox.Start(sandbox.Options{AutoApprove: autoApprove, GitHub: true, PagerDuty: true})
	if err != nil {
		return err
	}
	defer sb.Close()
	dir, err := os.MkdirTemp("", "oauthwiz-demo-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	c, _ := sb.Client("us1", "test")
	// A clone of the sandbox's integrations-extras, as a partner's fork clone.
	clone := filepath.Join(dir, "integrations-extras")
	if err := pullrequest.Clone(ctx, sb.GitHubURL()+"/DataDog/integrations-extras.git", clone, "master", 0, pullrequest.NewGitAuth(sandbox.GitHubToken, sb.GitHubURL())); err != nil {
		return err
	}
	folder := filepath.Join(clone, "acme")
	if err := integration.WriteScratch(folder, "acme", integration.OAuthClient{
		// What a partner publishes: its service's https URLs, plus the loopback
		// redirect URI registered for local testing.
		Name: "Acme", Description: "Sends Acme events to Datadog", RedirectURIs: append([]string{"https://acme.example/oauth/callback"}, c.RedirectURIs...),
		Scopes: c.Scopes, OnboardingURL: "https://acme.example/datadog/onboarding",
	}); err != nil {
		return err
	}
	info, err := integration.Load(folder)
	if err != nil {
		return err
	}
	d := sb.Discovery()
	store := &secrets.Memory{}
	p := sb.Provider()
	open := sys.OpenBrowser
	if autoApprove {
		open = sandbox.Browse // the demo plays the browser itself
	}
	dp := devplatform.StandIn{Provider: p, Discovery: &d}
	deps := tui.Deps{
		Provider: p, Store: store, Info: info, Integration: "acme", Kind: secrets.Test, OpenBrowser: open, Now: sys.Now,
		Version: sys.Version, Demo: true, AutoEnter: o.Auto, Timeout: o.Timeout, RedirectURI: d.RedirectURI(),
		Flows: journey.Flows{Getenv: sys.Getenv, Provider: p, Store: store, Integration: "acme", Kind: secrets.Test, Now: sys.Now, OpenBrowser: open, DevPlatform: dp, StateDir: filepath.Join(dir, "state"),
			Dir: folder, GitHubURL: sb.GitHubURL(), GitHubToken: sandbox.GitHubToken, Author: &object.Signature{Name: "oauthwiz demo", Email: "demo@oauthwiz.invalid", When: time.Now()}},
	}
	if err := offerApp(&deps, o.Provider, &d, store, "acme", sys.Now, open); err != nil {
		return err
	}
	fmt.Fprintf(sys.Err, "oauthwiz demo: sandbox at %s (consent %s), scratch integration in %s\n", d.ControlURL, map[bool]string{true: "approved by the sandbox", false: "page in your browser"}[autoApprove], folder)
	if err := runJourney(ctx, sys, deps, o.Accessible, nil); err != nil {
		return err
	}
	st := sb.State()
	fmt.Fprintf(sys.Out, "Sandbox after the demo: %s issued, %s, %s left, %s.\n", words.Count(len(st.Tokens), "token"), words.Count(len(st.APIKeys), "API key"),
		words.Count(len(st.Objects), "test object"), words.Count(len(sb.PullRequests("DataDog/integrations-extras")), "pull request"))
	return nil
}
