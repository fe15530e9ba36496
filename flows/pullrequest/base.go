package pullrequest

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// BaseFile is a file of the integration's folder as the base branch has it
// (the remote-tracking branch findBase resolves: what is public, never a
// local branch). base names that branch; ok is false when the base has no
// such file — a new integration, for manifest.json.
func BaseFile(dir, name, baseBranch string) (content []byte, base string, ok bool, err error) {
	r, err := OpenBase(dir, baseBranch)
	if err != nil {
		return nil, "", false, err
	}
	content, ok, err = r.File(dir, name)
	return content, r.Branch, ok, err
}

// BaseReader reads files as the base branch has them, from one opening of
// the repository: a whole checkout's integrations are compared with it.
// It is safe for concurrent use (go-git's storage is not: reads take turns).
type BaseReader struct {
	Branch string // e.g. upstream/master
	root   string
	mu     sync.Mutex
	tree   *object.Tree // the base commit's, decoded once
}

// OpenBase opens the repository holding dir and resolves its base branch.
func OpenBase(dir, baseBranch string) (*BaseReader, error) {
	root, err := FindRoot(dir)
	if err != nil {
		return nil, err
	}
	repo, err := git.PlainOpen(root)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", root, err)
	}
	base, hash, err := findBase(repo, baseBranch)
	if err != nil {
		return nil, err
	}
	_, tree, err := commitTree(repo, hash, base)
	if err != nil {
		return nil, err
	}
	return &BaseReader{Branch: base, root: root, tree: tree}, nil
}

// File is the file name of the folder dir as the base branch has it; ok is
// false when it has none.
func (r *BaseReader) File(dir, name string) (content []byte, ok bool, err error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, false, err
	}
	rel, err := filepath.Rel(r.root, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return nil, false, fmt.Errorf("%s is not inside the clone at %s", dir, r.root)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	f, err := r.tree.File(filepath.ToSlash(filepath.Join(rel, name)))
	if errors.Is(err, object.ErrFileNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("%s on %s: %w", name, r.Branch, err)
	}
	b, err := fileBytes(f)
	return b, err == nil, err
}
