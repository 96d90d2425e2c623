package sqlite

import (
	"testing"

	"yugongkai/search"
	"yugongkai/storetest"
)

func TestSearchContract(t *testing.T) {
	storetest.RunSearch(t, func(t *testing.T) search.Index { return OpenTemp(t).Search() })
}
