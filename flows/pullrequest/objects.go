package pullrequest

import (
	"sort"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// overlay holds the objects a plan makes (blobs, trees, the commit) in
// memory over the repository's object store, so that a dry run writes
// nothing and a real run writes them only once everything was checked.
type overlay struct {
	storer.EncodedObjectStorer
	pending map[plumbing.Hash]plumbing.EncodedObject
}

func newOverlay(s storer.EncodedObjectStorer) *overlay {
	return &overlay{EncodedObjectStorer: s, pending: map[plumbing.Hash]plumbing.EncodedObject{}}
}

func (o *overlay) NewEncodedObject() plumbing.EncodedObject { return &plumbing.MemoryObject{} }

func (o *overlay) SetEncodedObject(obj plumbing.EncodedObject) (plumbing.Hash, error) {
	h := obj.Hash()
	o.pending[h] = obj
	return h, nil
}

func (o *overlay) EncodedObject(t plumbing.ObjectType, h plumbing.Hash) (plumbing.EncodedObject, error) {
	if obj, ok := o.pending[h]; ok && (t == plumbing.AnyObject || obj.Type() == t) {
		return obj, nil
	}
	return o.EncodedObjectStorer.EncodedObject(t, h)
}

func (o *overlay) HasEncodedObject(h plumbing.Hash) error {
	if _, ok := o.pending[h]; ok {
		return nil
	}
	return o.EncodedObjectStorer.HasEncodedObject(h)
}

func (o *overlay) EncodedObjectSize(h plumbing.Hash) (int64, error) {
	if obj, ok := o.pending[h]; ok {
		return obj.Size(), nil
	}
	return o.EncodedObjectStorer.EncodedObjectSize(h)
}

// flush writes the pending objects into the repository.
func (o *overlay) flush() error {
	for _, obj := range o.pending {
		if _, err := o.EncodedObjectStorer.SetEncodedObject(obj); err != nil {
			return err
		}
	}
	o.pending = map[plumbing.Hash]plumbing.EncodedObject{}
	return nil
}

func (o *overlay) blob(b []byte) (plumbing.Hash, error) {
	obj := o.NewEncodedObject()
	obj.SetType(plumbing.BlobObject)
	w, err := obj.Writer()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if _, err := w.Write(b); err != nil {
		return plumbing.ZeroHash, err
	}
	if err := w.Close(); err != nil {
		return plumbing.ZeroHash, err
	}
	return o.SetEncodedObject(obj)
}

// tree stores a tree made of entries, sorted the way git sorts them (a
// folder compares as "name/").
func (o *overlay) tree(entries []object.TreeEntry) (plumbing.Hash, error) {
	sort.Slice(entries, func(i, j int) bool { return treeKey(entries[i]) < treeKey(entries[j]) })
	obj := o.NewEncodedObject()
	if err := (&object.Tree{Entries: entries}).Encode(obj); err != nil {
		return plumbing.ZeroHash, err
	}
	return o.SetEncodedObject(obj)
}

func treeKey(e object.TreeEntry) string {
	if e.Mode == filemode.Dir {
		return e.Name + "/"
	}
	return e.Name
}

// graft returns the hash of tree t with the entries of edits put at their
// paths (a nil entry removes the path); subtrees without edits are reused.
// A folder left empty disappears, as in git.
func (o *overlay) graft(t *object.Tree, edits map[string]*object.TreeEntry) (plumbing.Hash, error) {
	entries := map[string]object.TreeEntry{}
	if t != nil {
		for _, e := range t.Entries {
			entries[e.Name] = e
		}
	}
	subs := map[string]map[string]*object.TreeEntry{}
	for p, e := range edits {
		name, rest, nested := strings.Cut(p, "/")
		if nested {
			if subs[name] == nil {
				subs[name] = map[string]*object.TreeEntry{}
			}
			subs[name][rest] = e
			continue
		}
		if e == nil {
			delete(entries, name)
		} else {
			entries[name] = object.TreeEntry{Name: name, Mode: e.Mode, Hash: e.Hash}
		}
	}
	for name, subEdits := range subs {
		var sub *object.Tree
		if e, ok := entries[name]; ok && e.Mode == filemode.Dir {
			var err error
			if sub, err = object.GetTree(o, e.Hash); err != nil {
				return plumbing.ZeroHash, err
			}
		}
		h, err := o.graft(sub, subEdits)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		if h == emptyTree {
			delete(entries, name)
		} else {
			entries[name] = object.TreeEntry{Name: name, Mode: filemode.Dir, Hash: h}
		}
	}
	list := make([]object.TreeEntry, 0, len(entries))
	for _, e := range entries {
		list = append(list, e)
	}
	return o.tree(list)
}

// emptyTree is the hash of the tree with no entries.
var emptyTree = plumbing.NewHash("4b825dc642cb6eb9a060e54bf8d69288fbee4904")
