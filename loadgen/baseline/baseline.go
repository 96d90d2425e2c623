// Package baseline is the yardstick of the ingestion benchmark: the least a
// comment service can do — Fiber, the same JSON in and out, one SQLite
// INSERT per request with the embedded store's settings (WAL,
// synchronous=FULL, so every receipt is fsynced) — and nothing else: no
// rules, no receipts log, no counters, no search. The ingestion goal is a
// multiple of what this reaches in the same run.
package baseline

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	_ "modernc.org/sqlite"
)

// Serve answers on ln until ctx ends, storing into dir/baseline.db.
func Serve(ctx context.Context, ln net.Listener, dir string) error {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(5000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", filepath.Join(dir, "baseline.db")+"?"+q.Encode())
	if err != nil {
		return err
	}
	defer db.Close()
	// One connection: writers queue in Go instead of spinning on SQLite's
	// busy handler, the fastest way to do one INSERT per request.
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS comments (
		id TEXT PRIMARY KEY, consultation_id TEXT NOT NULL, receipt TEXT NOT NULL UNIQUE,
		article_id TEXT, body TEXT NOT NULL, body_sha256 TEXT NOT NULL, display TEXT, received_at TEXT NOT NULL)`); err != nil {
		return err
	}
	app := fiber.New(fiber.Config{DisableStartupMessage: true, BodyLimit: 64 << 10})
	type submission struct {
		ArticleID        string `json:"article_id"`
		Body             string `json:"body"`
		CommenterType    string `json:"commenter_type"`
		OrganizationName string `json:"organization_name"`
		Display          string `json:"display"`
		RealName         string `json:"real_name"`
		ContactPhone     string `json:"contact_phone"`
		ContactEmail     string `json:"contact_email"`
	}
	app.Post("/api/v1/consultations/:id/comments", func(c *fiber.Ctx) error {
		var in submission
		if err := c.BodyParser(&in); err != nil || in.Body == "" || !utf8.ValidString(in.Body) {
			return c.Status(fiber.StatusBadRequest).JSON(fiber.Map{"error": "bad request"})
		}
		id, code := token(16), token(8)
		sum := sha256.Sum256([]byte(in.Body))
		at := time.Now().UTC().Format(time.RFC3339Nano)
		if _, err := db.ExecContext(c.UserContext(), "INSERT INTO comments VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			id, c.Params("id"), code, in.ArticleID, in.Body, hex.EncodeToString(sum[:]), in.Display, at); err != nil {
			return c.Status(fiber.StatusInternalServerError).JSON(fiber.Map{"error": err.Error()})
		}
		return c.Status(fiber.StatusCreated).JSON(fiber.Map{"code": code, "comment_id": id, "received_at": at,
			"body_sha256": hex.EncodeToString(sum[:]), "status": "pending"})
	})
	errc := make(chan error, 1)
	go func() { errc <- app.Listener(ln) }()
	select {
	case <-ctx.Done():
		return app.Shutdown()
	case err := <-errc:
		return fmt.Errorf("baseline: %w", err)
	}
}

func token(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
