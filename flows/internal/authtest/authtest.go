// Package authtest runs a whole authorization in one call, for tests.
package authtest

import (
	"context"
	"time"

	"github.com/oauthwiz/oauthwiz/flows/authorize"
)

// Run performs one authorization for a test: Begin (listen), tell OnURL
// and open the browser, Wait for exactly one callback, Exchange the code.
// The product calls the three steps itself (journey.Workspace.Authorize),
// reporting each one.
func Run(ctx context.Context, opts authorize.Options) (*authorize.Result, error) {
	timeout := opts.Timeout
	if timeout == 0 {
		timeout = 5 * time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	a, err := authorize.Begin(ctx, opts)
	if err != nil {
		return nil, err
	}
	defer a.Close()
	if opts.OnURL != nil {
		opts.OnURL(a.OpenURL, a.RedirectURI)
	}
	if opts.OpenBrowser != nil {
		// A browser that cannot open is not fatal: the URL was shown.
		_ = opts.OpenBrowser(a.OpenURL)
	}
	cb, err := a.Wait(ctx)
	if err != nil {
		return nil, err
	}
	return a.Exchange(ctx, cb)
}
