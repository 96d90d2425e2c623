package sqlite

import (
	"testing"

	"yugongkai/storetest"
)

// TestAccounts: verification codes, sessions and accounts by contact
// (storetest.RunAccounts).
func TestAccounts(t *testing.T) {
	storetest.RunAccounts(t, func(t *testing.T) storetest.AccountStores {
		db := OpenTemp(t)
		return storetest.AccountStores{Auth: db.Auth(), Accounts: db.Auth(), Codes: db.Auth()}
	})
}
