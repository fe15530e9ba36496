package pullrequest

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// ChangedFolders are the top-level folders of the clone at root whose files
// differ between ref and the working tree — what a pull request built on
// ref changes (committed since ref, or not yet committed). ref is a branch
// (its remote-tracking ref first: upstream/<ref>, origin/<ref>), a tag or
// a commit; read with go-git, no git binary needed.
func ChangedFolders(root, ref string) ([]string, error) {
	repo, err := git.PlainOpen(root)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", root, err)
	}
	hash, err := resolveRef(repo, ref)
	if err != nil {
		return nil, err
	}
	_, baseTree, err := commitTree(repo, hash, ref)
	if err != nil {
		return nil, err
	}
	folders := map[string]bool{}
	add := func(path string) {
		if dir, _, ok := strings.Cut(path, "/"); ok && !strings.HasPrefix(dir, ".") {
			folders[dir] = true
		}
	}
	// Committed since ref.
	if head, err := repo.Head(); err == nil { // none yet in a new repository
		if _, tree, err := commitTree(repo, head.Hash(), "HEAD"); err == nil {
			changes, err := object.DiffTree(baseTree, tree)
			if err != nil {
				return nil, err
			}
			for _, ch := range changes {
				add(ch.From.Name)
				add(ch.To.Name)
			}
		}
	}
	// Not committed yet (the working tree against HEAD).
	wt, err := repo.Worktree()
	if err != nil {
		return nil, err
	}
	status, err := wt.Status()
	if err != nil {
		return nil, err
	}
	for path, s := range status {
		if s.Worktree != git.Unmodified || s.Staging != git.Unmodified {
			add(path)
		}
	}
	out := make([]string, 0, len(folders))
	for f := range folders {
		out = append(out, f)
	}
	sort.Strings(out)
	return out, nil
}

// resolveRef finds what a ref names: a remote-tracking branch (upstream,
// then origin), a local branch, a tag, or a commit id.
func resolveRef(repo *git.Repository, ref string) (plumbing.Hash, error) {
	if ref == "" {
		return plumbing.ZeroHash, errors.New("no ref to compare with: give a branch, a tag or a commit")
	}
	for _, r := range remoteNames(repo) {
		if h, err := repo.Reference(plumbing.NewRemoteReferenceName(r, ref), true); err == nil {
			return h.Hash(), nil
		}
	}
	if h, err := repo.ResolveRevision(plumbing.Revision(ref)); err == nil {
		return *h, nil
	}
	return plumbing.ZeroHash, fmt.Errorf("%q is neither a branch (of a remote or local), a tag nor a commit of this clone: fetch it first ('git fetch origin %s')", ref, ref)
}
