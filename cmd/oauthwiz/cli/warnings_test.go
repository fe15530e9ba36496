package cli

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oauthwiz/oauthwiz/flows/secrets"
)

// lockedKeyring is an OS keyring that refuses every call.
type lockedKeyring struct{}

var errLocked = errors.New("the collection is locked")

func (lockedKeyring) Get(string) (string, error) { return "", errLocked }
func (lockedKeyring) Set(string, string) error   { return errLocked }
func (lockedKeyring) Delete(string) error        { return errLocked }
func (lockedKeyring) Where() string              { return "the OS keyring" }

// A keyring failing while the wizard's full screen is up: the warning is
// not written beneath the screen (where the next frame would hide it) but
// once the screen is gone, and the store's place, which the screens show,
// says why the secret is in the file.
func TestKeyringWarningWaitsForTheScreen(t *testing.T) {
	t.Parallel()
	var stderr bytes.Buffer
	warnings := &heldLines{w: &stderr}
	file := &secrets.File{Path: filepath.Join(t.TempDir(), "secrets.json")}
	store := &secrets.Fallback{Primary: lockedKeyring{}, Secondary: file, Warn: warnings.println}

	warnings.hold()
	if err := store.Set("acme/us1/test/client_secret", "canary-secret-value"); err != nil {
		t.Fatal(err)
	}
	if stderr.Len() != 0 {
		t.Fatalf("written under the full screen: %q", stderr.String())
	}
	if where := store.Where(); !strings.Contains(where, file.Path) || !strings.Contains(where, "not the OS keyring (the collection is locked)") {
		t.Fatalf("the screens would say the secret is in %q", where)
	}
	warnings.release()
	out := stderr.String()
	if !strings.Contains(out, "the OS keyring is not usable (the collection is locked)") || !strings.Contains(out, file.Path) || strings.Contains(out, "canary-secret-value") {
		t.Fatalf("after the screen: %q", out)
	}
	warnings.println("later")
	if !strings.HasSuffix(stderr.String(), "later\n") {
		t.Fatalf("not written once released: %q", stderr.String())
	}
}
