package secrets

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zalando/go-keyring"
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

// slowKeyring answers after a delay, as a locked keyring does while its
// unlock dialog waits for the password.
type slowKeyring struct {
	delay time.Duration
	mu    sync.Mutex
	m     map[string]string
}

func (s *slowKeyring) Get(_, u string) (string, error) {
	time.Sleep(s.delay)
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[u]
	if !ok {
		return "", keyring.ErrNotFound
	}
	return v, nil
}

func (s *slowKeyring) Set(_, u, p string) error {
	time.Sleep(s.delay)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[u] = p
	return nil
}

func (s *slowKeyring) Delete(_, u string) error { return nil }

// A keyring that is slow to answer is not silently traded for the file:
// asked, the user can wait for it (the secret lands in the keyring); told
// no — or with nobody to ask — the file is used and the warning says why
// and where.
func TestSlowKeyringAsksOrSaysWhereSecretsWent(t *testing.T) {
	for _, tt := range []struct {
		name      string
		wait      func(time.Duration) bool
		inKeyring bool
	}{
		{"waits when asked to", func(time.Duration) bool { return true }, true},
		{"falls back when told not to wait", func(time.Duration) bool { return false }, false},
		{"falls back with nobody to ask", nil, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			kr := &slowKeyring{delay: 150 * time.Millisecond, m: map[string]string{}}
			file := &File{Path: filepath.Join(t.TempDir(), "secrets.json")}
			var warnings []string
			asked := 0
			wait := tt.wait
			if wait != nil {
				wait = func(d time.Duration) bool { asked++; return tt.wait(d) }
			}
			fb := &Fallback{Primary: Keyring{Service: "oauthwiz", Timeout: 50 * time.Millisecond, Wait: wait, Backend: kr}, Secondary: file,
				Warn: func(s string) { warnings = append(warnings, s) }}
			if err := fb.Set("acme/us1/test/client_secret", "canary-secret-value"); err != nil {
				t.Fatal(err)
			}
			_, fileErr := file.Get("acme/us1/test/client_secret")
			if tt.inKeyring {
				if kr.m["acme/us1/test/client_secret"] != "canary-secret-value" || fileErr == nil || len(warnings) != 0 || asked == 0 {
					t.Fatalf("keyring %v, file %v, warnings %q, asked %d", kr.m, fileErr, warnings, asked)
				}
				return
			}
			if fileErr != nil || len(warnings) != 1 || !strings.Contains(warnings[0], "did not answer") || !strings.Contains(warnings[0], file.Path) ||
				!strings.Contains(warnings[0], "OAUTHWIZ_KEYRING=file") || !strings.Contains(fb.Where(), file.Path) ||
				!strings.Contains(fb.Where(), "not the OS keyring") || !strings.Contains(fb.Where(), "did not answer") {
				t.Fatalf("file %v, warnings %q, where %s", fileErr, warnings, fb.Where())
			}
		})
	}
}

// A secret is found only for the client it was stored for; one an older
// version kept under the site alone is found for the client its token names.
func TestClientSecretIsKeyedByClientID(t *testing.T) {
	ns := Namespace{Integration: "acme", Site: "us1", Kind: Test}
	tests := []struct {
		name     string
		setup    func(s *Memory)
		clientID string
		want     string // "" means not found
	}{
		{"stored for the client", func(s *Memory) { s.Set(ns.ClientSecretKey("client-a"), "secret-a") }, "client-a", "secret-a"},
		{"another client on the same site", func(s *Memory) { s.Set(ns.ClientSecretKey("client-a"), "secret-a") }, "client-b", ""},
		{"no client ID", func(s *Memory) { s.Set(ns.ClientSecretKey(""), "secret-blank") }, "", ""},
		{"legacy key, token of the same client", func(s *Memory) {
			s.Set(ns.legacyClientSecretKey(), "old-secret")
			PutJSON(s, ns.TokenKey(), TokenRecord{ClientID: "client-a"})
		}, "client-a", "old-secret"},
		{"legacy key, token of another client", func(s *Memory) {
			s.Set(ns.legacyClientSecretKey(), "old-secret")
			PutJSON(s, ns.TokenKey(), TokenRecord{ClientID: "client-a"})
		}, "client-b", ""},
		{"new key wins over legacy", func(s *Memory) {
			s.Set(ns.legacyClientSecretKey(), "old-secret")
			s.Set(ns.ClientSecretKey("client-a"), "new-secret")
			PutJSON(s, ns.TokenKey(), TokenRecord{ClientID: "client-a"})
		}, "client-a", "new-secret"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &Memory{}
			tt.setup(s)
			got, err := ClientSecret(s, ns, tt.clientID)
			if tt.want == "" {
				if !IsNotFound(err) {
					t.Fatalf("got %q, %v; want not found", got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

// The canaries hold the secrets of the recorded clients and of the
// clients the tokens name, each once.
func TestKnownFollowsClientIDs(t *testing.T) {
	s := &Memory{}
	us1 := Namespace{Integration: "acme", Site: "us1", Kind: Test}
	eu1 := Namespace{Integration: "acme", Site: "eu1", Kind: Published}
	PutJSON(s, us1.TokenKey(), TokenRecord{ClientID: "a", AccessToken: "tok-a"})
	s.Set(us1.ClientSecretKey("a"), "secret-a")
	s.Set(eu1.ClientSecretKey("imported"), "secret-imported")
	s.Set(eu1.ClientSecretKey("forgotten"), "secret-forgotten")
	got := strings.Join(Known(s, "acme", []string{"us1", "eu1"}, []string{"a", "imported"}), ",")
	if got != "secret-a,tok-a,,secret-imported" {
		t.Fatalf("known = %q", got)
	}
}

// The unusable keyring is announced once, not on every command: a later
// run with the same reason is quiet; another reason is said again.
func TestKeyringWarningOnceAcrossRuns(t *testing.T) {
	dir := t.TempDir()
	told := filepath.Join(dir, "state", "keyring-warning")
	run := func(primary Store) []string {
		var warnings []string
		fb := &Fallback{Primary: primary, Secondary: &File{Path: filepath.Join(dir, "s.json")}, Warn: func(s string) { warnings = append(warnings, s) }, Told: told}
		if err := fb.Set("k", "v"); err != nil {
			t.Fatal(err)
		}
		return warnings
	}
	if w := run(brokenStore{}); len(w) != 1 || !strings.Contains(w[0], "said once") {
		t.Fatalf("first run: %q", w)
	}
	if w := run(brokenStore{}); len(w) != 0 {
		t.Fatalf("second run warned again: %q", w)
	}
	if w := run(otherBrokenStore{}); len(w) != 1 {
		t.Fatalf("a new reason was not said: %q", w)
	}
}

// otherBrokenStore fails for another reason than brokenStore.
type otherBrokenStore struct{ brokenStore }

func (otherBrokenStore) Set(string, string) error {
	return errors.New("the keyring is locked by another reason")
}
