package cli

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/oauthwiz/oauthwiz/checks"
	"github.com/oauthwiz/oauthwiz/flows/journey"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Workflow commands are escaped as GitHub's runner reads them back: a line
// break or "::" in a message cannot end the command or start another, and
// a colon or comma in a path cannot end a property.
func TestWorkflowCommandEscaping(t *testing.T) {
	for _, tt := range []struct{ in, data, prop string }{
		{"plain", "plain", "plain"},
		{"two\nlines\r", "two%0Alines%0D", "two%0Alines%0D"},
		{"100% sure", "100%25 sure", "100%25 sure"},
		{"Supported OS::Linux", "Supported OS::Linux", "Supported OS%3A%3ALinux"},
		{"a,b:c", "a,b:c", "a%2Cb%3Ac"},
	} {
		if got := escapeData(tt.in); got != tt.data {
			t.Errorf("escapeData(%q) = %q, want %q", tt.in, got, tt.data)
		}
		if got := escapeProperty(tt.in); got != tt.prop {
			t.Errorf("escapeProperty(%q) = %q, want %q", tt.in, got, tt.prop)
		}
	}
}

// The SARIF output of real integrations validates against the SARIF 2.1.0
// schema (OASIS errata 01, testdata), and names each finding's rule, level
// and place.
func TestSARIFValidates(t *testing.T) {
	rep, err := journey.CheckTree("../../../checks/testdata/extras", checks.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := writeSARIF(&out, rep, "v0.1.0"); err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	schema, err := c.Compile("testdata/sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(out.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(doc); err != nil {
		t.Fatalf("the SARIF does not validate: %v\n%s", err, out.String())
	}
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Version string
					Rules   []struct{ ID string }
				}
			}
			Results []struct {
				RuleID    string
				Level     string
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
						Region           struct{ StartLine int }
					}
				}
			}
		}
	}
	if err := json.Unmarshal(out.Bytes(), &log); err != nil || len(log.Runs) != 1 {
		t.Fatalf("%v %s", err, out.String())
	}
	run := log.Runs[0]
	if len(run.Tool.Driver.Rules) != len(checks.Rules) || run.Tool.Driver.Version != "v0.1.0" || len(run.Results) != len(rep.Findings) {
		t.Fatalf("%d rules, %d results for %d findings", len(run.Tool.Driver.Rules), len(run.Results), len(rep.Findings))
	}
	found := false
	for _, r := range run.Results {
		loc := r.Locations[0].PhysicalLocation
		if r.RuleID == "manifest/uninstallation-missing" && r.Level == "error" && loc.ArtifactLocation.URI == "checks/testdata/extras/isdown/manifest.json" && loc.Region.StartLine == 6 {
			found = true
		}
	}
	if !found {
		t.Fatalf("isdown's error is not a SARIF result:\n%s", out.String())
	}
}
