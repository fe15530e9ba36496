package pullrequest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing/object"
)

func gitCmd(t testing.TB, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_GLOBAL=/dev/null")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

func needGit(t testing.TB) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not found: install it (apt-get install git) for the tests that compare with it")
	}
}

// newRepo makes a repository shaped like integrations-extras: many
// integration folders at the top, .github, some history.
func newRepo(t testing.TB, integrations, commits int) string {
	t.Helper()
	dir := t.TempDir()
	gitCmd(t, dir, "init", "-q", "-b", "master")
	for c := 0; c < commits; c++ {
		for i := 0; i < integrations; i++ {
			if c > 0 && i%7 != c%7 {
				continue
			}
			base := filepath.Join(dir, fmt.Sprintf("partner_%04d", i))
			os.MkdirAll(filepath.Join(base, "assets"), 0o755)
			os.WriteFile(filepath.Join(base, "README.md"), []byte(fmt.Sprintf("# Partner %d\n\n## Setup\n\nversion %d\n", i, c)), 0o644)
			os.WriteFile(filepath.Join(base, "manifest.json"), []byte(fmt.Sprintf(`{"app_id": "partner-%d"}`, i)), 0o644)
			os.WriteFile(filepath.Join(base, "assets", "service_checks.json"), []byte("[]"), 0o644)
		}
		os.MkdirAll(filepath.Join(dir, ".github"), 0o755)
		os.WriteFile(filepath.Join(dir, ".github", "CODEOWNERS"), []byte(fmt.Sprintf("# owners %d\n", c)), 0o644)
		gitCmd(t, dir, "add", "-A")
		gitCmd(t, dir, "commit", "-q", "-m", fmt.Sprintf("commit %d", c))
	}
	return dir
}

func editIntegration(t testing.TB, root string) {
	acme := filepath.Join(root, "acme")
	os.MkdirAll(filepath.Join(acme, "assets", "dashboards"), 0o755)
	os.WriteFile(filepath.Join(acme, "README.md"), []byte("# Acme\n\n## Setup\n\n## Uninstallation\n\nRevoked.\n"), 0o644)
	os.WriteFile(filepath.Join(acme, "manifest.json"), []byte(`{"app_id": "acme"}`), 0o644)
	os.WriteFile(filepath.Join(acme, "assets", "dashboards", "overview.json"), []byte(`{"title": "Acme"}`), 0o644)
}

func TestCommitMatchesGitAndLeavesACleanStatus(t *testing.T) {
	needGit(t)
	root := newRepo(t, 30, 3)
	// acme exists in HEAD with a file that will be deleted and one modified.
	os.MkdirAll(filepath.Join(root, "acme"), 0o755)
	os.WriteFile(filepath.Join(root, "acme", "README.md"), []byte("# Acme\n"), 0o644)
	os.WriteFile(filepath.Join(root, "acme", "old.txt"), []byte("old\n"), 0o644)
	gitCmd(t, root, "add", "-A")
	gitCmd(t, root, "commit", "-q", "-m", "acme v0")
	os.Remove(filepath.Join(root, "acme", "old.txt"))
	editIntegration(t, root)
	os.WriteFile(filepath.Join(root, "partner_0001", "README.md"), []byte("unrelated local edit\n"), 0o644)

	// The same change with the git command line, in a copy.
	copyDir := t.TempDir()
	gitCmd(t, copyDir, "clone", "-q", root, ".")
	os.RemoveAll(filepath.Join(copyDir, "acme"))
	exec.Command("cp", "-r", filepath.Join(root, "acme"), filepath.Join(copyDir, "acme")).Run()
	gitCmd(t, copyDir, "checkout", "-q", "-b", "acme-oauth")
	gitCmd(t, copyDir, "add", "acme")
	gitCmd(t, copyDir, "commit", "-q", "-m", "[Acme] Add OAuth client")
	wantTree := gitCmd(t, copyDir, "rev-parse", "HEAD^{tree}")

	res, err := Commit(CommitOptions{Root: root, Dirs: []string{"acme"}, Branch: "acme-oauth", Message: "[Acme] Add OAuth client",
		Author: object.Signature{Name: "Partner Engineer", Email: "pe@acme.example", When: time.Unix(1700000000, 0)}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range res.Changes {
		got = append(got, c.Action+" "+c.Path)
	}
	if strings.Join(got, ", ") != "modified acme/README.md, added acme/assets/dashboards/overview.json, added acme/manifest.json, deleted acme/old.txt" {
		t.Fatalf("changes: %v", got)
	}
	if tree := gitCmd(t, root, "rev-parse", "HEAD^{tree}"); tree != wantTree {
		t.Fatalf("tree %s, git made %s", tree, wantTree)
	}
	if b := gitCmd(t, root, "rev-parse", "--abbrev-ref", "HEAD"); b != "acme-oauth" {
		t.Fatalf("HEAD is on %s", b)
	}
	if st := gitCmd(t, root, "status", "--porcelain"); st != "M partner_0001/README.md" {
		t.Fatalf("status after the commit:\n%s", st)
	}
	gitCmd(t, root, "fsck", "--no-progress")
	if log := gitCmd(t, root, "log", "-1", "--format=%an <%ae> %s"); log != "Partner Engineer <pe@acme.example> [Acme] Add OAuth client" {
		t.Fatalf("log: %s", log)
	}
	// Again: nothing to commit; the branch exists.
	if _, err := Commit(CommitOptions{Root: root, Dirs: []string{"acme"}, Branch: "acme-oauth", Message: "x"}); !errors.Is(err, ErrNothingToCommit) {
		t.Fatalf("second commit: %v", err)
	}
}

func TestPushToABareFork(t *testing.T) {
	needGit(t)
	root := newRepo(t, 5, 1)
	fork := t.TempDir()
	gitCmd(t, fork, "init", "-q", "--bare")
	editIntegration(t, root)
	if _, err := Commit(CommitOptions{Root: root, Dirs: []string{"acme"}, Branch: "acme-oauth", Message: "m", Author: object.Signature{Name: "a", Email: "a@b", When: time.Now()}}); err != nil {
		t.Fatal(err)
	}
	if err := Push(context.Background(), root, fork, "acme-oauth", nil); err != nil {
		t.Fatal(err)
	}
	if got, want := gitCmd(t, fork, "rev-parse", "refs/heads/acme-oauth"), gitCmd(t, root, "rev-parse", "HEAD"); got != want {
		t.Fatalf("fork has %s, want %s", got, want)
	}
	if err := Push(context.Background(), root, fork, "acme-oauth", nil); err != nil {
		t.Fatalf("pushing again: %v", err)
	}
	// Someone else pushed to the fork's branch: rejected, explained.
	other := t.TempDir()
	gitCmd(t, other, "clone", "-q", "-b", "acme-oauth", fork, ".")
	os.WriteFile(filepath.Join(other, "x"), []byte("x"), 0o644)
	gitCmd(t, other, "add", "x")
	gitCmd(t, other, "commit", "-q", "-m", "elsewhere")
	gitCmd(t, other, "push", "-q", "origin", "acme-oauth")
	os.WriteFile(filepath.Join(root, "acme", "README.md"), []byte("# Acme v2\n"), 0o644)
	gitCmd(t, root, "commit", "-q", "-am", "v2")
	if err := Push(context.Background(), root, fork, "acme-oauth", nil); !errors.Is(err, ErrPushRejected) {
		t.Fatalf("diverged push: %v", err)
	}
}

func TestFindRoot(t *testing.T) {
	needGit(t)
	root := newRepo(t, 2, 1)
	got, err := FindRoot(filepath.Join(root, "partner_0001", "assets"))
	if err != nil || got != root {
		t.Fatalf("%s %v", got, err)
	}
	if _, err := FindRoot(t.TempDir()); err == nil {
		t.Fatal("no repository: want an error")
	}
}

func TestShallowCloneCommitPush(t *testing.T) {
	needGit(t)
	origin := newRepo(t, 10, 5)
	fork := t.TempDir()
	gitCmd(t, fork, "clone", "-q", "--bare", origin, ".")
	clone := filepath.Join(t.TempDir(), "integrations-extras")
	if err := Clone(context.Background(), fork, clone, "master", 1, nil); err != nil {
		t.Fatal(err)
	}
	if n := gitCmd(t, clone, "rev-list", "--count", "HEAD"); n != "1" {
		t.Fatalf("clone is not shallow: %s commits", n)
	}
	src := t.TempDir()
	editIntegration(t, src)
	if err := CopyDir(filepath.Join(src, "acme"), filepath.Join(clone, "acme")); err != nil {
		t.Fatal(err)
	}
	gitCmd(t, clone, "config", "user.name", "x")
	if _, err := Commit(CommitOptions{Root: clone, Dirs: []string{"acme"}, Branch: "acme-oauth", Message: "m", Author: object.Signature{Name: "a", Email: "a@b", When: time.Now()}}); err != nil {
		t.Fatal(err)
	}
	if err := Push(context.Background(), clone, fork, "acme-oauth", nil); err != nil {
		t.Fatal(err)
	}
	if gitCmd(t, fork, "rev-parse", "acme-oauth") != gitCmd(t, clone, "rev-parse", "HEAD") {
		t.Fatal("the fork lacks the commit")
	}
}
