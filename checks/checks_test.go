package checks

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/oauthwiz/oauthwiz/flows/integration"
)

// Fixtures modeled on the shapes of DataDog/integrations-extras (written for
// these tests, not copied).
const (
	cleanReadme = `# Acme

## Overview

Acme sends incidents to Datadog.

## Setup

### Installation

Click **Connect Accounts** on the tile and authorize.

` + "```yaml\n## Not a heading\n```\n" + `
## Uninstallation

Uninstalling Acme revokes every authorization previously granted to it. Make sure every API key tied to Acme is disabled by searching for Acme on the [API Keys page][1].

## Support

Contact [Acme support][2].

[1]: /organization-settings/api-keys?filter=Acme
[2]: https://acme.example/support
`
	cleanManifest = `{
  "manifest_version": "2.0.0",
  "app_uuid": "0193a8e2-6f0c-7c3e-9d1a-2b4c6d8e0f12",
  "app_id": "acme",
  "owner": "partner",
  "display_on_public_website": true,
  "tile": {
    "overview": "README.md#Overview",
    "configuration": "README.md#Setup",
    "support": "README.md#Support",
    "uninstallation": "README.md#Uninstallation",
    "changelog": "CHANGELOG.md",
    "description": "Acme incidents in Datadog.",
    "title": "Acme"
  },
  "author": {"name": "Acme"},
  "assets": {
    "oauth": "assets/oauth_clients.json"
  }
}
`
	cleanClients = `{
  "integration": {
    "redirect_uris": ["https://acme.example/oauth/callback", "http://127.0.0.1:8765/oauth/callback"],
    "client_role": "integration",
    "scopes": ["api_keys_write", "incident_write"],
    "onboarding_url": "https://acme.example/datadog/onboard",
    "description": "Acme",
    "name": "Acme",
    "id": "2a6e0a0c-4c1e-4d7b-9a0e-6f3b1f2a9c11"
  }
}
`
)

func writeIntegration(t testing.TB, root, name string, files map[string]string) string {
	t.Helper()
	dir := filepath.Join(root, name)
	for p, body := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		os.MkdirAll(filepath.Dir(full), 0o755)
		if err := os.WriteFile(full, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func clean() map[string]string {
	return map[string]string{"README.md": cleanReadme, "manifest.json": cleanManifest, "assets/oauth_clients.json": cleanClients}
}

func with(base map[string]string, edit func(map[string]string)) map[string]string {
	edit(base)
	return base
}

func replace(file, old, new string) func(map[string]string) {
	return func(f map[string]string) {
		if !strings.Contains(f[file], old) {
			panic(fmt.Sprintf("fixture %s lacks %q", file, old))
		}
		f[file] = strings.Replace(f[file], old, new, 1)
	}
}

// assets.oauth pointing at what must not be read — a device, a FIFO (which
// would block), a link out of the folder, a huge file — is refused with a
// finding, promptly.
func TestUnsafeAssetPaths(t *testing.T) {
	for _, tt := range []struct {
		name string
		make func(dir string) string // returns the assets.oauth value
		want string
	}{
		{"parent folder", func(string) string { return "../secrets.json" }, "outside the integration folder"},
		{"absolute", func(string) string { return "/etc/passwd" }, "outside the integration folder"},
		{"device via a link", func(dir string) string { os.Symlink("/dev/zero", filepath.Join(dir, "zero.json")); return "zero.json" }, "outside the integration folder"},
		{"link out of the folder", func(dir string) string {
			os.WriteFile(filepath.Join(dir, "..", "outside.json"), []byte(cleanClients), 0o644)
			os.Symlink(filepath.Join(dir, "..", "outside.json"), filepath.Join(dir, "out.json"))
			return "out.json"
		}, "outside the integration folder"},
		{"FIFO", func(dir string) string {
			if err := mkfifo(filepath.Join(dir, "pipe.json")); err != nil {
				t.Skip("no FIFOs here:", err)
			}
			return "pipe.json"
		}, "not a regular file"},
		{"folder", func(dir string) string { os.Mkdir(filepath.Join(dir, "assets", "d"), 0o755); return "assets/d" }, "not a regular file"},
		{"over 1 MiB", func(dir string) string {
			os.WriteFile(filepath.Join(dir, "big.json"), make([]byte, integration.MaxAssetBytes+1), 0o644)
			return "big.json"
		}, "bytes"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeIntegration(t, t.TempDir(), "acme", clean())
			rel := tt.make(dir)
			m := strings.Replace(cleanManifest, `"assets/oauth_clients.json"`, fmt.Sprintf("%q", rel), 1)
			os.WriteFile(filepath.Join(dir, "manifest.json"), []byte(m), 0o644)
			findings, err := Integration(dir, Options{})
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, f := range findings {
				found = found || (f.Rule == "oauth/clients-invalid" && strings.Contains(f.Message, tt.want))
			}
			if !found {
				t.Fatalf("findings %+v, want oauth/clients-invalid saying %q", findings, tt.want)
			}
			if _, err := integration.Load(dir); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Load: %v", err)
			}
		})
	}
}

func TestRules(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		opts  Options
		want  []string // rule@line, sorted
	}{
		{"clean OAuth integration (support anchor without a heading is normal)", clean(), Options{}, nil},
		// doppler, fauna and isdown were merged so: the anchor leads to the
		// H3 (GitHub anchors every heading), and an H2 is only preferred.
		{"an H3 uninstallation section the anchor leads to", with(clean(), replace("README.md", "## Uninstallation", "### Uninstallation")), Options{},
			[]string{"readme/uninstallation-level@17"}},
		{"an anchor that leads to no heading", with(clean(), replace("manifest.json", "README.md#Uninstallation", "README.md#Removal")), Options{},
			[]string{"manifest/uninstallation-anchor@11"}},
		{"no Overview H2", with(clean(), replace("README.md", "## Overview", "## About")), Options{},
			[]string{"readme/overview-missing@0"}},
		{"a tile description over 80 characters", with(clean(), replace("manifest.json", `"Acme incidents in Datadog."`, `"Acme sends incidents, deployments, alerts, and every on-call change into Datadog as events"`)), Options{},
			[]string{"manifest/description-too-long@13"}},
		{"a tile description of 80 characters", with(clean(), replace("manifest.json", `"Acme incidents in Datadog."`, `"Acme sends incidents, deploys, alerts and on-call changes to Datadog as events. "`)), Options{}, nil},
		{"images linked as ddev wants them, the file present", with(clean(), func(f map[string]string) {
			replace("README.md", "Acme sends incidents", "![Acme dashboard](https://raw.githubusercontent.com/DataDog/integrations-extras/master/acme/images/dashboard.png)\n\nAcme sends incidents")(f)
			f["images/dashboard.png"] = "\x89PNG"
		}), Options{}, nil},
		{"images linked relatively, elsewhere, by reference or with <img>", with(clean(), func(f map[string]string) {
			replace("README.md", "Acme sends incidents", "![a](images/dashboard.png)\n![b][logo]\n<img src=\"https://example.com/x.png\">\n![c](https://raw.githubusercontent.com/DataDog/integrations-extras/master/acme/images/missing.png)\n\nAcme sends incidents")(f)
			f["README.md"] += "\n[logo]: https://acme.example/logo.png\n"
		}), Options{}, []string{"readme/image-path@5", "readme/image-path@6", "readme/image-path@7", "readme/image-path@8"}},
		{"assets.oauth but no tile.uninstallation and no section", with(clean(), func(f map[string]string) {
			replace("manifest.json", "    \"uninstallation\": \"README.md#Uninstallation\",\n", "")(f)
			replace("README.md", "## Uninstallation\n\nUninstalling Acme revokes every authorization previously granted to it. Make sure every API key tied to Acme is disabled by searching for Acme on the [API Keys page][1].\n\n", "")(f)
		}), Options{}, []string{"manifest/uninstallation-missing@7", "readme/uninstallation-missing@0"}},
		{"heading present but no manifest key (no OAuth asset)", with(clean(), func(f map[string]string) {
			replace("manifest.json", "    \"uninstallation\": \"README.md#Uninstallation\",\n", "")(f)
			replace("manifest.json", ",\n  \"assets\": {\n    \"oauth\": \"assets/oauth_clients.json\"\n  }", "")(f)
		}), Options{}, []string{"manifest/uninstallation-missing@7"}},
		{"heading text does not match the anchor", with(clean(), replace("README.md", "## Uninstallation", "## Uninstall")), Options{},
			[]string{"manifest/uninstallation-anchor@11"}},
		{"section in the wrong place", with(clean(), func(f map[string]string) {
			sec := "## Uninstallation\n\nUninstalling Acme revokes every authorization previously granted to it. Make sure every API key tied to Acme is disabled by searching for Acme on the [API Keys page][1].\n\n"
			replace("README.md", sec, "")(f)
			replace("README.md", "[1]: /org", sec+"[1]: /org")(f)
		}), Options{}, []string{"readme/uninstallation-placement@21"}},
		{"section without the statements", with(clean(), replace("README.md", "Uninstalling Acme revokes every authorization previously granted to it. Make sure every API key tied to Acme is disabled by searching for Acme on the [API Keys page][1].", "Remove the tile.")), Options{},
			[]string{"readme/uninstallation-statements@17"}},
		{"absolute app.datadoghq.com links", with(clean(), func(f map[string]string) {
			replace("README.md", "[1]: /organization-settings/api-keys?filter=Acme", "[1]: https://app.datadoghq.com/organization-settings/api-keys?filter=Acme")(f)
			replace("README.md", "Contact [Acme support][2].", "See [monitors](https://app.datadoghq.eu/monitors/manage).")(f)
		}), Options{}, []string{"readme/absolute-app-link@23", "readme/absolute-app-link@25"}},
		{"an API Keys link without its leading slash or its scheme", with(clean(), func(f map[string]string) {
			replace("README.md", "[1]: /organization-settings/api-keys?filter=Acme", "[1]: organization-settings/api-keys?filter=Acme")(f)
			replace("README.md", "Contact [Acme support][2].", "See [keys](app.datadoghq.com/organization-settings/api-keys) or [setup](#setup) or [docs](docs/x.md).")(f)
		}), Options{}, []string{"readme/app-link-relative@23", "readme/app-link-relative@25"}},
		{"no Setup (a Setup inside a code block does not count)", with(clean(), replace("README.md", "## Setup\n", "```\n## Setup\n```\n")), Options{},
			[]string{"readme/setup-missing@0"}},
		{"invalid manifest JSON", with(clean(), replace("manifest.json", `"title": "Acme"`, `"title": "Acme",`)), Options{},
			[]string{"manifest/invalid-json@15"}},
		{"app_uuid not a UUID", with(clean(), replace("manifest.json", "0193a8e2-6f0c-7c3e-9d1a-2b4c6d8e0f12", "0193A8E2-6F0C-1C3E")), Options{},
			[]string{"manifest/app-uuid-format@3"}},
		{"app_uuid differs from the published one", clean(), Options{AppUUID: "5b1e5b6e-0d4a-4a8e-9c1f-2d3e4f5a6b7c", Case: integration.CaseNew},
			[]string{"manifest/app-uuid-mismatch@3"}},
		{"app_uuid not compared for an existing integration", clean(), Options{AppUUID: "5b1e5b6e-0d4a-4a8e-9c1f-2d3e4f5a6b7c", Case: integration.CaseExisting}, nil},
		{"client file missing", with(clean(), func(f map[string]string) { delete(f, "assets/oauth_clients.json") }), Options{},
			[]string{"oauth/clients-invalid@0"}},
		{"client without onboarding_url and client_role", with(clean(), func(f map[string]string) {
			replace("assets/oauth_clients.json", "    \"client_role\": \"integration\",\n", "")(f)
			replace("assets/oauth_clients.json", "    \"onboarding_url\": \"https://acme.example/datadog/onboard\",\n", "")(f)
		}), Options{}, []string{"oauth/clients-invalid@2"}},
		{"client file not JSON", with(clean(), replace("assets/oauth_clients.json", `"name": "Acme",`, `"name": "Acme",,`)), Options{},
			[]string{"oauth/clients-invalid@8"}},
		{"insecure redirect and onboarding URLs, unknown scope", with(clean(), func(f map[string]string) {
			replace("assets/oauth_clients.json", "https://acme.example/oauth/callback", "http://acme.example/oauth/callback")(f)
			replace("assets/oauth_clients.json", "https://acme.example/datadog/onboard", "http://acme.example/datadog/onboard")(f)
			replace("assets/oauth_clients.json", `"incident_write"`, `"metrics_write"`)(f)
		}), Options{}, []string{"oauth/onboarding-url-insecure@6", "oauth/redirect-uri-insecure@3", "oauth/scope-unknown@5"}},
		{"secret-shaped values and a stored secret in files", with(clean(), func(f map[string]string) {
			f["assets/config.yaml"] = "api_key: 0f1e2d3c4b5a69788796a5b4c3d2e1f0\nclient_secret: <YOUR_CLIENT_SECRET>\napp_key: xxxxxxxxxxxxxxxxxxxxxxxx\n"
			f["CHANGELOG.md"] = "# Changelog\n\nUsed ddsbx_secret_00112233445566778899 by mistake.\nAnd the stored canary-secret-value-123.\n"
			// In test data a dummy is a warning; the stored secret is not.
			f["tests/conftest.py"] = "\nAPI_KEY = 'aaaaaaaa1111bbbbbbbb2222cccccccc'\nTOKEN = 'canary-secret-value-123'\n"
		}), Options{KnownSecrets: func(string) []string { return []string{"canary-secret-value-123"} }},
			[]string{"secrets/found@1", "secrets/found@3", "secrets/found@3", "secrets/found@4", "secrets/test-fixture@2"}},
		{"characters above U+0100", with(clean(), replace("README.md", "Acme sends incidents", "Acme sends incidents — fast")), Options{},
			[]string{"readme/char-above-256@5"}},
		{"U+0100 itself is accepted, as ddev does", with(clean(), replace("README.md", "Acme sends incidents", "Acme sends incidents, \u0100 and \u00e9")), Options{}, nil},
		{"README not UTF-8", with(clean(), replace("README.md", "Acme sends", "Acme \xff sends")), Options{}, []string{"readme/not-utf8@5"}},
		{"setext headings count", with(clean(), func(f map[string]string) {
			replace("README.md", "## Setup\n", "Setup\n-----\n")(f)
		}), Options{}, nil},
		{"redirect URIs a URI cannot be (they made authorize panic)", with(clean(), func(f map[string]string) {
			replace("assets/oauth_clients.json", `"http://127.0.0.1:8765/oauth/callback"`, `"http://127.0.0.1:8765/{callback}", "https://acme.example/cb#top", "https://acme.example/a b", "/oauth/callback"`)(f)
		}), Options{}, []string{"oauth/redirect-uri-invalid@3", "oauth/redirect-uri-invalid@3", "oauth/redirect-uri-invalid@3", "oauth/redirect-uri-invalid@3"}},
		{"a redirect URI without a path or with an escaped space is valid", with(clean(), func(f map[string]string) {
			replace("assets/oauth_clients.json", `"http://127.0.0.1:8765/oauth/callback"`, `"http://127.0.0.1:8765", "https://acme.example/oauth%20callback"`)(f)
		}), Options{}, nil},
		{"README nested past the bound", with(clean(), replace("README.md", "## Support\n", strings.Repeat("> ", 40)+"deep\n\n## Support\n")), Options{},
			[]string{"readme/too-complex@21"}},
		// The scope list of a merged, published client (vantage's, as of 2026):
		// five of its scopes are not in the spec's catalog. Warnings, never
		// errors: Datadog granted them.
		{"a published client's scopes outside the spec's catalog", with(clean(), replace("assets/oauth_clients.json", `"scopes": ["api_keys_write", "incident_write"]`,
			`"scopes": ["usage_read", "metrics_read", "timeseries_query", "billing_read", "logs_read_config", "logs_read_archives", "logs_read_data", "logs_read_index_data", "logs_read_workspaces", "monitors_read", "apm_read", "dashboards_read", "mcp_read", "incident_read", "events_read", "llm_observability_read"]`)), Options{},
			[]string{"oauth/scope-unknown@5", "oauth/scope-unknown@5", "oauth/scope-unknown@5", "oauth/scope-unknown@5", "oauth/scope-unknown@5"}},
		{"assets.oauth outside the folder", with(clean(), replace("manifest.json", `"assets/oauth_clients.json"`, `"../other/assets/oauth_clients.json"`)), Options{},
			[]string{"oauth/clients-invalid@0"}},
		{"assets.oauth an absolute path", with(clean(), replace("manifest.json", `"assets/oauth_clients.json"`, `"/dev/zero"`)), Options{},
			[]string{"oauth/clients-invalid@0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeIntegration(t, t.TempDir(), "acme", tt.files)
			findings, err := Integration(dir, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range findings {
				got = append(got, fmt.Sprintf("%s@%d", f.Rule, f.Line))
				if f.Message == "" || f.Fix == "" || f.Integration != "acme" || f.File == "" {
					t.Errorf("incomplete finding %+v", f)
				}
				r, ok := RuleByID(f.Rule)
				if !ok || r.Severity != f.Severity {
					t.Errorf("finding of unknown rule or wrong severity: %+v", f)
				}
				if strings.Contains(f.Message, "canary-secret-value-123") || strings.Contains(f.Message, "0f1e2d3c4b5a69788796a5b4c3d2e1f0") {
					t.Errorf("a finding repeats the secret: %s", f.Message)
				}
			}
			sort.Strings(got)
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				for _, f := range findings {
					t.Logf("%s %s:%d %s", f.Rule, f.File, f.Line, f.Message)
				}
				t.Fatalf("got  %v\nwant %v", got, tt.want)
			}
		})
	}
}

func TestPathOverATree(t *testing.T) {
	root := t.TempDir()
	writeIntegration(t, root, "acme", clean())
	writeIntegration(t, root, "broken", with(clean(), replace("manifest.json", "README.md#Uninstallation", "README.md#Removal")))
	writeIntegration(t, root, "plain", map[string]string{"manifest.json": `{"app_id": "plain", "tile": {"support": "README.md#Support"}}`, "README.md": "## Overview\n\n## Setup\n"})
	os.MkdirAll(filepath.Join(root, ".github"), 0o755)
	os.MkdirAll(filepath.Join(root, "docs"), 0o755)
	rep, err := Path(root, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Summary.Integrations != 3 || rep.Summary.Errors != 1 || rep.Summary.Warnings != 0 { // broken's anchor
		t.Fatalf("summary %+v, findings %+v", rep.Summary, rep.Findings)
	}
	one, err := Path(filepath.Join(root, "acme"), Options{})
	if err != nil || one.Summary.Integrations != 1 || len(one.Findings) != 0 {
		t.Fatalf("one integration: %+v %v", one, err)
	}
	if _, err := Path(filepath.Join(root, "docs"), Options{}); err == nil || !strings.Contains(err.Error(), "no manifest.json") {
		t.Fatalf("empty folder: %v", err)
	}
	if _, err := Path(filepath.Join(root, "missing"), Options{}); err == nil {
		t.Fatal("missing path: want an error")
	}
}

// BenchmarkCheckTree checks a generated tree of 300 integrations shaped like
// integrations-extras (a third of them OAuth integrations, some with defects).
func BenchmarkCheckTree(b *testing.B) {
	root := b.TempDir()
	for i := 0; i < 300; i++ {
		files := clean()
		name := fmt.Sprintf("partner_%03d", i)
		files["manifest.json"] = strings.Replace(files["manifest.json"], `"app_id": "acme"`, `"app_id": "`+name+`"`, 1)
		switch i % 3 {
		case 1:
			replace("README.md", "## Uninstallation", "### Uninstallation")(files)
		case 2:
			delete(files, "assets/oauth_clients.json")
			replace("manifest.json", ",\n  \"assets\": {\n    \"oauth\": \"assets/oauth_clients.json\"\n  }", "")(files)
		}
		files["CHANGELOG.md"] = "# CHANGELOG - " + name + "\n\n## 1.0.0 / 2026-11-01\n\n***Added***:\n\n* Initial release.\n"
		files["metadata.csv"] = "metric_name,metric_type,interval,unit_name,per_unit_name,description,orientation,integration,short_name,curated_metric\n" + strings.Repeat(name+".requests,count,,request,,Requests,0,"+name+",requests,\n", 20)
		files["assets/dashboards/overview.json"] = `{"title": "Overview", "widgets": [` + strings.Repeat(`{"definition": {"type": "timeseries", "requests": [{"q": "sum:partner.requests{*}"}]}},`, 30) + `{}]}`
		files["assets/service_checks.json"] = "[]"
		writeIntegration(b, root, name, files)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rep, err := Path(root, Options{})
		if err != nil || rep.Summary.Integrations != 300 {
			b.Fatal(err, rep.Summary)
		}
	}
}

// An integration shaped like the published ones (doppler, fauna, isdown)
// whose uninstallation section is an H3 under Setup, with the manifest's
// anchor leading to it: a warning that prefers an H2, never an error.
func TestH3UninstallationAsPublished(t *testing.T) {
	findings, err := Integration("testdata/h3-uninstallation", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(findings) != 1 || findings[0].Rule != "readme/uninstallation-level" || findings[0].Severity != Warning {
		t.Fatalf("findings %+v", findings)
	}
	// Named by its folder (what cd and CODEOWNERS use), its app_id apart,
	// and located from the repository's root for an editor or a CI log.
	f := findings[0]
	if f.Integration != "h3-uninstallation" || f.AppID != "statuswatch" || f.Path != "checks/testdata/h3-uninstallation/README.md" {
		t.Fatalf("named %q, app_id %q, path %q", f.Integration, f.AppID, f.Path)
	}
}

// The statements warning names the sentences to add, with the tile's name
// in them (and in the API Keys link), never an escaped placeholder.
func TestStatementsWarningNamesTheSentences(t *testing.T) {
	root := t.TempDir()
	writeIntegration(t, root, "acme", with(clean(), replace("README.md", "Uninstalling Acme revokes every authorization previously granted to it. Make sure every API key tied to Acme is disabled by searching for Acme on the [API Keys page][1].", "Remove the tile.")))
	findings, err := Integration(filepath.Join(root, "acme"), Options{})
	if err != nil || len(findings) != 1 {
		t.Fatalf("%+v %v", findings, err)
	}
	fix := findings[0].Fix
	for _, want := range []string{"Uninstalling Acme revokes every authorization", "search for Acme on the [API Keys page](/organization-settings/api-keys?filter=Acme)"} {
		if !strings.Contains(fix, want) {
			t.Errorf("fix %q lacks %q", fix, want)
		}
	}
	if strings.Contains(fix, "%3C") || strings.Contains(findings[0].Message, "%3C") {
		t.Errorf("an escaped placeholder: %+v", findings[0])
	}
}

func TestIdentityKeptFromTheBase(t *testing.T) {
	root := t.TempDir()
	writeIntegration(t, root, "acme", clean())
	base := &BaseManifest{Src: []byte(strings.Replace(cleanManifest, `"app_id": "acme"`, `"app_id": "acme-legacy"`, 1)), Branch: "upstream/master"}
	findings, err := Integration(filepath.Join(root, "acme"), Options{Base: base})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range findings {
		got = append(got, f.Rule+": "+f.Message)
	}
	if len(got) != 1 || !strings.Contains(got[0], `app_id is "acme-legacy" on upstream/master and "acme" here`) {
		t.Fatalf("findings %q", got)
	}
	// The same identity: nothing.
	if findings, _ := Integration(filepath.Join(root, "acme"), Options{Base: &BaseManifest{Src: []byte(cleanManifest), Branch: "upstream/master"}}); len(findings) != 0 {
		t.Fatalf("unchanged: %+v", findings)
	}
}

// An allowlist entry with a reason silences that value in that file; one
// without a reason is reported and not honoured; a stored secret is never
// allowed.
func TestSecretAllowlist(t *testing.T) {
	root := t.TempDir()
	os.Mkdir(filepath.Join(root, ".git"), 0o755)
	dir := writeIntegration(t, root, "acme", with(clean(), func(f map[string]string) {
		f["assets/config.yaml"] = "api_key: 0f1e2d3c4b5a69788796a5b4c3d2e1f0\n"
		f["docs/sample.py"] = "API_KEY = '9c1e7a3f5b2d8e4a6c0f1b9d3e7a5c2f'\nSTORED = 'canary-secret-value-123'\n"
	}))
	allow := "# judged by the security team\n" +
		"acme/assets/config.yaml 0f1e…e1f0 the vendor's documented sample, never valid\n" +
		"acme/docs/sample.py 9c1e…5c2f\n" + // no reason: not honoured
		"acme/docs/sample.py cana…-123 a stored secret cannot be allowed\n"
	os.WriteFile(filepath.Join(root, ".oauthwiz-allowlist"), []byte(allow), 0o644)
	findings, err := Integration(dir, Options{KnownSecrets: func(string) []string { return []string{"canary-secret-value-123"} }})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range findings {
		if strings.HasPrefix(f.Rule, "secrets/") {
			got = append(got, f.Rule+" "+f.Path+":"+fmt.Sprint(f.Line))
		}
	}
	sort.Strings(got)
	want := []string{"secrets/allowlist-entry .oauthwiz-allowlist:3", "secrets/found acme/docs/sample.py:1", "secrets/found acme/docs/sample.py:2"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("secret findings\n got %q\nwant %q", got, want)
	}
}

// Over a tree the repository's allowlist is read once and a refused entry is
// reported once, not once per integration.
func TestAllowlistEntryReportedOnceOverATree(t *testing.T) {
	root := t.TempDir()
	os.Mkdir(filepath.Join(root, ".git"), 0o755)
	for _, name := range []string{"acme", "bolt", "crane"} {
		writeIntegration(t, root, name, clean())
	}
	os.WriteFile(filepath.Join(root, ".oauthwiz-allowlist"), []byte("acme/x.py 9c1e…5c2f\n"), 0o644)
	rep, err := Path(root, Options{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range rep.Findings {
		if f.Rule == "secrets/allowlist-entry" {
			n++
			if f.Path != ".oauthwiz-allowlist" || f.Line != 1 {
				t.Errorf("finding %+v", f)
			}
		}
	}
	if n != 1 || rep.Summary.Warnings != 1 {
		t.Fatalf("%d allowlist findings, summary %+v", n, rep.Summary)
	}
}

// Integrations Datadog merged (checks/testdata/extras) are errors only
// where the uninstallation section or its manifest reference is missing or
// broken: isdown's manifest has no tile.uninstallation. Everything else
// they do that Datadog accepted is a warning.
func TestMergedIntegrationsErrOnlyOnUninstallation(t *testing.T) {
	rep, err := Path("testdata/extras", Options{})
	if err != nil {
		t.Fatal(err)
	}
	uninstallation := map[string]bool{"readme/uninstallation-missing": true, "manifest/uninstallation-missing": true, "manifest/uninstallation-anchor": true}
	var errs []string
	for _, f := range rep.Findings {
		if f.Severity != Error {
			continue
		}
		errs = append(errs, f.Integration+" "+f.Rule)
		if !uninstallation[f.Rule] {
			t.Errorf("%s: %s is an error: %s", f.Integration, f.Rule, f.Message)
		}
	}
	if strings.Join(errs, ",") != "isdown manifest/uninstallation-missing" || rep.Summary.Integrations != 4 {
		t.Fatalf("errors %q over %d integrations", errs, rep.Summary.Integrations)
	}
}

// An integration without its line in the repository's CODEOWNERS is a
// warning; a repository without CODEOWNERS is not judged.
func TestCodeOwnersLine(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, ".git"), 0o755)
	writeIntegration(t, root, "acme", clean())
	writeIntegration(t, root, "beta", with(clean(), replace("manifest.json", `"app_id": "acme"`, `"app_id": "beta"`)))
	rules := func() []string {
		rep, err := Path(root, Options{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range rep.Findings {
			if f.Rule == "repo/codeowners-missing" {
				got = append(got, f.Integration+" "+f.Severity+" "+f.Path)
			}
		}
		return got
	}
	if got := rules(); len(got) != 0 {
		t.Fatalf("without CODEOWNERS: %q", got)
	}
	os.MkdirAll(filepath.Join(root, ".github"), 0o755)
	os.WriteFile(filepath.Join(root, ".github", "CODEOWNERS"), []byte("# owners\n/acme/ @acme/integrations\n"), 0o644)
	if got := rules(); strings.Join(got, ",") != "beta warning .github/CODEOWNERS" {
		t.Fatalf("with CODEOWNERS: %q", got)
	}
}
