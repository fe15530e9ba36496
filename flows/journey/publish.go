package journey

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/oauthwiz/oauthwiz/flows/devplatform"
	"github.com/oauthwiz/oauthwiz/flows/integration"
	"github.com/oauthwiz/oauthwiz/flows/publish"
	"github.com/oauthwiz/oauthwiz/flows/pullrequest"
	"github.com/oauthwiz/oauthwiz/flows/readme"
	"github.com/oauthwiz/oauthwiz/flows/session"
)

// PublishRequest is what a front-end decides about publishing.
type PublishRequest struct {
	Site        string           // the site the app is published from
	Case        integration.Case // "" → the recorded case, else new
	AppUUID     string           // given ahead; wins over the Publishing tab's
	DevPlatform devplatform.DevPlatform
	// ConfirmEdit is asked before the app_uuid edit is written (nil: it is
	// written: the front-end showed what publishing does before starting).
	ConfirmEdit func(edit *readme.FileEdit) (bool, error)
	// Push, when set, pushes the app_uuid commit to the pull request.
	Push *PRRequest
	// Retest authorizes the published client on a site and names the org
	// (nil: no re-test).
	Retest func(ctx context.Context, site, clientID string) (org string, err error)
}

// PublishOutcome is what publishing did.
type PublishOutcome struct {
	*publish.Outcome
	Written bool                // app_uuid written into manifest.json
	Pushed  *pullrequest.Result // the app_uuid commit's push (nil: none)
	Retests map[string]string   // site → "authorized as <org>" or "failed: …"
}

// ErrNeedCredentials means real Datadog's published values were neither
// given nor asked for.
var ErrNeedCredentials = publish.ErrNeedCredentials

// ErrEditDeclined means the person did not want app_uuid written.
var ErrEditDeclined = errors.New("app_uuid not written")

// Publish records what the Publishing tab shows once (stored before
// anything else), writes a new integration's app_uuid, pushes it to the
// pull request, and re-tests the published client on every site it is
// recorded for.
func (w *Workspace) Publish(ctx context.Context, r PublishRequest) (*PublishOutcome, error) {
	c := r.Case
	if c == "" {
		c = w.EffectiveCase()
	}
	rec, err := publish.Record(ctx, publish.Options{DevPlatform: r.DevPlatform, Store: w.Store, StateDir: w.StateDir,
		Integration: w.Integration, Dir: w.Info.Dir, Site: r.Site, Case: c, AppUUID: r.AppUUID})
	if rec == nil {
		return nil, err
	}
	out := &PublishOutcome{Outcome: rec, Retests: map[string]string{}}
	if err != nil {
		return out, err
	}
	if edit := rec.ManifestEdit; edit != nil {
		if r.ConfirmEdit != nil {
			ok, err := r.ConfirmEdit(edit)
			if err != nil {
				return out, err
			}
			if !ok {
				return out, ErrEditDeclined
			}
		}
		if err := edit.Write(); err != nil {
			return out, err
		}
		out.Written = true
		if r.Push != nil {
			if out.Pushed, err = w.OpenPR(ctx, *r.Push, nil); err != nil {
				return out, fmt.Errorf("app_uuid written, but pushing it to the pull request failed: %w", err)
			}
		}
	}
	if r.Retest == nil {
		return out, nil
	}
	for _, site := range rec.Sites {
		org, err := r.Retest(ctx, site, rec.ClientID)
		if err != nil {
			out.Retests[site] = "failed: " + err.Error()
			continue
		}
		out.Retests[site] = "authorized as " + org
		now := time.Now
		if w.Now != nil {
			now = w.Now
		}
		if err := w.UpdateState(func(st *session.State) { st.SetPublishedTest(site, now().UTC()) }); err != nil {
			return out, &RecordError{What: "the re-test on " + site, Err: err}
		}
	}
	return out, nil
}
