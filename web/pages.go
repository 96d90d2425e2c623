package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"net/url"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
	"yugongkai/comments"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/compress"

	"yugongkai/apperr"
	"yugongkai/attachment"
	"yugongkai/auth"
	"yugongkai/i18n"
	"yugongkai/workcal"
)

// Templates and static assets are embedded and parsed once, in pageRoutes,
// so a broken template stops the server at start-up rather than on a page.
//
//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// pageSet is every parsed page: the layout and partials cloned with one page
// file, keyed by the page's file name without ".html".
type pageSet struct {
	pages  map[string]*template.Template
	static map[string]staticFile
}

type staticFile struct {
	body        []byte
	contentType string
	etag        string
}

// staticURL returns the address of an embedded asset with a version that
// changes with its content, so it can be cached for long.
func (ps *pageSet) staticURL(name string) string {
	f, ok := ps.static[name]
	if !ok {
		panic("web: no static file " + name)
	}
	return "/static/" + name + "?v=" + f.etag[:10]
}

// parsePages parses every template. Files named _*.html are partials shared
// by every page; layout.html defines "layout", which calls the page's
// "content" block.
func parsePages() (*pageSet, error) {
	ps := &pageSet{pages: map[string]*template.Template{}, static: map[string]staticFile{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		ct := mime.TypeByExtension(path.Ext(p))
		if ct == "" {
			ct = "application/octet-stream"
		}
		ps.static[strings.TrimPrefix(p, "static/")] = staticFile{body: b, contentType: ct, etag: hex.EncodeToString(sum[:])}
		return nil
	})
	if err != nil {
		return nil, err
	}
	funcs := template.FuncMap{
		"static": ps.staticURL,
		"paras":  paragraphs,
		"inc":    func(n int64) int64 { return n + 1 },
		"inc64":  func(n int) int { return n + 1 }, // page_finalize_qa.go: 1-based row numbers
		// fileSize shows a byte count ("10 MB"; page_attachments.go).
		"fileSize": attachment.FormatSize,

		"attachArgs": func(page, c any) map[string]any { return map[string]any{"Page": page, "C": c} },
		// categories: the commenter categories of the forms (page_categories.go).
		"categories": categoryOptions,
		// shortHash shows the first 12 hex digits of a hash; pages put the
		// full value one tap away (<details>).
		"shortHash": func(h string) string {
			if len(h) <= 12 {
				return h
			}
			return h[:12] + "…"
		},
		"blockArgs": func(page any, blocks []block, comment func(string) string) map[string]any {
			return map[string]any{"Page": page, "Blocks": blocks, "Comment": comment}
		},
		// blockArgsCounted adds each article's number of published comments
		// and the address of the comments list ("" hides the counts).
		// The consultation page's blocks also link back to its table of
		// contents (#toc) from every article.
		"blockArgsCounted": func(page any, blocks []block, comment func(string) string, counts map[string]int, list string) map[string]any {
			return map[string]any{"Page": page, "Blocks": blocks, "Comment": comment, "Counts": counts, "List": list, "TOC": true}
		},
		"fieldArgs": func(page any, id, name, label, value, typ string, max int) map[string]any {
			return map[string]any{"Page": page, "ID": id, "Name": name, "Label": label, "Value": value, "Type": typ, "Max": max}
		},
		"maxLostReceipts": func() int { return comments.MaxLostReceipts },
		"joinInts": func(ns []int) string {
			s := make([]string, len(ns))
			for i, n := range ns {
				s[i] = strconv.Itoa(n)
			}
			return strings.Join(s, ", ")
		},
		"queueArgs": func(page any, items any, count string) map[string]any {
			return map[string]any{"Page": page, "Items": items, "Count": count}
		},
		// summary lists a form's errors for the "errorsummary" partial, in
		// form order: triples of field name, input id and label key.
		"summary": errorSummary,
		"stances": func() []comments.Stance { return comments.Stances },
		"listArgs": func(page any, items []consultationItem) map[string]any {
			return map[string]any{"Page": page, "Items": items}
		},
		"withdrawArgs": withdrawArgs, // page_withdraw.go
	}
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/_*.html")
	if err != nil {
		return nil, err
	}
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if name == "layout" || strings.HasPrefix(name, "_") {
			continue
		}
		t, err := template.Must(base.Clone()).ParseFS(templateFS, f)
		if err != nil {
			return nil, err
		}
		ps.pages[name] = t
	}
	return ps, nil
}

// paragraphs splits a stored text into its non-empty lines, each shown as a
// paragraph.
func paragraphs(s string) []string {
	var out []string
	for _, line := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}

// pageRoutes registers the HTML pages. New handlers follow one pattern: a
// file page_<name>.go with the handler, a form struct when the page posts,
// and templates/<name>.html defining "content"; data embeds pageBase.
func (s *Server) pageRoutes() {
	ps, err := parsePages()
	if err != nil {
		panic(fmt.Sprintf("web: parsing page templates: %v", err))
	}
	s.pages = ps
	app := s.App
	// Pages, downloads and static assets are compressed for clients that
	// ask (gzip, brotli, deflate); the API and feeds registered before are
	// left as they are.
	app.Use(compress.New(compress.Config{Level: compress.LevelDefault}))
	app.Get("/static/*", s.serveStatic)
	app.Use(s.pageSession)

	small := limitBody(DefaultBodyLimit)
	app.Get("/", s.homePage)
	app.Get("/display", s.displaySwitch)
	app.Get("/consultations", s.consultationListPage)
	app.Get("/consultations/:id", s.consultationPage)
	app.Get("/login", s.loginPage)
	app.Post("/login", small, s.loginSubmit)
	app.Post("/logout", small, s.logoutSubmit)

	app.Get("/staff", s.staffDashboardPage)
	app.Get("/staff/consultations/new", s.draftNewPage)
	app.Post("/staff/consultations/new", limitBody(WordBodyLimit), s.draftNewSubmit)
	app.Get("/staff/consultations/:id/publish", s.publishPage)
	app.Post("/staff/consultations/:id/publish", small, s.publishSubmit)

	app.Get("/legal", s.legalQueuePage)

	app.Get("/admin", s.adminPage)
	app.Post("/admin/departments", small, s.adminDepartmentSubmit)
	app.Post("/admin/users", small, s.adminUserSubmit)
	app.Post("/admin/calendar", small, s.adminCalendarSubmit)
	s.adminAccountRoutes(small)
	s.stepsPageRoutes()

	s.commentPageRoutes()
	s.workPageRoutes()     // page_work.go: moderation, dispositions, revisions, review submission
	s.decisionPageRoutes() // page_decision.go: redline, report, decision, search, legal review
	s.downloadRoutes()     // page_download.go: .txt, .docx and .xlsx downloads
	// Hooks for the pages built with the redline, review and history work
	// (moderation, disposition, report, version diff, decision): register
	// them here, one page_<name>.go file and template each.
}

// pageRequest reports whether the request wants an HTML page rather than
// JSON: any address outside /api whose Accept header names text/html.
func pageRequest(c *fiber.Ctx) bool {
	p := c.Path()
	if p == "/api" || strings.HasPrefix(p, "/api/") || p == "/healthz" || p == "/readyz" {
		return false
	}
	return strings.Contains(c.Get(fiber.HeaderAccept), "text/html")
}

// serveStatic serves an embedded asset. Addresses carry a content version
// (staticURL): with the current version an asset is cached for good,
// without it for a day.
func (s *Server) serveStatic(c *fiber.Ctx) error {
	f, ok := s.pages.static[c.Params("*")]
	if !ok {
		return errNotFound
	}
	etag := `"` + f.etag[:16] + `"`
	if c.Query("v") == f.etag[:10] {
		// The address names this content (staticURL): it never changes.
		c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	} else {
		c.Set(fiber.HeaderCacheControl, "public, max-age=86400")
	}
	c.Set(fiber.HeaderETag, etag)
	if c.Get(fiber.HeaderIfNoneMatch) == etag {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, f.contentType)
	return c.Send(f.body)
}

// pageBase is what every page's data carries: the language, who is
// looking, the CSRF token for its forms and the layout's title.
type pageBase struct {
	Lang  i18n.Lang
	User  auth.Principal
	CSRF  string
	Path  string
	Title string
	Now   time.Time
	// Query is the request's query string, kept by the language switch.
	Query string
	// Large is the 大字版 display (page_display.go).
	Large bool
	// Feed is the address of the page's own Atom feed, "" for the site's.
	Feed, FeedTitle string
}

// SwitchLang is the address of this page in the other language.
func (p pageBase) SwitchLang() string {
	q, _ := url.ParseQuery(p.Query)
	if p.Lang == i18n.EN {
		q.Set("lang", string(i18n.ZH))
	} else {
		q.Set("lang", string(i18n.EN))
	}
	q.Del("cursor")
	return p.Path + "?" + q.Encode()
}

func (s *Server) base(c *fiber.Ctx, title string) pageBase {
	lang := langOf(c)
	return pageBase{Lang: lang, User: principal(c), CSRF: csrfToken(c), Path: c.Path(), Title: title, Now: s.cfg.Now(),
		Query: string(c.Request().URI().QueryString()), Large: largeDisplay(c)}
}

// T translates a catalogue key in the page's language.
func (p pageBase) T(key string, args ...any) string { return i18n.T(p.Lang, key, args...) }

// English reports whether the page is in English (for the language switch).
func (p pageBase) English() bool { return p.Lang == i18n.EN }

// HTMLLang is the value of <html lang>.
func (p pageBase) HTMLLang() string { return string(p.Lang) }

// Date shows an instant as its Shanghai civil date: 2026年12月31日, or
// 31 Dec 2026 in English.
func (p pageBase) Date(t any) string {
	var tm time.Time
	switch v := t.(type) {
	case time.Time:
		tm = v
	case *time.Time:
		if v == nil {
			return ""
		}
		tm = *v
	default:
		return ""
	}
	return formatDate(p.Lang, workcal.DateOf(tm))
}

// EndDate shows the last day of a period ending at t (24:00 belongs to the
// day before).
func (p pageBase) EndDate(t *time.Time) string {
	if t == nil {
		return ""
	}
	return formatDate(p.Lang, workcal.DateOf(t.Add(-time.Nanosecond)))
}

func formatDate(lang i18n.Lang, d workcal.Date) string {
	if lang == i18n.EN {
		return fmt.Sprintf("%d %s %d", d.Day, d.Month.String()[:3], d.Year)
	}
	return fmt.Sprintf("%d年%d月%d日", d.Year, int(d.Month), d.Day)
}

// Staff reports whether the viewer works for a department (or is admin).
func (p pageBase) Staff() bool { return p.User.Is(auth.Staff) || p.User.Is(auth.Admin) }

// Legal reports whether the viewer is legal staff (or admin).
func (p pageBase) Legal() bool { return p.User.Is(auth.Legal) || p.User.Is(auth.Admin) }

// Admin reports whether the viewer is an administrator.
func (p pageBase) Admin() bool { return p.User.Is(auth.Admin) }

// formErrors maps a form field to its message, for re-rendered forms.
type formErrors map[string]string

// Err returns the message of field, "" when it is fine.
func (e formErrors) Err(field string) string { return e[field] }

// summaryItem is one entry of a form's error summary: the message with
// the field's label, linked to the field.
type summaryItem struct {
	ID, Label, Message string
}

// errorSummary builds the "errorsummary" partial's data. triples name each
// field of the form in order: field, input id, label catalogue key. Errors
// on fields not named (the whole form, e.g. "consultation") come first,
// without a link.
func errorSummary(page interface{ T(string, ...any) string }, errs formErrors, triples ...string) map[string]any {
	var items []summaryItem
	named := map[string]bool{}
	for i := 0; i+2 < len(triples); i += 3 {
		named[triples[i]] = true
	}
	keys := make([]string, 0, len(errs))
	for k := range errs {
		if !named[k] {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		items = append(items, summaryItem{Message: errs[k]})
	}
	for i := 0; i+2 < len(triples); i += 3 {
		if msg := errs[triples[i]]; msg != "" {
			items = append(items, summaryItem{ID: triples[i+1], Label: page.T(triples[i+2]), Message: msg})
		}
	}
	return map[string]any{"Page": page, "Items": items}
}

// pageMessage replaces messages that would show internal codes on a page
// (the API's list of allowed enum values) with words for people.
func pageMessage(key string) string {
	if key == "field.invalid_choice" {
		return "field.invalid_choice_page"
	}
	return key
}

// fieldErrors turns a domain error with Fields into messages in lang; it
// returns nil for any other error, which then goes to the error page.
func fieldErrors(lang i18n.Lang, err error) formErrors {
	var ae *apperr.Error
	if !errors.As(err, &ae) || len(ae.Fields) == 0 {
		return nil
	}
	out := formErrors{}
	for _, f := range ae.Fields {
		key, args := f.Key, f.Args
		if pk := pageMessage(key); pk != key {
			key, args = pk, nil
		}
		msg := i18n.T(lang, key, args...)
		if prev, ok := out[f.Field]; ok {
			msg = prev + " " + msg
		}
		out[f.Field] = msg
	}
	return out
}

// render executes page into a buffer first, so a template error becomes a
// clean 500 instead of half a page.
func (s *Server) render(c *fiber.Ctx, status int, page string, data any) error {
	t, ok := s.pages.pages[page]
	if !ok {
		return apperr.Wrap(fmt.Errorf("no page template %q", page), "render")
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		return apperr.Wrap(err, "render "+page)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Status(status).Send(buf.Bytes())
}

// errorPage is the data of the error page.
type errorPage struct {
	pageBase
	Status  int
	Message string
	Fields  map[string]string
	// Login offers the login form (401).
	Login bool
}

// renderErrorPage shows an error in the user's language. It never fails:
// if the page itself cannot be rendered, a plain text message is sent.
func (s *Server) renderErrorPage(c *fiber.Ctx, status int, e ErrorDetail) error {
	if status == fiber.StatusUnauthorized && c.Cookies(sessionCookie) != "" {
		// A stale or revoked session cookie would otherwise make every page
		// fail; drop it so the next request is anonymous.
		clearSessionCookie(c)
	}
	lang := langOf(c)
	title := i18n.T(lang, "page.error.title")
	data := errorPage{pageBase: pageBase{Lang: lang, User: principal(c), CSRF: csrfToken(c), Path: c.Path(), Title: title, Now: s.cfg.Now(), Large: largeDisplay(c)},
		Status: status, Message: e.Message, Fields: e.Fields, Login: status == fiber.StatusUnauthorized}
	if s.pages == nil {
		return c.Status(status).SendString(e.Message)
	}
	if err := s.render(c, status, "error", data); err != nil {
		s.cfg.Log.ErrorContext(c.UserContext(), "rendering the error page", "err", err)
		c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
		return c.Status(status).SendString(e.Message)
	}
	return nil
}
