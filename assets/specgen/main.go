// Command specgen writes assets/datadog_api.json from Datadog's OpenAPI
// specs as the pinned github.com/DataDog/datadog-api-client-go/v2 module
// ships them: every OAuth scope (with its description), and every operation
// that needs one (method, path, the scopes and how they combine, required
// parameters, the body's required fields and types, deprecation).
//
// It is its own module so that the main module never requires the API
// client. Update the spec version with 'go get
// github.com/DataDog/datadog-api-client-go/v2@vX' here, then 'make assets',
// and review the diff.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"

	"github.com/oauthwiz/oauthwiz/assets"
)

// defaultPagerDutySpec is where a checkout beside the project's shared
// folder keeps PagerDuty's spec (PagerDuty/api-schema,
// reference/REST/openapiv3.json).
const defaultPagerDutySpec = "../../../shared/specs/pagerduty-rest-openapiv3.json"

func main() {
	out := flag.String("out", "../datadog_api.json", "the Datadog asset to write")
	pdSpec := flag.String("pagerduty-spec", defaultPagerDutySpec, "PagerDuty's REST spec (JSON); skipped, with a note, when absent")
	pdOut := flag.String("pagerduty-out", "../pagerduty_api.json", "the PagerDuty asset to write")
	check := flag.Bool("check", false, "compare with the assets instead of writing them; exit 1 when they differ")
	flag.Parse()
	if err := run(*out, *check); err != nil {
		fmt.Fprintln(os.Stderr, "specgen:", err)
		os.Exit(1)
	}
	if err := runPagerDuty(*pdSpec, *pdOut, *check); err != nil {
		fmt.Fprintln(os.Stderr, "specgen:", err)
		os.Exit(1)
	}
}

func runPagerDuty(spec, out string, check bool) error {
	if _, err := os.Stat(spec); err != nil {
		fmt.Fprintf(os.Stderr, "note: PagerDuty's spec is not at %s: %s left as it is (pass -pagerduty-spec)\n", spec, out)
		return nil
	}
	api, err := GeneratePagerDuty(spec)
	if err != nil {
		return err
	}
	return write(api, out, check, "PagerDuty's spec "+api.Source.Version[:19])
}

func run(out string, check bool) error {
	version, dir, err := module()
	if err != nil {
		return err
	}
	api, err := Generate(version, dir)
	if err != nil {
		return err
	}
	return write(api, out, check, specModule+" "+version)
}

// write writes an asset, or compares it with the file (check).
func write(api *assets.API, out string, check bool, from string) error {
	b, err := Encode(api)
	if err != nil {
		return err
	}
	if check {
		have, err := os.ReadFile(out)
		if err != nil {
			return err
		}
		if !bytes.Equal(have, b) {
			return fmt.Errorf("%s differs from what %s gives: run 'make assets' and review the diff", out, from)
		}
		return nil
	}
	if err := os.WriteFile(out, b, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "wrote %s: %d scopes, %d operations, from %s\n", out, len(api.Scopes), len(api.Operations), from)
	return nil
}
