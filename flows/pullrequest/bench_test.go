package pullrequest

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing/object"
)

// BenchmarkBranchAndCommit compares oauthwiz's branch + commit with the git
// command line doing the same (checkout -b, add, commit) on a generated
// repository of about 4,300 files and 20 commits of history.
func BenchmarkBranchAndCommit(b *testing.B) {
	needGit(b)
	root := newRepo(b, 1430, 20)
	run := 0
	edit := func() int {
		run++
		i := run
		acme := filepath.Join(root, "acme")
		os.MkdirAll(acme, 0o755)
		os.WriteFile(filepath.Join(acme, "README.md"), []byte(fmt.Sprintf("# Acme\n\n## Setup\n\n## Uninstallation\n\nrun %d\n", i)), 0o644)
		os.WriteFile(filepath.Join(acme, "manifest.json"), []byte(fmt.Sprintf(`{"app_id": "acme", "run": %d}`, i)), 0o644)
		return i
	}
	gitCmd(b, root, "status", "--porcelain") // both start with a fresh index
	var goGit, cli time.Duration
	b.Run("go-git", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			n := edit()
			b.StartTimer()
			start := time.Now()
			if _, err := Commit(CommitOptions{Root: root, Dir: "acme", Branch: fmt.Sprintf("gogit-%d", n), Message: "m",
				Author: object.Signature{Name: "a", Email: "a@b", When: time.Now()}}); err != nil {
				b.Fatal(err)
			}
			goGit = time.Since(start)
		}
	})
	b.Run("git-cli", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			n := edit()
			b.StartTimer()
			start := time.Now()
			gitCmd(b, root, "checkout", "-q", "-b", fmt.Sprintf("cli-%d", n))
			gitCmd(b, root, "add", "acme")
			gitCmd(b, root, "commit", "-q", "-m", "m")
			cli = time.Since(start)
		}
	})
	if cli > 0 {
		b.Logf("last iteration: go-git %s, git command line %s (%.2fx)", goGit, cli, float64(goGit)/float64(cli))
	}
}
