// Package cli wires oauthwiz's commands: each has an options struct and a run
// function that takes it, so tests call the work directly.
package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/oauthwiz/oauthwiz/flows/devplatform"
	"github.com/oauthwiz/oauthwiz/flows/inputs"
	"github.com/oauthwiz/oauthwiz/flows/journey"

	"golang.org/x/term"

	"github.com/oauthwiz/oauthwiz/assets"
	"github.com/oauthwiz/oauthwiz/flows/authorize"
	"github.com/oauthwiz/oauthwiz/flows/datadog"
	"github.com/oauthwiz/oauthwiz/flows/integration"
	"github.com/oauthwiz/oauthwiz/flows/platform"
	"github.com/oauthwiz/oauthwiz/flows/secrets"
)

// Exit codes of the command line contract.
const (
	ExitOK        = 0
	ExitProblems  = 1
	ExitUsage     = 2
	ExitRemote    = 3
	ExitCancelled = 130
)

// IO is everything a command touches outside itself.
type IO struct {
	In       io.Reader
	Out, Err io.Writer
	// Interactive reports whether a person can answer prompts (stdin and
	// stderr are terminals).
	Interactive bool
	// ErrTerminal reports whether stderr is a terminal: progress is
	// redrawn in place there, and written as plain lines elsewhere (a CI
	// log has no use for carriage returns).
	ErrTerminal bool
	Getenv      func(string) string
	Store       func(warn func(string)) secrets.Store
	HTTPClient  *http.Client
	OpenBrowser func(string) error
	// CanOpenBrowser reports whether a browser is likely to open here.
	CanOpenBrowser bool
	Now            func() time.Time
	Version        string
	// ReadSecret reads a masked line from the terminal.
	ReadSecret func(prompt string) (string, error)
	// KeyringWait asks whether to keep waiting for a slow OS keyring (nil:
	// no terminal, or the wizard owns it; the store then falls back to its
	// file and says so).
	KeyringWait func(waited time.Duration) bool
	// Prompt asks the person (nil: a terminal prompter on In and Err, made
	// by Main or on first use; never used without Interactive).
	Prompt Prompter
	// stdin is In, buffered once: every reader of standard input (prompts,
	// --client-secret-stdin, --paste) reads through it, so none swallows
	// what another one is owed.
	stdin *bufio.Reader
}

// lines is standard input, buffered once for every reader of it.
func (sys *IO) lines() *bufio.Reader {
	if sys.stdin == nil {
		in := sys.In
		if in == nil {
			in = strings.NewReader("")
		}
		sys.stdin = bufio.NewReaderSize(in, 64*1024)
	}
	return sys.stdin
}

// System is the IO of the real process.
func System(version string) *IO {
	interactive := term.IsTerminal(int(os.Stdin.Fd())) && term.IsTerminal(int(os.Stderr.Fd()))
	sys := &IO{
		In: os.Stdin, Out: os.Stdout, Err: os.Stderr, Interactive: interactive, ErrTerminal: term.IsTerminal(int(os.Stderr.Fd())),
		Getenv:         os.Getenv,
		HTTPClient:     &http.Client{Timeout: 30 * time.Second},
		OpenBrowser:    openBrowser,
		CanOpenBrowser: canOpenBrowser(os.Getenv),
		Now:            time.Now,
		Version:        version,
		ReadSecret: func(prompt string) (string, error) {
			fmt.Fprint(os.Stderr, prompt)
			b, err := term.ReadPassword(int(os.Stdin.Fd()))
			fmt.Fprintln(os.Stderr)
			return strings.TrimSpace(string(b)), err
		},
	}
	if interactive {
		sys.KeyringWait = func(waited time.Duration) bool {
			fmt.Fprintf(os.Stderr, "The OS keyring has not answered for %s: it may be waiting for you to unlock it. Keep waiting? [Y/n] (n stores secrets in %s instead) ", waited.Round(time.Second), filepath.Join(sys.stateDir(), "secrets.json"))
			line, _ := bufio.NewReader(os.Stdin).ReadString('\n')
			a := strings.ToLower(strings.TrimSpace(line))
			return a == "" || a == "y" || a == "yes"
		}
	}
	sys.Store = func(warn func(string)) secrets.Store { return secrets.Default(sys.Getenv, warn, sys.KeyringWait) }
	return sys
}

// canOpenBrowser guesses whether a browser can open: not over SSH, and on
// Linux only with a display.
func canOpenBrowser(getenv func(string) string) bool {
	if getenv("SSH_CONNECTION") != "" || getenv("SSH_TTY") != "" || getenv("CI") != "" {
		return false
	}
	if _, err := os.Stat("/proc/version"); err == nil { // Linux and WSL
		return getenv("DISPLAY") != "" || getenv("WAYLAND_DISPLAY") != "" || getenv("BROWSER") != ""
	}
	return true
}

// UsageError is bad input: exit 2.
type UsageError struct {
	Msg string
	Err error // the engine's error it reports, if any
}

func (e *UsageError) Error() string { return e.Msg }
func (e *UsageError) Unwrap() error { return e.Err }

// usagef is a UsageError; %w keeps the engine's error for errors.Is/As.
func usagef(format string, args ...any) error {
	err := fmt.Errorf(format, args...)
	return &UsageError{Msg: err.Error(), Err: errors.Unwrap(err)}
}

// RemoteError is a refusal or failure of a remote: exit 3.
type RemoteError struct{ Err error }

func (e *RemoteError) Error() string { return e.Err.Error() }
func (e *RemoteError) Unwrap() error { return e.Err }

// ProblemsError means checks ran and found problems: exit 1. Its message was
// already printed.
type ProblemsError struct{ Msg string }

func (e *ProblemsError) Error() string { return e.Msg }

// ErrCancelled is Ctrl+C.
var ErrCancelled = errors.New("cancelled")

type silentError struct{ code int }

func (e silentError) Error() string { return fmt.Sprintf("exit %d", e.code) }

// Silent reports errors whose message was already shown.
func Silent(err error) bool {
	var s silentError
	var p *ProblemsError
	return errors.As(err, &s) || errors.As(err, &p) || errors.Is(err, flag.ErrHelp)
}

// ExitCode maps an error to the exit code of the contract.
func ExitCode(err error) int {
	var u *UsageError
	var r *RemoteError
	var p *ProblemsError
	var s silentError
	var ae *authorize.Error
	var de *datadog.APIError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return ExitOK
	case errors.As(err, &s):
		return s.code
	case errors.Is(err, ErrCancelled), errors.Is(err, context.Canceled):
		return ExitCancelled
	case errors.As(err, &u):
		return ExitUsage
	case errors.As(err, &p):
		return ExitProblems
	case errors.As(err, &ae):
		if ae.Step == authorize.StepInput || ae.Step == authorize.StepListen {
			return ExitUsage
		}
		if ae.Step == authorize.StepCancelled {
			return ExitCancelled
		}
		return ExitRemote
	case errors.As(err, &r), errors.As(err, &de):
		return ExitRemote
	}
	return ExitUsage
}

const rootUsage = `oauthwiz — publish a Datadog OAuth client, tested on every site.

Usage:
  oauthwiz                      the wizard, on the integration in the current folder
  oauthwiz demo                 the wizard against the embedded sandbox (no account, no network; --auto 2s plays it)
  oauthwiz sandbox              run the sandbox alone; prints its sites and clients as JSON
  oauthwiz authorize            test authorization on one site (PKCE, loopback redirect)
  oauthwiz apikey create        create the marketplace API key, stored once, validated
  oauthwiz manifest diff|import|export   per-site app manifests and credential sets
  oauthwiz scopes check         scope-by-scope data flow checks on every authorized site
  oauthwiz scopes list          Datadog's scope catalog, and which scopes have a probe (--json)
  oauthwiz check [PATH]         pre-submission checks (one integration, or a whole repo)
  oauthwiz fix readme|manifest  the uninstallation edits (preview, then write)
  oauthwiz pr [PATH]            branch, commit, push, open or update the pull request
  oauthwiz publish              published credentials and app_uuid, pushed to the PR, re-tested
  oauthwiz status               the journey's checklist with its evidence (no terminal needed)
  oauthwiz doctor [TEXT]        explain an OAuth error message
  oauthwiz --version

Run 'oauthwiz COMMAND -h' for a command's flags. Every flag has an environment
variable (OAUTHWIZ_<FLAG>, e.g. OAUTHWIZ_SITE). Exit codes: 0 ok, 1 problems found,
2 usage or input error, 3 a remote refused or failed, 130 cancelled.
`

// Main runs oauthwiz with arguments.
func Main(ctx context.Context, args []string, sys *IO) error {
	sys.lines()    // one reader of stdin for every prompt, copies of sys included
	sys.prompter() // (made now, so that copies of sys share them)
	return withFlag(dispatch(ctx, args, sys))
}

// flagged is an engine's error about one input, with the flag that sets it.
type flagged struct {
	error
	field inputs.Field
}

func (f *flagged) Error() string { return f.error.Error() + " (--" + string(f.field) + ")" }
func (f *flagged) Unwrap() error { return f.error }

// withFlag names the flag of the input an error is about: the engines say
// what is wrong in words, the command says which flag changes it.
func withFlag(err error) error {
	if field, ok := inputs.FieldOf(err); ok && field != "" {
		return &flagged{error: err, field: field}
	}
	return err
}

// dispatch runs the command args name.
func dispatch(ctx context.Context, args []string, sys *IO) error {
	if len(args) == 0 {
		return runWizard(ctx, sys, nil)
	}
	switch args[0] {
	case "-h", "--help", "help":
		fmt.Fprint(sys.Out, rootUsage)
		return nil
	case "--version", "version":
		fmt.Fprintln(sys.Out, "oauthwiz", sys.Version)
		return nil
	case "demo":
		return runDemoCmd(ctx, sys, args[1:])
	case "sandbox":
		return runSandboxCmd(ctx, sys, args[1:])
	case "authorize":
		return runAuthorizeCmd(ctx, sys, args[1:])
	case "apikey":
		if len(args) < 2 || args[1] != "create" {
			return usagef("usage: oauthwiz apikey create [flags] (see 'oauthwiz apikey create -h')")
		}
		return runAPIKeyCmd(ctx, sys, args[2:])
	case "doctor":
		return runDoctorCmd(ctx, sys, args[1:])
	case "check":
		return runCheckCmd(ctx, sys, args[1:])
	case "scopes":
		return runScopesCmd(ctx, sys, args[1:])
	case "manifest":
		return runManifestCmd(ctx, sys, args[1:])
	case "pr":
		return runPRCmd(ctx, sys, args[1:])
	case "publish":
		return runPublishCmd(ctx, sys, args[1:])
	case "status":
		return runStatusCmd(ctx, sys, args[1:])
	case "fix":
		return runFixCmd(ctx, sys, args[1:])
	case "wizard":
		return runWizard(ctx, sys, args[1:])
	}
	if strings.HasPrefix(args[0], "-") {
		return runWizard(ctx, sys, args)
	}
	return usagef("unknown command %q\n\n%s", args[0], rootUsage)
}

// flagSet makes a FlagSet whose usage goes to stderr and whose defaults come
// from OAUTHWIZ_* environment variables.
type flagSet struct {
	*flag.FlagSet
	sys *IO
	pos []string // positional arguments, wherever they stood among the flags
}

func newFlags(sys *IO, name, synopsis string) *flagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(sys.Err)
	fs.Usage = func() {
		fmt.Fprintf(sys.Err, "Usage: oauthwiz %s\n\nFlags (each also read from OAUTHWIZ_<NAME>):\n", synopsis)
		fs.PrintDefaults()
	}
	return &flagSet{FlagSet: fs, sys: sys}
}

func envName(flagName string) string {
	return "OAUTHWIZ_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

func (f *flagSet) String(p *string, name, def, usage string) {
	if v := f.sys.Getenv(envName(name)); v != "" {
		def = v
	}
	f.StringVar(p, name, def, usage)
}

func (f *flagSet) Bool(p *bool, name string, def bool, usage string) {
	if v := f.sys.Getenv(envName(name)); v != "" {
		def = v == "1" || strings.EqualFold(v, "true") || strings.EqualFold(v, "yes")
	}
	f.BoolVar(p, name, def, usage)
}

func (f *flagSet) Duration(p *time.Duration, name string, def time.Duration, usage string) {
	if v := f.sys.Getenv(envName(name)); v != "" {
		if d, err := time.ParseDuration(v); err == nil {
			def = d
		}
	}
	f.DurationVar(p, name, def, usage)
}

// parse accepts flags before and after positional arguments
// ("check PATH --json" as well as "check --json PATH").
func (f *flagSet) parse(args []string) error {
	for {
		if err := f.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return err
			}
			return &UsageError{Msg: err.Error(), Err: err}
		}
		rest := f.Args()
		if len(rest) == 0 {
			return nil
		}
		if rest[0] == "--" {
			f.pos = append(f.pos, rest[1:]...)
			return nil
		}
		f.pos = append(f.pos, rest[0])
		args = rest[1:]
	}
}

// NArg and Arg read the positional arguments.
func (f *flagSet) NArg() int        { return len(f.pos) }
func (f *flagSet) Arg(i int) string { return f.pos[i] }

// splitList splits a comma or space separated flag value.
func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' })
}

// provider returns the Datadog provider: the sandbox's hosts when one is
// named, the real hosts otherwise.
func provider(ctx context.Context, sys *IO, sandboxURL string) (*datadog.Provider, *devplatform.Discovery, error) {
	if sandboxURL == "" {
		return &datadog.Provider{}, nil, nil
	}
	p, d, err := devplatform.Discover(ctx, sys.HTTPClient, sandboxURL)
	if err != nil {
		return nil, nil, usagef("%v (the control URL given with --sandbox or OAUTHWIZ_SANDBOX)", err)
	}
	return p, d, nil
}

// workspace is what most commands start from: the platform (real or the
// sandbox), the integration folder, the name its secrets are keyed by, and the
// secret store.
type workspace struct {
	provider  *datadog.Provider
	platform  platform.Platform // the --provider platform (Datadog unless told)
	discovery *devplatform.Discovery
	info      integration.Info
	name      string
	store     secrets.Store
	// warnings are the store's (a keyring that failed), held while the
	// wizard's full screen is up.
	warnings *heldLines
}

func openWorkspace(ctx context.Context, sys *IO, sandboxURL, dir, name string) (*workspace, error) {
	return openPlatformWorkspace(ctx, sys, "datadog", sandboxURL, dir, name)
}

// openPlatformWorkspace is openWorkspace on the platform --provider names.
func openPlatformWorkspace(ctx context.Context, sys *IO, providerName, sandboxURL, dir, name string) (*workspace, error) {
	p, d, err := provider(ctx, sys, sandboxURL)
	if err != nil {
		return nil, err
	}
	pl, err := platform.New(providerName, d)
	if errors.Is(err, platform.ErrNoPagerDutyStandIn) {
		return nil, usagef("%v: start it with 'oauthwiz sandbox --pagerduty'", err)
	}
	if err != nil {
		return nil, &UsageError{Msg: err.Error(), Err: err}
	}
	info, err := integration.Load(dir)
	if err != nil {
		return nil, &UsageError{Msg: err.Error(), Err: err}
	}
	if name == "" {
		name = info.Name
	}
	warnings := &heldLines{w: sys.Err}
	store := sys.Store(warnings.println)
	return &workspace{provider: p, platform: pl, discovery: d, info: info, name: name, store: store, warnings: warnings}, nil
}

// authorizedSites are the sites (or regions) of the platform with a token
// stored for the integration: where a command without --site should look,
// since a PagerDuty token is kept under the region its ID token named.
func (ws *workspace) authorizedSites(kind secrets.Kind) []string {
	var out []string
	for _, site := range ws.platform.Sites() {
		if _, err := ws.store.Get(secrets.Namespace{Integration: ws.name, Site: site, Kind: kind}.TokenKey()); err == nil {
			out = append(out, site)
		}
	}
	return out
}

// stateDir is where oauthwiz keeps its files, from this process's
// environment (OAUTHWIZ_STATE_DIR, XDG_STATE_HOME, HOME).
func (sys *IO) stateDir() string {
	getenv := sys.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	return secrets.StateDir(getenv)
}

// journey is the workspace as the journey's use cases take it.
func (ws *workspace) journey(sys *IO) *journey.Workspace {
	return &journey.Workspace{Getenv: sys.Getenv, Provider: ws.provider, HTTPClient: sys.HTTPClient, Store: ws.store, StateDir: sys.stateDir(), Integration: ws.name, Info: ws.info, Kind: secrets.Test, Now: sys.Now}
}

// devPlatform is the workspace's Developer Platform: the sandbox's stand-in,
// or real Datadog's pages, done by the person with what they gave ahead
// (given), asked for on the terminal otherwise. prURL is the pull request
// the publishing form asks for.
func (ws *workspace) devPlatform(sys *IO, given devplatform.Published, prURL string) devplatform.DevPlatform {
	manual := devplatform.Manual{Prompter: sys.devPlatformPrompter(), Given: given, PullRequestURL: prURL}
	if sys.CanOpenBrowser {
		manual.Open = sys.OpenBrowser
	}
	return devplatform.For(ws.provider, ws.discovery, sys.HTTPClient, manual)
}

// notAuthorized says which command authorizes first.
func notAuthorized(err error, platformName, site string) error {
	cmd := "oauthwiz authorize --site " + site
	if platformName != "datadog" {
		cmd = "oauthwiz authorize --provider " + platformName + " --site " + site
	}
	return usagef("%w: run '%s' first", err, cmd)
}

// manualNeeded explains a Developer Platform step nobody could be asked
// about here, and says which flags give its result instead.
func manualNeeded(sys *IO, err error, how string) error {
	var steps *devplatform.ManualSteps
	if errors.As(err, &steps) {
		fmt.Fprint(sys.Err, steps.Text())
	}
	return usagef("no terminal to paste what the Developer Platform shows: %s", how)
}

func checkSite(site string) error {
	if site == "" {
		return usagef("no site: pass --site (one of %s) or set OAUTHWIZ_SITE", strings.Join(assets.SiteIDs(), ", "))
	}
	if _, ok := assets.SiteByID(site); !ok {
		return usagef("--site %q is not a Datadog site: use one of %s", site, strings.Join(assets.SiteIDs(), ", "))
	}
	return nil
}

// readLine reads one trimmed line (for --client-secret-stdin).
func readLine(r *bufio.Reader) (string, error) {
	line, err := r.ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	return strings.TrimSpace(line), nil
}

// explain prints the troubleshooting catalog's entries for an error.
func explain(w io.Writer, err error) { explainWith(w, err, assets.Diagnose) }

// explainWith explains an error with a platform's catalog.
func explainWith(w io.Writer, err error, diagnose func(string) []assets.Trouble) {
	for i, t := range diagnose(err.Error()) {
		if i == 2 {
			break
		}
		fmt.Fprintf(w, "\n%s\n  What it means: %s\n  What to do:    %s\n", t.Title, t.Meaning, t.Fix)
	}
}

// confirm asks a yes/no question on the terminal; --yes (yes) answers it, and
// without a terminal noTerminal is returned, saying how to answer.
func confirm(ctx context.Context, sys *IO, yes bool, question string, noTerminal error) (bool, error) {
	if yes {
		return true, nil
	}
	p := sys.prompter()
	if p == nil {
		return false, noTerminal
	}
	return p.Confirm(ctx, question)
}

// heldLines writes lines to w, except while held: then it keeps them until
// release, because a line written beneath the wizard's full screen is drawn
// over at the next frame and never read.
type heldLines struct {
	mu    sync.Mutex
	w     io.Writer
	held  bool
	lines []string
}

func (h *heldLines) println(line string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.held {
		h.lines = append(h.lines, line)
		return
	}
	fmt.Fprintln(h.w, line)
}

func (h *heldLines) hold() { h.mu.Lock(); h.held = true; h.mu.Unlock() }

// release writes the held lines and stops holding.
func (h *heldLines) release() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, line := range h.lines {
		fmt.Fprintln(h.w, line)
	}
	h.held, h.lines = false, nil
}
