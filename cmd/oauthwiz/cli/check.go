package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/oauthwiz/oauthwiz/checks"
	"github.com/oauthwiz/oauthwiz/flows/integration"
	"github.com/oauthwiz/oauthwiz/flows/journey"
	"github.com/oauthwiz/oauthwiz/flows/pullrequest"
	"github.com/oauthwiz/oauthwiz/flows/secrets"
	"github.com/oauthwiz/oauthwiz/flows/words"
)

// CheckOptions is `oauthwiz check`.
type CheckOptions struct {
	Path string
	JSON bool
	// Format is text, json or github ("" : github under GitHub Actions,
	// json with JSON, text otherwise).
	Format string
	// ChangedSince limits a checkout to the integrations changed since
	// this ref (default under GitHub Actions: the pull request's base).
	ChangedSince  string
	AppUUID       string
	Case          string
	StoredSecrets bool
}

func runCheckCmd(ctx context.Context, sys *IO, args []string) error {
	var o CheckOptions
	f := newFlags(sys, "check", "check [PATH] [--format text|json|github|sarif] [--changed-since REF] [--app-uuid UUID] [--case new|existing|ui-extension]")
	f.Bool(&o.JSON, "json", false, "print one JSON document on stdout (--format json)")
	f.String(&o.Format, "format", "", "text, json, github (workflow annotations and a job summary; the default under GitHub Actions) or sarif (SARIF 2.1.0, for code scanning)")
	f.String(&o.ChangedSince, "changed-since", "", "check only the integrations whose folders changed since REF (a branch, tag or commit; under GitHub Actions the pull request's base by default)")
	f.String(&o.AppUUID, "app-uuid", "", "the published app_uuid a new integration must carry")
	f.String(&o.Case, "case", "new", "publication case: new, existing or ui-extension (app_uuid is compared only for new)")
	f.Bool(&o.StoredSecrets, "stored-secrets", false, "also look for the secrets stored in the keyring for every integration of a tree (always done for one integration)")
	if err := f.parse(args); err != nil {
		return err
	}
	if f.NArg() > 1 {
		return usagef("check takes one PATH, got %d", f.NArg())
	}
	o.Path = "."
	if f.NArg() == 1 {
		o.Path = f.Arg(0)
	}
	return RunCheck(sys, o)
}

// RunCheck is the work of `oauthwiz check`.
func RunCheck(sys *IO, o CheckOptions) error {
	c, err := integration.ParseCase(o.Case)
	if err != nil {
		return &UsageError{Msg: err.Error(), Err: err}
	}
	format, err := checkFormat(sys, o)
	if err != nil {
		return err
	}
	opts := checks.Options{AppUUID: o.AppUUID, Case: c}
	if since := changedSince(sys, o); since != "" {
		root, err := pullrequest.FindRoot(o.Path)
		if err != nil {
			return usagef("--changed-since: %v", err)
		}
		changed, err := pullrequest.ChangedFolders(root, since)
		if err != nil {
			if sys.Getenv("GITHUB_ACTIONS") == "true" {
				// The usual cause in a workflow: a shallow checkout.
				return usagef("--changed-since %s: %v (in a workflow, check out with 'fetch-depth: 0' so the base branch is there)", since, err)
			}
			return usagef("--changed-since %s: %v", since, err)
		}
		opts.Only = append([]string{}, changed...)
		fmt.Fprintf(sys.Err, "Checking the integrations changed since %s: %s.\n", since, orNone(changed))
	}
	var store secrets.Store
	if sys.Store != nil {
		store = sys.Store(func(w string) { fmt.Fprintln(sys.Err, w) })
	}
	if info, err := integration.Load(o.Path); err == nil && info.HasManifest && store != nil {
		// One integration: checked as the wizard and 'status' check it (the
		// recorded case and app_uuid, its stored secrets as canaries);
		// flags given on the command line win.
		jw := &journey.Workspace{Store: store, StateDir: sys.stateDir(), Integration: info.Name, Info: info}
		rec := jw.CheckOptions()
		if opts.AppUUID == "" {
			opts.AppUUID = rec.AppUUID
			if rec.Case != "" && o.Case == string(integration.CaseNew) {
				opts.Case = rec.Case
			}
		}
		opts.KnownSecrets = rec.KnownSecrets
	} else if o.StoredSecrets && store != nil {
		opts.KnownSecrets = func(name string) []string {
			return (&journey.Workspace{Store: store, StateDir: sys.stateDir(), Integration: name}).KnownSecrets()
		}
	}
	rep, err := journey.CheckTree(o.Path, opts)
	if err != nil {
		return usagef("check: %v", err)
	}
	switch format {
	case "json":
		if err := json.NewEncoder(sys.Out).Encode(rep); err != nil {
			return err
		}
	case "sarif":
		if err := writeSARIF(sys.Out, rep, sys.Version); err != nil {
			return err
		}
	case "github":
		printAnnotations(sys.Out, rep)
		if err := writeJobSummary(sys, rep); err != nil {
			fmt.Fprintln(sys.Err, "warning: the job summary could not be written:", err)
		}
	default:
		printReport(sys, rep)
	}
	if rep.Summary.Errors > 0 {
		return &ProblemsError{Msg: fmt.Sprintf("%d errors", rep.Summary.Errors)}
	}
	return nil
}

func printReport(sys *IO, rep checks.Report) {
	byName := map[string][]checks.Finding{}
	var order []string
	for _, f := range rep.Findings {
		if _, ok := byName[f.Integration]; !ok {
			order = append(order, f.Integration)
		}
		byName[f.Integration] = append(byName[f.Integration], f)
	}
	for _, name := range order {
		if name == "" {
			fmt.Fprintln(sys.Out, "(the repository)") // its own files: the allowlist
		} else {
			fmt.Fprintf(sys.Out, "%s\n", name)
		}
		for _, f := range byName[name] {
			loc := f.Path // from the repository's root: an editor or a CI log jumps there
			if f.Line > 0 {
				loc = fmt.Sprintf("%s:%d", f.Path, f.Line)
			}
			fmt.Fprintf(sys.Out, "  %-7s %-34s %s\n          %s\n          fix: %s\n", f.Severity, f.Rule, loc, f.Message, f.Fix)
		}
	}
	s := rep.Summary
	fmt.Fprintf(sys.Out, "Checked %s: %s, %s.\n", words.Count(s.Integrations, "integration"), words.Count(s.Errors, "error"), words.Count(s.Warnings, "warning"))
}

// FixOptions is `oauthwiz fix readme|manifest`.
type FixOptions struct {
	What    string // readme or manifest
	Path    string
	DryRun  bool
	Yes     bool
	Title   string
	AppUUID string
}

func runFixCmd(ctx context.Context, sys *IO, args []string) error {
	if len(args) == 0 || (args[0] != "readme" && args[0] != "manifest") {
		return usagef("usage: oauthwiz fix readme|manifest [PATH] [--dry-run|--yes]")
	}
	o := FixOptions{What: args[0]}
	f := newFlags(sys, "fix "+o.What, "fix "+o.What+" [PATH] [--dry-run|--yes]")
	f.Bool(&o.DryRun, "dry-run", false, "print the unified diff and change nothing")
	f.Bool(&o.Yes, "yes", false, "write without asking")
	if o.What == "readme" {
		f.String(&o.Title, "title", "", "the name used in the API Keys link (default: tile.title of manifest.json)")
	} else {
		f.String(&o.AppUUID, "app-uuid", "", "also set app_uuid (the published one, for a new integration)")
	}
	if err := f.parse(args[1:]); err != nil {
		return err
	}
	o.Path = "."
	if f.NArg() == 1 {
		o.Path = f.Arg(0)
	} else if f.NArg() > 1 {
		return usagef("fix %s takes one PATH", o.What)
	}
	return RunFix(ctx, sys, o)
}

// RunFix is the work of `oauthwiz fix`.
func RunFix(ctx context.Context, sys *IO, o FixOptions) error {
	if o.DryRun && o.Yes {
		return usagef("--dry-run and --yes contradict each other")
	}
	dir := o.Path
	if st, err := os.Stat(dir); err == nil && !st.IsDir() {
		dir = filepath.Dir(dir)
	}
	target := filepath.Join(dir, "README.md")
	if o.What == "manifest" {
		target = filepath.Join(dir, "manifest.json")
	}
	edit, err := journey.PlanFix(dir, journey.FixTarget(o.What), o.Title, o.AppUUID)
	switch {
	case errors.Is(err, journey.ErrNothingToFix):
		fmt.Fprintln(sys.Out, "Nothing to fix: this is not an OAuth integration and its README has no uninstallation section.")
		return nil
	case err != nil:
		return usagef("fix %s: %v", o.What, err)
	case edit == nil:
		fmt.Fprintf(sys.Out, "%s is already right: nothing to change.\n", target)
		return nil
	}
	fmt.Fprint(sys.Out, edit.Diff())
	if o.DryRun {
		return nil
	}
	ok, err := confirm(ctx, sys, o.Yes, "Write these changes to "+edit.Path+"?", &ProblemsError{Msg: "changes pending"})
	if err != nil {
		return err
	}
	if !ok {
		fmt.Fprintln(sys.Err, "Nothing written.")
		return nil
	}
	if err := edit.Write(); err != nil {
		return err
	}
	fmt.Fprintf(sys.Err, "Wrote %s.\n", edit.Path)
	return nil
}
