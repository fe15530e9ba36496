package cli_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/oauthwiz/oauthwiz/cmd/oauthwiz/cli"
	"github.com/oauthwiz/oauthwiz/flows/secrets"
)

// A scratch integrations-extras whose base branch has dagster, doppler and
// fauna (real files from checks/testdata/extras); the pull request changes
// fauna's README and adds isdown (its manifest lacks tile.uninstallation).
// Under GitHub Actions, 'oauthwiz check' annotates exactly those two, writes
// the job summary and exits 1.
func TestCheckInGitHubActions(t *testing.T) {
	t.Parallel()
	upstream := t.TempDir()
	repo, err := gogit.PlainInit(upstream, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"dagster", "doppler", "fauna"} {
		if err := os.CopyFS(filepath.Join(upstream, name), os.DirFS(filepath.Join("../../../checks/testdata/extras", name))); err != nil {
			t.Fatal(err)
		}
	}
	wt, _ := repo.Worktree()
	if err := wt.AddGlob("."); err != nil {
		t.Fatal(err)
	}
	if _, err := wt.Commit("three integrations", &gogit.CommitOptions{Author: &object.Signature{Name: "t", Email: "t@example.com", When: time.Now()}}); err != nil {
		t.Fatal(err)
	}
	clone := filepath.Join(t.TempDir(), "integrations-extras")
	if _, err := gogit.PlainClone(clone, false, &gogit.CloneOptions{URL: upstream}); err != nil {
		t.Fatal(err)
	}
	readme := filepath.Join(clone, "fauna", "README.md")
	b, _ := os.ReadFile(readme)
	os.WriteFile(readme, append(b, []byte("\nMore about Fauna.\n")...), 0o644)
	if err := os.CopyFS(filepath.Join(clone, "isdown"), os.DirFS("../../../checks/testdata/extras/isdown")); err != nil {
		t.Fatal(err)
	}
	summary := filepath.Join(t.TempDir(), "summary.md")
	env := map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_BASE_REF": "master", "GITHUB_STEP_SUMMARY": summary, "OAUTHWIZ_STATE_DIR": t.TempDir()}
	var out, errb bytes.Buffer
	sys := &cli.IO{In: strings.NewReader(""), Out: &out, Err: &errb, Getenv: func(k string) string { return env[k] }, Now: time.Now,
		Store: func(func(string)) secrets.Store { return &secrets.Memory{} }}
	code := cli.ExitCode(cli.Main(context.Background(), []string{"check", clone}, sys))
	if code != 1 {
		t.Fatalf("exit %d\n%s\n%s", code, out.String(), errb.String())
	}
	var annotated []string
	for _, line := range strings.Split(out.String(), "\n") {
		if strings.HasPrefix(line, "::") {
			annotated = append(annotated, line)
			if !strings.Contains(line, "file=fauna/") && !strings.Contains(line, "file=isdown/") {
				t.Errorf("an annotation outside the two changed integrations: %s", line)
			}
		}
	}
	want := "::error file=isdown/manifest.json,line=6,title=manifest/uninstallation-missing::tile.uninstallation is missing"
	if !strings.Contains(out.String(), want) || len(annotated) < 2 || !strings.Contains(errb.String(), "changed since master: fauna, isdown") {
		t.Fatalf("annotations:\n%s\nstderr:\n%s", out.String(), errb.String())
	}
	sb, err := os.ReadFile(summary)
	if err != nil || !strings.Contains(string(sb), "## oauthwiz check") || !strings.Contains(string(sb), "| ❌ | isdown | `manifest/uninstallation-missing` | `isdown/manifest.json:6` |") {
		t.Fatalf("job summary: %v\n%s", err, sb)
	}
}
