package authorize_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/oauthwiz/oauthwiz/flows/internal/authtest"

	"github.com/chromedp/chromedp"
	"github.com/oauthwiz/oauthwiz/flows/authorize"
	"github.com/oauthwiz/oauthwiz/flows/internal/browsertest"
	"github.com/oauthwiz/oauthwiz/flows/sandbox"
)

// TestConsentInRealChromium opens the authorization URL in headless Chromium,
// clicks Authorize on the sandbox's consent page, and checks that the
// loopback listener's confirmation page is what the browser ends on.
func TestConsentInRealChromium(t *testing.T) {
	bctx := browsertest.Start(t)
	sb, c := startSandbox(t, sandbox.Options{}) // consent page, no auto-approve

	opts := options(sb, c)
	opts.Timeout = 45 * time.Second
	var res *authorize.Result
	scopesShown, finalText, err := browsertest.Run(t, bctx, func(ctx context.Context, open func(string) error) (err error) {
		opts.OpenBrowser = open
		res, err = authtest.Run(ctx, opts)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(scopesShown, "dashboards_read") || !strings.Contains(scopesShown, "api_keys_write") {
		t.Errorf("consent page scopes: %q", scopesShown)
	}
	if !strings.Contains(finalText, "You may now close this tab.") {
		t.Errorf("final page: %q", finalText)
	}
	if res.Callback.OrgName != "Partner Sandbox (us1)" || res.Token.AccessToken == "" {
		t.Fatalf("result %+v", res)
	}
}

// TestRegionChoiceInRealChromium: on US1's consent page the person picks
// eu1 in the region list; Chromium lands on eu1's consent page, clicks
// Authorize there, and the code is exchanged at eu1.
func TestRegionChoiceInRealChromium(t *testing.T) {
	bctx := browsertest.Start(t)
	sb, _ := startSandbox(t, sandbox.Options{LoginOrg: "customer", OrgSubdomain: "customsub"}) // consent pages
	pub, err := sb.Publish("us1")
	if err != nil {
		t.Fatal(err)
	}
	opts := options(sb, pub)
	opts.Timeout = 45 * time.Second
	browserErr := make(chan error, 1)
	var consentOn string
	opts.OpenBrowser = func(u string) error {
		go func() {
			err := chromedp.Do(bctx, chromedp.Navigate(u), chromedp.WaitVisible(chromedp.ID("region")),
				chromedp.SetValue(chromedp.ID("region"), "eu1"), chromedp.Click(chromedp.ID("switch-region")))
			// us1's page has an Authorize button too: wait for eu1's page
			// (reads fail while the page is replaced; they are tried again).
			for deadline := time.Now().Add(20 * time.Second); err == nil && !strings.Contains(consentOn, "site eu1"); time.Sleep(50 * time.Millisecond) {
				if time.Now().After(deadline) {
					err = fmt.Errorf("the browser never reached eu1's consent page (last seen: %q)", consentOn)
					break
				}
				if text, terr := chromedp.Run(bctx, chromedp.Text(chromedp.CSS("p small"))); terr == nil {
					consentOn = text
				}
			}
			if err == nil {
				err = chromedp.Do(bctx, chromedp.WaitVisible(chromedp.ID("authorize")))
			}
			if err == nil {
				err = chromedp.Do(bctx, chromedp.Click(chromedp.ID("authorize")), chromedp.WaitVisible(chromedp.ID("result")))
			}
			browserErr <- err
		}()
		return nil
	}
	res, err := authtest.Run(context.Background(), opts)
	if berr := <-browserErr; berr != nil {
		t.Fatalf("browser: %v (flow: %v)", berr, err)
	}
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(consentOn, "site eu1") || res.Site != "eu1" || res.Callback.OrgName != "Customer Org (eu1)" {
		t.Fatalf("consent page %q, result site %s org %q", consentOn, res.Site, res.Callback.OrgName)
	}
}
