package platform_test

import (
	"context"
	"testing"
	"time"

	"github.com/oauthwiz/oauthwiz/flows/internal/authtest"

	"github.com/oauthwiz/oauthwiz/flows/authorize"
	"github.com/oauthwiz/oauthwiz/flows/sandbox"
	"github.com/oauthwiz/oauthwiz/flows/scopes"
)

// BenchmarkPagerDutyAuthorize: one whole PagerDuty authorization against the
// stand-in (listener, authorize redirect, callback, token exchange) and the
// region read from the ID token.
func BenchmarkPagerDutyAuthorize(b *testing.B) {
	sb, err := sandbox.Start(sandbox.Options{Sites: []string{"us1"}, AutoApprove: true, PagerDuty: true})
	if err != nil {
		b.Fatal(err)
	}
	defer sb.Close()
	p, id, secret := pdPlatform(b, sb)
	opts := authorize.Options{Provider: p, Site: "us", ClientID: id, ClientSecret: secret, RedirectURI: sb.Discovery().RedirectURIFor("pagerduty"),
		Scopes: p.RequestScopes([]string{"services.read"}), Timeout: 10 * time.Second, OnURL: func(u, _ string) { go sandbox.Browse(u) }}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		res, err := authtest.Run(context.Background(), opts)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := p.SiteOfToken(res.Token, "us"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPagerDutyScopeChecks: the eleven probe-able PagerDuty scopes on
// one account (6 reads, 5 writes with their prerequisite reads and cleanups).
func BenchmarkPagerDutyScopeChecks(b *testing.B) {
	requested := []string{"services.read", "services.write", "users.read", "users.write", "incidents.read", "incidents.write", "schedules.read", "schedules.write", "teams.read", "teams.write", "escalation_policies.read"}
	sb, err := sandbox.Start(sandbox.Options{Sites: []string{"us1"}, AutoApprove: true, PagerDuty: true})
	if err != nil {
		b.Fatal(err)
	}
	defer sb.Close()
	p, id, secret := pdPlatform(b, sb)
	res, err := authtest.Run(context.Background(), authorize.Options{Provider: p, Site: "us", ClientID: id, ClientSecret: secret, RedirectURI: sb.Discovery().RedirectURIFor("pagerduty"),
		Scopes: p.RequestScopes(requested), Timeout: 10 * time.Second, OnURL: func(u, _ string) { go sandbox.Browse(u) }})
	if err != nil {
		b.Fatal(err)
	}
	base, _ := p.APIBase("us")
	cat := p.Probes()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rep := scopes.Run(context.Background(), scopes.Options{Catalog: &cat, Requested: requested,
			Targets: []scopes.Target{{Site: "us", APIBase: base, AccessToken: res.Token.AccessToken, Granted: res.ScopesGranted}}})
		if rep.Failed() {
			b.Fatalf("%+v", rep.Results)
		}
	}
}
