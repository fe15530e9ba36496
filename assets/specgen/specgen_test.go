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

// The same for PagerDuty's asset, where its spec is at hand (it is not in a
// module the proxy serves: a checkout beside the shared specs folder has it).
func TestPagerDutyAssetIsUpToDate(t *testing.T) {
	if _, err := os.Stat(defaultPagerDutySpec); err != nil {
		t.Skipf("PagerDuty's spec is not at %s: the committed asset's source hash is the check there is", defaultPagerDutySpec)
	}
	api, err := GeneratePagerDuty(defaultPagerDutySpec)
	if err != nil {
		t.Fatal(err)
	}
	want, err := Encode(api)
	if err != nil {
		t.Fatal(err)
	}
	have, err := os.ReadFile("../pagerduty_api.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(have, want) {
		t.Fatalf("assets/pagerduty_api.json differs from what %s gives: run 'make assets' and review the diff", defaultPagerDutySpec)
	}
}
