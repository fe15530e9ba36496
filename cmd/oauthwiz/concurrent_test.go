package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/oauthwiz/oauthwiz/flows/integration"
	"github.com/oauthwiz/oauthwiz/flows/sandbox"
)

// Six 'oauthwiz apikey create' processes on six sites at once, with the
// file store: every key is stored (Datadog shows it once), and a second
// round reuses all six instead of meeting the one-key-per-org refusal.
func TestSixAPIKeysAtOnce(t *testing.T) {
	bin := buildBinary(t)
	sites := []string{"us1", "us3", "us5", "eu1", "ap1", "ap2"}
	sb, dir, state, env := sandboxIntegration(t, sandbox.Options{Sites: sites, Scopes: []string{"api_keys_write"}})
	parallel := func(args func(site string) []string) map[string]string {
		var mu sync.Mutex
		out := map[string]string{}
		var wg sync.WaitGroup
		for _, site := range sites {
			wg.Add(1)
			go func(site string) {
				defer wg.Done()
				code, text := runBinary(t, bin, dir, env, args(site), 0, 0)
				if code != 0 {
					t.Errorf("%v: exit %d\n%s", args(site), code, text)
				}
				mu.Lock()
				out[site] = text
				mu.Unlock()
			}(site)
		}
		wg.Wait()
		return out
	}
	for _, site := range sites { // one loopback port: one authorization at a time
		if code, text := runBinary(t, bin, dir, env, []string{"authorize", "--site", site, "--no-browser", "--timeout", "20s"}, 0, 0); code != 0 {
			t.Fatalf("authorize on %s: exit %d\n%s", site, code, text)
		}
	}
	parallel(func(site string) []string { return []string{"apikey", "create", "--site", site, "--json"} })
	b, err := os.ReadFile(filepath.Join(state, "secrets.json"))
	if err != nil {
		t.Fatal(err)
	}
	var stored map[string]string
	json.Unmarshal(b, &stored)
	keys := 0
	for k := range stored {
		if strings.Contains(k, "/api_key:") {
			keys++
		}
	}
	if keys != len(sites) || len(sb.State().APIKeys) != len(sites) {
		t.Fatalf("%d keys stored, %d created on the sites; want %d", keys, len(sb.State().APIKeys), len(sites))
	}
	for site, text := range parallel(func(site string) []string { return []string{"apikey", "create", "--site", site, "--json"} }) {
		if !strings.Contains(text, `"created":false`) {
			t.Errorf("%s: the second run did not reuse the stored key:\n%s", site, text)
		}
	}
	if n := len(sb.State().APIKeys); n != len(sites) {
		t.Fatalf("%d keys on the sites after the second round", n)
	}
}

// sandboxIntegration starts a sandbox (auto-approving) and writes a scratch
// integration for its us1 client; it returns the integration's folder, the
// state folder and the environment the binary runs in (the file store, no
// browser).
func sandboxIntegration(t *testing.T, opts sandbox.Options) (sb *sandbox.Server, dir, state string, env []string) {
	t.Helper()
	opts.AutoApprove = true
	sb, err := sandbox.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sb.Close)
	work := t.TempDir()
	dir, state = filepath.Join(work, "acme"), filepath.Join(work, "state")
	c, _ := sb.Client("us1", "test")
	if err := integration.WriteScratch(dir, "acme", integration.OAuthClient{Name: "Acme", RedirectURIs: c.RedirectURIs, Scopes: c.Scopes, OnboardingURL: "https://acme.example/on"}); err != nil {
		t.Fatal(err)
	}
	env = append(userEnviron(), "HOME="+work, "OAUTHWIZ_SANDBOX="+sb.ControlURL(), "OAUTHWIZ_STATE_DIR="+state, "OAUTHWIZ_KEYRING=file", "DISPLAY=", "BROWSER=")
	return sb, dir, state, env
}
