package pullrequest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// The folders a pull request changes since its base: committed since, not
// committed yet, or new; folders that only the base has changed are not.
func TestChangedFolders(t *testing.T) {
	root := t.TempDir()
	repo, err := git.PlainInit(root, false)
	if err != nil {
		t.Fatal(err)
	}
	wt, _ := repo.Worktree()
	write := func(p, s string) {
		os.MkdirAll(filepath.Join(root, filepath.Dir(p)), 0o755)
		os.WriteFile(filepath.Join(root, p), []byte(s), 0o644)
	}
	commit := func(msg string) {
		if err := wt.AddGlob("."); err != nil {
			t.Fatal(err)
		}
		if _, err := wt.Commit(msg, &git.CommitOptions{Author: &object.Signature{Name: "t", Email: "t@example.com", When: time.Now()}}); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range []string{"alpha", "beta", "gamma", "delta"} {
		write(n+"/manifest.json", "{}\n")
	}
	write(".github/CODEOWNERS", "/alpha/ @a\n")
	commit("base")
	head, _ := repo.Head()
	base := head.Hash().String()
	write("alpha/README.md", "committed\n")
	write(".github/CODEOWNERS", "/alpha/ @a\n/beta/ @b\n")
	commit("the change")
	write("beta/manifest.json", "{\"changed\": true}\n") // not committed
	write("epsilon/manifest.json", "{}\n")               // new, untracked
	got, err := ChangedFolders(root, base)
	if err != nil || strings.Join(got, ",") != "alpha,beta,epsilon" {
		t.Fatalf("changed %v, %v", got, err)
	}
	if _, err := ChangedFolders(root, "no-such-branch"); err == nil || !strings.Contains(err.Error(), "fetch it first") {
		t.Fatalf("an unknown ref: %v", err)
	}
}

// BenchmarkChangedFolders: a clone of 300 integrations (6 files each), one
// changed in the working tree.
func BenchmarkChangedFolders(b *testing.B) {
	root := b.TempDir()
	repo, err := git.PlainInit(root, false)
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < 300; i++ {
		dir := filepath.Join(root, fmt.Sprintf("partner_%03d", i))
		os.MkdirAll(filepath.Join(dir, "assets"), 0o755)
		for _, f := range []string{"manifest.json", "README.md", "CHANGELOG.md", "metadata.csv", "assets/oauth_clients.json", "assets/service_checks.json"} {
			os.WriteFile(filepath.Join(dir, f), []byte(strings.Repeat(f+" of "+dir+"\n", 40)), 0o644)
		}
	}
	wt, _ := repo.Worktree()
	wt.AddGlob(".")
	h, err := wt.Commit("base", &git.CommitOptions{Author: &object.Signature{Name: "t", Email: "t@example.com", When: time.Now()}})
	if err != nil {
		b.Fatal(err)
	}
	os.WriteFile(filepath.Join(root, "partner_007", "README.md"), []byte("changed\n"), 0o644)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		got, err := ChangedFolders(root, h.String())
		if err != nil || len(got) != 1 {
			b.Fatal(got, err)
		}
	}
}

// A fork that refuses the token (401, 403) is said so; a push cut off on a
// URL that happens to hold "403" (a port, a path) is not taken for that.
func TestPushRefusalIsReadFromTheStatus(t *testing.T) {
	root := t.TempDir()
	repo, err := git.PlainInit(root, false)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(root, "f"), []byte("x\n"), 0o644)
	wt, _ := repo.Worktree()
	wt.AddGlob(".")
	h, err := wt.Commit("c", &git.CommitOptions{Author: &object.Signature{Name: "t", Email: "t@example.com", When: time.Now()}})
	if err != nil {
		t.Fatal(err)
	}
	repo.Storer.SetReference(plumbing.NewHashReference("refs/heads/acme-oauth", h))
	for _, tt := range []struct {
		name    string
		handler http.HandlerFunc
		refused bool
	}{
		{"401", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "no", http.StatusUnauthorized) }, true},
		{"403", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "no", http.StatusForbidden) }, true},
		{"reset", func(w http.ResponseWriter, r *http.Request) {
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
		}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.handler)
			defer srv.Close()
			err := Push(context.Background(), root, srv.URL+"/p403/integrations-extras.git", "acme-oauth", GitAuth{}, nil)
			if err == nil {
				t.Fatal("the push went through")
			}
			if refused := strings.Contains(err.Error(), "the fork refused the push"); refused != tt.refused {
				t.Fatalf("refused=%v: %v", refused, err)
			}
		})
	}
}
