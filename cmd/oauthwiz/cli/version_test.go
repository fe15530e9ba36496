package cli

import (
	"runtime/debug"
	"testing"
)

func TestVersion(t *testing.T) {
	vcs := []debug.BuildSetting{{Key: "vcs.revision", Value: "0a6945c0f1e2d3c4b5a69788"}, {Key: "vcs.time", Value: "2026-11-30T23:59:00Z"}, {Key: "vcs.modified", Value: "false"}}
	for _, tt := range []struct {
		name, stamped string
		info          *debug.BuildInfo
		ok            bool
		want          string
	}{
		{"go install @version", "dev", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.3.1"}}, true, "v0.3.1 (go1.26.8)"},
		{"make build in a clone", "v0.3.1-4-g0a6945c", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}, Settings: vcs}, true, "v0.3.1-4-g0a6945c (commit 0a6945c0f1e2, 2026-11-30T23:59:00Z, go1.26.8)"},
		{"go build with local changes", "dev", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: append(vcs[:2:2], debug.BuildSetting{Key: "vcs.modified", Value: "true"})}, true, "dev (commit 0a6945c0f1e2, modified, 2026-11-30T23:59:00Z)"},
		{"no build information", "dev", nil, false, "dev"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := Version(tt.stamped, tt.info, tt.ok); got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}
