//go:build linux

package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The launched browser does not inherit the client secret or the GitHub
// token: a stand-in xdg-open records the environment it was given.
func TestBrowserGetsNoSecrets(t *testing.T) {
	bin := t.TempDir()
	record := filepath.Join(t.TempDir(), "env")
	script := "#!/bin/sh\nenv > '" + record + "'\necho \"$1\" >> '" + record + "'\n"
	if err := os.WriteFile(filepath.Join(bin, "xdg-open"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+":"+os.Getenv("PATH"))
	t.Setenv("OAUTHWIZ_CLIENT_SECRET", "canary-client-secret-1234")
	t.Setenv("GH_TOKEN", "canary-gh-token-5678")
	t.Setenv("GITHUB_TOKEN", "canary-github-token-9012")
	t.Setenv("OAUTHWIZ_SITE", "eu1")
	t.Setenv("LANG", "C.UTF-8")
	if err := openBrowser("https://app.datadoghq.com/oauth2/v1/authorize?client_id=x"); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(record)
	if err != nil {
		t.Fatal(err)
	}
	env := string(b)
	for _, leaked := range []string{"canary-client-secret", "canary-gh-token", "canary-github-token", "OAUTHWIZ_SITE"} {
		if strings.Contains(env, leaked) {
			t.Errorf("the browser's environment has %s", leaked)
		}
	}
	if !strings.Contains(env, "LANG=C.UTF-8") || !strings.Contains(env, "client_id=x") {
		t.Errorf("the browser lost its ordinary environment or the URL:\n%s", env)
	}
}
