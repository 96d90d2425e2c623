package comments

// Lists are paged by keyset: a page is named by a position in the list's
// order (an opaque cursor from the store), never by an offset, so a page
// deep in a million comments costs what the first one does. A page listed
// forward from position A (Filter.Cursor = A) holds the items after A; the
// page before it is the one listed backward from A (Filter.Before = A): the
// items at or before A. Links to both neighbours follow from the position a
// page was asked with and the cursor the store returned (Neighbours).

// Neighbours returns the positions of the pages before and after a page
// listed with cursor (forward) or before (backward) for which the store
// returned returned: prev is for Before, next for Cursor; "" means there
// is no such page.
func Neighbours(cursor, before, returned string) (prev, next string) {
	if before != "" {
		return returned, before
	}
	return cursor, returned
}
