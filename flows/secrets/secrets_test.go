package secrets

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMask(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"abc", "****"},
		{"abcdefgh", "…efgh"},
		{"ddoauth_secret_1234567890abcd", "ddoa…abcd"},
	}
	for _, tt := range tests {
		if got := Mask(tt.in); got != tt.want {
			t.Errorf("Mask(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFileStoreIs0600AndRoundTrips(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "secrets.json")
	f := &File{Path: path}
	if _, err := f.Get("x"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("empty store: %v", err)
	}
	if err := f.Set("a/b", "v1"); err != nil {
		t.Fatal(err)
	}
	if err := f.Set("c", "v2"); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, want 0600", st.Mode().Perm())
	}
	if v, _ := f.Get("a/b"); v != "v1" {
		t.Fatalf("got %q", v)
	}
	if err := f.Delete("a/b"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Get("a/b"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("after delete: %v", err)
	}
}

func TestFileStoreCorrupt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "secrets.json")
	os.WriteFile(path, []byte("{not json"), 0o600)
	_, err := (&File{Path: path}).Get("x")
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("want an error naming the file, got %v", err)
	}
}

type brokenStore struct{}

func (brokenStore) Get(string) (string, error) { return "", errors.New("no dbus") }
func (brokenStore) Set(string, string) error   { return errors.New("no dbus") }
func (brokenStore) Delete(string) error        { return errors.New("no dbus") }
func (brokenStore) Where() string              { return "broken" }

func TestFallbackWarnsOnceAndUsesFile(t *testing.T) {
	var warnings []string
	file := &File{Path: filepath.Join(t.TempDir(), "s.json")}
	fb := &Fallback{Primary: brokenStore{}, Secondary: file, Warn: func(s string) { warnings = append(warnings, s) }}
	if err := fb.Set("k", "canary-value"); err != nil {
		t.Fatal(err)
	}
	if err := fb.Set("k2", "v"); err != nil {
		t.Fatal(err)
	}
	if v, err := fb.Get("k"); err != nil || v != "canary-value" {
		t.Fatalf("got %q, %v", v, err)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "0600") {
		t.Fatalf("warnings = %q", warnings)
	}
	for _, w := range warnings {
		if strings.Contains(w, "canary-value") {
			t.Fatal("warning leaks the secret")
		}
	}
}
