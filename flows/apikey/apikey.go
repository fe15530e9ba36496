// Package apikey creates the integration's marketplace API key with the stored
// access token, persists it before anything else happens, and proves it works.
package apikey

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/oauthwiz/oauthwiz/assets"
	"github.com/oauthwiz/oauthwiz/flows/authorize"
	"github.com/oauthwiz/oauthwiz/flows/datadog"
	"github.com/oauthwiz/oauthwiz/flows/secrets"
)

// Options configure one `apikey create`.
type Options struct {
	Provider   *datadog.Provider
	Store      secrets.Store
	NS         secrets.Namespace
	HTTPClient *http.Client
	// Rotate replaces a stored key, after the user revoked it in Datadog.
	Rotate bool
	// ConfirmRevoked is called during a rotation with the API Keys page where
	// the old key must be revoked; it returns once the user says it is done.
	ConfirmRevoked func(pageURL, keyName, last4 string) error
	Now            func() time.Time
	Progress       func(string)
	// LastResort is called with the key's value only if it could not be
	// stored anywhere: showing it once beats losing it.
	LastResort func(key string)
}

// Result is the outcome; Key is never printed by callers.
type Result struct {
	Site, Org, OrgID, KeyID, Last4, Name string
	Created, Valid                       bool
}

// ErrRevokeFirst means a rotation waits for the old key to be revoked,
// and nobody could be asked to confirm it.
var ErrRevokeFirst = errors.New("rotation: the stored key is not revoked yet")

// ErrLostKey means Datadog has the org's key but oauthwiz never stored it.
var ErrLostKey = errors.New("lost API key")

func (o Options) progress(format string, args ...any) {
	if o.Progress != nil {
		o.Progress(fmt.Sprintf(format, args...))
	}
}

func (o Options) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

// stored is the authorization the key is created with.
func (o Options) stored() authorize.Stored {
	return authorize.Stored{Provider: o.Provider, Store: o.Store, NS: o.NS, HTTPClient: o.HTTPClient, Now: o.Now, Progress: o.Progress}
}

// Create makes (or reuses) the org's marketplace API key.
func Create(ctx context.Context, o Options) (*Result, error) {
	rec, err := authorize.FreshToken(ctx, o.stored())
	if err != nil {
		return nil, err
	}
	hosts, err := o.Provider.Hosts(o.NS.Site)
	if err != nil {
		return nil, err
	}
	api := datadog.Client{HTTP: o.HTTPClient, APIBase: hosts.APIURL}
	res := &Result{Site: o.NS.Site, Org: rec.OrgName, OrgID: rec.OrgID}
	keyName := o.NS.APIKeyKey(rec.OrgID)

	var stored secrets.APIKeyRecord
	err = secrets.GetJSON(o.Store, keyName, &stored)
	switch {
	case err == nil && !o.Rotate:
		o.progress("an API key (…%s) is already stored for %s: validating it instead of creating another", stored.Last4, rec.OrgName)
		res.KeyID, res.Last4, res.Name = stored.ID, stored.Last4, stored.Name
		res.Valid, err = api.Validate(ctx, stored.Key)
		return res, err
	case err == nil && o.Rotate:
		page, _ := o.Provider.APIKeysPageURL(o.NS.Site, stored.Name)
		if o.ConfirmRevoked == nil {
			return nil, fmt.Errorf("%w: revoke the key …%s named %q on %s first, then rotate again", ErrRevokeFirst, stored.Last4, stored.Name, page)
		}
		if err := o.ConfirmRevoked(page, stored.Name, stored.Last4); err != nil {
			return nil, err
		}
	case !secrets.IsNotFound(err):
		return nil, err
	}

	// A marker says a creation is under way: if this process dies between
	// Datadog creating the key and the key being stored, the next run knows
	// why Datadog already has one that oauthwiz never saw.
	pending := keyName + ":pending"
	_, interrupted := o.Store.Get(pending)
	if err := o.Store.Set(pending, o.now().UTC().Format(time.RFC3339)); err != nil {
		return nil, fmt.Errorf("cannot record the creation under way in %s, so the key would risk being lost: %w", o.Store.Where(), err)
	}
	o.progress("creating the marketplace API key for %s on %s", rec.OrgName, o.NS.Site)
	key, err := api.CreateMarketplaceKey(ctx, rec.AccessToken)
	if err != nil {
		var ae *datadog.APIError
		if errors.As(err, &ae) && ae.Status == http.StatusConflict {
			keyName := assets.Datadog().APIKeyName.Value
			page, _ := o.Provider.APIKeysPageURL(o.NS.Site, keyName)
			why := "it is not stored here (lost API key)"
			if interrupted == nil {
				why = "an earlier run was interrupted while Datadog created it, so its value never reached oauthwiz (lost API key)"
			}
			return nil, fmt.Errorf("%w: %w\nDatadog keeps one API key per org for this client and %s. To make a new one: 1. open %s; 2. revoke the key named %q; 3. create the key again; 4. the org reinstalls the integration (authorizes again) if it used the old key", ErrLostKey, err, why, page, keyName)
		}
		if ae == nil || ae.Status >= 500 || ae.Status == http.StatusTooManyRequests {
			// Not answered, or failed at Datadog: the key may or may not exist;
			// the marker stays so that the next run can tell.
			return nil, err
		}
		o.Store.Delete(pending) // refused: nothing was created
		return nil, err
	}
	// Persist before anything else: the value is never shown again.
	rec2 := secrets.APIKeyRecord{ID: key.ID, Key: key.Key, Last4: key.Last4, Name: key.Name, OrgID: rec.OrgID, CreatedAt: key.CreatedAt}
	if err := secrets.PutJSON(o.Store, keyName, rec2); err != nil {
		if o.LastResort != nil {
			o.LastResort(key.Key)
		}
		return nil, fmt.Errorf("the API key was created but could not be stored: %w", err)
	}
	o.Store.Delete(pending)
	res.Created, res.KeyID, res.Last4, res.Name = true, key.ID, key.Last4, key.Name
	o.progress("stored the API key …%s in %s; validating it", key.Last4, o.Store.Where())
	res.Valid, err = api.Validate(ctx, key.Key)
	if err != nil {
		return res, fmt.Errorf("the key is stored, but validating it failed: %w", err)
	}
	return res, nil
}

// Ensure returns the org's API key value for a site, creating it when none is
// stored (the same rules as Create: one key, persisted first, validated).
func Ensure(ctx context.Context, o Options) (string, error) {
	res, err := Create(ctx, o)
	if err != nil {
		return "", err
	}
	var rec secrets.APIKeyRecord
	if err := secrets.GetJSON(o.Store, o.NS.APIKeyKey(res.OrgID), &rec); err != nil {
		return "", err
	}
	return rec.Key, nil
}
