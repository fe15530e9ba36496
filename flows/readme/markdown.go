// Package readme reads the structure of an integration's README (with
// goldmark) and manifest.json (with a position-keeping JSON scanner), and
// makes the uninstallation edits publication requires as text-level changes
// that keep every other byte.
package readme

import (
	"bytes"
	"regexp"
	"sort"
	"strings"
	"unicode"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// Heading is one heading of the document.
type Heading struct {
	Level int
	Text  string
	Line  int // 1-based line of the heading text
	Start int // byte offset of the heading's first line
	End   int // byte offset just past the heading's last line (setext underline included)
}

// Slug is the anchor GitHub makes for the heading.
func (h Heading) Slug() string { return Slug(h.Text) }

// RefDef is a reference-style link definition: [label]: destination.
type RefDef struct {
	Label, Dest string
	Line        int
	End         int // byte offset just past its line
}

// Link is an inline link or autolink destination found outside code.
type Link struct {
	Dest string
	Line int
}

// Doc is a parsed README.
type Doc struct {
	Src       []byte
	Headings  []Heading
	Refs      []RefDef
	Links     []Link
	Images    []Link // image sources (inline, by reference, <img>), outside code
	EOL       string // "\r\n" when the file uses it, else "\n"
	lineStart []int
	codeLines map[int]bool
}

// blocks parses block structure only: goldmark's inline parsers are
// quadratic on some inputs (a paragraph of unclosed "[a](" takes minutes at
// 800 KB), and oauthwiz needs the text of headings alone, which
// headingText parses inline line by line.
var blocks = parser.NewParser(parser.WithBlockParsers(parser.DefaultBlockParsers()...))

// inline parses one heading's text with goldmark's full parser.
var inline = goldmark.New().Parser()

// Parse reads a README's structure. Headings come from goldmark, so headings
// inside code blocks do not count and setext headings do. Parse's cost is
// linear in the README's size for the shapes CheckShape accepts; call it on
// such READMEs only.
func Parse(src []byte) *Doc {
	d := &Doc{Src: src, EOL: "\n", codeLines: map[int]bool{}}
	if bytes.Contains(src, []byte("\r\n")) {
		d.EOL = "\r\n"
	}
	d.lineStart = []int{0}
	for i, c := range src {
		if c == '\n' {
			d.lineStart = append(d.lineStart, i+1)
		}
	}
	root := blocks.Parse(text.NewReader(src))
	ast.Walk(root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			if n.Lines().Len() == 0 {
				return ast.WalkSkipChildren, nil
			}
			first := n.Lines().At(0)
			last := n.Lines().At(n.Lines().Len() - 1)
			h := Heading{Level: n.Level, Text: headingText(n, src), Line: d.LineOf(first.Start)}
			h.Start = d.lineStart[h.Line-1]
			h.End = d.lineEnd(d.LineOf(last.Start))
			if !strings.HasPrefix(strings.TrimLeft(d.Line(h.Line), " "), "#") && isSetext(src, h.End) {
				h.End = d.lineEnd(d.LineOf(h.End))
			}
			d.Headings = append(d.Headings, h)
			return ast.WalkSkipChildren, nil
		case *ast.FencedCodeBlock, *ast.CodeBlock, *ast.HTMLBlock:
			lines := n.Lines()
			for i := 0; i < lines.Len(); i++ {
				d.codeLines[d.LineOf(lines.At(i).Start)] = true
			}
			if _, fenced := n.(*ast.FencedCodeBlock); fenced && lines.Len() > 0 {
				first := d.LineOf(lines.At(0).Start)
				d.codeLines[first-1] = true // the opening fence
			}
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	d.scanLinks()
	return d
}

// isSetext reports whether the line starting at off is a setext underline.
func isSetext(src []byte, off int) bool {
	if off >= len(src) {
		return false
	}
	end := bytes.IndexByte(src[off:], '\n')
	if end < 0 {
		end = len(src) - off
	}
	line := strings.TrimSpace(string(src[off : off+end]))
	return line != "" && (strings.Trim(line, "=") == "" || strings.Trim(line, "-") == "")
}

// headingText is a heading's text as GitHub shows it (emphasis, code and
// link markup removed), from goldmark's inline parser run on the heading's
// own line(s): behind a leading "x " they can only be a paragraph.
func headingText(n *ast.Heading, src []byte) string {
	var raw []string
	for i := 0; i < n.Lines().Len(); i++ {
		seg := n.Lines().At(i)
		raw = append(raw, strings.TrimSpace(string(seg.Value(src))))
	}
	line := strings.Join(raw, " ")
	if !strings.ContainsAny(line, "\\`*_[]<>&!~") || len(line) > maxHeadingInline {
		return strings.TrimSpace(line) // plain text, or too long to parse inline cheaply
	}
	para := []byte("x " + line)
	doc := inline.Parse(text.NewReader(para))
	first := doc.FirstChild()
	if first == nil {
		return line
	}
	return strings.TrimSpace(strings.TrimPrefix(inlineText(first, para), "x "))
}

// maxHeadingInline bounds the heading text given to the inline parser.
const maxHeadingInline = 1024

func inlineText(n ast.Node, src []byte) string {
	var b strings.Builder
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch t := c.(type) {
		case *ast.Text:
			b.Write(t.Segment.Value(src))
			if t.SoftLineBreak() || t.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(t.Value)
		case *ast.CodeSpan:
			b.WriteString(inlineText(t, src))
		default:
			b.WriteString(inlineText(c, src))
		}
	}
	return b.String()
}

// LineOf returns the 1-based line of a byte offset.
func (d *Doc) LineOf(off int) int {
	return sort.Search(len(d.lineStart), func(i int) bool { return d.lineStart[i] > off })
}

// lineEnd is the offset just past line n (1-based), newline included.
func (d *Doc) lineEnd(n int) int {
	if n < len(d.lineStart) {
		return d.lineStart[n]
	}
	return len(d.Src)
}

// Line returns the text of line n (1-based) without its end of line.
func (d *Doc) Line(n int) string {
	if n < 1 || n > len(d.lineStart) {
		return ""
	}
	return strings.TrimRight(string(d.Src[d.lineStart[n-1]:d.lineEnd(n)]), "\r\n")
}

// InCode reports whether line n is inside a code or HTML block.
func (d *Doc) InCode(n int) bool { return d.codeLines[n] }

var (
	refDefRE     = regexp.MustCompile(`^ {0,3}\[([^\]]+)\]:\s*<?(\S+?)>?(\s.*)?$`)
	inlineLinkRE = regexp.MustCompile(`\]\(\s*<?([^)\s>]+)`)
	autoLinkRE   = regexp.MustCompile(`<(https?://[^>\s]+)>`)
	codeSpanRE   = regexp.MustCompile("`[^`]*`")
	// Images: ![alt](src), ![alt][ref] and <img src="…">.
	imageInlineRE = regexp.MustCompile(`!\[[^\]]*\]\(\s*<?([^)\s>]+)`)
	imageRefRE    = regexp.MustCompile(`!\[([^\]]*)\]\[([^\]]*)\]`)
	imgTagRE      = regexp.MustCompile(`(?i)<img\b[^>]*\bsrc\s*=\s*["']([^"']+)["']`)
)

func (d *Doc) scanLinks() {
	var refImages []Link // labels, resolved once every definition is read
	for n := 1; n <= len(d.lineStart); n++ {
		if d.codeLines[n] {
			continue
		}
		line := d.Line(n)
		if m := refDefRE.FindStringSubmatch(line); m != nil {
			d.Refs = append(d.Refs, RefDef{Label: m[1], Dest: m[2], Line: n, End: d.lineEnd(n)})
			continue
		}
		line = codeSpanRE.ReplaceAllString(line, "")
		for _, m := range imageInlineRE.FindAllStringSubmatch(line, -1) {
			d.Images = append(d.Images, Link{Dest: m[1], Line: n})
		}
		for _, m := range imgTagRE.FindAllStringSubmatch(line, -1) {
			d.Images = append(d.Images, Link{Dest: m[1], Line: n})
		}
		for _, m := range imageRefRE.FindAllStringSubmatch(line, -1) {
			label := m[2]
			if label == "" { // ![alt][] uses the alt text as its label
				label = m[1]
			}
			refImages = append(refImages, Link{Dest: label, Line: n})
		}
		for _, m := range inlineLinkRE.FindAllStringSubmatch(line, -1) {
			d.Links = append(d.Links, Link{Dest: m[1], Line: n})
		}
		for _, m := range autoLinkRE.FindAllStringSubmatch(line, -1) {
			d.Links = append(d.Links, Link{Dest: m[1], Line: n})
		}
	}
	for _, img := range refImages {
		for _, r := range d.Refs {
			if strings.EqualFold(r.Label, img.Dest) {
				d.Images = append(d.Images, Link{Dest: r.Dest, Line: img.Line})
				break
			}
		}
	}
}

// Slug makes a heading's anchor the way GitHub does: lower case, spaces to
// hyphens, punctuation other than hyphens and underscores dropped.
func Slug(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(s)) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// H2 returns the first level-2 heading with that slug, or -1.
func (d *Doc) H2(slug string) int {
	for i, h := range d.Headings {
		if h.Level == 2 && h.Slug() == slug {
			return i
		}
	}
	return -1
}

// Any returns the first heading of any level with that slug, or -1.
func (d *Doc) Any(slug string) int {
	for i, h := range d.Headings {
		if h.Slug() == slug {
			return i
		}
	}
	return -1
}

// Uninstall returns the first heading that starts an uninstall section (any
// level, any wording that begins with "uninstall"), or -1.
func (d *Doc) Uninstall() int {
	for i, h := range d.Headings {
		if strings.HasPrefix(strings.ToLower(h.Text), "uninstall") {
			return i
		}
	}
	return -1
}

// NextH2After returns the index of the first heading of level ≤ 2 after
// heading i, skipping the heading skip, or -1.
func (d *Doc) NextH2After(i, skip int) int {
	for j := i + 1; j < len(d.Headings); j++ {
		if j != skip && d.Headings[j].Level <= 2 {
			return j
		}
	}
	return -1
}

// SectionEnd is the byte offset where heading i's section ends: the start of
// the next heading of the same or a higher level, else the start of the
// reference definitions that end the file, else the end of the file.
func (d *Doc) SectionEnd(i int) int {
	for j := i + 1; j < len(d.Headings); j++ {
		if d.Headings[j].Level <= d.Headings[i].Level {
			return d.Headings[j].Start
		}
	}
	return d.TrailingRefs()
}

// TrailingRefs is the offset of the block of reference definitions (with
// blank lines between them) that ends the file, or the file's length.
func (d *Doc) TrailingRefs() int {
	at := len(d.Src)
	floor := 0
	if len(d.Headings) > 0 {
		floor = d.Headings[len(d.Headings)-1].End
	}
	for n := len(d.lineStart); n >= 1; n-- {
		start := d.lineStart[n-1]
		if start >= len(d.Src) {
			continue // the empty line after a final newline
		}
		if start < floor {
			break
		}
		line := d.Line(n)
		if strings.TrimSpace(line) == "" {
			continue
		}
		if d.InCode(n) || !refDefRE.MatchString(line) {
			break
		}
		at = start
	}
	return at
}

// Body is the text of heading i's section after the heading line.
func (d *Doc) Body(i int) string { return string(d.Src[d.Headings[i].End:d.SectionEnd(i)]) }
