package journey

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/oauthwiz/oauthwiz/assets"
	"github.com/oauthwiz/oauthwiz/checks"
	"github.com/oauthwiz/oauthwiz/flows/datadog"
	"github.com/oauthwiz/oauthwiz/flows/integration"
	"github.com/oauthwiz/oauthwiz/flows/pullrequest"
	"github.com/oauthwiz/oauthwiz/flows/secrets"
	"github.com/oauthwiz/oauthwiz/flows/session"
)

// Workspace is one integration's journey: where its secrets and state live
// and the folder it is in. Both front-ends build one and call its steps.
type Workspace struct {
	Provider    *datadog.Provider // Datadog's hosts (the sandbox's, on one)
	HTTPClient  *http.Client      // nil: the engines' defaults
	Store       secrets.Store
	StateDir    string // "" keeps no state (nothing recorded)
	Integration string // the name secrets and state are keyed by
	Info        integration.Info
	Kind        secrets.Kind // "" is the test client
	// Getenv is the environment as the front-end has it (nil: none).
	Getenv func(string) string
	Now    func() time.Time
}

func (w *Workspace) ns(site string) secrets.Namespace {
	return secrets.Namespace{Integration: w.Integration, Site: site, Kind: w.kind()}
}

func (w *Workspace) kind() secrets.Kind {
	if w.Kind == "" {
		return secrets.Test
	}
	return w.Kind
}

// clientFor is the client ID in use on a site: the one the session records
// (imported, published), else the one its stored token names ("" if none).
func (w *Workspace) clientFor(st session.State, site string) string {
	if rec, ok := st.Clients[session.ClientKey(site, w.kind())]; ok {
		return rec.ClientID
	}
	var tok secrets.TokenRecord
	if secrets.GetJSON(w.Store, w.ns(site).TokenKey(), &tok) == nil {
		return tok.ClientID
	}
	return ""
}

// KnownSecrets are the integration's stored secrets, the canaries of the
// secret scan.
func (w *Workspace) KnownSecrets() []string {
	return secrets.Known(w.Store, w.Integration, assets.SiteIDs(), w.State().ClientIDs())
}

// State is the integration's saved state (empty when there is none).
func (w *Workspace) State() session.State {
	if w.StateDir == "" {
		return session.State{Integration: w.Integration}
	}
	st, _ := session.Load(w.StateDir, w.Integration)
	return st
}

// UpdateState changes the saved state (nothing is kept without a folder).
func (w *Workspace) UpdateState(change func(*session.State)) error {
	if w.StateDir == "" {
		return nil
	}
	return session.Update(w.StateDir, w.Integration, func(s *session.State) error { change(s); return nil })
}

// Case is the recorded publication case ("" when none was chosen).
func (w *Workspace) Case() integration.Case { return integration.Case(w.State().Case) }

// BaseManifest is the integration's manifest.json on the base branch (nil
// when the integration is new there, or the folder is not in a clone).
func (w *Workspace) BaseManifest() *checks.BaseManifest {
	base, _ := w.baseManifest()
	return base
}

// baseManifest also names the base branch looked at ("" when there is no
// clone or no remote-tracking base to look at).
func (w *Workspace) baseManifest() (*checks.BaseManifest, string) {
	if w.Info.Dir == "" {
		return nil, ""
	}
	b, branch, ok, err := pullrequest.BaseFile(w.Info.Dir, "manifest.json", "")
	if err != nil || !ok {
		return nil, branch
	}
	return &checks.BaseManifest{Src: b, Branch: branch}, branch
}

// DefaultCase is the case to assume when none was chosen: an integration
// the base branch has is existing, one it lacks is new; why says which (""
// when there is no base branch to look at: new, unproposed).
func (w *Workspace) DefaultCase() (c integration.Case, why string) {
	switch base, branch := w.baseManifest(); {
	case base != nil:
		return integration.CaseExisting, "the integration is on " + base.Branch
	case branch != "":
		return integration.CaseNew, "the integration is not on " + branch
	}
	return integration.CaseNew, ""
}

// EffectiveCase is the recorded case, else the default.
func (w *Workspace) EffectiveCase() integration.Case {
	if c := w.Case(); c != "" {
		return c
	}
	c, _ := w.DefaultCase()
	return c
}

// CheckOptions are the pre-submission checks' options for this integration:
// the recorded case and published app_uuid, and its stored secrets as
// canaries. Every caller of the checks uses these, so that the commands and
// the wizard judge the same folder the same way.
func (w *Workspace) CheckOptions() checks.Options {
	st := w.State()
	base := w.BaseManifest()
	c := integration.Case(st.Case)
	if c == "" && base != nil {
		c = integration.CaseExisting
	}
	return checks.Options{
		AppUUID: st.PublishedAppUUID, Case: c, Base: base,
		KnownSecrets: func(string) []string { return w.KnownSecrets() },
	}
}

// Check runs the pre-submission checks on the integration's folder.
func (w *Workspace) Check(ctx context.Context) ([]checks.Finding, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return checks.Integration(w.Info.Dir, w.CheckOptions())
}

// Facts reads what the journey has recorded: the session, the secret store
// (evidence only, never a value) and a fresh run of the checks.
func (w *Workspace) Facts(ctx context.Context) Facts {
	st := w.State()
	f := Facts{Case: integration.Case(st.Case)}
	for _, site := range assets.SiteIDs() {
		ns := w.ns(site)
		if _, err := secrets.ClientSecret(w.Store, ns, w.clientFor(st, site)); err == nil {
			f.CredentialsSites = append(f.CredentialsSites, site)
		}
		var tok secrets.TokenRecord
		if secrets.GetJSON(w.Store, ns.TokenKey(), &tok) != nil {
			continue
		}
		f.Authorized = append(f.Authorized, site)
		if f.First != nil {
			continue
		}
		f.First = &Authorization{Site: site, Org: tok.OrgName}
		var key secrets.APIKeyRecord
		switch {
		case secrets.GetJSON(w.Store, ns.APIKeyKey(tok.OrgID), &key) == nil:
			// A stored key was validated when it was stored.
			f.APIKey = &APIKey{Site: site, Last4: key.Last4, Valid: true}
		case !slices.Contains(tok.ScopesGranted, "api_keys_write"):
			f.APIKeyNotRequested = true
		}
	}
	if ev := st.ScopeChecks; ev != nil {
		c := &ScopeCounts{RunID: ev.RunID, Ran: true}
		for _, r := range ev.Results {
			switch r.Status {
			case "pass":
				c.Pass++
			case "fail":
				c.Fail++
			case "manual":
				c.Manual++
			}
		}
		f.Scopes = c
	}
	if w.Info.HasManifest {
		if findings, err := w.Check(ctx); err == nil {
			f.Checks, f.ChecksRan = findings, true
		}
	}
	if st.PullRequestURL != "" {
		f.PullRequest = &PullRequest{Number: PRNumber(st.PullRequestURL), URL: st.PullRequestURL, Action: "opened earlier"}
	}
	if st.PublishedAppUUID != "" {
		f.Published = &Publication{AppUUID: st.PublishedAppUUID, Kept: st.Case != "" && st.Case != string(integration.CaseNew)}
	}
	for site := range st.PublishedTests {
		f.Retested = append(f.Retested, site)
	}
	slices.Sort(f.Retested)
	return f
}

// PRRequest is what a front-end decides about a pull request; the rest
// (secrets to scan for, evidence for the body, CODEOWNERS, branch, the
// checks) comes from the workspace.
type PRRequest struct {
	BaseRepo, BaseBranch, Branch, Title string
	ForkRemote, CodeOwners, ForceReason string
	Draft, NoPush                       bool
	GitHub                              *pullrequest.GitHub
	Auth                                pullrequest.GitAuth
	Author                              *object.Signature
	// Rebase is asked when the fork's branch has commits this one lacks.
	Rebase func(branch string) bool
	// Progress hears the run's stages (commit, push, pull request).
	Progress func(stage string)
}

// PROptions composes a pull request run: the same for 'oauthwiz pr', the
// wizard's pull request step and the app_uuid commit after publishing.
func (w *Workspace) PROptions(r PRRequest) pullrequest.Options {
	st := w.State()
	o := pullrequest.Options{
		IntegrationDir: w.Info.Dir, BaseRepo: r.BaseRepo, BaseBranch: r.BaseBranch, Branch: r.Branch, Title: r.Title,
		Draft: r.Draft, NoPush: r.NoPush, ForceReason: r.ForceReason, ForkRemote: r.ForkRemote, CodeOwners: r.CodeOwners,
		GitHub: r.GitHub, Auth: r.Auth, Author: r.Author, Rebase: r.Rebase, Getenv: w.Getenv, Progress: r.Progress,
		KnownSecrets: w.KnownSecrets(),
		Gate:         w.Gate(),
	}
	if o.BaseRepo == "" {
		o.BaseRepo = "DataDog/integrations-extras"
	}
	o.Evidence.Scopes = st.ScopeChecks
	o.Evidence.NewIntegration = w.EffectiveCase() == integration.CaseNew
	if o.CodeOwners == "" && o.Evidence.NewIntegration {
		// A new integration gets its CODEOWNERS line, owned by the
		// manifest's support address unless the request names owners.
		o.CodeOwners = supportEmail(w.Info.Dir)
	}
	for _, site := range assets.SiteIDs() {
		var rec secrets.TokenRecord
		if secrets.GetJSON(w.Store, secrets.Namespace{Integration: w.Integration, Site: site, Kind: secrets.Test}.TokenKey(), &rec) == nil {
			o.Evidence.Sites = append(o.Evidence.Sites, site)
		}
	}
	if o.Branch == "" {
		o.Branch = st.PullRequestBranch // later commits go to the pull request's branch
	}
	return o
}

// Gate is the pre-submission checks as the pull request runs them.
func (w *Workspace) Gate() pullrequest.Gate {
	opts := w.CheckOptions()
	return func(dir string) ([]pullrequest.Finding, error) {
		found, err := checks.Integration(dir, opts)
		if err != nil {
			return nil, err
		}
		out := make([]pullrequest.Finding, len(found))
		for i, f := range found {
			out[i] = pullrequest.Finding{Rule: f.Rule, Severity: f.Severity, File: f.File, Line: f.Line, Message: f.Message, Fix: f.Fix}
		}
		return out, nil
	}
}

// PlanPR is the pull request as it would be: the diff, the push target, the
// body; nothing is written.
func (w *Workspace) PlanPR(ctx context.Context, r PRRequest) (*pullrequest.Result, error) {
	o := w.PROptions(r)
	o.DryRun = true
	return pullrequest.Run(ctx, o)
}

// OpenPR commits, pushes and opens (or updates) the pull request planned
// (plan, from PlanPR; nil plans and pushes in one go), and records it.
func (w *Workspace) OpenPR(ctx context.Context, r PRRequest, plan *pullrequest.Result) (*pullrequest.Result, error) {
	o := w.PROptions(r)
	if plan != nil {
		o.Planned = plan.Plan // exactly what was shown, or nothing
	}
	res, err := pullrequest.Run(ctx, o)
	if err != nil || res.PullRequest == nil {
		return res, err
	}
	err = w.UpdateState(func(st *session.State) {
		st.PullRequestURL, st.PullRequestBranch = res.PullRequest.URL, res.Branch
	})
	if err != nil {
		return res, &RecordError{What: "the pull request link", Err: err}
	}
	return res, nil
}

// RecordError is a step that was done but could not be recorded.
type RecordError struct {
	What string
	Err  error
}

func (e *RecordError) Error() string { return e.What + " could not be saved: " + e.Err.Error() }
func (e *RecordError) Unwrap() error { return e.Err }

// supportEmail is the manifest's author.support_email ("" when absent).
func supportEmail(dir string) string {
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		return ""
	}
	var m struct {
		Author struct {
			SupportEmail string `json:"support_email"`
		} `json:"author"`
	}
	json.Unmarshal(b, &m)
	return m.Author.SupportEmail
}
