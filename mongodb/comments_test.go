package mongodb_test

import (
	"testing"

	"yugongkai/comments"
	"yugongkai/mongodb/mongotest"
	"yugongkai/storetest"
)

func TestCommentsContract(t *testing.T) {
	for _, target := range mongotest.Targets(t) {
		t.Run(target.Name, func(t *testing.T) {
			storetest.RunComments(t, func(t *testing.T) comments.Store {
				return mongotest.OpenURI(t, target.URI).Comments()
			})
		})
	}
}
