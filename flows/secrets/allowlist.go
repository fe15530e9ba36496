package secrets

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strings"
)

// AllowlistFile is the name of the allowlist, at the root of the repository
// (outside any integration folder, so a pull request never carries it).
const AllowlistFile = ".oauthwiz-allowlist"

// Allowlist: secret-shaped values a person judged harmless, each with why.
// One entry per line: the file's path from the repository root, the value
// as a finding shows it masked, and the reason; '#' starts a comment.
//
//	acme/docs/example.py  9c1e…5c2f  the vendor's documented sample key, never valid
//
// A stored secret (a canary) is never allowed by it.
type Allowlist struct {
	entries map[allowKey]string // → reason
}

type allowKey struct{ path, masked string }

// AllowlistProblem is an entry the allowlist does not honour: the check
// reports it as a finding on its line.
type AllowlistProblem struct {
	Line int
	Msg  string
}

// ParseAllowlist reads an allowlist; entries without a reason are refused.
func ParseAllowlist(b []byte) (Allowlist, []AllowlistProblem) {
	a := Allowlist{entries: map[allowKey]string{}}
	var errs []AllowlistProblem
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 3 {
			errs = append(errs, AllowlistProblem{n, "an entry is '<path> <masked value> <reason>'; this one has no reason, so it is not honoured"})
			continue
		}
		path := filepath.ToSlash(filepath.Clean(f[0]))
		a.entries[allowKey{path, f[1]}] = strings.Join(f[2:], " ")
	}
	return a, errs
}

// LoadAllowlist reads the allowlist at a repository's root; none is empty.
func LoadAllowlist(root string) (Allowlist, []AllowlistProblem) {
	b, err := os.ReadFile(filepath.Join(root, AllowlistFile))
	if err != nil {
		return Allowlist{}, nil
	}
	return ParseAllowlist(b)
}

// Allows reports whether a hit in a file (path from the repository root) is
// allowed, and why.
func (a Allowlist) Allows(path string, h Hit) (string, bool) {
	if h.Known || a.entries == nil {
		return "", false
	}
	reason, ok := a.entries[allowKey{filepath.ToSlash(filepath.Clean(path)), h.Masked}]
	return reason, ok
}
