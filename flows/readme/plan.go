package readme

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/oauthwiz/oauthwiz/flows/atomic"
	"github.com/oauthwiz/oauthwiz/flows/integration"
	"github.com/oauthwiz/oauthwiz/flows/textdiff"
)

// FileEdit is a planned change to one file.
type FileEdit struct {
	Path          string
	Before, After []byte
}

// Diff is the change as a unified diff.
func (e *FileEdit) Diff() string {
	name := filepath.Base(e.Path)
	return textdiff.Unified("a/"+name, "b/"+name, string(e.Before), string(e.After))
}

// ErrNotEditable means a file is one oauthwiz must not replace.
var ErrNotEditable = errors.New("the file cannot be edited in place")

// editable refuses what an atomic write (a new file renamed over the old)
// would silently change: a symbolic link would become a regular file, and
// a read-only file would be replaced although its mode says not to.
func editable(path string) (os.FileInfo, error) {
	st, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	switch {
	case st.Mode()&os.ModeSymlink != 0:
		target, _ := os.Readlink(path)
		return nil, fmt.Errorf("%w: %s is a symbolic link (to %s); edit %s itself, or replace the link with the file", ErrNotEditable, path, target, target)
	case !st.Mode().IsRegular():
		return nil, fmt.Errorf("%w: %s is not a regular file", ErrNotEditable, path)
	case st.Mode().Perm()&0o200 == 0:
		return nil, fmt.Errorf("%w: %s is read-only (mode %v); make it writable ('chmod u+w %s') if it should change", ErrNotEditable, path, st.Mode().Perm(), path)
	}
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return nil, fmt.Errorf("%w: %s cannot be written: %v", ErrNotEditable, path, err)
	}
	f.Close()
	return st, nil
}

// Write applies the edit atomically, keeping the file's mode, and refuses if
// the file changed since the plan was made, or is a link or read-only.
func (e *FileEdit) Write() error {
	st, err := editable(e.Path)
	if err != nil {
		return err
	}
	now, err := os.ReadFile(e.Path)
	if err != nil {
		return err
	}
	if !bytes.Equal(now, e.Before) {
		return fmt.Errorf("%s changed since the preview: nothing written; look again", e.Path)
	}
	if err := atomic.WriteFile(e.Path, e.After, st.Mode().Perm()); err != nil {
		return fmt.Errorf("writing %s: %w (the file is unchanged)", e.Path, err)
	}
	return nil
}

// TileTitle returns tile.title of the folder's manifest, or the folder name.
func TileTitle(dir string) string {
	p := filepath.Join(dir, "manifest.json")
	if b, err := os.ReadFile(p); err == nil {
		if m, err := integration.ParseManifest(p, b); err == nil {
			if t, ok := m.StringValue(m.TileMember("title")); ok && t != "" {
				return t
			}
		}
	}
	return filepath.Base(filepath.Clean(dir))
}

// PlanReadme plans the README fix of an integration folder; nil means the
// README is already right.
func PlanReadme(dir, title string) (*FileEdit, error) {
	p := filepath.Join(dir, "README.md")
	before, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	if title == "" {
		title = TileTitle(dir)
	}
	after, changed, err := FixReadme(before, title)
	if err != nil {
		return nil, fmt.Errorf("%s: %w; nothing written", p, err)
	}
	if !changed {
		return nil, nil
	}
	if _, err := editable(p); err != nil {
		return nil, err
	}
	return &FileEdit{Path: p, Before: before, After: after}, nil
}

// ErrNothingToFix means the manifest needs no uninstallation key: not an
// OAuth integration, and its README has no uninstallation section.
var ErrNothingToFix = errors.New("nothing to fix: this is not an OAuth integration and its README has no uninstallation section")

// PlanManifest plans the manifest fix: tile.uninstallation for an OAuth
// integration (or one whose README has the section), and app_uuid when given.
// nil means the manifest is already right.
func PlanManifest(dir, appUUID string) (*FileEdit, error) {
	p := filepath.Join(dir, "manifest.json")
	before, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	m, err := integration.ParseManifest(p, before)
	if err != nil {
		return nil, err
	}
	edits := integration.ManifestEdits{AppUUID: strings.ToLower(appUUID)}
	rb, _ := os.ReadFile(filepath.Join(dir, "README.md"))
	if err := CheckShape(rb); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, "README.md"), err)
	}
	hasSection := len(rb) > 0 && Parse(rb).Uninstall() >= 0
	a := m.TopMember("assets")
	isOAuth := a != nil && bytes.Contains(before[a.ValStart:a.ValEnd], []byte(`"oauth"`))
	edits.Uninstallation = isOAuth || hasSection || m.TileMember("uninstallation") != nil
	if !edits.Uninstallation && edits.AppUUID == "" {
		return nil, ErrNothingToFix
	}
	after, changed, err := integration.FixManifest(p, before, edits)
	if err != nil || !changed {
		return nil, err
	}
	if _, err := editable(p); err != nil {
		return nil, err
	}
	return &FileEdit{Path: p, Before: before, After: after}, nil
}
