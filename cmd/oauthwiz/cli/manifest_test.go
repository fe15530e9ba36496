package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oauthwiz/oauthwiz/cmd/oauthwiz/cli"
	"github.com/oauthwiz/oauthwiz/flows/sandbox"
	"github.com/oauthwiz/oauthwiz/flows/session"
)

func TestExportImportAuthorizeOnASecondSite(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sandbox.Options{})
	us1 := filepath.Join(t.TempDir(), "us1.json")
	eu1 := filepath.Join(t.TempDir(), "eu1.json")
	if code, _, stderr := h.run("", "manifest", "export", "--site", "us1", "--out", us1, "--dir", h.dir); code != 0 {
		t.Fatalf("export: %d %s", code, stderr)
	}
	code, stdout, stderr := h.run("", "manifest", "import", "--site", "eu1", us1, "--dir", h.dir, "--json")
	var imp cli.ImportJSON
	if code != 0 || json.Unmarshal([]byte(stdout), &imp) != nil || imp.Site != "eu1" || !strings.Contains(imp.ClientSecret, "…") {
		t.Fatalf("import: %d %s %s", code, stdout, stderr)
	}
	st, _ := session.Load(h.state, filepath.Base(h.dir))
	if st.Clients["eu1/test"].ClientID != imp.ClientID {
		t.Fatalf("the new client is not recorded: %+v", st.Clients)
	}
	if seeded, _ := h.sb.Client("eu1", "test"); seeded.ClientID == imp.ClientID {
		t.Fatal("the import must issue new credentials")
	}
	code, stdout, stderr = h.run("", "authorize", "--site", "eu1", "--no-browser", "--json", "--timeout", "10s")
	if code != 0 || !strings.Contains(stdout, `"site":"eu1"`) {
		t.Fatalf("authorize with the imported client: %d %s %s", code, stdout, stderr)
	}
	found := false
	for _, tok := range h.sb.State().Tokens {
		if tok.ClientID == imp.ClientID {
			found = true
		}
	}
	if !found {
		t.Fatal("the authorization did not use the imported client")
	}
	if code, _, stderr := h.run("", "manifest", "export", "--site", "eu1", "--out", eu1, "--dir", h.dir); code != 0 {
		t.Fatalf("export eu1: %s", stderr)
	}
	if code, stdout, _ := h.run("", "manifest", "diff", us1, eu1); code != 0 || !strings.Contains(stdout, "match") {
		t.Fatalf("diff of the same client: %d %s", code, stdout)
	}
	b, _ := os.ReadFile(eu1)
	os.WriteFile(eu1, []byte(strings.Replace(string(b), "dashboards_read", "incident_read", 1)), 0o644)
	if code, stdout, _ := h.run("", "manifest", "diff", us1, eu1); code != 1 || !strings.Contains(stdout, "scopes differs") {
		t.Fatalf("diff of changed scopes: %d %s", code, stdout)
	}
}

func TestImportOnRealDatadogTakesTheCredentials(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sandbox.Options{})
	h.env["OAUTHWIZ_SANDBOX"] = ""
	file := filepath.Join(t.TempDir(), "app.json")
	os.WriteFile(file, []byte(`{"oauth":{"clients":[{"name":"Acme","redirect_uris":["https://a/cb"],"scopes":["dashboards_read"],"onboarding_url":"https://a/on"}]}}`), 0o644)
	code, _, stderr := h.run("", "manifest", "import", "--site", "eu1", file, "--dir", h.dir)
	if code != 2 || !strings.Contains(stderr, "--credentials-file") || !strings.Contains(stderr, "Import App Manifest") || !strings.Contains(stderr, "https://app.datadoghq.eu/apps") {
		t.Fatalf("no credentials, no terminal: %d %s", code, stderr)
	}
	creds := filepath.Join(t.TempDir(), "creds.json")
	os.WriteFile(creds, []byte(`{"client_id":"new-eu1-client","client_secret":"a-very-long-new-client-secret-value"}`), 0o600)
	code, stdout, stderr := h.run("", "manifest", "import", "--site", "eu1", file, "--dir", h.dir, "--credentials-file", creds)
	if code != 0 || !strings.Contains(stdout, "by you (Developer Platform)") || strings.Contains(stdout+stderr, "a-very-long-new-client-secret-value") {
		t.Fatalf("import with credentials: %d %s %s", code, stdout, stderr)
	}
	if code, _, stderr := h.run("", "manifest", "import", "--site", "eu1", filepath.Join(t.TempDir(), "none.json"), "--dir", h.dir); code != 2 || !strings.Contains(stderr, "no such file") {
		t.Fatalf("missing file: %d %s", code, stderr)
	}
}

// At a terminal, the person is shown the steps and asked for what the page
// showed: the import is recorded with the pasted credentials.
func TestImportOnRealDatadogAsksAtATerminal(t *testing.T) {
	t.Parallel()
	h := newHarness(t, sandbox.Options{})
	h.env["OAUTHWIZ_SANDBOX"] = ""
	file := filepath.Join(t.TempDir(), "app.json")
	os.WriteFile(file, []byte(`{"oauth":{"clients":[{"name":"Acme","redirect_uris":["https://a/cb"],"scopes":["dashboards_read"],"onboarding_url":"https://a/on"}]}}`), 0o644)
	h.prompt = &fakePrompter{answers: []string{"pasted-eu1-client", "pasted-eu1-secret-0123456789"}}
	code, stdout, stderr := h.run("", "manifest", "import", "--site", "eu1", file, "--dir", h.dir)
	if code != 0 || !strings.Contains(stdout, "client pasted-eu1-client") || strings.Contains(stdout+stderr, "pasted-eu1-secret-0123456789") {
		t.Fatalf("import: %d %s %s", code, stdout, stderr)
	}
	if len(h.prompt.said) != 1 || !strings.Contains(h.prompt.said[0], "Import App Manifest") || len(h.prompt.asked) != 2 {
		t.Fatalf("said %q, asked %q", h.prompt.said, h.prompt.asked)
	}
	// An empty answer is refused, naming what is missing.
	h.prompt = &fakePrompter{answers: []string{"pasted-eu1-client", ""}}
	if code, _, stderr := h.run("", "manifest", "import", "--site", "eu1", file, "--dir", h.dir); code != 2 || !strings.Contains(stderr, "secret are needed") {
		t.Fatalf("empty secret: %d %s", code, stderr)
	}
}

// Two answers typed at once (pasted, or typed ahead) reach two questions:
// every prompt reads standard input through one buffer.
func TestPromptsShareStandardInput(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	h.env["OAUTHWIZ_SANDBOX"] = ""
	file := filepath.Join(t.TempDir(), "app.json")
	os.WriteFile(file, []byte(`{"oauth":{"clients":[{"name":"Acme","redirect_uris":["https://a/cb"],"scopes":["dashboards_read"],"onboarding_url":"https://a/on"}]}}`), 0o644)
	h.terminal = true
	code, stdout, stderr := h.run("typed-ahead-client\ntyped-ahead-secret-0123456789\n", "manifest", "import", "--site", "eu1", file, "--dir", h.dir)
	if code != 0 || !strings.Contains(stdout, "client typed-ahead-client") {
		t.Fatalf("import: %d %s %s", code, stdout, stderr)
	}
}
