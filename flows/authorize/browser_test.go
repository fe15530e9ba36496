package authorize_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/oauthwiz/oauthwiz/flows/internal/authtest"

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
