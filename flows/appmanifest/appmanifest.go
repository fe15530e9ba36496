// Package appmanifest reads the app manifests the Developer Platform exports.
// Their format has no public schema, so the file is treated as opaque JSON:
// OAuth clients are found by shape (objects with redirect_uris, scopes and
// onboarding_url) and everything else is left alone.
package appmanifest

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/oauthwiz/oauthwiz/flows/integration"
)

// Client is an OAuth client object found in a manifest.
type Client struct {
	Path          string   `json:"path"` // where it sits, e.g. $.oauth.clients[0]
	Name          string   `json:"name"`
	RedirectURIs  []string `json:"redirect_uris"`
	Scopes        []string `json:"scopes"`
	OnboardingURL string   `json:"onboarding_url"`
}

// Clients finds the OAuth client objects of an exported app manifest.
func Clients(path string, b []byte) ([]Client, error) {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		if pe := posError(path, b, err); pe != nil {
			return nil, pe
		}
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	var out []Client
	walk(v, "$", &out)
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no OAuth client in the file (no object with redirect_uris, scopes and onboarding_url): is it the file from Export App Manifest?", path)
	}
	return out, nil
}

func posError(path string, b []byte, err error) error {
	_, perr := integration.ParseManifest(path, b)
	if pe, ok := perr.(*integration.PosError); ok {
		return pe
	}
	return nil
}

func walk(v any, at string, out *[]Client) {
	switch x := v.(type) {
	case map[string]any:
		_, r := x["redirect_uris"]
		_, s := x["scopes"]
		_, o := x["onboarding_url"]
		if r && s && o {
			c := Client{Path: at, Name: str(x["name"]), OnboardingURL: str(x["onboarding_url"]), RedirectURIs: strs(x["redirect_uris"]), Scopes: strs(x["scopes"])}
			*out = append(*out, c)
			return
		}
		keys := slices.Sorted(maps.Keys(x))
		for _, k := range keys {
			walk(x[k], at+"."+k, out)
		}
	case []any:
		for i, e := range x {
			walk(e, fmt.Sprintf("%s[%d]", at, i), out)
		}
	}
}

func str(v any) string { s, _ := v.(string); return s }

func strs(v any) []string {
	var out []string
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
	case string: // some exports join scopes with spaces
		out = strings.Fields(x)
	}
	return out
}

// Difference is one way two sites' clients differ.
type Difference struct {
	Client string `json:"client"`
	Field  string `json:"field"`
	A      string `json:"a"`
	B      string `json:"b"`
}

// Diff compares the clients of two manifests, matched by name (by position
// when names are missing or repeated), on the fields that change behaviour.
func Diff(a, b []Client) []Difference {
	var out []Difference
	byName := func(cs []Client) map[string]Client {
		m := map[string]Client{}
		for i, c := range cs {
			key := c.Name
			if key == "" || m[key].Path != "" {
				key = fmt.Sprintf("#%d", i)
			}
			m[key] = c
		}
		return m
	}
	ma, mb := byName(a), byName(b)
	var names []string
	for k := range ma {
		names = append(names, k)
	}
	for k := range mb {
		if _, ok := ma[k]; !ok {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		ca, okA := ma[n]
		cb, okB := mb[n]
		switch {
		case !okA:
			out = append(out, Difference{Client: n, Field: "client", A: "(absent)", B: cb.Path})
		case !okB:
			out = append(out, Difference{Client: n, Field: "client", A: ca.Path, B: "(absent)"})
		default:
			if d := setDiff(ca.Scopes, cb.Scopes); d != "" {
				out = append(out, Difference{Client: n, Field: "scopes", A: strings.Join(sorted(ca.Scopes), " "), B: strings.Join(sorted(cb.Scopes), " ")})
			}
			if d := setDiff(ca.RedirectURIs, cb.RedirectURIs); d != "" {
				out = append(out, Difference{Client: n, Field: "redirect_uris", A: strings.Join(sorted(ca.RedirectURIs), " "), B: strings.Join(sorted(cb.RedirectURIs), " ")})
			}
			if ca.OnboardingURL != cb.OnboardingURL {
				out = append(out, Difference{Client: n, Field: "onboarding_url", A: ca.OnboardingURL, B: cb.OnboardingURL})
			}
		}
	}
	return out
}

func sorted(s []string) []string {
	c := append([]string(nil), s...)
	sort.Strings(c)
	return c
}

func setDiff(a, b []string) string {
	if strings.Join(sorted(a), "\x00") == strings.Join(sorted(b), "\x00") {
		return ""
	}
	return "differs"
}
