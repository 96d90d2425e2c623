package web

import (
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"
)

// The 大字版 (large-text, high-contrast) display of 工业和信息化部《互联网网站
// 适老化通用设计规范》: a link on every page, GET /display?large=1&next=…,
// keeps the choice in a cookie and sends the reader back to the same page,
// so it works without JavaScript. The layout then renders <body class="large">.

// displayCookie holds "large" while the large display is on.
const displayCookie = "ygk_display"

// largeDisplay reports whether the reader chose the large display.
func largeDisplay(c *fiber.Ctx) bool { return c.Cookies(displayCookie) == "large" }

// displaySwitch sets or clears the large display and redirects to next
// when it is a path on this site (localPath), else to the home page.
func (s *Server) displaySwitch(c *fiber.Ctx) error {
	if c.Query("large") == "1" {
		c.Cookie(&fiber.Cookie{Name: displayCookie, Value: "large", Path: "/", Secure: secure(c), HTTPOnly: true,
			SameSite: fiber.CookieSameSiteLaxMode, Expires: s.cfg.Now().Add(365 * 24 * time.Hour)})
	} else {
		c.Cookie(&fiber.Cookie{Name: displayCookie, Value: "", Path: "/", Secure: secure(c), HTTPOnly: true,
			SameSite: fiber.CookieSameSiteLaxMode, Expires: time.Unix(0, 0), MaxAge: -1})
	}
	next := localPath(c.Query("next"))
	if next == "" {
		next = "/"
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Redirect(next, fiber.StatusSeeOther)
}

// DisplayURL is the address of the switch to the other display, coming
// back to this page.
func (p pageBase) DisplayURL() string {
	next := p.Path
	if p.Query != "" {
		next += "?" + p.Query
	}
	q := url.Values{"next": {next}}
	if !p.Large {
		q.Set("large", "1")
	} else {
		q.Set("large", "0")
	}
	return "/display?" + q.Encode()
}
