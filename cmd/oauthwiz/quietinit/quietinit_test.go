package quietinit

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// The helper prints TERM as the packages saw it and as main sees it after
// Restore ("<unset>" when it is not set).
func TestHelperPrintsTERM(t *testing.T) {
	if os.Getenv("QUIETINIT_HELPER") != "1" {
		t.Skip("run by TestRestoreGivesTERMBack")
	}
	show := func() string {
		if v, ok := os.LookupEnv("TERM"); ok {
			return v
		}
		return "<unset>"
	}
	during := show()
	Restore()
	Restore()
	fmt.Printf("during=%s after=%s\n", during, show())
}

func TestRestoreGivesTERMBack(t *testing.T) {
	for _, tc := range []struct {
		name, term string
		set        bool
		want       string
	}{
		{"a terminal's TERM", "xterm-256color", true, "during=dumb after=xterm-256color"},
		{"TERM empty", "", true, "during=dumb after="},
		{"no TERM at all", "", false, "during=dumb after=<unset>"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestHelperPrintsTERM$", "-test.v")
			for _, kv := range os.Environ() {
				if !strings.HasPrefix(kv, "TERM=") {
					cmd.Env = append(cmd.Env, kv)
				}
			}
			cmd.Env = append(cmd.Env, "QUIETINIT_HELPER=1")
			if tc.set {
				cmd.Env = append(cmd.Env, "TERM="+tc.term)
			}
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("helper: %v\n%s", err, out)
			}
			if !strings.Contains(string(out), tc.want+"\n") {
				t.Errorf("want %q in the helper's output, got:\n%s", tc.want, out)
			}
		})
	}
}
