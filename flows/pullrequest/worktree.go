package pullrequest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/gitignore"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// folderTree builds the tree `git add -A <dir>` stages for an integration's
// folder: every file of the working tree except what git ignores (the
// .gitignore files from the root down, .git/info/exclude, core.excludesFile),
// tracked files kept even when a pattern matches them, hidden folders
// included, symbolic links stored as links, the executable bit kept.
// tracked lists the paths git already knows under dir (index and parent
// tree). It returns emptyTree when nothing is left.
type folderTree struct {
	root    string
	objs    *overlay
	tracked map[string]bool
	// files are the paths of the result with their entries, for the index.
	files map[string]object.TreeEntry
}

func (ft *folderTree) build(dir string, patterns []gitignore.Pattern) (plumbing.Hash, error) {
	return ft.walk(dir, patterns, false)
}

func (ft *folderTree) walk(rel string, patterns []gitignore.Pattern, ignoredDir bool) (plumbing.Hash, error) {
	full := filepath.Join(ft.root, filepath.FromSlash(rel))
	domain := strings.Split(rel, "/")
	if !ignoredDir {
		ps, err := readIgnoreFile(filepath.Join(full, ".gitignore"), domain)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		patterns = append(patterns[:len(patterns):len(patterns)], ps...)
	}
	match := gitignore.NewMatcher(patterns)
	entries, err := os.ReadDir(full)
	if errors.Is(err, fs.ErrNotExist) {
		return emptyTree, nil
	}
	if err != nil {
		return plumbing.ZeroHash, err
	}
	var out []object.TreeEntry
	for _, e := range entries {
		name := e.Name()
		if name == ".git" {
			continue
		}
		p := rel + "/" + name
		parts := append(domain[:len(domain):len(domain)], name)
		switch t := e.Type(); {
		case t.IsDir():
			if _, err := os.Lstat(filepath.Join(full, name, ".git")); err == nil {
				continue // another repository inside: not part of this one
			}
			ignored := ignoredDir || match.Match(parts, true)
			if ignored && !ft.tracksUnder(p) {
				continue // git does not look into an ignored folder
			}
			h, err := ft.walk(p, patterns, ignored)
			if err != nil {
				return plumbing.ZeroHash, err
			}
			if h != emptyTree {
				out = append(out, object.TreeEntry{Name: name, Mode: filemode.Dir, Hash: h})
			}
		case t.IsRegular() || t&fs.ModeSymlink != 0:
			if !ft.tracked[p] && (ignoredDir || match.Match(parts, false)) {
				continue
			}
			entry, err := ft.fileEntry(filepath.Join(full, name), name, t&fs.ModeSymlink != 0)
			if err != nil {
				return plumbing.ZeroHash, err
			}
			ft.files[p] = entry
			out = append(out, entry)
		}
		// Sockets, pipes and devices: git add refuses them; they are left out.
	}
	if len(out) == 0 {
		return emptyTree, nil
	}
	return ft.objs.tree(out)
}

func (ft *folderTree) fileEntry(full, name string, link bool) (object.TreeEntry, error) {
	if link {
		target, err := os.Readlink(full)
		if err != nil {
			return object.TreeEntry{}, err
		}
		h, err := ft.objs.blob([]byte(filepath.ToSlash(target)))
		return object.TreeEntry{Name: name, Mode: filemode.Symlink, Hash: h}, err
	}
	st, err := os.Stat(full)
	if err != nil {
		return object.TreeEntry{}, err
	}
	b, err := os.ReadFile(full)
	if err != nil {
		return object.TreeEntry{}, err
	}
	h, err := ft.objs.blob(b)
	mode := filemode.Regular
	if st.Mode().Perm()&0o100 != 0 { // git keeps the owner's executable bit
		mode = filemode.Executable
	}
	return object.TreeEntry{Name: name, Mode: mode, Hash: h}, err
}

func (ft *folderTree) tracksUnder(dir string) bool {
	for p := range ft.tracked {
		if strings.HasPrefix(p, dir+"/") {
			return true
		}
	}
	return false
}

// ignorePatterns are the patterns that apply above dir, lowest priority
// first: core.excludesFile, .git/info/exclude, then the .gitignore of the
// root and of each folder down to dir's parent.
func ignorePatterns(repo *git.Repository, root, dir string, getenv func(string) string) ([]gitignore.Pattern, error) {
	var ps []gitignore.Pattern
	if f := excludesFile(repo, getenv); f != "" {
		global, err := readIgnoreFile(f, nil)
		if err != nil {
			return nil, err
		}
		ps = append(ps, global...)
	}
	exclude, err := readIgnoreFile(filepath.Join(root, ".git", "info", "exclude"), nil)
	if err != nil {
		return nil, err
	}
	ps = append(ps, exclude...)
	var domain []string
	parts := strings.Split(dir, "/")
	for i := 0; i < len(parts); i++ {
		more, err := readIgnoreFile(filepath.Join(root, filepath.FromSlash(path.Join(domain...)), ".gitignore"), domain)
		if err != nil {
			return nil, err
		}
		ps = append(ps, more...)
		domain = append(domain, parts[i])
	}
	return ps, nil
}

// excludesFile is core.excludesFile (the clone's, then the user's), else
// git's default $XDG_CONFIG_HOME/git/ignore. getenv is the environment as
// the caller has it (nil: none).
func excludesFile(repo *git.Repository, getenv func(string) string) string {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	home := getenv("HOME")
	for _, load := range []func() (*config.Config, error){repo.Config, func() (*config.Config, error) { return config.LoadConfig(config.GlobalScope) }} {
		if c, err := load(); err == nil && c.Raw != nil {
			if f := c.Raw.Section("core").Options.Get("excludesfile"); f != "" {
				if rest, ok := strings.CutPrefix(f, "~/"); ok && home != "" {
					f = filepath.Join(home, rest)
				}
				return f
			}
		}
	}
	if x := getenv("XDG_CONFIG_HOME"); x != "" {
		return filepath.Join(x, "git", "ignore")
	}
	if home != "" {
		return filepath.Join(home, ".config", "git", "ignore")
	}
	return ""
}

// readIgnoreFile reads one ignore file; a missing file has no patterns.
func readIgnoreFile(file string, domain []string) ([]gitignore.Pattern, error) {
	b, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", file, err)
	}
	var ps []gitignore.Pattern
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := strings.TrimSuffix(sc.Text(), "\r")
		if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
			continue
		}
		ps = append(ps, gitignore.ParsePattern(line, domain))
	}
	return ps, nil
}
