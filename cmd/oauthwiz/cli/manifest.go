package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"

	"github.com/oauthwiz/oauthwiz/assets"
	"github.com/oauthwiz/oauthwiz/flows/manifest"
	"github.com/oauthwiz/oauthwiz/flows/sandbox"
	"github.com/oauthwiz/oauthwiz/flows/secrets"
	"github.com/oauthwiz/oauthwiz/flows/session"
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
	ca, err := readClients(a)
	if err != nil {
		return err
	}
	cb, err := readClients(b)
	if err != nil {
		return err
	}
	diffs := manifest.Diff(ca, cb)
	if asJSON {
		if err := json.NewEncoder(sys.Out).Encode(map[string]any{"a": a, "b": b, "differences": append([]manifest.Difference{}, diffs...)}); err != nil {
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

func readClients(path string) ([]manifest.Client, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, usagef("%v", err)
	}
	cs, err := manifest.Clients(path, b)
	if err != nil {
		return nil, &UsageError{Msg: err.Error()}
	}
	return cs, nil
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
	page, _ := p.DeveloperPlatformURL(o.Site)
	if d == nil {
		fmt.Fprintf(sys.Err, "Datadog has no public API for this: open %s, choose your app, click the gear icon, then Export App Manifest, and save the file.\n", page)
		if sys.CanOpenBrowser {
			sys.OpenBrowser(page)
		}
		return nil
	}
	r, err := o.resolve(ctx, sys, false)
	if err != nil {
		return err
	}
	h, _ := p.Hosts(o.Site)
	resp, err := sys.HTTPClient.Get(h.AppURL + "/apps/export?client_id=" + r.clientID)
	if err != nil {
		return &RemoteError{Err: err}
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return &RemoteError{Err: fmt.Errorf("export on %s answered %s: %s", o.Site, resp.Status, strings.TrimSpace(string(b)))}
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
	if _, err := readClients(o.File); err != nil {
		return err
	}
	ws, err := openWorkspace(ctx, sys, o.Sandbox, o.Dir, o.Integration)
	if err != nil {
		return err
	}
	p, d, name, store := ws.provider, ws.discovery, ws.name, ws.store
	var id, secret, how string
	if d != nil {
		b, _ := os.ReadFile(o.File)
		h, _ := p.Hosts(o.Site)
		resp, err := sys.HTTPClient.Post(h.AppURL+"/apps/import", "application/json", bytes.NewReader(b))
		if err != nil {
			return &RemoteError{Err: err}
		}
		defer resp.Body.Close()
		var imp sandbox.ImportedClient
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &imp) != nil {
			return &RemoteError{Err: fmt.Errorf("import on %s answered %s: %s", o.Site, resp.Status, strings.TrimSpace(string(body)))}
		}
		id, secret, how = imp.ClientID, imp.ClientSecret, "by oauthwiz (sandbox)"
	} else {
		page, _ := p.DeveloperPlatformURL(o.Site)
		s, _ := assets.SiteByID(o.Site)
		fmt.Fprintf(sys.Err, "Import %s on %s yourself (Datadog has no public API for it):\n  1. Sign in to your sandbox org on %s and open %s\n  2. Create the app from the manifest: + New App → Import App Manifest → choose %s\n  3. In OAuth & Permissions, copy the new client ID and secret (the secret is shown once)\nNo sandbox org on %s? Ask for one at %s.\n", o.File, o.Site, s.AppHost, page, o.File, o.Site, assets.Contact("sandbox_on_another_site"))
		if sys.CanOpenBrowser {
			sys.OpenBrowser(page)
		}
		switch {
		case o.CredentialsFile != "":
			if id, secret, err = readCredentialsFile(o.CredentialsFile); err != nil {
				return err
			}
		case sys.Interactive && sys.ReadSecret != nil:
			fmt.Fprint(sys.Err, "New client ID: ")
			line, _ := bufio.NewReader(sys.In).ReadString('\n')
			id = strings.TrimSpace(line)
			if secret, err = sys.ReadSecret("New client secret (input hidden): "); err != nil {
				return ErrCancelled
			}
		default:
			return usagef("no terminal to paste the new credentials in: pass --credentials-file with {\"client_id\",\"client_secret\"}")
		}
		if id == "" || secret == "" {
			return usagef("both the new client ID and its secret are needed")
		}
		how = "by you (Developer Platform)"
	}
	ns := secrets.Namespace{Integration: name, Site: o.Site, Kind: o.Kind}
	if err := store.Set(ns.ClientSecretKey(), secret); err != nil {
		return fmt.Errorf("storing the new client secret: %w", err)
	}
	err = session.Update(secrets.StateDir(), name, func(st *session.State) error {
		st.SetClient(o.Site, o.Kind, session.ClientRecord{ClientID: id, ImportedAt: sys.Now().UTC()})
		return nil
	})
	if err != nil {
		return err
	}
	out := ImportJSON{Site: o.Site, ClientID: id, ClientSecret: secrets.Mask(secret), Imported: how}
	if o.JSON {
		return json.NewEncoder(sys.Out).Encode(out)
	}
	fmt.Fprintf(sys.Out, "Imported on %s %s: client %s, secret %s stored in %s.\nNext: oauthwiz authorize --site %s\n", o.Site, how, id, out.ClientSecret, store.Where(), o.Site)
	return nil
}
