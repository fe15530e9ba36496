package integration

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
)

// UninstallationValue is what tile.uninstallation must say.
const UninstallationValue = "README.md#Uninstallation"

// Member is one key/value pair of a JSON object, with byte offsets.
type Member struct {
	Key              string
	KeyStart, KeyEnd int // the quoted key
	ValStart, ValEnd int // the value
}

// scanner walks JSON text keeping positions; it trusts that the text already
// decoded with encoding/json, so it only needs to find boundaries.
type scanner struct{ src []byte }

func (s scanner) ws(i int) int {
	for i < len(s.src) && (s.src[i] == ' ' || s.src[i] == '\t' || s.src[i] == '\n' || s.src[i] == '\r') {
		i++
	}
	return i
}

func (s scanner) str(i int) (int, error) {
	if i >= len(s.src) || s.src[i] != '"' {
		return 0, fmt.Errorf("expected a string at byte %d", i)
	}
	for i++; i < len(s.src); i++ {
		switch s.src[i] {
		case '\\':
			i++
		case '"':
			return i + 1, nil
		}
	}
	return 0, errors.New("unterminated string")
}

// value returns the end of the value starting at i.
func (s scanner) value(i int) (int, error) {
	if i >= len(s.src) {
		return 0, errors.New("unexpected end of JSON")
	}
	switch s.src[i] {
	case '"':
		return s.str(i)
	case '{', '[':
		depth := 0
		for j := i; j < len(s.src); j++ {
			switch s.src[j] {
			case '"':
				end, err := s.str(j)
				if err != nil {
					return 0, err
				}
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1, nil
				}
			}
		}
		return 0, errors.New("unterminated object or array")
	default:
		j := i
		for j < len(s.src) && !strings.ContainsRune(",}] \t\r\n", rune(s.src[j])) {
			j++
		}
		return j, nil
	}
}

// members lists the members of the object starting at i and returns the
// offset of its closing brace.
func (s scanner) members(i int) ([]Member, int, error) {
	if i >= len(s.src) || s.src[i] != '{' {
		return nil, 0, fmt.Errorf("expected an object at byte %d", i)
	}
	var out []Member
	i = s.ws(i + 1)
	if i < len(s.src) && s.src[i] == '}' {
		return nil, i, nil
	}
	for i < len(s.src) {
		m := Member{KeyStart: i}
		end, err := s.str(i)
		if err != nil {
			return nil, 0, err
		}
		m.KeyEnd = end
		if err := json.Unmarshal(s.src[m.KeyStart:m.KeyEnd], &m.Key); err != nil {
			return nil, 0, err
		}
		i = s.ws(end)
		if i >= len(s.src) || s.src[i] != ':' {
			return nil, 0, fmt.Errorf("expected ':' at byte %d", i)
		}
		m.ValStart = s.ws(i + 1)
		if m.ValEnd, err = s.value(m.ValStart); err != nil {
			return nil, 0, err
		}
		out = append(out, m)
		i = s.ws(m.ValEnd)
		if i < len(s.src) && s.src[i] == ',' {
			i = s.ws(i + 1)
			continue
		}
		if i < len(s.src) && s.src[i] == '}' {
			return out, i, nil
		}
		return nil, 0, fmt.Errorf("expected ',' or '}' at byte %d", i)
	}
	return nil, 0, errors.New("unterminated object")
}

func find(ms []Member, key string) *Member {
	for i := range ms {
		if ms[i].Key == key {
			return &ms[i]
		}
	}
	return nil
}

// Manifest is a manifest.json with the positions of what oauthwiz edits.
type Manifest struct {
	Src       []byte
	Top       []Member
	TopClose  int
	Tile      []Member // nil when there is no tile object
	TileStart int
	TileClose int
	lineStart []int // offsets where lines start, made on first use
}

// ParseManifest reads manifest.json; a syntax error carries line and column.
func ParseManifest(path string, src []byte) (*Manifest, error) {
	var v any
	if err := json.Unmarshal(src, &v); err != nil {
		return nil, jsonPosError(path, src, err)
	}
	if _, ok := v.(map[string]any); !ok {
		return nil, fmt.Errorf("%s:1:1: the manifest is not a JSON object", path)
	}
	s := scanner{src}
	m := &Manifest{Src: src, TileStart: -1}
	var err error
	if m.Top, m.TopClose, err = s.members(s.ws(0)); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	if t := find(m.Top, "tile"); t != nil && src[t.ValStart] == '{' {
		m.TileStart = t.ValStart
		if m.Tile, m.TileClose, err = s.members(t.ValStart); err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
	}
	return m, nil
}

func jsonPosError(path string, src []byte, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		starts := lineStarts(src)
		off := int(se.Offset) - 1
		if off < 0 {
			off = 0
		}
		line := lineAt(starts, off)
		col := off - starts[line-1] + 1
		return &PosError{File: path, Line: line, Col: col, Msg: se.Error()}
	}
	return fmt.Errorf("%s: %v", path, err)
}

// PosError is an error at a place in a file.
type PosError struct {
	File      string
	Line, Col int
	Msg       string
}

func (e *PosError) Error() string { return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg) }

// StringValue decodes a member's value if it is a string.
func (m *Manifest) StringValue(mem *Member) (string, bool) {
	var s string
	if mem == nil || json.Unmarshal(m.Src[mem.ValStart:mem.ValEnd], &s) != nil {
		return "", false
	}
	return s, true
}

// Top-level and tile member lookups.
func (m *Manifest) TopMember(key string) *Member  { return find(m.Top, key) }
func (m *Manifest) TileMember(key string) *Member { return find(m.Tile, key) }

// LineOf is the 1-based line of a byte offset.
func (m *Manifest) LineOf(off int) int {
	if m.lineStart == nil {
		m.lineStart = lineStarts(m.Src)
	}
	return lineAt(m.lineStart, off)
}

// lineStarts are the offsets where the lines of src start.
func lineStarts(src []byte) []int {
	starts := []int{0}
	for i, c := range src {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// lineAt is the 1-based line holding offset off.
func lineAt(starts []int, off int) int {
	return sort.Search(len(starts), func(i int) bool { return starts[i] > off })
}

// indentOf returns the whitespace before the line's first character at off.
func indentOf(src []byte, off int) string {
	start := bytes.LastIndexByte(src[:off], '\n') + 1
	i := start
	for i < off && (src[i] == ' ' || src[i] == '\t') {
		i++
	}
	return string(src[start:i])
}

type edit struct {
	at, end int
	text    string
}

// ManifestEdits says what FixManifest should make true.
type ManifestEdits struct {
	Uninstallation bool   // tile.uninstallation = README.md#Uninstallation
	AppUUID        string // app_uuid, when set
}

// FixManifest makes the edits as text insertions or value replacements,
// keeping key order, indentation and every other byte, then re-parses the
// result to prove that nothing else changed.
func FixManifest(path string, src []byte, want ManifestEdits) ([]byte, bool, error) {
	m, err := ParseManifest(path, src)
	if err != nil {
		return nil, false, err
	}
	eol := "\n"
	if bytes.Contains(src, []byte("\r\n")) {
		eol = "\r\n"
	}
	var edits []edit
	quote := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	setMember := func(members []Member, close int, key, value string, after ...string) {
		if mem := find(members, key); mem != nil {
			if cur, ok := m.StringValue(mem); ok && cur == value {
				return
			}
			edits = append(edits, edit{mem.ValStart, mem.ValEnd, quote(value)})
			return
		}
		var anchor *Member
		for _, a := range after {
			if anchor = find(members, a); anchor != nil {
				break
			}
		}
		if anchor == nil && len(members) > 0 {
			anchor = &members[len(members)-1]
		}
		if anchor == nil { // an empty object
			ind := indentOf(src, close)
			edits = append(edits, edit{close, close, eol + ind + "  " + quote(key) + ": " + quote(value) + eol + ind})
			return
		}
		sep := string(src[anchor.KeyEnd:anchor.ValStart]) // keeps the file's ": " style
		if strings.ContainsAny(sep, "\r\n") {
			sep = ": "
		}
		ind := indentOf(src, anchor.KeyStart)
		if ind == "" && bytes.IndexByte(src[:anchor.KeyStart], '\n') < 0 {
			ind = " " // a one-line object
			edits = append(edits, edit{anchor.ValEnd, anchor.ValEnd, "," + ind + quote(key) + sep + quote(value)})
			return
		}
		edits = append(edits, edit{anchor.ValEnd, anchor.ValEnd, "," + eol + ind + quote(key) + sep + quote(value)})
	}
	if want.AppUUID != "" {
		setMember(m.Top, m.TopClose, "app_uuid", want.AppUUID, "manifest_version")
	}
	if want.Uninstallation {
		if m.TileStart < 0 {
			return nil, false, fmt.Errorf("%s: there is no \"tile\" object to add \"uninstallation\" to", path)
		}
		setMember(m.Tile, m.TileClose, "uninstallation", UninstallationValue, "support")
	}
	if len(edits) == 0 {
		return src, false, nil
	}
	// Apply from the end so earlier offsets stay valid.
	out := append([]byte(nil), src...)
	sort.Slice(edits, func(i, j int) bool { return edits[i].at < edits[j].at })
	for i := len(edits) - 1; i >= 0; i-- {
		e := edits[i]
		out = append(out[:e.at:e.at], append([]byte(e.text), out[e.end:]...)...)
	}
	if err := verifyManifest(src, out, want); err != nil {
		return nil, false, fmt.Errorf("%s: the edit would change more than intended (%v); nothing written", path, err)
	}
	return out, true, nil
}

func verifyManifest(before, after []byte, want ManifestEdits) error {
	var a, b map[string]any
	if err := json.Unmarshal(before, &a); err != nil {
		return err
	}
	if err := json.Unmarshal(after, &b); err != nil {
		return fmt.Errorf("the result does not parse: %v", err)
	}
	if want.AppUUID != "" {
		a["app_uuid"] = want.AppUUID
	}
	if want.Uninstallation {
		if tile, ok := a["tile"].(map[string]any); ok {
			tile["uninstallation"] = UninstallationValue
		}
	}
	if !reflect.DeepEqual(a, b) {
		return errors.New("the decoded manifest differs beyond the intended keys")
	}
	return nil
}
