package authorize_test

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/oauthwiz/oauthwiz/flows/authorize"
	"github.com/oauthwiz/oauthwiz/flows/sandbox"
)

// chromium finds Debian's Chromium, or skips saying what to install.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no Chromium found: install Debian's chromium (apt-get install chromium) to run the real-browser test")
	return ""
}

// TestConsentInRealChromium opens the authorization URL in headless Chromium,
// clicks Authorize on the sandbox's consent page, and checks that the
// loopback listener's confirmation page is what the browser ends on.
func TestConsentInRealChromium(t *testing.T) {
	exe := chromium(t)
	sb, c := startSandbox(t, sandbox.Options{}) // consent page, no auto-approve
	allocOpts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), allocOpts...)
	defer cancelAlloc()
	bctx, cancel := chromedp.NewContext(alloc)
	defer cancel()
	// The first run starts the browser; it must not carry a timeout.
	if err := chromedp.Do(bctx); err != nil {
		t.Skipf("Chromium at %s does not start here: %v", exe, err)
	}
	bctx, cancelT := context.WithTimeout(bctx, 60*time.Second)
	defer cancelT()

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
