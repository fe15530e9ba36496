package cli

import (
	"errors"
	"os"
	"os/exec"
	"runtime"
	"strings"
)

// withheldFromBrowser are variables the browser never needs and must never
// see: a launched browser (and every helper it starts) inherits them, and
// browsers write their environment into crash reports.
var withheldFromBrowser = []string{"OAUTHWIZ_CLIENT_SECRET", "GH_TOKEN", "GITHUB_TOKEN", "GH_ENTERPRISE_TOKEN", "GITHUB_ENTERPRISE_TOKEN"}

// browserEnv is environ without the secrets above and without any other
// OAUTHWIZ_* setting.
func browserEnv(environ []string) []string {
	out := make([]string, 0, len(environ))
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		drop := strings.HasPrefix(strings.ToUpper(name), "OAUTHWIZ_")
		for _, w := range withheldFromBrowser {
			drop = drop || strings.EqualFold(name, w)
		}
		if !drop {
			out = append(out, kv)
		}
	}
	return out
}

// openBrowser opens url with the platform's launcher (the ones
// github.com/cli/browser uses), started with browserEnv. The launcher's own
// output is discarded.
func openBrowser(url string) error {
	var name string
	var args []string
	switch runtime.GOOS {
	case "darwin":
		name, args = "open", []string{url}
	case "windows":
		name, args = "rundll32", []string{"url.dll,FileProtocolHandler", url}
	default:
		for _, p := range []string{"xdg-open", "x-www-browser", "www-browser", "wslview"} {
			if _, err := exec.LookPath(p); err == nil {
				name = p
				break
			}
		}
		if name == "" {
			return errors.New("no browser launcher found (xdg-open, x-www-browser, www-browser, wslview)")
		}
		args = []string{url}
	}
	cmd := exec.Command(name, args...)
	cmd.Env = browserEnv(os.Environ())
	return cmd.Run()
}
