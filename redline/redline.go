// Package redline compares versions of a legal text article by article: it carries
// stable article ids from one version to the next (Match), builds the article-aligned
// redline between two versions (Compare), and renders it as HTML or as terminal text.
//
// Everything here is deterministic: the same input gives the same output on every run
// and every machine. There are no time limits; the only limits are the documented
// tuning constants, which are part of the definition of the result.
package redline

import (
	"errors"
	"fmt"
	"strings"
)

// Article is one article (条) of a version of a text.
type Article struct {
	ID     string // stable id; may be empty for the "to" side before matching
	Number int    // 第十二条 -> 12
	Label  string // "第十二条"
	Text   string // full normalized text: label line and paragraphs joined by "\n"
}

// body returns the text of a without its leading label and the separator after it, so
// that a renumbered article compares equal to its predecessor.
func body(a Article) string {
	if a.Label == "" || !strings.HasPrefix(a.Text, a.Label) {
		return a.Text
	}
	return strings.TrimLeft(a.Text[len(a.Label):], " \t\u3000")
}

// Kind classifies what happened to an article between two versions.
type Kind string

// The kinds of change, from the most to the least significant. An article whose text
// changed is Modified even when it was also moved or renumbered (see Change.Moved and
// the From/To numbers).
const (
	Added      Kind = "added"
	Deleted    Kind = "deleted"
	Modified   Kind = "modified"
	Moved      Kind = "moved"      // text unchanged, order relative to the others changed
	Renumbered Kind = "renumbered" // text unchanged, same relative order, new number
	Unchanged  Kind = "unchanged"
)

// Label returns the Chinese name of the kind shown to readers.
func (k Kind) Label() string {
	switch k {
	case Added:
		return "新增"
	case Deleted:
		return "删除"
	case Modified:
		return "修改"
	case Moved:
		return "移动"
	case Renumbered:
		return "条序变化"
	case Unchanged:
		return "未修改"
	}
	return string(k)
}

// Change is the redline of one article.
type Change struct {
	ID                   string
	Kind                 Kind
	Moved                bool // the article changed place relative to the others (also for Modified)
	FromNumber, ToNumber int  // 0 on the missing side of Added/Deleted
	FromLabel, ToLabel   string
	FromText, ToText     string
	// Spans is the rune-level diff of FromText → ToText (labels included): a single
	// Insert for Added, a single Delete for Deleted, a single Equal for Unchanged, and
	// the output of Diff otherwise. Equal+Delete spans give FromText, Equal+Insert
	// spans give ToText.
	Spans []Span
}

// Stats counts the changes of a redline.
type Stats struct {
	Added, Deleted, Modified, Moved, Renumbered, Unchanged int
	InsertedRunes, DeletedRunes                            int // over all Insert / Delete spans
}

// Redline is the article-aligned comparison of two versions.
type Redline struct {
	// Changes are in the order of the "to" version; a deleted article comes right after
	// the article that preceded it in the "from" version (or first, if none did).
	Changes []Change
	Stats   Stats
}

// Compare builds the redline between two versions whose ids are already assigned
// (same id = same provision, see Match). Ids should be non-empty and unique within each
// version; an article of "to" with an empty id, or with an id already used earlier in
// "to", is reported as Added, and a "from" article whose id was used earlier in "from"
// is reported as Deleted, so that Apply still reproduces "to".
func Compare(from, to []Article) Redline {
	fromIdx := make(map[string]int, len(from))
	for i, a := range from {
		if _, dup := fromIdx[a.ID]; !dup && a.ID != "" {
			fromIdx[a.ID] = i
		}
	}
	// pair[j] = index in from of the predecessor of to[j], or -1.
	pair := make([]int, len(to))
	used := make([]bool, len(from))
	for j, a := range to {
		pair[j] = -1
		if i, ok := fromIdx[a.ID]; ok && !used[i] {
			pair[j] = i
			used[i] = true
		}
	}
	moved := movedSet(pair)

	// Deleted articles follow their nearest surviving predecessor in "from".
	after := make(map[int][]int) // from index of predecessor (-1: start) -> deleted from indices
	last := -1
	for i := range from {
		if used[i] {
			last = i
			continue
		}
		after[last] = append(after[last], i)
	}

	var r Redline
	add := func(c Change) {
		r.Changes = append(r.Changes, c)
		switch c.Kind {
		case Added:
			r.Stats.Added++
		case Deleted:
			r.Stats.Deleted++
		case Modified:
			r.Stats.Modified++
		case Moved:
			r.Stats.Moved++
		case Renumbered:
			r.Stats.Renumbered++
		case Unchanged:
			r.Stats.Unchanged++
		}
		for _, s := range c.Spans {
			switch s.Op {
			case Insert:
				r.Stats.InsertedRunes += len([]rune(s.Text))
			case Delete:
				r.Stats.DeletedRunes += len([]rune(s.Text))
			}
		}
	}
	addDeleted := func(pred int) {
		for _, i := range after[pred] {
			a := from[i]
			add(Change{ID: a.ID, Kind: Deleted, FromNumber: a.Number, FromLabel: a.Label,
				FromText: a.Text, Spans: whole(Delete, a.Text)})
		}
	}
	addDeleted(-1)
	for j, b := range to {
		i := pair[j]
		if i < 0 {
			add(Change{ID: b.ID, Kind: Added, ToNumber: b.Number, ToLabel: b.Label,
				ToText: b.Text, Spans: whole(Insert, b.Text)})
			continue
		}
		a := from[i]
		c := Change{ID: b.ID, Moved: moved[j], FromNumber: a.Number, ToNumber: b.Number,
			FromLabel: a.Label, ToLabel: b.Label, FromText: a.Text, ToText: b.Text}
		switch {
		case body(a) != body(b):
			c.Kind = Modified
		case moved[j]:
			c.Kind = Moved
		case a.Number != b.Number || a.Label != b.Label || a.Text != b.Text:
			c.Kind = Renumbered
		default:
			c.Kind = Unchanged
		}
		if a.Text == b.Text {
			c.Spans = whole(Equal, a.Text)
		} else {
			c.Spans = Diff(a.Text, b.Text)
		}
		add(c)
		addDeleted(i)
	}
	return r
}

func whole(op SpanOp, text string) []Span {
	if text == "" {
		return nil
	}
	return []Span{{op, text}}
}

// movedSet marks the "to" positions whose predecessors are not part of a longest
// increasing subsequence of predecessor positions: the fewest articles that explain the
// reordering. pair[j] < 0 means no predecessor.
func movedSet(pair []int) []bool {
	// Patience sorting; tails[k] is the index j ending the best increasing run of
	// length k+1 with the smallest last value. Deterministic for distinct values.
	var tails []int
	prev := make([]int, len(pair))
	for j, p := range pair {
		if p < 0 {
			continue
		}
		lo, hi := 0, len(tails)
		for lo < hi {
			mid := (lo + hi) / 2
			if pair[tails[mid]] < p {
				lo = mid + 1
			} else {
				hi = mid
			}
		}
		prev[j] = -1
		if lo > 0 {
			prev[j] = tails[lo-1]
		}
		if lo == len(tails) {
			tails = append(tails, j)
		} else {
			tails[lo] = j
		}
	}
	inLIS := make([]bool, len(pair))
	if len(tails) > 0 {
		for j := tails[len(tails)-1]; j >= 0; j = prev[j] {
			inLIS[j] = true
		}
	}
	moved := make([]bool, len(pair))
	for j, p := range pair {
		moved[j] = p >= 0 && !inLIS[j]
	}
	return moved
}

// ErrMismatch is returned by Apply when the redline does not fit the articles it is
// applied to, or is not internally consistent.
var ErrMismatch = errors.New("redline: does not apply")

// Apply applies r to from and returns the "to" version r was built from: same ids,
// numbers, labels, texts and order. The text of every article is rebuilt from the spans
// and checked against the recorded texts; every article of from must be accounted for
// exactly once. Errors wrap ErrMismatch.
func Apply(r Redline, from []Article) ([]Article, error) {
	byID := make(map[string][]int, len(from))
	for i, a := range from {
		byID[a.ID] = append(byID[a.ID], i)
	}
	used := make([]bool, len(from))
	// take finds the first unused article of from that the change was built from.
	take := func(c Change) (int, error) {
		for _, i := range byID[c.ID] {
			a := from[i]
			if !used[i] && a.Text == c.FromText && a.Number == c.FromNumber && a.Label == c.FromLabel {
				used[i] = true
				return i, nil
			}
		}
		return 0, fmt.Errorf("%w: %s %s (id %q) is not in the base version", ErrMismatch, c.Kind, c.FromLabel, c.ID)
	}
	var out []Article
	for _, c := range r.Changes {
		oldText, newText := join(c.Spans, Delete), join(c.Spans, Insert)
		if c.Kind == Added {
			if oldText != "" {
				return nil, fmt.Errorf("%w: added %s (id %q) has deleted or equal text", ErrMismatch, c.ToLabel, c.ID)
			}
		} else {
			if _, err := take(c); err != nil {
				return nil, err
			}
			if oldText != c.FromText {
				return nil, fmt.Errorf("%w: spans of %s (id %q) do not match its old text", ErrMismatch, c.FromLabel, c.ID)
			}
		}
		if c.Kind == Deleted {
			if newText != "" {
				return nil, fmt.Errorf("%w: deleted %s (id %q) has inserted or equal text", ErrMismatch, c.FromLabel, c.ID)
			}
			continue
		}
		if newText != c.ToText {
			return nil, fmt.Errorf("%w: spans of %s (id %q) do not match its new text", ErrMismatch, c.ToLabel, c.ID)
		}
		out = append(out, Article{ID: c.ID, Number: c.ToNumber, Label: c.ToLabel, Text: newText})
	}
	for i, a := range from {
		if !used[i] {
			return nil, fmt.Errorf("%w: %s (id %q) of the base version is not in the redline", ErrMismatch, a.Label, a.ID)
		}
	}
	return out, nil
}

// join concatenates the Equal spans and the spans with the given op: Delete gives the
// old text, Insert the new one.
func join(spans []Span, op SpanOp) string {
	var sb strings.Builder
	for _, s := range spans {
		if s.Op == Equal || s.Op == op {
			sb.WriteString(s.Text)
		}
	}
	return sb.String()
}
