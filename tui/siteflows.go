package tui

import (
	"context"
	"time"

	"github.com/oauthwiz/oauthwiz/flows/scopes"
)

// SiteFlows are the side effects of the every-site and every-scope step.
type SiteFlows interface {
	SiteMatrix(ctx context.Context) ([]SiteRow, error)
	// ImportManifest brings the client of site from to site to: new
	// credentials, recorded. Against real Datadog it returns devplatform.ErrManual.
	ImportManifest(ctx context.Context, from, to string) (clientID string, err error)
	// AuthorizeSite authorizes with the client recorded for a site.
	AuthorizeSite(ctx context.Context, site string, scopes []string, redirect string, timeout time.Duration, onURL func(string)) (Authorized, error)
	// CheckScopes runs the scope checks on the authorized sites.
	CheckScopes(ctx context.Context, sites []string, onResult func(scopes.Result)) (scopes.Report, error)
}
