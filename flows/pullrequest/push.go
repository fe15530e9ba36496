package pullrequest

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
)

// ErrPushRejected means the fork's branch has commits the local one lacks.
var ErrPushRejected = errors.New("push rejected (non-fast-forward)")

// ErrPushFailed means the push did not reach the fork (network, server).
var ErrPushFailed = errors.New("the push failed")

// TokenAuth authenticates an HTTPS push with a GitHub token, which is never
// written into a remote URL or the git config.
func TokenAuth(token string) transport.AuthMethod {
	if token == "" {
		return nil
	}
	return &githttp.BasicAuth{Username: "x-access-token", Password: token}
}

// Push pushes a branch to a URL (the fork) through an in-memory remote.
func Push(ctx context.Context, root, url, branch string, auth transport.AuthMethod) error {
	repo, err := git.PlainOpen(root)
	if err != nil {
		return err
	}
	rem := git.NewRemote(repo.Storer, &config.RemoteConfig{Name: "oauthwiz-fork", URLs: []string{url}})
	spec := config.RefSpec("refs/heads/" + branch + ":refs/heads/" + branch)
	err = rem.PushContext(ctx, &git.PushOptions{RemoteName: "oauthwiz-fork", RefSpecs: []config.RefSpec{spec}, Auth: auth})
	switch {
	case err == nil, errors.Is(err, git.NoErrAlreadyUpToDate):
		return nil
	case strings.Contains(err.Error(), "non-fast-forward"):
		return fmt.Errorf("%w: %s on the fork has commits this branch lacks; rebase on it ('git pull --rebase <fork> %s') or pick another --branch", ErrPushRejected, branch, branch)
	case strings.Contains(err.Error(), "protected branch") || strings.Contains(err.Error(), "GH006"):
		return fmt.Errorf("%w: %s is a protected branch on the fork: push to another --branch", ErrPushRejected, branch)
	case strings.Contains(err.Error(), "authentication required") || strings.Contains(err.Error(), "403"):
		return fmt.Errorf("the fork refused the push: the token needs the repo (or public_repo) scope and write access to %s: %w", redact(url), err)
	}
	return fmt.Errorf("%w: pushing %s to %s: %w", ErrPushFailed, branch, redact(url), err)
}

func redact(u string) string {
	if i := strings.Index(u, "@"); i > 0 && strings.Contains(u[:i], "://") {
		return u[:strings.Index(u, "://")+3] + "***" + u[i:]
	}
	return u
}

// RemoteURL resolves --fork-remote: a remote's name in the clone (its first
// URL), or a URL or path as given.
func RemoteURL(root, nameOrURL string) (string, error) {
	if nameOrURL == "" || strings.Contains(nameOrURL, "://") || strings.ContainsAny(nameOrURL, "/\\") || strings.Contains(nameOrURL, "@") {
		return nameOrURL, nil
	}
	repo, err := git.PlainOpen(root)
	if err != nil {
		return "", err
	}
	rem, err := repo.Remote(nameOrURL)
	if err != nil {
		return "", fmt.Errorf("--fork-remote %q: no such remote in %s (git remote -v lists them): %w", nameOrURL, root, err)
	}
	urls := rem.Config().URLs
	if len(urls) == 0 {
		return "", fmt.Errorf("--fork-remote %q has no URL", nameOrURL)
	}
	return urls[0], nil
}

// Clone clones one branch of the fork into dir, depth commits deep (0: all):
// one is enough to commit an integration and push it.
func Clone(ctx context.Context, url, dir, branch string, depth int, auth transport.AuthMethod) error {
	opts := &git.CloneOptions{URL: url, Depth: depth, SingleBranch: true, Auth: auth, Tags: git.NoTags}
	if branch != "" {
		opts.ReferenceName = plumbing.NewBranchReferenceName(branch)
	}
	if _, err := git.PlainCloneContext(ctx, dir, false, opts); err != nil {
		return fmt.Errorf("cloning %s into %s: %w", redact(url), dir, err)
	}
	return nil
}

// CopyDir copies an integration folder into the clone.
func CopyDir(src, dst string) error {
	return filepath.WalkDir(src, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if e.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !e.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		info, err := e.Info()
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, info.Mode().Perm())
	})
}
