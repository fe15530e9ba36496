package session

import (
	"os"
	"strings"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	s, err := Load(dir, "acme")
	if err != nil || s.Integration != "acme" || s.PublishedAppUUID != "" {
		t.Fatalf("empty: %+v %v", s, err)
	}
	s.Case, s.PublishedAppUUID = "new", "5b1e5b6e-0d4a-4a8e-9c1f-2d3e4f5a6b7c"
	if err := Save(dir, s); err != nil {
		t.Fatal(err)
	}
	got, err := Load(dir, "acme")
	if err != nil || got.Case != s.Case || got.PublishedAppUUID != s.PublishedAppUUID {
		t.Fatalf("got %+v %v", got, err)
	}
	os.WriteFile(Path(dir, "broken"), []byte("{"), 0o600)
	if _, err := Load(dir, "broken"); err == nil || !strings.Contains(err.Error(), "broken.json") {
		t.Fatalf("corrupt file: %v", err)
	}
	if p := Path(dir, "../../etc/passwd"); strings.Count(p[len(dir):], "/") != 2 {
		t.Fatalf("a name must not escape the folder: %s", p)
	}
}
