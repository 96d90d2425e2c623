package mongodb_test

import (
	"testing"

	"yugongkai/mongodb/mongotest"
	"yugongkai/search"
	"yugongkai/storetest"
)

func TestSearchContract(t *testing.T) {
	for _, target := range mongotest.Targets(t) {
		t.Run(target.Name, func(t *testing.T) {
			storetest.RunSearch(t, func(t *testing.T) search.Index { return mongotest.OpenURI(t, target.URI).Search() })
		})
	}
}
