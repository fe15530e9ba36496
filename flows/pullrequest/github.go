package pullrequest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"
	"github.com/oauthwiz/oauthwiz/flows/inputs"
)

// GitHub is the part of the GitHub API the pull request needs.
type GitHub struct {
	Client *github.Client
	// Wait sleeps between polls of a fork being created (202).
	Wait func(context.Context, time.Duration) error
}

// NewGitHub makes a client for github.com or for apiURL (Enterprise, tests).
func NewGitHub(httpClient *http.Client, apiURL, token string) (*GitHub, error) {
	c := github.NewClient(httpClient).WithAuthToken(token)
	if apiURL != "" {
		u, err := url.Parse(strings.TrimRight(apiURL, "/") + "/")
		if err != nil {
			return nil, inputs.Errorf(inputs.GitHubAPIURL, err, fmt.Sprintf("GitHub API URL %q: %v", apiURL, err))
		}
		if u.Scheme != "https" && !(u.Scheme == "http" && isLoopback(u.Hostname())) {
			return nil, inputs.Errorf(inputs.GitHubAPIURL, nil, fmt.Sprintf("GitHub API URL %q: the token is sent only over https (plain http only to a loopback address)", apiURL))
		}
		c.BaseURL = u
	}
	return &GitHub{Client: c, Wait: func(ctx context.Context, d time.Duration) error {
		select {
		case <-time.After(d):
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}}, nil
}

// Explain turns GitHub's answers into what to do.
func Explain(err error) error {
	var rl *github.RateLimitError
	var ae *github.AbuseRateLimitError
	var er *github.ErrorResponse
	switch {
	case errors.As(err, &rl):
		return fmt.Errorf("GitHub's rate limit is used up until %s: wait, or use another token: %w", rl.Rate.Reset.Format(time.Kitchen), err)
	case errors.As(err, &ae):
		return fmt.Errorf("GitHub asks to slow down: try again in a minute: %w", err)
	case errors.As(err, &er) && er.Response != nil:
		switch er.Response.StatusCode {
		case http.StatusUnauthorized:
			return fmt.Errorf("GitHub refused the token (401): set GH_TOKEN or GITHUB_TOKEN to a valid token: %w", err)
		case http.StatusForbidden:
			return fmt.Errorf("GitHub refused (403): the token needs the repo (or public_repo) scope and access to the fork: %w", err)
		case http.StatusNotFound:
			return inputs.Errorf(inputs.BaseRepo, err, fmt.Sprintf("GitHub answered 404: the repository does not exist or the token cannot see it (check the base repository and the token's scopes): %v", err))
		case http.StatusUnprocessableEntity:
			return fmt.Errorf("GitHub refused the request (422): %w", err)
		}
		return fmt.Errorf("GitHub answered %d: try again in a moment: %w", er.Response.StatusCode, err)
	}
	return err
}

// explainPullRefusal says in words why GitHub would not open a pull
// request (its 422 carries error objects, which go-github prints as Go
// structs), else what Explain says.
func explainPullRefusal(err error, baseRepo, head, base string) error {
	var er *github.ErrorResponse
	if !errors.As(err, &er) || er.Response == nil || er.Response.StatusCode != http.StatusUnprocessableEntity || len(er.Errors) == 0 {
		return Explain(err)
	}
	branch := head[strings.Index(head, ":")+1:]
	var why []string
	field := inputs.Field("")
	for _, e := range er.Errors {
		switch {
		case e.Field == "head" && e.Code == "invalid":
			why = append(why, fmt.Sprintf("the branch %s is not on the fork (%s): the push did not land there; run 'oauthwiz pr' again to push it", branch, head))
			field = inputs.Branch
		case e.Field == "base" && e.Code == "invalid":
			why = append(why, fmt.Sprintf("%s has no branch %s: choose the base branch it has", baseRepo, base))
			field = inputs.BaseBranch
		case strings.HasPrefix(e.Message, "A pull request already exists"):
			why = append(why, fmt.Sprintf("%s (GitHub did not list it as open a moment ago): run 'oauthwiz pr' again to update it", e.Message))
		case strings.HasPrefix(e.Message, "No commits between"):
			why = append(why, fmt.Sprintf("%s: the branch has nothing %s lacks; commit the integration's changes first", e.Message, base))
			field = inputs.Branch
		case e.Message != "":
			why = append(why, e.Message)
		default:
			why = append(why, strings.TrimSpace(e.Resource+" "+e.Field+" "+e.Code))
		}
	}
	msg := fmt.Sprintf("GitHub would not open the pull request from %s into %s:%s (422): %s", head, baseRepo, base, strings.Join(why, "; "))
	if field != "" {
		return inputs.Errorf(field, err, msg)
	}
	return fmt.Errorf("%s: %w", msg, err)
}

// Login is the token's user.
func (g *GitHub) Login(ctx context.Context) (string, error) {
	u, _, err := g.Client.Users.Get(ctx, "")
	if err != nil {
		return "", Explain(err)
	}
	return u.GetLogin(), nil
}

// DefaultBranch is a repository's default branch.
func (g *GitHub) DefaultBranch(ctx context.Context, owner, repo string) (string, error) {
	r, _, err := g.Client.Repositories.Get(ctx, owner, repo)
	if err != nil {
		return "", Explain(err)
	}
	return r.GetDefaultBranch(), nil
}

// Fork finds the user's fork of owner/repo, or creates it and waits until
// GitHub has finished copying it (202 Accepted while in progress).
func (g *GitHub) Fork(ctx context.Context, owner, repo, login string) (fork *github.Repository, created bool, err error) {
	r, resp, err := g.Client.Repositories.Get(ctx, login, repo)
	if err == nil && r.GetFork() {
		return r, false, nil
	}
	if err != nil && (resp == nil || resp.StatusCode != http.StatusNotFound) {
		return nil, false, Explain(err)
	}
	if err == nil && !r.GetFork() {
		return nil, false, inputs.Errorf(inputs.ForkRemote, nil, fmt.Sprintf("%s/%s exists and is not a fork of %s/%s: rename it, or name your fork's remote", login, repo, owner, repo))
	}
	r, _, err = g.Client.Repositories.CreateFork(ctx, owner, repo, &github.RepositoryCreateForkOptions{})
	var accepted *github.AcceptedError
	if err != nil && !errors.As(err, &accepted) {
		return nil, false, Explain(err)
	}
	// The fork exists once GitHub answers for it; poll a little while.
	for attempt := 0; attempt < 10; attempt++ {
		got, _, gerr := g.Client.Repositories.Get(ctx, login, repo)
		if gerr == nil && got.GetFork() {
			return got, true, nil
		}
		if err := g.Wait(ctx, time.Duration(attempt+1)*time.Second); err != nil {
			return nil, true, err
		}
	}
	if r != nil && r.GetCloneURL() != "" {
		return r, true, nil
	}
	return nil, true, errors.New("GitHub is still creating the fork: run 'oauthwiz pr' again in a minute")
}

// PR is the pull request opened or updated.
type PR struct {
	Number int    `json:"number"`
	URL    string `json:"url"`
	Action string `json:"action"` // created or updated
}

// OpenOrUpdate updates the open pull request of login:branch, or opens one.
// An update merges the fresh body into the one on GitHub (MergeBody) and,
// with keepTitle, leaves the title as it is; the body sent is returned.
func (g *GitHub) OpenOrUpdate(ctx context.Context, owner, repo, login, branch, base, title, body string, draft, keepTitle bool) (*PR, string, error) {
	head := login + ":" + branch
	open, _, err := g.Client.PullRequests.List(ctx, owner, repo, &github.PullRequestListOptions{State: "open", Head: head})
	if err != nil {
		return nil, body, Explain(err)
	}
	if len(open) > 0 {
		pr := open[0]
		edit := &github.PullRequest{Body: github.String(MergeBody(pr.GetBody(), body))}
		if !keepTitle {
			edit.Title = github.String(title)
		}
		updated, _, err := g.Client.PullRequests.Edit(ctx, owner, repo, pr.GetNumber(), edit)
		if err != nil {
			return nil, body, Explain(err)
		}
		return &PR{Number: updated.GetNumber(), URL: updated.GetHTMLURL(), Action: "updated"}, edit.GetBody(), nil
	}
	pr, _, err := g.Client.PullRequests.Create(ctx, owner, repo, &github.NewPullRequest{Title: github.String(title), Head: github.String(head), Base: github.String(base), Body: github.String(body), Draft: github.Bool(draft)})
	if err != nil {
		return nil, body, explainPullRefusal(err, owner+"/"+repo, head, base)
	}
	return &PR{Number: pr.GetNumber(), URL: pr.GetHTMLURL(), Action: "created"}, body, nil
}
