package secrets

import (
	"strings"
	"testing"
)

func TestAllowlist(t *testing.T) {
	a, errs := ParseAllowlist([]byte("# reviewed\n\nacme/./docs/x.py  9c1e…5c2f  sample key from the vendor's docs\nacme/y.py …1234\n"))
	if len(errs) != 1 || errs[0].Line != 4 || !strings.Contains(errs[0].Msg, "no reason") {
		t.Fatalf("errors %v", errs)
	}
	tests := []struct {
		path string
		hit  Hit
		want bool
	}{
		{"acme/docs/x.py", Hit{Masked: "9c1e…5c2f"}, true},
		{"acme/docs/x.py", Hit{Masked: "9c1e…5c2f", Known: true}, false}, // a stored secret
		{"acme/docs/z.py", Hit{Masked: "9c1e…5c2f"}, false},              // another file
		{"acme/y.py", Hit{Masked: "…1234"}, false},                       // no reason
	}
	for _, tt := range tests {
		if reason, got := a.Allows(tt.path, tt.hit); got != tt.want || (got && reason != "sample key from the vendor's docs") {
			t.Errorf("Allows(%s, %+v) = %q %v", tt.path, tt.hit, reason, got)
		}
	}
	if _, ok := (Allowlist{}).Allows("a", Hit{Masked: "x"}); ok {
		t.Error("the empty allowlist allows")
	}
}

// FuzzParseAllowlist: any file parses without a panic, every refused entry
// names a line of the file, and what is allowed is what a line says.
func FuzzParseAllowlist(f *testing.F) {
	f.Add("acme/x.py 9c1e…5c2f reason words\n# c\n\nbad\n")
	f.Add("\x00 \t\r\n a b c")
	f.Fuzz(func(t *testing.T, in string) {
		a, errs := ParseAllowlist([]byte(in))
		lines := strings.Count(in, "\n") + 1
		for _, e := range errs {
			if e.Line < 1 || e.Line > lines {
				t.Fatalf("error on line %d of %d", e.Line, lines)
			}
		}
		for k := range a.entries {
			if k.path == "" || k.masked == "" || strings.ContainsAny(k.masked, " \t") {
				t.Fatalf("entry %q from %q", k, in)
			}
		}
	})
}
