package devplatform

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/oauthwiz/oauthwiz/assets"
	"github.com/oauthwiz/oauthwiz/flows/datadog"
	"github.com/oauthwiz/oauthwiz/flows/secrets"
)

// Manual is real Datadog's Developer Platform: a person does each step in the
// browser and pastes what the page shows once. Values known ahead (a
// credentials file, flags) are used instead of asking; with neither those
// nor a Prompter, a step returns *ManualSteps.
type Manual struct {
	Provider *datadog.Provider
	Prompter Prompter           // nil: nobody to ask
	Open     func(string) error // opens the page in a browser; nil: never
	// Given are values the person gave ahead of the step.
	Given Published
	// PullRequestURL is the pull request the publishing form asks for.
	PullRequestURL string
	// ReadFile reads the manifest a person exported (default os.ReadFile).
	ReadFile func(string) ([]byte, error)
}

// Automated implements DevPlatform.
func (Manual) Automated() bool { return false }

// Seeded implements DevPlatform: Datadog offers no client ahead.
func (Manual) Seeded(string, secrets.Kind) (SeededClient, bool) { return SeededClient{}, false }

// steps builds the instructions of an action and, when there is somebody to
// show them to, shows them and opens the page.
func (m Manual) steps(action, site string, steps ...string) *ManualSteps {
	page, _ := m.Provider.DeveloperPlatformURL(site)
	s := &ManualSteps{Action: action, Site: site, Page: page, Steps: steps}
	if m.Prompter != nil {
		m.Prompter.Say(strings.TrimRight(s.Text(), "\n"))
		if m.Open != nil {
			_ = m.Open(page)
		}
	}
	return s
}

// ExportSteps are the steps of an export on site.
func (m Manual) ExportSteps(site string) *ManualSteps {
	return m.steps("export", site, "choose your app", "click the gear icon, then Export App Manifest", "save the file")
}

// Export implements DevPlatform: the person exports and names the saved file.
func (m Manual) Export(ctx context.Context, site, _ string) ([]byte, error) {
	steps := m.ExportSteps(site)
	if m.Prompter == nil {
		return nil, steps
	}
	path, err := m.Prompter.Ask(ctx, "Path of the saved app manifest: ")
	if err != nil {
		return nil, err
	}
	read := m.ReadFile
	if read == nil {
		read = os.ReadFile
	}
	return read(strings.TrimSpace(path))
}

// ImportSteps are the steps of an import of file (a name to show) on site.
func (m Manual) ImportSteps(site, file string) *ManualSteps {
	s, _ := assets.SiteByID(site)
	return m.steps("import", site,
		"sign in to your sandbox org on "+s.AppHost+" (no sandbox org there? ask "+assets.Contact("sandbox_on_another_site")+")",
		"+ New App → Import App Manifest → choose "+file,
		"in OAuth & Permissions, copy the new client ID and secret (the secret is shown once)")
}

// Import implements DevPlatform: the person imports the file and pastes the
// new client's credentials.
func (m Manual) Import(ctx context.Context, site string, _ []byte) (Credentials, error) {
	steps := m.ImportSteps(site, "the exported manifest")
	switch {
	case m.Given.ClientID != "" && m.Given.ClientSecret != "":
		return m.Given.Credentials, nil
	case m.Prompter == nil:
		return Credentials{}, steps
	}
	return m.askCredentials(ctx, "New client")
}

// PublishSteps are the steps of publishing on site; prURL is the pull
// request to paste into the form ("" when there is none yet).
func (m Manual) PublishSteps(site, prURL string) *ManualSteps {
	link := "the pull request link goes into the publishing form"
	if prURL != "" {
		link += ": " + prURL
	}
	return m.steps("publish", site, "open your app's Publishing tab and publish it", link,
		"Datadog then shows, once, the published client ID and secret and the app_uuid (a secret lost since: ask "+assets.Contact("lost_client_secret")+")")
}

// Publish implements DevPlatform: the person publishes and pastes the
// published client's credentials and the app_uuid (which may be left empty:
// only a new integration needs it).
func (m Manual) Publish(ctx context.Context, site, _ string) (Published, error) {
	steps := m.PublishSteps(site, m.PullRequestURL)
	out := m.Given
	if out.ClientID == "" || out.ClientSecret == "" {
		if m.Prompter == nil {
			return Published{}, steps
		}
		c, err := m.askCredentials(ctx, "Published client")
		if err != nil {
			return Published{}, err
		}
		out.Credentials = c
	}
	if out.AppUUID == "" && m.Prompter != nil {
		v, err := m.Prompter.Ask(ctx, "Published app_uuid: ")
		if err != nil {
			return Published{}, err
		}
		out.AppUUID = strings.TrimSpace(v)
	}
	return out, nil
}

func (m Manual) askCredentials(ctx context.Context, what string) (Credentials, error) {
	id, err := m.Prompter.Ask(ctx, what+" ID: ")
	if err != nil {
		return Credentials{}, err
	}
	secret, err := m.Prompter.AskSecret(ctx, what+" secret (input hidden): ")
	if err != nil {
		return Credentials{}, err
	}
	c := Credentials{ClientID: strings.TrimSpace(id), ClientSecret: strings.TrimSpace(secret)}
	if c.ClientID == "" || c.ClientSecret == "" {
		return Credentials{}, fmt.Errorf("%w: both the %s ID and its secret are needed", ErrIncomplete, strings.ToLower(what))
	}
	return c, nil
}
