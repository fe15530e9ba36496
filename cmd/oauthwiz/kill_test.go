package main

import (
	"bufio"
	"context"
	"encoding/json"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/oauthwiz/oauthwiz/flows/integration"
	"github.com/oauthwiz/oauthwiz/flows/pullrequest"
	"github.com/oauthwiz/oauthwiz/flows/sandbox"
)

// TestKillAndRestart runs the journey step by step with the real binary,
// kills each step with SIGKILL at a random point while its main request is in
// flight (or, for file edits, at a random moment), runs it again, and checks
// that the end state is the one an uninterrupted run leaves: one API key per
// org, no test object, one pull request, the files whole and right.
func TestKillAndRestart(t *testing.T) {
	bin := buildBinary(t)
	seed := time.Now().UnixNano()
	rng := rand.New(rand.NewSource(seed))
	t.Logf("seed %d", seed)

	sb, err := sandbox.Start(sandbox.Options{Sites: []string{"us1", "eu1"}, AutoApprove: true, GitHub: true,
		Scopes: []string{"api_keys_write", "dashboards_read", "dashboards_write"}})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	work := t.TempDir()
	clone := filepath.Join(work, "integrations-extras")
	if err := pullrequest.Clone(context.Background(), sb.GitHubURL()+"/DataDog/integrations-extras.git", clone, "master", 0, pullrequest.NewGitAuth(sandbox.GitHubToken, sb.GitHubURL())); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(clone, "acme")
	c, _ := sb.Client("us1", "test")
	if err := integration.WriteScratch(dir, "acme", integration.OAuthClient{Name: "Acme", RedirectURIs: append([]string{"https://acme.example/cb"}, c.RedirectURIs...), Scopes: c.Scopes, OnboardingURL: "https://acme.example/on"}); err != nil {
		t.Fatal(err)
	}
	home := filepath.Join(work, "home")
	os.MkdirAll(home, 0o755)
	os.WriteFile(filepath.Join(home, ".gitconfig"), []byte("[user]\n\tname = PE\n\temail = pe@acme.example\n"), 0o644)
	env := append(userEnviron(), "HOME="+home, "OAUTHWIZ_SANDBOX="+sb.ControlURL(), "OAUTHWIZ_STATE_DIR="+filepath.Join(work, "state"),
		"OAUTHWIZ_KEYRING=file", "GH_TOKEN=gh-canary-not-for-the-stand-in", "DISPLAY=", "BROWSER=")
	export := filepath.Join(work, "us1.json")

	run := func(args []string, kill time.Duration) (int, string) {
		return runBinary(t, bin, dir, env, args, kill, syscall.SIGKILL)
	}

	steps := []struct {
		args  []string
		fault string // the path of the request to kill during; "" kills at a random moment
	}{
		{[]string{"authorize", "--site", "us1", "--no-browser", "--timeout", "20s"}, "/oauth2/v1/token"},
		{[]string{"apikey", "create", "--site", "us1"}, "/api/v2/api_keys/marketplace"},
		{[]string{"fix", "readme", ".", "--yes"}, ""},
		{[]string{"fix", "manifest", ".", "--yes"}, ""},
		{[]string{"manifest", "export", "--site", "us1", "--out", export}, "/apps/export"},
		{[]string{"manifest", "import", "--site", "eu1", export}, "/apps/import"},
		{[]string{"authorize", "--site", "eu1", "--no-browser", "--timeout", "20s"}, "/oauth2/v1/token"},
		{[]string{"scopes", "check", "--site", "us1,eu1"}, "/api/v1/dashboard"},
		{[]string{"pr", ".", "--yes", "--sandbox", sb.ControlURL()}, "/partner/integrations-extras.git/git-receive-pack"},
		{[]string{"publish", "--site", "us1", "--yes", "--retest=false"}, "/apps/publish"},
	}
	for _, s := range steps {
		var kill time.Duration
		if s.fault != "" {
			sb.SetFaults([]sandbox.Fault{{Path: s.fault, Latency: 800 * time.Millisecond}})
			kill = 300*time.Millisecond + time.Duration(rng.Intn(300))*time.Millisecond
		} else {
			kill = time.Duration(500+rng.Intn(7500)) * time.Microsecond // a file edit takes a few ms: some kills land in it, some after
		}
		code, out := run(s.args, kill)
		t.Logf("%v: SIGKILL at %s; exit %d (-1: the kill landed, 0: the step had finished)", s.args[:2], kill, code)
		sb.SetFaults(nil)
		if code, out2 := run(s.args, 0); code != 0 {
			t.Fatalf("%v after the kill: exit %d\n--- killed run\n%s--- rerun\n%s", s.args, code, out, out2)
		}
	}

	// The end state of an uninterrupted run.
	st := sb.State()
	perOrg := map[string]int{}
	for _, k := range st.APIKeys {
		perOrg[k.OrgID]++
	}
	if len(st.APIKeys) != 2 || len(perOrg) != 2 {
		t.Fatalf("API keys %+v", st.APIKeys)
	}
	if len(st.Objects) != 0 {
		t.Fatalf("objects left: %+v", st.Objects)
	}
	if prs := sb.PullRequests("DataDog/integrations-extras"); len(prs) != 1 {
		t.Fatalf("%d pull requests", len(prs))
	}
	mb, _ := os.ReadFile(filepath.Join(dir, "manifest.json"))
	var m map[string]any
	if err := json.Unmarshal(mb, &m); err != nil || m["app_uuid"] != sb.AppUUID() {
		t.Fatalf("manifest: %v %v", err, m["app_uuid"])
	}
	if code, out := run([]string{"check", "."}, 0); code != 0 {
		t.Fatalf("check at the end: %d\n%s", code, out)
	}
	if code, out := run([]string{"status", "--json"}, 0); code != 0 || !strings.Contains(out, `"step":"Publish","done":true`) {
		t.Fatalf("status: %d\n%s", code, out)
	}
	for _, leftover := range []string{".README.md.tmp", ".manifest.json.tmp"} {
		matches, _ := filepath.Glob(filepath.Join(dir, leftover+"*"))
		if len(matches) > 0 {
			t.Fatalf("half-written files left: %v", matches)
		}
	}
}

// runBinary starts the binary in dir with env; a goroutine plays the
// browser for the authorize URLs it prints. after > 0 sends sig after that
// long. It returns the exit code (-1 when a signal ended the process) and
// what was printed (both streams).
func runBinary(t *testing.T, bin, dir string, env, args []string, after time.Duration, sig syscall.Signal) (int, string) {
	cmd := exec.Command(bin, args...)
	cmd.Dir, cmd.Env = dir, env
	stderr, _ := cmd.StderrPipe()
	var out strings.Builder
	var mu sync.Mutex
	cmd.Stdout = &lockedWriter{b: &out, mu: &mu}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<16), 1<<16)
		for sc.Scan() {
			line := sc.Text()
			mu.Lock()
			out.WriteString(line + "\n")
			mu.Unlock()
			if l := strings.TrimSpace(line); strings.HasPrefix(l, "http://127.0.0.1") && strings.Contains(l, "/oauth2/v1/authorize?") {
				go sandbox.Browse(l)
			}
		}
		close(done)
	}()
	if after > 0 {
		time.AfterFunc(after, func() { cmd.Process.Signal(sig) })
	}
	err := cmd.Wait()
	<-done
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	}
	mu.Lock()
	defer mu.Unlock()
	return code, out.String()
}

type lockedWriter struct {
	b  *strings.Builder
	mu *sync.Mutex
}

func (w *lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}
