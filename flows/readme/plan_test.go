package readme

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

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
