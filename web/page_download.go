package web

import (
	"bytes"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"yugongkai/comments"
	"yugongkai/consultation"
	"yugongkai/docx"
	"yugongkai/i18n"
	"yugongkai/lawtext"
	"yugongkai/spreadsheet"
	"yugongkai/workcal"
)

// Downloads for people who work in Word and Excel: any version a reader
// may see as .txt or .docx (the final text laid out as a 公文: title, 文号,
// body, date), and the adoption report as .xlsx beside the CSV of the API.
// They are pages, not API calls, so they stay out of /api/ and its OpenAPI
// document.

func (s *Server) downloadRoutes() {
	s.App.Get("/consultations/:id/versions/:file", s.versionDownload)
	if s.cfg.Comments != nil {
		s.App.Get("/consultations/:id/report.xlsx", s.reportXLSX)
	}
}

// textDownload is one text offered for download.
type textDownload struct {
	Label     string
	TXT, DOCX string
}

func versionFileURL(id string, n int, ext string) string {
	return "/consultations/" + url.PathEscape(id) + "/versions/" + strconv.Itoa(n) + "." + ext
}

// textDownloads lists the 征求意见稿, the final text once published, and
// the shown version when it is neither (a working draft for staff).
func textDownloads(lang i18n.Lang, x *consultation.Consultation, shown *consultation.Version) []textDownload {
	var out []textDownload
	seen := map[int]bool{}
	add := func(n int, kind consultation.VersionKind) {
		if n <= 0 || seen[n] {
			return
		}
		seen[n] = true
		out = append(out, textDownload{Label: i18n.T(lang, "page.download.version", i18n.T(lang, "version."+string(kind)), n),
			TXT: versionFileURL(x.ID, n, "txt"), DOCX: versionFileURL(x.ID, n, "docx")})
	}
	if x.Final != nil {
		add(x.Final.Version, consultation.FinalText)
	}
	add(x.PublicVersion, consultation.ConsultationDraft)
	if shown != nil {
		add(shown.Number, shown.Kind)
	}
	return out
}

// versionDownload serves /consultations/{id}/versions/{n}.txt or .docx.
func (s *Server) versionDownload(c *fiber.Ctx) error {
	ctx, p, lang := c.UserContext(), principal(c), langOf(c)
	file := c.Params("file")
	num, ext, ok := strings.Cut(file, ".")
	n, err := strconv.Atoi(num)
	if !ok || err != nil || n < 1 || (ext != "txt" && ext != "docx") {
		return errNotFound
	}
	x, err := s.cfg.Consultations.Get(ctx, p, c.Params("id"))
	if err != nil {
		return err
	}
	v, err := s.cfg.Consultations.VersionOf(ctx, p, x, n)
	if err != nil {
		return err
	}
	paras := versionParagraphs(lang, x, v)
	name := "consultation-" + safeFileName(x.ID) + "-v" + strconv.Itoa(n) + "." + ext
	title := x.Title
	if v.Title != "" {
		title = v.Title
	}
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`"; filename*=UTF-8''`+url.PathEscape(title+"."+ext))
	c.Set(fiber.HeaderCacheControl, "no-store")
	if ext == "txt" {
		var b strings.Builder
		for i, p := range paras {
			if i > 0 && p.Style != docx.Body {
				b.WriteString("\n")
			}
			b.WriteString(p.Text)
			b.WriteString("\n")
			if p.Style != docx.Body && p.Style != docx.Right {
				b.WriteString("\n")
			}
		}
		c.Set(fiber.HeaderContentType, "text/plain; charset=utf-8")
		return c.SendString(b.String())
	}
	var buf bytes.Buffer
	if err := docx.Write(&buf, docx.Document{Title: title, Language: string(lang), Created: v.CreatedAt, Paragraphs: paras}); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
	return c.Send(buf.Bytes())
}

// safeFileName keeps letters, digits, '-' and '_' of an id.
func safeFileName(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '-' || r == '_' || (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') {
			return r
		}
		return -1
	}, s)
}

// versionParagraphs lays out a version: title, then the 文号 for the final
// text or the version's kind for a draft, the preamble, headings and
// articles (one paragraph per line), and the final text's adoption date.
func versionParagraphs(lang i18n.Lang, x *consultation.Consultation, v *consultation.Version) []docx.Paragraph {
	title := v.Document.Title
	if title == "" {
		title = x.Title
	}
	final := x.Final != nil && x.Final.Version == v.Number
	out := []docx.Paragraph{{Style: docx.Title, Text: title}}
	if final {
		out = append(out, docx.Paragraph{Style: docx.Subtitle, Text: x.Final.DocumentNumber})
	} else {
		out = append(out, docx.Paragraph{Style: docx.Subtitle, Text: i18n.T(lang, "page.download.kind", i18n.T(lang, "version."+string(v.Kind)))})
	}
	for _, line := range v.Document.Preamble {
		out = append(out, docx.Paragraph{Style: docx.Subtitle, Text: line})
	}
	levels := map[lawtext.HeadingLevel]docx.Style{lawtext.Part: docx.Heading1, lawtext.Chapter: docx.Heading2, lawtext.Section: docx.Heading3}
	for _, b := range v.Document.Blocks {
		switch {
		case b.Heading != nil:
			out = append(out, docx.Paragraph{Style: levels[b.Heading.Level], Text: b.Heading.Line()})
		case b.Article != nil:
			for _, line := range strings.Split(b.Article.Text(), "\n") {
				out = append(out, docx.Paragraph{Text: line})
			}
		}
	}
	if final {
		if d, err := workcal.ParseDate(x.Final.AdoptedOn); err == nil {
			out = append(out, docx.Paragraph{Style: docx.Right, Text: formatDate(lang, d)})
		} else {
			out = append(out, docx.Paragraph{Style: docx.Right, Text: formatDate(lang, workcal.DateOf(x.Final.PublishedAt))})
		}
	}
	return out
}

// reportXLSX serves the adoption report table as .xlsx, cell for cell the
// CSV of GET /api/v1/consultations/{id}/report.csv.
func (s *Server) reportXLSX(c *fiber.Ctx) error {
	lang := langOf(c)
	r, err := s.cfg.Comments.Report(c.UserContext(), principal(c), c.Params("id"))
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := spreadsheet.Write(&buf, i18n.T(lang, "page.report.sheet"), r.Table(lang), comments.TableNumeric...); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="report-`+safeFileName(c.Params("id"))+`.xlsx"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(buf.Bytes())
}

// XLSXURL is the report's .xlsx download.
func (r *reportSummary) XLSXURL() string {
	return "/consultations/" + url.PathEscape(r.C.ID) + "/report.xlsx"
}
