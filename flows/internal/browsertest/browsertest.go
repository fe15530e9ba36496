// Package browsertest starts a real headless Chromium for the tests of pages a
// user opens in a browser (consent pages, the loopback confirmation page).
package browsertest

import (
	"context"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Start launches Debian's Chromium headless and returns a browser context
// that ends with the test (60 s at most). Without Chromium the test is
// skipped with what to install.
func Start(t testing.TB) context.Context {
	t.Helper()
	exe := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			exe = p
			break
		}
	}
	if exe == "" {
		t.Skip("no Chromium found: install Debian's chromium (apt-get install chromium) to run the real-browser tests")
	}
	allocOpts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), allocOpts...)
	t.Cleanup(cancelAlloc)
	bctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(cancel)
	// The first run starts the browser; it must not carry a timeout.
	if err := chromedp.Do(bctx); err != nil {
		t.Skipf("Chromium at %s does not start here: %v", exe, err)
	}
	bctx, cancelT := context.WithTimeout(bctx, 60*time.Second)
	t.Cleanup(cancelT)
	return bctx
}

// Run runs an authorization whose browser is headless Chromium: flow gets an
// OpenBrowser function and a context that ends early if the browser fails.
// The browser approves on the consent page; Run returns the scopes the page
// showed and the text of the page the browser ended on, or fails the test
// when the browser could not get there.
func Run(t testing.TB, bctx context.Context, flow func(ctx context.Context, open func(string) error) error) (shown, final string, flowErr error) {
	t.Helper()
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	done := make(chan error, 1)
	open := func(u string) error {
		go func() {
			var err error
			shown, final, err = approve(bctx, u)
			if err != nil {
				stop() // fail now rather than at the flow's timeout
			}
			done <- err
		}()
		return nil
	}
	flowErr = flow(ctx, open)
	if err := <-done; err != nil {
		t.Fatalf("browser: %v (flow: %v)", err, flowErr)
	}
	return shown, final, flowErr
}

// approve opens an authorization URL, reads the consent page's #scopes,
// clicks #authorize and waits for the loopback listener's confirmation page
// (#result).
func approve(bctx context.Context, u string) (shown, final string, err error) {
	err = chromedp.Do(bctx, chromedp.Navigate(u), chromedp.WaitVisible(chromedp.ID("authorize")))
	if err == nil {
		shown, err = chromedp.Run(bctx, chromedp.Text(chromedp.ID("scopes")))
	}
	if err == nil {
		// The consent page has headings too: wait for the listener's own page.
		err = chromedp.Do(bctx, chromedp.Click(chromedp.ID("authorize")), chromedp.WaitVisible(chromedp.ID("result")))
	}
	if err == nil {
		final, err = chromedp.Run(bctx, chromedp.Text(chromedp.CSS("body")))
	}
	return shown, final, err
}
