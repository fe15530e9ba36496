// Package integration reads what oauthwiz needs from an integration folder:
// its name, manifest.json, and the OAuth client asset (assets/oauth_clients.json).
package integration

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/oauthwiz/oauthwiz/flows/inputs"
)

// Case is which publication case applies; it decides the app_uuid rule.
type Case string

const (
	CaseNew         Case = "new"
	CaseExisting    Case = "existing"
	CaseUIExtension Case = "ui-extension"
)

// Cases lists the cases with their one-line explanation, in menu order.
var Cases = []struct {
	Case  Case
	Title string
	Note  string
}{
	{CaseNew, "A new integration", "takes the published app_uuid in manifest.json"},
	{CaseExisting, "OAuth added to an existing integration", "keeps its app_uuid"},
	{CaseUIExtension, "An existing integration tied to a UI Extension (same tile)", "keeps its app_uuid"},
}

// ParseCase reads a --case value.
func ParseCase(s string) (Case, error) {
	for _, c := range Cases {
		if string(c.Case) == s {
			return c.Case, nil
		}
	}
	return "", inputs.Errorf(inputs.Case, nil, fmt.Sprintf("case %q: use new, existing or ui-extension", s))
}

// OAuthClient is the client declared in assets/oauth_clients.json.
type OAuthClient struct {
	Key           string   `json:"-"` // the object's key in the file
	Name          string   `json:"name"`
	Description   string   `json:"description"`
	RedirectURIs  []string `json:"redirect_uris"`
	Scopes        []string `json:"scopes"`
	OnboardingURL string   `json:"onboarding_url"`
	ClientRole    string   `json:"client_role"`
	ID            string   `json:"id"`
}

// Info is what was found in the folder.
type Info struct {
	Dir         string
	Name        string // app_id from the manifest, else the folder's name
	HasManifest bool
	Client      *OAuthClient
	ClientFile  string
}

// Load reads an integration folder. A missing manifest or client file is not
// an error (the folder may be new); a malformed one is, with file and line.
func Load(dir string) (Info, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return Info{}, err
	}
	st, err := os.Stat(abs)
	if err != nil {
		return Info{}, fmt.Errorf("integration folder %s: %w", dir, err)
	}
	if !st.IsDir() {
		return Info{}, fmt.Errorf("integration folder %s is not a folder", dir)
	}
	info := Info{Dir: abs, Name: filepath.Base(abs)}
	rel := "assets/oauth_clients.json"
	manifestPath := filepath.Join(abs, "manifest.json")
	if b, err := os.ReadFile(manifestPath); err == nil {
		info.HasManifest = true
		var m struct {
			AppID  string `json:"app_id"`
			Assets struct {
				OAuth string `json:"oauth"`
			} `json:"assets"`
		}
		if err := json.Unmarshal(b, &m); err != nil {
			return info, JSONError(manifestPath, b, err)
		}
		if m.AppID != "" {
			info.Name = m.AppID
		}
		if m.Assets.OAuth != "" {
			rel = m.Assets.OAuth
		}
	}
	info.ClientFile = filepath.Join(abs, filepath.FromSlash(rel))
	b, err := ReadAsset(abs, "assets.oauth in manifest.json", rel)
	if errors.Is(err, os.ErrNotExist) {
		return info, nil
	}
	if err != nil {
		return info, err
	}
	c, err := ParseClients(info.ClientFile, b)
	if err != nil {
		return info, err
	}
	info.Client = c
	return info, nil
}

// ParseClients reads an oauth_clients.json document and returns its client:
// the first object (by key) shaped like one (it has redirect_uris or scopes).
func ParseClients(path string, b []byte) (*OAuthClient, error) {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, JSONError(path, b, err)
	}
	keys := slices.Sorted(maps.Keys(doc))
	for _, k := range keys {
		var probe map[string]json.RawMessage
		if json.Unmarshal(doc[k], &probe) != nil {
			continue
		}
		if _, ok := probe["redirect_uris"]; !ok {
			if _, ok := probe["scopes"]; !ok {
				continue
			}
		}
		var c OAuthClient
		if err := json.Unmarshal(doc[k], &c); err != nil {
			return nil, fmt.Errorf("%s: client %q: %v", path, k, err)
		}
		c.Key = k
		return &c, nil
	}
	return nil, fmt.Errorf("%s: no client object (an object with redirect_uris and scopes) in the file", path)
}

// JSONError turns a decoding error into "file:line:col: message".
func JSONError(path string, b []byte, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	var off int64 = -1
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	}
	if off < 0 {
		return fmt.Errorf("%s: %v", path, err)
	}
	line, col := LineCol(b, int(off))
	return fmt.Errorf("%s:%d:%d: %v", path, line, col, err)
}

// LineCol converts a byte offset into a 1-based line and column.
func LineCol(b []byte, off int) (int, int) {
	if off > len(b) {
		off = len(b)
	}
	if off < 0 {
		off = 0
	}
	before := b[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := off - bytes.LastIndexByte(before, '\n')
	return line, col
}

// LoopbackRedirect returns the first redirect URI the loopback listener can serve.
func (c *OAuthClient) LoopbackRedirect() string {
	if c == nil {
		return ""
	}
	for _, u := range c.RedirectURIs {
		if strings.HasPrefix(u, "http://127.0.0.1") || strings.HasPrefix(u, "http://localhost") || strings.HasPrefix(u, "http://[::1]") {
			return u
		}
	}
	return ""
}

// Registers reports whether the client file lists the redirect URI.
func (c *OAuthClient) Registers(uri string) bool {
	return c != nil && slices.Contains(c.RedirectURIs, uri)
}

// WriteScratch makes a small integration folder for the demo.
func WriteScratch(dir, name string, client OAuthClient) error {
	if err := os.MkdirAll(filepath.Join(dir, "assets"), 0o755); err != nil {
		return err
	}
	manifest := map[string]any{
		"manifest_version": "2.0.0", "app_uuid": "0193a8e2-6f0c-7c3e-9d1a-2b4c6d8e0f12", "app_id": name,
		"owner": "partner", "display_on_public_website": true,
		"tile": map[string]any{
			"overview": "README.md#Overview", "configuration": "README.md#Setup", "support": "README.md#Support",
			"changelog": "CHANGELOG.md", "description": "Sends Acme events to Datadog.", "title": "Acme",
		},
		"author": map[string]any{"name": "Acme", "support_email": "support@acme.example"},
		"assets": map[string]any{"oauth": "assets/oauth_clients.json"},
	}
	mb, _ := json.MarshalIndent(manifest, "", "  ")
	client.ClientRole = "integration"
	cb, _ := json.MarshalIndent(map[string]OAuthClient{"integration": client}, "", "  ")
	readme := "# Acme\n\n## Overview\n\nAcme sends its events to Datadog.\n\n## Setup\n\nClick Connect Accounts on the tile.\n\n## Support\n\nsupport@acme.example\n"
	for p, b := range map[string][]byte{"manifest.json": mb, "assets/oauth_clients.json": cb, "README.md": []byte(readme)} {
		if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(p)), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// CheckRedirectURI says what is wrong with a redirect URI, or nil: it must
// be an absolute http(s) URI with a host, written only with the characters
// RFC 3986 allows (percent-escapes well formed; no space, "{", "}", "|",
// "\", "^", "`", quote or angle bracket), and without a fragment (RFC 6749
// §3.1.2).
func CheckRedirectURI(raw string) error {
	if raw == "" {
		return errors.New("the redirect URI is empty")
	}
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case c == '%':
			if i+2 >= len(raw) || !isHex(raw[i+1]) || !isHex(raw[i+2]) {
				return fmt.Errorf("redirect URI %q: %q at position %d is not a percent-escape (%%XX)", raw, raw[i:min(i+3, len(raw))], i+1)
			}
		case c <= ' ' || c >= 0x7f || strings.IndexByte(`"<>\^`+"`"+`{|}`, c) >= 0:
			return fmt.Errorf("redirect URI %q: the character %q at position %d is not allowed in a URI; percent-encode it (for example %%%02X)", raw, rune(c), i+1, c)
		}
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return fmt.Errorf("redirect URI %q does not parse: %v", raw, err)
	case u.Scheme != "https" && u.Scheme != "http":
		return fmt.Errorf("redirect URI %q: use an absolute https URI (or http on 127.0.0.1, [::1] or localhost)", raw)
	case u.Host == "" || u.Hostname() == "":
		return fmt.Errorf("redirect URI %q has no host", raw)
	case u.User != nil:
		return fmt.Errorf("redirect URI %q carries a user name or password", raw)
	case u.Fragment != "" || strings.Contains(raw, "#"):
		return fmt.Errorf("redirect URI %q has a fragment (#…), which OAuth does not allow", raw)
	}
	return nil
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// MaxAssetBytes bounds the files oauthwiz reads from an integration's
// manifest pointers (an OAuth client file is a few hundred bytes).
const MaxAssetBytes = 1 << 20

// ErrUnsafeAsset means a manifest points at a file oauthwiz will not read.
var ErrUnsafeAsset = errors.New("unsafe asset path")

// ReadAsset reads the file that a manifest field (field, for messages) names
// relative to the integration folder dir: only a regular file inside the
// folder (after symbolic links are followed), of at most MaxAssetBytes —
// never "../", an absolute path, /dev/zero or a FIFO. A missing file gives
// an error that errors.Is(err, fs.ErrNotExist).
func ReadAsset(dir, field, rel string) ([]byte, error) {
	clean := filepath.Clean(filepath.FromSlash(rel))
	if filepath.IsAbs(clean) || filepath.VolumeName(clean) != "" || strings.HasPrefix(rel, "/") || clean == ".." || strings.HasPrefix(clean, ".."+string(filepath.Separator)) {
		return nil, fmt.Errorf("%w: %s is %q, which is outside the integration folder: use a path inside it, like assets/oauth_clients.json", ErrUnsafeAsset, field, rel)
	}
	full := filepath.Join(dir, clean)
	real, err := filepath.EvalSymlinks(full)
	if err != nil {
		return nil, fmt.Errorf("%s %q: %w", field, rel, err)
	}
	realDir, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return nil, err
	}
	if r, err := filepath.Rel(realDir, real); err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return nil, fmt.Errorf("%w: %s %q is a link to %s, outside the integration folder", ErrUnsafeAsset, field, rel, real)
	}
	st, err := os.Stat(real)
	if err != nil {
		return nil, fmt.Errorf("%s %q: %w", field, rel, err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%w: %s %q is not a regular file (%s)", ErrUnsafeAsset, field, rel, st.Mode().Type())
	}
	if st.Size() > MaxAssetBytes {
		return nil, fmt.Errorf("%w: %s %q is %d bytes; oauthwiz reads such files up to %d bytes", ErrUnsafeAsset, field, rel, st.Size(), MaxAssetBytes)
	}
	f, err := os.Open(real)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxAssetBytes+1))
	if err == nil && len(b) > MaxAssetBytes {
		err = fmt.Errorf("%w: %s %q grew past %d bytes while being read", ErrUnsafeAsset, field, rel, MaxAssetBytes)
	}
	return b, err
}
