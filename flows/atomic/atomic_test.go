package atomic

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

func TestWriteFileReplacesAndKeepsMode(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "README.md")
	os.WriteFile(p, []byte("old"), 0o644)
	if err := WriteFile(p, []byte("new"), 0o640); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(p)
	st, _ := os.Stat(p)
	if string(b) != "new" || st.Mode().Perm() != 0o640 {
		t.Fatalf("%q %v", b, st.Mode())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("temporary files left: %v", entries)
	}
	if err := WriteFile(filepath.Join(dir, "missing", "x"), []byte("x"), 0o600); err == nil {
		t.Fatal("a missing folder must fail")
	}
}

func TestWriteFileClearsWhatAKilledWriterLeft(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "README.md")
	orphan := filepath.Join(dir, ".README.md.tmp-2147483646-123")                 // its writer is gone
	live := filepath.Join(dir, ".README.md.tmp-"+strconv.Itoa(os.Getppid())+"-9") // a write in progress elsewhere
	other := filepath.Join(dir, ".manifest.json.tmp-2147483646-5")                // another file's: not this write's business
	for _, f := range []string{orphan, live, other} {
		os.WriteFile(f, []byte("half"), 0o600)
	}
	if err := WriteFile(p, []byte("whole"), 0o644); err != nil {
		t.Fatal(err)
	}
	for f, want := range map[string]bool{orphan: false, live: true, other: true} {
		if _, err := os.Stat(f); (err == nil) != want {
			t.Errorf("%s: exists %v, want %v", filepath.Base(f), err == nil, want)
		}
	}
}
