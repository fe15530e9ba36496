package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/oauthwiz/oauthwiz/cmd/oauthwiz/quietinit"
)

// tmuxSession runs the real binary in a real terminal (tmux, 80×24).
type tmuxSession struct {
	t      *testing.T
	socket string
	name   string
}

func needTmux(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux not found: install it (apt-get install tmux) to run the real-terminal test")
	}
}

func startTmux(t *testing.T, command string) *tmuxSession {
	t.Helper()
	return startTmuxSized(t, command, 80, 24)
}

func startTmuxSized(t *testing.T, command string, width, height int) *tmuxSession {
	t.Helper()
	needTmux(t)
	name := strings.ReplaceAll(t.Name(), "/", "-")
	// A server per test: a new session on a shared server can reach it
	// while it exits after the previous test killed its last session
	// ("server exited unexpectedly").
	s := &tmuxSession{t: t, socket: fmt.Sprintf("oauthwiz-test-%d-%s", os.Getpid(), name), name: name}
	s.tmux("new-session", "-d", "-s", s.name, "-x", strconv.Itoa(width), "-y", strconv.Itoa(height), "env TERM=xterm-256color "+command+"; echo EXIT=$?; sleep 30")
	t.Cleanup(func() { exec.Command("tmux", "-L", s.socket, "kill-server").Run() })
	return s
}

// userEnviron is the test's environment as the user of a colour terminal
// would have it, whatever machine runs the tests: without CI (termenv
// then treats every terminal as colourless), the colour switches a machine
// may set for its logs (NO_COLOR, CLICOLOR), ACCESSIBLE (plain prompts
// instead of the wizard), or oauthwiz's own OAUTHWIZ_ variables (every
// flag has one). A test adds what it needs after these.
func userEnviron() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch {
		case name == "CI", name == "NO_COLOR", name == "CLICOLOR", name == "CLICOLOR_FORCE", name == "ACCESSIBLE",
			strings.HasPrefix(name, "OAUTHWIZ_"):
			continue
		}
		env = append(env, kv)
	}
	return env
}

func (s *tmuxSession) tmux(args ...string) string {
	s.t.Helper()
	cmd := exec.Command("tmux", append([]string{"-L", s.socket}, args...)...)
	cmd.Env = userEnviron() // the server, started by the first command, passes it on
	out, err := cmd.CombinedOutput()
	if err != nil {
		s.t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func (s *tmuxSession) screen() string { return s.tmux("capture-pane", "-p", "-t", s.name) }

func (s *tmuxSession) waitFor(text string) string {
	s.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if sc := s.screen(); strings.Contains(sc, text) {
			return sc
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.t.Fatalf("the screen never showed %q:\n%s", text, s.screen())
	return ""
}

func (s *tmuxSession) keys(keys ...string) {
	s.tmux(append([]string{"send-keys", "-t", s.name}, keys...)...)
}

// buildBinary builds oauthwiz once for the package's tests.
func buildBinary(t testing.TB) string {
	t.Helper()
	built.once.Do(func() {
		dir, err := os.MkdirTemp("", "oauthwiz-bin-")
		if err != nil {
			built.err = err
			return
		}
		built.dir, built.bin = dir, filepath.Join(dir, "oauthwiz")
		if out, err := exec.Command("go", "build", "-o", built.bin, ".").CombinedOutput(); err != nil {
			built.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.bin
}

var built struct {
	once     sync.Once
	dir, bin string
	err      error
}

func TestMain(m *testing.M) {
	// This test binary holds package main, so quietinit hid TERM while it
	// initialized; main, which gives it back, does not run here.
	quietinit.Restore()
	code := m.Run()
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// TestDemoInRealTerminal walks the demo with Enter alone in tmux at 80×24,
// as a pairing session would, from launch to the summary: each Enter does
// the screen's next action (import on eu1, authorize there, check every
// scope, preview and write the fixes, push and open the pull request,
// publish and write app_uuid). It checks the exit code and the terminal
// afterwards.
func TestDemoInRealTerminal(t *testing.T) {
	needTmux(t)
	bin := buildBinary(t)
	s := startTmux(t, bin+" demo --no-browser")
	s.waitFor("Which case is this?")
	s.keys("?")
	s.waitFor("esc   back/cancel") // the full help, in columns
	s.keys("?")
	for _, want := range []string{
		"The site to test on first", "Client secret", "Authorized on us1 as Partner Sandbox (us1)",
		"valid: GET /api/v1/validate accepted it", "enter import on eu1", "Imported on eu1", "Authorized on eu1", "0 failed",
		"✗ manifest.json", "+## Uninstallation", "✓ manifest.json", "Press y to commit", "Pull request #1 created",
		"Press enter to publish", "Press y to write it into manifest.json", "re-test on eu1", "Summary",
	} {
		s.keys("Enter")
		s.waitFor(want)
	}
	s.keys("Enter")
	sc := s.waitFor("EXIT=0")
	for _, want := range []string{"✓ API key", "✓ Every site", "✓ Every scope", "✓ README & manifest", "✓ Pull request", "✓ Publish", "✓ Re-test published", "0 test objects left"} {
		if !strings.Contains(sc, want) {
			t.Errorf("after exit the terminal lacks %q:\n%s", want, sc)
		}
	}
}

// TestDemoInSmallTerminal walks the demo with Enter alone at 60×20: every
// screen keeps the header on its first line and the step line under it.
func TestDemoInSmallTerminal(t *testing.T) {
	needTmux(t)
	bin := buildBinary(t)
	s := startTmuxSized(t, bin+" demo --no-browser", 60, 20)
	s.waitFor("Which case is this?")
	for _, want := range []string{
		"The site to test on first", "Client credentials", "Authorized on us1", "Created the key", "import on eu1", "Imported on eu1",
		"Authorized on eu1", "0 failed", "✗ manifest.json", "write the fixes", "✓ manifest.json", "push & open PR",
		"Pull request #1 created", "Press enter to publish", "write app_uuid", "re-test on eu1", "Summary",
	} {
		// Each want shows only once its step is idle (the checks run
		// again after the fixes): an Enter pressed while one runs is lost.
		s.keys("Enter")
		sc := s.waitFor(want)
		lines := strings.Split(sc, "\n")
		if !strings.HasPrefix(lines[0], "oauthwiz") || !strings.HasPrefix(lines[1], "▸ ") {
			t.Fatalf("waiting for %q, the header is gone:\n%s", want, sc)
		}
	}
	s.keys("Enter")
	s.waitFor("EXIT=0")
}

// TestDemoPlaysItselfInRealTerminal: demo --auto, nobody at the keyboard.
func TestDemoPlaysItselfInRealTerminal(t *testing.T) {
	needTmux(t)
	bin := buildBinary(t)
	s := startTmux(t, bin+" demo --no-browser --auto 50ms")
	sc := s.waitFor("EXIT=0")
	for _, want := range []string{"✓ Pull request", "✓ Re-test published", "0 test objects left"} {
		if !strings.Contains(sc, want) {
			t.Errorf("after the demo played itself the terminal lacks %q:\n%s", want, sc)
		}
	}
}

// TestPagerDutyDemoInRealTerminal walks the PagerDuty path of the demo.
func TestPagerDutyDemoInRealTerminal(t *testing.T) {
	needTmux(t)
	bin := buildBinary(t)
	s := startTmux(t, bin+" demo --no-browser --provider pagerduty")
	// Each screen, then Enter: the platform, the credentials, the
	// authorization, the scope checks, the summary.
	for _, want := range []string{"▸ Another platform: PagerDuty", "Scopes to request", "Authorized: the account is in region us", "0 failed", "Press enter to finish"} {
		s.waitFor(want)
		s.keys("Enter")
	}
	s.waitFor("EXIT=0")
}

// SIGTERM (kill, tmux kill-pane) ends the wizard as Ctrl+C does: the
// terminal restored, exit 130.
func TestSIGTERMExits130InRealTerminal(t *testing.T) {
	needTmux(t)
	bin := buildBinary(t)
	s := startTmux(t, bin+" demo --no-browser")
	s.waitFor("Which case is this?")
	pids := processesOf(bin)
	if len(pids) != 1 {
		t.Fatalf("oauthwiz processes: %v", pids)
	}
	syscall.Kill(pids[0], syscall.SIGTERM)
	sc := s.waitFor("EXIT=130")
	if strings.Contains(sc, "Which case is this?") {
		t.Errorf("the wizard's screen was not cleared (alt screen not restored):\n%s", sc)
	}
}

// processesOf lists the pids whose command line starts with bin (Linux).
func processesOf(bin string) []int {
	var out []int
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cmdline, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if strings.HasPrefix(string(cmdline), bin+"\x00") {
			out = append(out, pid)
		}
	}
	return out
}

func TestCtrlCExits130InRealTerminal(t *testing.T) {
	needTmux(t)
	bin := buildBinary(t)
	s := startTmux(t, bin+" demo --no-browser")
	s.waitFor("Which case is this?")
	s.keys("C-c")
	sc := s.waitFor("EXIT=130")
	if strings.Contains(sc, "Which case is this?") {
		t.Errorf("the wizard's screen was not cleared (alt screen not restored):\n%s", sc)
	}
}
