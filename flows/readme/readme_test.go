package readme

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

const head = "# Acme\n\n## Overview\n\nAcme sends events.\n\n"
const setup = "## Setup\n\n### Installation\n\nClick Connect Accounts.\n\n"
const support = "## Support\n\nNeed help? Contact [Acme support][1].\n\n"
const refs = "[1]: https://acme.example/support\n[2]: /organization-settings/api-keys\n"

func TestParseStructure(t *testing.T) {
	src := "# T\n\n```md\n## Not a heading\n```\n\nSetup\n-----\n\n## Uninstallation\n\nSee [keys](https://app.datadoghq.com/organization-settings/api-keys) and <https://app.datadoghq.eu/x>.\n`[x](https://app.datadoghq.com/code)`\n\n[3]: https://app.datadoghq.com/ref\n"
	d := Parse([]byte(src))
	var got []string
	for _, h := range d.Headings {
		got = append(got, strings.Repeat("#", h.Level)+" "+h.Text)
	}
	if strings.Join(got, "|") != "# T|## Setup|## Uninstallation" {
		t.Fatalf("headings %q", got)
	}
	if d.Headings[1].Line != 7 || d.Headings[1].End != strings.Index(src, "\n\n## Uninstallation")+1 {
		t.Fatalf("setext heading position %+v", d.Headings[1])
	}
	if len(d.Links) != 2 || d.Links[0].Line != 12 || len(d.Refs) != 1 || d.Refs[0].Label != "3" || d.Refs[0].Line != 15 {
		t.Fatalf("links %+v refs %+v", d.Links, d.Refs)
	}
	if !d.InCode(4) {
		t.Fatal("line 4 is inside a code block")
	}
}

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{"Uninstallation": "uninstallation", "Setup & Usage": "setup--usage", "What's new?": "whats-new", "Données": "données"} {
		if got := Slug(in); got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFixReadme(t *testing.T) {
	canonical := "## Uninstallation\n\n" + Statements("Acme", "3", "\n") + "\n"
	// An existing section keeps its words and gains the statements it lacks.
	completed := "Old words.\n\n" + RevokeSentence("Acme") + "\n\n" + KeysSentence("Acme") + "\n\n"
	revokesOnly := "Uninstalling revokes every authorization.\n"
	tests := []struct {
		name, in, want string
		changed        bool
	}{
		{
			name:    "missing: inserted after Setup, reference numbered after the others",
			in:      head + setup + support + refs,
			want:    head + setup + canonical + support + refs + "[3]: /organization-settings/api-keys?filter=Acme\n",
			changed: true,
		},
		{
			name:    "already right: unchanged",
			in:      head + setup + canonical + support + refs + "[3]: /organization-settings/api-keys?filter=Acme\n",
			want:    head + setup + canonical + support + refs + "[3]: /organization-settings/api-keys?filter=Acme\n",
			changed: false,
		},
		{
			name:    "H3 inside Setup becomes the H2 after Setup, body carried",
			in:      head + "## Setup\n\nClick Connect.\n\n### Uninstallation\n\nOld words.\n\n" + support + refs,
			want:    head + "## Setup\n\nClick Connect.\n\n## Uninstallation\n\n" + completed + support + refs,
			changed: true,
		},
		{
			name:    "H2 in the wrong place is moved",
			in:      head + setup + support + "## Uninstallation\n\nOld words.\n\n" + refs,
			want:    head + setup + "## Uninstallation\n\n" + completed + support + refs,
			changed: true,
		},
		{
			name:    "heading worded differently is renamed",
			in:      head + setup + "## Uninstall\n\nOld words.\n\n" + support + refs,
			want:    head + setup + "## Uninstallation\n\n" + completed + support + refs,
			changed: true,
		},
		{
			name:    "H3 under Support is moved",
			in:      head + setup + support + "### Uninstallation\n\nOld words.\n\n" + refs,
			want:    head + setup + "## Uninstallation\n\n" + completed + support + refs,
			changed: true,
		},
		{
			name:    "placed right, a statement missing: only the sentence is added",
			in:      head + setup + "## Uninstallation\n\n" + revokesOnly + "\n" + support + refs,
			want:    head + setup + "## Uninstallation\n\n" + revokesOnly + "\n" + KeysSentence("Acme") + "\n\n" + support + refs,
			changed: true,
		},
		{
			name:    "empty section last in the file, no newline",
			in:      head + setup + "## Uninstallation",
			want:    head + setup + "## Uninstallation\n\n" + RevokeSentence("Acme") + "\n\n" + KeysSentence("Acme") + "\n",
			changed: true,
		},
		{
			name:    "sentences go before a subsection",
			in:      head + setup + "## Uninstallation\n\nOld words.\n\n### Data\n\nDeleted after 30 days.\n\n" + support + refs,
			want:    head + setup + "## Uninstallation\n\n" + completed + "### Data\n\nDeleted after 30 days.\n\n" + support + refs,
			changed: true,
		},
		{
			name:    "CRLF kept when completing",
			in:      strings.ReplaceAll(head+setup+"## Uninstallation\n\n"+revokesOnly+"\n"+support, "\n", "\r\n"),
			want:    strings.ReplaceAll(head+setup+"## Uninstallation\n\n"+revokesOnly+"\n"+KeysSentence("Acme")+"\n\n"+support, "\n", "\r\n"),
			changed: true,
		},
		{
			name:    "Setup last, references at the end: section goes before them",
			in:      head + "## Setup\n\nClick.\n\n" + refs,
			want:    head + "## Setup\n\nClick.\n\n" + canonical + refs + "[3]: /organization-settings/api-keys?filter=Acme\n",
			changed: true,
		},
		{
			name:    "no references and no trailing newline",
			in:      head + "## Setup\n\nClick.",
			want:    head + "## Setup\n\nClick.\n\n" + strings.Replace(canonical, "[3]", "[1]", 1) + "[1]: /organization-settings/api-keys?filter=Acme\n",
			changed: true,
		},
		{
			name:    "CRLF kept",
			in:      strings.ReplaceAll(head+setup+support+refs, "\n", "\r\n"),
			want:    strings.ReplaceAll(head+setup+canonical+support+refs+"[3]: /organization-settings/api-keys?filter=Acme\n", "\n", "\r\n"),
			changed: true,
		},
		{
			name:    "setext Setup",
			in:      "Acme\n====\n\nSetup\n-----\n\nClick.\n\n" + support,
			want:    "Acme\n====\n\nSetup\n-----\n\nClick.\n\n" + strings.Replace(canonical, "[3]", "[1]", 1) + support + "[1]: /organization-settings/api-keys?filter=Acme\n",
			changed: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, changed, err := FixReadme([]byte(tt.in), "Acme")
			if err != nil {
				t.Fatal(err)
			}
			if changed != tt.changed || string(out) != tt.want {
				t.Fatalf("changed=%v\n--- got\n%s\n--- want\n%s", changed, out, tt.want)
			}
			again, changed2, err := FixReadme(out, "Acme")
			if err != nil || changed2 || !bytes.Equal(again, out) {
				t.Fatalf("a second run changed the README (err %v):\n%s", err, again)
			}
		})
	}
}

func TestFixReadmeBadInput(t *testing.T) {
	if _, _, err := FixReadme([]byte(head+support), "Acme"); err != ErrNoSetup {
		t.Fatalf("no Setup: %v", err)
	}
	if _, _, err := FixReadme([]byte("## Setup\n\nab\xff\n"), "Acme"); err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Fatalf("not UTF-8: %v", err)
	}
	if _, _, err := FixReadme([]byte("```\n## Setup\n```\n"), "Acme"); err != ErrNoSetup {
		t.Fatalf("Setup inside a code block counts: %v", err)
	}
}

// FuzzFixReadme checks the editor's invariants on any README: the result
// parses with the section as the H2 right after Setup (or, without a
// '## Setup', the existing section completed where it is, every line kept),
// nothing of the original is lost when a section is inserted, and a second
// run changes nothing.
func FuzzFixReadme(f *testing.F) {
	f.Add(head + setup + support + refs)
	f.Add(head + "## Setup\n\nx\n\n### Uninstallation\n\ny\n")
	f.Add("Setup\n---\n\n## Uninstall\n")
	f.Add("## Setup\r\n\r\n[1]: /x\r\n")
	for _, shape := range pathological(4_000) { // the shapes that were super-linear
		f.Add(shape)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, changed, err := FixReadme([]byte(in), "Acme")
		if err != nil {
			return
		}
		d := Parse(out)
		s := d.H2("setup")
		u := d.Uninstall()
		if src := Parse([]byte(in)); src.H2("setup") < 0 {
			// No '## Setup' to move it after: an existing section (an H2 or
			// deeper, never the title) is completed where it is.
			if u < 0 || src.Uninstall() < 0 || d.Headings[u].Level < 2 || d.Headings[u].Text != src.Headings[src.Uninstall()].Text ||
				!isSubsequence(strings.SplitAfter(in, "\n"), strings.SplitAfter(string(out), "\n")) {
				t.Fatalf("completed in place wrongly:\n%q\n->\n%q", in, out)
			}
		} else if s < 0 || u < 0 || d.Headings[u].Level != 2 || d.NextH2After(s, -1) != u {
			t.Fatalf("the section is not the H2 after Setup:\n%q\n->\n%q", in, out)
		}
		if revokes, keys := Says(d.Body(u)); !revokes || !keys {
			t.Fatalf("the section lacks a statement:\n%q\n->\n%q", in, out)
		}
		if changed && Parse([]byte(in)).Uninstall() < 0 {
			// Pure insertion: every original line is still there, in order.
			if !isSubsequence(strings.SplitAfter(in, "\n"), strings.SplitAfter(string(out), "\n")) {
				t.Fatalf("original text lost:\n%q\n->\n%q", in, out)
			}
		}
		again, changed2, err := FixReadme(out, "Acme")
		if err != nil || changed2 || !bytes.Equal(again, out) {
			t.Fatalf("not idempotent:\n%q\n->\n%q\n->\n%q", in, out, again)
		}
	})
}

func isSubsequence(a, b []string) bool {
	i := 0
	for _, x := range b {
		if i < len(a) && (x == a[i] || strings.TrimRight(x, "\r\n") == strings.TrimRight(a[i], "\r\n")) {
			i++
		}
	}
	return i == len(a)
}

func TestFixReadmeRefusesWhatItCannotPlaceSafely(t *testing.T) {
	_, _, err := FixReadme([]byte("## Setup\n```"), "Acme")
	if !errors.Is(err, ErrUnsafeEdit) || !strings.Contains(err.Error(), "unclosed code block") {
		t.Fatalf("unclosed fence: %v", err)
	}
}
