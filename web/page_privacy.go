package web

import (
	"time"

	"yugongkai/comments"
	"yugongkai/consultation"
	"yugongkai/i18n"
)

// privacyNotice is the comment form's personal-data notice (个人信息保护法
// art. 17): who handles the data, for what, how long it is kept and the
// commenter's rights, from the catalogue.
func (s *Server) privacyNotice(lang i18n.Lang, c *consultation.Consultation) []string {
	retention := s.cfg.ContactRetention
	if retention <= 0 {
		retention = comments.DefaultContactRetention
	}
	days := int(retention / (24 * time.Hour))
	handler := c.Contact.Department
	if handler == "" {
		handler = i18n.T(lang, "privacy.handler_unknown")
	}
	reach := c.Contact.Phone
	if c.Contact.Email != "" {
		if reach != "" {
			reach += "，"
		}
		reach += c.Contact.Email
	}
	if reach == "" {
		reach = "—"
	}
	return []string{
		i18n.T(lang, "privacy.handler", handler, reach),
		i18n.T(lang, "privacy.purpose"),
		i18n.T(lang, "privacy.retention", days),
		i18n.T(lang, "privacy.rights"),
	}
}
