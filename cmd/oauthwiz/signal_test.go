package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/oauthwiz/oauthwiz/flows/integration"
	"github.com/oauthwiz/oauthwiz/flows/sandbox"
)

// SIGTERM gets what Ctrl+C (SIGINT) gets: a scope check stopped while its
// create is in flight deletes what it made, and the exit code is 130.
func TestSIGTERMCleansUpLikeCtrlC(t *testing.T) {
	bin := buildBinary(t)
	sb, err := sandbox.Start(sandbox.Options{Sites: []string{"us1"}, AutoApprove: true,
		Scopes: []string{"dashboards_read", "dashboards_write", "monitors_read", "monitors_write"}})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	work := t.TempDir()
	dir := filepath.Join(work, "acme")
	c, _ := sb.Client("us1", "test")
	if err := integration.WriteScratch(dir, "acme", integration.OAuthClient{Name: "Acme", RedirectURIs: c.RedirectURIs, Scopes: c.Scopes, OnboardingURL: "https://acme.example/on"}); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "HOME="+work, "OAUTHWIZ_SANDBOX="+sb.ControlURL(), "OAUTHWIZ_STATE_DIR="+filepath.Join(work, "state"), "OAUTHWIZ_KEYRING=file", "DISPLAY=", "BROWSER=")
	if code, out := runBinary(t, bin, dir, env, []string{"authorize", "--site", "us1", "--no-browser", "--timeout", "20s"}, 0, 0); code != 0 {
		t.Fatalf("authorize: %d\n%s", code, out)
	}
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		// The monitor's delete is slow: the signal lands after the
		// dashboard and the monitor exist, before all is cleaned.
		sb.SetFaults([]sandbox.Fault{{Path: "/api/v1/monitor/", Latency: 700 * time.Millisecond}})
		code, out := runBinary(t, bin, dir, env, []string{"scopes", "check", "--site", "us1"}, 300*time.Millisecond, sig)
		sb.SetFaults(nil)
		if code != 130 {
			t.Fatalf("%v: exit %d, want 130\n%s", sig, code, out)
		}
		if objs := sb.State().Objects; len(objs) != 0 {
			t.Fatalf("%v left objects behind: %+v\n%s", sig, objs, out)
		}
		if strings.Contains(out, "panic") {
			t.Fatalf("%v:\n%s", sig, out)
		}
	}
}
