package platform_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

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
	flowCtx, stopFlow := context.WithCancel(context.Background())
	defer stopFlow()
	var shown, final string
	browserDone := make(chan error, 1)
	opts := authorize.Options{Provider: pl, Site: "us", ClientID: id, ClientSecret: secret, RedirectURI: "http://localhost:0/callback",
		Scopes: pl.RequestScopes([]string{"services.read", "incidents.raed"}), Timeout: 45 * time.Second,
		OpenBrowser: func(u string) error {
			go func() {
				err := chromedp.Do(bctx, chromedp.Navigate(u), chromedp.WaitVisible(chromedp.ID("authorize")))
				if err == nil {
					shown, err = chromedp.Run(bctx, chromedp.Text(chromedp.ID("scopes")))
				}
				if err == nil {
					err = chromedp.Do(bctx, chromedp.Click(chromedp.ID("authorize")), chromedp.WaitVisible(chromedp.ID("result")))
				}
				if err == nil {
					final, err = chromedp.Run(bctx, chromedp.Text(chromedp.CSS("body")))
				}
				if err != nil {
					stopFlow()
				}
				browserDone <- err
			}()
			return nil
		}}
	res, err := authorize.Run(flowCtx, opts)
	if berr := <-browserDone; berr != nil {
		t.Fatalf("browser: %v (flow: %v)", berr, err)
	}
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
