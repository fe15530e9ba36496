package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/oauthwiz/oauthwiz/flows/devplatform"
	"github.com/oauthwiz/oauthwiz/flows/journey"
	"github.com/oauthwiz/oauthwiz/flows/secrets"
)

func runManifestCmd(ctx context.Context, sys *IO, args []string) error {
	if len(args) == 0 {
		return usagef("usage: oauthwiz manifest diff A.json B.json | import --site SITE FILE | export --site SITE [--out FILE]")
	}
	switch args[0] {
	case "diff":
		var asJSON bool
		f := newFlags(sys, "manifest diff", "manifest diff A.json B.json [--json]")
		f.Bool(&asJSON, "json", false, "print one JSON document on stdout")
		if err := f.parse(args[1:]); err != nil {
			return err
		}
		if f.NArg() != 2 {
			return usagef("manifest diff takes two files: the app manifests exported on two sites")
		}
		return RunManifestDiff(sys, f.Arg(0), f.Arg(1), asJSON)
	case "import", "export":
		var o ManifestOptions
		o.Export = args[0] == "export"
		f := newFlags(sys, "manifest "+args[0], "manifest "+args[0]+" --site SITE [FILE]")
		o.ClientFlags.register(f)
		f.String(&o.Out, "out", "", "export: where to write the file (default: stdout)")
		if err := f.parse(args[1:]); err != nil {
			return err
		}
		if f.NArg() > 0 {
			o.File = f.Arg(0)
		}
		if o.Export {
			return RunManifestExport(ctx, sys, o)
		}
		return RunManifestImport(ctx, sys, o)
	}
	return usagef("unknown manifest command %q: use diff, import or export", args[0])
}

// RunManifestDiff compares the OAuth clients of two exported app manifests.
func RunManifestDiff(sys *IO, a, b string, asJSON bool) error {
	diffs, err := journey.DiffManifests(a, b)
	if err != nil {
		return usagef("%w", err)
	}
	if asJSON {
		if err := json.NewEncoder(sys.Out).Encode(map[string]any{"a": a, "b": b, "differences": append([]journey.ManifestDifference{}, diffs...)}); err != nil {
			return err
		}
	} else if len(diffs) == 0 {
		fmt.Fprintf(sys.Out, "The OAuth clients of %s and %s match (name, scopes, redirect URIs, onboarding URL).\n", a, b)
	} else {
		for _, d := range diffs {
			fmt.Fprintf(sys.Out, "%s: %s differs\n  %s: %s\n  %s: %s\n", d.Client, d.Field, a, d.A, b, d.B)
		}
		fmt.Fprintln(sys.Out, "The sites would behave differently: import the same manifest on both, or edit the client so they match.")
	}
	if len(diffs) > 0 {
		return &ProblemsError{Msg: "the manifests differ"}
	}
	return nil
}

// ManifestOptions is `oauthwiz manifest import|export`.
type ManifestOptions struct {
	ClientFlags
	File   string
	Out    string
	Export bool
}

// ImportJSON is the --json document of an import.
type ImportJSON struct {
	Site         string `json:"site"`
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"` // masked
	Imported     string `json:"imported"`      // "by oauthwiz" (sandbox) or "by you" (Developer Platform)
}

// RunManifestExport gets a site's app manifest: downloaded from the sandbox;
// from real Datadog, the user exports it (there is no public API).
func RunManifestExport(ctx context.Context, sys *IO, o ManifestOptions) error {
	if err := checkSite(o.Site); err != nil {
		return err
	}
	p, d, err := provider(ctx, sys, o.Sandbox)
	if err != nil {
		return err
	}
	if d == nil {
		// Nothing to wait for: the person saves the file where they like.
		manual := devplatform.Manual{Provider: p}
		fmt.Fprint(sys.Err, manual.ExportSteps(o.Site).Text())
		if sys.CanOpenBrowser {
			sys.OpenBrowser(manual.ExportSteps(o.Site).Page)
		}
		return nil
	}
	r, err := o.resolve(ctx, sys, false)
	if err != nil {
		return err
	}
	b, err := devplatform.StandIn{Provider: p, Discovery: d, HTTP: sys.HTTPClient}.Export(ctx, o.Site, r.clientID)
	if err != nil {
		return &RemoteError{Err: err}
	}
	if o.Out == "" {
		_, err = sys.Out.Write(b)
		return err
	}
	if err := os.WriteFile(o.Out, b, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(sys.Err, "Exported the app manifest of %s to %s.\n", o.Site, o.Out)
	return nil
}

// RunManifestImport brings a client to another site: against the sandbox it
// imports and records the new credentials; against Datadog it sends the user
// to the Developer Platform and takes the credentials it shows — never
// pretending to have imported.
func RunManifestImport(ctx context.Context, sys *IO, o ManifestOptions) error {
	if err := checkSite(o.Site); err != nil {
		return err
	}
	if o.File == "" {
		return usagef("manifest import: name the exported app manifest FILE")
	}
	b, err := journey.ReadManifest(o.File)
	if err != nil {
		return usagef("%w", err)
	}
	ws, err := openWorkspace(ctx, sys, o.Sandbox, o.Dir, o.Integration)
	if err != nil {
		return err
	}
	var given devplatform.Published
	if o.CredentialsFile != "" {
		if given.ClientID, given.ClientSecret, err = readCredentialsFile(o.CredentialsFile); err != nil {
			return err
		}
	}
	dp := ws.devPlatform(sys, given, "")
	jw := ws.journey(sys)
	jw.Kind = o.kind()
	imp, err := jw.Import(ctx, dp, o.Site, b)
	switch {
	case errors.Is(err, devplatform.ErrManual):
		return manualNeeded(sys, err, "pass --credentials-file with {\"client_id\",\"client_secret\"}")
	case errors.Is(err, devplatform.ErrIncomplete), errors.Is(err, ErrCancelled):
		return usagef("%w", err)
	case err != nil:
		return &RemoteError{Err: err}
	}
	how := "by you (Developer Platform)"
	if dp.Automated() {
		how = "by oauthwiz (sandbox)"
	}
	store := ws.store
	out := ImportJSON{Site: o.Site, ClientID: imp.ClientID, ClientSecret: secrets.Mask(imp.ClientSecret), Imported: how}
	if o.JSON {
		return json.NewEncoder(sys.Out).Encode(out)
	}
	fmt.Fprintf(sys.Out, "Imported on %s %s: client %s, secret %s stored in %s.\nNext: oauthwiz authorize --site %s\n", o.Site, how, imp.ClientID, out.ClientSecret, store.Where(), o.Site)
	return nil
}
