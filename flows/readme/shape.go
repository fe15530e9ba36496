package readme

import (
	"bytes"
	"errors"
	"fmt"
)

// Bounds on what oauthwiz reads, so that its work stays linear in the
// README's size: Markdown parsers (goldmark included) slow down with the
// depth of nested block quotes and lists.
const (
	MaxReadmeBytes = 1 << 20 // 1 MiB
	MaxNesting     = 32
)

// ErrTooComplex means a README is larger or more deeply nested than
// oauthwiz reads.
var ErrTooComplex = errors.New("the README is too large or too deeply nested to read")

// ShapeError says where a README passes a bound.
type ShapeError struct {
	Line int // 0: the whole file
	Msg  string
}

func (e *ShapeError) Error() string {
	if e.Line == 0 {
		return e.Msg
	}
	return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
}

func (e *ShapeError) Unwrap() error { return ErrTooComplex }

// CheckShape refuses, in one linear pass, a README over MaxReadmeBytes or
// with block quotes or lists nested deeper than MaxNesting (lists are
// measured by the indentation of their items, outside fenced code).
func CheckShape(src []byte) error {
	if len(src) > MaxReadmeBytes {
		return &ShapeError{Msg: fmt.Sprintf("the README is %d bytes; oauthwiz reads READMEs up to %d bytes (1 MiB)", len(src), MaxReadmeBytes)}
	}
	var fence []byte // the opening fence while inside fenced code
	for n := 1; len(src) > 0; n++ {
		line := src
		if i := bytes.IndexByte(src, '\n'); i >= 0 {
			line, src = src[:i], src[i+1:]
		} else {
			src = nil
		}
		body, quotes := stripQuotes(line)
		if quotes > MaxNesting {
			return &ShapeError{Line: n, Msg: fmt.Sprintf("block quotes nested %d deep; oauthwiz reads up to %d levels", quotes, MaxNesting)}
		}
		cols, text := leadingColumns(body)
		switch {
		case fence != nil:
			if cols < 4 && bytes.HasPrefix(text, fence) && len(bytes.Trim(text, string(fence[:1]))) == 0 {
				fence = nil
			}
		case cols < 4 && (bytes.HasPrefix(text, []byte("```")) || bytes.HasPrefix(text, []byte("~~~"))):
			fence = text[:3]
		case isListItem(text) && cols/2+1 > MaxNesting:
			return &ShapeError{Line: n, Msg: fmt.Sprintf("a list item indented %d columns (lists nested about %d deep); oauthwiz reads up to %d levels", cols, cols/2+1, MaxNesting)}
		}
	}
	return nil
}

// stripQuotes removes the block quote markers ("> ", up to three spaces
// before each) from the start of a line and counts them.
func stripQuotes(line []byte) ([]byte, int) {
	depth := 0
	for {
		i := 0
		for i < len(line) && i < 3 && line[i] == ' ' {
			i++
		}
		if i >= len(line) || line[i] != '>' {
			return line, depth
		}
		depth++
		line = line[i+1:]
		if len(line) > 0 && line[0] == ' ' {
			line = line[1:]
		}
	}
}

// leadingColumns is the width of a line's leading blanks (tabs to the next
// multiple of 4) and the rest of the line.
func leadingColumns(line []byte) (int, []byte) {
	cols := 0
	for i, c := range line {
		switch c {
		case ' ':
			cols++
		case '\t':
			cols += 4 - cols%4
		default:
			return cols, line[i:]
		}
	}
	return cols, nil
}

// isListItem reports whether text starts with a list marker ("-", "*", "+",
// or digits then "." or ")") followed by a blank or the end of the line.
func isListItem(text []byte) bool {
	if len(text) == 0 {
		return false
	}
	i := 0
	switch text[0] {
	case '-', '*', '+':
		i = 1
	default:
		for i < len(text) && i < 9 && text[i] >= '0' && text[i] <= '9' {
			i++
		}
		if i == 0 || i >= len(text) || (text[i] != '.' && text[i] != ')') {
			return false
		}
		i++
	}
	return i == len(text) || text[i] == ' ' || text[i] == '\t'
}
