package session

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	s, err := Load(dir, "acme")
	if err != nil || s.Integration != "acme" || s.PublishedAppUUID != "" {
		t.Fatalf("empty: %+v %v", s, err)
	}
	s.Case, s.PublishedAppUUID = "new", "5b1e5b6e-0d4a-4a8e-9c1f-2d3e4f5a6b7c"
	if err := Update(dir, "acme", func(st *State) error { st.Case, st.PublishedAppUUID = s.Case, s.PublishedAppUUID; return nil }); err != nil {
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
	if err := Update(dir, "broken", func(*State) error { return nil }); err == nil || !strings.Contains(err.Error(), "broken.json") {
		t.Fatalf("an update must not write over a corrupt file: %v", err)
	}
	if b, _ := os.ReadFile(Path(dir, "broken")); string(b) != "{" {
		t.Fatalf("the corrupt file was replaced: %q", b)
	}
	if p := Path(dir, "../../etc/passwd"); strings.Count(p[len(dir):], "/") != 2 {
		t.Fatalf("a name must not escape the folder: %s", p)
	}
}

// FuzzParse: whatever a state file holds (edited by hand, cut short by a full
// disk), reading it never panics, and what it reads survives being written the
// way Update writes it and read again.
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
		saved, err := json.MarshalIndent(s, "", "  ") // what Update writes
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

// helperEnv makes the test binary, started again, record one scope run or
// one imported client in a shared state folder.
const helperEnv = "OAUTHWIZ_TEST_SESSION_HELPER"

// TestHelperSessionProcess is not a test: TestUpdateAcrossProcesses runs it
// in child processes.
func TestHelperSessionProcess(t *testing.T) {
	dir := os.Getenv(helperEnv)
	if dir == "" {
		t.Skip("run by TestUpdateAcrossProcesses")
	}
	site := os.Getenv("HELPER_SITE")
	for i := 0; i < 20; i++ {
		err := Update(dir, "acme", func(s *State) error {
			s.SetClient(site, "test", ClientRecord{ClientID: site + "-client"})
			s.SetPublishedTest(site+"-"+strconv.Itoa(i), time.Unix(int64(i), 0))
			return nil
		})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
	}
}

// Six processes (one per site) record into the same state file at once:
// every record survives.
func TestUpdateAcrossProcesses(t *testing.T) {
	dir := t.TempDir()
	sites := []string{"us1", "us3", "us5", "eu1", "ap1", "ap2"}
	var wg sync.WaitGroup
	for _, site := range sites {
		wg.Add(1)
		go func(site string) {
			defer wg.Done()
			cmd := exec.Command(os.Args[0], "-test.run=^TestHelperSessionProcess$", "-test.count=1")
			cmd.Env = append(os.Environ(), helperEnv+"="+dir, "HELPER_SITE="+site)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("%s: %v\n%s", site, err, out)
			}
		}(site)
	}
	wg.Wait()
	s, err := Load(dir, "acme")
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Clients) != len(sites) || len(s.PublishedTests) != 20*len(sites) {
		t.Fatalf("%d clients, %d re-tests recorded; want %d and %d", len(s.Clients), len(s.PublishedTests), len(sites), 20*len(sites))
	}
}
