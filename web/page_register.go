package web

import "github.com/gofiber/fiber/v2"

func (s *Server) accountPageRoutes() {}

var _ = fiber.New
