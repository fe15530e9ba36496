package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/oauthwiz/oauthwiz/flows/sandbox"
)

// SandboxOptions is `oauthwiz sandbox`.
type SandboxOptions struct {
	JSON          bool
	AutoApprove   bool
	Sites         string
	RedirectURIs  string
	OnboardingURL string
	Scopes        string
	LoginOrg      string
	OrgSubdomain  string
	TokenTTL      time.Duration
	RateLimit     int
	RatePeriod    time.Duration
	RefuseScopes  string
	GitHub        bool
	ForkDelay     time.Duration
	PagerDuty     bool
	PDRegion      string
	PDScopes      string
}

func runSandboxCmd(ctx context.Context, sys *IO, args []string) error {
	var o SandboxOptions
	f := newFlags(sys, "sandbox", "sandbox [--json] [--auto-approve] [flags]")
	f.Bool(&o.JSON, "json", false, "print the sandbox description as one JSON line on stdout")
	f.Bool(&o.AutoApprove, "auto-approve", false, "approve valid authorize requests at once (no consent page), for headless use")
	f.String(&o.Sites, "sites", "", "site ids to emulate, comma separated (default: all nine)")
	f.String(&o.RedirectURIs, "redirect-uris", sandbox.DefaultRedirectURI, "redirect URIs of the seeded test clients (and of the PagerDuty stand-in's app), comma separated")
	f.String(&o.OnboardingURL, "onboarding-url", sandbox.DefaultOnboardingURL, "onboarding URL of the seeded test clients")
	f.String(&o.Scopes, "scopes", "api_keys_write,dashboards_read,monitors_read", "scopes of the seeded test clients")
	f.String(&o.LoginOrg, "login-org", "sandbox", "org the emulated browser session is signed in to: sandbox or customer")
	f.String(&o.OrgSubdomain, "org-subdomain", "", "a custom subdomain for every org: the callback's site parameter names it (e.g. customsub.datadoghq.com)")
	f.Duration(&o.TokenTTL, "token-ttl", time.Hour, "access token lifetime")
	f.IntVar(&o.RateLimit, "rate-limit", 0, "API requests allowed per credential and site in each --rate-period (0: no limit)")
	f.Duration(&o.RatePeriod, "rate-period", 10*time.Second, "length of a rate-limit window")
	f.Bool(&o.GitHub, "github", false, "also serve the GitHub stand-in (REST API and git over HTTP; its URL is github_url, for 'oauthwiz pr --github-api-url')")
	f.Duration(&o.ForkDelay, "github-fork-delay", 0, "keep a new fork's git objects out of reach this long, as GitHub's asynchronous forking may (to rehearse 'oauthwiz pr' waiting for it)")
	f.String(&o.RefuseScopes, "refuse-scopes", "", "scopes the API refuses with 403 even when granted (to rehearse failures)")
	f.Bool(&o.PagerDuty, "pagerduty", false, "also serve the PagerDuty stand-in (identity host, API per region, one account and one scoped OAuth app)")
	f.String(&o.PDRegion, "pagerduty-region", "us", "region of the PagerDuty stand-in's account: us or eu (its ID token names that API host)")
	f.String(&o.PDScopes, "pagerduty-scopes", strings.Join(sandbox.DefaultPagerDutyScopes, ","), "scopes the PagerDuty stand-in's app is configured with (others are dropped from tokens)")
	if err := f.parse(args); err != nil {
		return err
	}
	return RunSandbox(ctx, sys, o)
}

// RunSandbox serves the sandbox until ctx ends.
func RunSandbox(ctx context.Context, sys *IO, o SandboxOptions) error {
	sb, err := sandbox.Start(sandbox.Options{
		Sites: splitList(o.Sites), AutoApprove: o.AutoApprove, LoginOrg: o.LoginOrg, OrgSubdomain: o.OrgSubdomain, AccessTokenTTL: o.TokenTTL,
		RedirectURIs: splitList(o.RedirectURIs), OnboardingURL: o.OnboardingURL, Scopes: splitList(o.Scopes),
		RateLimit: o.RateLimit, RatePeriod: o.RatePeriod, RefuseScopes: splitList(o.RefuseScopes), GitHub: o.GitHub, GitHubForkDelay: o.ForkDelay,
		PagerDuty: o.PagerDuty, PagerDutyRegion: o.PDRegion, PagerDutyScopes: splitList(o.PDScopes),
	})
	if err != nil {
		return &UsageError{Msg: err.Error(), Err: err}
	}
	defer sb.Close()
	d := sb.Discovery()
	if o.JSON {
		b, _ := json.Marshal(d)
		fmt.Fprintln(sys.Out, string(b))
	} else {
		fmt.Fprintf(sys.Out, "oauthwiz sandbox — control URL %s (pass it as --sandbox or OAUTHWIZ_SANDBOX)\n", d.ControlURL)
		for _, c := range d.Clients {
			where := d.Sites[c.Site].AppURL
			if c.Platform() == "pagerduty" {
				where = "PagerDuty " + d.PagerDuty.IdentityURL
			}
			fmt.Fprintf(sys.Out, "  %-7s %s  %s client %s  secret %s\n", c.Site, where, c.Kind, c.ClientID, c.ClientSecret)
		}
		if d.GitHubURL != "" {
			fmt.Fprintf(sys.Out, "GitHub stand-in: %s\n  token %s (the only one it takes; git asks for it as the password)\n  clone %s/DataDog/integrations-extras.git\n  'oauthwiz pr --sandbox %s' sends it\n", d.GitHubURL, d.GitHubToken, d.GitHubURL, d.ControlURL)
		}
		fmt.Fprintln(sys.Out, "State: GET "+d.ControlURL+"/sandbox/state. Ctrl+C stops it.")
	}
	<-ctx.Done()
	return nil
}
