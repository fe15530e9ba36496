package pullrequest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"net/http/cgi"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing/object"
)

// gitHTTPFork serves a bare repository over smart HTTP with git's own
// http-backend (CGI), pushes allowed: the server is git, not go-git.
func gitHTTPFork(t *testing.T) (url, dir string) {
	t.Helper()
	needGit(t)
	gitPath, _ := exec.LookPath("git")
	parent := t.TempDir()
	dir = filepath.Join(parent, "fork.git")
	os.Mkdir(dir, 0o755)
	gitCmd(t, dir, "init", "-q", "--bare")
	gitCmd(t, dir, "config", "http.receivepack", "true")
	srv := httptest.NewServer(&cgi.Handler{
		Path: gitPath, Args: []string{"http-backend"},
		Env: []string{"GIT_PROJECT_ROOT=" + parent, "GIT_HTTP_EXPORT_ALL=1", "GIT_CONFIG_GLOBAL=/dev/null"},
	})
	t.Cleanup(srv.Close)
	return srv.URL + "/fork.git", dir
}

// A push over HTTP says how much of its pack has gone, in tenths, and how
// many objects it holds: as many as git lists between the fork's branch and
// the pushed one.
func TestPushSaysWhatItSends(t *testing.T) {
	url, fork := gitHTTPFork(t)
	root := newRepo(t, 5, 1)
	if err := Push(context.Background(), root, url, "master", GitAuth{}, nil); err != nil {
		t.Fatalf("pushing the base: %v", err)
	}
	editIntegration(t, root)
	// A screenshot that does not compress, so the pack is sent in pieces.
	shot := make([]byte, 600<<10)
	rand.Read(shot)
	os.MkdirAll(filepath.Join(root, "acme", "images"), 0o755)
	os.WriteFile(filepath.Join(root, "acme", "images", "overview.png"), shot, 0o644)
	if _, err := Commit(CommitOptions{Root: root, Dir: "acme", Branch: "acme-oauth", Message: "m", Author: object.Signature{Name: "a", Email: "a@b", When: time.Now()}}); err != nil {
		t.Fatal(err)
	}
	var lines bytes.Buffer
	if err := Push(context.Background(), root, url, "acme-oauth", GitAuth{}, &lines); err != nil {
		t.Fatalf("push: %v", err)
	}
	if got, want := gitCmd(t, fork, "rev-parse", "refs/heads/acme-oauth"), gitCmd(t, root, "rev-parse", "acme-oauth"); got != want {
		t.Fatalf("the fork has %s, want %s", got, want)
	}
	t.Logf("the push said:\n%s", lines.String())
	objects := len(strings.Split(gitCmd(t, root, "rev-list", "--objects", "master..acme-oauth"), "\n"))
	out := strings.Split(strings.TrimSpace(lines.String()), "\n")
	last := out[len(out)-1]
	if !regexp.MustCompile(`^Sent ` + strconv.Itoa(objects) + ` objects, [0-9.]+ KB$`).MatchString(last) {
		t.Errorf("last line %q, want Sent %d objects, <size> (all lines:\n%s)", last, objects, lines.String())
	}
	sending := regexp.MustCompile(`^Sending ` + strconv.Itoa(objects) + ` objects: [0-9.]+ KB of [0-9.]+ KB \(([0-9]+)%\)$`)
	previous := 0
	for _, l := range out[:len(out)-1] {
		m := sending.FindStringSubmatch(l)
		if m == nil {
			t.Errorf("line %q is not a sending line", l)
			continue
		}
		pct, _ := strconv.Atoi(m[1])
		if pct <= previous || pct >= 100 {
			t.Errorf("percentages go %d then %d", previous, pct)
		}
		previous = pct
	}
	if len(out) < 3 {
		t.Errorf("a 600 KB pack gave %d lines, want its tenths:\n%s", len(out), lines.String())
	}
}

func TestPackObjectCount(t *testing.T) {
	header := func(version, n uint32) []byte {
		b := []byte("PACK")
		b = binary.BigEndian.AppendUint32(b, version)
		return binary.BigEndian.AppendUint32(b, n)
	}
	payload := strings.Repeat("0", 40) + " " + strings.Repeat("1", 40) + " refs/heads/a\x00 report-status"
	command := fmt.Sprintf("%04x%s", len(payload)+4, payload)
	for _, tt := range []struct {
		name string
		body []byte
		want uint32
		ok   bool
	}{
		{"one command then the pack", append([]byte(command+"0000"), header(2, 7)...), 7, true},
		{"version 3", append([]byte(command+"0000"), header(3, 1)...), 1, true},
		{"no commands", append([]byte("0000"), header(2, 3)...), 3, true},
		{"unknown version", append([]byte(command+"0000"), header(4, 7)...), 0, false},
		{"no flush", []byte(command), 0, false},
		{"length past the end", []byte("00ff" + "x"), 0, false},
		{"not hex", []byte("zzzz0000"), 0, false},
		{"a delete (no pack)", []byte(command + "0000"), 0, false},
		{"header cut", append([]byte("0000"), header(2, 3)[:10]...), 0, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := packObjectCount(tt.body)
			if got != tt.want || ok != tt.ok {
				t.Errorf("packObjectCount = %d, %v; want %d, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

func FuzzPackObjectCount(f *testing.F) {
	f.Add([]byte("0000PACK\x00\x00\x00\x02\x00\x00\x00\x05"))
	f.Add([]byte("0008abcd0000PACK\x00\x00\x00\x03\x00\x00\x01\x00"))
	f.Fuzz(func(t *testing.T, body []byte) {
		n, ok := packObjectCount(body)
		if !ok && n != 0 {
			t.Fatalf("no count read, yet %d", n)
		}
		if ok && !bytes.Contains(body, []byte("PACK")) {
			t.Fatalf("a count (%d) from a body with no pack header", n)
		}
	})
}
