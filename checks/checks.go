// Package checks holds the pre-submission rules. Each rule has an id and a
// severity, and reports findings with a file, a line, a message and a fix.
package checks

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/oauthwiz/oauthwiz/assets"
	"github.com/oauthwiz/oauthwiz/flows/integration"
	"github.com/oauthwiz/oauthwiz/flows/readme"
	"github.com/oauthwiz/oauthwiz/flows/secrets"
)

// Severities.
const (
	Error   = "error"
	Warning = "warning"
)

// Finding is one problem.
type Finding struct {
	// Integration is the integration's folder (what cd and CODEOWNERS
	// use), "" for a file of the repository itself (its allowlist); AppID
	// is its manifest's app_id, when it differs.
	Integration string `json:"integration"`
	AppID       string `json:"app_id,omitempty"`
	// Path is File relative to the repository's root (the folder holding
	// .git, else the integration's parent), for a CI log or an editor.
	Path     string `json:"path"`
	Rule     string `json:"rule"`
	Severity string `json:"severity"`
	File     string `json:"file"`
	Line     int    `json:"line"`
	Message  string `json:"message"`
	Fix      string `json:"fix"`
}

// Rule describes a rule id.
type Rule struct {
	ID, Severity, Summary string
	Fixable               bool // oauthwiz fix can repair it
}

// Rules is every rule, in the order the checklist shows them.
var Rules = []Rule{
	{"readme/overview-missing", Error, "README has a ## Overview section (ddev validate readmes)", false},
	{"readme/setup-missing", Error, "README has a ## Setup section", false},
	{"readme/setup-level", Warning, "the Setup heading is an H2 (ddev validate readmes; H3 ones were merged: a warning)", false},
	{"readme/uninstallation-missing", Error, "an OAuth integration's README has an uninstallation section", true},
	{"readme/uninstallation-level", Warning, "the uninstallation heading is an H2 (H3 sections were merged too: a warning)", true},
	{"readme/uninstallation-placement", Warning, "## Uninstallation is the section right after ## Setup", true},
	{"readme/uninstallation-statements", Warning, "the section says authorizations are revoked and points to the API Keys page", false},
	{"readme/absolute-app-link", Warning, "links to Datadog pages are relative", false},
	{"readme/app-link-relative", Warning, "a relative link to a Datadog page starts with '/' (without it, it resolves under the README's folder; a warning: no Datadog validator checks it)", false},
	{"readme/not-utf8", Error, "README is UTF-8", false},
	{"readme/char-above-256", Error, "README has no character above U+0100 (ddev validate readmes rejects them)", false},
	{"readme/image-path", Error, "README images are raw.githubusercontent.com/DataDog/integrations-extras/master/<integration>/images/… files of the folder (ddev validate readmes)", false},
	{"readme/too-complex", Error, "README is at most 1 MiB, with lists and block quotes nested at most 32 deep", false},
	{"manifest/invalid-json", Error, "manifest.json parses", false},
	{"manifest/uninstallation-missing", Error, "tile.uninstallation is set", true},
	{"manifest/uninstallation-anchor", Error, "tile.uninstallation points to a heading of the README", true},
	{"manifest/description-too-long", Error, "tile.description is at most 80 characters (ddev's manifest validation, as a reviewer reported it; not in Datadog's public docs)", false},
	{"manifest/app-uuid-format", Error, "app_uuid is a UUID (v4 or v7)", false},
	{"manifest/app-uuid-mismatch", Error, "a new integration carries the published app_uuid", true},
	{"manifest/identity-changed", Error, "an existing integration keeps its app_uuid, app_id, assets.integration.id and source_type_name (Datadog's manifest validator refuses a change)", false},
	{"oauth/clients-invalid", Error, "assets/oauth_clients.json has redirect_uris, scopes, onboarding_url and client_role", false},
	{"oauth/redirect-uri-invalid", Error, "redirect URIs are absolute URIs with a host, valid characters and no fragment", false},
	{"oauth/redirect-uri-insecure", Error, "redirect URIs are https (loopback excepted)", false},
	{"oauth/onboarding-url-insecure", Warning, "the onboarding URL is https (a warning: Datadog merged an http one, fauna's)", false},
	{"oauth/scope-unknown", Warning, "every scope is in the catalog of Datadog's spec (a warning: published clients hold scopes the spec lacks)", false},
	{"secrets/found", Error, "no client secret, token or API key in the integration's files", false},
	{"repo/codeowners-missing", Warning, "the integration has its line in .github/CODEOWNERS ('oauthwiz pr' adds it; a warning until then)", false},
	{"secrets/allowlist-entry", Warning, "every entry of .oauthwiz-allowlist (at the repository's root) gives a reason; one without is not honoured", false},
	{"secrets/test-fixture", Warning, "a secret-shaped value in tests/, test/, testdata/ or fixtures/ is a dummy (a warning, never blocking)", false},
}

// RuleByID finds a rule.
func RuleByID(id string) (Rule, bool) {
	for _, r := range Rules {
		if r.ID == id {
			return r, true
		}
	}
	return Rule{}, false
}

// Options tune a check.
type Options struct {
	// AppUUID is the published app_uuid to compare with (new integrations).
	AppUUID string
	// Case is the publication case; app_uuid is compared only for "new".
	Case integration.Case
	// KnownSecrets returns the secret values stored for an integration, to
	// find them verbatim in its files.
	KnownSecrets func(integration string) []string
	// Workers bounds parallelism over a tree; 0 means GOMAXPROCS.
	Workers int
	// Base is manifest.json as the base branch has it (nil: the integration
	// is new there, or no clone to compare with): its identity must not
	// change.
	Base *BaseManifest
	// Only, when set, limits a tree to these integration folders (by name):
	// a pull request's, with --changed-since.
	Only []string
	// BaseFor gives each integration of a tree its Base (when Base is nil):
	// a whole checkout's identities are compared with the base branch.
	BaseFor func(dir string) *BaseManifest

	// allowlist is the repository's, read once by Path for every
	// integration of a tree (nil: Integration reads it itself).
	allowlist *secrets.Allowlist
	// codeOwners is the repository's CODEOWNERS, read once by Path.
	codeOwners     codeOwners
	codeOwnersRead bool
}

// BaseManifest is manifest.json on the base branch.
type BaseManifest struct {
	Src    []byte
	Branch string // e.g. upstream/master
}

type checker struct {
	name, dir string // the folder's name, and path
	appID     string // the manifest's app_id
	root      string // the repository's root (see repoRoot)
	rel       string // the folder relative to it
	title     string // tile.title ("<Name>" when the manifest has none)
	opts      Options
	out       []Finding
}

// cmd names an oauthwiz fix command for this integration's folder.
func (c *checker) cmd(what string) string {
	return "'oauthwiz fix " + what + " " + c.dir + "'"
}

func (c *checker) add(rule, file string, line int, msg, fix string) {
	r, _ := RuleByID(rule)
	f := Finding{Integration: c.name, Rule: rule, Severity: r.Severity, File: file, Line: line, Message: msg, Fix: fix,
		Path: filepath.ToSlash(filepath.Join(c.rel, file))}
	if c.appID != c.name {
		f.AppID = c.appID
	}
	c.out = append(c.out, f)
}

// repoRoot is the nearest folder above dir with a .git, else dir's parent.
func repoRoot(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return filepath.Dir(dir)
	}
	for root := filepath.Dir(abs); ; root = filepath.Dir(root) {
		if _, err := os.Stat(filepath.Join(root, ".git")); err == nil {
			return root
		}
		if filepath.Dir(root) == root {
			return filepath.Dir(abs)
		}
	}
}

// allowlistFindings are the refused entries of the repository's allowlist,
// a file of the repository rather than of an integration (File and Path
// both name it from the root).
func allowlistFindings(root string, bad []secrets.AllowlistProblem, integration string) []Finding {
	r, _ := RuleByID("secrets/allowlist-entry")
	var out []Finding
	for _, e := range bad {
		out = append(out, Finding{Integration: integration, Rule: r.ID, Severity: r.Severity, File: secrets.AllowlistFile, Path: secrets.AllowlistFile,
			Line: e.Line, Message: e.Msg, Fix: "write why the value is harmless after it, in " + filepath.Join(root, secrets.AllowlistFile)})
	}
	return out
}

// ErrNotIntegration means the folder has no manifest.json.
var ErrNotIntegration = errors.New("no manifest.json")

// Integration checks one integration folder.
func Integration(dir string, opts Options) ([]Finding, error) {
	if _, err := os.Stat(filepath.Join(dir, "manifest.json")); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s: %w (not an integration folder)", dir, ErrNotIntegration)
		}
		return nil, err
	}
	name := filepath.Base(filepath.Clean(dir))
	root := repoRoot(dir)
	rel := name
	if abs, err := filepath.Abs(dir); err == nil {
		if r, err := filepath.Rel(root, abs); err == nil {
			rel = r
		}
	}
	c := &checker{name: name, appID: name, root: root, rel: rel, dir: dir, opts: opts}
	if c.opts.Base == nil && c.opts.BaseFor != nil {
		c.opts.Base = c.opts.BaseFor(dir)
	}
	if c.opts.allowlist == nil { // one integration: its entries are reported here
		allow, bad := secrets.LoadAllowlist(root)
		c.opts.allowlist = &allow
		c.out = append(c.out, allowlistFindings(root, bad, name)...)
	}
	if !c.opts.codeOwnersRead {
		c.opts.codeOwners, c.opts.codeOwnersRead = loadCodeOwners(root), true
	}
	c.run()
	c.codeOwnersRules()
	sortFindings(c.out)
	return c.out, nil
}

var (
	uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[47][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
)

func (c *checker) run() {
	mb, merr := os.ReadFile(filepath.Join(c.dir, "manifest.json"))
	var m *integration.Manifest
	if merr == nil {
		var err error
		m, err = integration.ParseManifest("manifest.json", mb)
		if err != nil {
			line := 0
			var pe *integration.PosError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			c.add("manifest/invalid-json", "manifest.json", line, err.Error(), "fix the JSON syntax at that line and column")
			m = nil
		}
	} else {
		c.add("manifest/invalid-json", "manifest.json", 0, "manifest.json cannot be read: "+merr.Error(), "make the file readable")
	}
	c.title = "<Name>"
	if m != nil {
		if v, ok := m.StringValue(m.TopMember("app_id")); ok && v != "" {
			c.appID = v
		}
		if v, ok := m.StringValue(m.TileMember("title")); ok && v != "" {
			c.title = v
		}
	}

	rb, rerr := os.ReadFile(filepath.Join(c.dir, "README.md"))
	var doc *readme.Doc
	var shapeErr *readme.ShapeError
	switch {
	case rerr != nil:
		c.add("readme/setup-missing", "README.md", 0, "README.md cannot be read: "+rerr.Error(), "add a README.md with ## Overview and ## Setup")
	case readme.CheckUTF8(rb) != 0:
		c.add("readme/not-utf8", "README.md", readme.CheckUTF8(rb), "README.md is not valid UTF-8", "save the file as UTF-8")
	case errors.As(readme.CheckShape(rb), &shapeErr):
		c.add("readme/too-complex", "README.md", shapeErr.Line, shapeErr.Msg+"; its other rules were not checked", "split the README or flatten the nesting")
	default:
		doc = readme.Parse(rb)
		if line, r := readme.FirstAbove256(rb); line > 0 {
			c.add("readme/char-above-256", "README.md", line, fmt.Sprintf("character %q (U+%04X) is above U+0100", r, r), "replace it with an ASCII or Latin-1 equivalent")
		}
	}

	oauthAsset := ""
	hasTileUninst := false
	if m != nil {
		if a := m.TopMember("assets"); a != nil {
			var assetsObj map[string]any
			if json.Unmarshal(m.Src[a.ValStart:a.ValEnd], &assetsObj) == nil {
				oauthAsset, _ = assetsObj["oauth"].(string)
			}
		}
		hasTileUninst = m.TileMember("uninstallation") != nil
	}
	isOAuth := oauthAsset != "" || hasTileUninst

	if doc != nil {
		c.readmeRules(doc, isOAuth)
	}
	if m != nil {
		c.manifestRules(m, doc)
	}
	if oauthAsset != "" {
		c.oauthRules(oauthAsset)
	}
	c.secretRules()
}

func (c *checker) readmeRules(d *readme.Doc, isOAuth bool) {
	if d.H2("overview") < 0 {
		c.add("readme/overview-missing", "README.md", 0, "README.md has no '## Overview' section", "add a '## Overview' H2 that says what the integration does")
	}
	c.imageRules(d)
	setup := d.H2("setup")
	switch h := d.Any("setup"); {
	case setup >= 0:
	case h >= 0:
		// doppler's '### Setup' was merged, and the tile's configuration
		// anchor resolves to it: ddev's readme validation wants an H2.
		c.add("readme/setup-level", "README.md", d.Headings[h].Line, fmt.Sprintf("'%s %s' is an H%d; ddev validate readmes asks for a '## Setup' H2 (Datadog merged H3 ones, e.g. doppler, so this is a warning)", strings.Repeat("#", d.Headings[h].Level), d.Headings[h].Text, d.Headings[h].Level), "make it '## Setup'")
	default:
		c.add("readme/setup-missing", "README.md", 0, "README.md has no '## Setup' section", "add a '## Setup' H2 that explains how to connect the integration")
	}
	u := d.Uninstall()
	switch {
	case u < 0 && isOAuth:
		c.add("readme/uninstallation-missing", "README.md", 0, "this OAuth integration's README has no uninstallation section", "run "+c.cmd("readme")+" to add '## Uninstallation' after '## Setup'")
	case u >= 0:
		h := d.Headings[u]
		if h.Level != 2 {
			c.add("readme/uninstallation-level", "README.md", h.Line, fmt.Sprintf("'%s %s' is an H%d; an H2 is what Datadog's docs show (H3 sections were merged, so this is a warning)", strings.Repeat("#", h.Level), h.Text, h.Level), "run "+c.cmd("readme")+" to make it '## Uninstallation'")
		} else if setup >= 0 && d.NextH2After(setup, -1) != u {
			c.add("readme/uninstallation-placement", "README.md", h.Line, "'## "+h.Text+"' is not the section right after '## Setup'", "run "+c.cmd("readme")+" to move it right after '## Setup'")
		}
		if revokes, keys := readme.Says(d.Body(u)); !revokes || !keys {
			var missing []string
			if !revokes {
				missing = append(missing, "that uninstalling revokes all previous authorizations")
			}
			if !keys {
				missing = append(missing, "to disable the integration's API keys from the API Keys page")
			}
			c.add("readme/uninstallation-statements", "README.md", h.Line, "the uninstallation section does not say "+strings.Join(missing, ", nor "),
				"run "+c.cmd("readme")+" to add, or add by hand: "+strings.Join(readme.MissingSentences(d.Body(u), c.title), " "))
		}
	}
	appHosts := map[string]bool{}
	for _, s := range assets.Sites() {
		appHosts[s.AppHost] = true
	}
	absolute := func(dest string) bool {
		u, err := url.Parse(dest)
		return err == nil && (u.Scheme == "https" || u.Scheme == "http") && appHosts[strings.ToLower(u.Host)]
	}
	report := func(dest string, line int) {
		u, _ := url.Parse(dest)
		rel := u.RequestURI()
		c.add("readme/absolute-app-link", "README.md", line, "link to "+dest+" only works on one site", "use the relative link "+rel)
	}
	all := append(append([]readme.Link(nil), d.Links...), refLinks(d.Refs)...)
	for _, l := range all {
		if absolute(l.Dest) {
			report(l.Dest, l.Line)
		} else if fixed, ok := offSiteAppLink(l.Dest, appHosts); ok {
			c.add("readme/app-link-relative", "README.md", l.Line,
				"link "+l.Dest+" has no leading '/': it resolves under the README's own folder (on GitHub and on the docs site), not to Datadog's page",
				"use the relative link "+fixed)
		}
	}
}

func refLinks(refs []readme.RefDef) []readme.Link {
	out := make([]readme.Link, len(refs))
	for i, r := range refs {
		out[i] = readme.Link{Dest: r.Dest, Line: r.Line}
	}
	return out
}

// offSiteAppLink: a link meant for a Datadog page but written without its
// leading '/' ("organization-settings/api-keys") or without its scheme
// ("app.datadoghq.com/organization-settings/…") is a path relative to the
// README, so it leads nowhere a user wants; fixed is the link that works.
func offSiteAppLink(dest string, appHosts map[string]bool) (fixed string, ok bool) {
	if strings.Contains(dest, "://") || strings.HasPrefix(dest, "/") || strings.HasPrefix(dest, "#") || strings.HasPrefix(dest, "mailto:") {
		return "", false
	}
	rest := strings.TrimPrefix(dest, "./")
	if host, path, found := strings.Cut(rest, "/"); found && appHosts[strings.ToLower(host)] {
		rest = path
	}
	if !strings.HasPrefix(rest, "organization-settings/") {
		return "", false
	}
	return "/" + rest, true
}

// imageRules: an image of the README is a file of the integration's images
// folder, linked as raw.githubusercontent.com/DataDog/integrations-extras/
// master/<folder>/images/<name>, which is how the docs site finds it.
func (c *checker) imageRules(d *readme.Doc) {
	folder := filepath.Base(filepath.Clean(c.dir))
	want := "https://raw.githubusercontent.com/DataDog/integrations-extras/master/" + folder + "/images/"
	for _, img := range d.Images {
		name, ok := strings.CutPrefix(img.Dest, want)
		switch {
		case !ok || name == "" || strings.Contains(name, "/"):
			c.add("readme/image-path", "README.md", img.Line, fmt.Sprintf("image %s is not linked as %s<NAME>", img.Dest, want),
				"put the image in "+folder+"/images/ and link it as "+want+"<NAME>")
		default:
			if _, err := os.Stat(filepath.Join(c.dir, "images", name)); err != nil {
				c.add("readme/image-path", "README.md", img.Line, fmt.Sprintf("image %s is linked but %s/images/%s does not exist", img.Dest, folder, name),
					"add the file to "+folder+"/images/")
			}
		}
	}
}

// identity are the manifest's fields that name the integration for good.
var identity = [][]string{{"app_uuid"}, {"app_id"}, {"assets", "integration", "id"}, {"assets", "integration", "source_type_name"}}

// identityRules compares the integration's identity with the base branch's.
func (c *checker) identityRules(m *integration.Manifest) {
	base := c.opts.Base
	if base == nil {
		return
	}
	var was, is map[string]any
	if json.Unmarshal(base.Src, &was) != nil || json.Unmarshal(m.Src, &is) != nil {
		return
	}
	for _, path := range identity {
		before, hadIt := valueAtPath(was, path)
		after, _ := valueAtPath(is, path)
		if !hadIt || before == after {
			continue
		}
		line := 0
		if top := m.TopMember(path[0]); top != nil {
			line = m.LineOf(top.KeyStart)
		}
		name := strings.Join(path, ".")
		c.add("manifest/identity-changed", "manifest.json", line, fmt.Sprintf("%s is %q on %s and %q here: an existing integration keeps it (Datadog's manifest validator refuses the change)", name, before, base.Branch, after),
			fmt.Sprintf("set %s back to %q", name, before))
	}
}

// valueAtPath is the string at a path of nested objects.
func valueAtPath(doc map[string]any, path []string) (string, bool) {
	var v any = doc
	for _, k := range path {
		obj, ok := v.(map[string]any)
		if !ok {
			return "", false
		}
		if v, ok = obj[k]; !ok {
			return "", false
		}
	}
	s, ok := v.(string)
	return s, ok
}

func (c *checker) manifestRules(m *integration.Manifest, d *readme.Doc) {
	tu := m.TileMember("uninstallation")
	readmeHas := d != nil && d.Uninstall() >= 0
	oauth := false
	if a := m.TopMember("assets"); a != nil {
		oauth = bytes.Contains(m.Src[a.ValStart:a.ValEnd], []byte(`"oauth"`))
	}
	switch {
	case tu == nil && (oauth || readmeHas):
		line := 0
		if t := m.TopMember("tile"); t != nil {
			line = m.LineOf(t.KeyStart)
		}
		why := "the integration has an OAuth client (assets.oauth)"
		if !oauth {
			why = "the README has an uninstallation section"
		}
		c.add("manifest/uninstallation-missing", "manifest.json", line, "tile.uninstallation is missing, and "+why, "run "+c.cmd("manifest")+` to add "uninstallation": "README.md#Uninstallation" beneath "support"`)
	case tu != nil && d != nil: // without a readable README the anchor cannot be judged
		v, _ := m.StringValue(tu)
		line := m.LineOf(tu.KeyStart)
		file, anchor, _ := strings.Cut(v, "#")
		anchor, _ = url.PathUnescape(anchor)
		ok := false
		if strings.EqualFold(file, "README.md") {
			// GitHub makes an anchor of every heading, whatever its level.
			for _, h := range d.Headings {
				if h.Slug() == strings.ToLower(anchor) {
					ok = true
				}
			}
		}
		if !ok {
			fix := "run " + c.cmd("readme") + " so that the README has the '## Uninstallation' H2 it points to"
			if v != integration.UninstallationValue {
				fix = "run " + c.cmd("manifest") + ` to make it "` + integration.UninstallationValue + `", and ` + c.cmd("readme") + " for the heading"
			}
			c.add("manifest/uninstallation-anchor", "manifest.json", line, fmt.Sprintf("tile.uninstallation %q does not lead to a heading of README.md (GitHub anchors)", v), fix)
		}
	}
	if desc := m.TileMember("description"); desc != nil {
		if v, ok := m.StringValue(desc); ok && utf8.RuneCountInString(v) > 80 {
			c.add("manifest/description-too-long", "manifest.json", m.LineOf(desc.KeyStart), fmt.Sprintf("tile.description has %d characters; at most 80 are accepted", utf8.RuneCountInString(v)), "shorten it to 80 characters or fewer (the README's Overview says the rest)")
		}
	}
	c.identityRules(m)
	if au := m.TopMember("app_uuid"); au != nil {
		v, _ := m.StringValue(au)
		line := m.LineOf(au.KeyStart)
		if !uuidRE.MatchString(v) {
			c.add("manifest/app-uuid-format", "manifest.json", line, fmt.Sprintf("app_uuid %q is not a lowercase UUID of version 4 or 7", v), "use the app_uuid the Developer Platform's Publishing tab gives")
		} else if c.opts.AppUUID != "" && (c.opts.Case == "" || c.opts.Case == integration.CaseNew) && v != strings.ToLower(c.opts.AppUUID) {
			c.add("manifest/app-uuid-mismatch", "manifest.json", line, fmt.Sprintf("app_uuid is %s but the published app is %s: the app was not published correctly or the manifest is stale", v, c.opts.AppUUID), "run 'oauthwiz fix manifest "+c.dir+" --app-uuid "+c.opts.AppUUID+"'")
		}
	}
}

func (c *checker) oauthRules(rel string) {
	b, err := integration.ReadAsset(c.dir, "assets.oauth in manifest.json", rel)
	if err != nil {
		c.add("oauth/clients-invalid", "manifest.json", 0, "assets.oauth names "+rel+", which cannot be read: "+err.Error(), "export the client from the Developer Platform into assets/oauth_clients.json and point assets.oauth at it")
		return
	}
	client, err := integration.ParseClients(rel, b)
	if err != nil {
		line := 0
		if m := regexp.MustCompile(`:(\d+):\d+:`).FindStringSubmatch(err.Error()); m != nil {
			fmt.Sscan(m[1], &line)
		}
		c.add("oauth/clients-invalid", rel, line, err.Error(), "fix the file so it holds one client object")
		return
	}
	var raw map[string]json.RawMessage
	json.Unmarshal(b, &raw)
	var fields map[string]json.RawMessage
	json.Unmarshal(raw[client.Key], &fields)
	var missing []string
	for _, f := range []string{"redirect_uris", "scopes", "onboarding_url", "client_role"} {
		if v, ok := fields[f]; !ok || string(v) == "null" || string(v) == `""` || string(v) == "[]" {
			missing = append(missing, f)
		}
	}
	if len(missing) > 0 {
		c.add("oauth/clients-invalid", rel, lineOfText(b, `"`+client.Key+`"`), "the client lacks "+strings.Join(missing, ", "), "fill them in as in the Developer Platform")
	}
	for _, u := range client.RedirectURIs {
		if err := integration.CheckRedirectURI(u); err != nil {
			c.add("oauth/redirect-uri-invalid", rel, lineOfText(b, u), err.Error(), "register the URI written as RFC 3986 allows (percent-encode other characters), with a host and without a fragment")
			continue
		}
		if !secureURL(u, true) {
			c.add("oauth/redirect-uri-insecure", rel, lineOfText(b, u), "redirect URI "+u+" is not https", "register an https redirect URI (http is allowed only on 127.0.0.1, [::1] or localhost)")
		}
	}
	if client.OnboardingURL != "" && !secureURL(client.OnboardingURL, false) {
		c.add("oauth/onboarding-url-insecure", rel, lineOfText(b, client.OnboardingURL), "onboarding URL "+client.OnboardingURL+" is not https: the person signs in there (Datadog merged such a URL, so this is a warning)", "serve the onboarding page over https and register that URL")
	}
	for _, s := range client.Scopes {
		if _, ok := assets.LookupScope(s); !ok {
			c.add("oauth/scope-unknown", rel, lineOfText(b, `"`+s+`"`), assets.UnknownScope(s), "check the name's spelling; if it is right, authorize and see whether it is granted ('oauthwiz authorize' compares the granted scopes with the request). Metrics, logs and events are sent with the API key from api_keys_write, not with a scope")
		}
	}
}

func secureURL(raw string, loopbackOK bool) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	if u.Scheme == "https" && u.Host != "" {
		return true
	}
	h := u.Hostname()
	return loopbackOK && u.Scheme == "http" && (h == "127.0.0.1" || h == "::1" || h == "localhost")
}

func lineOfText(b []byte, s string) int {
	i := bytes.Index(b, []byte(s))
	if i < 0 {
		return 0
	}
	return bytes.Count(b[:i], []byte("\n")) + 1
}

func (c *checker) secretRules() {
	var known []string
	if c.opts.KnownSecrets != nil {
		known = c.opts.KnownSecrets(c.name)
	}
	allow := c.opts.allowlist
	filepath.WalkDir(c.dir, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if e.IsDir() {
			if strings.HasPrefix(e.Name(), ".") && path != c.dir {
				return filepath.SkipDir
			}
			return nil
		}
		info, err := e.Info()
		if err != nil || info.Size() > 1<<20 || !info.Mode().IsRegular() {
			return nil
		}
		switch strings.ToLower(filepath.Ext(path)) {
		case ".png", ".jpg", ".jpeg", ".gif", ".ico", ".webp", ".pdf", ".zip", ".gz":
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil || bytes.IndexByte(b, 0) >= 0 {
			return nil
		}
		rel, _ := filepath.Rel(c.dir, path)
		rel = filepath.ToSlash(rel)
		for _, h := range secrets.Scan(b, known) {
			if _, ok := allow.Allows(filepath.ToSlash(filepath.Join(c.rel, rel)), h); ok {
				continue // judged harmless in the allowlist, with a reason
			}
			msg := "a secret-shaped value (" + h.Masked + ") is written in this file"
			fix := "remove it and rotate it; load secrets from the environment or a secret store at run time"
			if h.Known {
				msg = "a secret stored for this integration (" + h.Masked + ") is written in this file"
				fix = "remove it, rotate it (it may be in git history), and keep secrets in the keyring only"
			}
			rule := "secrets/found"
			if !h.Known && secrets.InFixture(rel) {
				rule = "secrets/test-fixture"
				msg = "a secret-shaped value (" + h.Masked + ") is in test data"
				fix = "make sure it is a dummy that was never valid; if it is real, remove and rotate it"
			}
			c.add(rule, rel, h.Line, msg, fix)
		}
		return nil
	})
}

func sortFindings(f []Finding) {
	sort.SliceStable(f, func(i, j int) bool {
		a, b := f[i], f[j]
		if a.Integration != b.Integration {
			return a.Integration < b.Integration
		}
		if a.Severity != b.Severity {
			return a.Severity == Error
		}
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Line < b.Line
	})
}

// Report is the result of a check run.
type Report struct {
	Findings []Finding `json:"findings"`
	Summary  Summary   `json:"summary"`
}

// Summary counts a report.
type Summary struct {
	Integrations int `json:"integrations"`
	Errors       int `json:"errors"`
	Warnings     int `json:"warnings"`
}

// Path checks one integration folder, or every folder with a manifest.json
// directly under a repository root, in parallel.
func Path(path string, opts Options) (Report, error) {
	st, err := os.Stat(path)
	if err != nil {
		return Report{}, err
	}
	if !st.IsDir() {
		return Report{}, fmt.Errorf("%s is not a folder", path)
	}
	var dirs []string
	if _, err := os.Stat(filepath.Join(path, "manifest.json")); err == nil {
		dirs = []string{path}
	} else {
		entries, err := os.ReadDir(path)
		if err != nil {
			return Report{}, err
		}
		for _, e := range entries {
			if opts.Only != nil && !slices.Contains(opts.Only, e.Name()) {
				continue
			}
			if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
				if _, err := os.Stat(filepath.Join(path, e.Name(), "manifest.json")); err == nil {
					dirs = append(dirs, filepath.Join(path, e.Name()))
				}
			}
		}
		if len(dirs) == 0 && opts.Only != nil {
			return Report{Findings: []Finding{}}, nil // nothing of the checkout changed
		}
		if len(dirs) == 0 {
			return Report{}, fmt.Errorf("%s: no manifest.json there nor in its subfolders: give an integration folder or an integrations-extras checkout", path)
		}
	}
	// One allowlist for the tree (the root of the first integration's
	// repository: a tree is one checkout), its refused entries said once.
	root := repoRoot(dirs[0])
	allow, bad := secrets.LoadAllowlist(root)
	opts.allowlist = &allow
	opts.codeOwners, opts.codeOwnersRead = loadCodeOwners(root), true
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	results := make([][]Finding, len(dirs))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i], _ = Integration(dirs[i], opts)
			}
		}()
	}
	for i := range dirs {
		next <- i
	}
	close(next)
	wg.Wait()
	rep := Report{Findings: allowlistFindings(root, bad, ""), Summary: Summary{Integrations: len(dirs)}}
	for _, r := range results {
		rep.Findings = append(rep.Findings, r...)
	}
	sortFindings(rep.Findings)
	for _, f := range rep.Findings {
		if f.Severity == Error {
			rep.Summary.Errors++
		} else {
			rep.Summary.Warnings++
		}
	}
	return rep, nil
}
