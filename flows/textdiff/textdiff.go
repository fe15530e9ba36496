// Package textdiff shows what an edit changes as git diff shows it: a
// unified diff by lines.
package textdiff

import (
	"strings"

	udiff "github.com/aymanbagabas/go-udiff"
	"github.com/aymanbagabas/go-udiff/lcs"
)

// Unified is the unified diff of a and b ("" when they are equal), with
// three lines of context, labelled from and to.
func Unified(from, to, a, b string) string {
	if a == b {
		return ""
	}
	u, err := udiff.ToUnified(from, to, a, Edits(a, b), udiff.DefaultContextLines)
	if err != nil {
		// Edits are whole lines of a, in order: ToUnified cannot refuse
		// them; the character diff is the fallback all the same.
		return udiff.Unified(from, to, a, b)
	}
	return u
}

// Edits are the line edits that turn a into b. Each distinct line is one
// symbol of the longest common subsequence, so that text inserted after a
// line's end is lines inserted — never that line deleted and added again,
// as a diff by characters expanded to lines shows it.
func Edits(a, b string) []udiff.Edit {
	al, bl := lines(a), lines(b)
	ids := map[string]rune{}
	symbols := func(ls []string) []rune {
		out := make([]rune, len(ls))
		for i, l := range ls {
			id, ok := ids[l]
			if !ok {
				id = rune(len(ids))
				ids[l] = id
			}
			out[i] = id
		}
		return out
	}
	as, bs := symbols(al), symbols(bl)
	offset := make([]int, len(al)+1) // byte offset of each line of a
	for i, l := range al {
		offset[i+1] = offset[i] + len(l)
	}
	diffs := lcs.DiffRunes(as, bs)
	edits := make([]udiff.Edit, len(diffs))
	for i, d := range diffs {
		edits[i] = udiff.Edit{Start: offset[d.Start], End: offset[d.End], New: strings.Join(bl[d.ReplStart:d.ReplEnd], "")}
	}
	return edits
}

// lines splits s after each "\n"; the last line may lack one.
func lines(s string) []string {
	ls := strings.SplitAfter(s, "\n")
	if len(ls) > 0 && ls[len(ls)-1] == "" {
		ls = ls[:len(ls)-1]
	}
	return ls
}
