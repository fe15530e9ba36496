package pullrequest

import (
	"container/heap"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/oauthwiz/oauthwiz/flows/inputs"
)

// maxBranchCommits bounds the commits a branch may carry beyond its base: an
// integration's pull request has a handful; thousands mean the base is wrong.
const maxBranchCommits = 500

// ErrTooManyCommits means the branch is far from its base branch.
var ErrTooManyCommits = errors.New("too many commits between the base branch and the pull request branch")

// commitsBetween lists the commits reachable from tip and from none of the
// stops (git's "stops..tip"), each before its parents. It walks by commit date from
// both sides, as git does, so that it stops near the fork point instead of
// walking the base's whole history. A missing parent (shallow clone) ends
// that line of history.
func commitsBetween(s storer.EncodedObjectStorer, tip plumbing.Hash, stops ...plumbing.Hash) ([]*object.Commit, error) {
	const (
		wanted = 1 << iota
		stop
	)
	flags := map[plumbing.Hash]int{}
	commits := map[plumbing.Hash]*object.Commit{}
	q := &commitQueue{}
	onlyWanted := 0 // commits marked wanted and not (yet) stop
	mark := func(h plumbing.Hash, f int) {
		old := flags[h]
		if h.IsZero() || old&f == f {
			return
		}
		c := commits[h]
		if c == nil {
			var err error
			if c, err = object.GetCommit(s, h); err != nil {
				return // outside a shallow clone's history
			}
			commits[h] = c
		}
		flags[h] |= f
		if old == wanted {
			onlyWanted--
		}
		if flags[h] == wanted {
			onlyWanted++
		}
		heap.Push(q, c)
	}
	mark(tip, wanted)
	for _, h := range stops {
		mark(h, stop)
	}
	// Walk while a commit that may be wanted is waiting; a few extra steps
	// allow for clocks that were not quite right.
	slop := 5
	for q.Len() > 0 {
		if !q.anyOnly(flags, wanted) {
			if slop == 0 {
				break
			}
			slop--
		}
		c := heap.Pop(q).(*object.Commit)
		f := flags[c.Hash]
		if f&stop != 0 {
			f = stop
		}
		for _, p := range c.ParentHashes {
			mark(p, f)
		}
		if onlyWanted > maxBranchCommits {
			return nil, inputs.Errorf(inputs.BaseBranch, ErrTooManyCommits, fmt.Sprintf("%v (more than %d): is the base branch right?", ErrTooManyCommits, maxBranchCommits))
		}
	}
	in := map[plumbing.Hash]bool{}
	for h, f := range flags {
		if f == wanted {
			in[h] = true
		}
	}
	return topoOrder(commits, in, tip), nil
}

// topoOrder lists the commits of in, each before its parents (dates can
// tie, or lie), starting from tip.
func topoOrder(commits map[plumbing.Hash]*object.Commit, in map[plumbing.Hash]bool, tip plumbing.Hash) []*object.Commit {
	var post []*object.Commit
	seen := map[plumbing.Hash]bool{}
	var visit func(h plumbing.Hash)
	visit = func(h plumbing.Hash) {
		if !in[h] || seen[h] {
			return
		}
		seen[h] = true
		for _, p := range commits[h].ParentHashes {
			visit(p)
		}
		post = append(post, commits[h])
	}
	visit(tip)
	for i, j := 0, len(post)-1; i < j; i, j = i+1, j-1 {
		post[i], post[j] = post[j], post[i]
	}
	return post
}

// boundary is the parent through which commits (as commitsBetween lists
// them) leave for the base: the one parent outside the list, or zero when
// there are several (a merge) or none.
func boundary(commits []*object.Commit) plumbing.Hash {
	in := map[plumbing.Hash]bool{}
	for _, c := range commits {
		in[c.Hash] = true
	}
	var out []plumbing.Hash
	for _, c := range commits {
		for _, p := range c.ParentHashes {
			if !in[p] {
				out = append(out, p)
			}
		}
	}
	if len(out) != 1 {
		return plumbing.ZeroHash
	}
	return out[0]
}

// commitQueue orders commits newest first.
type commitQueue []*object.Commit

func (q commitQueue) Len() int { return len(q) }
func (q commitQueue) Less(i, j int) bool {
	return q[i].Committer.When.After(q[j].Committer.When)
}
func (q commitQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *commitQueue) Push(x any)   { *q = append(*q, x.(*object.Commit)) }
func (q *commitQueue) Pop() any {
	old := *q
	c := old[len(old)-1]
	*q = old[:len(old)-1]
	return c
}

func (q commitQueue) anyOnly(flags map[plumbing.Hash]int, f int) bool {
	for _, c := range q {
		if flags[c.Hash] == f {
			return true
		}
	}
	return false
}

// CommitInfo is one commit as the plan shows it.
type CommitInfo struct {
	Hash    string   `json:"hash"`
	Subject string   `json:"subject"`
	Files   []string `json:"files,omitempty"`
}

func info(c *object.Commit, files []string) CommitInfo {
	subject, _, _ := strings.Cut(strings.TrimSpace(c.Message), "\n")
	return CommitInfo{Hash: c.Hash.String(), Subject: subject, Files: files}
}

// commitChanges is what a commit changed against its first parent (against
// nothing for a root commit), with the content of both sides.
func commitChanges(s storer.EncodedObjectStorer, c *object.Commit) ([]Change, error) {
	to, err := c.Tree()
	if err != nil {
		return nil, err
	}
	var from *object.Tree
	if len(c.ParentHashes) > 0 {
		parent, err := object.GetCommit(s, c.ParentHashes[0])
		if err != nil {
			return nil, fmt.Errorf("commit %s: its parent is missing (shallow clone?): %w", c.Hash.String()[:10], err)
		}
		if from, err = parent.Tree(); err != nil {
			return nil, err
		}
	}
	return treeChanges(s, from, to)
}

// treeChanges lists the files that differ between two trees (nil: empty),
// sorted by path. It descends only into folders whose hashes differ, so its
// cost follows the change, not the repository (go-git's DiffTree reads
// every subtree of the root).
func treeChanges(s storer.EncodedObjectStorer, from, to *object.Tree) ([]Change, error) {
	var out []Change
	if err := diffTrees(s, "", from, to, &out); err != nil {
		return nil, err
	}
	sortChanges(out)
	return out, nil
}

func diffTrees(s storer.EncodedObjectStorer, prefix string, from, to *object.Tree, out *[]Change) error {
	entries := func(t *object.Tree) map[string]object.TreeEntry {
		m := map[string]object.TreeEntry{}
		if t != nil {
			for _, e := range t.Entries {
				if e.Mode != filemode.Submodule { // a gitlink names a commit of another repository
					m[e.Name] = e
				}
			}
		}
		return m
	}
	a, b := entries(from), entries(to)
	subtree := func(e object.TreeEntry, ok bool) (*object.Tree, error) {
		if !ok || e.Mode != filemode.Dir {
			return nil, nil
		}
		return object.GetTree(s, e.Hash)
	}
	visit := func(name string) error {
		ea, inA := a[name]
		eb, inB := b[name]
		if inA && inB && ea.Hash == eb.Hash && ea.Mode == eb.Mode {
			return nil
		}
		p := prefix + name
		ta, err := subtree(ea, inA)
		if err != nil {
			return err
		}
		tb, err := subtree(eb, inB)
		if err != nil {
			return err
		}
		if ta != nil || tb != nil { // the folder side(s)
			if err := diffTrees(s, p+"/", ta, tb, out); err != nil {
				return err
			}
		}
		fileA, fileB := inA && ta == nil, inB && tb == nil
		if !fileA && !fileB {
			return nil
		}
		ch := Change{Path: p, Action: "modified"}
		switch {
		case !fileA:
			ch.Action = "added"
		case !fileB:
			ch.Action = "deleted"
		}
		if fileA {
			if ch.Before, err = blobBytes(s, ea.Hash); err != nil {
				return err
			}
		}
		if fileB {
			if ch.After, err = blobBytes(s, eb.Hash); err != nil {
				return err
			}
		}
		*out = append(*out, ch)
		return nil
	}
	for name := range a {
		if err := visit(name); err != nil {
			return err
		}
	}
	for name := range b {
		if _, seen := a[name]; !seen {
			if err := visit(name); err != nil {
				return err
			}
		}
	}
	return nil
}

func blobBytes(s storer.EncodedObjectStorer, h plumbing.Hash) ([]byte, error) {
	blob, err := object.GetBlob(s, h)
	if err != nil {
		return nil, err
	}
	r, err := blob.Reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}

func fileBytes(f *object.File) ([]byte, error) {
	text, err := f.Contents()
	return []byte(text), err
}
