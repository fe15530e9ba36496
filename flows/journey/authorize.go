package journey

import (
	"context"
	"fmt"
	"time"

	"github.com/oauthwiz/oauthwiz/flows/authorize"
	"github.com/oauthwiz/oauthwiz/flows/platform"
	"github.com/oauthwiz/oauthwiz/flows/secrets"
)

// Stage is where an authorization is, for the front-end to say so.
type Stage string

// The stages an authorization reports.
const (
	StageListening  Stage = "listening"  // detail: the URL to open
	StageWaiting    Stage = "waiting"    // detail: the redirect URI listened on
	StageExchanging Stage = "exchanging" // the callback came; the code is exchanged
	StageIgnored    Stage = "ignored"    // detail: a callback refused while waiting goes on
	StageNote       Stage = "note"       // detail: something the person should know
)

// AuthorizeSpec is one test authorization as a front-end asks for it.
type AuthorizeSpec struct {
	Platform                     platform.Platform // nil: Datadog
	Site, ClientID, ClientSecret string
	// KeepSecret stores the secret once the platform accepted it (it was
	// given on this run; one read from the store is not written again).
	KeepSecret              bool
	RedirectURI             string
	Scopes                  []string
	Timeout                 time.Duration // the wait for the browser (default 5 minutes)
	StartURL, OnboardingURL string        // start from Test Authorization (see authorize.Options)
	Pasted                  <-chan string // callback URLs pasted by the person
	OpenBrowser             func(string) error
	Report                  func(stage Stage, detail string)
}

// Authorize runs one authorization — listen, open the browser, wait for
// the callback, exchange the code — reporting each stage, then stores the
// tokens (and a secret given on this run) under the site the token names.
func (w *Workspace) Authorize(ctx context.Context, s AuthorizeSpec) (*authorize.Result, error) {
	pl := s.Platform
	if pl == nil {
		pl = platform.Datadog{Provider: w.Provider}
	}
	report := func(stage Stage, detail string) {
		if s.Report != nil {
			s.Report(stage, detail)
		}
	}
	timeout := s.Timeout
	if timeout == 0 {
		timeout = 5 * time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, timeout+30*time.Second) // the wait, then the exchange
	defer cancel()
	a, err := authorize.Begin(ctx, authorize.Options{Provider: pl, Site: s.Site, ClientID: s.ClientID, ClientSecret: s.ClientSecret,
		RedirectURI: s.RedirectURI, Scopes: s.Scopes, Timeout: timeout, StartURL: s.StartURL, OnboardingURL: s.OnboardingURL,
		HTTPClient: w.HTTPClient, Pasted: s.Pasted, OnIgnored: func(reason string) { report(StageIgnored, reason) }})
	if err != nil {
		return nil, err
	}
	defer a.Close()
	report(StageListening, a.OpenURL)
	if s.OpenBrowser != nil {
		_ = s.OpenBrowser(a.OpenURL) // a browser that cannot open is not fatal: the URL was shown
	}
	report(StageWaiting, a.RedirectURI)
	cb, err := a.Wait(ctx)
	if err != nil {
		return nil, err
	}
	report(StageExchanging, "")
	res, err := a.Exchange(ctx, cb)
	if err != nil {
		return nil, err
	}
	if res.Site != s.Site {
		report(StageNote, fmt.Sprintf("the org is on %s (its region was chosen on %s's page): the code was exchanged at %s's token endpoint and the authorization is recorded for %s", res.Site, pl.Title(), res.Site, res.Site))
	}
	// The token may say where its API lives (PagerDuty's ID token names the
	// account's region): it is stored, and checked, there.
	switch site, err := pl.SiteOfToken(res.Token, res.Site); {
	case err != nil:
		report(StageNote, fmt.Sprintf("%v; keeping %s %s", err, pl.SiteNoun(), res.Site))
	case site != res.Site:
		report(StageNote, fmt.Sprintf("the account is in %s %s (the ID token's audience), not %s: the token is kept for %s", pl.SiteNoun(), site, res.Site, site))
		res.Site = site
	}
	ns := w.ns(res.Site)
	// Kept only now that the platform accepted it: a mistyped secret never
	// replaces the working one, which was shown only once.
	if s.KeepSecret {
		if err := w.Store.Set(ns.ClientSecretKey(s.ClientID), s.ClientSecret); err != nil {
			return res, fmt.Errorf("storing the client secret: %w", err)
		}
	}
	if err := secrets.PutJSON(w.Store, ns.TokenKey(), res.Record(s.ClientID)); err != nil {
		return res, err
	}
	// Remembered as given (a port-0 URI stays port 0): it is what the
	// client registers, and the next run on this client proposes it.
	if err := w.rememberRedirect(s.Site, s.ClientID, s.RedirectURI); err != nil {
		return res, &RecordError{What: "the redirect URI", Err: err}
	}
	return res, nil
}
