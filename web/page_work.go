package web

// workPageRoutes registers the department's work pages.
func (s *Server) workPageRoutes() {}
