package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/oauthwiz/oauthwiz/flows/apikey"
	"github.com/oauthwiz/oauthwiz/flows/authorize"
	"github.com/oauthwiz/oauthwiz/flows/journey"
)

// APIKeyOptions is `oauthwiz apikey create`.
type APIKeyOptions struct {
	ClientFlags
	Rotate bool
	Yes    bool
}

// APIKeyJSON is the --json document.
type APIKeyJSON struct {
	Site    string `json:"site"`
	Org     string `json:"org"`
	Last4   string `json:"last4"`
	Created bool   `json:"created"`
	Valid   bool   `json:"valid"`
	// StoredIn is where the key is kept: the keyring, or its file fallback.
	StoredIn string `json:"stored_in"`
}

func runAPIKeyCmd(ctx context.Context, sys *IO, args []string) error {
	var o APIKeyOptions
	f := newFlags(sys, "apikey create", "apikey create --site SITE [--client-id ID] [flags]")
	o.register(f)
	f.Bool(&o.Rotate, "rotate", false, "replace the stored key: revoke it in Datadog, then create a new one")
	f.Bool(&o.Yes, "yes", false, "with --rotate: the old key is already revoked on the API Keys page")
	if err := f.parse(args); err != nil {
		return err
	}
	return RunAPIKey(ctx, sys, o)
}

// RunAPIKey is the work of `oauthwiz apikey create`.
func RunAPIKey(ctx context.Context, sys *IO, o APIKeyOptions) error {
	r, err := o.resolve(ctx, sys, false)
	if err != nil {
		return err
	}
	opts := journey.APIKeyRequest{
		Site: o.Site, Rotate: o.Rotate,
		Progress: func(s string) { fmt.Fprintln(sys.Err, s) },
		LastResort: func(key string) {
			fmt.Fprintf(sys.Err, "\nCOULD NOT STORE THE API KEY. Save it now, it is never shown again:\n  %s\n\n", key)
		},
	}
	if o.Rotate {
		opts.ConfirmRevoked = func(page, name, last4 string) error {
			fmt.Fprintf(sys.Err, "Rotating the API key …%s (%q):\n  1. Open %s\n  2. Revoke the key named %q\n  3. Then the integration must be reinstalled by the org (authorize again) if it used that key\n", last4, name, page, name)
			if o.Yes {
				return nil
			}
			p := sys.prompter()
			if p == nil {
				return usagef("--rotate: revoke the key first, then run again with --yes (no terminal to confirm on)")
			}
			_, err := p.Ask(ctx, "Press Enter once the key is revoked (Ctrl+C to stop): ")
			return err
		}
	}
	jw := r.workspace(sys)
	res, err := jw.CreateAPIKey(ctx, opts)
	if err != nil {
		if errors.Is(err, authorize.ErrNotAuthorized) {
			return notAuthorized(err, "datadog", o.Site)
		}
		if errors.Is(err, apikey.ErrLostKey) {
			defer fmt.Fprintf(sys.Err, "Step 3 is: oauthwiz apikey create --site %s\n", o.Site)
		}
		explain(sys.Err, err)
		// Whatever failed past this point failed at Datadog or on the way.
		return &RemoteError{Err: err}
	}
	out := APIKeyJSON{Site: res.Site, Org: res.Org, Last4: res.Last4, Created: res.Created, Valid: res.Valid, StoredIn: r.store.Where()}
	if o.JSON {
		if err := json.NewEncoder(sys.Out).Encode(out); err != nil {
			return err
		}
	} else {
		verb := "Reused the stored"
		if res.Created {
			verb = "Created the"
		}
		validity := "valid (GET /api/v1/validate)"
		if !res.Valid {
			validity = "NOT valid: Datadog refused it"
		}
		fmt.Fprintf(sys.Out, "%s API key …%s for %s on %s: %s.\n  stored in: %s\n", verb, res.Last4, res.Org, res.Site, validity, r.store.Where())
	}
	if !res.Valid {
		return &ProblemsError{Msg: "the API key is not valid"}
	}
	return nil
}
