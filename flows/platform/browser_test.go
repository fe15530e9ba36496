package platform_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/oauthwiz/oauthwiz/flows/internal/authtest"

	"github.com/oauthwiz/oauthwiz/flows/authorize"
	"github.com/oauthwiz/oauthwiz/flows/internal/browsertest"
	"github.com/oauthwiz/oauthwiz/flows/platform"
	"github.com/oauthwiz/oauthwiz/flows/sandbox"
)

// TestPagerDutyConsentInRealChromium: the stand-in's consent page in headless
// Chromium shows the scopes that will be granted (a dropped one is not
// there), Allow leads to the loopback listener's confirmation page, and the
// token names the region.
func TestPagerDutyConsentInRealChromium(t *testing.T) {
	bctx := browsertest.Start(t)
	sb, err := sandbox.Start(sandbox.Options{Sites: []string{"us1"}, PagerDuty: true, PagerDutyRegion: "eu"}) // consent page
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	d := sb.Discovery()
	pl, _ := platform.New("pagerduty", &d)
	var id, secret string
	for _, c := range d.Clients {
		if c.Provider == "pagerduty" {
			id, secret = c.ClientID, c.ClientSecret
		}
	}
	opts := authorize.Options{Provider: pl, Site: "us", ClientID: id, ClientSecret: secret, RedirectURI: d.RedirectURIFor("pagerduty"),
		Scopes: pl.RequestScopes([]string{"services.read", "incidents.raed"}), Timeout: 45 * time.Second}
	var res *authorize.Result
	shown, final, err := browsertest.Run(t, bctx, func(ctx context.Context, open func(string) error) (err error) {
		opts.OpenBrowser = open
		res, err = authtest.Run(ctx, opts)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if shown != "openid services.read" {
		t.Errorf("consent page scopes: %q", shown)
	}
	if !strings.Contains(final, "You may now close this tab.") {
		t.Errorf("final page: %q", final)
	}
	region, err := pl.SiteOfToken(res.Token, "us")
	if err != nil || region != "eu" || strings.Join(res.ScopesMissing, " ") != "incidents.raed" {
		t.Fatalf("region %q %v, missing %v", region, err, res.ScopesMissing)
	}
}
