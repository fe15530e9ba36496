package authorize_test

import (
	"context"
	"strings"
	"testing"
	"time"

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

	flowCtx, stopFlow := context.WithCancel(context.Background())
	defer stopFlow()
	opts := options(sb, c)
	opts.Timeout = 45 * time.Second
	var scopesShown, finalText string
	browserDone := make(chan error, 1)
	opts.OpenBrowser = func(u string) error {
		go func() {
			err := chromedp.Do(bctx,
				chromedp.Navigate(u),
				chromedp.WaitVisible(chromedp.ID("authorize")),
			)
			if err == nil {
				scopesShown, err = chromedp.Run(bctx, chromedp.Text(chromedp.ID("scopes")))
			}
			if err == nil {
				// Wait for the listener's page itself: the consent page has an h1 too.
				err = chromedp.Do(bctx, chromedp.Click(chromedp.ID("authorize")), chromedp.WaitVisible(chromedp.ID("result")))
			}
			if err == nil {
				finalText, err = chromedp.Run(bctx, chromedp.Text(chromedp.CSS("body")))
			}
			if err != nil {
				stopFlow() // fail now rather than at the flow's timeout
			}
			browserDone <- err
		}()
		return nil
	}
	res, err := authorize.Run(flowCtx, opts)
	if berr := <-browserDone; berr != nil {
		t.Fatalf("browser: %v (flow: %v)", berr, err)
	}
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
