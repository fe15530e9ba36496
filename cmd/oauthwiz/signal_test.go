package main

import (
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/oauthwiz/oauthwiz/flows/sandbox"
)

// SIGTERM gets what Ctrl+C (SIGINT) gets: a scope check stopped while its
// create is in flight deletes what it made, and the exit code is 130.
func TestSIGTERMCleansUpLikeCtrlC(t *testing.T) {
	bin := buildBinary(t)
	sb, dir, _, env := sandboxIntegration(t, sandbox.Options{Sites: []string{"us1"},
		Scopes: []string{"dashboards_read", "dashboards_write", "monitors_read", "monitors_write"}})
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
