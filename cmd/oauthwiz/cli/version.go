package cli

import (
	"fmt"
	"runtime/debug"
	"strings"
)

// Version is what 'oauthwiz --version' says: the version stamped at build
// time (make's -X main.version), else the module's version from the build
// information ('go install …@v0.3.1' records it), then the commit, its
// date and whether the tree was modified, when the build recorded them.
func Version(stamped string, info *debug.BuildInfo, ok bool) string {
	v := stamped
	if (v == "" || v == "dev") && ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		v = info.Main.Version
	}
	if v == "" {
		v = "dev"
	}
	if !ok {
		return v
	}
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	var about []string
	if rev := settings["vcs.revision"]; rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if settings["vcs.modified"] == "true" {
			rev += ", modified"
		}
		about = append(about, "commit "+rev)
	}
	if t := settings["vcs.time"]; t != "" {
		about = append(about, t)
	}
	if info.GoVersion != "" {
		about = append(about, info.GoVersion)
	}
	if len(about) == 0 {
		return v
	}
	return fmt.Sprintf("%s (%s)", v, strings.Join(about, ", "))
}
