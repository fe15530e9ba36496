package checks

import (
	"os"
	"path/filepath"
	"strings"
)

// codeOwnersPath is where integrations-extras names each folder's owners.
const codeOwnersPath = ".github/CODEOWNERS"

// codeOwners are the folders .github/CODEOWNERS has a line for (nil when
// the repository has no such file: nothing is judged).
type codeOwners map[string]bool

// loadCodeOwners reads the repository's CODEOWNERS once for a tree.
func loadCodeOwners(root string) codeOwners {
	b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(codeOwnersPath)))
	if err != nil {
		return nil
	}
	owned := codeOwners{}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || strings.HasPrefix(f[0], "#") {
			continue // a comment, or a pattern nobody owns
		}
		owned[strings.Trim(f[0], "/")] = true
	}
	return owned
}

// codeOwnersRules: an integration without its CODEOWNERS line. A warning:
// 'oauthwiz pr' adds the line (from the manifest's support address) to the
// commit it pushes.
func (c *checker) codeOwnersRules() {
	owned := c.opts.codeOwners
	if owned == nil || owned[filepath.ToSlash(c.rel)] {
		return
	}
	r, _ := RuleByID("repo/codeowners-missing")
	c.out = append(c.out, Finding{Integration: c.name, Rule: r.ID, Severity: r.Severity, File: codeOwnersPath, Path: codeOwnersPath,
		Message: "no line in " + codeOwnersPath + " for /" + filepath.ToSlash(c.rel) + "/: nobody is asked to review its changes",
		Fix:     "add '/" + filepath.ToSlash(c.rel) + "/ <owners>' (the pull request 'oauthwiz pr' opens adds it, from the manifest's support email)"})
}
