package sandbox

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The GitHub stand-in answers only operations GitHub publishes: each of
// its REST routes (method and path, parameters by position) is one of the
// operations of GitHub's OpenAPI descriptions, as go-github lists them
// in openapi_operations.yaml (its openapi_operations section, generated
// from github/rest-api-description). A route GitHub does not have, or a
// typo in one, fails here instead of agreeing with the product.
func TestGitHubRoutesAreGitHubs(t *testing.T) {
	ops := gitHubOperations(t)
	param := regexp.MustCompile(`\{[^}]*\}`)
	for pattern := range (&gitHub{}).restRoutes() {
		if !ops[param.ReplaceAllString(pattern, "{}")] {
			t.Errorf("the stand-in answers %s, which is not an operation of GitHub's REST API", pattern)
		}
	}
}

// gitHubOperations reads go-github's list of GitHub's operations from the
// module cache (the version go.mod names), normalized as "METHOD /a/{}".
func gitHubOperations(t *testing.T) map[string]bool {
	t.Helper()
	mod, err := os.ReadFile(filepath.Join("..", "..", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s*(github\.com/google/go-github/v\d+) (v[^\s]+)`).FindSubmatch(mod)
	if m == nil {
		t.Fatal("go.mod names no go-github")
	}
	cache, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		t.Skipf("no go command to find the module cache: %v", err)
	}
	path := filepath.Join(strings.TrimSpace(string(cache)), string(m[1])+"@"+string(m[2]), "openapi_operations.yaml")
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("go-github's operation list is not in the module cache (go mod download %s): %v", m[1], err)
	}
	defer f.Close()
	param := regexp.MustCompile(`\{[^}]*\}`)
	ops, inSection := map[string]bool{}, false
	lines := bufio.NewScanner(f)
	for lines.Scan() {
		l := lines.Text()
		if !strings.HasPrefix(l, " ") { // a top-level key
			inSection = strings.HasPrefix(l, "openapi_operations:")
			continue
		}
		if name, ok := strings.CutPrefix(strings.TrimSpace(l), "- name: "); ok && inSection {
			ops[param.ReplaceAllString(name, "{}")] = true
		}
	}
	if len(ops) < 500 {
		t.Fatalf("%s lists %d operations: not the file expected", path, len(ops))
	}
	return ops
}
