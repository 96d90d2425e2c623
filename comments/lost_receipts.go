package comments

import "yugongkai/vcode"

// ContactKeys returns the keyed hashes (vcode.Hasher.ContactKey) of the
// normalized email and phone c keeps, "" for a contact it has not: what
// the stores index so that lost receipts are found by contact without the
// contact itself being indexed.
func ContactKeys(h vcode.Hasher, c *Comment) (email, phone string) {
	if c.ContactEmail != "" {
		email = h.ContactKey(vcode.MustParse(c.ContactEmail))
	}
	if c.ContactPhone != "" {
		phone = h.ContactKey(vcode.MustParse(c.ContactPhone))
	}
	return email, phone
}
