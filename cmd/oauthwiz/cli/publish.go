package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/oauthwiz/oauthwiz/flows/devplatform"
	"github.com/oauthwiz/oauthwiz/flows/integration"
	"github.com/oauthwiz/oauthwiz/flows/journey"
	"github.com/oauthwiz/oauthwiz/flows/pullrequest"
	"github.com/oauthwiz/oauthwiz/flows/readme"
	"github.com/oauthwiz/oauthwiz/flows/secrets"
)

// PublishOptions is `oauthwiz publish`.
type PublishOptions struct {
	ClientFlags
	AppUUID      string
	Case         string
	NoPush       bool
	Yes          bool
	Retest       bool
	GitHubAPIURL string
	Timeout      time.Duration
}

// PublishJSON is the --json document.
type PublishJSON struct {
	Site           string            `json:"site"`
	ClientID       string            `json:"client_id"`
	ClientSecret   string            `json:"client_secret"` // masked
	AppUUID        string            `json:"app_uuid"`
	AppUUIDWritten bool              `json:"app_uuid_written"`
	AppUUIDNote    string            `json:"app_uuid_note,omitempty"`
	PullRequest    string            `json:"pull_request,omitempty"`
	Retest         map[string]string `json:"retest,omitempty"` // site → outcome
}

func runPublishCmd(ctx context.Context, sys *IO, args []string) error {
	var o PublishOptions
	f := newFlags(sys, "publish", "publish [--site SITE] [flags]")
	o.register(f)
	f.String(&o.AppUUID, "app-uuid", "", "the published app_uuid (asked for when not given, on real Datadog)")
	f.String(&o.Case, "case", "", "new, existing or ui-extension (default: the recorded case, else new)")
	f.Bool(&o.NoPush, "no-push", false, "write app_uuid but do not push it to the pull request")
	f.Bool(&o.Yes, "yes", false, "write and push without asking")
	f.Bool(&o.Retest, "retest", true, "authorize again with the published client")
	f.String(&o.GitHubAPIURL, "github-api-url", "", "GitHub API URL (GitHub Enterprise, tests)")
	f.Duration(&o.Timeout, "timeout", 5*time.Minute, "how long to wait for the browser during the re-test")
	if err := f.parse(args); err != nil {
		return err
	}
	if o.Site == "" {
		o.Site = "us1"
	}
	return RunPublish(ctx, sys, o)
}

// RunPublish walks the Publishing tab: the published credentials and
// app_uuid are stored first (they are shown once), the app_uuid goes into a
// new integration's manifest and to its pull request, and the published
// client is authorized again.
func RunPublish(ctx context.Context, sys *IO, o PublishOptions) error {
	if err := checkSite(o.Site); err != nil {
		return err
	}
	ws, err := openWorkspace(ctx, sys, o.Sandbox, o.Dir, o.Integration)
	if err != nil {
		return err
	}
	jw := ws.journey(sys)
	st := jw.State()
	c := integration.Case(o.Case)
	if c == "" {
		c = jw.EffectiveCase() // recorded, else existing when the base branch has the integration
	}
	if _, err := integration.ParseCase(string(c)); err != nil {
		return &UsageError{Msg: err.Error(), Err: err}
	}
	var given devplatform.Published
	if o.CredentialsFile != "" {
		if given.ClientID, given.ClientSecret, err = readCredentialsFile(o.CredentialsFile); err != nil {
			return err
		}
	}
	req := journey.PublishRequest{Site: o.Site, Case: c, AppUUID: o.AppUUID, DevPlatform: ws.devPlatform(sys, given, st.PullRequestURL),
		ConfirmEdit: func(edit *readme.FileEdit) (bool, error) {
			fmt.Fprint(sys.Err, edit.Diff())
			return confirm(ctx, sys, o.Yes, "Write app_uuid into manifest.json?", &ProblemsError{Msg: "pass --yes to write app_uuid into manifest.json"})
		},
	}
	if c == integration.CaseNew && !o.NoPush {
		// Asked before publishing: what the tab shows once is not left
		// waiting on a missing token.
		if req.Push, err = publishPush(ctx, sys, ws, o, st.PullRequestBranch); err != nil {
			return err
		}
	}
	if o.Retest {
		announced := false
		req.Retest = func(ctx context.Context, site, clientID string) (string, error) {
			if !announced {
				announced = true
				fmt.Fprintln(sys.Err, "Re-testing the published client: sign in to an org that is NOT your sandbox org (a customer or trial org).")
			}
			return retestPublished(ctx, sys, ws, o, site, clientID)
		}
	}
	res, err := jw.Publish(ctx, req)
	if res != nil && res.Outcome != nil {
		fmt.Fprintf(sys.Err, "Stored the published client %s (secret %s) in %s.\n", res.ClientID, res.MaskedSecret, ws.store.Where())
	}
	if err := publishError(sys, res, err); err != nil {
		return err
	}
	out := PublishJSON{Site: o.Site, ClientID: res.ClientID, ClientSecret: res.MaskedSecret, AppUUID: res.AppUUID, AppUUIDWritten: res.Written, AppUUIDNote: res.Note, Retest: res.Retests}
	if len(out.Retest) == 0 {
		out.Retest = nil
	}
	out.PullRequest = jw.State().PullRequestURL
	if p := res.Pushed; p != nil && p.PullRequest != nil {
		fmt.Fprintf(sys.Err, "Pushed the app_uuid commit to pull request #%d (%s).\n", p.PullRequest.Number, p.Branch)
	}
	if out.PullRequest != "" {
		fmt.Fprintf(sys.Err, "Paste this link into the publishing form: %s\n", out.PullRequest)
	}
	return printPublish(sys, o.JSON, out, res.Sites)
}

// publishError maps what publishing returned to the command's exit codes
// and advice (nil: go on; a record that could not be saved is a warning).
func publishError(sys *IO, res *journey.PublishOutcome, err error) error {
	var unsaved *journey.RecordError
	switch {
	case errors.Is(err, devplatform.ErrManual):
		return manualNeeded(sys, err, "pass --credentials-file and --app-uuid")
	case errors.Is(err, journey.ErrNeedCredentials), errors.Is(err, devplatform.ErrIncomplete), errors.Is(err, ErrCancelled):
		return usagef("%w", err)
	case errors.Is(err, journey.ErrEditDeclined):
		return &ProblemsError{Msg: err.Error()}
	case errors.As(err, &unsaved):
		fmt.Fprintln(sys.Err, "warning:", err)
		return nil
	case err != nil && res == nil:
		return &RemoteError{Err: err}
	case err != nil && res.Written:
		return prError(sys, false, err)
	case err != nil:
		return usagef("%w: pass --app-uuid", err)
	}
	return err
}

// printPublish writes the outcome: the JSON document, or lines; a re-test
// that failed anywhere is a remote failure.
func printPublish(sys *IO, asJSON bool, out PublishJSON, sites []string) error {
	if asJSON {
		return json.NewEncoder(sys.Out).Encode(out)
	}
	fmt.Fprintf(sys.Out, "Published on %s: client %s, app_uuid %s.\n", out.Site, out.ClientID, out.AppUUID)
	if out.AppUUIDWritten {
		fmt.Fprintln(sys.Out, "  app_uuid written into manifest.json.")
	} else if out.AppUUIDNote != "" {
		fmt.Fprintln(sys.Out, "  app_uuid "+out.AppUUIDNote+".")
	}
	failed := false
	for _, site := range sites {
		if r, ok := out.Retest[site]; ok {
			fmt.Fprintf(sys.Out, "  re-test on %s: %s\n", site, r)
			failed = failed || strings.HasPrefix(r, "failed")
		}
	}
	if failed {
		return &RemoteError{Err: errors.New("the published client did not authorize everywhere")}
	}
	return nil
}

// publishPush is where the app_uuid commit goes: the pull request's branch
// on the user's fork, through GitHub (the sandbox's stand-in with --sandbox).
func publishPush(ctx context.Context, sys *IO, ws *workspace, o PublishOptions, branch string) (*journey.PRRequest, error) {
	if _, err := pullrequest.FindRoot(ws.info.Dir); err != nil {
		return nil, &UsageError{Msg: err.Error() + " (or pass --no-push)"}
	}
	apiURL, d := o.GitHubAPIURL, ws.discovery
	if apiURL == "" && d != nil {
		apiURL = d.GitHubURL
	}
	token, standIn := d.GitHubTokenFor(apiURL) // the stand-in's own, never the user's
	if !standIn {
		var err error
		if token, err = githubToken(sys, ws.store); err != nil {
			return nil, err
		}
	}
	gh, err := pullrequest.NewGitHub(sys.HTTPClient, apiURL, token)
	if err != nil {
		return nil, &UsageError{Msg: err.Error(), Err: err}
	}
	return &journey.PRRequest{Branch: branch, GitHub: gh, Auth: gitAuth(sys, token, apiURL)}, nil
}

// retestPublished authorizes the published client on a site, as
// 'oauthwiz authorize --kind published' would, and names the org.
func retestPublished(ctx context.Context, sys *IO, ws *workspace, o PublishOptions, site, clientID string) (string, error) {
	quiet := *sys
	quiet.Store = func(func(string)) secrets.Store { return ws.store }
	ao := AuthorizeOptions{
		ClientFlags: ClientFlags{Site: site, ClientID: clientID, Kind: string(secrets.Published), Integration: ws.name, Dir: o.Dir, Sandbox: o.Sandbox},
		Timeout:     o.Timeout, NoBrowser: !sys.CanOpenBrowser, Start: "authorize"}
	r, err := ao.resolve(ctx, &quiet, true)
	if err != nil {
		return "", err
	}
	out, err := authorizeOnce(ctx, &quiet, ao, r)
	return out.Org, err
}
