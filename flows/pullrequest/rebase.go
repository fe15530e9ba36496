package pullrequest

import (
	"context"
	"errors"
	"fmt"
	"path"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// RebaseResult is the pull request's change replayed on the fork's branch,
// not yet pushed: its commit is scanned first.
type RebaseResult struct {
	Hash    plumbing.Hash
	Commits []PushedCommit // the one new commit (the fork has the rest)
	push    func(context.Context) error
}

// Push sends the rebased commit to the fork's branch.
func (r *RebaseResult) Push(ctx context.Context) error { return r.push(ctx) }

// RebaseOnto puts the integration's folder, as the local branch has it, on
// top of the fork's branch: it fetches that branch and makes one commit over
// its tip whose only change is the folder. Only the integration's own files
// change, so the replay cannot conflict; the local branch is left as it is.
func RebaseOnto(ctx context.Context, root, url, branch, dir, message string, author object.Signature, auth GitAuth) (*RebaseResult, error) {
	repo, err := git.PlainOpen(root)
	if err != nil {
		return nil, err
	}
	method, err := auth.method(ctx, url, "git-upload-pack")
	if err != nil {
		return nil, err
	}
	rem := git.NewRemote(repo.Storer, &config.RemoteConfig{Name: "oauthwiz-fork", URLs: []string{url}})
	forkRef := plumbing.ReferenceName("refs/oauthwiz/fork/" + branch)
	err = rem.FetchContext(ctx, &git.FetchOptions{RemoteName: "oauthwiz-fork", Auth: method,
		RefSpecs: []config.RefSpec{config.RefSpec("+refs/heads/" + branch + ":" + forkRef.String())}})
	if err != nil && !errors.Is(err, git.NoErrAlreadyUpToDate) {
		return nil, fmt.Errorf("fetching %s from the fork: %w", branch, err)
	}
	tip, tipTree, err := refTree(repo, forkRef)
	if err != nil {
		return nil, err
	}
	_, oursTree, err := refTree(repo, plumbing.NewBranchReferenceName(branch))
	if err != nil {
		return nil, fmt.Errorf("branch %w", err)
	}
	dir = path.Clean(dir)
	edits := map[string]*object.TreeEntry{dir: nil}
	if e, err := oursTree.FindEntry(dir); err == nil {
		entry := *e
		edits[dir] = &entry
	}
	ov := newOverlay(repo.Storer)
	newTree, err := ov.graft(tipTree, edits)
	if err != nil {
		return nil, err
	}
	if author.When.IsZero() {
		author.When = time.Now()
	}
	commit := &object.Commit{Author: author, Committer: author, Message: message, TreeHash: newTree, ParentHashes: []plumbing.Hash{tip.Hash}}
	enc := ov.NewEncodedObject()
	if err := commit.Encode(enc); err != nil {
		return nil, err
	}
	h, err := ov.SetEncodedObject(enc)
	if err != nil {
		return nil, err
	}
	c, err := object.GetCommit(ov, h)
	if err != nil {
		return nil, err
	}
	changes, err := commitChanges(ov, c)
	if err != nil {
		return nil, err
	}
	pc := PushedCommit{Changes: changes}
	for _, ch := range changes {
		pc.Files = append(pc.Files, ch.Path)
	}
	pc.CommitInfo = info(c, pc.Files)
	res := &RebaseResult{Hash: h, Commits: []PushedCommit{pc}}
	res.push = func(ctx context.Context) error {
		if err := ov.flush(); err != nil {
			return err
		}
		rebased := plumbing.ReferenceName("refs/oauthwiz/rebased/" + branch)
		if err := repo.Storer.SetReference(plumbing.NewHashReference(rebased, h)); err != nil {
			return err
		}
		method, err := auth.method(ctx, url, "git-receive-pack")
		if err != nil {
			return err
		}
		err = rem.PushContext(ctx, &git.PushOptions{RemoteName: "oauthwiz-fork", Auth: method,
			RefSpecs: []config.RefSpec{config.RefSpec(rebased.String() + ":refs/heads/" + branch)}})
		if err != nil && !errors.Is(err, git.NoErrAlreadyUpToDate) {
			return fmt.Errorf("pushing the rebased %s: %w", branch, err)
		}
		return nil
	}
	return res, nil
}
