package mongodb_test

import (
	"testing"

	"yugongkai/mongodb/mongotest"
	"yugongkai/storetest"
)

// TestAccounts: verification codes, sessions and accounts by contact
// (storetest.RunAccounts).
func TestAccounts(t *testing.T) {
	for _, target := range mongotest.Targets(t) {
		t.Run(target.Name, func(t *testing.T) {
			storetest.RunAccounts(t, func(t *testing.T) storetest.AccountStores {
				db := mongotest.OpenURI(t, target.URI)
				return storetest.AccountStores{Auth: db, Accounts: db, Codes: db}
			})
		})
	}
}
