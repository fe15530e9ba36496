package main

import (
	"bytes"
	"os"
	"testing"
)

// The committed asset is what the pinned specs give: a new spec version is
// one 'make assets' and a reviewed diff, and a hand edit is caught here.
func TestAssetIsUpToDate(t *testing.T) {
	version, dir, err := module()
	if err != nil {
		t.Fatalf("the pinned spec module cannot be fetched (the module proxy is needed): %v", err)
	}
	api, err := Generate(version, dir)
	if err != nil {
		t.Fatal(err)
	}
	want, err := Encode(api)
	if err != nil {
		t.Fatal(err)
	}
	have, err := os.ReadFile("../datadog_api.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(have, want) {
		t.Fatalf("assets/datadog_api.json differs from what %s %s gives: run 'make assets' and review the diff", specModule, version)
	}
}
