package web

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"yugongkai/consultation"
	"yugongkai/notify"
)

// The staff delivery page of a consultation (a tab of its work pages):
// per kind of notification how many are pending, sent, failed (with the
// last error) and cancelled, and how often they were retried; then the
// failed and still pending ones, one by one. Recipients are never shown.

// maxListedNotifications bounds the per-notification table.
const maxListedNotifications = 200

type notificationsPageData struct {
	workBase
	Status  *notify.Status
	Open    []notify.Delivered // failed and pending, newest first
	Omitted int
}

func (s *Server) notificationsPageRoutes() {
	s.App.Get("/staff/consultations/:id/notifications", s.workNotificationsPage)
}

func (s *Server) workNotificationsPage(c *fiber.Ctx) error {
	w, err := s.workData(c, "notifications", "page.notices.title")
	if err != nil {
		return err
	}
	st, err := s.cfg.Notify.Status(c.UserContext(), principal(c), w.C.ID)
	if err != nil {
		return err
	}
	d := notificationsPageData{workBase: w, Status: st}
	for i := len(st.Notifications) - 1; i >= 0; i-- {
		n := st.Notifications[i]
		if n.State != "failed" && n.State != "pending" {
			continue
		}
		if len(d.Open) == maxListedNotifications {
			d.Omitted++
			continue
		}
		d.Open = append(d.Open, n)
	}
	return s.render(c, fiber.StatusOK, "work_notifications", d)
}

// FormatTime shows a time on the delivery page in the viewer's language.
func (d notificationsPageData) FormatTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return consultation.FormatDateTime(t)
}
