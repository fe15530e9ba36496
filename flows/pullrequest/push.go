package pullrequest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
	"github.com/oauthwiz/oauthwiz/flows/inputs"
	"github.com/oauthwiz/oauthwiz/flows/termsafe"
	"github.com/oauthwiz/oauthwiz/flows/words"
)

// ErrPushRejected means the fork's branch has commits the local one lacks.
var ErrPushRejected = errors.New("push rejected (non-fast-forward)")

// ErrPushFailed means the push did not reach the fork (network, server).
var ErrPushFailed = errors.New("the push failed")

// GitAuth carries the GitHub token for git over HTTPS and decides where it
// may go: only to the host that issued it (github.com, or the host of
// --github-api-url), only over https (plain http to a loopback address, for
// tests and the sandbox), and only when that host asks for credentials (a
// 401 with WWW-Authenticate). The token is never written into a remote URL
// or the git config.
type GitAuth struct {
	Token string
	// Hosts the token belongs to (host or host:port).
	Hosts []string
	// HTTPClient makes the credential-less probe (nil: a 30 s client).
	HTTPClient *http.Client
	// Notice is told when the token is held back, and why.
	Notice func(string)
}

// NewGitAuth is the auth for a token issued by github.com, or by the GitHub
// whose API is apiURL (Enterprise, the sandbox's stand-in).
func NewGitAuth(token, apiURL string) GitAuth {
	host := "github.com"
	if apiURL != "" {
		if u, err := url.Parse(apiURL); err == nil && u.Host != "" {
			host = strings.TrimPrefix(u.Host, "api.")
		}
	}
	return GitAuth{Token: token, Hosts: []string{host}}
}

func (a GitAuth) notice(format string, args ...any) {
	if a.Notice != nil {
		a.Notice(fmt.Sprintf(format, args...))
	}
}

// method returns the credentials for one git service call to rawURL, or nil
// when the token must not (or need not) be sent there.
func (a GitAuth) method(ctx context.Context, rawURL, service string) (transport.AuthMethod, error) {
	u, err := url.Parse(rawURL)
	if a.Token == "" || err != nil || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, nil // a local path, file:// or ssh: the token is not for them
	}
	if u.User != nil {
		return nil, nil // credentials written in the URL by the user are git's business
	}
	if !a.allowed(u) {
		a.notice("the GitHub token is not sent to %s: it goes only to %s over https", redact(rawURL), strings.Join(a.Hosts, ", "))
		return nil, nil
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		a.notice("the GitHub token is not sent to %s: plain http would expose it; use the https URL", redact(rawURL))
		return nil, nil
	}
	challenged, err := a.challenged(ctx, strings.TrimRight(rawURL, "/")+"/info/refs?service="+service)
	if err != nil || !challenged {
		return nil, nil // the push itself reports what went wrong
	}
	return &githttp.BasicAuth{Username: "x-access-token", Password: a.Token}, nil
}

func (a GitAuth) allowed(u *url.URL) bool {
	port := u.Port()
	if port == "" {
		port = map[string]string{"https": "443", "http": "80"}[u.Scheme]
	}
	for _, h := range a.Hosts {
		hh, hp, err := net.SplitHostPort(h)
		if err != nil {
			hh, hp = h, map[string]string{"https": "443", "http": "80"}[u.Scheme]
		}
		if strings.EqualFold(hh, u.Hostname()) && hp == port {
			return true
		}
	}
	return false
}

// challenged asks, without credentials and without following redirects,
// whether the server wants them.
func (a GitAuth) challenged(ctx context.Context, probe string) (bool, error) {
	c := a.HTTPClient
	if c == nil {
		c = &http.Client{Timeout: 30 * time.Second}
	}
	noRedirect := *c
	noRedirect.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, probe, nil)
	if err != nil {
		return false, err
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		return false, err
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	return resp.StatusCode == http.StatusUnauthorized && resp.Header.Get("WWW-Authenticate") != "", nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Push pushes a branch to a URL (the fork) through an in-memory remote;
// how much of the pack has been sent (over http and https) and the remote's
// progress lines (GitHub's "remote: …" sideband) go to progress (nil:
// nowhere).
func Push(ctx context.Context, root, url, branch string, auth GitAuth, progress io.Writer) error {
	repo, err := git.PlainOpen(root)
	if err != nil {
		return err
	}
	method, err := auth.method(ctx, url, "git-receive-pack")
	if err != nil {
		return err
	}
	rem := git.NewRemote(repo.Storer, &config.RemoteConfig{Name: "oauthwiz-fork", URLs: []string{url}})
	spec := config.RefSpec("refs/heads/" + branch + ":refs/heads/" + branch)
	if progress != nil {
		ctx = withSendReport(ctx, progress)
	}
	err = rem.PushContext(ctx, &git.PushOptions{RemoteName: "oauthwiz-fork", RefSpecs: []config.RefSpec{spec}, Auth: method, Progress: progress})
	switch {
	case err == nil, errors.Is(err, git.NoErrAlreadyUpToDate):
		return nil
	case strings.Contains(err.Error(), "non-fast-forward"):
		return inputs.Errorf(inputs.Branch, ErrPushRejected, fmt.Sprintf("%v: %s on the fork has commits this branch lacks; rebase on it ('git pull --rebase <fork> %s') or push to another branch", ErrPushRejected, branch, branch))
	case strings.Contains(err.Error(), "protected branch") || strings.Contains(err.Error(), "GH006"):
		return inputs.Errorf(inputs.Branch, ErrPushRejected, fmt.Sprintf("%v: %s is a protected branch on the fork: push to another branch", ErrPushRejected, branch))
	// By the transport's typed errors: a "403" in the text may be the port
	// of the fork's URL (a push reset on 127.0.0.1:38403 read as refused).
	case errors.Is(err, transport.ErrAuthenticationRequired) || errors.Is(err, transport.ErrAuthorizationFailed) || strings.Contains(err.Error(), "authentication required"):
		why := "the token needs the repo (or public_repo) scope and write access to " + redact(url)
		if method == nil && auth.Token != "" {
			why = "the GitHub token was held back for " + redact(url) + " (it goes only to " + strings.Join(auth.Hosts, ", ") + " over https): push to your fork on that host, or name your GitHub Enterprise API URL"
			return inputs.Errorf(inputs.GitHubAPIURL, err, fmt.Sprintf("the fork refused the push: %s: %v", why, err))
		}
		return fmt.Errorf("the fork refused the push: %s: %w", why, err)
	}
	return fmt.Errorf("%w: pushing %s to %s: %w", ErrPushFailed, branch, redact(url), err)
}

// pushSize says what a push carries: commits, files and bytes of their
// new content.
func pushSize(commits []PushedCommit) string {
	files, bytes := map[string]bool{}, 0
	for _, c := range commits {
		for _, ch := range c.Changes {
			files[ch.Path] = true
			bytes += len(ch.After)
		}
	}
	return fmt.Sprintf("%s (%s, %s)", words.Count(len(commits), "commit"), words.Count(len(files), "file"), sizeOf(bytes))
}

// sizeOf is a byte count as people read it.
func sizeOf(n int) string {
	switch {
	case n < 1024:
		return words.Count(n, "byte")
	case n < 1024*1024:
		return fmt.Sprintf("%.1f KB", float64(n)/1024)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/(1024*1024))
}

// lineWriter hands each complete line written to it (a sideband's "\r"
// redraws count as line ends) to f, made safe for a terminal.
type lineWriter func(string)

func (f lineWriter) Write(b []byte) (int, error) {
	for _, l := range strings.FieldsFunc(string(b), func(r rune) bool { return r == '\n' || r == '\r' }) {
		if l = strings.TrimSpace(termsafe.Text(l)); l != "" {
			f(l)
		}
	}
	return len(b), nil
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
		return "", inputs.Errorf(inputs.ForkRemote, err, fmt.Sprintf("fork remote %q: no such remote in %s (git remote -v lists them): %v", nameOrURL, root, err))
	}
	urls := rem.Config().URLs
	if len(urls) == 0 {
		return "", inputs.Errorf(inputs.ForkRemote, nil, fmt.Sprintf("fork remote %q has no URL", nameOrURL))
	}
	return urls[0], nil
}

// Clone clones one branch of the fork into dir, depth commits deep (0: all):
// one is enough to commit an integration and push it.
func Clone(ctx context.Context, url, dir, branch string, depth int, auth GitAuth) error {
	method, err := auth.method(ctx, url, "git-upload-pack")
	if err != nil {
		return err
	}
	opts := &git.CloneOptions{URL: url, Depth: depth, SingleBranch: true, Auth: method, Tags: git.NoTags}
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
