// Package publish records what the Developer Platform's Publishing tab gives
// once — the published client's credentials and the app_uuid — and plans the
// app_uuid edit a new integration's manifest needs.
package publish

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/oauthwiz/oauthwiz/assets"
	"github.com/oauthwiz/oauthwiz/flows/devplatform"
	"github.com/oauthwiz/oauthwiz/flows/integration"
	"github.com/oauthwiz/oauthwiz/flows/readme"
	"github.com/oauthwiz/oauthwiz/flows/secrets"
	"github.com/oauthwiz/oauthwiz/flows/session"
)

// Options of a publication.
type Options struct {
	// DevPlatform is the Publishing tab: the stand-in's, automated, or a
	// person's in the browser (devplatform.Manual, with the values given).
	DevPlatform devplatform.DevPlatform
	Store       secrets.Store
	StateDir    string
	Integration string
	Dir         string // the integration folder
	Site        string // the site the app is published from
	Case        integration.Case
	// AppUUID, when given, wins over the one the Publishing tab showed.
	AppUUID string
}

// Outcome is what was recorded; the secret only masked.
type Outcome struct {
	Site         string
	ClientID     string
	MaskedSecret string
	AppUUID      string
	Sites        []string         // sites the published client is recorded (and re-tested) for
	ManifestEdit *readme.FileEdit // the app_uuid edit of a new integration (nil: none needed)
	Note         string           // why app_uuid is left alone
}

// ErrNeedCredentials means real Datadog's published values were not given.
var ErrNeedCredentials = errors.New("the published client ID, its secret and the app_uuid are needed")

// Record gets the published values (the sandbox's Publishing tab, or the ones
// given), stores the secret for every tested site before anything else, saves
// the session, and plans the app_uuid edit for a new integration.
func Record(ctx context.Context, o Options) (*Outcome, error) {
	st, err := session.Load(o.StateDir, o.Integration)
	if err != nil {
		return nil, err
	}
	test := ""
	if rec, ok := st.Clients[session.ClientKey(o.Site, secrets.Test)]; ok {
		test = rec.ClientID
	}
	pub, err := o.DevPlatform.Publish(ctx, o.Site, test)
	switch {
	case errors.Is(err, devplatform.ErrManual):
		return nil, fmt.Errorf("%w: %w", ErrNeedCredentials, err)
	case err != nil:
		return nil, err
	}
	out := &Outcome{Site: o.Site, ClientID: pub.ClientID, AppUUID: strings.ToLower(pub.AppUUID)}
	if o.AppUUID != "" {
		out.AppUUID = strings.ToLower(o.AppUUID)
	}
	secret := pub.ClientSecret
	if out.ClientID == "" || secret == "" {
		return nil, ErrNeedCredentials
	}
	// The published client is the app's, for every site: recorded for the
	// publishing site and every site tested before.
	out.Sites = []string{o.Site}
	for _, site := range assets.SiteIDs() {
		var rec secrets.TokenRecord
		if site != o.Site && secrets.GetJSON(o.Store, secrets.Namespace{Integration: o.Integration, Site: site, Kind: secrets.Test}.TokenKey(), &rec) == nil {
			out.Sites = append(out.Sites, site)
		}
	}
	for _, site := range out.Sites {
		ns := secrets.Namespace{Integration: o.Integration, Site: site, Kind: secrets.Published}
		if err := o.Store.Set(ns.ClientSecretKey(out.ClientID), secret); err != nil {
			return nil, fmt.Errorf("storing the published client secret: %w", err)
		}
	}
	out.MaskedSecret = secrets.Mask(secret)
	err = session.Update(o.StateDir, o.Integration, func(st *session.State) error {
		for _, site := range out.Sites {
			st.SetClient(site, secrets.Published, session.ClientRecord{ClientID: out.ClientID})
		}
		st.PublishedAppUUID, st.Case = out.AppUUID, string(o.Case)
		return nil
	})
	if err != nil {
		return nil, err
	}
	switch {
	case o.Case != integration.CaseNew:
		out.Note = "left alone: an existing integration (or one tied to a UI Extension) keeps its app_uuid; only a new integration takes the published one"
	case out.AppUUID == "":
		return out, errors.New("a new integration needs the published app_uuid")
	default:
		if out.ManifestEdit, err = readme.PlanManifest(o.Dir, out.AppUUID); err != nil {
			return out, err
		}
	}
	return out, nil
}
