package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"regexp"
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
	out, err := exec.Command(goBin, "list", "-f", "{{.ImportPath}} {{join .Deps \" \"}} | {{join .Imports \" \"}}", module+"...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	deps, imports := map[string][]string{}, map[string][]string{} // transitive, direct
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		all, direct, _ := strings.Cut(line, " | ")
		f := strings.Fields(all)
		pkg := strings.TrimPrefix(f[0], module)
		for _, d := range f[1:] {
			if strings.HasPrefix(d, module) {
				deps[pkg] = append(deps[pkg], strings.TrimPrefix(d, module))
			}
		}
		for _, d := range strings.Fields(direct) {
			if strings.HasPrefix(d, module) {
				imports[pkg] = append(imports[pkg], strings.TrimPrefix(d, module))
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
		direct    bool // only the package's own imports, not its dependencies'
	}{
		{"only commands start the stand-in: nothing outside cmd/ imports flows/sandbox",
			func(p string) bool {
				return !under(p, "cmd") && !under(p, "flows/sandbox") && !under(p, "flows/internal")
			},
			[]string{"flows/sandbox"}, false},
		{"engines know no front-end and no checklist: flows/ (but the journey) imports neither tui, cmd nor checks",
			func(p string) bool { return under(p, "flows") && !under(p, "flows/journey") },
			[]string{"tui", "cmd", "checks"}, false},
		{"the journey serves the front-ends and never calls them",
			func(p string) bool { return under(p, "flows/journey") },
			[]string{"tui", "cmd"}, false},
		{"checks and assets import no front-end",
			func(p string) bool { return under(p, "checks") || under(p, "assets") },
			[]string{"tui", "cmd"}, false},
		{"the wizard does not reach into the commands, and runs the journey's side effects through flows/journey (it never writes state, publishes, or reads app manifests itself)",
			func(p string) bool { return under(p, "tui") },
			[]string{"cmd", "flows/session", "flows/publish", "flows/atomic", "flows/appmanifest"}, true},
		{"the commands record state, publish and read app manifests through flows/journey, as the wizard does",
			func(p string) bool { return under(p, "cmd") },
			[]string{"flows/session", "flows/publish", "flows/atomic", "flows/appmanifest"}, true},
	}
	for _, r := range rules {
		graph := deps
		if r.direct {
			graph = imports
		}
		for pkg, ds := range graph {
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

// Engines say what is wrong in words; the commands name their flags
// (inputs.Error carries the input, and cli adds its flag). A string in
// flows/ that names an oauthwiz flag breaks that, and the wizard would show
// a flag it has not got.
func TestEnginesNameNoFlag(t *testing.T) {
	flag := regexp.MustCompile(`(^|[\s'"(])--[a-z][a-z-]+`)
	inspectEngines(t, func(path string, n ast.Node) {
		lit, ok := n.(*ast.BasicLit)
		// git's own flags, in a git command a message quotes, are fine.
		if ok && lit.Kind == token.STRING && flag.MatchString(lit.Value) && !strings.Contains(lit.Value, "git ") {
			t.Errorf("%s: %s names a command-line flag", path, lit.Value)
		}
	})
}

// Engines read the environment only through what a front-end gives them
// (IO.Getenv in the commands), so that a test gives each run its own
// environment and runs in parallel.
func TestEnginesReadNoEnvironment(t *testing.T) {
	inspectEngines(t, func(path string, n ast.Node) {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok {
			return
		}
		if x, ok := sel.X.(*ast.Ident); ok && x.Name == "os" && (sel.Sel.Name == "Getenv" || sel.Sel.Name == "LookupEnv" || sel.Sel.Name == "Environ") {
			t.Errorf("%s: os.%s reads the process's environment", path, sel.Sel.Name)
		}
	})
}

// inspectEngines walks the syntax of every engine source (flows/, but the
// stand-in, the test helpers and the tests).
func inspectEngines(t *testing.T, visit func(path string, n ast.Node)) {
	t.Helper()
	files, err := filepath.Glob("../../flows/*/*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("no engine sources found: %v", err)
	}
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") || strings.Contains(path, "/sandbox/") || strings.Contains(path, "/internal/") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool { visit(path, n); return true })
	}
}
