package pullrequest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/oauthwiz/oauthwiz/flows/inputs"
	"github.com/oauthwiz/oauthwiz/flows/readme"
	"github.com/oauthwiz/oauthwiz/flows/secrets"
	"github.com/oauthwiz/oauthwiz/flows/textdiff"
)

// Options of a pull request run.
type Options struct {
	IntegrationDir string
	BaseRepo       string // owner/name
	BaseBranch     string // "" → the base repository's default branch
	Branch         string // "" → <integration>-oauth
	Title          string // "" → [<Tile title>] Add OAuth client (an open PR keeps its own)
	Draft          bool
	DryRun         bool // show the diff, the push target and the body; change nothing
	NoPush         bool // branch and commit only
	ForceReason    string
	ForkRemote     string // a remote of the clone, or a URL: push there instead of the fork GitHub reports
	CodeOwners     string // for a new integration: the owners to add as "/<integration>/ <owners>" in .github/CODEOWNERS
	GitHub         *GitHub
	Auth           GitAuth // the token for the push, and where it may go
	KnownSecrets   []string
	Evidence       Evidence
	// Gate runs the pre-submission checks before anything is committed;
	// nil refuses the run, since nothing would have judged the files.
	Gate   Gate
	Author *object.Signature // nil → the git identity (user.name, user.email)
	// Planned is the plan the user saw (Result.Plan of the dry run): the run
	// stops if the files or the branch changed since.
	Planned string
	// Rebase is asked when the fork's branch has commits this one lacks; true
	// puts the change on top of them (RebaseOnto) instead of stopping.
	Rebase func(branch string) bool
	// Getenv is the environment as the caller has it (see CommitOptions).
	Getenv func(string) string
	// Progress hears each stage of a real run (commit, push, pull request)
	// and the fork's own progress lines while it takes the push.
	Progress func(stage string)
}

// Result of a run.
type Result struct {
	// BaseRepo is the repository the pull request is opened on.
	BaseRepo    string       `json:"base_repo"`
	Branch      string       `json:"branch"`
	Base        string       `json:"base"`
	Commit      string       `json:"commit"`
	PushedTo    string       `json:"pushed_to"`
	PullRequest *PR          `json:"pull_request"`
	Files       []string     `json:"files"`
	Commits     []CommitInfo `json:"commits"`
	// OtherCommits are on the checked-out branch but not pushed.
	OtherCommits []CommitInfo `json:"other_commits,omitempty"`
	Checkout     string       `json:"checkout,omitempty"`
	Plan         string       `json:"-"` // what was planned: tree and parent (see CommitResult.Plan)
	Body         string       `json:"-"`
	Diff         string       `json:"-"`
}

// Finding is what a pre-submission check found, as the gate reports it.
type Finding struct {
	Rule     string `json:"rule"`
	Severity string `json:"severity"` // SeverityError blocks the push
	File     string `json:"file"`     // relative to the integration folder
	Line     int    `json:"line"`
	Message  string `json:"message"`
	Fix      string `json:"fix"`
}

// SeverityError is a finding that stops the push (without a force reason).
const SeverityError = "error"

// Gate runs the pre-submission checks on an integration folder.
type Gate func(dir string) ([]Finding, error)

// Typed stops, so callers can map them to exit codes and advice.
var (
	ErrChecksFailed   = errors.New("pre-submission checks found errors")
	ErrSecretInDiff   = errors.New("a secret is in the change")
	ErrForeignCommits = errors.New("the branch carries changes outside the integration")
)

// SecretFinding is a secret found in a file that would be pushed: where,
// which rule, and the value masked.
type SecretFinding struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Rule   string `json:"rule"`
	Masked string `json:"masked"`
	Commit string `json:"commit"`
}

// BlockedError is a refusal to commit or push, with everything that caused it.
type BlockedError struct {
	Reason  string          `json:"reason"` // secrets, checks or foreign-commits
	Secrets []SecretFinding `json:"secrets,omitempty"`
	Checks  []Finding       `json:"checks,omitempty"`
	Foreign []CommitInfo    `json:"commits,omitempty"`
}

func (e *BlockedError) Unwrap() error {
	switch e.Reason {
	case "secrets":
		return ErrSecretInDiff
	case "checks":
		return ErrChecksFailed
	}
	return ErrForeignCommits
}

func (e *BlockedError) Error() string {
	var b strings.Builder
	switch e.Reason {
	case "secrets":
		fmt.Fprintf(&b, "%v, nothing was committed or pushed: remove it, rotate it, and run again:", ErrSecretInDiff)
		for _, s := range e.Secrets {
			fmt.Fprintf(&b, "\n  %s:%d  %s  (%s, commit %s)", s.File, s.Line, s.Masked, s.Rule, short(s.Commit))
		}
	case "checks":
		fmt.Fprintf(&b, "%v (%d): fix them, or push anyway with a reason, which the PR body states:", ErrChecksFailed, len(e.Checks))
		for _, f := range e.Checks {
			fmt.Fprintf(&b, "\n  %s:%d  %s  %s", f.File, f.Line, f.Rule, f.Message)
		}
	default:
		fmt.Fprintf(&b, "%v; nothing was pushed. A pull request branch holds the integration's folder (and its CODEOWNERS line) only; these commits change other files:", ErrForeignCommits)
		for _, c := range e.Foreign {
			fmt.Fprintf(&b, "\n  %s %s: %s", short(c.Hash), c.Subject, strings.Join(c.Files, ", "))
		}
		b.WriteString("\nName a new branch to start a clean one from the base, or remove those commits from the branch.")
	}
	return b.String()
}

func short(h string) string {
	if len(h) > 10 {
		return h[:10]
	}
	return h
}

// Run checks, commits, scans, pushes and opens or updates the pull request.
func Run(ctx context.Context, o Options) (*Result, error) {
	dir, err := filepath.Abs(o.IntegrationDir)
	if err != nil {
		return nil, err
	}
	root, err := FindRoot(dir)
	if err != nil {
		return nil, err
	}
	rel, err := filepath.Rel(root, dir)
	if err != nil || rel == "." || strings.HasPrefix(rel, "..") {
		return nil, fmt.Errorf("%s is not an integration folder inside the clone %s", dir, root)
	}
	rel = filepath.ToSlash(rel)
	owner, repo, ok := strings.Cut(o.BaseRepo, "/")
	if !ok || owner == "" || repo == "" {
		return nil, inputs.Errorf(inputs.BaseRepo, nil, fmt.Sprintf("base repository %q: use owner/name, e.g. DataDog/integrations-extras", o.BaseRepo))
	}
	branch := o.Branch
	if branch == "" {
		branch = filepath.Base(dir) + "-oauth"
	}
	if err := ValidateBranch(branch); err != nil {
		return nil, err
	}
	tileTitle := readme.TileTitle(dir)
	title := o.Title
	if title == "" {
		title = "[" + tileTitle + "] Add OAuth client"
	}
	author := o.Author
	if author == nil {
		if author, err = gitIdentity(root); err != nil {
			return nil, err
		}
	}
	copts := CommitOptions{Root: root, Dir: rel, BaseBranch: o.BaseBranch, Branch: branch, Message: title, Author: *author,
		CodeOwners: o.CodeOwners, DryRun: true, Planned: o.Planned, Getenv: o.Getenv}
	plan, err := Commit(copts)
	if err != nil {
		return nil, err
	}
	// Every file of every commit that would be pushed is scanned before
	// anything is written or sent.
	if err := scan(plan.Commits, o.KnownSecrets, root); err != nil {
		return nil, err
	}
	if o.Gate == nil {
		return nil, errors.New("no pre-submission checks were given to judge the files")
	}
	findings, err := o.Gate(dir)
	if err != nil {
		return nil, err
	}
	findings = pushedOnly(findings, rel, plan)
	var errs []Finding
	for _, f := range findings {
		if f.Severity == SeverityError {
			errs = append(errs, f)
		}
	}
	if len(errs) > 0 && o.ForceReason == "" {
		return nil, &BlockedError{Reason: "checks", Checks: errs}
	}

	base := o.BaseBranch
	if base == "" && !o.DryRun && !o.NoPush && o.GitHub != nil {
		// The pull request targets the base repository's default branch:
		// the branch starts from it too.
		if base, err = o.GitHub.DefaultBranch(ctx, owner, repo); err != nil {
			return nil, err
		}
		if _, guessed, _ := strings.Cut(plan.Base, "/"); guessed != base {
			copts.BaseBranch = base
			if plan, err = Commit(copts); err != nil {
				return nil, err
			}
			if err := scan(plan.Commits, o.KnownSecrets, root); err != nil {
				return nil, err
			}
		}
	}
	res := &Result{BaseRepo: o.BaseRepo, Branch: branch, Base: plan.Base, Plan: plan.Plan(), OtherCommits: plan.Others, Checkout: plan.Checkout}
	ev := o.Evidence
	ev.Title, ev.Integration, ev.Findings, ev.ForceReason = tileTitle, rel, findings, o.ForceReason
	var diff strings.Builder
	for _, c := range plan.Changes {
		res.Files = append(res.Files, c.Path)
		ev.ChangedFiles = append(ev.ChangedFiles, c.Path+" ("+c.Action+")")
		if strings.HasSuffix(c.Path, "/README.md") && strings.Contains(string(c.After), readme.UninstallHeading) && !strings.Contains(string(c.Before), readme.UninstallHeading) {
			ev.Uninstallation = true
		}
		diff.WriteString(textdiff.Unified("a/"+c.Path, "b/"+c.Path, string(c.Before), string(c.After)))
	}
	for _, c := range plan.Commits {
		res.Commits = append(res.Commits, c.CommitInfo)
	}
	template, _ := os.ReadFile(filepath.Join(root, ".github", "PULL_REQUEST_TEMPLATE.md"))
	res.Body, res.Diff = Body(string(template), ev), diff.String()
	if o.DryRun {
		res.PushedTo = "(dry run) your fork of " + o.BaseRepo + ", branch " + branch
		if o.ForkRemote != "" {
			res.PushedTo = "(dry run) " + redact(o.ForkRemote) + ", branch " + branch
		}
		return res, nil
	}
	progress := func(format string, args ...any) {
		if o.Progress != nil {
			o.Progress(fmt.Sprintf(format, args...))
		}
	}
	copts.BaseBranch, copts.DryRun, copts.Planned = base, false, plan.Plan()
	progress("Committing %s on branch %s…", rel, branch)
	done, err := Commit(copts)
	if err != nil {
		return nil, err
	}
	res.Commit, res.Checkout = done.Hash.String(), done.Checkout
	if o.NoPush {
		return res, nil
	}
	if o.GitHub == nil {
		return res, errors.New("no GitHub client: set GH_TOKEN or GITHUB_TOKEN")
	}
	login, err := o.GitHub.Login(ctx)
	if err != nil {
		return res, err
	}
	target, err := RemoteURL(root, o.ForkRemote)
	if err != nil {
		return res, err
	}
	if target == "" {
		fork, _, err := o.GitHub.Fork(ctx, owner, repo, login)
		if err != nil {
			return res, err
		}
		target = fork.GetCloneURL()
	}
	progress("Pushing %s to %s…", pushSize(done.Commits), redact(target))
	remote := lineWriter(func(l string) { progress("%s", l) })
	// A fork that GitHub is still copying refuses pushes for a moment.
	for attempt := 0; ; attempt++ {
		err = Push(ctx, root, target, branch, o.Auth, remote)
		if err == nil || errors.Is(err, ErrPushRejected) || attempt == 3 || !strings.Contains(err.Error(), "not found") {
			break
		}
		pause := time.Duration(attempt+1) * 2 * time.Second
		progress("The fork is not there yet (GitHub copies a new fork in the background); pushing again in %s…", pause)
		if werr := o.GitHub.Wait(ctx, pause); werr != nil {
			return res, werr
		}
	}
	if errors.Is(err, ErrPushRejected) && o.Rebase != nil && o.Rebase(branch) {
		var rebased *RebaseResult
		if rebased, err = RebaseOnto(ctx, root, target, branch, rel, title, *author, o.Auth); err == nil {
			if err = scan(rebased.Commits, o.KnownSecrets, root); err == nil {
				err = rebased.Push(ctx)
			}
			res.Commit = rebased.Hash.String() + " (rebased on the fork's " + branch + ")"
		}
	}
	if err != nil {
		return res, err
	}
	res.PushedTo = redact(target)
	if base == "" {
		if base, err = o.GitHub.DefaultBranch(ctx, owner, repo); err != nil {
			return res, err
		}
	}
	progress("Opening the pull request on %s…", o.BaseRepo)
	keepTitle := o.Title == ""
	res.PullRequest, res.Body, err = o.GitHub.OpenOrUpdate(ctx, owner, repo, login, branch, base, title, res.Body, o.Draft, keepTitle)
	return res, err
}

// scan looks for secrets in every file every commit changes.
// The allowlist at the clone's root is honoured as the checks honour it.
func scan(commits []PushedCommit, known []string, root string) error {
	allow, _ := secrets.LoadAllowlist(root)
	var hits []SecretFinding
	for _, c := range commits {
		for _, ch := range c.Changes {
			for _, h := range secrets.Scan(ch.After, known) {
				if !h.Known && secrets.InFixture(ch.Path) {
					continue // a dummy in test data: check reports it as a warning
				}
				if _, ok := allow.Allows(ch.Path, h); ok {
					continue
				}
				hits = append(hits, SecretFinding{File: ch.Path, Line: h.Line, Rule: h.Rule, Masked: h.Masked, Commit: c.Hash})
			}
		}
	}
	if len(hits) > 0 {
		return &BlockedError{Reason: "secrets", Secrets: hits}
	}
	return nil
}

// pushedOnly drops the checks' secret findings in files git ignores: they
// are not pushed, and the scan of what is pushed is the one that counts.
func pushedOnly(findings []Finding, rel string, plan *CommitResult) []Finding {
	inTree := map[string]bool{}
	for _, p := range plan.Folder {
		inTree[p] = true
	}
	addsOwners := false
	for _, c := range plan.Changes {
		addsOwners = addsOwners || c.Path == CodeOwnersPath
	}
	out := findings[:0:0]
	for _, f := range findings {
		if f.Rule == "secrets/found" && !inTree[rel+"/"+f.File] {
			continue
		}
		if f.Rule == "repo/codeowners-missing" && addsOwners {
			continue // this very commit adds the line
		}
		out = append(out, f)
	}
	return out
}

// gitIdentity reads user.name and user.email from the clone, then the user's
// global git configuration.
func gitIdentity(root string) (*object.Signature, error) {
	name, email := "", ""
	if repo, err := git.PlainOpen(root); err == nil {
		if c, err := repo.ConfigScoped(config.SystemScope); err == nil {
			name, email = c.User.Name, c.User.Email
		}
	}
	if name == "" || email == "" {
		return nil, errors.New("no git identity: set it with 'git config --global user.name \"Your Name\"' and 'git config --global user.email you@example.com'")
	}
	return &object.Signature{Name: name, Email: email, When: time.Now()}, nil
}
