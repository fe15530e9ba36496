package journey

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/oauthwiz/oauthwiz/checks"
	"github.com/oauthwiz/oauthwiz/flows/appmanifest"
	"github.com/oauthwiz/oauthwiz/flows/pullrequest"
	"github.com/oauthwiz/oauthwiz/flows/readme"
)

// FixTarget is the file a fix edits.
type FixTarget string

// The files the uninstallation fixes edit.
const (
	FixReadme   FixTarget = "readme"
	FixManifest FixTarget = "manifest"
)

// ErrNothingToFix means the folder is not an OAuth integration and its
// README has no uninstallation section.
var ErrNothingToFix = readme.ErrNothingToFix

// ErrIdentityKept means a fix would change an existing integration's
// identity (its app_uuid).
var ErrIdentityKept = errors.New("an existing integration keeps its app_uuid")

// PlanFix plans one file's uninstallation edit (nil: the file is right):
// the README's section and API Keys link (title: the name in the link, ""
// for tile.title), or manifest.json's tile.uninstallation and, when given,
// app_uuid. Nothing is written until the edit's Write.
func PlanFix(dir string, target FixTarget, title, appUUID string) (*readme.FileEdit, error) {
	if st, err := os.Stat(dir); err == nil && !st.IsDir() {
		dir = filepath.Dir(dir)
	}
	if target == FixReadme {
		return readme.PlanReadme(dir, title)
	}
	if appUUID != "" {
		// An existing integration's app_uuid never changes: Datadog's
		// manifest validator refuses it.
		if b, branch, ok, err := pullrequest.BaseFile(dir, "manifest.json", ""); err == nil && ok {
			var base struct {
				AppUUID string `json:"app_uuid"`
			}
			if json.Unmarshal(b, &base) == nil && base.AppUUID != "" && !strings.EqualFold(base.AppUUID, appUUID) {
				return nil, fmt.Errorf("%w: the integration is on %s with app_uuid %s, which an existing integration keeps", ErrIdentityKept, branch, base.AppUUID)
			}
		}
	}
	return readme.PlanManifest(dir, appUUID)
}

// CheckTree runs the checks on one integration or a whole checkout, in
// parallel over a checkout's integrations (a CI's use). In a clone, each
// integration the base branch has keeps its identity (app_uuid, app_id,
// the integration's id and source type name): the repository is opened
// once for all of them.
func CheckTree(path string, opts checks.Options) (checks.Report, error) {
	if opts.Base == nil && opts.BaseFor == nil {
		if base, err := pullrequest.OpenBase(path, ""); err == nil {
			opts.BaseFor = func(dir string) *checks.BaseManifest {
				b, ok, err := base.File(dir, "manifest.json")
				if err != nil || !ok {
					return nil // new on the base branch: nothing to keep
				}
				return &checks.BaseManifest{Src: b, Branch: base.Branch}
			}
		}
	}
	return checks.Path(path, opts)
}

// ManifestDifference is one way two exported app manifests' clients differ.
type ManifestDifference = appmanifest.Difference

// DiffManifests compares the OAuth clients of two exported app manifests
// (their name, scopes, redirect URIs and onboarding URL).
func DiffManifests(a, b string) ([]ManifestDifference, error) {
	ca, err := manifestClients(a)
	if err != nil {
		return nil, err
	}
	cb, err := manifestClients(b)
	if err != nil {
		return nil, err
	}
	return appmanifest.Diff(ca, cb), nil
}

// ReadManifest reads an exported app manifest and checks that it holds an
// OAuth client.
func ReadManifest(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if _, err := appmanifest.Clients(path, b); err != nil {
		return nil, err
	}
	return b, nil
}

func manifestClients(path string) ([]appmanifest.Client, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return appmanifest.Clients(path, b)
}

// CloneRequest is a clone of the user's fork to make the pull request from,
// when the integration is not in one.
type CloneRequest struct {
	BaseRepo, BaseBranch, ForkRemote, Into string
	GitHub                                 *pullrequest.GitHub
	Auth                                   pullrequest.GitAuth
	// Cloning is told what is cloned, before it starts.
	Cloning func(what, branch, into string)
}

// CloneFork clones the user's fork (shallow, one branch: the base's default
// unless given) into r.Into and copies the integration's folder src there;
// it returns the copy's folder.
func CloneFork(ctx context.Context, r CloneRequest, src string) (string, error) {
	owner, repo, _ := strings.Cut(r.BaseRepo, "/")
	url := r.ForkRemote
	if url == "" {
		login, err := r.GitHub.Login(ctx)
		if err != nil {
			return "", err
		}
		fork, _, err := r.GitHub.Fork(ctx, owner, repo, login)
		if err != nil {
			return "", err
		}
		url = fork.GetCloneURL()
	}
	base := r.BaseBranch
	if base == "" {
		var err error
		if base, err = r.GitHub.DefaultBranch(ctx, owner, repo); err != nil {
			return "", err
		}
	}
	if r.Cloning != nil {
		r.Cloning(r.BaseRepo+" fork", base, r.Into)
	}
	if err := pullrequest.Clone(ctx, url, r.Into, base, 1, r.Auth); err != nil {
		return "", fmt.Errorf("cloning your fork: %w", err)
	}
	dst := filepath.Join(r.Into, filepath.Base(src))
	return dst, pullrequest.CopyDir(src, dst)
}
