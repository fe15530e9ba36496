package authorize

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// Callback is what the redirect URI receives from the authorize endpoint.
type Callback struct {
	Code             string
	State            string
	Site             string // Datadog sends site on one hop and domain on the other:
	Domain           string // both are accepted on either.
	OrgID            string
	OrgName          string
	Error            string
	ErrorDescription string
}

// ErrNotACallback is returned for a URL that carries neither a code nor an error.
var ErrNotACallback = errors.New("the URL carries neither code nor error: it is not an OAuth callback")

// ParseCallback reads the callback's query. It accepts a full URL (pasted by a
// user over SSH), a bare query string, or "?query".
func ParseCallback(raw string) (Callback, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return Callback{}, ErrNotACallback
	}
	var q url.Values
	if strings.Contains(raw, "://") || strings.HasPrefix(raw, "/") {
		u, err := url.Parse(raw)
		if err != nil {
			return Callback{}, fmt.Errorf("the callback URL does not parse: %w", err)
		}
		q = u.Query()
	} else {
		var err error
		q, err = url.ParseQuery(strings.TrimPrefix(raw, "?"))
		if err != nil {
			return Callback{}, fmt.Errorf("the callback query does not parse: %w", err)
		}
	}
	return callbackFromQuery(q)
}

func callbackFromQuery(q url.Values) (Callback, error) {
	cb := Callback{
		Code:             q.Get("code"),
		State:            q.Get("state"),
		Site:             q.Get("site"),
		Domain:           q.Get("domain"),
		OrgID:            q.Get("dd_oid"),
		OrgName:          q.Get("dd_org_name"),
		Error:            q.Get("error"),
		ErrorDescription: q.Get("error_description"),
	}
	if cb.Code == "" && cb.Error == "" {
		return cb, ErrNotACallback
	}
	return cb, nil
}

// SiteOrDomain returns whichever of the two parameters the callback carried.
func (c Callback) SiteOrDomain() string {
	if c.Domain != "" {
		return c.Domain
	}
	return c.Site
}
