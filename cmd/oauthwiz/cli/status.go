package cli

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/oauthwiz/oauthwiz/flows/journey"
)

// StatusStep is one step of the journey with its evidence.
type StatusStep struct {
	Step     string `json:"step"`
	Done     bool   `json:"done"`
	Evidence string `json:"evidence"`
}

// StatusJSON is the --json document of `oauthwiz status`.
type StatusJSON struct {
	Integration string       `json:"integration"`
	Steps       []StatusStep `json:"steps"`
}

func runStatusCmd(ctx context.Context, sys *IO, args []string) error {
	var dir, name, sandboxURL string
	var asJSON bool
	f := newFlags(sys, "status", "status [--dir PATH] [--json]")
	f.String(&dir, "dir", ".", "integration folder")
	f.String(&name, "integration", "", "integration name that keys stored secrets")
	f.String(&sandboxURL, "sandbox", "", "control URL of an oauthwiz sandbox")
	f.Bool(&asJSON, "json", false, "print one JSON document on stdout")
	if err := f.parse(args); err != nil {
		return err
	}
	if f.NArg() == 1 {
		dir = f.Arg(0)
	}
	ws, err := openWorkspace(ctx, sys, sandboxURL, dir, name)
	if err != nil {
		return err
	}
	out := Status(ctx, sys, ws)
	if asJSON {
		return json.NewEncoder(sys.Out).Encode(out)
	}
	fmt.Fprintf(sys.Out, "%s (%s)\n", out.Integration, ws.info.Dir)
	for _, s := range out.Steps {
		mark := "·"
		if s.Done {
			mark = "✓"
		}
		fmt.Fprintf(sys.Out, "%s %-20s %s\n", mark, s.Step, s.Evidence)
	}
	return nil
}

// Status reads the journey's evidence from the session, the secret store and
// a fresh run of the checks, and judges it as the wizard's sidebar does
// (journey.Progress). It holds no secret.
func Status(ctx context.Context, sys *IO, ws *workspace) StatusJSON {
	jw := ws.journey(sys)
	out := StatusJSON{Integration: ws.name}
	for _, st := range journey.Progress(jw.Facts(ctx)) {
		ev := st.Evidence
		if ev == "" {
			ev = "not done"
		}
		out.Steps = append(out.Steps, StatusStep{Step: st.Label, Done: st.Done, Evidence: ev})
	}
	return out
}
