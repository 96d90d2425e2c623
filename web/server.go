// Package web is the HTTP face of yugongkai: the JSON API and the pages. It is
// the only package that imports Fiber. Handlers are thin: they parse input,
// call one domain service method and render; errors go to one handler.
package web

import (
	"context"
	"fmt"
	"log/slog"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"

	"yugongkai/attachment"
	"yugongkai/auth"
	"yugongkai/comments"
	"yugongkai/consultation"
	"yugongkai/notify"
	"yugongkai/ratelimit"
	"yugongkai/search"
	"yugongkai/surveys"
	"yugongkai/token"
)

// Request edge limits: a URL or any one header over 4 KiB is refused
// (414, 431) by checkRequestEdge; fasthttp buffers up to ReadBufferSize of
// request line and headers, and answers 431 beyond.
const (
	MaxURILength    = 4 << 10
	MaxHeaderLength = 4 << 10
	ReadBufferSize  = 16 << 10
)

// Body limits.
const (
	DraftBodyLimit   = 2 << 20  // drafts carry the full legal text
	DefaultBodyLimit = 64 << 10 // everything else
)

// Config holds every dependency of the server; nothing is global.
type Config struct {
	Auth          *auth.Service
	Consultations *consultation.Service
	// Comments is the comments service; nil disables the comment routes.
	Comments *comments.Service
	// Search is the Chinese full-text search; nil disables it.
	Search *search.Service
	Tokens *token.Signer
	Log    *slog.Logger
	Now    func() time.Time
	// Ready reports whether the store is reachable (for /readyz).
	Ready func(ctx context.Context) error
	// WriteStats, when set, says how many write transactions the store has
	// committed and how many writes they held (group commit; /readyz).
	WriteStats func() (batches, writes int64)
	// Limits on public writes and logins; nil fields get defaults.
	Limits Limits
	// TrustedProxies are the reverse proxies (addresses and CIDR ranges)
	// whose X-Forwarded-For, X-Forwarded-Proto and X-Forwarded-Host are
	// believed; the client IP is the right-most X-Forwarded-For address not
	// in the list (ClientIP). Empty: the connection's peer is the client.
	TrustedProxies []netip.Prefix
	// BaseURL is the public address of the site ("https://yj.example.gov.cn"),
	// the origin of every absolute link (feeds); see ParseBaseURL.
	// Empty: http://localhost.
	BaseURL string
	// Metrics, when set, records every request (see metrics.go); nil
	// records nothing.
	Metrics *Metrics
	// ReadTimeout bounds reading a request, and an idle new connection's
	// first one; 0 is 30 s.
	ReadTimeout time.Duration
	// Notify is the notifications service (delivery state, unsubscribe);
	// nil disables its routes (notify.go).
	Notify *notify.Service
	// ContactRetention is how long contact details are kept after the
	// decision or the withdrawal (the comment form's notice says so); 0
	// is comments.DefaultContactRetention.
	ContactRetention time.Duration
	// Surveys is the surveys service (问卷调查); nil disables its routes
	// (api_surveys.go, page_surveys.go).
	Surveys *surveys.Service
}

// ParseBaseURL checks a public base URL (http or https, a host, no query or
// fragment) and returns it without a trailing slash.
func ParseBaseURL(s string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil {
		return "", fmt.Errorf("base URL %q: %w", s, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("base URL %q: want http(s)://host[:port][/path]", s)
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// Limits are the rate limits; each is burst per window per key.
type Limits struct {
	LoginPerIP *ratelimit.Limiter
	// LoginPerSource delays failed logins per (account, client IP), growing
	// with each failure; LoginPerAccount is the much higher ceiling for one
	// account from everywhere. So an attacker elsewhere slows down without
	// locking the owner out (see loginAttempt).
	LoginPerSource  *ratelimit.Backoff
	LoginPerAccount *ratelimit.Limiter
	RegisterPerIP   *ratelimit.Limiter
	// RegisterPerIP limits the sign-up codes asked for per client IP,
	// CodePerIP the other verification codes (each contact has its own
	// limit in vcode); CodeCheckPerIP the actions that check a code.
	CodePerIP       *ratelimit.Limiter
	CodeCheckPerIP  *ratelimit.Limiter
	WritePerIP      *ratelimit.Limiter
	WritePerAccount *ratelimit.Limiter
	ReceiptPerIP    *ratelimit.Limiter
}

func (l *Limits) defaults(now func() time.Time) {
	set := func(p **ratelimit.Limiter, burst int, window time.Duration) {
		if *p == nil {
			*p = ratelimit.New(burst, window)
			(*p).Now = now
		}
	}
	set(&l.LoginPerIP, 20, time.Minute)
	set(&l.LoginPerAccount, 100, 15*time.Minute)
	if l.LoginPerSource == nil {
		l.LoginPerSource = ratelimit.NewBackoff(5, time.Second, 15*time.Minute)
		l.LoginPerSource.Now = now
	}
	set(&l.RegisterPerIP, 5, time.Hour)
	set(&l.CodePerIP, 10, time.Hour)
	set(&l.CodeCheckPerIP, 30, 15*time.Minute)
	set(&l.WritePerIP, 30, time.Minute)
	set(&l.WritePerAccount, 30, time.Minute)
	set(&l.ReceiptPerIP, 30, time.Minute)
}

// Server is the HTTP application.
type Server struct {
	cfg   Config
	App   *fiber.App
	pages *pageSet // HTML templates and static files, parsed in pageRoutes (pages.go) [pages]

	// Hooks filled in when the comments service is configured.
	links            func(c *fiber.Ctx, x *consultation.Consultation) (map[string][]comments.PublicComment, error)
	commentsArchiver consultation.CommentsArchiver

	routesOnce sync.Once
	routeSet   map[*fiber.Handler]bool // the first handler of every route (routeTemplate)

	// lastRequest is when the latest request started, in Unix nanoseconds
	// (observe; Busy).
	lastRequest atomic.Int64
}

// New builds the Fiber app with every route.
func New(cfg Config) *Server {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	cfg.Log = slog.New(LogHandler(cfg.Log.Handler()))
	if cfg.ReadTimeout == 0 {
		cfg.ReadTimeout = 30 * time.Second
	}
	cfg.Metrics.watchSearch(cfg.Search)
	cfg.Metrics.watchWrites(cfg.WriteStats)
	cfg.Limits.defaults(cfg.Now)
	if cfg.BaseURL == "" {
		cfg.BaseURL = "http://localhost"
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	s := &Server{cfg: cfg}
	proxies := make([]string, len(cfg.TrustedProxies))
	for i, p := range cfg.TrustedProxies {
		proxies[i] = p.String()
	}
	s.App = fiber.New(fiber.Config{
		AppName:      "yugongkai",
		ErrorHandler: s.handleError,
		// Route middleware enforces the real limits (limitBody) so that the
		// 413 goes through the error handler; this is the transport's cap,
		// set by the largest route's (a bulk import's file).
		BodyLimit:             ImportBodyLimit,
		DisableStartupMessage: true,
		// Without the check Fiber believes X-Forwarded-Proto/-Host from
		// anyone. The client IP is computed by clientIP, not c.IP().
		EnableTrustedProxyCheck: true,
		TrustedProxies:          proxies,
		// Strings taken from the request (limiter keys, form values kept
		// in caches) must not point into fasthttp's reused buffers.
		Immutable:      true,
		ReadBufferSize: ReadBufferSize,
		ReadTimeout:    cfg.ReadTimeout,
		WriteTimeout:   60 * time.Second,
		IdleTimeout:    120 * time.Second,
		StrictRouting:  false,
	})
	if cfg.Comments != nil {
		s.commentsArchiver = cfg.Comments.Archive
		s.links = func(c *fiber.Ctx, x *consultation.Consultation) (map[string][]comments.PublicComment, error) {
			return cfg.Comments.Linked(c.UserContext(), x)
		}
	}
	s.routes()
	return s
}

func (s *Server) routes() {
	app := s.App
	app.Use(s.observe, s.recoverPanics, s.securityHeaders, checkRequestEdge, s.authenticate)
	app.Get("/healthz", s.healthz)
	app.Get("/readyz", s.readyz)
	app.Get("/api/openapi.json", s.openAPI)

	api := app.Group("/api/v1", s.apiOnly)
	small := limitBody(DefaultBodyLimit)
	api.Post("/auth/login", small, s.login)
	api.Post("/auth/register", small, s.register)
	api.Post("/auth/logout", small, s.logout)
	api.Get("/me", s.me)
	api.Get("/departments", s.listDepartments)
	api.Post("/departments", small, s.createDepartment)
	api.Get("/users", s.listUsers)
	api.Post("/users", small, s.createUser)
	api.Patch("/users/:id", small, s.updateAccount)
	api.Post("/users/:id/password-reset", small, s.resetPassword)
	api.Post("/me/password", small, s.changePassword)
	api.Get("/me/comments", s.myComments)
	api.Patch("/departments/:id", small, s.renameDepartment)
	api.Get("/calendar", s.getCalendar)
	api.Put("/calendar", small, s.loadCalendar)
	api.Post("/text/import", limitBody(WordBodyLimit), s.textImport) // page_draft_import.go

	api.Get("/consultations", s.listConsultations)
	api.Post("/consultations", limitBody(DraftBodyLimit), s.createConsultation)
	api.Get("/consultations/:id", s.getConsultation)
	api.Patch("/consultations/:id", limitBody(DraftBodyLimit), s.updateConsultation)
	api.Post("/consultations/:id/publish", small, s.publishConsultation)
	api.Post("/consultations/:id/extend", small, s.extendConsultation)
	api.Post("/consultations/:id/close", small, s.closeConsultation)
	api.Post("/consultations/:id/withdraw", small, s.withdrawConsultation)
	api.Get("/consultations/:id/versions", s.listVersions)
	api.Get("/consultations/:id/versions/:n", s.getVersion)
	api.Post("/consultations/:id/steps", attachmentLimit(attachment.ForStep, DefaultBodyLimit), s.recordStep) // files: api_attachments.go
	api.Get("/consultations/:id/steps/:sid/attachments/:aid", s.stepAttachment)
	api.Get("/consultations/:id/steps", s.listSteps)

	s.reviewRoutes(api)
	s.commentRoutes(api)
	s.surveyRoutes(api) // api_surveys.go
	s.notifyRoutes(api) // notify.go
	s.accountRoutes(api)
	s.eraseContactRoutes(api)
	s.attachRoutes(api)
	s.importRoutes(api)
	s.withdrawRoutes(api) // api_withdraw.go
	s.hearingRoutes(api)  // api_hearings.go

	s.interpretationRoutes(api) // api_interpretation.go
	if s.cfg.Search != nil {
		api.Get("/search", s.search)
	}

	api.Use(func(c *fiber.Ctx) error { return errNotFound })

	s.feedRoutes()
	s.pageRoutes()
	s.publicCommentPageRoutes()
	s.offlinePageRoutes()
	s.staffSearchPageRoutes()  // page_staff_search.go
	s.commentFilesPageRoutes() // page_comment_files.go
	s.passwordPageRoutes()
	s.notifyPageRoutes() // notify.go
	s.accountPageRoutes()
	s.eraseContactPageRoutes()
	s.attachPageRoutes()
	s.importPageRoutes()
	s.withdrawPageRoutes()  // page_withdraw.go
	s.hearingPageRoutes()   // page_hearings.go
	s.documentsPageRoutes() // page_documents.go
	s.surveyPageRoutes()    // page_surveys.go
	s.workSurveyRoutes()    // page_work_surveys.go

	s.interpretationPageRoutes() // page_interpretation.go
}
