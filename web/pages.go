package web

import "github.com/gofiber/fiber/v2"

// pageRoutes registers the HTML pages.
func (s *Server) pageRoutes() {}

// pageRequest reports whether the request wants an HTML page rather than JSON.
func pageRequest(c *fiber.Ctx) bool { return false }

func (s *Server) renderErrorPage(c *fiber.Ctx, status int, e ErrorDetail) error {
	return c.Status(status).JSON(ErrorBody{Error: e})
}
