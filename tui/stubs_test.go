package tui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/oauthwiz/oauthwiz/assets"
	"github.com/oauthwiz/oauthwiz/checks"
	"github.com/oauthwiz/oauthwiz/flows/apikey"
	"github.com/oauthwiz/oauthwiz/flows/integration"
	"github.com/oauthwiz/oauthwiz/flows/journey"
	"github.com/oauthwiz/oauthwiz/flows/pullrequest"
	"github.com/oauthwiz/oauthwiz/flows/readme"
	"github.com/oauthwiz/oauthwiz/flows/scopes"
)

const fakeURL = "https://app.datadoghq.com/oauth2/v1/authorize?client_id=abc-123&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256&redirect_uri=http%3A%2F%2F127.0.0.1%3A8765%2Foauth%2Fcallback&response_type=code&scope=api_keys_write+dashboards_read&state=st"

// stubFlows answers at once with fixed results, so screens are deterministic.
type stubFlows struct {
	authErr error
	keyErr  error
	granted []string
	seen    []AuthorizeRequest
	// authSite is the site the authorization ends on (the region chosen
	// on Datadog's page); "" is the site asked.
	authSite string
	fixed    bool

	imported, euAuthorized, scopesRan bool
	savedCase                         integration.Case
	// rejectPush answers the first push as a fork whose branch moved on;
	// rebased records that the rebase was asked for.
	rejectPush, rebased bool
	// appUUIDEdit, when set, is the app_uuid edit publishing asks about.
	appUUIDEdit *readme.FileEdit
	publishErr  error
	// retestErr, when set, is why the published client's re-test failed.
	retestErr error
}

func (s *stubFlows) Authorize(ctx context.Context, req AuthorizeRequest, onURL func(string)) (Authorized, error) {
	s.seen = append(s.seen, req)
	onURL(fakeURL)
	if s.authErr != nil {
		return Authorized{}, s.authErr
	}
	site := req.Site
	if s.authSite != "" {
		site = s.authSite
	}
	return Authorized{Site: site, Org: "Partner Sandbox", OrgID: "org-1", Granted: s.granted, Expiry: fixedNow.Add(time.Hour)}, nil
}

var stubFindings = []checks.Finding{
	{Integration: "acme", Rule: "readme/uninstallation-level", Severity: "error", File: "README.md", Line: 17, Message: "'### Uninstallation' is an H3; the docs build only keeps H2 sections", Fix: "run 'oauthwiz fix readme' to make it '## Uninstallation'"},
	{Integration: "acme", Rule: "manifest/uninstallation-missing", Severity: "error", File: "manifest.json", Line: 7, Message: "tile.uninstallation is missing, and the integration has an OAuth client (assets.oauth)", Fix: "run 'oauthwiz fix manifest'"},
}

func (s *stubFlows) Check(ctx context.Context, dir string) ([]checks.Finding, error) {
	if s.fixed {
		return nil, nil
	}
	return stubFindings, nil
}

func (s *stubFlows) PlanFixes(dir string) ([]*readme.FileEdit, error) {
	// The shape of a real fix: a section with lines longer than a narrow
	// window, and the manifest's key; the diff is taller than 24 lines.
	const before = "## Overview\n\nAcme sends its incidents to Datadog.\n\n## Setup\n\nClick Connect Accounts on the tile.\n\n## Support\n\nNeed help? Contact support@acme.example.\n"
	after := strings.Replace(before, "## Support", "## Uninstallation\n\n"+
		"Uninstalling Acme revokes every authorization that was previously granted to it by your organization.\n\n"+
		"Then make sure that every API key tied to Acme is disabled: search for Acme on the [API Keys page][1].\n\n## Support", 1) +
		"\n[1]: https://app.datadoghq.com/organization-settings/api-keys?filter=Acme\n"
	return []*readme.FileEdit{
		{Path: "/work/integrations-extras/acme/README.md", Before: []byte(before), After: []byte(after)},
		{Path: "/work/integrations-extras/acme/manifest.json",
			Before: []byte("{\n  \"tile\": {\n    \"title\": \"Acme\",\n    \"support\": \"README.md#Support\"\n  }\n}\n"),
			After:  []byte("{\n  \"tile\": {\n    \"title\": \"Acme\",\n    \"support\": \"README.md#Support\",\n    \"uninstallation\": \"README.md#Uninstallation\"\n  }\n}\n")},
	}, nil
}

func (s *stubFlows) ApplyFixes(edits []*readme.FileEdit) error { s.fixed = true; return nil }

func (s *stubFlows) SaveCase(c integration.Case) error { s.savedCase = c; return nil }

func (s *stubFlows) PlanPR(ctx context.Context) (*pullrequest.Result, error) {
	return &pullrequest.Result{BaseRepo: "DataDog/integrations-extras", Branch: "acme-oauth", Base: "upstream/master",
		PushedTo: "(dry run) your fork of DataDog/integrations-extras, branch acme-oauth",
		Checkout: "your working tree will switch from master to branch acme-oauth (git checkout acme-oauth)",
		Files:    []string{"acme/README.md", "acme/manifest.json", "acme/assets/oauth_clients.json"},
		Diff:     stubDiff, Body: stubBody}, nil
}

// stubDiff and stubBody are a planned pull request's, longer than a 24-line
// window leaves room for: the preview scrolls.
var stubDiff = "--- a/acme/README.md\n+++ b/acme/README.md\n@@ -9,3 +9,10 @@\n ## Support\n \n support@acme.example\n+\n+## Uninstallation\n+\n+- Once you uninstall this integration, any previous authorizations are revoked.\n+- Additionally, ensure that all API keys associated with this integration have been disabled by searching for the integration name on the [API Keys management page](https://app.datadoghq.com/organization-settings/api-keys?filter=Acme).\n--- a/acme/manifest.json\n+++ b/acme/manifest.json\n@@ -6,6 +6,7 @@\n     \"support\": \"README.md#Support\",\n+    \"uninstallation\": \"README.md#Uninstallation\",\n     \"changelog\": \"CHANGELOG.md\",\n"

var stubBody = "### What does this PR do?\n\nAdds OAuth to Acme.\n\n### Review checklist\n\n- [x] Test authorization on us1\n- [x] Scope checks: 2 passed\n"

func (s *stubFlows) OpenPR(ctx context.Context, plan *pullrequest.Result, rebase bool, progress func(string)) (*pullrequest.Result, error) {
	if s.rejectPush && !rebase {
		return nil, fmt.Errorf("pushing to https://github.com/partner/integrations-extras.git: %w", pullrequest.ErrPushRejected)
	}
	s.rebased = rebase
	return &pullrequest.Result{Branch: "acme-oauth", Commit: "0123456789abcdef", PushedTo: "https://github.com/partner/integrations-extras.git",
		PullRequest: &pullrequest.PR{Number: 7, URL: "https://github.com/DataDog/integrations-extras/pull/7", Action: "created"}}, nil
}

func (s *stubFlows) Publish(ctx context.Context, req PublishRequest, onURL func(string)) (PublishResult, error) {
	if s.publishErr != nil {
		return PublishResult{}, s.publishErr
	}
	written := true
	if s.appUUIDEdit != nil && req.Confirm != nil {
		var err error
		if written, err = req.Confirm(s.appUUIDEdit); err != nil {
			return PublishResult{}, err
		}
	}
	onURL(fakeURL)
	retest := "authorized as Customer Org"
	if s.retestErr != nil {
		retest = "failed: " + s.retestErr.Error() // as the journey says it
	}
	return PublishResult{ClientID: "published-client", AppUUID: "5b1e5b6e-0d4a-4a8e-9c1f-2d3e4f5a6b7c", Written: written,
		Retests: map[string]string{req.Site: retest}}, nil
}

func (s *stubFlows) SiteMatrix(ctx context.Context) ([]SiteRow, error) {
	var rows []SiteRow
	for _, site := range assets.Sites() {
		r := SiteRow{Site: site.ID, Documented: site.OAuthDocumented}
		switch {
		case site.ID == "us1":
			r.Credentials, r.Authorized, r.APIKey, r.Org = true, true, true, "Partner Sandbox"
		case site.ID == "eu1" && s.imported:
			r.Imported, r.Credentials = true, true
			r.Authorized = s.euAuthorized
		}
		if s.scopesRan && r.Authorized {
			r.ScopesPass = 5
		}
		if r.Authorized {
			r.Probes = 2 // as many as CheckScopes below reports per site
		}
		rows = append(rows, r)
	}
	return rows, nil
}

func (s *stubFlows) ImportManifest(ctx context.Context, from, to string) (string, error) {
	s.imported = true
	return "eu1-client", nil
}

func (s *stubFlows) AuthorizeSite(ctx context.Context, site string, sc []string, redirect string, timeout time.Duration, onURL func(string)) (Authorized, error) {
	onURL(fakeURL)
	s.euAuthorized = true
	return Authorized{Site: site, Org: "Partner Sandbox (eu1)", Granted: sc}, nil
}

func (s *stubFlows) CheckScopes(ctx context.Context, sites []string, onResult func(scopes.Result)) (scopes.Report, error) {
	rep := scopes.Report{RunID: "run1"}
	for _, site := range sites {
		for _, r := range []scopes.Result{
			{Site: site, Scope: "dashboards_read", Probe: "read", Status: scopes.Pass, HTTPStatus: 200, Endpoint: "GET /api/v1/dashboard"},
			{Site: site, Scope: "workflows_read", Probe: "manual", Status: scopes.Manual, Detail: "No probe is known for this scope: verify by hand, with the integration, that it can do what the scope allows — and nothing more."},
		} {
			onResult(r)
			rep.Results = append(rep.Results, r)
		}
	}
	s.scopesRan = true
	return rep, nil
}

func (s *stubFlows) CreateAPIKey(ctx context.Context, site, clientID string) (*apikey.Result, error) {
	if s.keyErr != nil {
		return nil, s.keyErr
	}
	return &apikey.Result{Site: site, Org: "Partner Sandbox", Last4: "abcd", Created: true, Valid: true}, nil
}

func (s *stubFlows) Known(site string) journey.KnownClient { return journey.KnownClient{} }
