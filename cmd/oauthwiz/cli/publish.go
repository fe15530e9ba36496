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
	"github.com/oauthwiz/oauthwiz/flows/publish"
	"github.com/oauthwiz/oauthwiz/flows/pullrequest"
	"github.com/oauthwiz/oauthwiz/flows/secrets"
	"github.com/oauthwiz/oauthwiz/flows/session"
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
	st, err := session.Load(secrets.StateDir(), ws.name)
	if err != nil {
		return err
	}
	c := o.Case
	if c == "" {
		c = st.Case
	}
	if c == "" {
		c = string(integration.CaseNew)
	}
	if _, err := integration.ParseCase(c); err != nil {
		return &UsageError{Msg: err.Error()}
	}
	out := PublishJSON{Site: o.Site}
	var given devplatform.Published
	if o.CredentialsFile != "" {
		if given.ClientID, given.ClientSecret, err = readCredentialsFile(o.CredentialsFile); err != nil {
			return err
		}
	}
	popts := publish.Options{DevPlatform: ws.devPlatform(sys, given, st.PullRequestURL), Store: ws.store, StateDir: secrets.StateDir(),
		Integration: ws.name, Dir: ws.info.Dir, Site: o.Site, Case: integration.Case(c), AppUUID: o.AppUUID}
	// Shown once: publish.Record stores them before anything else.
	rec, err := publish.Record(ctx, popts)
	switch {
	case errors.Is(err, devplatform.ErrManual):
		return manualNeeded(sys, err, "pass --credentials-file and --app-uuid")
	case errors.Is(err, publish.ErrNeedCredentials), errors.Is(err, devplatform.ErrIncomplete), errors.Is(err, ErrCancelled):
		return usagef("%v", err)
	case err != nil && rec == nil:
		return &RemoteError{Err: err}
	case err != nil:
		return usagef("%v: pass --app-uuid", err)
	}
	out.ClientID, out.ClientSecret, out.AppUUID, out.AppUUIDNote = rec.ClientID, rec.MaskedSecret, rec.AppUUID, rec.Note
	sites := rec.Sites
	fmt.Fprintf(sys.Err, "Stored the published client %s (secret %s) in %s.\n", out.ClientID, out.ClientSecret, ws.store.Where())
	if rec.Note != "" {
		fmt.Fprintln(sys.Err, "app_uuid "+rec.Note+".")
	}
	if edit := rec.ManifestEdit; edit != nil {
		fmt.Fprint(sys.Err, edit.Diff())
		ok, err := confirm(ctx, sys, o.Yes, "Write app_uuid into manifest.json?", &ProblemsError{Msg: "pass --yes to write app_uuid into manifest.json"})
		if err != nil {
			return err
		}
		if !ok {
			return &ProblemsError{Msg: "app_uuid not written"}
		}
		if err := edit.Write(); err != nil {
			return err
		}
		out.AppUUIDWritten = true
		if !o.NoPush {
			if _, err := pullrequest.FindRoot(ws.info.Dir); err != nil {
				return &UsageError{Msg: err.Error()}
			}
			branch := st.PullRequestBranch // "" → the default, <integration>-oauth
			fmt.Fprintf(sys.Err, "Pushing the app_uuid commit to the pull request (branch %s):\n", orWord(branch, "the default"))
			quiet := *sys
			quiet.Out = sys.Err // the result document stays the only thing on stdout
			if err := RunPR(ctx, &quiet, PROptions{Path: ws.info.Dir, Integration: ws.name, BaseRepo: "DataDog/integrations-extras", Branch: branch, Yes: true, GitHubAPIURL: o.GitHubAPIURL, Sandbox: o.Sandbox}); err != nil {
				return err
			}
		}
	}
	if fresh, err := session.Load(secrets.StateDir(), ws.name); err == nil {
		st = fresh
	}
	out.PullRequest = st.PullRequestURL
	if out.PullRequest != "" {
		fmt.Fprintf(sys.Err, "Paste this link into the publishing form: %s\n", out.PullRequest)
	}

	if o.Retest {
		fmt.Fprintf(sys.Err, "Re-testing the published client on %s: sign in to an org that is NOT your sandbox org (a customer or trial org).\n", strings.Join(sites, ", "))
		out.Retest = map[string]string{}
		for _, site := range sites {
			var buf strings.Builder
			quiet := *sys
			quiet.Out = &buf
			quiet.Store = func(func(string)) secrets.Store { return ws.store }
			err := RunAuthorize(ctx, &quiet, AuthorizeOptions{
				ClientFlags: ClientFlags{Site: site, ClientID: out.ClientID, Kind: "published", Integration: ws.name, Dir: o.Dir, Sandbox: o.Sandbox, JSON: true},
				Timeout:     o.Timeout, NoBrowser: !sys.CanOpenBrowser, Start: "authorize"})
			if err != nil {
				out.Retest[site] = "failed: " + err.Error()
				continue
			}
			var a AuthorizeJSON
			json.Unmarshal([]byte(buf.String()), &a)
			out.Retest[site] = "authorized as " + a.Org
			err = session.Update(secrets.StateDir(), ws.name, func(st *session.State) error {
				st.SetPublishedTest(site, sys.Now().UTC())
				return nil
			})
			if err != nil {
				fmt.Fprintln(sys.Err, "warning: the re-test could not be recorded:", err)
			}
		}
	}
	if o.JSON {
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

func prLinkHint(url string) string {
	if url == "" {
		return " (run 'oauthwiz pr' first)"
	}
	return ": " + url
}
