package readme

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// manifestWithSupport is the integration package's manifest.json fixture.
var manifestWithSupport = func() string {
	b, err := os.ReadFile("../integration/testdata/manifest_with_support.json")
	if err != nil {
		panic(err)
	}
	return string(b)
}()

func TestPlansWriteOnlyWhatWasPreviewed(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "README.md"), []byte(head+setup+support+refs), 0o640)
	os.WriteFile(filepath.Join(dir, "manifest.json"), []byte(manifestWithSupport), 0o644)
	r, err := PlanReadme(dir, "")
	if err != nil || r == nil || !strings.Contains(string(r.After), "filter=Acme") {
		t.Fatalf("plan readme: %v %+v", err, r)
	}
	if !strings.Contains(r.Diff(), "+## Uninstallation") {
		t.Fatalf("diff:\n%s", r.Diff())
	}
	m, err := PlanManifest(dir, "")
	if err != nil || m == nil {
		t.Fatalf("plan manifest: %v", err)
	}
	// Someone edits the README after the preview: the write is refused.
	os.WriteFile(r.Path, []byte(head+setup+support+refs+"more\n"), 0o640)
	if err := r.Write(); err == nil || !strings.Contains(err.Error(), "changed since the preview") {
		t.Fatalf("stale plan: %v", err)
	}
	if err := m.Write(); err != nil {
		t.Fatal(err)
	}
	if again, err := PlanManifest(dir, ""); err != nil || again != nil {
		t.Fatalf("second plan: %v %v", again, err)
	}
	st, _ := os.Stat(r.Path)
	if st.Mode().Perm() != 0o640 {
		t.Fatalf("mode changed: %v", st.Mode())
	}
	os.WriteFile(filepath.Join(dir, "manifest.json"), []byte(`{"tile": {}}`), 0o644)
	os.WriteFile(filepath.Join(dir, "README.md"), []byte("## Setup\n"), 0o644)
	if _, err := PlanManifest(dir, ""); err != ErrNothingToFix {
		t.Fatalf("not OAuth: %v", err)
	}
}

// A read-only file and a symlinked README are refused (before the preview
// and at the write), not replaced by a regular, writable file.
func TestFixRefusesLinksAndReadOnlyFiles(t *testing.T) {
	for _, tt := range []struct {
		name, want string
		set        func(t *testing.T, dir string) *FileEdit
	}{
		{"symlinked README", "symbolic link", func(t *testing.T, dir string) *FileEdit {
			shared := filepath.Join(dir, "..", "shared-README.md")
			os.WriteFile(shared, []byte(head+setup+support+refs), 0o644)
			os.Remove(filepath.Join(dir, "README.md"))
			os.Symlink(shared, filepath.Join(dir, "README.md"))
			_, err := PlanReadme(dir, "")
			if err == nil || !strings.Contains(err.Error(), "symbolic link") {
				t.Fatalf("plan: %v", err)
			}
			return &FileEdit{Path: filepath.Join(dir, "README.md"), Before: []byte(head + setup + support + refs), After: []byte("x")}
		}},
		{"read-only manifest", "read-only", func(t *testing.T, dir string) *FileEdit {
			p := filepath.Join(dir, "manifest.json")
			os.Chmod(p, 0o444)
			_, err := PlanManifest(dir, "")
			if err == nil || !strings.Contains(err.Error(), "read-only") {
				t.Fatalf("plan: %v", err)
			}
			return &FileEdit{Path: p, Before: []byte(manifestWithSupport), After: []byte("{}")}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "acme")
			os.Mkdir(dir, 0o755)
			os.WriteFile(filepath.Join(dir, "README.md"), []byte(head+setup+support+refs), 0o644)
			os.WriteFile(filepath.Join(dir, "manifest.json"), []byte(manifestWithSupport), 0o644)
			edit := tt.set(t, dir)
			before, _ := os.Lstat(edit.Path)
			if err := edit.Write(); !errors.Is(err, ErrNotEditable) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("write: %v", err)
			}
			after, _ := os.Lstat(edit.Path)
			if after.Mode() != before.Mode() {
				t.Fatalf("the file changed from %v to %v", before.Mode(), after.Mode())
			}
		})
	}
}

// The previews are minimal, as git diff shows them: on doppler's README
// (an H3 Uninstallation section under Data Collected) and the generated
// one, no line is shown deleted and added again, and the unchanged rest of
// the file is not in the diff.
func TestDiffsAreMinimal(t *testing.T) {
	for _, dir := range []string{"testdata/doppler", "../../checks/testdata/h3-uninstallation"} {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			work := filepath.Join(t.TempDir(), filepath.Base(dir))
			if err := os.CopyFS(work, os.DirFS(dir)); err != nil {
				t.Fatal(err)
			}
			edit, err := PlanReadme(work, TileTitle(work))
			if err != nil {
				t.Fatal(err)
			}
			diff := edit.Diff()
			removed, added, context := map[string]bool{}, 0, 0
			for _, l := range strings.Split(diff, "\n") {
				switch {
				case strings.HasPrefix(l, "---"), strings.HasPrefix(l, "+++"), strings.HasPrefix(l, "@@"):
				case strings.HasPrefix(l, "-"):
					removed[l[1:]] = true
				case strings.HasPrefix(l, "+"):
					added++
					if removed[l[1:]] && strings.TrimSpace(l[1:]) != "" {
						t.Errorf("%q is shown deleted and added again:\n%s", l[1:], diff)
					}
				case strings.HasPrefix(l, " "):
					context++
				}
			}
			before := strings.Count(string(edit.Before), "\n")
			if added == 0 || len(removed)+added+context >= before {
				t.Fatalf("the diff is not minimal (%d removed, %d added, %d context of %d lines):\n%s", len(removed), added, context, before, diff)
			}
		})
	}
}

// doppler's README has an H3 Setup (no '## Setup' to move the section
// after) and an H3 Uninstallation whose anchor works: the fix completes
// the section where it is instead of refusing.
func TestFixCompletesASectionThatCannotMove(t *testing.T) {
	before, err := os.ReadFile("testdata/doppler/README.md")
	if err != nil {
		t.Fatal(err)
	}
	after, changed, err := FixReadme(before, "Doppler")
	if err != nil || !changed {
		t.Fatalf("changed=%v err=%v", changed, err)
	}
	if !strings.Contains(string(after), "### Uninstallation\n\n- Go to your") || !strings.Contains(string(after), RevokeSentence("Doppler")) || !linesKept(string(before), string(after)) {
		t.Fatalf("after:\n%s", after)
	}
	if _, again, err := FixReadme(after, "Doppler"); again || err != nil {
		t.Fatalf("a second run changes it again: %v %v", again, err)
	}
}
