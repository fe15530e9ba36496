package session

import (
	"encoding/json"
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

// FuzzParse: whatever a state file holds (edited by hand, cut short by a full
// disk), reading it never panics, and what it reads survives being written the
// way Save writes it and read again.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`{"integration":"acme","case":"new","published_app_uuid":"0f3c0d1e-2a4b-4c6d-8e9f-001122334455","pull_request_url":"https://github.com/DataDog/integrations-extras/pull/7"}`,
		`{"scope_checks":{"run_id":"r","results":[{"site":"us1","scope":"dashboards_read","status":"pass"}]}}`,
		`{"case":7}`, `null`, `{`, ``, `[]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := Parse(b, "acme")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "is not valid JSON") {
				t.Fatalf("error %v", err)
			}
			return
		}
		if s.Integration != "acme" {
			t.Fatalf("integration %q", s.Integration)
		}
		saved, err := json.MarshalIndent(s, "", "  ") // what Save writes
		if err != nil {
			t.Fatal(err)
		}
		again, err := Parse(saved, "acme")
		if err != nil {
			t.Fatalf("a saved state does not read back: %v", err)
		}
		a, _ := json.Marshal(s)
		c, _ := json.Marshal(again)
		if string(a) != string(c) {
			t.Fatalf("changed by a save:\n%s\n%s", a, c)
		}
	})
}
