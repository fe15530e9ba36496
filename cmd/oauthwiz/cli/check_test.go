package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	gogit "github.com/go-git/go-git/v5"
	"github.com/oauthwiz/oauthwiz/cmd/oauthwiz/cli"
	"github.com/oauthwiz/oauthwiz/flows/secrets"
	"github.com/oauthwiz/oauthwiz/flows/session"
)

const fixReadme = "# Acme\n\n## Overview\n\nAcme.\n\n## Setup\n\nConnect.\n\n### Uninstallation\n\nRemove the tile.\n\n## Support\n\nMail us.\n\n[1]: https://acme.example\n"
const fixManifest = "{\n  \"app_id\": \"acme\",\n  \"app_uuid\": \"0193a8e2-6f0c-7c3e-9d1a-2b4c6d8e0f12\",\n  \"tile\": {\n    \"support\": \"README.md#Support\",\n    \"title\": \"Acme Cloud\"\n  },\n  \"assets\": {\"oauth\": \"assets/oauth_clients.json\"}\n}\n"
const fixClients = `{"integration": {"redirect_uris": ["https://acme.example/cb"], "scopes": ["api_keys_write"], "onboarding_url": "https://acme.example/on", "client_role": "integration"}}`

func integrationDir(t *testing.T) string {
	dir := filepath.Join(t.TempDir(), "acme")
	os.MkdirAll(filepath.Join(dir, "assets"), 0o755)
	os.WriteFile(filepath.Join(dir, "README.md"), []byte(fixReadme), 0o644)
	os.WriteFile(filepath.Join(dir, "manifest.json"), []byte(fixManifest), 0o644)
	os.WriteFile(filepath.Join(dir, "assets", "oauth_clients.json"), []byte(fixClients), 0o644)
	return dir
}

// stateDirs is each test's state folder, by test name: the commands find
// it in their environment (IO.Getenv), never in the process's.
var stateDirs sync.Map

// testStateDir is the test's state folder (a new temporary one at first).
func testStateDir(t *testing.T) string {
	if d, ok := stateDirs.Load(t.Name()); ok {
		return d.(string)
	}
	d := t.TempDir()
	stateDirs.Store(t.Name(), d)
	return d
}

// useStateDir makes dir the test's state folder.
func useStateDir(t *testing.T, dir string) { stateDirs.Store(t.Name(), dir) }

func runCLI(t *testing.T, stdin string, interactive bool, store secrets.Store, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	state := testStateDir(t)
	getenv := func(k string) string {
		if k == "OAUTHWIZ_STATE_DIR" {
			return state
		}
		return ""
	}
	sys := &cli.IO{In: strings.NewReader(stdin), Out: &out, Err: &errb, Interactive: interactive, Getenv: getenv, Now: time.Now,
		Store: func(func(string)) secrets.Store { return store }}
	err := cli.Main(context.Background(), args, sys)
	if err != nil && !cli.Silent(err) {
		errb.WriteString("error: " + err.Error())
	}
	return cli.ExitCode(err), out.String(), errb.String()
}

func TestCheckThenFixThenCheck(t *testing.T) {
	t.Parallel()
	dir := integrationDir(t)
	store := &secrets.Memory{}
	code, stdout, _ := runCLI(t, "", false, store, "check", dir, "--json")
	var rep struct {
		Findings []map[string]any `json:"findings"`
		Summary  map[string]int   `json:"summary"`
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err, stdout)
	}
	if code != 1 || rep.Summary["errors"] != 1 || rep.Summary["warnings"] != 2 || rep.Summary["integrations"] != 1 { // the H3 section is a warning
		t.Fatalf("exit %d %s", code, stdout)
	}
	for _, k := range []string{"integration", "rule", "severity", "file", "line", "message", "fix"} {
		if _, ok := rep.Findings[0][k]; !ok {
			t.Errorf("finding lacks %q", k)
		}
	}

	// No terminal and no flag: the diff is printed, nothing is written, exit 1.
	code, stdout, _ = runCLI(t, "", false, store, "fix", "readme", dir)
	if code != 1 || !strings.Contains(stdout, "-### Uninstallation") || !strings.Contains(stdout, "+## Uninstallation") || !strings.Contains(stdout, "+Uninstalling ") {
		t.Fatalf("fix without --yes: %d\n%s", code, stdout)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "README.md")); string(b) != fixReadme {
		t.Fatal("the README was written without --yes")
	}
	if code, _, _ := runCLI(t, "", false, store, "fix", "readme", dir, "--dry-run"); code != 0 {
		t.Fatalf("--dry-run: %d", code)
	}
	// A terminal that answers no, then yes.
	if code, _, stderr := runCLI(t, "n\n", true, store, "fix", "readme", dir); code != 0 || !strings.Contains(stderr, "Nothing written") {
		t.Fatalf("answer no: %d %s", code, stderr)
	}
	if code, _, stderr := runCLI(t, "y\n", true, store, "fix", "readme", dir); code != 0 || !strings.Contains(stderr, "Wrote") {
		t.Fatalf("answer yes: %d %s", code, stderr)
	}
	if code, stdout, stderr := runCLI(t, "", false, store, "fix", "manifest", dir, "--yes"); code != 0 || !strings.Contains(stdout, `+    "uninstallation": "README.md#Uninstallation",`) {
		t.Fatalf("fix manifest: %d %s %s", code, stdout, stderr)
	}
	code, stdout, _ = runCLI(t, "", false, store, "check", dir)
	// fix readme also added the statement the moved section lacked.
	if code != 0 || !strings.Contains(stdout, "Checked 1 integration: 0 errors, 0 warnings.") {
		t.Fatalf("after the fixes: %d\n%s", code, stdout)
	}
	for _, what := range []string{"readme", "manifest"} {
		if code, stdout, _ := runCLI(t, "", false, store, "fix", what, dir, "--yes"); code != 0 || !strings.Contains(stdout, "already right") {
			t.Fatalf("second fix %s: %d %s", what, code, stdout)
		}
	}
	b, _ := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if !strings.Contains(string(b), "\"support\": \"README.md#Support\",\n    \"uninstallation\": \"README.md#Uninstallation\",\n    \"title\"") {
		t.Fatalf("manifest:\n%s", b)
	}
}

func TestCheckFindsStoredSecrets(t *testing.T) {
	t.Parallel()
	dir := integrationDir(t)
	store := &secrets.Memory{}
	ns := secrets.Namespace{Integration: "acme", Site: "eu1", Kind: "test"}
	secrets.PutJSON(store, ns.TokenKey(), secrets.TokenRecord{ClientID: "client-of-eu1"})
	store.Set(ns.ClientSecretKey("client-of-eu1"), "stored-client-secret-value-42")
	os.WriteFile(filepath.Join(dir, "CHANGELOG.md"), []byte("# CHANGELOG\n\ncredentials stored-client-secret-value-42\n"), 0o644)
	code, stdout, _ := runCLI(t, "", false, store, "check", dir)
	if code != 1 || !strings.Contains(stdout, "secrets/found") || !strings.Contains(stdout, "CHANGELOG.md:3") || strings.Contains(stdout, "stored-client-secret-value-42") {
		t.Fatalf("stored secret: %d\n%s", code, stdout)
	}
}

func TestCheckUsesTheRecordedAppUUID(t *testing.T) {
	t.Parallel()
	dir := integrationDir(t)
	state := t.TempDir()
	useStateDir(t, state)
	if err := session.Update(state, "acme", func(st *session.State) error {
		st.Case, st.PublishedAppUUID = "new", "5b1e5b6e-0d4a-4a8e-9c1f-2d3e4f5a6b7c"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	code, stdout, _ := runCLI(t, "", false, &secrets.Memory{}, "check", dir)
	if code != 1 || !strings.Contains(stdout, "manifest/app-uuid-mismatch") {
		t.Fatalf("recorded app_uuid: %d\n%s", code, stdout)
	}
	if code, stdout, _ := runCLI(t, "", false, &secrets.Memory{}, "fix", "manifest", dir, "--app-uuid", "5b1e5b6e-0d4a-4a8e-9c1f-2d3e4f5a6b7c", "--yes"); code != 0 || !strings.Contains(stdout, `+  "app_uuid": "5b1e5b6e-0d4a-4a8e-9c1f-2d3e4f5a6b7c",`) {
		t.Fatalf("fix app_uuid: %d %s", code, stdout)
	}
	if _, stdout, _ := runCLI(t, "", false, &secrets.Memory{}, "check", dir); strings.Contains(stdout, "app-uuid") {
		t.Fatalf("after the fix:\n%s", stdout)
	}
}

func TestCheckAndFixBadInput(t *testing.T) {
	t.Parallel()
	dir := integrationDir(t)
	os.WriteFile(filepath.Join(dir, "manifest.json"), []byte("{\n  \"tile\": {,}\n}"), 0o644)
	store := &secrets.Memory{}
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"check", filepath.Join(dir, "nope")}, 2, "no such file"},
		{[]string{"check", t.TempDir()}, 2, "no manifest.json"},
		{[]string{"check", dir, "--case", "old"}, 2, "--case"},
		{[]string{"check", dir}, 1, "manifest.json:2"},
		{[]string{"fix", "manifest", dir, "--yes"}, 2, "manifest.json:2:"},
		{[]string{"fix", "readme", filepath.Join(t.TempDir(), "x")}, 2, "no such file"},
		{[]string{"fix", "license", dir}, 2, "usage"},
		{[]string{"fix", "readme", dir, "--dry-run", "--yes"}, 2, "contradict"},
	}
	for _, tt := range tests {
		code, stdout, stderr := runCLI(t, "", false, store, tt.args...)
		if code != tt.code || !strings.Contains(stdout+stderr, tt.want) {
			t.Errorf("%v: exit %d\n%s%s\nwant %q", tt.args, code, stdout, stderr, tt.want)
		}
	}
	noSetup := filepath.Join(t.TempDir(), "x")
	os.MkdirAll(noSetup, 0o755)
	os.WriteFile(filepath.Join(noSetup, "README.md"), []byte("## Overview\n"), 0o644)
	if code, _, stderr := runCLI(t, "", false, store, "fix", "readme", noSetup, "--yes"); code != 2 || !strings.Contains(stderr, "no '## Setup'") {
		t.Errorf("no setup: %d %s", code, stderr)
	}
}

// A refused allowlist entry is the repository's, printed under its own
// heading with the path an editor opens.
func TestCheckPrintsTheAllowlistUnderTheRepository(t *testing.T) {
	t.Parallel()
	dir := integrationDir(t)
	os.WriteFile(filepath.Join(filepath.Dir(dir), ".oauthwiz-allowlist"), []byte("acme/x.py 9c1e…5c2f\n"), 0o644)
	_, stdout, _ := runCLI(t, "", false, &secrets.Memory{}, "check", filepath.Dir(dir))
	if !strings.Contains(stdout, "(the repository)\n  warning secrets/allowlist-entry            .oauthwiz-allowlist:1") {
		t.Fatalf("output:\n%s", stdout)
	}
}

// A base the clone lacks (a workflow's shallow checkout) is named, with
// what to change in the workflow.
func TestChangedSinceWithoutTheBase(t *testing.T) {
	t.Parallel()
	dir := integrationDir(t)
	if _, err := gogit.PlainInit(filepath.Dir(dir), false); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_BASE_REF": "master", "OAUTHWIZ_STATE_DIR": t.TempDir()}
	var out, errb bytes.Buffer
	sys := &cli.IO{In: strings.NewReader(""), Out: &out, Err: &errb, Getenv: func(k string) string { return env[k] }, Now: time.Now,
		Store: func(func(string)) secrets.Store { return &secrets.Memory{} }}
	err := cli.Main(context.Background(), []string{"check", filepath.Dir(dir)}, sys)
	if cli.ExitCode(err) != 2 || !strings.Contains(err.Error(), "fetch-depth: 0") || !strings.Contains(err.Error(), `"master"`) {
		t.Fatalf("exit %d: %v", cli.ExitCode(err), err)
	}
}
