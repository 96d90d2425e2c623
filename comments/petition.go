package comments

import (
	"strconv"
	"strings"

	"yugongkai/apperr"
)

// Petitions (联名信): one submission, entered offline or imported, may carry
// many signatories. It stays one comment — one text, one receipt, one
// disposition — whose Signatories the report counts: every total of the
// adoption report (received, published, by channel, by disposition, by
// category) is the sum of the signatories of the comments counted
// (CountFilter.Signatories), and the table shows the petition as
// "联名 312 人".

// MaxSignatories bounds the signatory count of one submission.
const MaxSignatories = 10_000_000

// People is the number of people c speaks for: its signatories, at least one.
func (c *Comment) People() int {
	if c.Signatories > 1 {
		return c.Signatories
	}
	return 1
}

// checkSignatories validates an offline entry's signatory count: 0 (not
// given) means one.
func checkSignatories(f *apperr.Fields, n int) {
	if n < 0 || n > MaxSignatories {
		f.Add("signatories", "comments.bad_signatories", MaxSignatories)
	}
}

// importSignatories reads an import cell: empty is 0 (one), a number as
// written (a spreadsheet may write 312.0 or 1,024), anything else -1 so the
// preview reports the cell.
func importSignatories(v string) int {
	v = strings.TrimSuffix(strings.ReplaceAll(strings.TrimSpace(v), ",", ""), ".0")
	v = strings.TrimSuffix(strings.TrimSuffix(v, "人"), "名")
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return -1
	}
	return n
}

// categorySpellings maps the Chinese spellings of the categories to their
// codes, for the import.
func categorySpellings() map[string]string {
	m := map[string]string{}
	for _, c := range Categories {
		for _, s := range c.Spellings {
			m[s] = string(c.Type)
		}
	}
	return m
}
