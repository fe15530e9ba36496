// Package pullrequest takes an integration's edited files to a pull request:
// a branch made from the base branch's tip that carries the integration's
// folder and nothing else, the tree `git add -A <integration>` would stage
// (made with go-git, without a whole-worktree status), a secret scan of
// every commit that will be pushed, a push to the user's fork, and the pull
// request opened or updated with go-github.
package pullrequest

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/oauthwiz/oauthwiz/flows/atomic"
	"github.com/oauthwiz/oauthwiz/flows/inputs"
)

// FindRoot walks up from a path to the folder holding .git.
func FindRoot(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	for dir := abs; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, ".git")); err == nil {
			return dir, nil
		}
		if filepath.Dir(dir) == dir {
			return "", fmt.Errorf("%s is not inside a git clone: clone your fork of DataDog/integrations-extras and put the integration there", p)
		}
	}
}

// Change is one file of the change.
type Change struct {
	Path   string // slash-separated, relative to the repository root
	Action string // added, modified, deleted
	Before []byte
	After  []byte
}

func sortChanges(cs []Change) { sort.Slice(cs, func(i, j int) bool { return cs[i].Path < cs[j].Path }) }

// CodeOwnersPath is the one file outside the integration's folder that a
// pull request may change.
const CodeOwnersPath = ".github/CODEOWNERS"

// CommitOptions describe the pull request's commit.
type CommitOptions struct {
	Root       string // repository root
	Dir        string // the integration's folder, relative to Root
	BaseBranch string // "" → the remotes' default branch, else master or main
	Branch     string
	Message    string
	Author     object.Signature
	// CodeOwners are the owners of the "/<dir>/ …" line added to
	// .github/CODEOWNERS, only for an integration the base branch lacks.
	CodeOwners string
	DryRun     bool // compute everything, write nothing
	// Planned, when set, is the plan that was shown (CommitResult.Plan): a
	// different tree (a file edited since) or parent (the branch moved)
	// stops the run before anything is written.
	Planned string
	// Getenv is the environment as the caller has it (HOME and
	// XDG_CONFIG_HOME locate git's global ignore file; nil: none).
	Getenv func(string) string
}

// PushedCommit is a commit between the base and the branch's tip: it will be
// pushed, so every file it changed is scanned.
type PushedCommit struct {
	CommitInfo
	Changes []Change `json:"-"`
}

// CommitResult is the branch as the run leaves it (or would, in a dry run).
type CommitResult struct {
	Branch   string
	Base     string // the base branch's remote-tracking ref, e.g. upstream/master
	BaseHash plumbing.Hash
	Hash     plumbing.Hash // the branch's tip
	Tree     plumbing.Hash // the tip's tree
	Parent   plumbing.Hash // the commit the run builds on (the base, or the branch's tip)
	Created  bool          // a new commit was made (or would be)
	Changes  []Change      // the pull request's change, file by file
	Commits  []PushedCommit
	Folder   []string // the files of the integration's folder in the tip
	// Others are commits of the checked-out branch that are not on the base
	// and not in the pull request: they are not pushed.
	Others []CommitInfo
	// Checkout says what happened to the working tree.
	Checkout string
}

// Plan identifies what a run commits: its tree on its parent. Everything
// pushed (and scanned) follows from the two.
func (r *CommitResult) Plan() string { return r.Tree.String() + "@" + r.Parent.String() }

// ErrNothingToCommit means the integration's folder matches the base branch.
var ErrNothingToCommit = errors.New("nothing to commit: the integration's files match the base branch")

// ErrBadBranch is a branch name oauthwiz will not create or push.
var ErrBadBranch = errors.New("unusable branch name")

// ErrPlanChanged means the files changed between the plan and the run.
var ErrPlanChanged = errors.New("the integration's files changed since the plan was shown: nothing was committed or pushed; look at the plan again")

var hexName = regexp.MustCompile(`^[0-9a-fA-F]{7,40}$`)

// ValidateBranch refuses names git would reject or read as something else:
// HEAD and the other *_HEAD names, "@", a leading "-", a "refs/" prefix, a
// commit-id-shaped name, and everything git check-ref-format refuses.
func ValidateBranch(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("%w: the branch name is empty", ErrBadBranch)
	case strings.HasSuffix(strings.ToUpper(name), "HEAD") && strings.ToUpper(name) == name:
		return fmt.Errorf("%w: %q names one of git's special references; pick a name like acme-oauth", ErrBadBranch, name)
	case name == "@" || strings.HasPrefix(name, "-") || strings.HasPrefix(name, "refs/") || hexName.MatchString(name):
		return fmt.Errorf("%w: git would read %q as an option, a reference or a commit id; pick a name like acme-oauth", ErrBadBranch, name)
	}
	if err := plumbing.NewBranchReferenceName(name).Validate(); err != nil {
		return fmt.Errorf("%w: %q is not a valid git branch name (no spaces, '..', '~', '^', ':', '?', '*', '[', '\\', '@{', or a trailing '.lock' or '/')", ErrBadBranch, name)
	}
	return nil
}

// Commit makes (or, with DryRun, plans) the pull request's branch: from the
// base branch's tip — or from the branch's own tip when it exists — one
// commit whose tree is the parent's with the integration's folder as
// `git add -A <dir>` would stage it (and, for a new integration, its
// CODEOWNERS line). It lists every commit between the base and the tip,
// refuses a branch that carries changes outside the integration, and names
// the checked-out branch's commits that stay behind. The working tree moves
// to the branch when that is what `git checkout -b` would do without
// touching anything else; otherwise it stays where it is.
func Commit(o CommitOptions) (*CommitResult, error) {
	if err := ValidateBranch(o.Branch); err != nil {
		return nil, err
	}
	dir := path.Clean(filepath.ToSlash(o.Dir))
	if dir == "." || strings.HasPrefix(dir, "../") || strings.HasPrefix(dir, "/") {
		return nil, fmt.Errorf("%s is not a folder inside the clone %s", o.Dir, o.Root)
	}
	repo, err := git.PlainOpen(o.Root)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", o.Root, err)
	}
	baseName, baseHash, err := findBase(repo, o.BaseBranch)
	if err != nil {
		return nil, err
	}
	if _, short, _ := strings.Cut(baseName, "/"); short == o.Branch {
		return nil, fmt.Errorf("%w: %q is the base branch; the pull request needs a branch of its own (the default is <integration>-oauth)", ErrBadBranch, o.Branch)
	}
	ov := newOverlay(repo.Storer)
	base, err := object.GetCommit(ov, baseHash)
	if err != nil {
		return nil, fmt.Errorf("the base branch %s (%s): %w", baseName, baseHash, err)
	}
	baseTree, err := base.Tree()
	if err != nil {
		return nil, err
	}
	res := &CommitResult{Branch: o.Branch, Base: baseName, BaseHash: baseHash}

	branchRef := plumbing.NewBranchReferenceName(o.Branch)
	parent := base
	existing, err := repo.Reference(branchRef, true)
	if err == nil {
		if parent, err = object.GetCommit(ov, existing.Hash()); err != nil {
			return nil, fmt.Errorf("branch %s: %w", o.Branch, err)
		}
	}
	parentTree, err := parent.Tree()
	if err != nil {
		return nil, err
	}

	// The folder as git add -A would stage it.
	idx, err := repo.Storer.Index()
	if err != nil {
		return nil, fmt.Errorf("reading the git index of %s: %w", o.Root, err)
	}
	tracked := map[string]bool{}
	for _, e := range idx.Entries {
		if strings.HasPrefix(e.Name, dir+"/") {
			tracked[e.Name] = true
		}
	}
	if sub, err := parentTree.Tree(dir); err == nil {
		sub.Files().ForEach(func(f *object.File) error { tracked[dir+"/"+f.Name] = true; return nil })
	}
	patterns, err := ignorePatterns(repo, o.Root, dir, o.Getenv)
	if err != nil {
		return nil, err
	}
	ft := &folderTree{root: o.Root, objs: ov, tracked: tracked, files: map[string]object.TreeEntry{}}
	sub, err := ft.build(dir, patterns)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", filepath.Join(o.Root, filepath.FromSlash(dir)), err)
	}
	edits := map[string]*object.TreeEntry{dir: nil}
	if sub != emptyTree {
		edits[dir] = &object.TreeEntry{Mode: filemode.Dir, Hash: sub}
	}
	var owners []byte
	if _, err := baseTree.Tree(dir); errors.Is(err, object.ErrDirectoryNotFound) && o.CodeOwners != "" {
		if owners, err = codeOwners(parentTree, dir, o.CodeOwners); err != nil {
			return nil, err
		}
		if owners != nil {
			h, err := ov.blob(owners)
			if err != nil {
				return nil, err
			}
			edits[CodeOwnersPath] = &object.TreeEntry{Mode: filemode.Regular, Hash: h}
		}
	}
	newTree, err := ov.graft(parentTree, edits)
	if err != nil {
		return nil, err
	}
	res.Tree, res.Hash, res.Parent = newTree, parent.Hash, parent.Hash
	if o.Planned != "" && res.Plan() != o.Planned {
		return nil, ErrPlanChanged
	}
	res.Created = newTree != parentTree.Hash
	if !res.Created && existing == nil {
		return nil, fmt.Errorf("%w %s", ErrNothingToCommit, baseName)
	}
	if res.Created {
		author := o.Author
		if author.When.IsZero() {
			author.When = time.Now()
		}
		commit := &object.Commit{Author: author, Committer: author, Message: o.Message, TreeHash: newTree, ParentHashes: []plumbing.Hash{parent.Hash}}
		enc := ov.NewEncodedObject()
		if err := commit.Encode(enc); err != nil {
			return nil, err
		}
		if res.Hash, err = ov.SetEncodedObject(enc); err != nil {
			return nil, err
		}
	}

	// Every commit the push will carry beyond the base, and what each changed.
	between, err := commitsBetween(ov, res.Hash, baseHash)
	if err != nil {
		return nil, err
	}
	if len(between) == 0 {
		return nil, fmt.Errorf("%w %s", ErrNothingToCommit, baseName)
	}
	touched := map[string]bool{}
	var foreign []CommitInfo
	for _, c := range between {
		changes, err := commitChanges(ov, c)
		if err != nil {
			return nil, err
		}
		pc := PushedCommit{Changes: changes}
		var outside []string
		for _, ch := range changes {
			pc.Files = append(pc.Files, ch.Path)
			touched[ch.Path] = true
			if !strings.HasPrefix(ch.Path, dir+"/") && ch.Path != CodeOwnersPath {
				outside = append(outside, ch.Path)
			}
		}
		pc.CommitInfo = info(c, pc.Files)
		res.Commits = append(res.Commits, pc)
		if len(outside) > 0 {
			foreign = append(foreign, info(c, outside))
		}
	}
	if len(foreign) > 0 {
		return res, &BlockedError{Reason: "foreign-commits", Foreign: foreign}
	}
	// The pull request's change: from where the branch left the base to
	// the tip, on the paths its commits touched.
	fork := baseTree
	if h := boundary(between); !h.IsZero() {
		if pc, err := object.GetCommit(ov, h); err == nil {
			fork, _ = pc.Tree()
		}
	}
	tipTree, err := object.GetTree(ov, newTree)
	if err != nil {
		return nil, err
	}
	all, err := treeChanges(ov, fork, tipTree)
	if err != nil {
		return nil, err
	}
	for _, ch := range all {
		if touched[ch.Path] {
			res.Changes = append(res.Changes, ch)
		}
	}
	for p := range ft.files {
		res.Folder = append(res.Folder, p)
	}
	sort.Strings(res.Folder)
	res.Others = otherCommits(repo, ov, branchRef, baseHash, res.Hash)
	if o.DryRun {
		sw, err := planSwitch(repo, dir, branchRef, parentTree, owners != nil)
		if err != nil {
			return nil, err
		}
		res.Checkout = sw.planned(branchRef.Short())
		return res, nil
	}

	// Write: objects, the branch (only if nobody moved it meanwhile), then
	// the working tree.
	if err := ov.flush(); err != nil {
		return nil, err
	}
	if res.Created {
		newRef := plumbing.NewHashReference(branchRef, res.Hash)
		if existing != nil {
			err = repo.Storer.CheckAndSetReference(newRef, existing)
		} else {
			err = repo.Storer.SetReference(newRef)
		}
		if err != nil {
			return nil, fmt.Errorf("moving branch %s: %w", o.Branch, err)
		}
	}
	res.Checkout, err = checkout(repo, o.Root, dir, branchRef, parentTree, ft.files, owners)
	return res, err
}

// findBase resolves the base branch to a remote-tracking ref — what
// upstream (DataDog's repository) or origin (your fork) has, never a local
// branch that may hold unpushed commits.
func findBase(repo *git.Repository, branch string) (string, plumbing.Hash, error) {
	remotes := remoteNames(repo)
	names := []string{branch}
	if branch == "" {
		names = nil
		for _, r := range remotes { // the remotes' default branch (refs/remotes/<r>/HEAD)
			if ref, err := repo.Reference(plumbing.ReferenceName("refs/remotes/"+r+"/HEAD"), false); err == nil && ref.Type() == plumbing.SymbolicReference {
				names = append(names, strings.TrimPrefix(ref.Target().String(), "refs/remotes/"+r+"/"))
			}
		}
		names = append(names, "master", "main")
	}
	for _, b := range names {
		for _, r := range remotes {
			if ref, err := repo.Reference(plumbing.NewRemoteReferenceName(r, b), true); err == nil {
				return r + "/" + b, ref.Hash(), nil
			}
		}
	}
	want := names[0]
	return "", plumbing.ZeroHash, inputs.Errorf(inputs.BaseBranch, nil, fmt.Sprintf("no remote-tracking branch for the base branch %s: fetch it first — 'git remote add upstream https://github.com/DataDog/integrations-extras.git && git fetch upstream %s' (or 'git fetch origin %s' in a clone of your fork) — or choose another base branch; a local branch is not used, as it may hold commits that are not public", want, want, want))
}

// remoteNames lists the clone's remotes, upstream first, then origin.
func remoteNames(repo *git.Repository) []string {
	rs, _ := repo.Remotes()
	var names []string
	for _, r := range rs {
		names = append(names, r.Config().Name)
	}
	rank := func(n string) int {
		switch n {
		case "upstream":
			return 0
		case "origin":
			return 1
		}
		return 2
	}
	sort.Slice(names, func(i, j int) bool {
		if rank(names[i]) != rank(names[j]) {
			return rank(names[i]) < rank(names[j])
		}
		return names[i] < names[j]
	})
	return names
}

// otherCommits are the checked-out branch's commits that are neither on the
// base nor in the pull request (nil when HEAD is the pull request's branch).
func otherCommits(repo *git.Repository, ov *overlay, branchRef plumbing.ReferenceName, base, tip plumbing.Hash) []CommitInfo {
	head, err := repo.Reference(plumbing.HEAD, false)
	if err != nil || (head.Type() == plumbing.SymbolicReference && head.Target() == branchRef) {
		return nil
	}
	resolved, err := repo.Reference(plumbing.HEAD, true)
	if err != nil {
		return nil
	}
	cs, err := commitsBetween(ov, resolved.Hash(), base, tip)
	if err != nil {
		return []CommitInfo{{Subject: err.Error()}}
	}
	var out []CommitInfo
	for _, c := range cs {
		var files []string
		if changes, err := commitChanges(ov, c); err == nil {
			for _, ch := range changes {
				files = append(files, ch.Path)
			}
		}
		out = append(out, info(c, files))
	}
	return out
}

// codeOwners returns the parent tree's .github/CODEOWNERS with a
// "/<dir>/ <owners>" line added (nil when dir already has one).
func codeOwners(parent *object.Tree, dir, owners string) ([]byte, error) {
	var b []byte
	if f, err := parent.File(CodeOwnersPath); err == nil {
		if b, err = fileBytes(f); err != nil {
			return nil, err
		}
	}
	prefix := "/" + dir + "/"
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

// branchSwitch is what the commit does to the checked-out branch: HEAD
// moves to the pull request's branch when the checked-out commit differs
// from the branch's parent only inside the integration's folder (and
// CODEOWNERS), and stays otherwise.
type branchSwitch struct {
	move, already bool
	from          string // the checked-out branch, or "the detached HEAD"
	dir           string // the integration's folder
}

func planSwitch(repo *git.Repository, dir string, branchRef plumbing.ReferenceName, parentTree *object.Tree, withOwners bool) (branchSwitch, error) {
	head, err := repo.Reference(plumbing.HEAD, false)
	if err != nil {
		return branchSwitch{}, err
	}
	if head.Type() == plumbing.SymbolicReference && head.Target() == branchRef {
		return branchSwitch{already: true, from: branchRef.Short()}, nil
	}
	s := branchSwitch{from: "the detached HEAD", dir: dir}
	if head.Type() == plumbing.SymbolicReference {
		s.from = head.Target().Short()
	}
	same, err := sameOutside(repo, dir, parentTree, withOwners)
	s.move = err == nil && same
	return s, nil
}

// planned is what a plan says the commit will do to the working tree.
func (s branchSwitch) planned(branch string) string {
	switch {
	case s.already:
		return "your working tree is on branch " + branch + " already"
	case s.move:
		return fmt.Sprintf("your working tree will switch from %s to branch %s (git checkout %s)", s.from, branch, branch)
	default:
		return fmt.Sprintf("your working tree will stay on %s, which differs from the base outside %s/; the pull request is on branch %s", s.from, s.dir, branch)
	}
}

// checkout moves the working tree to the branch when planSwitch allows it:
// then only the index entries of the folder change, as `git checkout -b;
// git add` would leave them. Otherwise HEAD stays, and the returned text
// says so.
func checkout(repo *git.Repository, root, dir string, branchRef plumbing.ReferenceName, parentTree *object.Tree, files map[string]object.TreeEntry, owners []byte) (string, error) {
	sw, err := planSwitch(repo, dir, branchRef, parentTree, owners != nil)
	if err != nil {
		return "", err
	}
	if !sw.move && !sw.already {
		return fmt.Sprintf("your working tree stays on %s, which differs from the base outside %s/; the pull request is on branch %s", sw.from, dir, branchRef.Short()), nil
	}
	if sw.move {
		if err := repo.Storer.SetReference(plumbing.NewSymbolicReference(plumbing.HEAD, branchRef)); err != nil {
			return "", err
		}
	}
	if owners != nil {
		full := filepath.Join(root, filepath.FromSlash(CodeOwnersPath))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return "", err
		}
		if err := atomic.WriteFile(full, owners, 0o644); err != nil {
			return "", err
		}
		files[CodeOwnersPath] = object.TreeEntry{Name: "CODEOWNERS", Mode: filemode.Regular}
	}
	if err := updateIndex(repo, root, dir, files); err != nil {
		return "", fmt.Errorf("the commit is made, but the index could not be updated (run 'git reset'): %w", err)
	}
	return "the working tree is on branch " + branchRef.Short(), nil
}

// refTree is the commit a reference resolves to, and its tree.
func refTree(repo *git.Repository, name plumbing.ReferenceName) (*object.Commit, *object.Tree, error) {
	ref, err := repo.Reference(name, true)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", name.Short(), err)
	}
	return commitTree(repo, ref.Hash(), name.Short())
}

// commitTree is a commit and its tree; errors name what the commit is (a
// branch, a ref as given).
func commitTree(repo *git.Repository, hash plumbing.Hash, what string) (*object.Commit, *object.Tree, error) {
	c, err := repo.CommitObject(hash)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", what, err)
	}
	t, err := c.Tree()
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", what, err)
	}
	return c, t, nil
}

// sameOutside reports whether HEAD's tree equals the parent tree once HEAD's
// integration folder (and CODEOWNERS, when the commit changes it) is put on
// the parent: then switching to the branch changes nothing else.
func sameOutside(repo *git.Repository, dir string, parentTree *object.Tree, withOwners bool) (bool, error) {
	_, headTree, err := refTree(repo, plumbing.HEAD)
	if err != nil {
		return false, err
	}
	ov := newOverlay(repo.Storer)
	edits := map[string]*object.TreeEntry{}
	paths := []string{dir}
	if withOwners {
		paths = append(paths, CodeOwnersPath)
	}
	for _, p := range paths {
		edits[p] = nil
		if e, err := headTree.FindEntry(p); err == nil {
			entry := *e
			edits[p] = &entry
		}
	}
	grafted, err := ov.graft(parentTree, edits)
	return grafted == headTree.Hash, err
}

// updateIndex makes the index's entries under dir (and CODEOWNERS, when in
// files) those of the commit, with the working tree's file times and sizes,
// so that git status shows nothing to commit there.
func updateIndex(repo *git.Repository, root, dir string, files map[string]object.TreeEntry) error {
	idx, err := repo.Storer.Index()
	if err != nil {
		return err
	}
	kept := idx.Entries[:0]
	for _, e := range idx.Entries {
		if strings.HasPrefix(e.Name, dir+"/") || (e.Name == CodeOwnersPath && files[CodeOwnersPath].Mode != 0) {
			continue
		}
		kept = append(kept, e)
	}
	idx.Entries = kept
	for p, te := range files {
		full := filepath.Join(root, filepath.FromSlash(p))
		st, err := os.Lstat(full)
		if err != nil {
			return err
		}
		if p == CodeOwnersPath { // its content was written just now
			b, err := os.ReadFile(full)
			if err != nil {
				return err
			}
			te.Hash = plumbing.ComputeHash(plumbing.BlobObject, b)
		}
		e := idx.Add(p)
		e.Hash, e.Mode, e.Size = te.Hash, te.Mode, uint32(st.Size())
		e.ModifiedAt, e.CreatedAt = st.ModTime(), st.ModTime()
		fillStat(e, st)
	}
	// The cached trees of the index extension would describe the folder as
	// it was: dropped, git rebuilds them.
	idx.Cache = nil
	sort.Slice(idx.Entries, func(i, j int) bool { return idx.Entries[i].Name < idx.Entries[j].Name })
	return repo.Storer.SetIndex(idx)
}
