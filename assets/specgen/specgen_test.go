package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/oauthwiz/oauthwiz/assets"
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
	sameAsset(t, api, "../datadog_api.json", fmt.Sprintf("%s %s", specModule, version))
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
	sameAsset(t, api, "../pagerduty_api.json", defaultPagerDutySpec)
}

// sameAsset fails when the committed asset at path is not what api encodes to.
func sameAsset(t *testing.T, api *assets.API, path, source string) {
	t.Helper()
	want, err := Encode(api)
	if err != nil {
		t.Fatal(err)
	}
	have, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(have, want) {
		t.Fatalf("assets/%s differs from what %s gives: run 'make assets' and review the diff", filepath.Base(path), source)
	}
}
