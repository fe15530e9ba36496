// Package devplatform is what Datadog's Developer Platform does for an app
// that has no public API: export its app manifest, import one on another
// site, publish it. Against real Datadog a person does these in the browser
// and pastes what the page shows once (Manual); against the sandbox they are
// HTTP calls to its stand-in pages (StandIn). Both sit behind DevPlatform so
// that the engines and the front-ends never ask which one they have.
package devplatform

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/oauthwiz/oauthwiz/flows/secrets"
)

// Credentials are a client's ID and secret, as a page shows them once.
type Credentials struct {
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
}

// Published is what the Publishing tab shows once: the published client's
// credentials and the app_uuid a new integration's manifest carries.
type Published struct {
	Credentials
	AppUUID string `json:"app_uuid"`
}

// DevPlatform is the Developer Platform's app pages.
type DevPlatform interface {
	// Automated is true when oauthwiz does the steps itself; false when a
	// person does them in the browser.
	Automated() bool
	// Export returns the app manifest of the app that holds clientID on site.
	Export(ctx context.Context, site, clientID string) ([]byte, error)
	// Import creates the app from a manifest on site; the new client's
	// credentials come back (a new client, new secret).
	Import(ctx context.Context, site string, manifest []byte) (Credentials, error)
	// Publish publishes the app of the test client testClientID on site.
	Publish(ctx context.Context, site, testClientID string) (Published, error)
	// Seeded is a client the platform holds already for a site and kind (the
	// stand-in's seeded clients); Datadog has none to offer.
	Seeded(site string, kind secrets.Kind) (SeededClient, bool)
}

// ErrManual means a step has to be done by a person in the Developer
// Platform and nobody could be asked for its result here.
var ErrManual = errors.New("to be done in the Developer Platform")

// ErrIncomplete means a person's answer lacked a value the step needs.
var ErrIncomplete = errors.New("incomplete answer")

// ManualSteps is ErrManual with what to do: the page to open and the steps.
type ManualSteps struct {
	Action string // "export", "import" or "publish"
	Site   string
	Page   string
	Steps  []string
}

func (e *ManualSteps) Error() string {
	return fmt.Sprintf("the %s on %s is done in the Developer Platform (%s): %s", e.Action, e.Site, e.Page, strings.Join(e.Steps, "; "))
}

// Text is the steps as numbered lines, for a person to follow.
func (e *ManualSteps) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Datadog has no public API for the %s: do it in %s\n", e.Action, e.Page)
	for i, step := range e.Steps {
		fmt.Fprintf(&b, "  %d. %s\n", i+1, step)
	}
	return b.String()
}

// Unwrap makes errors.Is(err, ErrManual) true.
func (e *ManualSteps) Unwrap() error { return ErrManual }

// Prompter asks a person for what a page showed. One implementation reads
// lines from a terminal; tests give a fake.
type Prompter interface {
	// Say shows text (instructions) to the person.
	Say(text string)
	// Ask asks for a line; AskSecret for one that is not echoed.
	Ask(ctx context.Context, label string) (string, error)
	AskSecret(ctx context.Context, label string) (string, error)
}
