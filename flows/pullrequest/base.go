package pullrequest

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// BaseFile is a file of the integration's folder as the base branch has it
// (the remote-tracking branch findBase resolves: what is public, never a
// local branch). base names that branch; ok is false when the base has no
// such file — a new integration, for manifest.json.
func BaseFile(dir, name, baseBranch string) (content []byte, base string, ok bool, err error) {
	root, err := FindRoot(dir)
	if err != nil {
		return nil, "", false, err
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, "", false, err
	}
	rel, err := filepath.Rel(root, abs)
	if err != nil {
		return nil, "", false, err
	}
	repo, err := git.PlainOpen(root)
	if err != nil {
		return nil, "", false, fmt.Errorf("%s: %w", root, err)
	}
	base, hash, err := findBase(repo, baseBranch)
	if err != nil {
		return nil, "", false, err
	}
	c, err := repo.CommitObject(hash)
	if err != nil {
		return nil, base, false, fmt.Errorf("%s: %w", base, err)
	}
	f, err := c.File(filepath.ToSlash(filepath.Join(rel, name)))
	if errors.Is(err, object.ErrFileNotFound) {
		return nil, base, false, nil
	}
	if err != nil {
		return nil, base, false, fmt.Errorf("%s on %s: %w", name, base, err)
	}
	b, err := fileBytes(f)
	return b, base, err == nil, err
}
