package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/oauthwiz/oauthwiz/flows/integration"
	"github.com/oauthwiz/oauthwiz/flows/journey"
	"github.com/oauthwiz/oauthwiz/flows/pullrequest"
	"github.com/oauthwiz/oauthwiz/flows/secrets"
	"github.com/oauthwiz/oauthwiz/flows/words"
)

// PROptions is `oauthwiz pr`.
type PROptions struct {
	Path         string
	Integration  string
	BaseRepo     string
	BaseBranch   string
	ForkRemote   string
	Branch       string
	Title        string
	Draft        bool
	DryRun       bool
	NoPush       bool
	GitHubAPIURL string
	Sandbox      string
	Yes          bool
	JSON         bool
	Force        string
	CodeOwners   string
	CloneInto    string
	Rebase       bool
	// standInToken is the sandbox's GitHub stand-in token, when the pull
	// request goes to the stand-in (--sandbox): the user's own token is
	// not sent there.
	standInToken string
}

// githubToken is the token for the pull request's GitHub.
func (o PROptions) githubToken(sys *IO, store secrets.Store) (string, error) {
	if o.standInToken != "" {
		return o.standInToken, nil
	}
	return githubToken(sys, store)
}

// githubTokenKey is where the GitHub token is kept in the secrets store.
const githubTokenKey = "github/token"

func runPRCmd(ctx context.Context, sys *IO, args []string) error {
	var o PROptions
	f := newFlags(sys, "pr", "pr [INTEGRATION_PATH] [flags]")
	f.String(&o.Integration, "integration", "", "integration name that keys stored secrets (default: the folder's app_id or name)")
	f.String(&o.BaseRepo, "base-repo", "DataDog/integrations-extras", "repository the pull request goes to (DataDog/marketplace for Marketplace tiles)")
	f.String(&o.BaseBranch, "base-branch", "", "branch the pull request targets (default: the base repository's default branch)")
	f.String(&o.ForkRemote, "fork-remote", "", "push to this URL instead of your GitHub fork")
	f.String(&o.Branch, "branch", "", "branch to create (default: <integration>-oauth)")
	f.String(&o.Title, "title", "", "pull request title (default: [<Tile title>] Add OAuth client)")
	f.Bool(&o.Draft, "draft", false, "open the pull request as a draft")
	f.Bool(&o.DryRun, "dry-run", false, "print the diff, the push target and the body; change nothing")
	f.Bool(&o.NoPush, "no-push", false, "create the branch and the commit only")
	f.String(&o.GitHubAPIURL, "github-api-url", "", "GitHub API URL (GitHub Enterprise, tests; default: the sandbox's GitHub stand-in with --sandbox)")
	f.String(&o.Sandbox, "sandbox", "", "control URL of an oauthwiz sandbox started with --github")
	f.Bool(&o.Yes, "yes", false, "commit, push and open the pull request without asking")
	f.Bool(&o.JSON, "json", false, "print one JSON document on stdout")
	f.String(&o.CodeOwners, "codeowners", "", "for a new integration: owners (GitHub handles or emails) of its /<integration>/ line in .github/CODEOWNERS (default: the manifest's author.support_email)")
	f.Bool(&o.Rebase, "rebase", false, "when the fork's branch has commits this one lacks, put the change on top of them without asking")
	f.String(&o.CloneInto, "clone-into", "", "when the integration is not in a clone: clone your fork there (shallow, one branch) and copy the integration in")
	f.String(&o.Force, "force", "", "push despite check errors; the REASON is written in the PR body (a secret in the change always stops)")
	if err := f.parse(args); err != nil {
		return err
	}
	o.Path = "."
	if f.NArg() == 1 {
		o.Path = f.Arg(0)
	} else if f.NArg() > 1 {
		return usagef("pr takes one INTEGRATION_PATH")
	}
	return RunPR(ctx, sys, o)
}

// RunPR is the work of `oauthwiz pr`.
func RunPR(ctx context.Context, sys *IO, o PROptions) error {
	jw, err := prWorkspace(ctx, sys, &o)
	if err != nil {
		return err
	}
	store := jw.Store
	req := journey.PRRequest{
		BaseRepo: o.BaseRepo, BaseBranch: o.BaseBranch, Branch: o.Branch, Title: o.Title,
		Draft: o.Draft, NoPush: o.NoPush, ForceReason: o.Force, ForkRemote: o.ForkRemote, CodeOwners: o.CodeOwners,
		Rebase: func(branch string) bool {
			ok, _ := confirm(ctx, sys, o.Rebase, "The fork's "+branch+" has commits this branch lacks. Put your change on top of them and push?", nil)
			return ok
		},
	}

	// First the plan: what would be committed, where, with which body.
	plan, err := jw.PlanPR(ctx, req)
	if err != nil {
		return prError(sys, o.JSON, err)
	}
	if o.DryRun || (!o.Yes && !o.JSON) {
		printPlan(sys.Out, plan)
	} else {
		warnOthers(sys.Err, plan)
	}
	if o.DryRun {
		return nil
	}
	ok, err := confirm(ctx, sys, o.Yes, "Commit, push and open the pull request?", &ProblemsError{Msg: "pass --yes to commit, push and open the pull request"})
	if err != nil {
		return err
	}
	if !ok {
		fmt.Fprintln(sys.Err, "Nothing done.")
		return nil
	}
	if !o.NoPush {
		token, err := o.githubToken(sys, store)
		if err != nil {
			return err
		}
		if req.GitHub, err = pullrequest.NewGitHub(sys.HTTPClient, o.GitHubAPIURL, token); err != nil {
			return &UsageError{Msg: err.Error(), Err: err}
		}
		req.Auth = gitAuth(sys, token, o.GitHubAPIURL)
	}
	req.Progress = func(stage string) { fmt.Fprintln(sys.Err, stage) }
	res, err := jw.OpenPR(ctx, req, plan) // exactly what was shown, or nothing
	var unsaved *journey.RecordError
	switch {
	case errors.As(err, &unsaved):
		fmt.Fprintln(sys.Err, "warning:", err)
	case err != nil:
		return prError(sys, o.JSON, err)
	}
	if res.Checkout != "" {
		fmt.Fprintln(sys.Err, strings.ToUpper(res.Checkout[:1])+res.Checkout[1:]+".")
	}
	if o.JSON {
		return json.NewEncoder(sys.Out).Encode(res)
	}
	fmt.Fprintf(sys.Out, "Committed %s on %s (%d files).\n", short(res.Commit), res.Branch, len(res.Files))
	if res.PushedTo != "" {
		fmt.Fprintf(sys.Out, "Pushed to %s.\n", res.PushedTo)
	}
	if pr := res.PullRequest; pr != nil {
		fmt.Fprintf(sys.Out, "Pull request #%d %s: %s\n", pr.Number, pr.Action, pr.URL)
	}
	return nil
}

func short(h string) string {
	if len(h) > 10 {
		return h[:10]
	}
	return h
}

// prWorkspace is the integration the pull request is for: its folder (in a
// clone of the fork, cloned first with --clone-into) and the GitHub to talk
// to (the sandbox's stand-in with --sandbox).
func prWorkspace(ctx context.Context, sys *IO, o *PROptions) (*journey.Workspace, error) {
	info, err := integration.Load(o.Path)
	if err != nil {
		return nil, &UsageError{Msg: err.Error(), Err: err}
	}
	if !info.HasManifest {
		return nil, usagef("%s has no manifest.json: give the integration's folder", o.Path)
	}
	name := o.Integration
	if name == "" {
		name = info.Name
	}
	store := sys.Store(func(w string) { fmt.Fprintln(sys.Err, w) })
	if o.Sandbox != "" {
		_, d, err := provider(ctx, sys, o.Sandbox)
		if err != nil {
			return nil, err
		}
		switch {
		case o.GitHubAPIURL == "" && d.GitHubURL == "":
			return nil, usagef("--sandbox %s has no GitHub stand-in: start it with 'oauthwiz sandbox --github'", o.Sandbox)
		case o.GitHubAPIURL == "":
			o.GitHubAPIURL = d.GitHubURL
		}
		o.standInToken, _ = d.GitHubTokenFor(o.GitHubAPIURL) // the stand-in's, never the user's
	}
	if _, err := pullrequest.FindRoot(info.Dir); err != nil {
		dir, cerr := cloneForPR(ctx, sys, store, *o, info.Dir)
		if cerr != nil {
			return nil, cerr
		}
		if info, err = integration.Load(dir); err != nil {
			return nil, &UsageError{Msg: err.Error(), Err: err}
		}
	}
	return &journey.Workspace{Getenv: sys.Getenv, Store: store, StateDir: sys.stateDir(), Integration: name, Info: info, Now: sys.Now}, nil
}

// printPlan shows what pr would push: the base, the branch, the commits,
// the commits that stay behind, the diff and the body.
func printPlan(w io.Writer, res *pullrequest.Result) {
	fmt.Fprint(w, res.Diff)
	fmt.Fprintf(w, "\nPull request on %s: branch %s from %s, pushed to %s\n", res.BaseRepo, res.Branch, res.Base, res.PushedTo)
	if res.Checkout != "" {
		fmt.Fprintln(w, strings.ToUpper(res.Checkout[:1])+res.Checkout[1:]+".")
	}
	fmt.Fprintf(w, "Commits to push (%d):\n", len(res.Commits))
	for _, c := range res.Commits {
		fmt.Fprintf(w, "  %s %s (%d files)\n", short(c.Hash), c.Subject, len(c.Files))
	}
	warnOthers(w, res)
	fmt.Fprintf(w, "\nPull request body:\n\n%s\n", res.Body)
}

// warnOthers names the checked-out branch's commits that are not pushed.
func warnOthers(w io.Writer, res *pullrequest.Result) {
	if len(res.OtherCommits) == 0 {
		return
	}
	fmt.Fprintf(w, "Not pushed: your checked-out branch has %s that %s not on %s; the pull request branch leaves them out:\n", words.Count(len(res.OtherCommits), "commit"), words.IsAre(len(res.OtherCommits)), res.Base)
	for _, c := range res.OtherCommits {
		fmt.Fprintf(w, "  %s %s (%s)\n", short(c.Hash), c.Subject, strings.Join(c.Files, ", "))
	}
}

// gitAuth is the token for git over HTTPS, held to the GitHub host that
// issued it.
func gitAuth(sys *IO, token, apiURL string) pullrequest.GitAuth {
	a := pullrequest.NewGitAuth(token, apiURL)
	a.HTTPClient = sys.HTTPClient
	a.Notice = func(s string) { fmt.Fprintln(sys.Err, "note:", s) }
	return a
}

// prError maps a pull request error to the exit code and, for a refusal,
// prints why: the files, lines (values masked) and rules on stderr, and with
// --json a {"blocked": …} document on stdout.
func prError(sys *IO, asJSON bool, err error) error {
	var blocked *pullrequest.BlockedError
	if errors.As(err, &blocked) {
		fmt.Fprintln(sys.Err, "oauthwiz: "+blocked.Error())
		switch blocked.Reason {
		case "checks":
			fmt.Fprintln(sys.Err, "Fix them with 'oauthwiz fix readme|manifest', or push anyway with --force REASON (the PR body states it).")
		case "foreign-commits":
			fmt.Fprintln(sys.Err, "Start a clean branch from the base with --branch NEW-NAME.")
		}
		if asJSON {
			json.NewEncoder(sys.Out).Encode(map[string]any{"blocked": blocked})
		}
		return &ProblemsError{Msg: blocked.Error()}
	}
	switch {
	case errors.Is(err, pullrequest.ErrNothingToCommit):
		return &UsageError{Msg: err.Error(), Err: err}
	case errors.Is(err, pullrequest.ErrPushRejected), errors.Is(err, pullrequest.ErrPushFailed):
		return &RemoteError{Err: err}
	}
	if strings.Contains(err.Error(), "GitHub") {
		return &RemoteError{Err: err}
	}
	return &UsageError{Msg: err.Error(), Err: err}
}

// githubToken: GH_TOKEN or GITHUB_TOKEN, else the keyring, else a masked
// prompt (kept in the keyring).
func githubToken(sys *IO, store secrets.Store) (string, error) {
	for _, v := range []string{"GH_TOKEN", "GITHUB_TOKEN"} {
		if t := sys.Getenv(v); t != "" {
			return t, nil
		}
	}
	if t, err := store.Get(githubTokenKey); err == nil && t != "" {
		return t, nil
	}
	if !sys.Interactive || sys.ReadSecret == nil {
		return "", usagef("no GitHub token: set GH_TOKEN or GITHUB_TOKEN (a token with the repo or public_repo scope)")
	}
	t, err := sys.ReadSecret("GitHub token (repo or public_repo scope; input hidden): ")
	if err != nil || t == "" {
		return "", usagef("no GitHub token entered")
	}
	if err := store.Set(githubTokenKey, t); err != nil {
		fmt.Fprintln(sys.Err, "warning: the GitHub token could not be stored:", err)
	}
	return t, nil
}

// cloneForPR clones the user's fork shallowly into --clone-into (after they
// confirm) and copies the integration into it; it returns the copy's folder.
func cloneForPR(ctx context.Context, sys *IO, store secrets.Store, o PROptions, src string) (string, error) {
	if o.CloneInto == "" || o.DryRun {
		return "", usagef("%s is not inside a git clone of your fork: clone it and move the integration there, or pass --clone-into DIR to let oauthwiz clone it (shallow, one branch)", src)
	}
	ok, err := confirm(ctx, sys, o.Yes, fmt.Sprintf("Clone your fork of %s into %s and copy %s there?", o.BaseRepo, o.CloneInto, filepath.Base(src)),
		usagef("--clone-into %s: pass --yes to confirm the clone (no terminal to ask on)", o.CloneInto))
	if err != nil {
		return "", err
	}
	if !ok {
		return "", ErrCancelled
	}
	token, err := o.githubToken(sys, store)
	if err != nil {
		return "", err
	}
	gh, err := pullrequest.NewGitHub(sys.HTTPClient, o.GitHubAPIURL, token)
	if err != nil {
		return "", &UsageError{Msg: err.Error(), Err: err}
	}
	dst, err := journey.CloneFork(ctx, journey.CloneRequest{BaseRepo: o.BaseRepo, BaseBranch: o.BaseBranch, ForkRemote: o.ForkRemote, Into: o.CloneInto,
		GitHub: gh, Auth: gitAuth(sys, token, o.GitHubAPIURL),
		Cloning: func(what, branch, into string) {
			fmt.Fprintf(sys.Err, "Cloning %s (%s, shallow) into %s…\n", what, branch, into)
		}}, src)
	if err != nil {
		return "", &RemoteError{Err: err}
	}
	return dst, nil
}

// githubTokenQuiet is the token from the environment or the keyring, without
// prompting ("" when there is none): the wizard asks in its own way.
func githubTokenQuiet(sys *IO, store secrets.Store) string {
	for _, v := range []string{"GH_TOKEN", "GITHUB_TOKEN"} {
		if t := sys.Getenv(v); t != "" {
			return t
		}
	}
	t, _ := store.Get(githubTokenKey)
	return t
}
