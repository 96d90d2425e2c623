package consultation

import (
	"sort"

	"yugongkai/ident"
	"yugongkai/lawtext"
	"yugongkai/redline"
)

// assignArticleIDs gives every article of doc an id. Without a previous
// version every id is fresh; with one, articles are matched to their
// ancestors (redline.Match) so ids survive renumbering, moves, splits and
// merges, and only genuinely new articles get new ids.
// It returns prev's ids that have no successor and the split/merge links.
func assignArticleIDs(doc *lawtext.Document, prev *Version) (deleted []string, split, merged map[string]string) {
	used := map[string]bool{}
	fresh := func() string {
		for {
			id := ident.Short()
			if !used[id] {
				used[id] = true
				return id
			}
		}
	}
	if prev == nil {
		for i := range doc.Blocks {
			if a := doc.Blocks[i].Article; a != nil {
				a.ID = fresh()
			}
		}
		return nil, nil, nil
	}
	var prevArts []redline.Article
	for _, a := range prev.Articles() {
		used[a.ID] = true
		prevArts = append(prevArts, ToRedline(a))
	}
	// Ids deleted in earlier versions stay reserved so they are never reused.
	for _, id := range prev.DeletedIDs {
		used[id] = true
	}
	for id := range prev.MergedInto {
		used[id] = true
	}
	var next []redline.Article
	for _, a := range doc.Articles() {
		next = append(next, ToRedline(a))
	}
	m := redline.Match(prevArts, next, fresh)
	i := 0
	for b := range doc.Blocks {
		if a := doc.Blocks[b].Article; a != nil {
			a.ID = m.Articles[i].ID
			i++
		}
	}
	deleted = append(deleted, m.Deleted...)
	sort.Strings(deleted)
	return deleted, m.SplitFrom, m.MergedInto
}

// ToRedline converts a parsed article to the redline package's form.
func ToRedline(a lawtext.Article) redline.Article {
	return redline.Article{ID: a.ID, Number: a.Number, Label: a.Label, Text: a.Text()}
}
