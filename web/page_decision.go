package web

// decisionPageRoutes registers the redline, report, decision, search and
// legal review pages.
func (s *Server) decisionPageRoutes() {}
