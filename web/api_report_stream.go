package web

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"yugongkai/apperr"
	"yugongkai/comments"
)

// The report's CSV and JSON are streamed: the rows go from the store's
// pages (comments.Service.EachReportRow) to the response as they are read,
// so exporting a million rows takes the memory of one page. Whatever can
// fail for the client (not found, not yet public) is checked before the
// status is sent; a store error in the middle ends the body early, and the
// log says so.

// exportContext is the request's context for a writer that runs after the
// handler has returned (the Fiber context is recycled by then).
func exportContext(c *fiber.Ctx) context.Context { return context.WithoutCancel(c.UserContext()) }

// streamDeadline is how long one flush of a streamed export may take: the
// server's write timeout bounds a whole response, which a large export
// exceeds, so the deadline is moved on at every flush instead.
const streamDeadline = time.Minute

// keepWriting moves the connection's write deadline on (see streamDeadline).
func keepWriting(conn net.Conn) {
	if conn != nil {
		conn.SetWriteDeadline(time.Now().Add(streamDeadline))
	}
}

func (s *Server) reportCSVStream(c *fiber.Ctx) error {
	ctx, p, lang, id := exportContext(c), principal(c), langOf(c), strings.Clone(c.Params("id"))
	if _, _, err := s.cfg.Comments.ReportRows(ctx, p, id, "", 1); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="report-`+safeFileName(id)+`.csv"`)
	log, conn := s.cfg.Log, c.Context().Conn()
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		keepWriting(conn)
		w.WriteString("\ufeff")
		cw := csv.NewWriter(w)
		cw.Write(comments.TableHeader(lang))
		n := 0
		err := s.cfg.Comments.EachReportRow(ctx, p, id, func(row comments.ReportRow) error {
			if err := cw.Write(row.Cells(lang)); err != nil {
				return err
			}
			if n++; n%500 == 0 {
				cw.Flush()
				keepWriting(conn)
				return w.Flush()
			}
			return nil
		})
		if err == nil { // the people by category close the table (comments/category.go)
			var head *comments.Report
			if head, err = s.cfg.Comments.ReportHead(ctx, p, id); err == nil {
				err = cw.WriteAll(head.CategoryRows(lang))
			}
		}
		cw.Flush()
		if err == nil {
			err = cw.Error()
		}
		if err == nil {
			err = w.Flush()
		}
		if err != nil {
			log.Warn("report csv ended early", "consultation", id, "rows", n, "err", err)
		}
	})
	return nil
}

func (s *Server) reportJSONStream(c *fiber.Ctx) error {
	ctx, p, id := exportContext(c), principal(c), strings.Clone(c.Params("id"))
	r, err := s.cfg.Comments.ReportHead(ctx, p, id)
	if err != nil {
		return err
	}
	r.Rows = []comments.ReportRow{}
	head, err := json.Marshal(r)
	if err != nil {
		return apperr.Wrap(err, "encode report")
	}
	// Rows is the report's last field: its rows are written where "[]" is.
	tail := []byte(`"rows":[]}`)
	if !bytes.HasSuffix(head, tail) {
		return apperr.Wrap(fmt.Errorf("report JSON does not end with its rows"), "encode report")
	}
	head = head[:len(head)-2]
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	log, conn := s.cfg.Log, c.Context().Conn()
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		keepWriting(conn)
		w.Write(head)
		n := 0
		err := s.cfg.Comments.EachReportRow(ctx, p, id, func(row comments.ReportRow) error {
			b, err := json.Marshal(row)
			if err != nil {
				return err
			}
			if n > 0 {
				w.WriteByte(',')
			}
			w.Write(b)
			if n++; n%500 == 0 {
				keepWriting(conn)
				return w.Flush()
			}
			return nil
		})
		w.WriteString("]}\n")
		if err == nil {
			err = w.Flush()
		}
		if err != nil {
			log.Warn("report json ended early", "consultation", id, "rows", n, "err", err)
		}
	})
	return nil
}
