package pullrequest

import (
	"context"
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/transport"
)

// RebaseOnto puts the integration's folders, as HEAD has them, on top of the
// fork's branch: it fetches that branch, commits the folders over its tip, and
// pushes the result. Only the integration's own folders change, so the
// replay cannot conflict; the local branch is left as it is.
func RebaseOnto(ctx context.Context, root, url, branch string, dirs []string, message string, author object.Signature, auth transport.AuthMethod) (plumbing.Hash, error) {
	repo, err := git.PlainOpen(root)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	rem := git.NewRemote(repo.Storer, &config.RemoteConfig{Name: "oauthwiz-fork", URLs: []string{url}})
	forkRef := plumbing.ReferenceName("refs/oauthwiz/fork/" + branch)
	err = rem.FetchContext(ctx, &git.FetchOptions{RemoteName: "oauthwiz-fork", Auth: auth,
		RefSpecs: []config.RefSpec{config.RefSpec("+refs/heads/" + branch + ":" + forkRef.String())}})
	if err != nil && !errors.Is(err, git.NoErrAlreadyUpToDate) {
		return plumbing.ZeroHash, fmt.Errorf("fetching %s from the fork: %w", branch, err)
	}
	tipRef, err := repo.Reference(forkRef, true)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	tip, err := repo.CommitObject(tipRef.Hash())
	if err != nil {
		return plumbing.ZeroHash, err
	}
	tipTree, err := tip.Tree()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	head, err := repo.Head()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	headCommit, err := repo.CommitObject(head.Hash())
	if err != nil {
		return plumbing.ZeroHash, err
	}
	headTree, err := headCommit.Tree()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	edits := map[string]*plumbing.Hash{}
	for _, dir := range dirs {
		dir = path.Clean(filepath.ToSlash(dir))
		ours := map[string]plumbing.Hash{}
		if sub, err := headTree.Tree(dir); err == nil {
			sub.Files().ForEach(func(f *object.File) error { ours[dir+"/"+f.Name] = f.Hash; return nil })
		}
		theirs := map[string]plumbing.Hash{}
		if sub, err := tipTree.Tree(dir); err == nil {
			sub.Files().ForEach(func(f *object.File) error { theirs[dir+"/"+f.Name] = f.Hash; return nil })
		}
		for p, h := range ours {
			if theirs[p] != h {
				h := h
				edits[p] = &h
			}
		}
		for p := range theirs {
			if _, ok := ours[p]; !ok {
				edits[p] = nil
			}
		}
	}
	newTree, err := rewriteTree(repo.Storer, tipTree, "", edits)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if author.When.IsZero() {
		author.When = time.Now()
	}
	commit := &object.Commit{Author: author, Committer: author, Message: message, TreeHash: newTree, ParentHashes: []plumbing.Hash{tip.Hash}}
	enc := repo.Storer.NewEncodedObject()
	if err := commit.Encode(enc); err != nil {
		return plumbing.ZeroHash, err
	}
	h, err := repo.Storer.SetEncodedObject(enc)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	rebased := plumbing.ReferenceName("refs/oauthwiz/rebased/" + branch)
	if err := repo.Storer.SetReference(plumbing.NewHashReference(rebased, h)); err != nil {
		return plumbing.ZeroHash, err
	}
	err = rem.PushContext(ctx, &git.PushOptions{RemoteName: "oauthwiz-fork", Auth: auth,
		RefSpecs: []config.RefSpec{config.RefSpec(rebased.String() + ":refs/heads/" + branch)}})
	if err != nil && !errors.Is(err, git.NoErrAlreadyUpToDate) {
		return plumbing.ZeroHash, fmt.Errorf("pushing the rebased %s: %w", branch, err)
	}
	return h, nil
}
