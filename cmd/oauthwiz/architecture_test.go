package main

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/oauthwiz/oauthwiz/"

// The import rules of the architecture, checked on what 'go list' reports
// (non-test imports, transitively): a rule broken here is a design change to
// argue for, not a line to add.
func TestImportRules(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not on PATH: install Go to check the import rules")
	}
	out, err := exec.Command(goBin, "list", "-f", "{{.ImportPath}} {{join .Deps \" \"}}", module+"...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	deps := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		pkg := strings.TrimPrefix(f[0], module)
		for _, d := range f[1:] {
			if strings.HasPrefix(d, module) {
				deps[pkg] = append(deps[pkg], strings.TrimPrefix(d, module))
			}
		}
	}
	if len(deps) < 10 {
		t.Fatalf("go list found only %d packages of the module", len(deps))
	}
	under := func(pkg, dir string) bool { return pkg == dir || strings.HasPrefix(pkg, dir+"/") }
	rules := []struct {
		name      string
		applies   func(pkg string) bool
		forbidden []string
	}{
		{"only commands start the stand-in: nothing outside cmd/ imports flows/sandbox",
			func(p string) bool {
				return !under(p, "cmd") && !under(p, "flows/sandbox") && !under(p, "flows/internal")
			},
			[]string{"flows/sandbox"}},
		{"engines know no front-end and no checklist: flows/ (but the journey) imports neither tui, cmd nor checks",
			func(p string) bool { return under(p, "flows") && !under(p, "flows/journey") },
			[]string{"tui", "cmd", "checks"}},
		{"the journey serves the front-ends and never calls them",
			func(p string) bool { return under(p, "flows/journey") },
			[]string{"tui", "cmd"}},
		{"checks and assets import no front-end",
			func(p string) bool { return under(p, "checks") || under(p, "assets") },
			[]string{"tui", "cmd"}},
		{"the wizard does not reach into the commands",
			func(p string) bool { return under(p, "tui") },
			[]string{"cmd"}},
	}
	for _, r := range rules {
		for pkg, ds := range deps {
			if !r.applies(pkg) {
				continue
			}
			for _, d := range ds {
				for _, f := range r.forbidden {
					if under(d, f) {
						t.Errorf("%s: %s imports %s", r.name, pkg, d)
					}
				}
			}
		}
	}
}
