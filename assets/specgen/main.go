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
)

func main() {
	out := flag.String("out", "../datadog_api.json", "the asset to write")
	check := flag.Bool("check", false, "compare with the asset instead of writing it; exit 1 when they differ")
	flag.Parse()
	if err := run(*out, *check); err != nil {
		fmt.Fprintln(os.Stderr, "specgen:", err)
		os.Exit(1)
	}
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
			return fmt.Errorf("%s differs from what %s %s gives: run 'make assets' and review the diff", out, specModule, version)
		}
		return nil
	}
	if err := os.WriteFile(out, b, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "wrote %s: %d scopes, %d operations, from %s %s\n", out, len(api.Scopes), len(api.Operations), specModule, version)
	return nil
}
