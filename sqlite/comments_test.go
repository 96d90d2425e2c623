package sqlite

import (
	"testing"

	"yugongkai/comments"
	"yugongkai/storetest"
)

func TestCommentsContract(t *testing.T) {
	storetest.RunComments(t, func(t *testing.T) comments.Store { return OpenTemp(t).Comments() })
}
