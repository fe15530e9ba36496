package tui

import (
	"context"
	"time"

	"github.com/oauthwiz/oauthwiz/flows/journey"

	"github.com/oauthwiz/oauthwiz/checks"
	"github.com/oauthwiz/oauthwiz/flows/apikey"
	"github.com/oauthwiz/oauthwiz/flows/datadog"
	"github.com/oauthwiz/oauthwiz/flows/integration"
	"github.com/oauthwiz/oauthwiz/flows/readme"
	"github.com/oauthwiz/oauthwiz/flows/secrets"
)

// Flows are the wizard's side effects; the real ones call flows/, tests stub them.
type Flows interface {
	// Authorize runs test authorization, stores the secret and the tokens,
	// and reports the URL the user must open through onURL.
	Authorize(ctx context.Context, req AuthorizeRequest, onURL func(string)) (Authorized, error)
	// CreateAPIKey creates or reuses the org's marketplace API key.
	CreateAPIKey(ctx context.Context, site, clientID string) (*apikey.Result, error)
	// Check runs the pre-submission checks on the integration folder.
	Check(ctx context.Context, dir string) ([]checks.Finding, error)
	// PlanFixes previews the README and manifest edits; ApplyFixes writes them.
	PlanFixes(dir string) ([]*readme.FileEdit, error)
	ApplyFixes(edits []*readme.FileEdit) error
	SiteFlows
	PRFlows
	// SaveCase records the publication case in the integration's session.
	SaveCase(c integration.Case) error
	// Known is what is known of the client on a site before asking: the
	// stand-in's seeded client, or what an earlier run stored.
	Known(site string) journey.KnownClient
}

// Deps is what the wizard needs from outside.
type Deps struct {
	Provider    *datadog.Provider
	Store       secrets.Store
	Info        integration.Info
	Integration string // the name secrets are keyed by
	Kind        secrets.Kind
	// OpenBrowser opens a URL again (o); nil: the user copies it.
	OpenBrowser func(string) error
	// Copy puts a value on the clipboard (c): Clipboard on the UI's
	// output when nil in Run; nil elsewhere says there is no clipboard.
	Copy    func(string) error
	Flows   Flows
	Now     func() time.Time
	Version string
	Demo    bool
	// AutoEnter, in the demo, presses Enter by itself at this pace when no
	// step is running (0: never).
	AutoEnter time.Duration
	// RedirectURI overrides the client file's loopback redirect URI.
	RedirectURI string
	Timeout     time.Duration
	// Resume is the progress of an earlier run: the wizard opens at the
	// first step that is not done.
	Resume *Resume
	// App is another platform offered in the first step (PagerDuty); nil
	// offers Datadog only. Preselect ("pagerduty") puts the cursor on it.
	App       *App
	Preselect string
	// DefaultCase is the case the first step proposes when none was
	// recorded (existing when the base branch has the integration), and
	// DefaultCaseWhy says so.
	DefaultCase    integration.Case
	DefaultCaseWhy string
}

// The journey's types as the wizard's interfaces name them.
type (
	AuthorizeRequest = journey.AuthorizeRequest
	Authorized       = journey.Authorized
	Resume           = journey.Resume
	SiteRow          = journey.SiteRow
	PublishRequest   = journey.PublishCall
	PublishResult    = journey.PublishSummary
)
