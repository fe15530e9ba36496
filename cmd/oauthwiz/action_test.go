package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"
	"gopkg.in/yaml.v3"
)

// actionStep is the step of .github/actions/check/action.yml that runs the
// check: its command line and environment, as the runner passes them.
func actionStep(t *testing.T) (run string, env map[string]string) {
	t.Helper()
	b, err := os.ReadFile("../../.github/actions/check/action.yml")
	if err != nil {
		t.Fatal(err)
	}
	var action struct {
		Runs struct {
			Using string
			Steps []struct {
				Name string
				Run  string
				Env  map[string]string
			}
		}
	}
	if err := yaml.Unmarshal(b, &action); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	if action.Runs.Using != "composite" {
		t.Fatalf("the action runs %q, not composite", action.Runs.Using)
	}
	for _, s := range action.Runs.Steps {
		if strings.Contains(s.Run, "oauthwiz check") {
			return s.Run, s.Env
		}
	}
	t.Fatal("no step of the action runs 'oauthwiz check'")
	return "", nil
}

// TestCheckInGitHubActions runs the action's own command line with the real
// binary and the environment GitHub gives a pull request's job, on a scratch
// integrations-extras: dagster, doppler and fauna (real files from
// checks/testdata/extras) on its base, fauna changed and isdown added (its
// manifest lacks tile.uninstallation). Exactly those two are annotated, the
// job summary is written, the step fails.
func TestCheckInGitHubActions(t *testing.T) {
	bin := buildBinary(t)
	upstream := t.TempDir()
	repo, err := gogit.PlainInit(upstream, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"dagster", "doppler", "fauna"} {
		if err := os.CopyFS(filepath.Join(upstream, name), os.DirFS(filepath.Join("../../checks/testdata/extras", name))); err != nil {
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
	if err := os.CopyFS(filepath.Join(clone, "isdown"), os.DirFS("../../checks/testdata/extras/isdown")); err != nil {
		t.Fatal(err)
	}

	run, stepEnv := actionStep(t)
	summary := filepath.Join(t.TempDir(), "summary.md")
	env := []string{"PATH=" + filepath.Dir(bin) + string(os.PathListSeparator) + os.Getenv("PATH"), "HOME=" + t.TempDir(),
		"OAUTHWIZ_STATE_DIR=" + t.TempDir(), "GITHUB_ACTIONS=true", "GITHUB_BASE_REF=master", "GITHUB_STEP_SUMMARY=" + summary}
	for k, v := range stepEnv {
		switch v {
		case "${{ inputs.path }}":
			v = clone
		case "${{ inputs.changed-since }}":
			v = "" // the default: the pull request's base
		}
		env = append(env, k+"="+v)
	}
	cmd := exec.Command("bash", "-c", run)
	cmd.Env = env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	if exit, ok := err.(*exec.ExitError); !ok || exit.ExitCode() != 1 {
		t.Fatalf("the step ended with %v (want exit 1)\n%s\n%s", err, out.String(), errb.String())
	}
	var annotated int
	for _, line := range strings.Split(out.String(), "\n") {
		if strings.HasPrefix(line, "::") {
			annotated++
			if !strings.Contains(line, "file=fauna/") && !strings.Contains(line, "file=isdown/") {
				t.Errorf("an annotation outside the two changed integrations: %s", line)
			}
		}
	}
	want := "::error file=isdown/manifest.json,line=6,title=manifest/uninstallation-missing::tile.uninstallation is missing"
	if !strings.Contains(out.String(), want) || annotated < 2 || !strings.Contains(errb.String(), "changed since master: fauna, isdown") {
		t.Fatalf("annotations:\n%s\nstderr:\n%s", out.String(), errb.String())
	}
	sb, err := os.ReadFile(summary)
	if err != nil || !strings.Contains(string(sb), "## oauthwiz check") || !strings.Contains(string(sb), "| ❌ | isdown | `manifest/uninstallation-missing` | `isdown/manifest.json:6` |") {
		t.Fatalf("job summary: %v\n%s", err, sb)
	}
}
