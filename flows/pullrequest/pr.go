package pullrequest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	udiff "github.com/aymanbagabas/go-udiff"
	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/oauthwiz/oauthwiz/checks"
	"github.com/oauthwiz/oauthwiz/flows/readme"
)

// Options of a pull request run.
type Options struct {
	IntegrationDir string
	BaseRepo       string // owner/name
	BaseBranch     string // "" → the base repository's default branch
	Branch         string // "" → <integration>-oauth
	Title          string // "" → [<Tile title>] Add OAuth client
	Draft          bool
	DryRun         bool // show the diff, the push target and the body; change nothing
	NoPush         bool // branch and commit only
	ForceReason    string
	ForkRemote     string // a remote of the clone, or a URL: push there instead of the fork GitHub reports
	CodeOwners     string // for a new integration: the owners to add as "/<integration>/ <owners>" in .github/CODEOWNERS
	GitHub         *GitHub
	Token          string // for the HTTPS push; never written anywhere
	KnownSecrets   []string
	Evidence       Evidence
	CheckOptions   checks.Options
	Author         *object.Signature // nil → the git identity (user.name, user.email)
	// Rebase is asked when the fork's branch has commits this one lacks; true
	// puts the change on top of them (RebaseOnto) instead of stopping.
	Rebase func(branch string) bool
}

// Result of a run.
type Result struct {
	Branch      string   `json:"branch"`
	Commit      string   `json:"commit"`
	PushedTo    string   `json:"pushed_to"`
	PullRequest *PR      `json:"pull_request"`
	Files       []string `json:"files"`
	Body        string   `json:"-"`
	Diff        string   `json:"-"`
}

// Typed stops, so callers can map them to exit codes and advice.
var (
	ErrChecksFailed = errors.New("pre-submission checks found errors")
	ErrSecretInDiff = errors.New("a secret is in the change")
)

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
	name := filepath.Base(dir)
	owner, repo, ok := strings.Cut(o.BaseRepo, "/")
	if !ok || owner == "" || repo == "" {
		return nil, fmt.Errorf("--base-repo %q: use owner/name, e.g. DataDog/integrations-extras", o.BaseRepo)
	}

	branch := o.Branch
	if branch == "" {
		branch = name + "-oauth"
	}
	title := o.Title
	tileTitle := readme.TileTitle(dir)
	if title == "" {
		title = "[" + tileTitle + "] Add OAuth client"
	}
	author := o.Author
	if author == nil {
		if author, err = gitIdentity(root); err != nil {
			return nil, err
		}
	}
	copts := CommitOptions{Root: root, Dirs: []string{rel}, Branch: branch, Message: title, Author: *author, DryRun: true}
	if o.CodeOwners != "" {
		owners, err := codeOwners(root, rel, o.CodeOwners)
		if err != nil {
			return nil, err
		}
		if owners != nil {
			copts.Files = map[string][]byte{".github/CODEOWNERS": owners}
		}
	}
	plan, err := Commit(copts)
	// Nothing new, on the branch already: an earlier run committed and then
	// failed to push or to open the pull request; carry on from its commit.
	resume := false
	if errors.Is(err, ErrNothingToCommit) {
		if cur, _ := CurrentBranch(root); cur == branch {
			resume, err = true, nil
			plan = &CommitResult{Branch: branch, Changes: headChanges(root, []string{rel}, []string{".github/CODEOWNERS"}, o.BaseBranch)}
		}
	}
	if err != nil {
		return nil, err
	}
	// Every change is scanned before anything is written or pushed.
	var hits []string
	for _, c := range plan.Changes {
		for _, h := range checks.SecretHits(c.After, o.KnownSecrets) {
			hits = append(hits, fmt.Sprintf("%s:%d %s", c.Path, h.Line, h.Masked))
		}
	}
	if len(hits) > 0 {
		return nil, fmt.Errorf("%w, nothing was committed or pushed: remove it, rotate it, and run again:\n  %s", ErrSecretInDiff, strings.Join(hits, "\n  "))
	}

	findings, err := checks.Integration(dir, o.CheckOptions)
	if err != nil {
		return nil, err
	}
	var errs []string
	for _, f := range findings {
		if f.Severity == checks.Error {
			errs = append(errs, fmt.Sprintf("%s %s:%d %s", f.Rule, f.File, f.Line, f.Message))
		}
	}
	if len(errs) > 0 && o.ForceReason == "" {
		return nil, fmt.Errorf("%w (%d): fix them ('oauthwiz fix readme|manifest') or pass --force with a reason for the PR body:\n  %s", ErrChecksFailed, len(errs), strings.Join(errs, "\n  "))
	}

	res := &Result{Branch: branch}
	ev := o.Evidence
	ev.Title, ev.Integration, ev.Findings, ev.ForceReason = tileTitle, rel, findings, o.ForceReason
	var diff strings.Builder
	for _, c := range plan.Changes {
		res.Files = append(res.Files, c.Path)
		ev.ChangedFiles = append(ev.ChangedFiles, c.Path+" ("+c.Action+")")
		if strings.HasSuffix(c.Path, "/README.md") && strings.Contains(string(c.After), readme.UninstallHeading) && !strings.Contains(string(c.Before), readme.UninstallHeading) {
			ev.Uninstallation = true
		}
		diff.WriteString(udiff.Unified("a/"+c.Path, "b/"+c.Path, string(c.Before), string(c.After)))
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
	if resume {
		head, err := headHash(root)
		if err != nil {
			return nil, err
		}
		res.Commit = head
	} else {
		copts.DryRun = false
		done, err := Commit(copts)
		if err != nil {
			return nil, err
		}
		res.Commit = done.Hash.String()
	}
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
	// A fork that GitHub is still copying refuses pushes for a moment.
	for attempt := 0; ; attempt++ {
		err = Push(ctx, root, target, branch, TokenAuth(o.Token))
		if err == nil || errors.Is(err, ErrPushRejected) || attempt == 3 || !strings.Contains(err.Error(), "not found") {
			break
		}
		if werr := o.GitHub.Wait(ctx, time.Duration(attempt+1)*2*time.Second); werr != nil {
			return res, werr
		}
	}
	if errors.Is(err, ErrPushRejected) && o.Rebase != nil && o.Rebase(branch) {
		var h plumbing.Hash
		if h, err = RebaseOnto(ctx, root, target, branch, []string{rel}, title, *author, TokenAuth(o.Token)); err == nil {
			res.Commit = h.String() + " (rebased on the fork's " + branch + ")"
		}
	}
	if err != nil {
		return res, err
	}
	res.PushedTo = redact(target)
	base := o.BaseBranch
	if base == "" {
		if base, err = o.GitHub.DefaultBranch(ctx, owner, repo); err != nil {
			return res, err
		}
	}
	res.PullRequest, err = o.GitHub.OpenOrUpdate(ctx, owner, repo, login, branch, base, title, res.Body, o.Draft)
	return res, err
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

// codeOwners returns .github/CODEOWNERS with a "/<integration>/ <owners>"
// line added (nil when the integration already has one).
func codeOwners(root, rel, owners string) ([]byte, error) {
	p := filepath.Join(root, ".github", "CODEOWNERS")
	b, err := os.ReadFile(p)
	if err != nil && !os.IsNotExist(err) {
		return nil, err
	}
	prefix := "/" + rel + "/"
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) > 0 && f[0] == prefix {
			return nil, nil
		}
	}
	out := string(b)
	if out != "" && !strings.HasSuffix(out, "\n") {
		out += "\n"
	}
	return []byte(out + prefix + " " + strings.Join(strings.Fields(owners), " ") + "\n"), nil
}

func headHash(root string) (string, error) {
	repo, err := git.PlainOpen(root)
	if err != nil {
		return "", err
	}
	head, err := repo.Head()
	if err != nil {
		return "", err
	}
	return head.Hash().String(), nil
}

// headChanges lists what the branch's commits changed under the folders (and
// in extra paths such as .github/CODEOWNERS) since it left the base branch,
// so that a run resuming from earlier commits scans them and lists them in
// the body like new changes (commits made by hand included). Without a base
// branch to compare with, every file of the folders is listed.
func headChanges(root string, dirs, extra []string, baseBranch string) []Change {
	repo, err := git.PlainOpen(root)
	if err != nil {
		return nil
	}
	head, err := repo.Head()
	if err != nil {
		return nil
	}
	hc, err := repo.CommitObject(head.Hash())
	if err != nil {
		return nil
	}
	headTree, err := hc.Tree()
	if err != nil {
		return nil
	}
	wanted := func(p string) bool {
		for _, d := range dirs {
			if strings.HasPrefix(p, d+"/") {
				return true
			}
		}
		for _, e := range extra {
			if p == e {
				return true
			}
		}
		return false
	}
	if baseTree := mergeBaseTree(repo, hc, head.Name(), baseBranch); baseTree != nil {
		diffs, err := object.DiffTree(baseTree, headTree)
		if err == nil {
			var out []Change
			for _, d := range diffs {
				from, to, err := d.Files()
				if err != nil {
					continue
				}
				var ch Change
				switch {
				case from == nil && to != nil:
					ch = Change{Path: d.To.Name, Action: "added"}
				case to == nil && from != nil:
					ch = Change{Path: d.From.Name, Action: "deleted"}
				default:
					ch = Change{Path: d.To.Name, Action: "modified"}
				}
				if !wanted(ch.Path) {
					continue
				}
				if from != nil {
					if text, err := from.Contents(); err == nil {
						ch.Before = []byte(text)
					}
				}
				if to != nil {
					if text, err := to.Contents(); err == nil {
						ch.After = []byte(text)
					}
				}
				out = append(out, ch)
			}
			return out
		}
	}
	var out []Change
	for _, dir := range dirs {
		sub, err := headTree.Tree(dir)
		if err != nil {
			continue
		}
		sub.Files().ForEach(func(f *object.File) error {
			ch := Change{Path: dir + "/" + f.Name, Action: "committed earlier"}
			if text, err := f.Contents(); err == nil {
				ch.After = []byte(text)
			}
			out = append(out, ch)
			return nil
		})
	}
	return out
}

// mergeBaseTree is the tree of the commit where HEAD left the base branch,
// looked for locally and on the usual remotes; nil when there is none.
func mergeBaseTree(repo *git.Repository, head *object.Commit, headRef plumbing.ReferenceName, baseBranch string) *object.Tree {
	candidates := []string{baseBranch}
	if baseBranch == "" {
		candidates = []string{"master", "main"}
	}
	for _, b := range candidates {
		for _, name := range []plumbing.ReferenceName{plumbing.NewRemoteReferenceName("upstream", b), plumbing.NewRemoteReferenceName("origin", b), plumbing.NewBranchReferenceName(b)} {
			if name == headRef {
				continue
			}
			ref, err := repo.Reference(name, true)
			if err != nil {
				continue
			}
			other, err := repo.CommitObject(ref.Hash())
			if err != nil {
				continue
			}
			bases, err := head.MergeBase(other)
			if err != nil || len(bases) == 0 || bases[0].Hash == head.Hash {
				continue
			}
			if t, err := bases[0].Tree(); err == nil {
				return t
			}
		}
	}
	return nil
}
