package pullrequest

import (
	"container/heap"
	"errors"
	"fmt"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
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
			return nil, fmt.Errorf("%w (more than %d): is the base branch right? Pass --base-branch", ErrTooManyCommits, maxBranchCommits)
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
	return treeChanges(from, to)
}

// treeChanges lists the files that differ between two trees (nil: empty).
func treeChanges(from, to *object.Tree) ([]Change, error) {
	diffs, err := object.DiffTree(from, to)
	if err != nil {
		return nil, err
	}
	var out []Change
	for _, d := range diffs {
		a, b, err := d.Files()
		if err != nil {
			return nil, err
		}
		var ch Change
		switch {
		case a == nil:
			ch = Change{Path: d.To.Name, Action: "added"}
		case b == nil:
			ch = Change{Path: d.From.Name, Action: "deleted"}
		default:
			ch = Change{Path: d.To.Name, Action: "modified"}
		}
		if a != nil {
			if ch.Before, err = fileBytes(a); err != nil {
				return nil, err
			}
		}
		if b != nil {
			if ch.After, err = fileBytes(b); err != nil {
				return nil, err
			}
		}
		out = append(out, ch)
	}
	sortChanges(out)
	return out, nil
}

func fileBytes(f *object.File) ([]byte, error) {
	text, err := f.Contents()
	return []byte(text), err
}
