// Package pullrequest takes an integration's edited files to a pull request:
// a branch and a commit made with go-git without a whole-worktree status, a
// secret scan of the commit, a push to the user's fork, and the pull request
// opened or updated with go-github.
package pullrequest

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage"

	"github.com/oauthwiz/oauthwiz/flows/atomic"
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

// Change is one file of the commit.
type Change struct {
	Path   string // slash-separated, relative to the repository root
	Action string // added, modified, deleted
	Before []byte
	After  []byte
}

// CommitOptions describe the commit.
type CommitOptions struct {
	Root    string   // repository root
	Dirs    []string // folders to commit, relative to Root (the integration)
	Files   map[string][]byte
	Branch  string
	Message string
	Author  object.Signature
	DryRun  bool // compute the changes, write nothing
}

// CommitResult is what was committed.
type CommitResult struct {
	Branch  string
	Hash    plumbing.Hash
	Parent  plumbing.Hash
	Changes []Change
}

// ErrNothingToCommit means the folders match HEAD.
var ErrNothingToCommit = errors.New("nothing to commit: the integration's files match HEAD")

// Commit creates Branch at HEAD, commits the integration's folders (and the
// extra Files) on it, and checks it out — like `git checkout -b; git add DIR;
// git commit` — but builds the new tree from HEAD's tree and the changed
// paths only, so its cost does not grow with the size of the repository.
func Commit(o CommitOptions) (*CommitResult, error) {
	repo, err := git.PlainOpen(o.Root)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", o.Root, err)
	}
	head, err := repo.Head()
	if err != nil {
		return nil, fmt.Errorf("%s has no commit to branch from: %w", o.Root, err)
	}
	parent, err := repo.CommitObject(head.Hash())
	if err != nil {
		return nil, err
	}
	root, err := parent.Tree()
	if err != nil {
		return nil, err
	}
	branchRef := plumbing.NewBranchReferenceName(o.Branch)
	if head.Name() != branchRef {
		if _, err := repo.Reference(branchRef, false); err == nil {
			return nil, fmt.Errorf("branch %s already exists: pass --branch with another name, or check it out and run again", o.Branch)
		}
	}

	// Gather the wanted content of every path under the folders.
	want := map[string][]byte{}
	for _, dir := range o.Dirs {
		dir = path.Clean(filepath.ToSlash(dir))
		err := filepath.WalkDir(filepath.Join(o.Root, filepath.FromSlash(dir)), func(p string, e fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if e.IsDir() {
				if strings.HasPrefix(e.Name(), ".") && e.Name() != "." && p != filepath.Join(o.Root, filepath.FromSlash(dir)) {
					return filepath.SkipDir
				}
				return nil
			}
			if !e.Type().IsRegular() || e.Name() == ".DS_Store" {
				return nil
			}
			rel, _ := filepath.Rel(o.Root, p)
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			want[filepath.ToSlash(rel)] = b
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	for p, b := range o.Files {
		want[p] = b
	}

	// Compare with HEAD, under the folders only.
	var changes []Change
	have := map[string]plumbing.Hash{}
	for _, dir := range o.Dirs {
		sub, err := root.Tree(path.Clean(filepath.ToSlash(dir)))
		if errors.Is(err, object.ErrDirectoryNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		prefix := path.Clean(filepath.ToSlash(dir)) + "/"
		err = sub.Files().ForEach(func(f *object.File) error {
			have[prefix+f.Name] = f.Hash
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	for p := range o.Files {
		if f, err := root.File(p); err == nil {
			have[p] = f.Hash
		}
	}
	for p, b := range want {
		h := plumbing.ComputeHash(plumbing.BlobObject, b)
		old, ok := have[p]
		switch {
		case !ok:
			changes = append(changes, Change{Path: p, Action: "added", After: b})
		case old != h:
			before, _ := blobContent(repo.Storer, old)
			changes = append(changes, Change{Path: p, Action: "modified", Before: before, After: b})
		}
	}
	for p, h := range have {
		if _, ok := want[p]; !ok {
			before, _ := blobContent(repo.Storer, h)
			changes = append(changes, Change{Path: p, Action: "deleted", Before: before})
		}
	}
	sort.Slice(changes, func(i, j int) bool { return changes[i].Path < changes[j].Path })
	if len(changes) == 0 {
		return nil, ErrNothingToCommit
	}
	res := &CommitResult{Branch: o.Branch, Parent: parent.Hash, Changes: changes}
	if o.DryRun {
		return res, nil
	}

	// New blobs, then the trees on the changed paths, bottom-up.
	edits := map[string]*plumbing.Hash{}
	for _, c := range changes {
		if c.Action == "deleted" {
			edits[c.Path] = nil
			continue
		}
		h, err := writeBlob(repo.Storer, c.After)
		if err != nil {
			return nil, err
		}
		edits[c.Path] = &h
	}
	newRoot, err := rewriteTree(repo.Storer, root, "", edits)
	if err != nil {
		return nil, err
	}
	commit := &object.Commit{Author: o.Author, Committer: o.Author, Message: o.Message, TreeHash: newRoot, ParentHashes: []plumbing.Hash{parent.Hash}}
	if commit.Committer.When.IsZero() {
		commit.Author.When, commit.Committer.When = time.Now(), time.Now()
	}
	enc := repo.Storer.NewEncodedObject()
	if err := commit.Encode(enc); err != nil {
		return nil, err
	}
	if res.Hash, err = repo.Storer.SetEncodedObject(enc); err != nil {
		return nil, err
	}
	if err := repo.Storer.SetReference(plumbing.NewHashReference(branchRef, res.Hash)); err != nil {
		return nil, err
	}
	if err := repo.Storer.SetReference(plumbing.NewSymbolicReference(plumbing.HEAD, branchRef)); err != nil {
		return nil, err
	}
	// Extra files (CODEOWNERS) are written to the worktree too, so that it
	// matches the commit.
	for p, b := range o.Files {
		full := filepath.Join(o.Root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return nil, err
		}
		if err := atomic.WriteFile(full, b, 0o644); err != nil {
			return nil, err
		}
	}
	// The index must agree with the new HEAD for the committed paths, or git
	// would show them as changed back.
	if err := updateIndex(repo.Storer, o.Root, changes, edits); err != nil {
		return nil, fmt.Errorf("the commit is made, but the index could not be updated (run 'git reset'): %w", err)
	}
	return res, nil
}

func blobContent(s storage.Storer, h plumbing.Hash) ([]byte, error) {
	b, err := object.GetBlob(s, h)
	if err != nil {
		return nil, err
	}
	r, err := b.Reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	var out []byte
	buf := make([]byte, 32*1024)
	for {
		n, err := r.Read(buf)
		out = append(out, buf[:n]...)
		if err != nil {
			break
		}
	}
	return out, nil
}

func writeBlob(s storage.Storer, b []byte) (plumbing.Hash, error) {
	o := s.NewEncodedObject()
	o.SetType(plumbing.BlobObject)
	w, err := o.Writer()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if _, err := w.Write(b); err != nil {
		return plumbing.ZeroHash, err
	}
	if err := w.Close(); err != nil {
		return plumbing.ZeroHash, err
	}
	return s.SetEncodedObject(o)
}

// rewriteTree returns the hash of tree t (at prefix) with the edits under it
// applied (nil: delete); subtrees without edits are reused as they are.
func rewriteTree(s storage.Storer, t *object.Tree, prefix string, edits map[string]*plumbing.Hash) (plumbing.Hash, error) {
	entries := map[string]object.TreeEntry{}
	if t != nil {
		for _, e := range t.Entries {
			entries[e.Name] = e
		}
	}
	// Edits directly in this tree, and the subtrees that have edits.
	subs := map[string]map[string]*plumbing.Hash{}
	for p, h := range edits {
		name, rest, nested := strings.Cut(p, "/")
		if nested {
			if subs[name] == nil {
				subs[name] = map[string]*plumbing.Hash{}
			}
			subs[name][rest] = h
			continue
		}
		if h == nil {
			delete(entries, name)
		} else {
			mode := filemode.Regular
			if old, ok := entries[name]; ok && old.Mode == filemode.Executable {
				mode = filemode.Executable
			}
			entries[name] = object.TreeEntry{Name: name, Mode: mode, Hash: *h}
		}
	}
	for name, subEdits := range subs {
		var sub *object.Tree
		if e, ok := entries[name]; ok && e.Mode == filemode.Dir {
			var err error
			if sub, err = object.GetTree(s, e.Hash); err != nil {
				return plumbing.ZeroHash, err
			}
		}
		h, err := rewriteTree(s, sub, prefix+name+"/", subEdits)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		if h == plumbing.ZeroHash {
			delete(entries, name) // the folder became empty
		} else {
			entries[name] = object.TreeEntry{Name: name, Mode: filemode.Dir, Hash: h}
		}
	}
	if len(entries) == 0 && prefix != "" {
		return plumbing.ZeroHash, nil
	}
	nt := &object.Tree{}
	for _, e := range entries {
		nt.Entries = append(nt.Entries, e)
	}
	// Git orders tree entries by name, with folders compared as "name/".
	sort.Slice(nt.Entries, func(i, j int) bool { return treeKey(nt.Entries[i]) < treeKey(nt.Entries[j]) })
	o := s.NewEncodedObject()
	if err := nt.Encode(o); err != nil {
		return plumbing.ZeroHash, err
	}
	return s.SetEncodedObject(o)
}

func treeKey(e object.TreeEntry) string {
	if e.Mode == filemode.Dir {
		return e.Name + "/"
	}
	return e.Name
}

func updateIndex(s storage.Storer, root string, changes []Change, edits map[string]*plumbing.Hash) error {
	idx, err := s.Index()
	if err != nil {
		return err
	}
	for _, c := range changes {
		if c.Action == "deleted" {
			idx.Remove(c.Path)
			continue
		}
		e, err := idx.Entry(c.Path)
		if err != nil {
			e = idx.Add(c.Path)
		}
		e.Hash = *edits[c.Path]
		e.Mode = filemode.Regular
		e.Size = uint32(len(c.After))
		if st, err := os.Stat(filepath.Join(root, filepath.FromSlash(c.Path))); err == nil {
			e.ModifiedAt = st.ModTime()
			e.CreatedAt = st.ModTime()
		}
	}
	sort.Slice(idx.Entries, func(i, j int) bool { return idx.Entries[i].Name < idx.Entries[j].Name })
	return s.SetIndex(idx)
}

// CurrentBranch is the branch HEAD is on ("" when detached).
func CurrentBranch(root string) (string, error) {
	repo, err := git.PlainOpen(root)
	if err != nil {
		return "", err
	}
	head, err := repo.Head()
	if err != nil {
		return "", err
	}
	if !head.Name().IsBranch() {
		return "", nil
	}
	return head.Name().Short(), nil
}
