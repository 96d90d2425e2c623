package web

import (
	"context"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
)

func utf8Valid(b []byte) bool { return utf8.Valid(b) }

func (s *Server) healthz(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"status": "ok"})
}

func (s *Server) readyz(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	if s.cfg.Ready != nil {
		ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
		defer cancel()
		if err := s.cfg.Ready(ctx); err != nil {
			s.cfg.Log.WarnContext(c.UserContext(), "store not ready", "err", err)
			return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "unavailable"})
		}
	}
	out := fiber.Map{"status": "ok"}
	if s.cfg.Search != nil {
		// How far the search index is behind the record (queued jobs).
		ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
		defer cancel()
		if lag, err := s.cfg.Search.Lag(ctx); err == nil {
			out["queues"] = fiber.Map{"search_index": lag}
		}
	}
	if s.cfg.WriteStats != nil {
		b, w := s.cfg.WriteStats()
		out["store"] = fiber.Map{"write_batches": b, "writes": w}
	}
	return c.JSON(out)
}
