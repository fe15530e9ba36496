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
	published(t, dir)
	return dir
}

// published makes the clone's master what its origin (the fork) has, as
// right after a clone or a push: refs/remotes/origin/master.
func published(t testing.TB, dir string) {
	t.Helper()
	if gitCmd(t, dir, "remote") == "" {
		gitCmd(t, dir, "remote", "add", "origin", "https://github.com/partner/integrations-extras.git")
	}
	gitCmd(t, dir, "update-ref", "refs/remotes/origin/master", "refs/heads/master")
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
	// acme exists on the base with a file that will be deleted and one modified.
	os.MkdirAll(filepath.Join(root, "acme"), 0o755)
	os.WriteFile(filepath.Join(root, "acme", "README.md"), []byte("# Acme\n"), 0o644)
	os.WriteFile(filepath.Join(root, "acme", "old.txt"), []byte("old\n"), 0o644)
	gitCmd(t, root, "add", "-A")
	gitCmd(t, root, "commit", "-q", "-m", "acme v0")
	published(t, root)
	os.Remove(filepath.Join(root, "acme", "old.txt"))
	editIntegration(t, root)
	os.WriteFile(filepath.Join(root, "partner_0001", "README.md"), []byte("unrelated local edit\n"), 0o644)

	wantTree := gitAddTree(t, root, "acme")
	res, err := Commit(CommitOptions{Root: root, Dir: "acme", Branch: "acme-oauth", Message: "[Acme] Add OAuth client",
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
	// Again: no new commit; the branch is resumed as it is.
	again, err := Commit(CommitOptions{Root: root, Dir: "acme", Branch: "acme-oauth", Message: "x"})
	if err != nil || again.Created || again.Hash != res.Hash || len(again.Commits) != 1 {
		t.Fatalf("second commit: %+v %v", again, err)
	}
}

// gitAddTree is the tree `git add -A <dir> && git write-tree` makes for the
// same working tree, in a copy of the clone (index and all).
func gitAddTree(t *testing.T, root string, paths ...string) string {
	t.Helper()
	cp := filepath.Join(t.TempDir(), "copy")
	if out, err := exec.Command("cp", "-a", root, cp).CombinedOutput(); err != nil {
		t.Fatalf("cp: %v %s", err, out)
	}
	gitCmd(t, cp, append([]string{"add", "-A", "--"}, paths...)...)
	return gitCmd(t, cp, "write-tree")
}

// The shapes git add handles that a plain folder walk gets wrong: ignored
// files (the integration's .gitignore, the root's, .git/info/exclude),
// tracked files that a pattern matches, hidden folders, symbolic links,
// executable scripts.
func TestCommitIsTheTreeGitAddMakes(t *testing.T) {
	needGit(t)
	root := newRepo(t, 5, 1)
	os.WriteFile(filepath.Join(root, ".gitignore"), []byte("*.pyc\n.DS_Store\n"), 0o644)
	acme := filepath.Join(root, "acme")
	write := func(rel, body string, mode os.FileMode) {
		p := filepath.Join(acme, filepath.FromSlash(rel))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), mode); err != nil {
			t.Fatal(err)
		}
	}
	write("README.md", "# Acme\n\n## Setup\n", 0o644)
	write(".gitignore", "*.log\n__pycache__/\n!keep.log\n", 0o644)
	write(".ci/config.yml", "tracked: yes\n", 0o644)
	write("images/logo.svg", "<svg/>", 0o644)
	write("forced.log", "tracked although ignored\n", 0o644)
	os.Symlink("images/logo.svg", filepath.Join(acme, "logo.svg"))
	gitCmd(t, root, "add", "-A")
	gitCmd(t, root, "add", "-f", "acme/forced.log")
	gitCmd(t, root, "commit", "-q", "-m", "acme v0")
	published(t, root)

	// The partner's working tree before pr.
	write("README.md", "# Acme\n\n## Setup\n\n## Uninstallation\n", 0o644)
	write(".ci/config.yml", "tracked: changed\n", 0o644)
	write(".github/workflows/test.yml", "on: push\n", 0o644) // new, in a hidden folder
	write("debug.log", "client_secret=not-pushed-because-ignored\n", 0o644)
	write("keep.log", "re-included by !keep.log\n", 0o644)
	write("forced.log", "still tracked, so staged\n", 0o644)
	write("__pycache__/x.cpython-311.pyc", "\x00", 0o644)
	write("tools/x.pyc", "\x00", 0o644)
	write("scripts/run.sh", "#!/bin/sh\n", 0o755)
	write("local-only.txt", "excluded by .git/info/exclude\n", 0o644)
	os.MkdirAll(filepath.Join(root, ".git", "info"), 0o755)
	os.WriteFile(filepath.Join(root, ".git", "info", "exclude"), []byte("acme/local-only.txt\n"), 0o644)
	os.Remove(filepath.Join(acme, "logo.svg"))
	os.Symlink("images/new-logo.svg", filepath.Join(acme, "logo.svg"))

	want := gitAddTree(t, root, "acme")
	res, err := Commit(CommitOptions{Root: root, Dir: "acme", Branch: "acme-oauth", Message: "m", Author: object.Signature{Name: "a", Email: "a@b", When: time.Unix(1700000000, 0)}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Tree.String() != want {
		t.Fatalf("tree %s, git add -A makes %s:\n%s\n--- git:\n%s", res.Tree, want,
			gitCmd(t, root, "ls-tree", "-r", res.Tree.String()), gitCmd(t, root, "ls-tree", "-r", want))
	}
	if st := gitCmd(t, root, "status", "--porcelain"); st != "" {
		t.Fatalf("git status after the commit:\n%s", st)
	}
	// The clone is usable as the partner left it: back to master and again.
	gitCmd(t, root, "checkout", "-q", "master")
	gitCmd(t, root, "checkout", "-q", "acme-oauth")
	if b, _ := os.ReadFile(filepath.Join(acme, "debug.log")); !strings.Contains(string(b), "not-pushed") {
		t.Fatal("an ignored file of the working tree was lost")
	}
}

// An unpushed local commit — here a notes file with a client secret — is on
// the checked-out branch: the pull request branch starts from the base and
// carries the integration only; the commit left behind is named.
func TestUnpushedCommitsStayBehind(t *testing.T) {
	needGit(t)
	root := newRepo(t, 5, 2)
	os.WriteFile(filepath.Join(root, "NOTES.md"), []byte("client_secret: ddsbx_secret_0123456789abcdef0123\n"), 0o644)
	os.WriteFile(filepath.Join(root, "partner_0002", "README.md"), []byte("my edit of another integration\n"), 0o644)
	gitCmd(t, root, "add", "-A")
	gitCmd(t, root, "commit", "-q", "-m", "my notes")
	editIntegration(t, root)

	opts := CommitOptions{Root: root, Dir: "acme", Branch: "acme-oauth", Message: "m", Author: object.Signature{Name: "a", Email: "a@b", When: time.Now()}, DryRun: true}
	plan, err := Commit(opts)
	if err != nil || plan.Checkout != "your working tree will stay on master, which differs from the base outside acme/; the pull request is on branch acme-oauth" {
		t.Fatalf("planned: %v %q", err, plan.Checkout)
	}
	opts.DryRun = false
	res, err := Commit(opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Commits) != 1 || res.Base != "origin/master" {
		t.Fatalf("commits %+v from %s", res.Commits, res.Base)
	}
	for _, f := range res.Commits[0].Files {
		if !strings.HasPrefix(f, "acme/") {
			t.Fatalf("the pushed commit changes %s", f)
		}
	}
	if parent := gitCmd(t, root, "rev-parse", "acme-oauth^"); parent != gitCmd(t, root, "rev-parse", "origin/master") {
		t.Fatal("the branch does not start from the base")
	}
	if len(res.Others) != 1 || res.Others[0].Subject != "my notes" || strings.Join(res.Others[0].Files, ",") != "NOTES.md,partner_0002/README.md" {
		t.Fatalf("other commits: %+v", res.Others)
	}
	// HEAD could not move without changing NOTES.md: it stays, and says so.
	if b := gitCmd(t, root, "rev-parse", "--abbrev-ref", "HEAD"); b != "master" || !strings.Contains(res.Checkout, "stays on master") {
		t.Fatalf("HEAD on %s; %s", b, res.Checkout)
	}
	if files := gitCmd(t, root, "ls-tree", "-r", "--name-only", "acme-oauth"); strings.Contains(files, "NOTES.md") {
		t.Fatal("the notes file is on the pull request branch")
	}
}

// A branch that someone committed other files on is refused, by name.
func TestBranchWithOtherFilesIsRefused(t *testing.T) {
	needGit(t)
	root := newRepo(t, 5, 1)
	editIntegration(t, root)
	if _, err := Commit(CommitOptions{Root: root, Dir: "acme", Branch: "acme-oauth", Message: "m", Author: object.Signature{Name: "a", Email: "a@b", When: time.Now()}}); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(root, "partner_0001", "README.md"), []byte("sneaked in\n"), 0o644)
	gitCmd(t, root, "commit", "-q", "-am", "unrelated fix")
	_, err := Commit(CommitOptions{Root: root, Dir: "acme", Branch: "acme-oauth", Message: "m", Author: object.Signature{Name: "a", Email: "a@b", When: time.Now()}})
	var blocked *BlockedError
	if !errors.As(err, &blocked) || !errors.Is(err, ErrForeignCommits) || len(blocked.Foreign) != 1 || blocked.Foreign[0].Subject != "unrelated fix" ||
		!strings.Contains(err.Error(), "partner_0001/README.md") {
		t.Fatalf("got %v", err)
	}
}

func TestBaseBranchMustBeOnARemote(t *testing.T) {
	needGit(t)
	root := newRepo(t, 2, 1)
	gitCmd(t, root, "update-ref", "-d", "refs/remotes/origin/master")
	editIntegration(t, root)
	_, err := Commit(CommitOptions{Root: root, Dir: "acme", Branch: "acme-oauth", Message: "m"})
	if err == nil || !strings.Contains(err.Error(), "git fetch upstream master") {
		t.Fatalf("got %v", err)
	}
	// upstream is preferred to origin.
	gitCmd(t, root, "remote", "add", "upstream", "https://github.com/DataDog/integrations-extras.git")
	gitCmd(t, root, "update-ref", "refs/remotes/upstream/master", "master")
	published(t, root)
	res, err := Commit(CommitOptions{Root: root, Dir: "acme", Branch: "acme-oauth", Message: "m", DryRun: true})
	if err != nil || res.Base != "upstream/master" {
		t.Fatalf("%+v %v", res, err)
	}
}

func TestBranchNames(t *testing.T) {
	for _, tt := range []struct {
		name string
		ok   bool
	}{
		{"acme-oauth", true}, {"feature/acme", true}, {"HEAD", false}, {"FETCH_HEAD", false}, {"@", false},
		{"-f", false}, {"refs/heads/x", false}, {"a..b", false}, {"a b", false}, {"x.lock", false}, {"a@{1}", false},
		{"deadbeef", false}, {"", false}, {"x~1", false}, {"x:y", false}, {"x/", false},
	} {
		if err := ValidateBranch(tt.name); (err == nil) != tt.ok {
			t.Errorf("%q: %v", tt.name, err)
		}
	}
	needGit(t)
	root := newRepo(t, 2, 1)
	editIntegration(t, root)
	if _, err := Commit(CommitOptions{Root: root, Dir: "acme", Branch: "master", Message: "m"}); !errors.Is(err, ErrBadBranch) {
		t.Fatalf("the base branch as the PR branch: %v", err)
	}
}

// A CODEOWNERS line goes with a new integration only.
func TestCodeOwnersForNewIntegrationsOnly(t *testing.T) {
	needGit(t)
	root := newRepo(t, 3, 1)
	sig := object.Signature{Name: "a", Email: "a@b", When: time.Now()}
	res, err := Commit(CommitOptions{Root: root, Dir: "partner_0001", Branch: "p1-oauth", Message: "m", Author: sig, CodeOwners: "@p1", DryRun: true})
	if errors.Is(err, ErrNothingToCommit) == false {
		t.Fatalf("unchanged existing integration: %+v %v", res, err)
	}
	os.WriteFile(filepath.Join(root, "partner_0001", "README.md"), []byte("# P1\n\n## Setup\n\n## Uninstallation\n"), 0o644)
	if res, err = Commit(CommitOptions{Root: root, Dir: "partner_0001", Branch: "p1-oauth", Message: "m", Author: sig, CodeOwners: "@p1", DryRun: true}); err != nil {
		t.Fatal(err)
	}
	for _, c := range res.Changes {
		if c.Path == CodeOwnersPath {
			t.Fatal("an existing integration got a CODEOWNERS line")
		}
	}
	editIntegration(t, root)
	if res, err = Commit(CommitOptions{Root: root, Dir: "acme", Branch: "acme-oauth", Message: "m", Author: sig, CodeOwners: "@acme", DryRun: true}); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, c := range res.Changes {
		found = found || (c.Path == CodeOwnersPath && strings.HasSuffix(string(c.After), "/acme/ @acme\n"))
	}
	if !found {
		t.Fatalf("a new integration got no CODEOWNERS line: %+v", res.Changes)
	}
}

// The plan shown is what is committed: an edit after it stops the run.
func TestPlanChangedStops(t *testing.T) {
	needGit(t)
	root := newRepo(t, 3, 1)
	editIntegration(t, root)
	sig := object.Signature{Name: "a", Email: "a@b", When: time.Now()}
	objects := gitCmd(t, root, "count-objects")
	plan, err := Commit(CommitOptions{Root: root, Dir: "acme", Branch: "acme-oauth", Message: "m", Author: sig, DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if gitCmd(t, root, "branch", "--list", "acme-oauth") != "" || gitCmd(t, root, "count-objects") != objects {
		t.Fatal("the dry run wrote something")
	}
	os.WriteFile(filepath.Join(root, "acme", "late.txt"), []byte("added after the plan\n"), 0o644)
	_, err = Commit(CommitOptions{Root: root, Dir: "acme", Branch: "acme-oauth", Message: "m", Author: sig, Planned: plan.Plan()})
	if !errors.Is(err, ErrPlanChanged) || gitCmd(t, root, "branch", "--list", "acme-oauth") != "" {
		t.Fatalf("got %v", err)
	}
	// The branch moving under the plan (a commit made on it meanwhile)
	// stops the run too: what is pushed is what was scanned and shown.
	os.Remove(filepath.Join(root, "acme", "late.txt"))
	if _, err := Commit(CommitOptions{Root: root, Dir: "acme", Branch: "acme-oauth", Message: "m", Author: sig}); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(root, "acme", "CHANGELOG.md"), []byte("# Changelog\n"), 0o644)
	plan, err = Commit(CommitOptions{Root: root, Dir: "acme", Branch: "acme-oauth", Message: "m", Author: sig, DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(root, "acme", "notes.md"), []byte("x\n"), 0o644)
	gitCmd(t, root, "add", "acme/notes.md")
	gitCmd(t, root, "commit", "-q", "-m", "made meanwhile")
	os.Remove(filepath.Join(root, "acme", "notes.md"))
	gitCmd(t, root, "rm", "-q", "--cached", "acme/notes.md")
	if _, err := Commit(CommitOptions{Root: root, Dir: "acme", Branch: "acme-oauth", Message: "m", Author: sig, Planned: plan.Plan()}); !errors.Is(err, ErrPlanChanged) {
		t.Fatalf("branch moved: %v", err)
	}
}

func TestPushToABareFork(t *testing.T) {
	needGit(t)
	root := newRepo(t, 5, 1)
	fork := t.TempDir()
	gitCmd(t, fork, "init", "-q", "--bare")
	editIntegration(t, root)
	if _, err := Commit(CommitOptions{Root: root, Dir: "acme", Branch: "acme-oauth", Message: "m", Author: object.Signature{Name: "a", Email: "a@b", When: time.Now()}}); err != nil {
		t.Fatal(err)
	}
	if err := Push(context.Background(), root, fork, "acme-oauth", GitAuth{}, nil); err != nil {
		t.Fatal(err)
	}
	if got, want := gitCmd(t, fork, "rev-parse", "refs/heads/acme-oauth"), gitCmd(t, root, "rev-parse", "HEAD"); got != want {
		t.Fatalf("fork has %s, want %s", got, want)
	}
	if err := Push(context.Background(), root, fork, "acme-oauth", GitAuth{}, nil); err != nil {
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
	if err := Push(context.Background(), root, fork, "acme-oauth", GitAuth{}, nil); !errors.Is(err, ErrPushRejected) {
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
	if err := Clone(context.Background(), fork, clone, "master", 1, GitAuth{}); err != nil {
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
	if _, err := Commit(CommitOptions{Root: clone, Dir: "acme", Branch: "acme-oauth", Message: "m", Author: object.Signature{Name: "a", Email: "a@b", When: time.Now()}}); err != nil {
		t.Fatal(err)
	}
	if err := Push(context.Background(), clone, fork, "acme-oauth", GitAuth{}, nil); err != nil {
		t.Fatal(err)
	}
	if gitCmd(t, fork, "rev-parse", "acme-oauth") != gitCmd(t, clone, "rev-parse", "HEAD") {
		t.Fatal("the fork lacks the commit")
	}
}

// Commits made in the same second (or with a wrong clock) are still listed
// child before parent, and the change is measured from where the branch
// left the base.
func TestBranchHistoryWithTiedDates(t *testing.T) {
	needGit(t)
	root := newRepo(t, 2, 1)
	sig := object.Signature{Name: "a", Email: "a@b", When: time.Unix(1700000000, 0)}
	editIntegration(t, root)
	first, err := Commit(CommitOptions{Root: root, Dir: "acme", Branch: "acme-oauth", Message: "one", Author: sig})
	if err != nil {
		t.Fatal(err)
	}
	for i, name := range []string{"CHANGELOG.md", "metadata.csv"} {
		os.WriteFile(filepath.Join(root, "acme", name), []byte("x\n"), 0o644)
		res, err := Commit(CommitOptions{Root: root, Dir: "acme", Branch: "acme-oauth", Message: name, Author: sig})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Commits) != i+2 || res.Commits[len(res.Commits)-1].Hash != first.Hash.String() || res.Commits[0].Hash != res.Hash.String() {
			t.Fatalf("commits %+v", res.Commits)
		}
		if len(res.Changes) != 4+i {
			t.Fatalf("the change lists %d files, want %d: %+v", len(res.Changes), 4+i, res.Changes)
		}
	}
}

// git's global ignore file ($XDG_CONFIG_HOME/git/ignore) is found through
// the environment the caller gives, as git finds it through its own.
func TestGlobalIgnoreFileFromTheGivenEnvironment(t *testing.T) {
	needGit(t)
	root := newRepo(t, 5, 1)
	acme := filepath.Join(root, "acme")
	os.MkdirAll(acme, 0o755)
	os.WriteFile(filepath.Join(acme, "README.md"), []byte("# Acme\n"), 0o644)
	os.WriteFile(filepath.Join(acme, "notes.scratch"), []byte("mine only\n"), 0o644)
	config := t.TempDir()
	os.MkdirAll(filepath.Join(config, "git"), 0o755)
	os.WriteFile(filepath.Join(config, "git", "ignore"), []byte("*.scratch\n"), 0o644)
	env := map[string]string{"XDG_CONFIG_HOME": config}
	for _, tt := range []struct {
		name   string
		getenv func(string) string
		kept   bool
	}{
		{"no environment given", nil, true},
		{"XDG_CONFIG_HOME given", func(k string) string { return env[k] }, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Commit(CommitOptions{Root: root, Dir: "acme", Branch: "acme-oauth", Message: "m", DryRun: true, Getenv: tt.getenv,
				Author: object.Signature{Name: "a", Email: "a@b", When: time.Unix(1700000000, 0)}})
			if err != nil {
				t.Fatal(err)
			}
			kept := false
			for _, c := range res.Changes {
				kept = kept || c.Path == "acme/notes.scratch"
			}
			if kept != tt.kept {
				t.Fatalf("notes.scratch in the change: %v, want %v", kept, tt.kept)
			}
		})
	}
}
