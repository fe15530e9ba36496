package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/oauthwiz/oauthwiz/assets"
)

// DoctorOptions is `oauthwiz doctor`.
type DoctorOptions struct {
	Text string
	JSON bool
}

func runDoctorCmd(ctx context.Context, sys *IO, args []string) error {
	var o DoctorOptions
	f := newFlags(sys, "doctor", "doctor [TEXT] (or the error on standard input)")
	f.Bool(&o.JSON, "json", false, "print one JSON document on stdout")
	if err := f.parse(args); err != nil {
		return err
	}
	o.Text = strings.Join(f.pos, " ")
	if o.Text == "" {
		if sys.Interactive {
			fmt.Fprintln(sys.Err, "Paste the error message, then press Ctrl+D:")
		}
		b, err := io.ReadAll(io.LimitReader(sys.In, 1<<20))
		if err != nil {
			return err
		}
		o.Text = string(b)
	}
	return RunDoctor(sys, o)
}

// RunDoctor explains an error message with the troubleshooting catalog.
func RunDoctor(sys *IO, o DoctorOptions) error {
	if strings.TrimSpace(o.Text) == "" {
		return usagef("doctor: no error text given (pass it as arguments or on standard input)")
	}
	found := assets.Diagnose(o.Text)
	if o.JSON {
		out := struct {
			Diagnoses []assets.Trouble `json:"diagnoses"`
		}{Diagnoses: append([]assets.Trouble{}, found...)}
		if err := json.NewEncoder(sys.Out).Encode(out); err != nil {
			return err
		}
	} else if len(found) == 0 {
		fmt.Fprintln(sys.Out, "No known OAuth failure matches this text.")
		fmt.Fprintln(sys.Out, "Known symptoms: "+strings.Join(assets.Symptoms(), "; "))
	} else {
		for i, t := range found {
			if i > 0 {
				fmt.Fprintln(sys.Out)
			}
			fmt.Fprintf(sys.Out, "%s\n  What it means: %s\n  What to do:    %s\n  Go back to:    the %s step\n", t.Title, t.Meaning, t.Fix, t.Step)
		}
	}
	if len(found) == 0 {
		return &ProblemsError{Msg: "no diagnosis"}
	}
	return nil
}
