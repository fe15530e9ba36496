package sandbox

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/pktline"
	gitobject "github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp"
	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/plumbing/transport/server"
	"github.com/go-git/go-git/v5/storage"
	"github.com/go-git/go-git/v5/storage/memory"
)

// The GitHub stand-in: the part of GitHub's REST API that 'oauthwiz pr'
// uses, and git's smart HTTP protocol over in-memory repositories, so that
// the demo opens a real pull request without a network.

// GitHubLogin is the user the stand-in's token belongs to.
const GitHubLogin = "partner"

// GitHubToken is the only token the GitHub stand-in takes; any other is
// refused as GitHub refuses a wrong one (401 "Bad credentials"), so that a
// product sending a user's real token to the stand-in fails its tests.
const GitHubToken = "sandbox-github-token"

type ghRepo struct {
	owner, name, parent string
	store               *memory.Storage
	// ready is when a fork's git objects can be fetched and pushed to:
	// GitHub documents that forking happens asynchronously and that the
	// git objects may take a short while to be there.
	ready time.Time
}

type ghPR struct {
	Number             int
	Head, Base, Title  string
	Body, URL          string
	UpdatedAt, Created time.Time
}

type gitHub struct {
	mu     sync.Mutex
	gitMu  sync.Mutex // go-git's in-memory storage is not safe for concurrent pushes and fetches
	url    string
	repos  map[string]*ghRepo
	prs    map[string][]*ghPR // by base repository
	faults *Server            // the sandbox's fault injection reaches GitHub too
	// forkDelay is how long a new fork's git objects stay out of reach.
	forkDelay time.Duration
}

// PullRequestTemplate is the stand-in's .github/PULL_REQUEST_TEMPLATE.md,
// with the sections of DataDog/integrations-extras' template.
const PullRequestTemplate = "### What does this PR do?\n\n### Motivation\n\n### Review checklist (to be filled by reviewers)\n\n- [ ] Feature or bugfix MUST have appropriate tests\n- [ ] Add the `qa/skip-qa` label if the PR does not need QA\n\n### Additional Notes\n"

func (s *Server) startGitHub() error {
	g := &gitHub{repos: map[string]*ghRepo{}, prs: map[string][]*ghPR{}, faults: s, forkDelay: s.opts.GitHubForkDelay}
	base, err := newBaseRepo()
	if err != nil {
		return err
	}
	g.repos["DataDog/integrations-extras"] = &ghRepo{owner: "DataDog", name: "integrations-extras", store: base}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	g.url = "http://" + ln.Addr().String()
	srv := &http.Server{Handler: g.handler(), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	s.closers = append(s.closers, func() { srv.Close() })
	s.github = g
	return nil
}

// GitHubURL is the stand-in's base URL (API and git), "" when not started.
func (s *Server) GitHubURL() string {
	if s.github == nil {
		return ""
	}
	return s.github.url
}

// PullRequests lists the pull requests opened on a repository ("owner/name").
func (s *Server) PullRequests(repo string) []ghPR {
	if s.github == nil {
		return nil
	}
	s.github.mu.Lock()
	defer s.github.mu.Unlock()
	var out []ghPR
	for _, pr := range s.github.prs[repo] {
		out = append(out, *pr)
	}
	return out
}

// newBaseRepo makes DataDog/integrations-extras' stand-in: one commit with
// the files the pull request flow reads.
func newBaseRepo() (*memory.Storage, error) {
	st := memory.NewStorage()
	blob := func(s string) (plumbing.Hash, error) {
		o := st.NewEncodedObject()
		o.SetType(plumbing.BlobObject)
		w, _ := o.Writer()
		w.Write([]byte(s))
		w.Close()
		return st.SetEncodedObject(o)
	}
	tree := func(entries []gitobject.TreeEntry) (plumbing.Hash, error) {
		o := st.NewEncodedObject()
		if err := (&gitobject.Tree{Entries: entries}).Encode(o); err != nil {
			return plumbing.ZeroHash, err
		}
		return st.SetEncodedObject(o)
	}
	tmpl, _ := blob(PullRequestTemplate)
	owners, _ := blob("# Integration owners\n")
	readmeBlob, _ := blob("# integrations-extras (oauthwiz sandbox)\n")
	gh, err := tree([]gitobject.TreeEntry{{Name: "CODEOWNERS", Mode: filemode.Regular, Hash: owners}, {Name: "PULL_REQUEST_TEMPLATE.md", Mode: filemode.Regular, Hash: tmpl}})
	if err != nil {
		return nil, err
	}
	root, err := tree([]gitobject.TreeEntry{{Name: ".github", Mode: filemode.Dir, Hash: gh}, {Name: "README.md", Mode: filemode.Regular, Hash: readmeBlob}})
	if err != nil {
		return nil, err
	}
	sig := gitobject.Signature{Name: "Datadog", Email: "packages@datadoghq.com", When: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	c := st.NewEncodedObject()
	if err := (&gitobject.Commit{Author: sig, Committer: sig, Message: "integrations-extras", TreeHash: root}).Encode(c); err != nil {
		return nil, err
	}
	h, err := st.SetEncodedObject(c)
	if err != nil {
		return nil, err
	}
	st.SetReference(plumbing.NewHashReference("refs/heads/master", h))
	st.SetReference(plumbing.NewSymbolicReference(plumbing.HEAD, "refs/heads/master"))
	return st, nil
}

// copyRepo is a fork: every object and reference of the parent.
func copyRepo(src *memory.Storage) (*memory.Storage, error) {
	dst := memory.NewStorage()
	iter, err := src.IterEncodedObjects(plumbing.AnyObject)
	if err != nil {
		return nil, err
	}
	if err := iter.ForEach(func(o plumbing.EncodedObject) error { _, err := dst.SetEncodedObject(o); return err }); err != nil {
		return nil, err
	}
	refs, err := src.IterReferences()
	if err != nil {
		return nil, err
	}
	err = refs.ForEach(func(r *plumbing.Reference) error { return dst.SetReference(r) })
	dst.SetReference(plumbing.NewSymbolicReference(plumbing.HEAD, "refs/heads/master"))
	return dst, err
}

func (g *gitHub) repoJSON(r *ghRepo) map[string]any {
	out := map[string]any{"full_name": r.owner + "/" + r.name, "name": r.name, "owner": map[string]any{"login": r.owner},
		"default_branch": "master", "fork": r.parent != "", "clone_url": g.url + "/" + r.owner + "/" + r.name + ".git",
		"html_url": g.url + "/" + r.owner + "/" + r.name}
	return out
}

func ghJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// restRoutes are the part of GitHub's REST API the stand-in answers, by
// their patterns in GitHub's reference (TestGitHubRoutesAreGitHubs checks
// them against GitHub's published operations).
func (g *gitHub) restRoutes() map[string]http.HandlerFunc {
	return map[string]http.HandlerFunc{
		"GET /user": func(w http.ResponseWriter, r *http.Request) {
			ghJSON(w, 200, map[string]any{"login": GitHubLogin})
		},
		"GET /repos/{owner}/{repo}": func(w http.ResponseWriter, r *http.Request) {
			g.mu.Lock()
			repo := g.repos[r.PathValue("owner")+"/"+r.PathValue("repo")]
			g.mu.Unlock()
			if repo == nil {
				ghJSON(w, 404, map[string]any{"message": "Not Found"})
				return
			}
			ghJSON(w, 200, g.repoJSON(repo))
		},
		"POST /repos/{owner}/{repo}/forks": func(w http.ResponseWriter, r *http.Request) {
			g.mu.Lock()
			defer g.mu.Unlock()
			parent := g.repos[r.PathValue("owner")+"/"+r.PathValue("repo")]
			if parent == nil {
				ghJSON(w, 404, map[string]any{"message": "Not Found"})
				return
			}
			key := GitHubLogin + "/" + parent.name
			if g.repos[key] == nil {
				g.gitMu.Lock()
				st, err := copyRepo(parent.store)
				g.gitMu.Unlock()
				if err != nil {
					ghJSON(w, 500, map[string]any{"message": err.Error()})
					return
				}
				g.repos[key] = &ghRepo{owner: GitHubLogin, name: parent.name, parent: parent.owner + "/" + parent.name, store: st, ready: time.Now().Add(g.forkDelay)}
			}
			ghJSON(w, 202, g.repoJSON(g.repos[key]))
		},
		"GET /repos/{owner}/{repo}/pulls": func(w http.ResponseWriter, r *http.Request) {
			g.mu.Lock()
			defer g.mu.Unlock()
			out := []any{}
			for _, pr := range g.prs[r.PathValue("owner")+"/"+r.PathValue("repo")] {
				if h := r.URL.Query().Get("head"); h == "" || h == pr.Head {
					out = append(out, prJSON(pr))
				}
			}
			ghJSON(w, 200, out)
		},
		"POST /repos/{owner}/{repo}/pulls": func(w http.ResponseWriter, r *http.Request) {
			var body struct{ Title, Head, Base, Body string }
			if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.Head == "" || body.Base == "" {
				ghJSON(w, 422, map[string]any{"message": "Validation Failed"})
				return
			}
			key := r.PathValue("owner") + "/" + r.PathValue("repo")
			g.mu.Lock()
			defer g.mu.Unlock()
			if refused := g.refusePull(key, body.Head, body.Base); refused != nil {
				ghJSON(w, 422, refused)
				return
			}
			n := len(g.prs[key]) + 1
			pr := &ghPR{Number: n, Head: body.Head, Base: body.Base, Title: body.Title, Body: body.Body, URL: g.url + "/" + key + "/pull/" + strconv.Itoa(n), Created: time.Now()}
			g.prs[key] = append(g.prs[key], pr)
			ghJSON(w, 201, prJSON(pr))
		},
		"PATCH /repos/{owner}/{repo}/pulls/{pull_number}": func(w http.ResponseWriter, r *http.Request) {
			var body struct{ Title, Body string }
			json.NewDecoder(r.Body).Decode(&body)
			n, _ := strconv.Atoi(r.PathValue("pull_number"))
			g.mu.Lock()
			defer g.mu.Unlock()
			for _, pr := range g.prs[r.PathValue("owner")+"/"+r.PathValue("repo")] {
				if pr.Number == n {
					pr.Title, pr.Body, pr.UpdatedAt = body.Title, body.Body, time.Now()
					ghJSON(w, 200, prJSON(pr))
					return
				}
			}
			ghJSON(w, 404, map[string]any{"message": "Not Found"})
		},
	}
}

func (g *gitHub) handler() http.Handler {
	mux := http.NewServeMux()
	for pattern, h := range g.restRoutes() {
		mux.HandleFunc(pattern, h)
	}
	mux.HandleFunc("GET /{owner}/{repo}/info/refs", g.advertise)
	mux.HandleFunc("POST /{owner}/{repo}/{service}", g.serviceRPC)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Faults whose path starts with /repos/, /user or a repository's
		// git path ("/partner/integrations-extras.git/") apply here.
		if f := g.faults.matchFault(r); f != nil && f.Path != "" && injectFault(w, r, f) {
			return
		}
		auth := r.Header.Get("Authorization")
		if auth == "" || strings.HasSuffix(auth, " ") {
			w.Header().Set("WWW-Authenticate", `Basic realm="GitHub"`)
			ghJSON(w, 401, map[string]any{"message": "Requires authentication"})
			return
		}
		if gitHubCredential(r) != GitHubToken {
			ghJSON(w, 401, map[string]any{"message": "Bad credentials"})
			return
		}
		mux.ServeHTTP(w, r)
	})
}

// gitHubCredential is the token a request carries: "Bearer T" or
// "token T" for the REST API, the password of Basic auth for git.
func gitHubCredential(r *http.Request) string {
	if _, pass, ok := r.BasicAuth(); ok {
		return pass
	}
	scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if strings.EqualFold(scheme, "bearer") || strings.EqualFold(scheme, "token") {
		return strings.TrimSpace(token)
	}
	return ""
}

// refusePull is GitHub's 422 for a pull request it will not open, or nil.
// GitHub's reference says only "Validation failed" for 422; the error
// objects are those GitHub is seen answering (issue threads of octokit,
// Octokit.NET and gh users; an assumption, not documented): a head branch
// that does not exist is field "head", code "invalid" (base likewise); a
// second open pull request for the same head and base is code "custom",
// "A pull request already exists for owner:branch."; a head whose tip is
// the base's is "No commits between base and head". Called with g.mu held.
func (g *gitHub) refusePull(baseRepo, head, base string) map[string]any {
	invalid := func(field string) map[string]any {
		return map[string]any{"message": "Validation Failed", "errors": []any{map[string]any{"resource": "PullRequest", "field": field, "code": "invalid"}}}
	}
	custom := func(msg string) map[string]any {
		return map[string]any{"message": "Validation Failed", "errors": []any{map[string]any{"resource": "PullRequest", "code": "custom", "message": msg}}}
	}
	parent := g.repos[baseRepo]
	if parent == nil {
		return invalid("base")
	}
	baseTip, ok := g.branchTip(parent, base)
	if !ok {
		return invalid("base")
	}
	// head is "owner:branch" (a fork in the same network) or a branch of
	// the base repository itself.
	headRepo, branch := parent, head
	if owner, b, ok := strings.Cut(head, ":"); ok {
		headRepo, branch = nil, b
		for _, r := range g.repos {
			if r.owner == owner && (r.parent == baseRepo || r == parent) {
				headRepo = r
			}
		}
	}
	if headRepo == nil {
		return invalid("head")
	}
	headTip, ok := g.branchTip(headRepo, branch)
	if !ok {
		return invalid("head")
	}
	for _, pr := range g.prs[baseRepo] {
		if pr.Head == head && pr.Base == base {
			return custom("A pull request already exists for " + head + ".")
		}
	}
	if headTip == baseTip {
		return custom("No commits between " + base + " and " + head)
	}
	return nil
}

// branchTip is the commit a branch of a repository points at.
func (g *gitHub) branchTip(r *ghRepo, branch string) (plumbing.Hash, bool) {
	g.gitMu.Lock()
	defer g.gitMu.Unlock()
	ref, err := r.store.Reference(plumbing.NewBranchReferenceName(branch))
	if err != nil {
		return plumbing.ZeroHash, false
	}
	return ref.Hash(), true
}

func prJSON(pr *ghPR) map[string]any {
	return map[string]any{"number": pr.Number, "html_url": pr.URL, "title": pr.Title, "body": pr.Body, "state": "open",
		"head": map[string]any{"label": pr.Head}, "base": map[string]any{"ref": pr.Base}}
}

// gitSession opens a git protocol session on an in-memory repository.
func (g *gitHub) gitSession(owner, repo, service string) (transport.UploadPackSession, transport.ReceivePackSession, error) {
	name := strings.TrimSuffix(repo, ".git")
	g.mu.Lock()
	r := g.repos[owner+"/"+name]
	g.mu.Unlock()
	if r == nil || time.Now().Before(r.ready) {
		return nil, nil, fmt.Errorf("repository %s/%s not found", owner, name)
	}
	ep, err := transport.NewEndpoint("/" + owner + "/" + name)
	if err != nil {
		return nil, nil, err
	}
	srv := server.NewServer(server.MapLoader{ep.String(): storage.Storer(r.store)})
	switch service {
	case "git-upload-pack":
		s, err := srv.NewUploadPackSession(ep, nil)
		return s, nil, err
	case "git-receive-pack":
		s, err := srv.NewReceivePackSession(ep, nil)
		return nil, s, err
	}
	return nil, nil, fmt.Errorf("unknown service %q", service)
}

func (g *gitHub) advertise(w http.ResponseWriter, r *http.Request) {
	service := r.URL.Query().Get("service")
	up, rp, err := g.gitSession(r.PathValue("owner"), r.PathValue("repo"), service)
	if err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	g.gitMu.Lock()
	defer g.gitMu.Unlock()
	var ar *packp.AdvRefs
	if up != nil {
		ar, err = up.AdvertisedReferencesContext(r.Context())
	} else {
		ar, err = rp.AdvertisedReferencesContext(r.Context())
	}
	if err != nil && err != transport.ErrEmptyRemoteRepository {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	ar.Prefix = [][]byte{[]byte("# service=" + service), pktline.Flush}
	w.Header().Set("Content-Type", "application/x-"+service+"-advertisement")
	w.Header().Set("Cache-Control", "no-cache")
	ar.Encode(w)
}

func (g *gitHub) serviceRPC(w http.ResponseWriter, r *http.Request) {
	service := r.PathValue("service")
	up, rp, err := g.gitSession(r.PathValue("owner"), r.PathValue("repo"), service)
	if err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	g.gitMu.Lock()
	defer g.gitMu.Unlock()
	ctx, cancel := context.WithTimeout(r.Context(), time.Minute)
	defer cancel()
	w.Header().Set("Content-Type", "application/x-"+service+"-result")
	if up != nil {
		req := packp.NewUploadPackRequest()
		if err := req.Decode(r.Body); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		resp, err := up.UploadPack(ctx, req)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		resp.Encode(w)
		return
	}
	req := packp.NewReferenceUpdateRequest()
	if err := req.Decode(r.Body); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	status, err := rp.ReceivePack(ctx, req)
	if status != nil {
		status.Encode(w)
		return
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}
